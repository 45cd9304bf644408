"""Events' page blocks: exactly the events for everyone, soonest first, with their seats left; the
calendar's days; one featured event; the member's own check-in days and campaign progress (and a
log-in link for visitors); a fixed number of queries; and what an editor is told when a block
names an event or a campaign the brand does not have."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from builder.fields import page_blocks
from builder.models import HomePage, StandardPage
from events import selectors, services
from events.models import Audience, DailyCheckInSettings, Event
from events.tests.factories import CampaignFactory, EventFactory
from mall.tests.test_graphql import Pictures
from members import services as loyalty
from members.models import LedgerSource, MemberLevel
from members.tests.factories import MemberFactory, MemberLevelFactory, MemberRowFactory

BLOCKS = dict(page_blocks())
HOST = {"HTTP_HOST": "evblocks.localhost", "HTTP_ACCEPT_LANGUAGE": "en"}


def local(days: int, hour: int) -> dt.datetime:
    """`hour` o'clock on the brand's date `days` from today."""
    day = selectors.brand_today() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=selectors.brand_zone())


def session(days: int, hour: int = 14, **fields) -> dict:
    return {"starts_at": local(days, hour), "ends_at": local(days, hour) + dt.timedelta(hours=2), **fields}


@pytest.fixture
def brand(make_tenant, in_tenant):
    """Public events on days 1, 2 (online, priced) and 3 (two sessions); events some visitors may
    not see, a draft, a cancelled one, a past one and one five weeks away."""
    tenant = make_tenant("evblocks", default_language="en").tenant
    with in_tenant(tenant):
        gold = MemberLevelFactory(name="Gold")
        EventFactory(title="Cupping", slug="cupping", sessions=[session(3, 10), session(10, 10)])
        EventFactory(title="Latte art", slug="latte-art", summary="Hearts and tulips.", sessions=[session(1)])
        EventFactory(
            title="Online tasting",
            slug="online-tasting",
            kind=Event.Kind.ONLINE,
            venue="",
            price_cents=8_800,
            points_price=1_200,
            sessions=[session(2, 20, capacity=2)],
        )
        EventFactory(
            title="Members breakfast", slug="breakfast", audience=Audience.MEMBERS, sessions=[session(1)]
        )
        gold_night = EventFactory(
            title="Gold night", slug="gold-night", audience=Audience.LEVELS, sessions=[session(1)]
        )
        gold_night.levels.add(gold)
        gold_night.save()
        EventFactory(title="Draft", slug="draft", is_published=False, sessions=[session(1)])
        EventFactory(
            title="Called off", slug="called-off", cancelled_at=timezone.now(), sessions=[session(1)]
        )
        EventFactory(title="Last month", slug="last-month", sessions=[session(-30)])
        EventFactory(title="Autumn fair", slug="autumn-fair", sessions=[session(35)])
    return tenant


def render(name, raw, context=None):
    block = BLOCKS[name]
    return block.render(block.to_python(raw), context=context)


def titles(html):
    return re.findall(r'<h3 class="event-card-title">([^<]+)</h3>', html)


def seats(html):
    return re.findall(r'<span class="session-seats[^"]*">([^<]+)</span>', html)


def facts(html):
    """(where, seats, price) of each card."""
    where = re.findall(r'<dd class="event-where">(.*?)\s*</dd>', html)
    prices = re.findall(r'<dd class="event-price">([^<]+)</dd>', html)
    return list(zip(where, seats(html), prices, strict=True))


def test_upcoming_events_lists_only_events_for_everyone_soonest_first(brand, in_tenant):
    with in_tenant(brand):
        html = render("upcoming_events", {"heading": "Coming up", "count": 12})
        assert titles(html) == ["Latte art", "Online tasting", "Cupping", "Autumn fair"]
        assert titles(render("upcoming_events", {"count": 2})) == ["Latte art", "Online tasting"]
        assert "<h2>Coming up</h2>" in html
        assert '<a class="event-card-link" href="/events/latte-art/">' in html
        start = local(1, 14)
        assert (
            f'<dd class="event-next-date"><time datetime="{start.isoformat()}">{start:%Y-%m-%d %H:%M}</time></dd>'
            in html
        )
        store = "Jing&#x27;an store"
        assert facts(html) == [
            (store, "20 seats left", "Free"),
            ("Online", "2 seats left", "1,200 points + ¥88.00 at the door"),
            (store, "20 seats left", "Free"),
            (store, "20 seats left", "Free"),
        ]
        assert html.count("(and 1 more date)") == 1  # the cupping's second session
        assert '<p class="shelf-more"><a href="/events/">All events</a></p>' in html


def test_seats_left_count_the_places_taken_and_a_full_session_says_so(brand, in_tenant):
    with in_tenant(brand):
        tasting = Event.objects.get(slug="online-tasting").sessions.get()
        members = [MemberFactory(), MemberFactory()]
        for member in members:
            loyalty.add_points(
                member, 1_200, reason="Welcome", source=LedgerSource.MANUAL, idempotency_key="welcome"
            )
        services.sign_up(members[0], tasting)
        assert seats(render("upcoming_events", {"count": 2})) == ["20 seats left", "1 seat left"]
        services.sign_up(members[1], tasting)
        html = render("upcoming_events", {"count": 2})
        assert seats(html) == ["20 seats left", "Full — join the waitlist"]
        assert '<span class="session-seats is-full">Full — join the waitlist</span>' in html
        Event.objects.filter(slug="online-tasting").update(waitlist=False)
        assert seats(render("upcoming_events", {"count": 2})) == ["20 seats left", "Full"]


def test_nothing_coming_up_says_so(make_tenant, in_tenant):
    with in_tenant(make_tenant("quiet", default_language="en").tenant):
        html = render("upcoming_events", {"count": 4})
        assert titles(html) == []
        assert '<p class="events-empty">No events coming up at the moment.</p>' in html
        assert '<p class="events-empty">No events in the next four weeks.</p>' in render("event_calendar", {})


def test_the_calendar_shows_four_weeks_of_sessions_for_everyone_day_by_day(brand, in_tenant):
    with in_tenant(brand):
        html = render("event_calendar", {"heading": "Calendar"})
        expected_days = [local(offset, 0).date().isoformat() for offset in (1, 2, 3, 10)]
        tasting = local(2, 20).isoformat()
    days = re.findall(r'<h3 class="event-date"><time datetime="([0-9-]+)">', html)
    assert days == expected_days
    sessions = re.findall(r'<li class="event-session">.*?<a href="([^"]+)">([^<]+)</a>', html)
    assert sessions == [
        ("/events/latte-art/", "Latte art"),
        ("/events/online-tasting/", "Online tasting"),
        ("/events/cupping/", "Cupping"),
        ("/events/cupping/", "Cupping"),
    ]
    assert f'<time datetime="{tasting}">20:00</time>–' in html
    assert "Autumn fair" not in html  # day 35: beyond four weeks


def test_a_featured_event_shows_its_picture_next_date_and_a_sign_up_button(brand, in_tenant):
    pictures = Pictures(brand)
    try:
        with in_tenant(brand):
            Event.objects.filter(slug="latte-art").update(image=pictures.add("Latte"))
            html = render("featured_event", {"event": "latte-art", "heading": "Don't miss"})
            assert "<h2>Don&#x27;t miss</h2>" in html
            assert '<h3 class="event-card-title">Latte art</h3>' in html
            assert '<p class="event-summary">Hearts and tulips.</p>' in html
            assert re.search(r'<img [^>]*class="event-card-image"', html)
            assert '<a class="button button-primary" href="/events/latte-art/">Sign up</a>' in html
            own = render("featured_event", {"event": "cupping", "button_text": "Book a seat"})
            assert '<h2 class="event-card-title">Cupping</h2>' in own
            assert '<a class="button button-primary" href="/events/cupping/">Book a seat</a>' in own
            past = render("featured_event", {"event": "last-month"})
            assert '<p class="events-empty">No dates coming up.</p>' in past
            assert "button-primary" not in past
            # Events some visitors may not see, drafts and cancelled events are never shown.
            for slug in ("breakfast", "gold-night", "draft", "called-off", "gone"):
                assert render("featured_event", {"event": slug}).strip() == ""
    finally:
        pictures.remove()


EVENTS_BLOCKS = ["upcoming_events", "event_calendar", "featured_event", "daily_check_in", "campaign_card"]


@pytest.mark.parametrize("name", EVENTS_BLOCKS)
def test_each_block_renders_its_preview_and_an_empty_value_with_its_class(name, brand, in_tenant):
    """What the editor's block picker shows (no event or campaign chosen yet)."""
    block = BLOCKS[name]
    with in_tenant(brand):
        for raw in (block.meta.preview_value, {}):
            html = render(name, raw)
            assert f'<section class="block block-{name.replace("_", "-")} variant-light"' in html
    chosen = {"featured_event": "event", "campaign_card": "campaign"}
    if name in chosen:
        assert f'<p class="events-empty">No {chosen[name]} chosen yet.</p>' in html


def errors_of(name, raw) -> dict:
    block = BLOCKS[name]
    with pytest.raises(ValidationError) as error:
        block.clean(block.to_python(raw))
    return {field: errors.messages for field, errors in error.value.block_errors.items()}


def test_a_block_naming_an_event_or_campaign_the_brand_does_not_have_is_refused(brand, in_tenant):
    with in_tenant(brand):
        CampaignFactory(slug="spring-friends", goals=[{"friends": 1, "points": 10}])
        assert errors_of("featured_event", {"event": "teapots"}) == {
            "event": ["There is no event “teapots”."]
        }
        assert errors_of("featured_event", {"event": " "}) == {"event": ["Give the event's slug."]}
        assert errors_of("featured_event", {"event": "breakfast"}) == {
            "event": [
                "“Members breakfast” is not for everyone; a page block shows only events anyone may sign up for."
            ]
        }
        assert errors_of("campaign_card", {"campaign": "autumn-friends"}) == {
            "campaign": ["There is no campaign “autumn-friends”."]
        }
        assert errors_of("campaign_card", {"campaign": ""}) == {"campaign": ["Give the campaign's slug."]}
        featured = BLOCKS["featured_event"]
        assert featured.clean(featured.to_python({"event": " latte-art "}))["event"] == "latte-art"
        card = BLOCKS["campaign_card"]
        assert card.clean(card.to_python({"campaign": "spring-friends"}))["campaign"] == "spring-friends"


def test_upcoming_events_cost_the_same_queries_for_two_events_as_for_twelve(
    make_tenant, in_tenant, django_assert_num_queries
):
    with in_tenant(make_tenant("evcount", default_language="en").tenant):
        for day in (1, 2):
            EventFactory(sessions=[session(day), session(day + 7)])
        with CaptureQueriesContext(connection) as captured:
            assert len(titles(render("upcoming_events", {"count": 12}))) == 2
        for day in range(3, 13):
            EventFactory(sessions=[session(day), session(day + 7)])
        with django_assert_num_queries(len(captured)):
            assert len(titles(render("upcoming_events", {"count": 12}))) == 12
        assert len(captured) == 4  # events, sessions, levels, questions
        with CaptureQueriesContext(connection) as calendar:
            html = render("event_calendar", {})
        assert (html.count('<li class="event-session">'), len(calendar)) == (24, 1)


# --- On a page: the personal blocks ---------------------------------------------------------------


def publish(brand, in_tenant, slug, body):
    with in_tenant(brand):
        home = HomePage.objects.get(depth=2, locale__language_code="en")
        page = home.add_child(instance=StandardPage(title=slug.title(), slug=slug, body=body))
        page.save_revision().publish()


def logged_in(brand, in_tenant, member):
    client = Client()
    with in_tenant(brand):
        client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_daily_check_in_shows_the_members_own_week_and_visitors_a_log_in_link(brand, in_tenant):
    with in_tenant(brand):
        settings = DailyCheckInSettings.load()
        settings.points_per_day, settings.streak_bonuses, settings.cycle_days = 5, "7:50", 7
        settings.save()
        member, other = MemberFactory(), MemberFactory()
        today = selectors.brand_today()
        for days_ago in (2, 1):
            services.check_in_today(member, today=today - dt.timedelta(days=days_ago))
        services.check_in_today(other, today=today)
    publish(brand, in_tenant, "daily", [("daily_check_in", {"heading": "Check in", "text": ""})])

    visitor = Client().get("/daily/", **HOST).content.decode()
    assert (
        '<a class="button button-primary" href="/accounts/login/?next=/daily/">Log in to check in</a>'
        in visitor
    )
    assert "<p>Check in every day for 5 points.</p>" in visitor
    assert "check-in-days" not in visitor
    assert "csrfmiddlewaretoken" not in visitor

    client = logged_in(brand, in_tenant, member)
    html = client.get("/daily/", **HOST).content.decode()
    checked = re.findall(r'<li class="check-in-day is-checked"><time datetime="([0-9-]+)">', html)
    assert checked == [(today - dt.timedelta(days=days_ago)).isoformat() for days_ago in (2, 1)]
    assert html.count('<li class="check-in-day') == 7
    assert '<p class="check-in-streak">2 days in a row</p>' in html
    assert '<form method="post" action="/events/check-in/">' in html
    assert '<input type="hidden" name="next" value="/daily/">' in html
    assert '<input type="hidden" name="anchor" value="daily-check-in">' in html
    assert '<section class="block block-daily-check-in variant-light" id="daily-check-in">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<button type="submit" class="button button-primary">Check in: +5 points</button>' in html
    assert "Day 7 of your streak brings 50 bonus points, in 4 days." in html

    # The block's form, through the check-in view, back to the block with the view's message.
    response = client.post("/events/check-in/", {"next": "/daily/", "anchor": "daily-check-in"}, **HOST)
    assert (response.status_code, response["Location"]) == (302, "/daily/#daily-check-in")
    html = client.get("/daily/", **HOST).content.decode()
    assert '<p class="message success" role="status">Checked in: +5 points, day 3 of your streak.</p>' in html
    assert '<p class="check-in-done" role="status">Checked in today: +5 points.</p>' in html
    assert '<p class="check-in-streak">3 days in a row</p>' in html
    assert "/events/check-in/" not in html
    assert len(re.findall(r'class="check-in-day is-checked( is-today)?"', html)) == 3

    # Another member's page shows their own week, never the first member's.
    other_html = logged_in(brand, in_tenant, other).get("/daily/", **HOST).content.decode()
    assert '<p class="check-in-streak">1 day in a row</p>' in other_html
    assert len(re.findall(r'class="check-in-day is-checked', other_html)) == 1


def test_the_campaign_card_shows_goals_and_the_members_own_progress(brand, in_tenant):
    with in_tenant(brand):
        campaign = CampaignFactory(
            title="Bring a friend",
            slug="bring-a-friend",
            goals=[{"friends": 1, "points": 10, "draws": 1}, {"friends": 3, "points": 1_500, "draws": 2}],
        )
        inviter, newcomer = MemberFactory(), MemberFactory()
        services.record_invitation(campaign, inviter, UserFactory())
        CampaignFactory(
            title="Old friends",
            slug="old-friends",
            starts_at=local(-20, 0),
            ends_at=local(-10, 0),
            goals=[{"friends": 1, "points": 5}],
        )
    publish(
        brand,
        in_tenant,
        "friends",
        [
            ("campaign_card", {"campaign": "bring-a-friend", "heading": ""}),
            ("campaign_card", {"campaign": "old-friends", "heading": "Last time"}),
        ],
    )
    html = logged_in(brand, in_tenant, inviter).get("/friends/", **HOST).content.decode()
    goals = re.findall(
        r'<li class="campaign-goal( is-reached)?"><strong>([^<]+)</strong>: ([^<]+?)( <span|</li>)', html
    )
    assert [(reached, friends, rewards) for reached, friends, rewards, _end in goals] == [
        (" is-reached", "1 friend", "10 points, 1 lottery draw"),
        ("", "3 friends", "1,500 points, 2 lottery draws"),
        ("", "1 friend", "5 points"),
    ]
    assert "<h2>Bring a friend</h2>" in html
    assert "<h2>Last time</h2>" in html
    assert '<p class="campaign-progress">You invited 1 friend; 1 counted so far.</p>' in html
    assert '<p class="campaign-draws">You have 1 lottery draw left.</p>' in html
    assert (
        '<a class="button button-primary" href="/events/campaigns/bring-a-friend/">Invite friends</a>' in html
    )
    ended = f"Ended on {local(-10, 0).astimezone(selectors.brand_zone()):%Y-%m-%d}."
    assert f'<p class="campaign-dates">{ended}</p>' in html
    assert (
        '<a class="button button-primary" href="/events/campaigns/old-friends/">About the campaign</a>'
        in html
    )

    newcomer_html = logged_in(brand, in_tenant, newcomer).get("/friends/", **HOST).content.decode()
    assert newcomer_html.count('<li class="campaign-goal">') == 3  # nothing reached
    assert '<p class="campaign-progress">You invited 0 friends; 0 counted so far.</p>' in newcomer_html
    assert "lottery draw left" not in newcomer_html

    visitor = Client().get("/friends/", **HOST).content.decode()
    assert '<p><a href="/accounts/login/?next=/friends/">Log in to see your progress</a></p>' in visitor
    assert "campaign-progress" not in visitor


def test_a_page_of_public_event_blocks_is_the_same_for_visitors_and_members(brand, in_tenant):
    """Bodies without personal blocks are cached for everyone: a member never sees the members'
    or their level's events there."""
    with in_tenant(brand):
        gold = MemberRowFactory(level=MemberLevel.objects.get(name="Gold")).user
    publish(
        brand,
        in_tenant,
        "whats-on",
        [("upcoming_events", {"heading": "On", "count": 12}), ("event_calendar", {"heading": "Days"})],
    )
    member = Client()
    with in_tenant(brand):
        member.force_login(gold, backend="django.contrib.auth.backends.ModelBackend")
    for client in (Client(), member, Client()):
        html = client.get("/whats-on/", **HOST).content.decode()
        assert titles(html) == ["Latte art", "Online tasting", "Cupping", "Autumn fair"]
        assert "Members breakfast" not in html
        assert "Gold night" not in html
