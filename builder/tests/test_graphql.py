import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from builder.models import HomePage, StandardPage

SCHEMA_FILE = Path(settings.BASE_DIR) / "schema.graphql"


def gql(client, host, query, variables=None):
    response = client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        HTTP_HOST=host,
    )
    return response.status_code, response.json()


def test_schema_graphql_is_up_to_date():
    """Printed as `make schema` prints it: with the development settings (the test settings add a
    toy domain, tests/toy_domain, which must not reach the committed schema)."""
    printed = subprocess.run(
        [sys.executable, "-m", "config.graphql"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    ).stdout
    assert SCHEMA_FILE.read_text() == printed, "The GraphQL schema changed: run `make schema` and review it."


def test_graphql_is_not_on_the_public_host(db, client):
    assert (
        client.post("/graphql/", "{}", content_type="application/json", HTTP_HOST="localhost").status_code
        == 404
    )


def test_home_page_blocks_are_typed(make_tenant, client):
    make_tenant("lumen", name="Lumen Coffee")
    status, body = gql(
        client,
        "lumen.localhost",
        """{ page(urlPath: "/", inSite: true) { title ... on HomePage { body { blockType
              ... on HeroBlock { heading buttons { ... on ButtonBlock { linkText href style } }
                                 appearance { ... on AppearanceBlock { variant anchor } } }
              ... on FAQBlock { heading questions { ... on QuestionBlock { question } } } } } }
           setting(name: "brandtheme") { ... on BrandTheme { preset primaryColour cornerRadius } } }""",
    )
    assert status == 200, body
    page = body["data"]["page"]
    assert page["title"] == "Lumen Coffee"
    assert [block["blockType"] for block in page["body"]] == [
        "HeroBlock",
        "MemberCardBlock",
        "CardGridBlock",  # why join, with the starter pictures
        "QuickLinksBlock",
        "FAQBlock",
        "RichTextSectionBlock",  # the contact placeholders: no contacts were given
    ]
    hero = page["body"][0]
    assert hero["heading"] == "欢迎来到 Lumen Coffee"
    assert hero["buttons"] == [
        {"linkText": "会员权益", "href": "/membership/", "style": "primary"},
        {"linkText": "商城", "href": "/shop/", "style": "secondary"},
    ]
    assert hero["appearance"] == {"variant": "light", "anchor": None}
    assert page["body"][4]["questions"][0] == {"question": "如何成为会员？"}
    assert body["data"]["setting"] == {"preset": "lumen", "primaryColour": "#6b3e26", "cornerRadius": 14}


def test_a_tenants_endpoint_never_returns_another_tenants_pages(make_tenant, client):
    make_tenant("lumen", name="Lumen Coffee")
    make_tenant("harbor", name="Harbor Homes", template="service-desk", default_language="en")

    _, lumen = gql(client, "lumen.localhost", "{ pages(limit: 100) { title } }")
    _, harbor = gql(client, "harbor.localhost", "{ pages(limit: 100) { title } }")
    lumen_titles = {page["title"] for page in lumen["data"]["pages"]}
    harbor_titles = {page["title"] for page in harbor["data"]["pages"]}
    # Each brand's pages in both its languages, and nothing of the other brand.
    assert lumen_titles == {
        "Lumen Coffee",
        "会员权益",
        "帮助中心",
        "联系我们",
        "Membership",
        "Help",
        "Contact us",
    }
    assert harbor_titles == {"Harbor Homes", "Help centre", "Contact us", "帮助中心", "联系我们"}
    _, missing = gql(client, "lumen.localhost", '{ page(urlPath: "/nowhere/", inSite: true) { title } }')
    assert missing["data"]["page"] is None


def test_unpublished_and_private_pages_are_not_exposed(make_tenant, in_tenant, client):
    tenant = make_tenant("lumen").tenant
    with in_tenant(tenant):
        home = HomePage.objects.get(slug="home")
        home.add_child(instance=StandardPage(title="Draft plan", slug="draft", live=False))
        PageViewRestriction.objects.create(
            page=Page.objects.get(url_path="/home/help/"), restriction_type="login"
        )

    _, body = gql(client, "lumen.localhost", "{ pages(limit: 100) { title } }")
    titles = {page["title"] for page in body["data"]["pages"]}
    assert "Draft plan" not in titles
    assert "帮助中心" not in titles
    for path in ("/draft/", "/help/"):
        _, body = gql(client, "lumen.localhost", f'{{ page(urlPath: "{path}", inSite: true) {{ title }} }}')
        assert body["data"]["page"] is None


def nested(depth: int) -> str:
    # limit: 1, or the cost limit refuses it first (each level multiplies by its page size).
    query = "title"
    for _ in range(depth - 1):
        query = f"children(limit: 1) {{ {query} }}"
    return f"{{ pages(limit: 1) {{ {query} }} }}"


def test_over_deep_queries_are_refused(make_tenant, client):
    make_tenant("lumen")
    status, body = gql(client, "lumen.localhost", nested(10))
    assert status == 200, body
    status, body = gql(client, "lumen.localhost", nested(12))
    assert status == 400
    assert body["errors"][0]["message"] == "'anonymous' exceeds maximum operation depth of 10."
    assert "data" not in body or body["data"] is None


def test_too_many_aliases_are_refused(make_tenant, client):
    make_tenant("lumen")
    query = "{ " + " ".join(f"a{i}: pages {{ title }}" for i in range(16)) + " }"
    status, body = gql(client, "lumen.localhost", query)
    assert status == 400
    assert body["errors"][0]["message"] == "Too many aliases: at most 15 per request."


def test_oversized_documents_are_refused(make_tenant, client):
    make_tenant("lumen")
    query = "{ pages { " + " ".join(["title"] * 3000) + " } }"
    status, body = gql(client, "lumen.localhost", query)
    assert status == 400
    assert (
        body["errors"][0]["message"]
        == "Syntax Error: Document contains more than 3000 tokens. Parsing aborted."
    )


def test_page_size_is_capped_at_100(make_tenant, in_tenant, client):
    tenant = make_tenant("lumen").tenant
    with in_tenant(tenant):
        home = HomePage.objects.get(slug="home")
        for number in range(100):
            home.add_child(instance=StandardPage(title=f"Topic {number}", slug=f"topic-{number}"))
    _, body = gql(client, "lumen.localhost", "{ pages(limit: 500) { id } }")
    assert len(body["data"]["pages"]) == 100


def test_introspection_is_off_but_typename_works(make_tenant, client):
    make_tenant("lumen")
    status, body = gql(client, "lumen.localhost", "{ __schema { types { name } } }")
    assert status == 400
    assert "introspection" in body["errors"][0]["message"].lower()
    status, body = gql(client, "lumen.localhost", "{ __typename }")
    assert (status, body["data"]) == (200, {"__typename": "Query"})
    assert client.get("/graphql/", HTTP_HOST="lumen.localhost", HTTP_ACCEPT="text/html").status_code == 400


@pytest.mark.parametrize("order", ["-owner__password", "title,owner__email", "draft_title"])
def test_pages_can_only_be_ordered_by_public_fields(make_tenant, client, order):
    make_tenant("lumen")
    _, body = gql(client, "lumen.localhost", "query($o: String) { pages(order: $o) { title } }", {"o": order})
    assert body["errors"][0]["message"].startswith("Cannot order by ")
    assert body["data"] is None


def test_page_list_costs_a_fixed_number_of_queries(make_tenant, in_tenant, client, settings):
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 0  # measure resolving, not the answer cache
    tenant = make_tenant("lumen").tenant
    query = "{ pages(limit: 100) { title ... on StandardPage { body { blockType } } } }"
    gql(client, "lumen.localhost", query)

    def count():
        with CaptureQueriesContext(connection) as queries:
            gql(client, "lumen.localhost", query)
        return len(queries)

    before = count()
    with in_tenant(tenant):
        home = HomePage.objects.get(slug="home")
        for number in range(10):
            home.add_child(instance=StandardPage(title=f"Topic {number}", slug=f"topic-{number}"))
    connection.set_schema_to_public()
    assert count() == before
    assert before > 0


def test_anonymous_answers_are_cached_per_tenant_and_purged_on_publish(make_tenant, in_tenant, client):
    tenant = make_tenant("lumen", name="Lumen Coffee").tenant
    make_tenant("harbor", name="Harbor Homes", template="service-desk")
    query = '{ page(urlPath: "/", inSite: true) { title } }'
    assert gql(client, "lumen.localhost", query)[1] == {"data": {"page": {"title": "Lumen Coffee"}}}

    with CaptureQueriesContext(connection) as queries:
        assert gql(client, "lumen.localhost", query)[1] == {"data": {"page": {"title": "Lumen Coffee"}}}
    assert len(queries) == 0
    # The same query on another tenant is answered from that tenant's data.
    assert gql(client, "harbor.localhost", query)[1] == {"data": {"page": {"title": "Harbor Homes"}}}

    with in_tenant(tenant):
        home = HomePage.objects.get(slug="home")
        home.title = "Lumen Coffee Roasters"
        home.save_revision().publish()
    assert gql(client, "lumen.localhost", query)[1] == {"data": {"page": {"title": "Lumen Coffee Roasters"}}}


def test_answers_with_credentials_or_errors_are_not_cached(make_tenant, client):
    from django.core.cache import cache

    make_tenant("lumen")
    gql(client, "lumen.localhost", "{ nothing }")
    client.cookies["sessionid"] = "someone"
    gql(client, "lumen.localhost", "{ pages { title } }")
    assert not [key for key in cache._cache if ":graphql:" in key]
