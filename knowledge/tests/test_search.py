"""The portal's search box: English and Chinese, ranking, audiences, drafts, tenants, bad input,
and what the analytics record."""

import pytest
from django.test import Client

from builder.models import HomePage, StandardPage
from core.search import query_words, segment
from knowledge import search, services
from knowledge.models import Audience, SearchLog
from knowledge.tests.factories import add_article, add_category, add_help_centre
from members.tests.factories import MemberFactory, MemberLevelFactory, MemberRowFactory


@pytest.fixture
def lumen(make_tenant, in_tenant):
    tenant = make_tenant("lumen", default_language="zh-hans").tenant
    with in_tenant(tenant):
        centre = add_help_centre(HomePage.objects.get(slug="home"))
        points = add_category(centre, "积分与等级", slug="points")
        add_article(
            points, "积分使用规则", "会员在门店消费可以抵扣积分，每 100 积分抵 1 元。", slug="points-rules"
        )
        add_article(points, "会员等级说明", "等级越高，获得的积分越多。", slug="levels")
        paying = add_category(centre, "Paying", slug="paying")
        add_article(paying, "Coupons in store", "Show the coupon code at the till.", slug="coupons")
        add_article(paying, "How to pay", "You can pay with points at the till in every store.", slug="pay")
        add_article(paying, "Points", "Everything about earning.", slug="points-en")
    return tenant


def find(tenant, in_tenant, query, user=None, **kwargs):
    with in_tenant(tenant):
        results = search.search(query, user=user, locale_id=None, **kwargs)
    return {group.key: [result.title for result in group.results] for group in results.groups}


def test_chinese_text_is_cut_into_words_when_indexed_and_when_searched():
    assert segment("积分使用规则") == " 积分 使用 规则 "
    assert query_words("积分怎么用？") == ["积分", "用"]
    assert query_words("怎么") == ["怎么"]  # nothing else left: the question word is kept
    assert query_words("Reset  my PASSWORD") == ["reset", "my", "password"]


def test_a_chinese_question_finds_the_article_about_it(lumen, in_tenant):
    assert find(lumen, in_tenant, "积分怎么用")["articles"][:2] == ["积分使用规则", "会员等级说明"]


def test_english_words_find_articles_by_title_and_body_and_the_title_match_ranks_first(lumen, in_tenant):
    # "Points" has the word in its title; "How to pay" only in its body.
    assert find(lumen, in_tenant, "points")["articles"] == ["Points", "How to pay"]
    assert find(lumen, in_tenant, "coupon till")["articles"][0] == "Coupons in store"


def test_drafts_and_other_tenants_content_are_never_found(lumen, make_tenant, in_tenant):
    with in_tenant(lumen):
        points = HomePage.objects.get(slug="home").get_children().get(slug="support").get_children().first()
        add_article(points, "Draft about points", "points points", live=False)
    other = make_tenant("harbor", default_language="en").tenant
    with in_tenant(other):
        centre = add_help_centre(HomePage.objects.get(slug="home"))
        add_article(centre, "Harbor points", "Harbor's own points article.")
    assert find(lumen, in_tenant, "points")["articles"] == ["Points", "How to pay"]
    assert find(other, in_tenant, "points")["articles"] == ["Harbor points"]


def test_members_only_and_level_articles_are_found_only_by_their_audience(lumen, in_tenant):
    with in_tenant(lumen):
        silver = MemberLevelFactory(name="Silver", threshold_points=0)
        gold = MemberLevelFactory(name="Gold", threshold_points=5000)
        points = HomePage.objects.get(slug="home").get_children().get(slug="support").get_children().first()
        add_article(points, "Member points bonus", "bonus", audience=Audience.MEMBERS)
        add_article(points, "Gold points bonus", "bonus", audience=Audience.LEVELS, levels=[gold])
        silver_member = MemberFactory().user
        gold_member = MemberRowFactory(level=gold).user
    assert find(lumen, in_tenant, "bonus") == {"articles": [], "products": [], "events": [], "pages": []}
    assert find(lumen, in_tenant, "bonus", user=silver_member)["articles"] == ["Member points bonus"]
    assert sorted(find(lumen, in_tenant, "bonus", user=gold_member)["articles"]) == [
        "Gold points bonus",
        "Member points bonus",
    ]
    assert silver.pk != gold.pk


def test_other_pages_of_the_portal_are_found_too(lumen, in_tenant):
    with in_tenant(lumen):
        home = HomePage.objects.get(slug="home")
        page = home.add_child(
            instance=StandardPage(
                title="门店地址", slug="stores", body=[("rich_text", {"text": "<p>静安店在南京西路</p>"})]
            )
        )
        page.save_revision().publish()
    assert find(lumen, in_tenant, "南京西路") == {
        "articles": [],
        "products": [],
        "events": [],
        "pages": ["门店地址"],
    }


@pytest.mark.parametrize("query", ["", "   ", "x" * 10_000, "'&|!():* <script>", "积分" * 5000, "a:* & !b"])
def test_bad_input_gives_a_normal_page(lumen, query):
    response = Client().get("/search/", {"q": query}, HTTP_HOST="lumen.localhost")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>")[0].replace(
        '<script src="/static/knowledge/help.js" defer></script>', ""
    )


def test_the_search_page_groups_results_highlights_them_and_logs_the_search(lumen, in_tenant):
    response = Client().get("/search/", {"q": "积分怎么用"}, HTTP_HOST="lumen.localhost")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>积分</mark>" in html
    assert '<h2 id="group-articles">' in html
    with in_tenant(lumen):
        log = SearchLog.objects.get()
    found = find(lumen, in_tenant, "积分怎么用")
    assert (log.query, log.results, log.language, log.clicked_url) == (
        "积分怎么用",
        len(found["articles"]) + len(found["pages"]),
        "zh-hans",
        "",
    )
    assert found["articles"] == ["积分使用规则", "会员等级说明"]


def test_a_result_opened_is_recorded_once_and_only_local_addresses_are_followed(lumen, in_tenant):
    client = Client()
    client.get("/search/", {"q": "coupons"}, HTTP_HOST="lumen.localhost")
    with in_tenant(lumen):
        log = SearchLog.objects.get()
        token = services._search_log_signer().sign(str(log.pk))
    response = client.get(
        "/search/go/", {"log": token, "to": "/support/paying/coupons/"}, HTTP_HOST="lumen.localhost"
    )
    assert (response.status_code, response["Location"]) == (302, "/support/paying/coupons/")
    client.get("/search/go/", {"log": token, "to": "/support/paying/pay/"}, HTTP_HOST="lumen.localhost")
    assert (
        client.get("/search/go/", {"to": "https://evil.example/"}, HTTP_HOST="lumen.localhost").status_code
        == 400
    )
    assert (
        client.get("/search/go/", {"to": "//evil.example/"}, HTTP_HOST="lumen.localhost").status_code == 400
    )
    with in_tenant(lumen):
        log.refresh_from_db()
    assert log.clicked_url == "/support/paying/coupons/"


def test_a_result_link_made_on_one_tenant_records_nothing_on_another(lumen, make_tenant, in_tenant):
    other = make_tenant("harbor", default_language="en").tenant
    Client().get("/search/", {"q": "coupons"}, HTTP_HOST="lumen.localhost")
    Client().get("/search/", {"q": "coupons"}, HTTP_HOST="harbor.localhost")
    with in_tenant(lumen):
        token = services._search_log_signer().sign(str(SearchLog.objects.get().pk))
    with in_tenant(other):
        harbor_log = SearchLog.objects.get()
        assert services.record_click(token, "/support/") is False
        harbor_log.refresh_from_db()
        assert (harbor_log.clicked_url, harbor_log.clicked_at) == ("", None)


def test_a_zero_result_search_is_logged_with_no_results(lumen, in_tenant):
    Client().get("/search/", {"q": "退款 发票"}, HTTP_HOST="lumen.localhost")
    with in_tenant(lumen):
        assert list(SearchLog.objects.values_list("query", "results")) == [("退款 发票", 0)]


def test_suggestions_while_typing(lumen):
    response = Client().get(
        "/search/suggest/", {"q": "积分", "types": "articles"}, HTTP_HOST="lumen.localhost"
    )
    data = response.json()
    assert data["query"] == "积分"
    assert [item["title"] for item in data["suggestions"]] == ["积分使用规则", "会员等级说明"]
    assert data["suggestions"][0]["url"] == "/support/points/points-rules/"
