"""Pages per language: a tree per Wagtail locale, addresses that say the language, a menu and
footer per language, a switch that leads to the page's translation, hreflang links, and GraphQL's
`locale`."""

import json
import re

from django.db import connection
from wagtail.models import Locale, Page

from builder.models import HomePage, Navigation

HOST = "lumen.localhost"
ALTERNATES = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
SWITCH = re.compile(r'<nav class="language-switch".*?</nav>', re.DOTALL)


def h1(html: str) -> str:
    return re.search(r'<h1 class="page-title">(.*?)</h1>', html).group(1)


def test_a_new_portal_has_each_page_in_both_languages_the_brands_own_without_a_prefix(make_tenant, client):
    make_tenant("lumen", default_language="zh-hans")
    chinese = client.get("/help/", HTTP_HOST=HOST)
    english = client.get("/en/help/", HTTP_HOST=HOST)
    assert (chinese.status_code, chinese["Content-Language"], h1(chinese.content.decode())) == (
        200,
        "zh-hans",
        "帮助中心",
    )
    assert (english.status_code, english["Content-Language"], h1(english.content.decode())) == (
        200,
        "en",
        "Help",
    )
    assert '<html lang="en"' in english.content.decode()
    # The brand's own language has one address only.
    redirect = client.get("/zh-hans/help/?from=qr", HTTP_HOST=HOST)
    assert (redirect.status_code, redirect["Location"]) == (302, "/help/?from=qr")
    # A language the project does not speak is not a language prefix: no such page.
    assert client.get("/fr/help/", HTTP_HOST=HOST).status_code == 404


def test_an_english_brand_has_chinese_pages_under_a_prefix(make_tenant, client):
    make_tenant("harbor", template="service-desk", default_language="en")
    assert h1(client.get("/help/", HTTP_HOST="harbor.localhost").content.decode()) == "Help centre"
    assert h1(client.get("/zh-hans/help/", HTTP_HOST="harbor.localhost").content.decode()) == "帮助中心"
    assert client.get("/en/help/", HTTP_HOST="harbor.localhost")["Location"] == "/help/"


def test_page_urls_outside_a_request_leave_out_the_brands_language(make_tenant, in_tenant):
    """Links in e-mails and tasks are written without a request: same addresses as on the site."""
    tenant = make_tenant("lumen", default_language="zh-hans").tenant
    with in_tenant(tenant):
        help_pages = (
            Page.objects.filter(slug="help").select_related("locale").order_by("locale__language_code")
        )
        assert {page.locale.language_code: page.url for page in help_pages} == {
            "en": "/en/help/",
            "zh-hans": "/help/",
        }


def test_every_page_links_its_language_versions_for_search_engines(make_tenant, client):
    make_tenant("lumen", default_language="zh-hans")
    for path in ("/help/", "/en/help/"):
        html = client.get(path, HTTP_HOST=HOST).content.decode()
        assert ALTERNATES.findall(html) == [
            ("zh-hans", "http://lumen.localhost/help/"),
            ("x-default", "http://lumen.localhost/help/"),
            ("en", "http://lumen.localhost/en/help/"),
        ], path


def test_the_switch_leads_to_the_same_page_in_the_other_language_and_is_remembered(make_tenant, client):
    make_tenant("lumen", default_language="zh-hans")
    chinese = client.get("/help/", HTTP_HOST=HOST).content.decode()
    assert SWITCH.search(chinese).group(0) == (
        '<nav class="language-switch" aria-label="语言"><a href="/language/en/?next=/en/help/" hreflang="en" '
        'lang="en">English</a></nav>'
    )
    switched = client.get("/language/en/", {"next": "/en/help/"}, HTTP_HOST=HOST)
    assert (switched.status_code, switched["Location"], switched.cookies["django_language"].value) == (
        302,
        "/en/help/",
        "en",
    )
    english = client.get("/en/help/", HTTP_HOST=HOST).content.decode()
    assert SWITCH.search(english).group(0) == (
        '<nav class="language-switch" aria-label="Language"><a href="/language/zh-hans/?next=/help/" '
        'hreflang="zh-hans" lang="zh-hans">简体中文</a></nav>'
    )
    # Coming back later, the front door opens in the language they chose...
    front = client.get("/", HTTP_HOST=HOST)
    assert (front.status_code, front["Location"]) == (302, "/en/")
    # ...while a shared link still shows the page it names.
    assert h1(client.get("/help/", HTTP_HOST=HOST).content.decode()) == "帮助中心"


def test_the_front_door_from_the_page_cache_still_follows_the_remembered_language(make_tenant, client):
    make_tenant("lumen", default_language="zh-hans")
    first = client.get("/", HTTP_HOST=HOST)
    again = client.get("/", HTTP_HOST=HOST)
    assert (first["X-Portal-Cache"], again["X-Portal-Cache"]) == ("miss", "hit")
    client.cookies["django_language"] = "en"
    remembered = client.get("/", HTTP_HOST=HOST)
    assert (remembered.status_code, remembered["Location"]) == (302, "/en/")


def test_menus_and_footers_follow_the_pages_language(make_tenant, client):
    make_tenant("lumen", default_language="zh-hans")
    chinese = client.get("/", HTTP_HOST=HOST).content.decode()
    english = client.get("/en/", HTTP_HOST=HOST).content.decode()
    menu = re.compile(r'<div class="menu-wide">.*?</div>', re.DOTALL)
    # The shop is a view, not a page: one address in every language.
    assert re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', menu.search(chinese).group(0)) == [
        ("/shop/", "商城"),
        ("/membership/", "会员权益"),
        ("/help/", "帮助中心"),
        ("/contact/", "联系我们"),
    ]
    assert re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', menu.search(english).group(0)) == [
        ("/shop/", "Shop"),
        ("/en/membership/", "Membership"),
        ("/en/help/", "Help"),
        ("/en/contact/", "Contact us"),
    ]
    assert '<a class="site-brand" href="/en/">' in english
    footer = re.compile(r'<footer class="site-footer">.*?</footer>', re.DOTALL)
    assert re.findall(r"<h2>(.*?)</h2>", footer.search(chinese).group(0)) == ["会员", "帮助"]
    assert re.findall(r"<h2>(.*?)</h2>", footer.search(english).group(0)) == ["Membership", "Help"]


def test_a_language_the_brand_removed_is_not_offered_or_served(make_tenant, in_tenant, client):
    tenant = make_tenant("lumen", default_language="zh-hans").tenant
    with in_tenant(tenant):
        english = Locale.objects.get(language_code="en")
        Navigation.objects.filter(locale=english).delete()
        HomePage.objects.get(locale=english).delete()
        english.delete()
    html = client.get("/help/", HTTP_HOST=HOST).content.decode()
    assert SWITCH.search(html) is None
    assert ALTERNATES.findall(html) == [
        ("zh-hans", "http://lumen.localhost/help/"),
        ("x-default", "http://lumen.localhost/help/"),
    ]
    assert client.get("/en/help/", HTTP_HOST=HOST).status_code == 404


def test_every_page_has_a_description_and_an_icon(make_tenant, in_tenant, client):
    tenant = make_tenant("lumen", default_language="zh-hans").tenant
    with in_tenant(tenant):
        help_page = Page.objects.get(url_path="/home/help/").specific
        help_page.search_description = "常见问题与联系方式"
        help_page.save_revision().publish()
    described = re.compile(r'<meta name="description" content="([^"]*)">')
    assert described.findall(client.get("/help/", HTTP_HOST=HOST).content.decode()) == ["常见问题与联系方式"]
    # Without one, the page's first words.
    assert described.findall(client.get("/en/", HTTP_HOST=HOST).content.decode()) == [
        "Join our membership for free: collect points, move up a level and find your coupons in one place."
    ]
    login = client.get("/accounts/login/", HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert described.findall(login) == ["Lumen: your account and customer service."]
    assert '<link rel="icon" href="/static/portal/favicon.svg" type="image/svg+xml">' in login


def gql(client, query):
    response = client.post(
        "/graphql/", json.dumps({"query": query}), content_type="application/json", HTTP_HOST=HOST
    )
    return response.json()


def test_graphql_reads_each_languages_pages_and_navigation(make_tenant, client):
    make_tenant("lumen", default_language="zh-hans")
    body = gql(
        client,
        """{ en: page(urlPath: "/help/", inSite: true, locale: "en") { title url }
             zh: page(urlPath: "/help/", inSite: true, locale: "zh-hans") { title url }
             default: page(urlPath: "/help/", inSite: true) { title }
             english: pages(inSite: true, locale: "en", order: "path") { title }
             menu: navigation(locale: "en") { footerText menu { ... on MenuItemBlock { page { title } url } } } }""",
    )["data"]
    assert body["en"] == {"title": "Help", "url": "/en/help/"}
    assert body["zh"] == {"title": "帮助中心", "url": "/help/"}
    assert body["default"] == {"title": "帮助中心"}
    assert [page["title"] for page in body["english"]] == ["Lumen", "Membership", "Help", "Contact us"]
    assert body["menu"]["footerText"] == "© Lumen"
    assert [(item["page"] or {}).get("title") or item["url"] for item in body["menu"]["menu"]] == [
        "/shop/",
        "Membership",
        "Help",
        "Contact us",
    ]


def test_a_pages_language_versions_cost_no_query_once_cached(make_tenant, client):
    """The switch and the hreflang links come from the fragment cache on later views."""
    from django.test.utils import CaptureQueriesContext

    make_tenant("lumen", default_language="zh-hans")
    client.cookies["sessionid"] = "anything"  # past the anonymous page cache
    client.get("/en/help/", HTTP_HOST=HOST)
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/en/help/", HTTP_HOST=HOST).content.decode()
    assert "hreflang" in html
    assert not [query["sql"] for query in queries if '"translation_key" =' in query["sql"]]
