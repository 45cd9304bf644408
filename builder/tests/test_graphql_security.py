"""GraphQL hardening: image renditions and query cost, unpublished pages through every relation,
malformed requests, and URLs on the tenant's own host (builder.graphql.images, .limits,
.visibility, .views)."""

import io
import json
import os
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from graphql import parse
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image, Rendition
from wagtail.models import Page, PageViewRestriction

from builder.graphql.limits import query_cost
from builder.graphql.visibility import DRAFT_FIELDS
from builder.models import HomePage, StandardPage
from builder.tests.test_graphql import gql
from config.graphql import schema
from tenants.models import Domain

HOST = "lumen.localhost"
ALLOWED_WIDTHS = "320, 640, 800, 1024, 1280, 1920"


def png(width: int = 1200, height: int = 800) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "#6b3e26").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def lumen(make_tenant, settings):
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 0  # every request resolves (and may make renditions)
    settings.WAGTAILADMIN_BASE_URL = "https://console.example.com"
    return make_tenant("lumen", name="Lumen Coffee").tenant


class Uploads:
    """Images uploaded under the test settings' MEDIA_ROOT, each with a name no other test (or
    other test run sharing the folder) uses, so their files and renditions can be counted and
    removed afterwards: the database rolls back, the files do not."""

    def __init__(self, tenant, in_tenant):
        self.tenant, self.in_tenant, self.stems = tenant, in_tenant, []
        self.root = Path(django_settings.MEDIA_ROOT) / tenant.schema_name

    def image(self, title: str = "Beans") -> int:
        stem = f"beans-{uuid.uuid4().hex[:12]}"
        self.stems.append(stem)
        with self.in_tenant(self.tenant):
            return Image.objects.create(title=title, file=ImageFile(io.BytesIO(png()), name=f"{stem}.png")).pk

    def files(self) -> set[str]:
        """Every file of these images: originals and renditions (`images/<random>/<stem>.width-320.png`)."""
        return {
            str(path.relative_to(self.root))
            for stem in self.stems
            for path in self.root.rglob(f"{stem}*")
            if path.is_file()
        }

    def renditions(self) -> set[str]:
        return {name for name in self.files() if name.startswith("images/")}

    def rendition_rows(self) -> int:
        with self.in_tenant(self.tenant):
            return Rendition.objects.count()


@pytest.fixture
def uploads(lumen, in_tenant):
    uploads = Uploads(lumen, in_tenant)
    yield uploads
    for name in uploads.files():
        os.remove(uploads.root / name)


@pytest.fixture
def image_id(uploads):
    return uploads.image()


# --- 1. Image renditions ----------------------------------------------------------------------


def test_srcset_sizes_outside_the_allowed_list_are_refused_and_make_no_files(uploads, image_id, client):
    sizes = ", ".join(str(size) for size in range(1000, 1040))
    status, body = gql(client, HOST, f"{{ image(id: {image_id}) {{ srcSet(sizes: [{sizes}]) }} }}")
    assert status == 200
    assert body["data"] == {"image": {"srcSet": None}}
    assert [error["message"] for error in body["errors"]] == [
        f"Image width 1000 is not allowed in srcSet; use some of: {ALLOWED_WIDTHS}."
    ]
    assert uploads.renditions() == set()
    assert uploads.rendition_rows() == 0


def test_one_refused_size_makes_the_whole_srcset_make_nothing(uploads, image_id, client):
    _, body = gql(client, HOST, f"{{ image(id: {image_id}) {{ srcSet(sizes: [640, 320, 1000]) }} }}")
    assert body["errors"][0]["message"].startswith("Image width 1000 is not allowed in srcSet;")
    assert uploads.renditions() == set()
    assert uploads.rendition_rows() == 0


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("rendition(width: 1000) { url }", "Image filter 'width-1000' is not allowed; use one of: "),
        ('rendition(fill: "4000x4000") { url }', "Image filter 'fill-4000x4000' is not allowed;"),
        ('rendition(max: "3000x3000") { url }', "Image filter 'max-3000x3000' is not allowed;"),
        ("rendition(width: 640, jpegquality: 1) { url }", "Image filter 'width-640|jpegquality-1' is not"),
        ('rendition(width: 640, format: "gif") { url }', "Image filter 'width-640|format-gif' is not"),
        ('rendition(width: 640, bgcolor: "000") { url }', "Image filter 'width-640|bgcolor-000' is not"),
        ("rendition { url }", "Image filter '(none)' is not allowed;"),
        ('srcSet(sizes: [640], format: "avif")', "Image width 640 is not allowed in srcSet as avif;"),
    ],
)
def test_filters_outside_the_allowed_list_are_refused(uploads, image_id, client, field, message):
    _, body = gql(client, HOST, f"{{ image(id: {image_id}) {{ {field} }} }}")
    assert body["errors"][0]["message"].startswith(message)
    assert body["data"]["image"] is not None
    assert uploads.renditions() == set()
    assert uploads.rendition_rows() == 0


def test_allowed_filters_and_sizes_make_their_renditions_once(uploads, image_id, client):
    query = f"""{{ image(id: {image_id}) {{
        srcSet(sizes: [320, 640])
        webp: srcSet(sizes: [640], format: "webp")
        rendition(fill: "400x300") {{ width height url }}
    }} }}"""
    status, body = gql(client, HOST, query)
    assert status == 200, body
    image = body["data"]["image"]
    first, second = image["srcSet"].split(", ")
    assert first.startswith(f"http://{HOST}/media/lumen/images/")
    assert first.endswith(".width-320.png 320w")
    assert second.endswith(".width-640.png 640w")
    assert image["webp"].endswith(".width-640.format-webp.webp 640w")
    assert (image["rendition"]["width"], image["rendition"]["height"]) == (400, 300)
    assert image["rendition"]["url"].endswith(".fill-400x300.png")
    made = uploads.renditions()
    assert len(made) == 4
    assert uploads.rendition_rows() == 4

    # Asked again: the same renditions, no new file.
    assert gql(client, HOST, query) == (status, body)
    assert uploads.renditions() == made


def test_a_request_makes_at_most_so_many_new_renditions(uploads, image_id, client, settings):
    settings.GRAPHQL_MAX_NEW_RENDITIONS = 2
    query = f"{{ image(id: {image_id}) {{ srcSet(sizes: [320, 640, 800]) }} }}"

    _, body = gql(client, HOST, query)
    assert body["errors"][0]["message"] == (
        "Too many new image renditions in one request: at most 2. "
        "Ask for the other images or sizes in another request."
    )
    assert uploads.renditions() == set()  # refused before making any

    _, body = gql(client, HOST, f"{{ image(id: {image_id}) {{ srcSet(sizes: [320, 640]) }} }}")
    assert "errors" not in body
    # Renditions that exist are free: only 800 is new now.
    _, body = gql(client, HOST, query)
    assert "errors" not in body
    assert body["data"]["image"]["srcSet"].count("w, ") == 2
    assert len(uploads.renditions()) == 3


def test_the_rendition_budget_spans_every_image_of_the_request(uploads, client, settings):
    settings.GRAPHQL_MAX_NEW_RENDITIONS = 4
    for title in ("One", "Two", "Three"):
        uploads.image(title)
    # The three newest: the starter portal's own pictures come before them.
    _, body = gql(client, HOST, '{ images(limit: 3, order: "-id") { title srcSet(sizes: [320, 640]) } }')
    answers = {image["title"]: image["srcSet"] for image in body["data"]["images"]}
    assert list(answers) == ["Three", "Two", "One"]
    assert [answer is not None for answer in answers.values()] == [True, True, False]
    assert [error["path"] for error in body["errors"]] == [["images", 2, "srcSet"]]
    assert len(uploads.renditions()) == 4


def test_image_lists_multiply_the_cost_of_their_renditions(lumen, client):
    sizes = "[320, 640, 800, 1024, 1280, 1920]"
    fields = " ".join(f"a{i}: srcSet(sizes: {sizes})" for i in range(4))
    status, body = gql(client, HOST, f"{{ images(limit: 100) {{ {fields} }} }}")
    assert status == 400
    assert body["errors"][0]["message"] == (
        "Query too expensive: it costs 2401, at most 2000 per request. "
        "Ask for fewer items (a smaller `limit:`), image sizes or fields."
    )
    assert "data" not in body or body["data"] is None


def test_cost_counts_variables(lumen, client):
    query = "query($n: PositiveInt) { pages(limit: $n) { children(limit: $n) { title } } }"
    status, body = gql(client, HOST, query, {"n": 100})
    assert status == 400
    assert body["errors"][0]["message"].startswith("Query too expensive: it costs 10101,")
    status, body = gql(client, HOST, query, {"n": 10})
    assert status == 200, body


def test_fragment_spreads_count_every_time_they_are_spread(lumen, image_id, client):
    # 10 aliases in a fragment spread in two places are 20 aliases, plus the two of the spreads.
    aliases = " ".join(f"a{i}: url" for i in range(10))
    query = f"""{{ x: image(id: {image_id}) {{ ...Urls }} y: image(id: {image_id}) {{ ...Urls }} }}
                fragment Urls on ImageObjectType {{ {aliases} }}"""
    status, body = gql(client, HOST, query)
    assert status == 400
    assert body["errors"][0]["message"] == "Too many aliases: at most 15 per request."

    query = """{ pages(limit: 100) { ...Children } }
               fragment Children on PageInterface { children(limit: 100) { title } }"""
    status, body = gql(client, HOST, query)
    assert status == 400
    assert body["errors"][0]["message"].startswith("Query too expensive: it costs 10101,")


@pytest.mark.parametrize(
    ("document", "variables", "cost"),
    [
        ("{ pages(limit: 100) { title } }", None, 101),
        ("{ pages { title } }", None, 21),  # grapple's PAGE_SIZE
        ("{ pages(limit: 500) { title } }", None, 101),  # cut to MAX_PAGE_SIZE, as grapple does
        ("{ pages(limit: 0) { title } }", None, 21),
        ("{ image(id: 1) { srcSet(sizes: [320, 640]) } }", None, 3),
        ("{ images(limit: 10) { url srcSet(sizes: [320, 640]) } }", None, 31),
        ("query($s: [Int]) { images(limit: 10) { srcSet(sizes: $s) } }", {"s": [320, 640, 800]}, 31),
        ("query($n: PositiveInt = 5) { pages(limit: $n) { title } }", None, 6),
        ("query($n: PositiveInt = 5) { pages(limit: $n) { title } }", {"n": 50}, 51),
        ("{ ...Q } fragment Q on Query { pages(limit: 10) { title } }", None, 11),
        ("{ pages { children { children { title } } } }", None, 8421),  # as docs/graphql.md says
        ("{ pages(limit: 10) { children(limit: 10) { children(limit: 10) { title } } } }", None, 1111),
        (
            "{ pages(limit: 2) { ... on StandardPage { body { blockType } } ...P } }"
            " fragment P on PageInterface { a: title b: title }",
            None,
            1 + 2 * 4,
        ),
    ],
)
def test_query_cost(document, variables, cost):
    assert query_cost(schema.graphql_schema, parse(document), variables) == cost


def test_cost_of_nested_fragments_is_counted_in_linear_time():
    fragments = ["fragment F0 on PageInterface { title }"]
    for level in range(1, 41):
        fragments.append(
            f"fragment F{level} on PageInterface {{ a: children(limit: 1) {{ ...F{level - 1} }} "
            f"b: children(limit: 1) {{ ...F{level - 1} }} }}"
        )
    document = parse("{ pages(limit: 1) { ...F40 } } " + " ".join(fragments))
    started = time.monotonic()
    assert query_cost(schema.graphql_schema, document) == 1 + 3 * 2**40 - 2
    assert time.monotonic() - started < 1


# --- 2. Unpublished and private pages ---------------------------------------------------------


@pytest.fixture
def tree(lumen, in_tenant):
    """Home (live) > Secret draft (never published) > Live child; home > Members only (login) >
    Private child; the membership page has an unpublished draft titled "Draft title"."""
    with in_tenant(lumen):
        home = HomePage.objects.get(slug="home")
        secret = home.add_child(instance=StandardPage(title="Secret draft", slug="secret", live=False))
        live_child = secret.add_child(instance=StandardPage(title="Live child", slug="live-child"))
        private = home.add_child(instance=StandardPage(title="Members only", slug="members-only"))
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        private_child = private.add_child(instance=StandardPage(title="Private child", slug="inner"))
        help_page = StandardPage.objects.get(url_path="/home/help/")
        membership = StandardPage.objects.get(url_path="/home/membership/")
        membership.title = "Draft title"
        membership.save_revision()
        return {
            "home": home.pk,
            "secret": secret.pk,
            "live_child": live_child.pk,
            "private": private.pk,
            "private_child": private_child.pk,
            "membership": membership.pk,
            "help": help_page.pk,
        }


HIDDEN = ("Secret draft", "Members only", "Private child", "Draft title")


def assert_nothing_hidden(body):
    text = json.dumps(body, ensure_ascii=False)
    assert not [title for title in HIDDEN if title in text], text


def test_parent_of_a_live_page_under_a_draft_is_null(tree, client):
    status, body = gql(
        client,
        HOST,
        f"""{{ page(id: {tree["live_child"]}) {{ title
              parent {{ title ... on StandardPage {{ body {{ blockType }} }} }} }} }}""",
    )
    assert (status, body) == (200, {"data": {"page": {"title": "Live child", "parent": None}}})


def test_ancestors_leave_out_a_draft(tree, client):
    _, body = gql(client, HOST, f"{{ page(id: {tree['live_child']}) {{ ancestors {{ title }} }} }}")
    assert [page["title"] for page in body["data"]["page"]["ancestors"]] == ["Root", "Lumen Coffee"]


@pytest.mark.parametrize(
    "relation", ["children", "descendants", "siblings", "nextSiblings", "previousSiblings"]
)
def test_list_relations_leave_out_drafts_and_private_pages(tree, client, relation):
    start = tree["home"] if relation in ("children", "descendants") else tree["help"]
    _, body = gql(client, HOST, f"{{ page(id: {start}) {{ {relation}(limit: 100) {{ title }} }} }}")
    titles = [page["title"] for page in body["data"]["page"][relation]]
    assert titles
    assert_nothing_hidden(body)


def test_alias_of_an_unpublished_page_is_null(tree, lumen, in_tenant, client):
    with in_tenant(lumen):
        source = StandardPage.objects.get(url_path="/home/help/")
        alias = source.create_alias(update_slug="help-alias")
        Page.objects.filter(pk=source.pk).update(live=False, title="Help (withdrawn)")
    _, body = gql(
        client, HOST, f"{{ page(id: {alias.pk}) {{ title ... on StandardPage {{ aliasOf {{ title }} }} }} }}"
    )
    assert body["data"]["page"]["aliasOf"] is None
    assert "withdrawn" not in json.dumps(body)


def test_links_buttons_and_menus_to_unpublished_pages_give_no_page(tree, lumen, in_tenant, client):
    with in_tenant(lumen):
        StandardPage.objects.get(url_path="/home/membership/").unpublish()
    _, body = gql(
        client,
        HOST,
        """{ page(urlPath: "/", inSite: true) { ... on HomePage { body {
                 ... on HeroBlock { buttons { ... on ButtonBlock { page { title } } } } } } }
             navigation { ... on Navigation {
                 menu { ... on MenuItemBlock { page { title } } } } } }""",
    )
    hero = body["data"]["page"]["body"][0]
    assert hero["buttons"] == [{"page": None}, {"page": None}]  # the membership page, and the shop (a URL)
    menu_pages = [item["page"] for item in body["data"]["navigation"]["menu"]]
    assert menu_pages
    assert {"title": "会员权益"} not in menu_pages
    assert "会员权益" not in json.dumps(body, ensure_ascii=False)


def test_redirects_to_drafts_and_private_pages_give_no_page(tree, lumen, in_tenant, client):
    with in_tenant(lumen):
        Redirect.objects.create(old_path="/old-secret", redirect_page_id=tree["secret"])
        Redirect.objects.create(old_path="/old-private", redirect_page_id=tree["private_child"])
        Redirect.objects.create(old_path="/old-home", redirect_page_id=tree["home"])
    _, body = gql(client, HOST, "{ redirects { oldPath page { title } } }")
    pages = {redirect["oldPath"]: redirect["page"] for redirect in body["data"]["redirects"]}
    assert pages == {"/old-secret": None, "/old-private": None, "/old-home": {"title": "Lumen Coffee"}}


def test_a_sites_unpublished_root_page_is_not_returned(tree, lumen, in_tenant, client):
    with in_tenant(lumen):
        HomePage.objects.get(slug="home").unpublish()
    _, body = gql(client, HOST, f'{{ site(hostname: "{HOST}") {{ hostname rootPage {{ title }} }} }}')
    assert body["data"]["site"] is None
    assert "Lumen Coffee" not in json.dumps(body)


def test_a_live_page_answers_its_published_title_not_its_draft(tree, client):
    _, body = gql(client, HOST, f"{{ page(id: {tree['membership']}) {{ title seoTitle }} }}")
    assert body["data"]["page"] == {"title": "会员权益", "seoTitle": "会员权益"}


@pytest.mark.parametrize("field", DRAFT_FIELDS)
def test_draft_fields_are_not_in_the_schema(tree, client, field):
    status, body = gql(
        client, HOST, f"{{ page(id: {tree['membership']}) {{ ... on StandardPage {{ {field} }} }} }}"
    )
    assert status == 400
    assert body["errors"][0]["message"].startswith(f"Cannot query field '{field}' on type 'StandardPage'.")


def test_every_field_that_returns_a_page_checks_it_is_live_and_public():
    graphql_schema = schema.graphql_schema
    interface = graphql_schema.get_type("PageInterface")
    page_types = {interface, *graphql_schema.get_possible_types(interface)}
    from graphql import GraphQLObjectType, get_named_type

    page_fields = {
        f"{type_.name}.{name}": field
        for type_ in graphql_schema.type_map.values()
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__")
        for name, field in type_.fields.items()
        if get_named_type(field.type) in page_types
    }
    assert {
        "Query.page",
        "Query.pages",
        "HomePage.parent",
        "HomePage.children",
        "HomePage.ancestors",
        "StandardPage.aliasOf",
        "SiteObjectType.rootPage",
        "SiteObjectType.pages",
        "Redirect.page",
        "LinkBlock.page",
        "ButtonBlock.page",
        "MenuItemBlock.page",
        "PageChooserBlock.page",
    } <= set(page_fields)
    # A domain's field may check the viewer itself instead (knowledge's kbArticle: the article's
    # audience, live and view restrictions, knowledge/tests/test_graphql.py).
    unchecked = [
        name
        for name, field in page_fields.items()
        if not getattr(field.resolve, "only_visible_pages", False)
        and not getattr(field.resolve, "checks_viewer", False)
    ]
    assert unchecked == []
    assert [
        name for name, field in page_fields.items() if getattr(field.resolve, "checks_viewer", False)
    ] == ["Query.kbArticle"]


# --- 3. Malformed requests --------------------------------------------------------------------


def post(client, body: bytes, content_type: str):
    response = client.post("/graphql/", body, content_type=content_type, HTTP_HOST=HOST)
    return response.status_code, response["Content-Type"], response.json()


NOT_AN_OBJECT = "The request body must be a JSON object with a `query`."


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"{ __typename \xff\xfe }", "application/graphql", "The request body is not valid UTF-8."),
        (b'{"query": "{ __typename }\xff"}', "application/json", "The request body is not valid UTF-8."),
        (b"[" * 20_000 + b"]" * 20_000, "application/json", "The request body is nested too deeply."),
        (
            b'{"query": ' + b"[" * 20_000 + b"]" * 20_000 + b"}",
            "application/json",
            "The request body is nested too deeply.",
        ),
        (b'{"query": "{ __typename }"', "application/json", "The request body is not valid JSON."),
        (b" ", "application/json", "The request body is not valid JSON."),
        (b"[]", "application/json", NOT_AN_OBJECT),
        (b'["{ __typename }"]', "application/json", NOT_AN_OBJECT),
        (b'"{ __typename }"', "application/json", NOT_AN_OBJECT),
        (b"null", "application/json", NOT_AN_OBJECT),
        (b"5", "application/json", NOT_AN_OBJECT),
        (b'{"query": 5}', "application/json", "`query` must be a string."),
        (b'{"query": ["{ __typename }"]}', "application/json", "`query` must be a string."),
        (b'{"query": {"a": 1}}', "application/json", "`query` must be a string."),
        (
            b'{"query": "{ __typename }", "variables": [1]}',
            "application/json",
            "`variables` must be a JSON object.",
        ),
        (
            b'{"query": "{ __typename }", "variables": 5}',
            "application/json",
            "`variables` must be a JSON object.",
        ),
        (
            b'{"query": "{ __typename }", "variables": "[1]"}',
            "application/json",
            "`variables` must be a JSON object.",
        ),
        (b'{"query": "{ __typename }", "variables": "{"}', "application/json", "Variables are invalid JSON."),
        (
            b'{"query": "{ __typename }", "operationName": 5}',
            "application/json",
            "`operationName` must be a string.",
        ),
        (
            b'{"query": "{ __typename }", "operationName": ["a"]}',
            "application/json",
            "`operationName` must be a string.",
        ),
        (b"--x\r\nbroken", "multipart/form-data", "The request body is not a valid form."),
        (b"a" * 100_001, "application/graphql", "The request body is too large: at most 100000 bytes."),
    ],
)
def test_malformed_requests_are_a_400_with_a_graphql_error(lumen, client, body, content_type, message):
    assert post(client, body, content_type) == (400, "application/json", {"errors": [{"message": message}]})


def test_json_nested_50000_deep_is_a_400(lumen, client):
    status, content_type, answer = post(client, b"[" * 50_000 + b"]" * 50_000, "application/json")
    assert (status, content_type) == (400, "application/json")
    assert list(answer) == ["errors"]


@pytest.mark.parametrize(
    "query_string",
    [
        "query=%7B__typename%7D&variables=%5B1%5D",
        "query=%7B__typename%7D&variables=" + "%5B" * 20_00 + "%5D" * 20_00,
        "query=%7B__typename%7D&variables=%7B",
        "query=%ff%fe",
    ],
)
def test_malformed_get_requests_are_a_400(lumen, client, query_string):
    response = client.get(f"/graphql/?{query_string}", HTTP_HOST=HOST)
    assert response.status_code == 400
    assert list(response.json()) == ["errors"]


@pytest.mark.parametrize(
    "query",
    [
        "{" + "pages { " * 400 + "id" + " }" * 401,  # deeper than graphql-core parses
        "{ pages(order: " + "[" * 1400 + "]" * 1400 + ") { id } }",
        "{ pages { id } } " * 2,  # two anonymous operations
        "{ \u0000 }",
    ],
)
def test_hostile_documents_are_not_a_500(lumen, client, query):
    status, body = gql(client, HOST, query)
    assert status in (200, 400)
    assert body["errors"]


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ('{ pages(searchQuery: "' + "a " * 40_000 + '") { id } }', None),
        ("query($q: String) { pages(searchQuery: $q) { id } }", {"q": "a " * 40_000}),
        ("query($p: String) { page(urlPath: $p) { id } }", {"p": "/" * 501}),
    ],
)
def test_over_long_string_arguments_are_refused(lumen, client, query, variables):
    started = time.monotonic()
    status, body = gql(client, HOST, query, variables)
    assert status == 400
    assert body["errors"][0]["message"].endswith("is too long: at most 500 characters.")
    assert time.monotonic() - started < 1


def doubling_fragments(levels: int, nested: bool) -> str:
    """Fragment n spreads fragment n-1 twice: 2**levels paths through `levels` short fragments."""
    if nested:
        fragments = ["fragment F0 on PageInterface { title }"] + [
            f"fragment F{n} on PageInterface {{ a: children(limit: 1) {{ ...F{n - 1} }} "
            f"b: children(limit: 1) {{ ...F{n - 1} }} }}"
            for n in range(1, levels + 1)
        ]
        return f"{{ pages(limit: 1) {{ ...F{levels} }} }} " + " ".join(fragments)
    fragments = ["fragment F0 on Query { __typename }"] + [
        f"fragment F{n} on Query {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, levels + 1)
    ]
    return f"{{ ...F{levels} }} " + " ".join(fragments)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        # graphene's depth validator walked all 2**40 paths (a worker busy for good)...
        (doubling_fragments(40, nested=False), "Query too expensive: it costs 1099511627776, at most 2000"),
        # ... reported each path too deep, and past 100 errors graphql-core's abort was a 500 ...
        (doubling_fragments(12, nested=True), "'anonymous' exceeds maximum operation depth of 10."),
        # ... and an unknown fragment was a KeyError.
        ("{ pages { ...Nowhere } }", "Unknown fragment 'Nowhere'."),
    ],
)
def test_fragment_bombs_are_refused_quickly(lumen, client, query, message):
    started = time.monotonic()
    status, body = gql(client, HOST, query)
    assert status == 400
    assert body["errors"][0]["message"].startswith(message)
    assert time.monotonic() - started < 1


# --- 4. URLs on the tenant's host --------------------------------------------------------------


def test_media_and_page_urls_are_on_the_tenants_host_not_the_consoles(lumen, in_tenant, image_id, client):
    with in_tenant(lumen):
        document = Document.objects.create(title="Menu", file=ContentFile(b"%PDF-1.4", name="menu.pdf"))
    _, body = gql(
        client,
        HOST,
        f"""{{ image(id: {image_id}) {{ url src srcSet(sizes: [320]) rendition(width: 640) {{ url }}
                                       renditions {{ url }} }}
              documents {{ url }}
              page(urlPath: "/membership/", inSite: true) {{ url }} }}""",
    )
    image = body["data"]["image"]
    media = f"http://{HOST}/media/lumen/"
    assert image["url"].startswith(f"{media}original_images/")
    assert "/beans-" in image["url"]
    assert image["src"] == image["url"]
    assert image["srcSet"].startswith(f"{media}images/")
    assert image["rendition"]["url"].startswith(f"{media}images/")
    assert [rendition["url"][: len(media)] for rendition in image["renditions"]] == [media, media]
    assert body["data"]["documents"] == [{"url": f"http://{HOST}/documents/{document.pk}/menu.pdf"}]
    assert body["data"]["page"] == {"url": "/membership/"}
    assert "console.example.com" not in json.dumps(body)
    with in_tenant(lumen):
        document.file.delete(save=False)


def test_each_domain_of_a_tenant_gets_its_own_urls_even_from_the_answer_cache(
    lumen, image_id, client, settings
):
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 300
    Domain.objects.create(domain="coffee.localhost", tenant=lumen, is_primary=False)
    query = f"{{ image(id: {image_id}) {{ url }} }}"
    for host in (HOST, "coffee.localhost", HOST, "coffee.localhost"):
        _, body = gql(client, host, query)
        assert body["data"]["image"]["url"].startswith(f"http://{host}/media/lumen/")


def test_documents_in_a_private_collection_or_below_one_are_not_listed(lumen, in_tenant, client):
    from wagtail.models import Collection, CollectionViewRestriction

    with in_tenant(lumen):
        root = Collection.get_first_root_node()
        staff_only = root.add_child(name="Staff only")
        CollectionViewRestriction.objects.create(collection=staff_only, restriction_type="login")
        below = staff_only.add_child(name="Contracts")
        public = Document.objects.create(title="Menu", file=ContentFile(b"%PDF-1.4", name="menu.pdf"))
        private = Document.objects.create(
            title="Secret plan", collection=staff_only, file=ContentFile(b"%PDF-1.4", name="plan.pdf")
        )
        deeper = Document.objects.create(
            title="Contract", collection=below, file=ContentFile(b"%PDF-1.4", name="contract.pdf")
        )
    _, body = gql(client, HOST, "{ documents { title } }")
    assert body["data"]["documents"] == [{"title": "Menu"}]
    for document in (private, deeper):
        _, body = gql(client, HOST, f"{{ document(id: {document.pk}) {{ title }} }}")
        assert body["data"]["document"] is None
    _, body = gql(client, HOST, f"{{ document(id: {public.pk}) {{ title }} }}")
    assert body["data"]["document"] == {"title": "Menu"}
    with in_tenant(lumen):
        for document in (public, private, deeper):
            document.file.delete(save=False)
