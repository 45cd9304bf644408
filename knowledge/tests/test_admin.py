"""The help centre in the brand admin: search analytics (totals, top queries, content gaps, articles
found not helpful, question-form deflection, a chart per day, all in the brand's time zone and in a
fixed number of queries), customers' questions and helpful votes. Every screen opens only with its
permission, and its menu item shows only then."""

import datetime
import html as html_lib
import re
import uuid
import zoneinfo
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone

from core.outbox import deliver_due_events
from knowledge import services
from knowledge.models import FormVisit, HelpfulVote, Question, SearchLog
from knowledge.tests.factories import add_article, add_category, add_help_centre
from notifications.models import Notification
from service.models import RequestType
from tests.staff import EDITOR_PASSWORD, REFUSED, grant, make_editor, outcome
from tests.staff import log_in as log_in_on

HOST = "kbadmin.localhost"
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
REPORT = "/admin/knowledge/search-analytics/"
QUESTIONS = "/admin/knowledge/questions/"
VOTES = "/admin/knowledge/helpful-votes/"


@pytest.fixture
def brand(make_tenant, in_tenant):
    """A brand in Shanghai's time zone, with a staff editor (no permission yet) and a superuser."""
    tenant = make_tenant("kbadmin", default_language="en", time_zone="Asia/Shanghai").tenant
    with in_tenant(tenant):
        make_editor()
        get_user_model().objects.create_superuser("boss", "boss@kbadmin.example", EDITOR_PASSWORD)
    return SimpleNamespace(tenant=tenant)


@pytest.fixture
def articles(brand, in_tenant):
    """The brand's help centre: five articles in one category."""
    with in_tenant(brand.tenant):
        category = add_category(add_help_centre(), "Account")
        return SimpleNamespace(
            points=add_article(category, "Using points"),
            refunds=add_article(category, "Refunds"),
            delivery=add_article(category, "Delivery times"),
            gifts=add_article(category, "Gift cards"),
            old=add_article(category, "Old news"),
        )


def log_in(username="editor"):
    return log_in_on(HOST, username)


def today() -> datetime.date:
    return timezone.localtime(timezone.now(), ZONE).date()


def local(days_ago: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A moment `days_ago` days before today, at `hour`:`minute` in the brand's time zone."""
    return datetime.datetime.combine(
        today() - datetime.timedelta(days=days_ago), datetime.time(hour, minute), ZONE
    )


def log(query, results, days_ago, *, clicked=False, hour=12, minute=0):
    searched_at = local(days_ago, hour, minute)
    return SearchLog.objects.create(
        query=query,
        results=results,
        searched_at=searched_at,
        clicked_url="/help/a/" if clicked else "",
        clicked_at=searched_at + datetime.timedelta(seconds=20) if clicked else None,
    )


def vote(article, helpful, days_ago, comment="", *, visitor=None):
    answered_at = local(days_ago)
    return HelpfulVote.objects.create(
        article=article,
        visitor=visitor or f"visitor:{uuid.uuid4()}",
        helpful=helpful,
        comment=comment,
        created_at=answered_at,
        updated_at=answered_at,
    )


def visit(*, started_at, suggested=True, opened=False, sent=False):
    return FormVisit.objects.create(
        key=uuid.uuid4(),
        started_at=started_at,
        suggested=suggested,
        article_opened_at=started_at + datetime.timedelta(minutes=1) if opened else None,
        message_sent_at=started_at + datetime.timedelta(minutes=3) if sent else None,
    )


def add_searches():
    """query: searches in 30 days, with no results, opened, last with no results (days ago)
    points: 4, 1, 2, 2 · parking: 3, 2, 1, 1 · refund: 3, 3, 0, 3 · delivery: 2, 0, 1, - ·
    gift card: 1, 1, 0, 0 · and "old" 40 days ago."""
    log("points", 3, 1, clicked=True)
    log("points", 3, 2, clicked=True)
    log("points", 0, 2)
    log("points", 3, 2)
    log("refund", 0, 3)
    log("refund", 0, 4)
    log("refund", 0, 10)
    log("parking", 0, 1)
    log("parking", 0, 6)
    log("parking", 2, 20, clicked=True)
    log("delivery", 5, 0, clicked=True, hour=0, minute=5)
    log("delivery", 5, 8)
    log("gift card", 0, 0, hour=0, minute=10)
    log("old", 0, 40)


def add_votes(articles):
    """Not helpful / helpful in 30 days: points 4/1, refunds 2/0, delivery 2/3, gift cards 0/2;
    "Old news" had its not-helpful answer 40 days ago."""
    vote(articles.points, False, 3, "Too long")
    vote(articles.points, False, 2)
    vote(articles.points, False, 0, "Where is the button?")
    vote(articles.points, False, 1, "Missing the app")
    vote(articles.points, True, 0, "Great")
    vote(articles.refunds, False, 1, "No refund policy")
    vote(articles.refunds, False, 5)
    for days_ago in (1, 2):
        vote(articles.delivery, False, days_ago)
    for days_ago in (1, 2, 3):
        vote(articles.delivery, True, days_ago)
    for days_ago in (1, 2):
        vote(articles.gifts, True, days_ago)
    vote(articles.old, False, 40, "Outdated")


def add_visits():
    """Shown suggestions in 30 days: 5; of those opened an article: 4; of those sent nothing and
    are over: 2 (one more opened ten minutes ago and is not over yet)."""
    visit(started_at=local(1), opened=True)  # deflected
    visit(started_at=local(3), opened=True)  # deflected
    visit(started_at=local(2), opened=True, sent=True)
    visit(started_at=local(2))
    visit(started_at=timezone.now() - datetime.timedelta(minutes=10), opened=True)
    visit(started_at=local(2), suggested=False, opened=True)
    visit(started_at=local(40), opened=True)


def text(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def table_rows(html: str, name: str) -> list[list[str]]:
    table = html.split(f'data-table="{name}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [text(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    ]


def totals(html: str) -> dict[str, str]:
    return {
        name: text(value)
        for name, value in re.findall(r'data-total="([\w-]+)"><dt>.*?</dt><dd>(.*?)</dd>', html, flags=re.S)
    }


def bars(html: str) -> list[dict]:
    found = []
    for day, inside in re.findall(r'<g class="search-chart__day" data-day="([\d-]+)">(.*?)</g>', html, re.S):
        heights = dict(re.findall(r'<rect class="search-chart__([\w-]+)" [^>]*height="([\d.]+)"', inside))
        found.append(
            {
                "day": day,
                "title": html_lib.unescape(re.search(r"<title>(.*?)</title>", inside).group(1)),
                "searches": heights["searches"],
                "no_results": heights["no-results"],
            }
        )
    return found


def day_label(days_ago: int) -> str:
    return formats.date_format(today() - datetime.timedelta(days=days_ago), "DATE_FORMAT")


# --- The report -----------------------------------------------------------------------------


def test_the_report_counts_searches_queries_and_gaps_of_the_last_30_days(brand, in_tenant):
    with in_tenant(brand.tenant):
        add_searches()
    html = log_in("boss").get(REPORT, HTTP_HOST=HOST).content.decode()

    assert totals(html)["searches"] == "13"
    assert totals(html)["no-results"] == "7 (54%)"
    assert totals(html)["click-through"] == "31%"  # 4 of 13 searches opened a result
    assert table_rows(html, "top-queries") == [
        ["points", "4", "25%", "50%"],
        ["parking", "3", "67%", "33%"],
        ["refund", "3", "100%", "0%"],
        ["delivery", "2", "0%", "50%"],
        ["gift card", "1", "100%", "0%"],
    ]
    assert table_rows(html, "content-gaps") == [
        ["refund", "3", day_label(3)],
        ["parking", "2", day_label(1)],
        ["gift card", "1", day_label(0)],
        ["points", "1", day_label(2)],
    ]
    assert "old" not in [row[0] for row in table_rows(html, "top-queries")]


@pytest.mark.parametrize(
    ("asked", "days", "searches"),
    [
        ("7", 7, 10),
        ("90", 90, 14),
        ("30", 30, 13),
        ("", 30, 13),
        ("14", 30, 13),
        ("abc", 30, 13),
        ("-7", 30, 13),
    ],
)
def test_the_period_is_7_30_or_90_days_and_anything_else_is_30(brand, in_tenant, asked, days, searches):
    with in_tenant(brand.tenant):
        add_searches()
    response = log_in("boss").get(REPORT, {"days": asked}, HTTP_HOST=HOST)
    html = response.content.decode()
    assert response.context["days"] == days
    assert len(bars(html)) == days
    assert totals(html)["searches"] == str(searches)
    assert f'<a href="?days={days}" class="button" aria-current="page">Last {days} days</a>' in html


def test_the_chart_has_one_bar_per_day_scaled_to_the_busiest_day(brand, in_tenant):
    with in_tenant(brand.tenant):
        add_searches()
    html = log_in("boss").get(REPORT, {"days": "7"}, HTTP_HOST=HOST).content.decode()
    # Per day, from 6 days ago to today: searches (with no results). The busiest day has 3 searches
    # and is 160 high; 5 days ago had none.
    expected = {6: (1, 1), 5: (0, 0), 4: (1, 1), 3: (1, 1), 2: (3, 1), 1: (2, 1), 0: (2, 1)}
    heights = {0: "0", 1: "53.33", 2: "106.67", 3: "160"}
    assert bars(html) == [
        {
            "day": (today() - datetime.timedelta(days=days_ago)).isoformat(),
            "title": f"{day_label(days_ago)}: {searches} search{'' if searches == 1 else 'es'}, "
            f"{no_results} with no results",
            "searches": heights[searches],
            "no_results": heights[no_results],
        }
        for days_ago, (searches, no_results) in expected.items()
    ]
    # Screen readers get the chart's summary and a table of the same numbers.
    assert '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 700 180" role="img"' in html
    assert (
        f'<desc id="search-chart-desc">From {day_label(6)} to {day_label(0)}: 10 searches, 6 with no results.</desc>'
        in html
    )
    day_table = html.split('class="listing search-chart__table"', 1)[1].split("</table>", 1)[0]
    rows = [text(row) for row in re.findall(r"<tr>(.*?)</tr>", day_table.split("<tbody>", 1)[1], re.S)]
    assert rows == [f"{day_label(d)} {s} {n}" for d, (s, n) in expected.items()]
    # Nothing is fetched from elsewhere: no script, no external address in the chart.
    chart = html.split('class="search-chart"', 1)[1].split("</section>", 1)[0]
    assert "<script" not in chart
    assert "http" not in chart.replace("http://www.w3.org/2000/svg", "")


def test_days_are_the_brands_days_not_utc(brand, in_tenant):
    """00:30 in Shanghai is 16:30 UTC the day before: it counts on the Shanghai day, and the period
    starts at midnight in Shanghai."""
    with in_tenant(brand.tenant):
        log("early", 1, 1, hour=0, minute=30)
        log("first day", 0, 6, hour=0, minute=30)  # the first minutes of the 7-day period
        log("too early", 0, 7, hour=23, minute=30)  # the last minutes before it
    html = log_in("boss").get(REPORT, {"days": "7"}, HTTP_HOST=HOST).content.decode()
    counted = {bar["day"]: bar["searches"] for bar in bars(html)}
    assert counted[(today() - datetime.timedelta(days=1)).isoformat()] == "160"
    assert counted[(today() - datetime.timedelta(days=2)).isoformat()] == "0"
    assert counted[(today() - datetime.timedelta(days=6)).isoformat()] == "160"
    assert totals(html)["searches"] == "2"
    assert table_rows(html, "content-gaps") == [["first day", "1", day_label(6)]]
    assert f"From {day_label(6)} to {day_label(0)}, in the brand's time zone (Asia/Shanghai)." in html


def test_articles_found_not_helpful_most_first_with_their_latest_comments(brand, articles, in_tenant):
    with in_tenant(brand.tenant):
        add_votes(articles)
    grant(in_tenant, brand.tenant, "knowledge.view_searchlog")
    html = log_in().get(REPORT, HTTP_HOST=HOST).content.decode()
    day = day_label
    assert table_rows(html, "not-helpful") == [
        [
            "Using points",
            "4",
            "1",
            f"Where is the button? ({day(0)}) Missing the app ({day(1)}) Too long ({day(3)})",
        ],
        ["Refunds", "2", "0", f"No refund policy ({day(1)})"],
        ["Delivery times", "2", "3", ""],
    ]
    for article in (articles.points, articles.refunds, articles.delivery):
        assert f'<a href="/admin/pages/{article.pk}/edit/">{article.title}</a>' in html
    assert "Gift cards" not in html
    assert "Outdated" not in html
    # Without the votes permission there is no link to the votes list.
    assert VOTES not in html
    grant(in_tenant, brand.tenant, "knowledge.view_helpfulvote")
    html = log_in().get(REPORT, HTTP_HOST=HOST).content.decode()
    assert f'<a href="{VOTES}?helpful=no">' in html


def test_question_form_deflection(brand, in_tenant):
    with in_tenant(brand.tenant):
        add_visits()
    html = log_in("boss").get(REPORT, HTTP_HOST=HOST).content.decode()
    assert {key: totals(html)[key] for key in ("shown", "opened", "deflected")} == {
        "shown": "5",
        "opened": "4 (80%)",
        "deflected": "2 (50%)",
    }


def test_an_empty_report(brand):
    html = log_in("boss").get(REPORT, HTTP_HOST=HOST).content.decode()
    assert totals(html) == {
        "searches": "0",
        "no-results": "0 (—)",
        "click-through": "—",
        "shown": "0",
        "opened": "0 (—)",
        "deflected": "0 (—)",
    }
    assert {bar["searches"] for bar in bars(html)} == {"0"}
    assert len(bars(html)) == 30
    assert "No searches in this period." in html
    assert "No article was found not helpful in this period." in html


def test_the_report_costs_the_same_queries_with_ten_times_the_data(brand, articles, in_tenant):
    articles = [articles.points, articles.refunds, articles.delivery]

    def add_rows(count, offset):
        for index in range(offset, offset + count):
            log(f"query {index}", index % 2, index % 25, clicked=index % 3 == 0)
            vote(articles[index % 3], index % 2 == 0, index % 20, f"comment {index}")
            visit(started_at=local(index % 20 + 1), opened=index % 2 == 0, sent=index % 4 == 0)

    client = log_in("boss")
    with in_tenant(brand.tenant):
        add_rows(3, 0)
    client.get(REPORT, HTTP_HOST=HOST)  # caches warm (host, settings, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(REPORT, HTTP_HOST=HOST).status_code == 200
    with in_tenant(brand.tenant):
        add_rows(27, 3)
        assert SearchLog.objects.count() == 30
    with CaptureQueriesContext(connection) as many:
        html = client.get(REPORT, HTTP_HOST=HOST).content.decode()
    assert totals(html)["searches"] == "30"
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Questions and helpful votes ------------------------------------------------------------


def test_questions_list_and_detail_in_the_brands_time(brand, in_tenant):
    with in_tenant(brand.tenant):
        question = Question.objects.create(
            name="Wang Fang",
            email="wang@example.com",
            message="Can I use <b>points</b> in store?\nAnd online?",
            page_url="/help/points/",
            created_at=datetime.datetime(2026, 3, 5, 17, 30, tzinfo=datetime.UTC),  # 01:30 on the 6th
        )
        Question.objects.create(
            message="x" * 200,
            email="li@example.com",
            created_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
        )
    grant(in_tenant, brand.tenant, "knowledge.view_question")
    client = log_in()
    listing = client.get(QUESTIONS, HTTP_HOST=HOST)
    assert listing.status_code == 200
    body = listing.content.decode().split('<table class="listing', 1)[1].split("</table>", 1)[0]
    rows = [
        [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    ]
    # The first cell links to the question, followed by the row's "Inspect" action.
    assert rows == [
        [
            "03/06/2026 1:30 a.m. Inspect",
            "Wang Fang",
            "wang@example.com",
            "Can I use <b>points</b> in store? And online?",
            "/help/points/",
        ],
        ["03/01/2026 8 a.m. Inspect", "", "li@example.com", "x" * 79 + "…", ""],
    ]
    assert "<b>points</b>" not in listing.content.decode()
    assert f'href="{QUESTIONS}inspect/{question.pk}/"' in listing.content.decode()

    detail = client.get(f"{QUESTIONS}inspect/{question.pk}/", HTTP_HOST=HOST).content.decode()
    fields = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>\s*(.*?)\s*</dd>", detail, re.S))
    assert fields == {
        "Date": "03/06/2026 1:30 a.m.",
        "Name": "Wang Fang",
        "E-mail": "wang@example.com",
        "Question": "Can I use &lt;b&gt;points&lt;/b&gt; in store?<br>And online?",
        "Sent from": '<a href="/help/points/">/help/points/</a>',
    }
    # Read only: no add, edit or delete.
    assert client.get(f"{QUESTIONS}new/", HTTP_HOST=HOST).status_code == 404
    assert client.get(f"{QUESTIONS}edit/{question.pk}/", HTTP_HOST=HOST).status_code == 404
    assert client.get(f"{QUESTIONS}delete/{question.pk}/", HTTP_HOST=HOST).status_code == 404


def test_the_question_notification_links_staff_to_the_questions_list(brand, in_tenant):
    """Without a question form in the service desk, knowledge tells staff itself."""
    grant(in_tenant, brand.tenant, "knowledge.view_question")
    with in_tenant(brand.tenant):
        RequestType.objects.filter(kind="question").update(is_active=False)
        services.ask_question(message="Do points expire?", name="Mei", email="mei@example.com")
        deliver_due_events()
        link = Notification.objects.get(recipient__username="editor", kind="knowledge.question").url
    assert link == QUESTIONS
    page = log_in().get(link, HTTP_HOST=HOST)
    assert page.status_code == 200
    assert "Do points expire?" in page.content.decode()


def test_helpful_votes_list_filters_by_answer(brand, articles, in_tenant):
    with in_tenant(brand.tenant):
        no = vote(articles.points, False, 1, "Where is the <button>?")
        yes = vote(articles.refunds, True, 2)
    grant(in_tenant, brand.tenant, "knowledge.view_helpfulvote")
    client = log_in()

    def listed(query):
        response = client.get(VOTES, query, HTTP_HOST=HOST)
        return [vote.pk for vote in response.context["object_list"]], response.content.decode()

    everything, html = listed({})
    assert everything == [no.pk, yes.pk]  # latest answer first
    assert "Where is the &lt;button&gt;?" in html
    assert listed({"helpful": "no"})[0] == [no.pk]
    assert listed({"helpful": "yes"})[0] == [yes.pk]
    assert listed({"q": "button"})[0] == [no.pk]

    detail = client.get(f"{VOTES}inspect/{no.pk}/", HTTP_HOST=HOST).content.decode()
    fields = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>\s*(.*?)\s*</dd>", detail, re.S))
    assert fields["Article"] == f'<a href="/admin/pages/{articles.points.pk}/edit/">Using points</a>'
    assert fields["Helpful"] == "No"
    assert fields["Comment"] == "Where is the &lt;button&gt;?"
    assert "visitor:" not in detail


# --- Permissions ----------------------------------------------------------------------------


def admin_urls(question, helpful_vote):
    return {
        "report": REPORT,
        "questions": QUESTIONS,
        "questions results": f"{QUESTIONS}results/",
        "question": f"{QUESTIONS}inspect/{question.pk}/",
        "votes": VOTES,
        "votes results": f"{VOTES}results/",
        "vote": f"{VOTES}inspect/{helpful_vote.pk}/",
    }


OPENS = {
    None: set(),
    "knowledge.view_searchlog": {"report"},
    "knowledge.view_question": {"questions", "questions results", "question"},
    "knowledge.view_helpfulvote": {"votes", "votes results", "vote"},
    # Django makes these too, and Wagtail's lists would open with them: these lists ask for "view".
    "knowledge.delete_question": set(),
    "knowledge.change_helpfulvote": set(),
}
MENU_ITEMS = {
    None: set(),
    "knowledge.view_searchlog": {"Search analytics"},
    "knowledge.view_question": {"Questions"},
    "knowledge.view_helpfulvote": {"Helpful votes"},
    "knowledge.delete_question": set(),
    "knowledge.change_helpfulvote": set(),
}


def menu_items(client) -> set[str]:
    """The labels of the admin menu's "Help centre" entries this user is shown."""
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    found = {
        label for label in ("Search analytics", "Questions", "Helpful votes") if f'"{label}"' in dashboard
    }
    assert ('"Help centre"' in dashboard) == bool(found)
    return found


@pytest.mark.parametrize("permission", list(OPENS), ids=str)
def test_each_screen_and_menu_item_only_with_its_permission(brand, in_tenant, permission):
    with in_tenant(brand.tenant):
        question = Question.objects.create(message="Hello?", email="a@example.com")
        article = add_article(add_help_centre(), "Using points")
        helpful_vote = vote(article, False, 1)
    if permission:
        grant(in_tenant, brand.tenant, permission)
    client = log_in()
    urls = admin_urls(question, helpful_vote)
    answers = {name: outcome(client.get(url, HTTP_HOST=HOST)) for name, url in urls.items()}
    assert answers == {name: 200 if name in OPENS[permission] else REFUSED for name in urls}
    assert menu_items(client) == MENU_ITEMS[permission]


def test_a_superuser_sees_the_whole_help_centre_menu(brand):
    assert menu_items(log_in("boss")) == {"Search analytics", "Questions", "Helpful votes"}


def test_the_permissions_are_offered_in_the_group_editor(brand, in_tenant):
    client = log_in("boss")
    with in_tenant(brand.tenant):
        from django.contrib.auth.models import Group

        editors = Group.objects.get(name="Editors")
    html = client.get(f"/admin/groups/edit/{editors.pk}/", HTTP_HOST=HOST).content.decode()
    for codename in ("view_searchlog", "view_question", "view_helpfulvote"):
        assert f'value="{_permission_pk(in_tenant, brand.tenant, codename)}"' in html


def _permission_pk(in_tenant, tenant, codename):
    from django.contrib.auth.models import Permission

    with in_tenant(tenant):
        return Permission.objects.get(content_type__app_label="knowledge", codename=codename).pk


def test_one_brands_staff_see_nothing_of_another_brands_help_centre(brand, make_tenant, in_tenant):
    other = make_tenant("kbother", default_language="en").tenant
    with in_tenant(other):
        SearchLog.objects.create(query="secret", results=0)
        Question.objects.create(message="Another brand's question", email="x@example.com")
    with in_tenant(brand.tenant):
        log("points", 1, 1)
    grant(in_tenant, brand.tenant, "knowledge.view_searchlog", "knowledge.view_question")
    client = log_in()
    report = client.get(REPORT, HTTP_HOST=HOST).content.decode()
    assert totals(report)["searches"] == "1"
    assert "secret" not in report
    questions = client.get(QUESTIONS, HTTP_HOST=HOST)
    assert list(questions.context["object_list"]) == []
    assert "Another brand" not in questions.content.decode()
