import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from builder.models import HomePage, StandardPage


def test_member_mall_portal_renders_every_page(make_tenant, client):
    make_tenant("lumen", name="Lumen Coffee")
    home = client.get("/", HTTP_HOST="lumen.localhost").content.decode()

    assert '<h2 class="hero-heading">欢迎来到 Lumen Coffee</h2>' in home
    assert 'class="block block-quick-links' in home
    assert '<a href="/membership/">会员权益</a>' in home  # the menu
    assert "<h2>会员</h2>" in home  # a footer column
    assert "--color-primary:#6b3e26" in home  # lumen preset
    assert 'class="w-block-' not in home  # blocks render bare, without StreamField wrappers
    for path in ("/membership/", "/help/", "/contact/"):
        assert client.get(path, HTTP_HOST="lumen.localhost").status_code == 200, path


def test_service_desk_portal_renders_every_page(make_tenant, client):
    make_tenant("harbor", name="Harbor Homes", template="service-desk")
    home = client.get("/", HTTP_HOST="harbor.localhost").content.decode()

    assert '<h2 class="hero-heading">今天有什么可以帮您？</h2>' in home
    assert '<a href="/help/">帮助中心</a>' in home
    for path in ("/help/", "/contact/"):
        assert client.get(path, HTTP_HOST="harbor.localhost").status_code == 200, path


def test_landing_page_has_no_menu_unless_asked(make_tenant, in_tenant, client):
    from builder.models import LandingPage

    tenant = make_tenant("lumen").tenant
    with in_tenant(tenant):
        home = HomePage.objects.get(slug="home")
        home.add_child(instance=LandingPage(title="Spring", slug="spring", body=[]))
        home.add_child(instance=LandingPage(title="Autumn", slug="autumn", show_header_navigation=True))
    landing = client.get("/spring/", HTTP_HOST="lumen.localhost")
    assert landing.status_code == 200
    assert 'class="site-menu"' not in landing.content.decode()
    assert 'class="site-menu"' in client.get("/autumn/", HTTP_HOST="lumen.localhost").content.decode()
    assert 'class="site-menu"' in client.get("/help/", HTTP_HOST="lumen.localhost").content.decode()


def test_drafts_and_private_pages_are_not_served(make_tenant, in_tenant, client):
    tenant = make_tenant("lumen").tenant
    with in_tenant(tenant):
        home = HomePage.objects.get(slug="home")
        draft = StandardPage(title="Secret plan", slug="secret", live=False)
        home.add_child(instance=draft)
        PageViewRestriction.objects.create(
            page=Page.objects.get(url_path="/home/help/"), restriction_type="login"
        )

    assert client.get("/secret/", HTTP_HOST="lumen.localhost").status_code == 404
    response = client.get("/help/", HTTP_HOST="lumen.localhost")
    assert response.status_code == 302
    assert "/_util/login/" in response["Location"] or "login" in response["Location"]


def body_of(count: int, linked_page) -> list:
    kinds = [
        ("buttons", {"buttons": [{"page": linked_page, "link_text": "", "url": "", "style": "primary"}]}),
        ("heading", {"text": "Title", "level": "h2"}),
        ("rich_text", {"text": "<p>Words</p>"}),
        ("faq", {"questions": [{"question": "Q?", "answer": "<p>A.</p>"}]}),
        ("card_grid", {"cards": [{"title": "Card"}]}),
        ("announcement", {"text": "Note"}),
    ]
    return [kinds[i % len(kinds)] for i in range(count)]


@pytest.fixture
def uncached(settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0


def queries_for_home(client, tenant, in_tenant, blocks: int) -> int:
    with in_tenant(tenant):
        home = HomePage.objects.get(slug="home")
        home.body = body_of(blocks, Page.objects.get(url_path="/home/help/"))
        home.save_revision().publish()
    connection.set_schema_to_public()
    client.get("/", HTTP_HOST="lumen.localhost")  # warm host and site caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", HTTP_HOST="lumen.localhost")
    assert response.status_code == 200
    assert (
        response.content.decode().count('<a class="button button-primary" href="/help/">')
        == (blocks + 5) // 6
    )
    return len(queries)


@pytest.mark.parametrize(
    ("fragment_cache", "expected"),
    [
        # SET search_path, Site, the tenant's locales, the root page, its specific row, any view
        # restrictions?, every linked page (1); theme, navigation, the menu's pages (1), the home
        # page in each language (1) and this page's language versions (1), the page extras (the
        # service entry's settings: 1) once per request.
        (0, 14),
        # None at all: Site, locales, the home page, restrictions, chrome and body come from the
        # cache (so not even SET search_path is sent).
        (300, 0),
    ],
    ids=["render", "fragments-cached"],
)
def test_page_render_costs_a_fixed_number_of_queries_whatever_its_blocks(
    make_tenant, in_tenant, client, uncached, settings, fragment_cache, expected
):
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = fragment_cache
    tenant = make_tenant("lumen").tenant
    with_ten = queries_for_home(client, tenant, in_tenant, 10)
    with_forty = queries_for_home(client, tenant, in_tenant, 40)
    assert with_ten == with_forty
    assert with_ten == expected


def test_anonymous_views_are_cached_per_tenant_and_purged_on_publish(make_tenant, in_tenant, client):
    tenant = make_tenant("lumen").tenant
    make_tenant("other", template="service-desk")
    first = client.get("/", HTTP_HOST="lumen.localhost")
    assert first["X-Portal-Cache"] == "miss"

    with CaptureQueriesContext(connection) as queries:
        second = client.get("/", HTTP_HOST="lumen.localhost")
    assert second["X-Portal-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    # The same path on another tenant is never that tenant's cached page.
    assert "Lumen" not in client.get("/", HTTP_HOST="other.localhost").content.decode()

    with in_tenant(tenant):
        home = HomePage.objects.get(slug="home")
        home.body = [("heading", {"text": "Fresh news", "level": "h2"})]
        home.save_revision().publish()
    third = client.get("/", HTTP_HOST="lumen.localhost")
    assert third["X-Portal-Cache"] == "miss"
    assert "<h2>Fresh news</h2>" in third.content.decode()


def test_logged_in_visitors_are_never_served_from_the_cache(make_tenant, client):
    make_tenant("lumen")
    client.get("/", HTTP_HOST="lumen.localhost")
    client.cookies["sessionid"] = "anything"
    response = client.get("/", HTTP_HOST="lumen.localhost")
    assert "X-Portal-Cache" not in response


def test_block_previews_in_the_admin_use_the_tenants_theme(make_tenant, in_tenant, client):
    tenant = make_tenant("lumen").tenant
    with in_tenant(tenant):
        from django.contrib.auth import get_user_model

        get_user_model().objects.create_superuser("boss", "boss@example.com", "boss-pass-1")
    client.post("/admin/login/", {"username": "boss", "password": "boss-pass-1"}, HTTP_HOST="lumen.localhost")
    from wagtail.blocks import Block

    hero_id = next(
        key for key, block in Block.definition_registry.items() if type(block).__name__ == "HeroBlock"
    )
    response = client.get("/admin/block-preview/", {"id": hero_id}, HTTP_HOST="lumen.localhost")
    html = response.content.decode()
    assert response.status_code == 200, html[:300]
    assert "portal/portal.css" in html
    assert "--color-primary:#6b3e26" in html
    assert "Members&#x27; week" in html


def test_ui_strings_follow_the_pages_language(make_tenant, client):
    """A page's address says its language (/en/help/), and the portal's own words follow it,
    whatever the browser asks for."""
    make_tenant("lumen", contact_phone="400-820-1234")
    chinese = client.get("/help/", HTTP_HOST="lumen.localhost", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    english = client.get(
        "/en/help/", HTTP_HOST="lumen.localhost", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"
    ).content.decode()
    assert ">跳到正文</a>" in chinese
    assert "<strong>致电</strong>" in chinese
    assert ">Skip to content</a>" in english
    assert "<strong>Call us</strong>" in english


def test_corrupt_stored_block_data_does_not_break_the_page(make_tenant, in_tenant, client):
    """Rows written around the admin's validation (old data, imports) still render."""
    import json

    tenant = make_tenant("lumen").tenant
    with in_tenant(tenant):
        home = HomePage.objects.get(slug="home")
        raw = [
            {"type": "video", "value": {"url": "https://evil.example/x", "title": "Bad video"}, "id": "a"},
            {"type": "no_such_block", "value": {"x": 1}, "id": "b"},
            {
                "type": "hero",
                "value": {"heading": "Still here", "buttons": [{"page": 999999, "url": ""}]},
                "id": "c",
            },
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE builder_homepage SET body = %s WHERE page_ptr_id = %s", [json.dumps(raw), home.pk]
            )
    response = client.get("/", HTTP_HOST="lumen.localhost")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 class="hero-heading">Still here</h2>' in html
    assert '<a href="https://evil.example/x">Bad video</a>' in html  # a plain link, never an iframe
    assert 'evil.example/x" title' not in html


def test_without_a_browser_language_the_portal_speaks_the_brands_language(make_tenant, client):
    make_tenant("lumen", default_language="zh-hans")
    make_tenant("harbor", template="service-desk", default_language="en")
    assert ">跳到正文</a>" in client.get("/help/", HTTP_HOST="lumen.localhost").content.decode()
    assert ">Skip to content</a>" in client.get("/help/", HTTP_HOST="harbor.localhost").content.decode()
    # Pages without a language prefix are the brand's language, whatever the browser asks for;
    # the visitor's own choice (the switch) takes them to the other language's pages.
    assert (
        ">跳到正文</a>"
        in client.get("/help/", HTTP_HOST="lumen.localhost", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    # Pages that are not portal pages (log-in) speak the browser's language.
    login = client.get(
        "/accounts/login/", HTTP_HOST="lumen.localhost", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert ">Skip to content</a>" in login


def test_the_sharing_image_is_on_the_tenants_own_host(make_tenant, in_tenant, client, settings):
    import io
    import uuid

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images.models import Image

    settings.WAGTAILADMIN_BASE_URL = "https://console.example.com"
    tenant = make_tenant("lumen").tenant
    buffer = io.BytesIO()
    PILImage.new("RGB", (1300, 700), "#6b3e26").save(buffer, "PNG")
    stem = f"share-{uuid.uuid4().hex[:12]}"
    with in_tenant(tenant):
        image = Image.objects.create(title="Share", file=ImageFile(buffer, name=f"{stem}.png"))
        home = HomePage.objects.get(slug="home")
        home.share_image = image
        home.save_revision().publish()
    html = client.get("/", HTTP_HOST="lumen.localhost").content.decode()
    assert '<meta property="og:image" content="http://lumen.localhost/media/lumen/images/' in html
    assert "console.example.com" not in html
    with in_tenant(tenant):
        for rendition in image.renditions.all():
            rendition.file.delete(save=False)
        image.file.delete(save=False)
