"""Uploaded files: who gets a document, what /media/ serves, what stored names look like, and a broken
image upload.

- Documents are served only at /documents/<id>/<name> (Wagtail's serve view, which applies the
  collection's privacy); /media/<schema>/documents/... is a 404 whatever the collection.
- Images (originals and renditions) are public on the tenant's own host, like the pages showing them.
- Every stored name has a random folder: `documents/<random>/plan.pdf`.
"""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

HOST = "lumen.localhost"
SECRET = b"%PDF-1.4 the private price list"
RANDOM_FOLDER = r"[A-Za-z0-9_-]{16}"


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def lumen(make_tenant, in_tenant):
    """A tenant with a "Members only" collection (logged-in users) and a customer; the files it
    stores are removed afterwards (stored names are random, so nothing is overwritten)."""
    tenant = make_tenant("lumen", default_language="en").tenant
    stored = []
    with in_tenant(tenant):
        members_only = Collection.get_first_root_node().add_child(name="Members only")
        CollectionViewRestriction.objects.create(
            collection=members_only, restriction_type=CollectionViewRestriction.LOGIN
        )
        customer = get_user_model().objects.create_user("mei", "mei@example.com", "mei-pass-1")
    yield tenant, members_only, customer, stored
    with in_tenant(tenant):
        for file in stored:
            file.storage.delete(file.name)


def add_document(in_tenant, tenant, stored, *, collection=None, name="price-list.pdf", content=SECRET):
    with in_tenant(tenant):
        document = get_document_model()(
            title="Price list", collection=collection or Collection.get_first_root_node()
        )
        document.file.save(name, ContentFile(content), save=False)
        document.save()
    stored.append(document.file)
    return document


def test_a_private_document_is_refused_anonymously_on_both_doors_and_served_to_a_logged_in_customer(
    lumen, in_tenant
):
    tenant, members_only, customer, stored = lumen
    document = add_document(in_tenant, tenant, stored, collection=members_only)
    anonymous = Client()

    by_wagtail = anonymous.get(document.url, HTTP_HOST=HOST)
    assert document.url == f"/documents/{document.pk}/price-list.pdf"
    assert by_wagtail.status_code == 302
    assert by_wagtail["Location"].endswith(f"?next=/documents/{document.pk}/price-list.pdf")
    # The file itself, at its stored name and at the name anyone would guess.
    for path in (document.file.name, "documents/price-list.pdf"):
        response = anonymous.get(f"/media/lumen/{path}", HTTP_HOST=HOST)
        assert response.status_code == 404
        assert SECRET not in body(response)

    customer_client = Client()
    with in_tenant(tenant):
        customer_client.force_login(customer, backend="django.contrib.auth.backends.ModelBackend")
    served = customer_client.get(document.url, HTTP_HOST=HOST)
    assert served.status_code == 200
    assert body(served) == SECRET
    assert served["Content-Disposition"] == 'inline; filename="price-list.pdf"'
    assert served["Content-Security-Policy"] == "default-src 'none'"  # Wagtail's, for inline files
    # Logged in or not, /media/ never serves a document.
    assert customer_client.get(f"/media/lumen/{document.file.name}", HTTP_HOST=HOST).status_code == 404


def test_a_public_document_is_served_by_wagtail_only(lumen, in_tenant):
    tenant, _members_only, _customer, stored = lumen
    document = add_document(in_tenant, tenant, stored, content=b"opening hours")
    client = Client()

    assert body(client.get(document.url, HTTP_HOST=HOST)) == b"opening hours"
    for path in (
        document.file.name,
        f"./{document.file.name}",
        document.file.name.replace("documents/", "documents//"),
        document.file.name.replace("documents/", "Documents/"),
    ):
        assert client.get(f"/media/lumen/{path}", HTTP_HOST=HOST).status_code == 404, path


def test_stored_names_have_a_random_folder_and_keep_the_name_visitors_see(lumen, in_tenant):
    tenant, _members_only, _customer, stored = lumen
    first = add_document(in_tenant, tenant, stored)
    second = add_document(in_tenant, tenant, stored)

    assert re.fullmatch(rf"documents/{RANDOM_FOLDER}/price-list\.pdf", first.file.name)
    assert re.fullmatch(rf"documents/{RANDOM_FOLDER}/price-list\.pdf", second.file.name)
    assert first.file.name != second.file.name
    assert (first.filename, first.url) == ("price-list.pdf", f"/documents/{first.pk}/price-list.pdf")

    with in_tenant(tenant):
        image = get_image_model().objects.create(
            title="Beans", file=ImageFile(io.BytesIO(png_bytes()), name="beans.png")
        )
        rendition = image.get_rendition("fill-20x20")
    stored.extend([image.file, rendition.file])
    assert re.fullmatch(rf"original_images/{RANDOM_FOLDER}/beans\.png", image.file.name)
    assert re.fullmatch(rf"images/{RANDOM_FOLDER}/beans\.2e16d0ba\.fill-20x20\.png", rendition.file.name)


def test_images_and_renditions_are_public_on_their_own_tenants_host_only(lumen, in_tenant, make_tenant):
    tenant, _members_only, _customer, stored = lumen
    make_tenant("other")
    with in_tenant(tenant):
        image = get_image_model().objects.create(
            title="Beans", file=ImageFile(io.BytesIO(png_bytes()), name="beans.png")
        )
        rendition = image.get_rendition("fill-20x20")
        urls = (image.file.url, rendition.url)  # the storage's URL names the current schema
    stored.extend([image.file, rendition.file])
    client = Client()

    for url in urls:
        assert url.startswith("/media/lumen/")
        response = client.get(url, HTTP_HOST=HOST)
        assert response.status_code == 200
        assert body(response).startswith(b"\x89PNG")
        assert client.get(url, HTTP_HOST="other.localhost").status_code == 404


@pytest.mark.parametrize(
    ("name", "data"),
    [("truncated.png", png_bytes((400, 300))[:200]), ("truncated.jpg", None)],
    ids=["png", "jpeg"],
)
def test_a_truncated_image_upload_is_a_form_error(lumen, in_tenant, name, data):
    tenant, _members_only, _customer, _stored = lumen
    if data is None:
        buffer = io.BytesIO()
        PILImage.effect_noise((400, 300), 60).convert("RGB").save(buffer, "JPEG")
        data = buffer.getvalue()[:600]
    client = Client(raise_request_exception=False)
    with in_tenant(tenant):
        client.force_login(get_user_model().objects.get(username="admin@lumen.example"))
        root = Collection.get_first_root_node()
        images_before = get_image_model().objects.count()

    page = client.post(
        "/admin/images/add/",
        {"title": "Broken", "collection": root.pk, "file": SimpleUploadedFile(name, data)},
        HTTP_HOST=HOST,
    )
    multiple = client.post(
        "/admin/images/multiple/add/",
        {"collection": root.pk, "files[]": SimpleUploadedFile(name, data)},
        HTTP_HOST=HOST,
    )

    invalid = "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    assert page.status_code == 200
    assert invalid in page.content.decode()
    assert multiple.status_code == 200
    assert multiple.json() == {"success": False, "error_message": invalid}
    with in_tenant(tenant):
        assert get_image_model().objects.count() == images_before
