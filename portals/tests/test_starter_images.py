"""Starter images: small, valid files in the repository, copied into the tenant that asks for them only."""

import os
import posixpath
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django_tenants.utils import schema_context
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Collection, ReferenceIndex

from portals.images import STARTER_IMAGES, STARTER_IMAGES_DIR, add_starter_images

Image = get_image_model()
MAX_FILE_BYTES = 40 * 1024
TITLES = {
    "member-mall": {
        "hero": "Shop counter",
        "card_1": "Points and rewards",
        "card_2": "Gift and coupon",
        "card_3": "Member card",
        "gallery_1": "Shop front",
        "gallery_2": "Shopping bags",
    },
    "service-desk": {
        "hero": "Help desk",
        "card_1": "Headset and speech bubbles",
        "card_2": "Calendar",
        "card_3": "Checklist",
        "gallery_1": "Front desk",
        "gallery_2": "Map and location pin",
    },
}
# Starter pictures serve any brand of their kind: nothing in their names or words belongs to one
# trade (the starter portals' pages refuse these words too, captions and file names included).
TRADE_WORDS = re.compile(
    r"coffee|咖啡|bean|latte|拿铁|cafe|café|croissant|可颂|pastry|chat|plumbing|cleaning|保洁|spring|春季|"
    r"insured|book a visit|my requests|在线客服",
    re.IGNORECASE,
)


@pytest.fixture
def stored_files():
    """(schema, name) of every file a test stores; removed afterwards, as the rows roll back."""
    files = []
    yield files
    for schema_name, name in files:
        with schema_context(schema_name):
            path = default_storage.path(name)
            default_storage.delete(name)
            folder = os.path.dirname(path)  # the random folder tenants.storage made for it
            if os.path.isdir(folder) and not os.listdir(folder):
                os.rmdir(folder)


def add_in(tenant, template_key, stored_files, **kwargs):
    with schema_context(tenant.schema_name):
        images = add_starter_images(template_key, **kwargs)
    stored_files.extend((tenant.schema_name, image.file.name) for image in images.values())
    return images


def test_every_file_in_the_folder_is_declared_small_and_a_valid_image_of_its_size():
    declared = {starter.file: starter for images in STARTER_IMAGES.values() for starter in images.values()}
    on_disk = {
        path.relative_to(STARTER_IMAGES_DIR).as_posix()
        for path in STARTER_IMAGES_DIR.rglob("*")
        if path.is_file()
    }

    assert on_disk == set(declared)
    for file, starter in declared.items():
        assert starter.path.stat().st_size < MAX_FILE_BYTES, file
        with PillowImage.open(starter.path) as picture:
            picture.verify()  # the whole file decodes
        with PillowImage.open(starter.path) as picture:
            assert (picture.format, picture.size) == ("WEBP", starter.size), file
            picture.load()
        left, top, right, bottom = starter.focus
        assert 0 <= left < right <= starter.size[0], file
        assert 0 <= top < bottom <= starter.size[1], file


def test_no_file_name_title_or_description_belongs_to_one_trade():
    for template_key, images in STARTER_IMAGES.items():
        for key, starter in images.items():
            assert TRADE_WORDS.search(starter.file) is None, (template_key, key, starter.file)
            for language in ("en", "zh-hans"):
                for words in starter.words(language):
                    assert TRADE_WORDS.search(words) is None, (template_key, key, words)


def test_every_template_has_a_hero_cards_and_a_gallery_with_words_in_both_languages():
    for template_key, images in STARTER_IMAGES.items():
        assert list(images) == list(TITLES[template_key])
        assert images["hero"].size == (1600, 640)
        for key, starter in images.items():
            assert starter.file.startswith(f"{template_key}/"), key
            if key != "hero":
                assert starter.size == (800, 600), key
            for language in ("en", "zh-hans"):
                title, description = starter.words(language)
                assert 0 < len(title) <= 255
                assert 0 < len(description) <= 255


@pytest.mark.parametrize("template_key", ["member-mall", "service-desk"])
def test_adding_starter_images_creates_one_image_per_file_with_its_title_size_and_file(
    template_key, make_tenant, stored_files
):
    tenant = make_tenant("acme", template=template_key).tenant
    with schema_context(tenant.schema_name):
        before = set(Image.objects.values_list("pk", flat=True))

    images = add_in(tenant, template_key, stored_files)

    declared = STARTER_IMAGES[template_key]
    assert list(images) == list(declared)
    with schema_context(tenant.schema_name):
        created = Image.objects.exclude(pk__in=before).order_by("pk")
        assert [image.pk for image in created] == [image.pk for image in images.values()]
        for key, image in zip(declared, created, strict=True):
            starter = declared[key]
            data = starter.path.read_bytes()
            assert image.title == TITLES[template_key][key]
            assert image.description == starter.description["en"]
            assert (image.width, image.height) == starter.size
            assert image.file_size == len(data) < MAX_FILE_BYTES
            assert image.collection.is_root()
            # Stored under original_images/<random folder>/<the file's own name>, in the tenant's folder.
            folder, name = posixpath.split(image.file.name)
            assert name == posixpath.basename(starter.file)
            assert posixpath.dirname(folder) == "original_images"
            assert len(posixpath.basename(folder)) == 16
            assert f"{os.sep}{tenant.schema_name}{os.sep}original_images{os.sep}" in default_storage.path(
                image.file.name
            )
            with default_storage.open(image.file.name, "rb") as stored:
                assert stored.read() == data
            left, top, right, bottom = starter.focus
            assert image.get_focal_point().as_tuple() == (left, top, right, bottom)
            assert image.renditions.count() == 0
        # Pages make their renditions from the copied file, cropped around the focal point.
        rendition = images["hero"].get_rendition("fill-640x480")
        stored_files.append((tenant.schema_name, rendition.file.name))
        assert (rendition.width, rendition.height) == (640, 480)


def test_starter_images_are_searchable_and_in_the_reference_index_in_a_fixed_number_of_queries(
    make_tenant, stored_files, django_assert_num_queries
):
    """What Wagtail's post_save handlers do for one saved image, done once for all of them."""
    # Provisioned with the other template's pictures (in English), which none of the words below find.
    tenant = make_tenant("acme", template="service-desk", default_language="en").tenant
    with schema_context(tenant.schema_name):
        # Content types are cached per process, as they are after the first provisioning.
        ContentType.objects.get_for_models(Image, Collection)
        provisioned = dict(Image.objects.values_list("pk", "title"))  # (also sets the search_path)
        # root collection, INSERT, tags, 3 for the search index, 2 per image for the reference index
        images = {}
        try:
            with django_assert_num_queries(6 + 2 * 6):
                images = add_starter_images("member-mall")
        finally:  # the files go even when the count is wrong
            stored_files.extend((tenant.schema_name, image.file.name) for image in images.values())

    added = sorted(image.pk for image in images.values())
    assert sorted(provisioned.values()) == sorted(TITLES["service-desk"].values())
    with schema_context(tenant.schema_name):
        assert sorted(Image.objects.exclude(pk__in=provisioned).values_list("pk", flat=True)) == added
        # Titles and descriptions are searched: "price" is in the hero's and gallery_2's descriptions.
        assert set(Image.objects.search("price")) == {images["hero"], images["gallery_2"]}
        assert set(Image.objects.search("rewards")) == {images["card_1"]}
        assert set(Image.objects.search("coupon")) == {images["card_2"]}
        root = Collection.get_first_root_node()
        referencing = ReferenceIndex.get_references_to(root).filter(
            content_type=ContentType.objects.get_for_model(Image)
        )
        # One reference from each image to its collection: the provisioned ones', then these.
        assert sorted(int(ref.object_id) for ref in referencing) == sorted([*provisioned, *added])


def test_titles_and_descriptions_follow_the_language(make_tenant, stored_files):
    tenant = make_tenant("acme", template="service-desk").tenant

    images = add_in(tenant, "service-desk", stored_files, language="zh-hans")

    assert images["card_2"].title == "日历"
    assert images["card_2"].description == STARTER_IMAGES["service-desk"]["card_2"].description["zh-hans"]
    # A language without words of its own gets English.
    images = add_in(tenant, "service-desk", stored_files, language="fr")
    assert images["card_2"].title == "Calendar"


def test_starter_images_of_one_tenant_are_not_in_another(make_tenant, stored_files):
    alpha = make_tenant("alpha").tenant
    bravo = make_tenant("bravo").tenant
    with schema_context(alpha.schema_name):
        alpha_images_before = Image.objects.count()
    with schema_context(bravo.schema_name):
        bravo_images_before = Image.objects.count()
    # Each tenant starts with its template's pictures, from provisioning.
    assert alpha_images_before == bravo_images_before == len(STARTER_IMAGES["member-mall"])

    images = add_in(alpha, "member-mall", stored_files)

    names = [image.file.name for image in images.values()]
    with schema_context(alpha.schema_name):
        assert Image.objects.count() == alpha_images_before + 6
        assert Image.objects.filter(file__in=names).count() == 6
        paths = [default_storage.path(name) for name in names]
        assert all(default_storage.exists(name) for name in names)
    assert all(f"{os.sep}{alpha.schema_name}{os.sep}" in path for path in paths)
    assert not any(f"{os.sep}{bravo.schema_name}{os.sep}" in path for path in paths)
    with schema_context(bravo.schema_name):
        assert Image.objects.count() == bravo_images_before
        assert Image.objects.filter(file__in=names).count() == 0
        assert not any(default_storage.exists(name) for name in names)
