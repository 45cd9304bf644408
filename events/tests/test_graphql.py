"""Events in GraphQL: `events`, `event(slug)` and the viewer's registrations, check-in streak and
campaigns, for visitors and members (session or bearer token), one tenant at a time."""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import tokens
from accounts.tests.factories import UserFactory
from events import selectors, services
from events.graphql.schema import event_cursor
from events.models import Audience, EventSession
from events.tests.factories import CampaignFactory, EventFactory
from members import services as loyalty
from members.models import LedgerSource, Member, MemberLevel
from members.tests.factories import MemberLevelFactory, MemberRowFactory

HOST = "evgql.localhost"

EVENTS = """query($upcoming: Boolean, $first: Int, $after: String) {
  events(upcoming: $upcoming, first: $first, after: $after) {
    total endCursor hasNextPage
    items {
      slug title summary url kind venue address mapUrl audience levels priceCents pointsPrice
      waitlist isCancelled signupOpens signupCloses
      sessions { id title startsAt endsAt capacity seatsLeft }
    }
  }
}"""
EVENT = """query($slug: String!) {
  event(slug: $slug) { slug title audience levels isCancelled sessions { id capacity seatsLeft } }
}"""
VIEWER = """query($upcoming: Boolean) { viewer {
  registrations(upcoming: $upcoming) {
    ticketCode status event { slug title } session { startsAt endsAt } checkedInAt pointsPaid
  }
  checkInStreak checkedInToday
  campaigns { slug title url invited counted drawsLeft goals { friends points draws reached } }
} }"""


def gql(client, query, variables=None, host=HOST, **headers):
    headers.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    response = client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        HTTP_HOST=host,
        **headers,
    )
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]


def slugs(page):
    return [item["slug"] for item in page["items"]]


def soon(days: int, hour: int = 14) -> dict:
    start = (timezone.now() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return {"starts_at": start, "ends_at": start + dt.timedelta(hours=2)}


@pytest.fixture
def brand(make_tenant, in_tenant):
    """Events soonest first: for everyone (day 1), members (day 2), Gold (day 3); a draft, a
    cancelled one (day 5) and a past one (10 days ago)."""
    tenant = make_tenant("evgql").tenant
    with in_tenant(tenant):
        gold = MemberLevelFactory(name="Gold")
        MemberLevelFactory(name="Silver")
        EventFactory(
            title="Latte art",
            slug="latte-art",
            summary="Hearts and tulips.",
            address="1 Nanjing Road",
            map_url="https://maps.example/latte",
            price_cents=8_800,
            sessions=[{**soon(1), "title": "Afternoon", "capacity": 20}],
        )
        EventFactory(
            title="Members breakfast", slug="breakfast", audience=Audience.MEMBERS, sessions=[soon(2)]
        )
        tasting = EventFactory(
            title="Gold tasting",
            slug="gold-tasting",
            audience=Audience.LEVELS,
            points_price=300,
            sessions=[soon(3)],
        )
        tasting.levels.add(gold)
        tasting.save()
        EventFactory(title="Draft", slug="draft", is_published=False, sessions=[soon(1)])
        EventFactory(title="Called off", slug="called-off", cancelled_at=timezone.now(), sessions=[soon(5)])
        EventFactory(title="Last time", slug="last-time", sessions=[soon(-10)])
    return tenant


def member_at(tenant, in_tenant, level_name) -> Member:
    with in_tenant(tenant):
        return MemberRowFactory(level=MemberLevel.objects.get(name=level_name))


def session_client(tenant, in_tenant, member) -> Client:
    client = Client()
    with in_tenant(tenant):
        client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def bearer(tenant, in_tenant, member) -> dict:
    with in_tenant(tenant):
        return {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue_customer_token(member.user)}"}


# --- events and event(slug) --------------------------------------------------------------------


def test_a_visitor_sees_upcoming_events_for_everyone_with_their_details(brand, client, in_tenant):
    page = gql(client, EVENTS)["events"]
    assert (slugs(page), page["total"], page["hasNextPage"]) == (["latte-art"], 1, False)
    with in_tenant(brand):
        latte = EventSession.objects.get(event__slug="latte-art")
    assert page["items"][0] == {
        "slug": "latte-art",
        "title": "Latte art",
        "summary": "Hearts and tulips.",
        "url": "/events/latte-art/",
        "kind": "offline",
        "venue": "Jing'an store",
        "address": "1 Nanjing Road",
        "mapUrl": "https://maps.example/latte",
        "audience": "everyone",
        "levels": [],
        "priceCents": 8_800,
        "pointsPrice": None,
        "waitlist": True,
        "isCancelled": False,
        "signupOpens": None,
        "signupCloses": None,
        "sessions": [
            {
                "id": str(latte.pk),
                "title": "Afternoon",
                "startsAt": latte.starts_at.isoformat(),
                "endsAt": latte.ends_at.isoformat(),
                "capacity": 20,
                "seatsLeft": 20,
            }
        ],
    }


def test_members_see_members_events_and_levels_their_own_by_session_or_token(brand, in_tenant):
    silver = member_at(brand, in_tenant, "Silver")
    gold = member_at(brand, in_tenant, "Gold")
    assert slugs(gql(session_client(brand, in_tenant, silver), EVENTS)["events"]) == [
        "latte-art",
        "breakfast",
    ]
    assert slugs(gql(Client(), EVENTS, **bearer(brand, in_tenant, silver))["events"]) == [
        "latte-art",
        "breakfast",
    ]
    assert slugs(gql(Client(), EVENTS, **bearer(brand, in_tenant, gold))["events"]) == [
        "latte-art",
        "breakfast",
        "gold-tasting",
    ]


def test_a_level_event_is_null_for_visitors_and_other_levels(brand, client, in_tenant):
    variables = {"slug": "gold-tasting"}
    assert gql(client, EVENT, variables)["event"] is None
    assert gql(
        Client(), EVENT, variables, **bearer(brand, in_tenant, member_at(brand, in_tenant, "Silver"))
    ) == {"event": None}
    gold = gql(Client(), EVENT, variables, **bearer(brand, in_tenant, member_at(brand, in_tenant, "Gold")))
    assert (gold["event"]["title"], gold["event"]["audience"], gold["event"]["levels"]) == (
        "Gold tasting",
        "levels",
        ["Gold"],
    )
    assert gql(client, EVENT, {"slug": "breakfast"})["event"] is None
    assert gql(client, EVENT, {"slug": "draft"})["event"] is None
    assert gql(client, EVENT, {"slug": "no-such-event"})["event"] is None


def test_one_event_with_the_seats_left_in_each_session(brand, in_tenant, client):
    with in_tenant(brand):
        event = EventFactory(
            title="Roasting",
            slug="roasting",
            sessions=[{**soon(4), "capacity": 3}, {**soon(6), "capacity": 5}],
        )
        first, second = event.sessions.order_by("starts_at")
        for _place in range(3):
            services.sign_up(MemberRowFactory(), first)
        services.sign_up(MemberRowFactory(), second)
        waiting = services.sign_up(MemberRowFactory(), first)
    assert waiting.status == "waitlisted"
    assert gql(client, EVENT, {"slug": "roasting"})["event"]["sessions"] == [
        {"id": str(first.pk), "capacity": 3, "seatsLeft": 0},
        {"id": str(second.pk), "capacity": 5, "seatsLeft": 4},
    ]
    # A cancelled event is still there, saying so.
    assert gql(client, EVENT, {"slug": "called-off"})["event"]["isCancelled"] is True


def test_all_events_past_and_cancelled_latest_first(brand, client, in_tenant):
    page = gql(client, EVENTS, {"upcoming": False})["events"]
    assert slugs(page) == ["called-off", "latte-art", "last-time"]
    assert [item["isCancelled"] for item in page["items"]] == [True, False, False]
    gold = bearer(brand, in_tenant, member_at(brand, in_tenant, "Gold"))
    assert slugs(gql(Client(), EVENTS, {"upcoming": False}, **gold)["events"]) == [
        "called-off",
        "gold-tasting",
        "breakfast",
        "latte-art",
        "last-time",
    ]


def test_pages_follow_the_cursor_to_the_end_and_first_is_capped(brand, in_tenant):
    gold = bearer(brand, in_tenant, member_at(brand, in_tenant, "Gold"))
    first = gql(Client(), EVENTS, {"first": 2}, **gold)["events"]
    assert (slugs(first), first["total"], first["hasNextPage"]) == (["latte-art", "breakfast"], 3, True)
    assert first["endCursor"] == event_cursor(2)
    rest = gql(Client(), EVENTS, {"first": 2, "after": first["endCursor"]}, **gold)["events"]
    assert (slugs(rest), rest["hasNextPage"], rest["endCursor"]) == (["gold-tasting"], False, event_cursor(3))
    bogus = gql(Client(), EVENTS, {"after": "bogus"}, **gold)["events"]
    assert (bogus["items"], bogus["total"], bogus["endCursor"], bogus["hasNextPage"]) == ([], 3, None, False)
    with in_tenant(brand):
        for number in range(50):
            EventFactory(slug=f"many-{number}", sessions=[soon(20)])
    slim = "query($first: Int) { events(first: $first) { total hasNextPage items { slug } } }"
    capped = gql(Client(), slim, {"first": 500}, **gold)["events"]
    assert (len(capped["items"]), capped["total"], capped["hasNextPage"]) == (50, 53, True)


@pytest.fixture
def bravo(make_tenant, in_tenant):
    """Another brand with an event at the same address and one of its own."""
    tenant = make_tenant("evbravo").tenant
    with in_tenant(tenant):
        EventFactory(title="Bravo latte art", slug="latte-art", sessions=[soon(2)])
        EventFactory(title="Bravo only", slug="bravo-only", sessions=[soon(1)])
    return tenant


def test_another_tenants_events_never_appear(brand, bravo, client):
    assert slugs(gql(client, EVENTS)["events"]) == ["latte-art"]
    assert gql(client, EVENT, {"slug": "latte-art"})["event"]["title"] == "Latte art"
    assert gql(client, EVENT, {"slug": "bravo-only"})["event"] is None
    on_bravo = gql(client, EVENTS, {"upcoming": False}, host="evbravo.localhost")["events"]
    assert [item["title"] for item in on_bravo["items"]] == ["Bravo latte art", "Bravo only"]
    assert gql(client, EVENT, {"slug": "gold-tasting"}, host="evbravo.localhost")["event"] is None


def test_a_token_from_one_tenant_gets_no_viewer_on_another(brand, bravo, in_tenant):
    token = bearer(brand, in_tenant, member_at(brand, in_tenant, "Gold"))
    assert gql(Client(), VIEWER, host="evbravo.localhost", **token)["viewer"] is None
    assert slugs(gql(Client(), EVENTS, host="evbravo.localhost", **token)["events"]) == [
        "bravo-only",
        "latte-art",
    ]


# --- viewer ----------------------------------------------------------------------------------


def test_anonymous_viewer_is_null(brand, client):
    assert gql(client, VIEWER)["viewer"] is None


def test_registrations_are_only_the_viewers_own(brand, in_tenant):
    with in_tenant(brand):
        gold = MemberRowFactory(level=MemberLevel.objects.get(name="Gold"))
        other = MemberRowFactory(level=MemberLevel.objects.get(name="Gold"))
        loyalty.add_points(gold, 500, reason="Welcome", source=LedgerSource.MANUAL, idempotency_key="w")
        latte = EventSession.objects.get(event__slug="latte-art")
        tasting = EventSession.objects.get(event__slug="gold-tasting")
        mine = services.sign_up(gold, latte)
        paid = services.sign_up(gold, tasting)
        services.cancel_registration(paid, acting_user=None)
        theirs = services.sign_up(other, latte)
        checked = services.check_in(mine.ticket_code, event=latte.event, acting_user=None)
        # A place at a session that has taken place since (time passes: the session moves back).
        yesterday = EventFactory(title="Yesterday", slug="yesterday").sessions.get()
        over = services.sign_up(gold, yesterday)
        EventSession.objects.filter(pk=yesterday.pk).update(**soon(-1))
    token = bearer(brand, in_tenant, gold)
    found = gql(Client(), VIEWER, **token)["viewer"]["registrations"]
    assert [(row["ticketCode"], row["status"], row["event"]["slug"]) for row in found] == [
        (over.ticket_code, "registered", "yesterday"),
        (paid.ticket_code, "cancelled", "gold-tasting"),
        (mine.ticket_code, "registered", "latte-art"),
    ]
    assert found[2] == {
        "ticketCode": mine.ticket_code,
        "status": "registered",
        "event": {"slug": "latte-art", "title": "Latte art"},
        "session": {"startsAt": latte.starts_at.isoformat(), "endsAt": latte.ends_at.isoformat()},
        "checkedInAt": checked.checked_in_at.isoformat(),
        "pointsPaid": 0,
    }
    assert found[1]["pointsPaid"] == 300
    upcoming = gql(Client(), VIEWER, {"upcoming": True}, **token)["viewer"]["registrations"]
    assert [row["ticketCode"] for row in upcoming] == [mine.ticket_code]
    assert theirs.ticket_code not in json.dumps(found)
    theirs_seen = gql(Client(), VIEWER, **bearer(brand, in_tenant, other))["viewer"]["registrations"]
    assert [row["ticketCode"] for row in theirs_seen] == [theirs.ticket_code]


def test_the_check_in_streak_and_today_are_the_viewers_own(brand, in_tenant):
    with in_tenant(brand):
        member, other = MemberRowFactory(), MemberRowFactory()
        today = selectors.brand_today()
        for days_ago in (3, 1):
            services.check_in_today(member, today=today - dt.timedelta(days=days_ago))
        services.check_in_today(other, today=today - dt.timedelta(days=2))
    token = bearer(brand, in_tenant, member)
    viewer = gql(Client(), VIEWER, **token)["viewer"]
    assert (viewer["checkInStreak"], viewer["checkedInToday"], viewer["registrations"]) == (1, False, [])
    with in_tenant(brand):
        services.check_in_today(member, today=today)
    viewer = gql(Client(), VIEWER, **token)["viewer"]
    assert (viewer["checkInStreak"], viewer["checkedInToday"]) == (2, True)
    theirs = gql(Client(), VIEWER, **bearer(brand, in_tenant, other))["viewer"]
    assert (theirs["checkInStreak"], theirs["checkedInToday"]) == (0, False)  # two days ago: broken


def test_campaigns_show_the_viewers_own_progress(brand, in_tenant):
    with in_tenant(brand):
        campaign = CampaignFactory(
            title="Bring a friend",
            slug="bring-a-friend",
            goals=[{"friends": 1, "points": 10, "draws": 1}, {"friends": 2, "points": 50, "draws": 2}],
            prizes=[{"name": "Mug", "quantity": 5}],
        )
        CampaignFactory(
            slug="over",
            starts_at=timezone.now() - dt.timedelta(days=20),
            ends_at=timezone.now() - dt.timedelta(days=1),
            goals=[{"friends": 1}],
        )
        CampaignFactory(slug="hidden", is_published=False, goals=[{"friends": 1}])
        inviter, other = MemberRowFactory(), MemberRowFactory()
        for _friend in range(2):
            services.record_invitation(campaign, inviter, UserFactory())
        services.draw(campaign, inviter)
    mine = gql(Client(), VIEWER, **bearer(brand, in_tenant, inviter))["viewer"]["campaigns"]
    assert mine == [
        {
            "slug": "bring-a-friend",
            "title": "Bring a friend",
            "url": "/events/campaigns/bring-a-friend/",
            "invited": 2,
            "counted": 2,
            "drawsLeft": 2,
            "goals": [
                {"friends": 1, "points": 10, "draws": 1, "reached": True},
                {"friends": 2, "points": 50, "draws": 2, "reached": True},
            ],
        }
    ]
    theirs = gql(Client(), VIEWER, **bearer(brand, in_tenant, other))["viewer"]["campaigns"]
    assert [(row["invited"], row["counted"], row["drawsLeft"]) for row in theirs] == [(0, 0, 0)]
    assert [goal["reached"] for goal in theirs[0]["goals"]] == [False, False]


# --- Cost ----------------------------------------------------------------------------------------


EVERYTHING = """{
  events(first: 50) { total items { slug levels sessions { seatsLeft } image { url } } }
  viewer {
    registrations { ticketCode event { slug } session { seatsLeft } }
    checkInStreak checkedInToday
    campaigns { slug invited counted drawsLeft goals { reached } }
  }
}"""


def test_lists_cost_the_same_queries_for_two_items_as_for_ten(brand, in_tenant, django_assert_num_queries):
    """A Gold member (so the answer is never the anonymous cache's) with places at every event and
    a progress in every campaign."""
    with in_tenant(brand):
        gold = MemberRowFactory(level=MemberLevel.objects.get(name="Gold"))
    client = session_client(brand, in_tenant, gold)

    def add(count):
        with in_tenant(brand):
            for _number in range(count):
                event = EventFactory(sessions=[soon(7), soon(8)], audience=Audience.LEVELS)
                event.levels.add(MemberLevel.objects.get(name="Gold"))
                event.save()
                services.sign_up(gold, event.sessions.first())
                campaign = CampaignFactory(goals=[{"friends": 1, "draws": 1}, {"friends": 2}])
                services.record_invitation(campaign, gold, UserFactory())

    def ask():
        cache.clear()
        return gql(client, EVERYTHING)

    add(2)
    ask()  # the first request of the process loads what every later one shares
    with CaptureQueriesContext(connection) as captured:
        data = ask()
    assert (data["events"]["total"], len(data["viewer"]["campaigns"])) == (5, 2)
    add(8)
    with django_assert_num_queries(len(captured)):
        data = ask()
    assert (data["events"]["total"], len(data["viewer"]["registrations"])) == (13, 10)
    assert [row["drawsLeft"] for row in data["viewer"]["campaigns"]] == [1] * 10
