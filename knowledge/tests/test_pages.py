"""What customers see in the help centre: its home, categories, articles (breadcrumbs, contents,
related, "Still need help?"), audiences, "Was this helpful?", reads, the question form and the
help-centre blocks."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from builder.models import HomePage, StandardPage
from core.outbox import deliver_due_events
from knowledge.models import (
    ArticleView,
    Audience,
    FormVisit,
    HelpCentreSettings,
    HelpfulVote,
    Question,
    deflected_visits,
)
from knowledge.tests.factories import add_article, add_category, add_help_centre, publish
from members.tests.factories import MemberFactory, MemberLevelFactory, MemberRowFactory
from notifications.models import Notification
from service.models import Ticket

HOST = {"HTTP_HOST": "brand.localhost"}


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("brand", default_language="en").tenant
    with in_tenant(tenant):
        home = HomePage.objects.get(slug="home")
        centre = add_help_centre(home)
        points = add_category(centre, "Points", slug="points", description="Earning and using points")
        add_category(points, "Expiry", slug="expiry")
        add_category(centre, "Account", slug="account")
        rules = add_article(
            points,
            "How points work",
            "One point for every yuan.",
            slug="rules",
            summary="Earn and spend points.",
            headings=("Earning", "Spending", "Expiry"),
            tags=("points",),
        )
        levels = add_article(points, "Member levels", "Silver, Gold.", slug="levels", featured=True)
        rules.related_articles.create(article=levels)
        publish(rules)
        HelpCentreSettings.objects.create(
            site=home.get_site(),
            phone="400 820 1234",
            email="care@brand.example",
            contact_page=StandardPage.objects.child_of(home).get(slug="contact"),
        )
    return tenant


def get(path, client=None, **headers):
    return (client or Client()).get(path, **HOST, **headers)


def test_the_help_centre_home_lists_categories_with_counts_and_featured_articles_first(brand):
    html = get("/support/").content.decode()
    assert '<h3 class="card-title"><a href="/support/points/">Points</a></h3>' in html
    assert "<p>Earning and using points</p>" in html
    assert '<p class="card-meta">2 articles</p>' in html
    assert '<p class="card-meta">0 articles</p>' in html
    assert '<li><a href="/support/points/expiry/">Expiry</a></li>' in html
    popular = html.split("Popular articles</h2>", 1)[1].split("</ul>", 1)[0]
    assert popular.index("Member levels") < popular.index("How points work")  # featured first


def test_an_article_has_breadcrumbs_contents_related_articles_and_still_need_help(brand):
    html = get("/support/points/rules/").content.decode()
    assert (
        '<nav class="breadcrumbs" aria-label="Breadcrumbs"><ol><li><a href="/">Brand</a></li>'
        '<li><a href="/support/">Help centre</a></li><li><a href="/support/points/">Points</a></li>'
        '<li aria-current="page">How points work</li></ol></nav>'
    ) in html
    contents = html.split('<h2 id="toc-heading">On this page</h2>', 1)[1].split("</nav>", 1)[0]
    anchors = [part.split('"', 1)[0] for part in contents.split('<a href="#')[1:]]
    assert [f'<h2 id="{anchor}">' in html for anchor in anchors] == [True, True, True]
    assert '<span class="tag">points</span>' in html
    assert '<a href="/support/points/levels/">Member levels</a>' in html.split("Related articles", 1)[1]
    assert '<a href="tel:4008201234">' in html
    assert '<a href="mailto:care@brand.example">' in html
    assert '<a href="/contact/">' in html.split("Still need help?", 1)[1]


def test_a_short_article_has_no_table_of_contents(brand):
    assert "On this page" not in get("/support/points/levels/").content.decode()


def test_public_articles_come_from_the_page_cache_and_members_only_ones_never(brand, in_tenant):
    assert get("/support/points/rules/")["X-Portal-Cache"] == "miss"
    assert get("/support/points/rules/")["X-Portal-Cache"] == "hit"
    with in_tenant(brand):
        points = HomePage.objects.get(slug="home").get_descendants().get(slug="points")
        add_article(points, "Member perks", "Secret", slug="perks", audience=Audience.MEMBERS)
    response = get("/support/points/perks/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/support/points/perks/",
    )
    assert "X-Portal-Cache" not in get("/support/points/perks/")


def test_articles_for_some_levels_are_readable_only_by_those_members(brand, in_tenant):
    with in_tenant(brand):
        MemberLevelFactory(name="Silver", threshold_points=0)
        gold = MemberLevelFactory(name="Gold", threshold_points=5000)
        points = HomePage.objects.get(slug="home").get_descendants().get(slug="points")
        add_article(
            points, "Gold lounge", "Only for Gold.", slug="lounge", audience=Audience.LEVELS, levels=[gold]
        )
        silver_member, gold_member = MemberFactory().user, MemberRowFactory(level=gold).user
    silver, golden = Client(), Client()
    with in_tenant(brand):
        silver.force_login(silver_member, backend="django.contrib.auth.backends.ModelBackend")
        golden.force_login(gold_member, backend="django.contrib.auth.backends.ModelBackend")
    refused = get("/support/points/lounge/", silver)
    assert refused.status_code == 403
    assert "This article is for members of these levels: Gold." in refused.content.decode()
    assert get("/support/points/lounge/", golden).status_code == 200
    # Category lists follow the same rule.
    assert "Gold lounge" not in get("/support/points/", silver).content.decode()
    assert "Gold lounge" in get("/support/points/", golden).content.decode()
    assert "Gold lounge" not in get("/support/points/").content.decode()


def vote(client, article_id, helpful, comment="", **headers):
    return client.post(
        f"/help-centre/articles/{article_id}/vote/",
        {"helpful": helpful, "comment": comment},
        **HOST,
        **headers,
    )


def article_id(tenant, in_tenant, slug="rules"):
    with in_tenant(tenant):
        return HomePage.objects.get(slug="home").get_descendants().get(slug=slug).pk


def test_a_visitor_votes_once_per_article_and_may_change_their_answer(brand, in_tenant):
    pk = article_id(brand, in_tenant)
    visitor, other = Client(), Client()
    response = vote(visitor, pk, "no", "Say how long points last")
    assert (response.status_code, response["Location"]) == (302, "/support/points/rules/?thanks=1#helpful")
    vote(visitor, pk, "yes")
    vote(other, pk, "no")
    with in_tenant(brand):
        votes = list(HelpfulVote.objects.order_by("pk").values_list("helpful", "comment"))
    assert votes == [(True, "Say how long points last"), (False, "")]
    assert (
        "Thank you: your answer helps us improve this article."
        in get("/support/points/rules/?thanks=1", visitor).content.decode()
    )


def test_a_logged_in_customer_votes_as_themselves_on_any_device(brand, in_tenant):
    pk = article_id(brand, in_tenant)
    with in_tenant(brand):
        user = MemberFactory().user
    phone, laptop = Client(), Client()
    with in_tenant(brand):
        phone.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        laptop.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    vote(phone, pk, "yes")
    vote(laptop, pk, "no")
    with in_tenant(brand):
        assert list(HelpfulVote.objects.values_list("visitor", "helpful")) == [(f"user:{user.pk}", False)]


def test_votes_from_other_sites_or_with_bad_answers_change_nothing(brand, in_tenant):
    pk = article_id(brand, in_tenant)
    assert vote(Client(), pk, "yes", HTTP_SEC_FETCH_SITE="cross-site").status_code == 400
    assert vote(Client(), pk, "yes", HTTP_ORIGIN="https://evil.example").status_code == 400
    assert vote(Client(), pk, "maybe").status_code == 400
    assert vote(Client(), pk, "no", "x" * 1001).status_code == 400
    assert vote(Client(), 999_999, "yes").status_code == 404
    with in_tenant(brand):
        assert HelpfulVote.objects.count() == 0


def test_reads_are_counted_per_day_and_make_an_article_popular(brand, in_tenant):
    pk = article_id(brand, in_tenant)
    for _ in range(3):
        assert Client().post(f"/help-centre/articles/{pk}/read/", **HOST).status_code == 202
    Client().post(f"/help-centre/articles/{pk}/read/", HTTP_SEC_FETCH_SITE="cross-site", **HOST)
    with in_tenant(brand):
        assert list(ArticleView.objects.values_list("article_id", "day", "views")) == [
            (pk, timezone.localdate(), 3)
        ]
        levels = HomePage.objects.get(slug="home").get_descendants().get(slug="levels").specific
        levels.featured = False
        publish(levels)
    popular = get("/support/").content.decode().split("Popular articles</h2>", 1)[1].split("</ul>", 1)[0]
    assert popular.index("How points work") < popular.index("Member levels")


def test_the_help_centre_costs_the_same_queries_with_more_articles(brand, in_tenant):
    def queries(path):
        client = Client()
        client.get(path, **HOST, HTTP_CACHE_CONTROL="no-cache")
        with CaptureQueriesContext(connection) as captured:
            client.post("/language/en/", **HOST)  # a session cookie: skips the anonymous page cache
            client.cookies["sessionid"] = "none"
            client.get(path, **HOST)
        return len(captured)

    before = (queries("/support/"), queries("/support/points/"))
    with in_tenant(brand):
        points = HomePage.objects.get(slug="home").get_descendants().get(slug="points")
        for number in range(8):
            add_article(points, f"More {number}", "text", slug=f"more-{number}")
    assert (queries("/support/"), queries("/support/points/")) == before


# --- The question form and deflection ---------------------------------------------------------


@pytest.fixture
def contact_form(brand, in_tenant):
    with in_tenant(brand):
        contact = StandardPage.objects.child_of(HomePage.objects.get(slug="home")).get(slug="contact")
        contact.body.append(("question_form", {"heading": "Ask us", "intro": ""}))
        publish(contact)
        users = get_user_model().objects
        clerk = users.create_user("clerk", "clerk@brand.example", "x", is_staff=True)
        clerk.user_permissions.add(Permission.objects.get(codename="view_question"))
        users.create_user("other", "other@brand.example", "x", is_staff=True)
    return brand


def test_the_question_form_suggests_articles_while_typing(contact_form):
    html = get("/contact/").content.decode()
    assert 'data-suggest="/search/suggest/" data-suggest-types="articles" data-visit="' in html
    visit = html.split('data-visit="', 1)[1].split('"', 1)[0]
    assert uuid.UUID(visit)
    response = get(f"/search/suggest/?q=points&types=articles&visit={visit}")
    assert [item["title"] for item in response.json()["suggestions"]] == ["How points work", "Member levels"]


def test_a_question_is_kept_and_staff_who_may_read_questions_are_told(contact_form, in_tenant):
    visit = uuid.uuid4()
    response = Client().post(
        "/help-centre/ask/",
        {
            "message": "Do points expire?",
            "email": "mei@example.com",
            "name": "Mei",
            "visit": visit,
            "next": "/contact/",
        },
        **HOST,
    )
    assert response.status_code == 200
    assert "We have your question and will answer soon." in response.content.decode()
    with in_tenant(contact_form):
        question = Question.objects.get()
        assert (question.name, question.email, question.message, question.page_url) == (
            "Mei",
            "mei@example.com",
            "Do points expire?",
            "/contact/",
        )
        # The service desk takes the question in as a request of the brand's question type (a worker
        # delivers the event right after the commit); its staff hear of the request, once.
        deliver_due_events()
        ticket = Ticket.objects.get()
        assert (ticket.request_type.slug, ticket.subject, ticket.email, ticket.user) == (
            "question",
            "Do points expire?",
            "mei@example.com",
            None,
        )
        assert ticket.messages.get().body == "Do points expire?"
        assert not Notification.objects.filter(kind="knowledge.question").exists()
        told = Notification.objects.filter(kind="staff.ticket_new")
        assert sorted(told.values_list("recipient__username", flat=True)) == ["admin@brand.example"]
        assert FormVisit.objects.get(key=visit).message_sent_at == question.created_at


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"message": "", "email": "mei@example.com"}, "message"),
        ({"message": "Hi", "email": "not-an-email"}, "email"),
        ({"message": "Hi"}, "email"),
        ({"message": "x" * 4001, "email": "mei@example.com"}, "message"),
    ],
)
def test_a_bad_question_is_refused_field_by_field_and_nothing_is_kept(contact_form, in_tenant, data, field):
    response = Client().post("/help-centre/ask/", data, **HOST)
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in response.content.decode()
    with in_tenant(contact_form):
        assert Question.objects.count() == 0


def test_a_visit_that_opened_a_suggested_article_and_sent_nothing_counts_as_deflected(
    contact_form, in_tenant
):
    helped, asked = uuid.uuid4(), uuid.uuid4()
    for visit in (helped, asked):
        get(f"/search/suggest/?q=points&types=articles&visit={visit}")
        response = get(f"/search/go/?visit={visit}&to=/support/points/rules/")
        assert response["Location"] == "/support/points/rules/"
    Client().post(
        "/help-centre/ask/", {"message": "Still unsure", "email": "a@example.com", "visit": asked}, **HOST
    )
    with in_tenant(contact_form):
        FormVisit.objects.update(started_at=timezone.now() - dt.timedelta(hours=1))
        assert list(deflected_visits().values_list("key", flat=True)) == [helped]


# --- Blocks -------------------------------------------------------------------------------


def test_help_centre_blocks_show_only_articles_anyone_may_read(brand, in_tenant):
    with in_tenant(brand):
        home = HomePage.objects.get(slug="home")
        points = home.get_descendants().get(slug="points")
        secret = add_article(points, "Member perks", "Secret", slug="perks", audience=Audience.MEMBERS)
        rules = home.get_descendants().get(slug="rules")
        page = home.add_child(
            instance=StandardPage(
                title="FAQ",
                slug="faq",
                body=[
                    ("search_box", {"heading": "How can we help?", "placeholder": "Type a question"}),
                    ("help_categories", {"heading": "Topics"}),
                    ("help_articles", {"heading": "Latest", "show": "recent", "count": 5, "articles": []}),
                    ("article_teaser", {"article": rules, "link_text": ""}),
                    ("article_teaser", {"article": secret, "link_text": ""}),
                    ("article_faq", {"heading": "Questions", "articles": [secret, rules]}),
                ],
            )
        )
        publish(page)
    html = get("/faq/").content.decode()
    assert 'placeholder="Type a question" data-suggest="/search/suggest/"' in html
    assert '<a href="/support/points/">Points</a>' in html
    assert "Member perks" not in html
    assert "<summary>How points work</summary>" in html
    assert (
        html.count('<a class="button button-secondary" href="/support/points/rules/">Read the article</a>')
        == 1
    )


# --- Keeping and forgetting -----------------------------------------------------------------


def test_a_customers_questions_and_votes_are_in_their_download_and_anonymised_on_deletion(brand, in_tenant):
    from accounts.services import export_customer_data

    pk = article_id(brand, in_tenant)
    with in_tenant(brand):
        user = MemberFactory(user__email="mei@example.com").user
    client = Client()
    with in_tenant(brand):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    vote(client, pk, "no", "Too short")
    client.post("/help-centre/ask/", {"message": "Do points expire?"}, **HOST)
    with in_tenant(brand):
        part = export_customer_data(user)["help_centre"]
        assert [question["message"] for question in part["questions"]] == ["Do points expire?"]
        assert part["questions"][0]["email"] == "mei@example.com"
        assert [
            (vote["article__title"], vote["helpful"], vote["comment"]) for vote in part["helpful_votes"]
        ] == [("How points work", False, "Too short")]
        from knowledge.services import erase_customer_help

        erase_customer_help(user)
        question = Question.objects.get()
        assert (question.user, question.name, question.email, question.message) == (
            None,
            "",
            "",
            "Do points expire?",
        )
        vote_row = HelpfulVote.objects.get()
        assert (vote_row.visitor.startswith("erased:"), vote_row.helpful, vote_row.comment) == (
            True,
            False,
            "",
        )


def test_search_logs_and_form_visits_older_than_400_days_are_forgotten(brand, in_tenant):
    from knowledge.models import SearchLog
    from knowledge.services import forget_old_searches

    today = timezone.localdate()
    with in_tenant(brand):
        old = timezone.now() - dt.timedelta(days=401)
        SearchLog.objects.create(query="old", results=0, searched_at=old)
        SearchLog.objects.create(
            query="recent", results=1, searched_at=timezone.now() - dt.timedelta(days=399)
        )
        FormVisit.objects.create(key=uuid.uuid4(), started_at=old)
        assert forget_old_searches(today=today) == {"searches": 1, "form_visits": 1}
        assert list(SearchLog.objects.values_list("query", flat=True)) == ["recent"]


def test_the_search_page_costs_the_same_queries_however_many_results(brand, in_tenant):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert get("/search/?q=points").status_code == 200
        return len(captured)

    get("/search/?q=points")  # warm the per-process caches (site, locales)
    before = queries()
    with in_tenant(brand):
        points = HomePage.objects.get(slug="home").get_descendants().get(slug="points")
        for number in range(6):
            add_article(points, f"Points news {number}", "points", slug=f"news-{number}")
        home = HomePage.objects.get(slug="home")
        for number in range(3):
            publish(home.add_child(instance=StandardPage(title=f"Points page {number}", slug=f"pp-{number}")))
    get("/search/?q=points")
    assert queries() == before


def test_a_sixth_question_within_the_hour_is_refused_and_not_kept(contact_form, in_tenant):
    def ask(number):
        return Client().post(
            "/help-centre/ask/", {"message": f"Question {number}", "email": "mei@example.com"}, **HOST
        )

    assert [ask(number).status_code for number in range(5)] == [200] * 5
    refused = ask(5)
    assert refused.status_code == 429
    assert "You have sent several questions in the last hour." in refused.content.decode()
    with in_tenant(contact_form):
        assert Question.objects.count() == 5
    assert (
        Client()
        .post("/help-centre/ask/", {"message": "x", "email": "a@b.example"}, **HOST, REMOTE_ADDR="10.0.0.9")
        .status_code
        == 200
    )
