"""The help centre in GraphQL: `search`, `kbCategories` and `kbArticle`, for anonymous visitors and
logged-in customers (session or bearer token), in both languages, one tenant at a time."""

import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from accounts import tokens
from builder.models import HomePage
from knowledge.graphql.schema import cursor_for
from knowledge.models import Audience, KnowledgeCategoryPage, SearchLog
from knowledge.tests.factories import add_article, add_category, add_help_centre
from members.models import MemberLevel
from members.tests.factories import MemberLevelFactory, MemberRowFactory

HOST = "lumen.localhost"

SEARCH = """query($q: String!, $types: [String], $category: ID, $first: Int, $after: String, $locale: String) {
  search(query: $q, types: $types, category: $category, first: $first, after: $after, locale: $locale) {
    query total
    groups { type label total endCursor hasNextPage results { type title url snippet meta } }
  }
}"""
ARTICLE = """query($path: String!) {
  kbArticle(path: $path) { title url summary audience body { blockType field rawValue } }
}"""
CATEGORIES = """query($locale: String) {
  kbCategories(locale: $locale) {
    id title url description articleCount
    subcategories { id title url description articleCount subcategories { id } }
  }
}"""


def gql(client, query, variables=None, host=HOST, **headers):
    response = client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        HTTP_HOST=host,
        **headers,
    )
    return response.status_code, response.json()


def search(client, q, host=HOST, headers=None, **arguments):
    status, body = gql(client, SEARCH, {"q": q, **arguments}, host=host, **(headers or {}))
    assert status == 200, body
    assert "errors" not in body, body
    return body["data"]["search"]


def titles(found, group="articles"):
    return [result["title"] for g in found["groups"] if g["type"] == group for result in g["results"]]


def titles_of(group):
    return [result["title"] for result in group["results"]]


def home(language):
    return HomePage.objects.get(depth=2, locale__language_code=language)


@pytest.fixture
def lumen(make_tenant, in_tenant):
    """A Chinese brand with an English help centre too. Articles are added in the order that would
    list them first if search did not rank (the body-only match before the title match)."""
    tenant = make_tenant("lumen", default_language="zh-hans").tenant
    with in_tenant(tenant):
        gold = MemberLevelFactory(name="Gold", threshold_points=5000)
        MemberLevelFactory(name="Silver", threshold_points=0)
        centre = add_help_centre(home("en"), title="Help centre", slug="help-centre")
        points = add_category(centre, "Points", slug="points", description="Earning and using points")
        add_article(
            points, "Points rules", "Every order earns points.", slug="points-rules", headings=["Earning"]
        )
        expiry = add_category(points, "Expiry", slug="expiry", description="When points run out")
        add_article(expiry, "When points expire", "Points expire two years after you earn them.", slug="when")
        orders = add_category(centre, "Orders", slug="orders")
        add_article(orders, "Returns", "We pay the cash back once the parcel is back.", slug="returns")
        add_article(orders, "Cash back policy", "Money back within seven days of delivery.", slug="cash-back")
        add_article(
            orders,
            "Members lounge",
            "The lounge is open to members.",
            slug="members-lounge",
            audience=Audience.MEMBERS,
        )
        add_article(
            orders,
            "Gold lounge",
            "The gold lounge serves coffee.",
            slug="gold-lounge",
            audience=Audience.LEVELS,
            levels=[gold],
        )
        add_article(orders, "Lounge draft", "The lounge opens soon.", slug="lounge-draft", live=False)

        zh_centre = add_help_centre(home("zh-hans"), title="帮助中心", slug="help-centre")
        zh_points = add_category(zh_centre, "积分", slug="points", description="积分的获得与使用")
        add_article(zh_points, "积分使用规则", "每消费一元获得一个积分。", slug="points-rules")
    return tenant


@pytest.fixture
def bravo(make_tenant, in_tenant):
    """Another brand whose articles use the same words and the same addresses."""
    tenant = make_tenant("bravo", default_language="zh-hans").tenant
    with in_tenant(tenant):
        centre = add_help_centre(home("en"), title="Help centre", slug="help-centre")
        orders = add_category(centre, "Orders", slug="orders")
        add_article(orders, "Bravo cash back", "Cash back in the lounge.", slug="cash-back")
        add_article(orders, "Bravo only", "Cash at the bravo till.", slug="bravo-only")
        zh_centre = add_help_centre(home("zh-hans"), title="帮助中心", slug="help-centre")
        add_article(zh_centre, "Bravo 积分规则", "积分怎么用", slug="bravo-points")
    return tenant


def member_client(tenant, in_tenant, level_name):
    """A client logged in (session) as a member of `level_name`."""
    client = Client()
    with in_tenant(tenant):
        user = MemberRowFactory(level=MemberLevel.objects.get(name=level_name)).user
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# --- search ---------------------------------------------------------------------------------

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def article(title, url, snippet, meta):
    return {"type": "articles", "title": title, "url": url, "snippet": snippet, "meta": meta}


def test_english_search_ranks_a_title_match_before_a_body_only_match(lumen, client):
    found = search(client, "cash", types=["articles"], headers=EN)
    today = found["groups"][0]["results"][0]["meta"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", today)  # the day it was published
    assert found == {
        "query": "cash",
        "total": 2,
        "groups": [
            {
                "type": "articles",
                "label": "Help articles",
                "total": 2,
                "endCursor": cursor_for(2),
                "hasNextPage": False,
                "results": [
                    # "Returns" was published first and only has the word in its body.
                    article(
                        "Cash back policy",
                        "/en/help-centre/orders/cash-back/",
                        "Money back within seven days of delivery.",
                        today,
                    ),
                    article(
                        "Returns",
                        "/en/help-centre/orders/returns/",
                        "We pay the <mark>cash</mark> back once the parcel is back.",
                        today,
                    ),
                ],
            }
        ],
    }


def test_a_chinese_question_finds_the_chinese_article_in_the_brands_language(lumen, client):
    found = search(client, "积分怎么用", types=["articles"])  # no language asked: the brand's, Chinese
    assert found["query"] == "积分怎么用"
    assert found["groups"][0]["results"] == [
        article(
            "积分使用规则",
            "/help-centre/points/points-rules/",
            "每消费一元获得一个<mark>积分</mark>。",
            found["groups"][0]["results"][0]["meta"],
        )
    ]
    # The request's language decides, and `locale` overrides it.
    assert titles(search(client, "积分怎么用", types=["articles"], headers=EN)) == []
    assert titles(search(client, "积分怎么用", types=["articles"], locale="zh-hans", headers=EN)) == [
        "积分使用规则"
    ]
    assert titles(search(client, "cash", types=["articles"], locale="en")) == ["Cash back policy", "Returns"]
    # A language the brand has no pages in: its default language.
    assert titles(search(client, "积分怎么用", types=["articles"], locale="fr")) == ["积分使用规则"]


def test_every_type_has_a_group_with_its_label_and_the_help_categories_to_narrow_by(lumen, client, in_tenant):
    status, body = gql(
        client,
        '{ search(query: "cash") { groups { type label total filters { value label } } } }',
        **EN,
    )
    assert status == 200, body
    with in_tenant(lumen):
        ids = dict(KnowledgeCategoryPage.objects.filter(locale__language_code="en").values_list("slug", "pk"))
    assert body["data"]["search"]["groups"] == [
        {
            "type": "articles",
            "label": "Help articles",
            "total": 2,
            "filters": [
                {"value": str(ids["points"]), "label": "Points"},
                {"value": str(ids["orders"]), "label": "Orders"},
            ],
        },
        {"type": "products", "label": "Products", "total": 0, "filters": []},
        {"type": "events", "label": "Events", "total": 0, "filters": []},
        {"type": "pages", "label": "Pages", "total": 0, "filters": []},
    ]
    in_orders = search(client, "cash", category=str(ids["orders"]), headers=EN)
    in_points = search(client, "cash", category=str(ids["points"]), headers=EN)
    unknown = search(client, "cash", category="not-a-category", headers=EN)
    # The category narrows articles; the other types have no categories and find nothing here.
    others = [("products", 0), ("events", 0), ("pages", 0)]
    assert [(group["type"], group["total"]) for group in in_orders["groups"]] == [("articles", 2), *others]
    assert [(group["type"], group["total"]) for group in in_points["groups"]] == [("articles", 0), *others]
    assert [(group["type"], group["total"]) for group in unknown["groups"]] == [("articles", 0), *others]
    assert search(client, "cash", types=["no-such-type"], headers=EN)["groups"] == []


def test_members_only_and_level_articles_are_found_only_by_their_audience_and_drafts_never(lumen, in_tenant):
    with in_tenant(lumen):
        gold_user = MemberRowFactory(level=MemberLevel.objects.get(name="Gold")).user
        token = tokens.issue_customer_token(gold_user)
    anonymous = search(Client(), "lounge", types=["articles"], headers=EN)
    silver = search(member_client(lumen, in_tenant, "Silver"), "lounge", types=["articles"], headers=EN)
    gold = search(
        Client(), "lounge", types=["articles"], headers={**EN, "HTTP_AUTHORIZATION": f"Bearer {token}"}
    )
    assert (anonymous["total"], titles(anonymous)) == (0, [])
    assert (silver["total"], titles(silver)) == (1, ["Members lounge"])
    assert (gold["total"], sorted(titles(gold))) == (2, ["Gold lounge", "Members lounge"])


def test_another_tenants_articles_are_never_found(lumen, bravo, client):
    assert titles(search(client, "lounge", types=["articles"], headers=EN)) == []
    assert titles(search(client, "cash", types=["articles"], headers=EN)) == ["Cash back policy", "Returns"]
    assert titles(search(client, "积分怎么用", types=["articles"])) == ["积分使用规则"]
    bravo_host = "bravo.localhost"
    assert sorted(titles(search(client, "cash", host=bravo_host, types=["articles"], headers=EN))) == [
        "Bravo cash back",
        "Bravo only",
    ]
    assert titles(search(client, "积分怎么用", host=bravo_host, types=["articles"])) == ["Bravo 积分规则"]


def test_the_cursor_returns_the_next_page_and_only_the_first_page_is_logged(lumen, client, in_tenant):
    first = search(client, "cash", types=["articles"], first=1, headers=EN)["groups"][0]
    assert (titles_of(first), first["total"], first["hasNextPage"], first["endCursor"]) == (
        ["Cash back policy"],
        2,
        True,
        cursor_for(1),
    )
    second = search(client, "cash", types=["articles"], first=1, after=first["endCursor"], headers=EN)[
        "groups"
    ][0]
    assert (titles_of(second), second["total"], second["hasNextPage"], second["endCursor"]) == (
        ["Returns"],
        2,
        False,
        cursor_for(2),
    )
    past = search(client, "cash", types=["articles"], after=second["endCursor"], headers=EN)["groups"][0]
    assert (titles_of(past), past["hasNextPage"], past["endCursor"]) == ([], False, None)
    # A cursor we did not make is past the end, not the first page again.
    for nonsense in ("nonsense", cursor_for(-1), "bm90aWZpY2F0aW9uOjE="):  # the last: notification:1
        bad = search(client, "cash", types=["articles"], after=nonsense, headers=EN)["groups"][0]
        assert (titles_of(bad), bad["total"], bad["hasNextPage"]) == ([], 2, False)
    # Narrowed to a category: a refinement of a search already logged.
    search(client, "cash", category="1", headers=EN)
    with in_tenant(lumen):
        assert list(SearchLog.objects.values_list("query", "results", "language", "source")) == [
            ("cash", 2, "en", "search")
        ]


def test_first_is_capped(lumen, client, monkeypatch):
    from knowledge.graphql import schema

    monkeypatch.setattr(schema, "MAX_FIRST", 1)
    group = search(client, "cash", types=["articles"], first=10, headers=EN)["groups"][0]
    assert (titles_of(group), group["hasNextPage"]) == (["Cash back policy"], True)
    # 0 or less: the default page size.
    monkeypatch.setattr(schema, "MAX_FIRST", 50)
    assert titles_of(search(client, "cash", types=["articles"], first=0, headers=EN)["groups"][0]) == [
        "Cash back policy",
        "Returns",
    ]


def test_empty_punctuation_and_long_queries_answer_normally_and_overlong_arguments_are_refused(
    lumen, client, in_tenant
):
    assert search(client, "", headers=EN) == {"query": "", "total": 0, "groups": []}
    assert search(client, "   ", headers=EN) == {"query": "", "total": 0, "groups": []}
    assert search(client, "'&|!():*", headers=EN) == {"query": "'&|!():*", "total": 0, "groups": []}
    assert search(client, "cash & (back | !", types=["articles"], headers=EN)["total"] == 2
    # 500 characters (the longest argument the API takes): cut to 200 and searched.
    long = search(client, "cash " * 100, types=["articles"], headers=EN)
    assert (long["query"], titles(long)) == (("cash " * 40).strip(), ["Cash back policy", "Returns"])
    # Longer arguments are refused before anything runs (builder.graphql.limits), as for every field.
    status, body = gql(client, SEARCH, {"q": "积" * 10_000}, **EN)
    assert (status, [error["message"] for error in body["errors"]]) == (
        400,
        ["Argument `query` is too long: at most 500 characters."],
    )
    with in_tenant(lumen):
        assert sorted(SearchLog.objects.values_list("query", flat=True)) == [
            "'&|!():*",
            "cash & (back | !",
            ("cash " * 40).strip(),
        ]


# --- kbArticle ------------------------------------------------------------------------------


def read(client, path, host=HOST, **headers):
    status, body = gql(client, ARTICLE, {"path": path}, host=host, **headers)
    assert status == 200, body
    assert "errors" not in body, body
    return body["data"]["kbArticle"]


def test_an_article_by_its_address_with_its_body_blocks(lumen, client):
    expected = {
        "title": "Points rules",
        "url": "/en/help-centre/points/points-rules/",
        "summary": "",
        "audience": "everyone",
        "body": [
            {"blockType": "SectionHeadingBlock", "field": "heading", "rawValue": "Earning"},
            {"blockType": "RichTextBlock", "field": "text", "rawValue": "<p>Every order earns points.</p>"},
        ],
    }
    assert read(client, "/en/help-centre/points/points-rules/") == expected
    assert read(client, "en/help-centre/points/points-rules") == expected
    assert read(client, "/en/help-centre/points/points-rules") == expected
    assert read(client, "/en/help-centre/points/points%2Drules/") == expected  # percent-encoded
    chinese = read(client, "/help-centre/points/points-rules/")
    assert (chinese["title"], chinese["url"]) == ("积分使用规则", "/help-centre/points/points-rules/")
    assert read(client, "/zh-hans/help-centre/points/points-rules/")["title"] == "积分使用规则"


@pytest.mark.parametrize(
    "path",
    [
        "/en/help-centre/orders/lounge-draft/",  # a draft
        "/en/help-centre/orders/nothing-here/",
        "/en/help-centre/points/",  # a category, not an article
        "/en/help-centre/",
        "/",
        "",
        "/fr/help-centre/points/points-rules/",
        "/help-centre/orders/cash-back/",  # the English article's address without /en/
    ],
)
def test_no_article_is_null(lumen, client, path):
    assert read(client, path) is None


def test_restricted_articles_only_for_their_audience(lumen, in_tenant):
    members, gold_only = "/en/help-centre/orders/members-lounge/", "/en/help-centre/orders/gold-lounge/"
    silver, gold = member_client(lumen, in_tenant, "Silver"), member_client(lumen, in_tenant, "Gold")
    assert (read(Client(), members), read(Client(), gold_only)) == (None, None)
    assert (read(silver, members)["title"], read(silver, gold_only)) == ("Members lounge", None)
    assert (read(gold, members)["title"], read(gold, gold_only)["title"]) == ("Members lounge", "Gold lounge")


def test_page_fields_never_return_an_article_kept_to_some_visitors(lumen, in_tenant):
    """grapple's own page fields answer the same for everyone: members-only and level articles
    stay out of them, even for their audience (kbArticle answers per viewer)."""
    query = """{
      pages(locale: "en", contentType: "knowledge.ArticlePage", limit: 50) { title }
      members: page(urlPath: "/help-centre/orders/members-lounge/", inSite: true, locale: "en") { title }
      orders: page(urlPath: "/help-centre/orders/", inSite: true, locale: "en") {
        children { title }
        descendants { title }
      }
    }"""
    public = ["Points rules", "When points expire", "Returns", "Cash back policy"]
    for client in (Client(), member_client(lumen, in_tenant, "Gold")):
        status, body = gql(client, query)
        assert (status, body.get("errors")) == (200, None), body
        data = body["data"]
        assert sorted(page["title"] for page in data["pages"]) == sorted(public)
        assert data["members"] is None
        assert [page["title"] for page in data["orders"]["children"]] == ["Returns", "Cash back policy"]
        assert [page["title"] for page in data["orders"]["descendants"]] == ["Returns", "Cash back policy"]


def test_an_article_under_a_view_restriction_is_null_even_for_its_audience(lumen, in_tenant):
    with in_tenant(lumen):
        orders = KnowledgeCategoryPage.objects.get(slug="orders", locale__language_code="en")
        PageViewRestriction.objects.create(page=orders, restriction_type=PageViewRestriction.LOGIN)
    gold = member_client(lumen, in_tenant, "Gold")
    assert read(gold, "/en/help-centre/orders/members-lounge/") is None
    assert read(gold, "/en/help-centre/orders/returns/") is None
    assert read(gold, "/en/help-centre/points/points-rules/")["title"] == "Points rules"


def test_another_tenants_article_is_never_returned(lumen, bravo, client):
    assert read(client, "/en/help-centre/orders/cash-back/")["title"] == "Cash back policy"
    assert (
        read(client, "/en/help-centre/orders/cash-back/", host="bravo.localhost")["title"]
        == "Bravo cash back"
    )
    assert read(client, "/en/help-centre/orders/bravo-only/") is None
    assert read(client, "/en/help-centre/orders/bravo-only/", host="bravo.localhost")["title"] == "Bravo only"


# --- kbCategories ---------------------------------------------------------------------------


def categories(client, host=HOST, headers=None, **variables):
    status, body = gql(client, CATEGORIES, variables, host=host, **(headers or {}))
    assert status == 200, body
    assert "errors" not in body, body
    return body["data"]["kbCategories"]


def test_categories_with_their_public_article_counts_in_the_requests_language(
    lumen, bravo, client, in_tenant
):
    with in_tenant(lumen):
        ids = {
            (page.locale.language_code, page.slug): str(page.pk)
            for page in KnowledgeCategoryPage.objects.select_related("locale")
        }
    english = [
        {
            "id": ids["en", "points"],
            "title": "Points",
            "url": "/en/help-centre/points/",
            "description": "Earning and using points",
            "articleCount": 2,  # its own and its sub-category's
            "subcategories": [
                {
                    "id": ids["en", "expiry"],
                    "title": "Expiry",
                    "url": "/en/help-centre/points/expiry/",
                    "description": "When points run out",
                    "articleCount": 1,
                    "subcategories": [],
                }
            ],
        },
        {
            "id": ids["en", "orders"],
            "title": "Orders",
            "url": "/en/help-centre/orders/",
            "description": "",
            "articleCount": 2,  # not the members', the level's or the draft
            "subcategories": [],
        },
    ]
    chinese = [
        {
            "id": ids["zh-hans", "points"],
            "title": "积分",
            "url": "/help-centre/points/",
            "description": "积分的获得与使用",
            "articleCount": 1,
            "subcategories": [],
        }
    ]
    assert categories(client, headers=EN) == english
    assert categories(client) == chinese
    assert categories(client, locale="en") == english
    assert categories(client, locale="zh-hans", headers=EN) == chinese
    # Members see the same counts: they count what anyone may read.
    assert categories(member_client(lumen, in_tenant, "Gold"), headers=EN) == english
    bravo_categories = categories(client, host="bravo.localhost", headers=EN)
    assert [(category["title"], category["articleCount"]) for category in bravo_categories] == [("Orders", 2)]


def test_no_help_centre_no_categories(make_tenant, client):
    make_tenant("plain")
    assert categories(client, host="plain.localhost") == []
    assert search(client, "积分", host="plain.localhost", types=["articles"])["groups"][0]["total"] == 0


# --- cost -----------------------------------------------------------------------------------

EVERYTHING = """{
  search(query: "cash", first: 50) { query groups { type total endCursor results { title url snippet meta } } }
  kbCategories { title url articleCount subcategories { title articleCount } }
  kbArticle(path: "/en/help-centre/orders/cash-back/") { title body { blockType rawValue } }
}"""


def test_each_field_costs_a_fixed_number_of_queries(lumen, in_tenant):
    """2 articles found and counted, then 12: the same queries (a logged-in member, so the answer
    is never the anonymous cache's)."""
    client = member_client(lumen, in_tenant, "Silver")

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            status, body = gql(client, EVERYTHING, **EN)
        assert status == 200, body
        assert "errors" not in body, body
        return len(captured), body["data"]

    queries()  # the first request of the process loads what every later one shares
    with_two, data = queries()
    assert [len(group["results"]) for group in data["search"]["groups"]] == [2, 0, 0, 0]
    with in_tenant(lumen):
        orders = (
            HomePage.objects.get(depth=2, locale__language_code="en").get_descendants().get(slug="orders")
        )
        for number in range(10):
            add_article(orders.specific, f"Cash tip {number}", "Cash is welcome.", slug=f"cash-{number}")
    with_twelve, data = queries()
    assert [len(group["results"]) for group in data["search"]["groups"]] == [12, 0, 0, 0]
    assert [category["articleCount"] for category in data["kbCategories"]] == [2, 12]
    assert with_twelve == with_two
