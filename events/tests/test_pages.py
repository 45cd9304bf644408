"""Events' customer pages: the list, an event and its sign-up form, tickets in My account, the daily
check-in, and invite campaigns (share links, invitations through the real sign-up, draws)."""

import datetime as dt
import html
import io
import re
import uuid
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.core.files.images import ImageFile
from django.test import Client, TestCase
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context
from PIL import Image as PILImage
from wagtail.images.models import Image

from accounts.invitations import COOKIE as INVITATION_COOKIE
from accounts.tests.factories import PASSWORD, UserFactory
from core.outbox import deliver_due_events
from events import services
from events.models import (
    Audience,
    DailyCheckIn,
    DailyCheckInSettings,
    Draw,
    EventQuestion,
    EventSession,
    Invitation,
    Prize,
    Registration,
)
from events.tests.factories import CampaignFactory, EventFactory
from members.models import Member
from members.tests.factories import MemberFactory, MemberLevelFactory, MemberRowFactory

HOST = {"HTTP_HOST": "events.localhost"}
SIGNED_UP = "You're signed up. Show this ticket at the event."
WAITLISTED = "You're on the waitlist. We'll tell you as soon as a seat is yours."


@pytest.fixture
def tenant(make_tenant, in_tenant):
    provisioned = make_tenant("events", default_language="en", time_zone="Asia/Shanghai").tenant
    with in_tenant(provisioned):
        yield provisioned


def in_public():
    return schema_context(get_public_schema_name())  # tenants are made from the public schema


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:  # the session row lives in the tenant's schema (the test is in it)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def get(client, path, **extra):
    client.cookies.pop("messages", None)  # messages_of(response) reads this request's messages only
    return client.get(path, **HOST, **extra)


def post(client, path, data=None, **extra):
    client.cookies.pop("messages", None)
    return client.post(path, data or {}, **HOST, **extra)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def titles(response) -> list[str]:
    found = re.findall(r'class="event-card-title">([^<]*)<', response.content.decode())
    return [html.unescape(title) for title in found]


def in_days(days: float, hour_offset: float = 0) -> dict:
    start = timezone.now() + dt.timedelta(days=days, hours=hour_offset)
    return {"starts_at": start, "ends_at": start + dt.timedelta(hours=2)}


def for_levels(event, *levels):
    """Keep `event` to members of `levels`, saved as the admin saves it (a ParentalManyToMany is
    written on save)."""
    event.levels.add(*levels)
    event.save()
    return event


def _picture(title) -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 36), "#6b3e26").save(buffer, "PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{uuid.uuid4().hex[:12]}.png"))


# --- The list ----------------------------------------------------------------------------------------


def entry_and_gold():
    """The programme's entry level (where MemberFactory enrols) and a Gold level above it."""
    return MemberLevelFactory(name="Silver", threshold_points=0), MemberLevelFactory(name="Gold")


def test_the_list_shows_the_upcoming_events_each_viewer_may_see(tenant):
    _entry, gold = entry_and_gold()
    EventFactory(title="Latte art", sessions=[in_days(3)], price_cents=8_000)
    EventFactory(
        title="Members' tasting",
        audience=Audience.MEMBERS,
        kind="online",
        venue="",
        points_price=200,
        sessions=[in_days(2)],
    )
    for_levels(EventFactory(title="Gold dinner", audience=Audience.LEVELS, sessions=[in_days(1)]), gold)
    EventFactory(title="Past talk", sessions=[in_days(-1)])
    EventFactory(title="Called off", cancelled_at=timezone.now(), sessions=[in_days(1)])
    EventFactory(title="Draft", is_published=False, sessions=[in_days(1)])
    # One session over, the next still to come: listed by the next.
    EventFactory(title="Cupping", sessions=[in_days(-2), {**in_days(4), "capacity": 5}])

    visitor = get(client_for(), "/events/")
    assert titles(visitor) == ["Latte art", "Cupping"]
    member = MemberFactory()  # the entry level
    assert titles(get(client_for(member.user), "/events/")) == ["Members' tasting", "Latte art", "Cupping"]
    gold_member = MemberRowFactory(level=gold)
    assert titles(get(client_for(gold_member.user), "/events/")) == [
        "Gold dinner",
        "Members' tasting",
        "Latte art",
        "Cupping",
    ]

    page = get(client_for(member.user), "/events/").content.decode()
    cards = re.findall(r'<li class="event-card">(.*?)</li>', page, flags=re.S)
    facts = [
        re.findall(r"<dd[^>]*>(.*?)</dd>", re.sub(r"<(?!/?dd)[^>]+>", "", card), flags=re.S) for card in cards
    ]
    assert [[html.unescape(fact.strip()) for fact in card] for card in facts] == [
        [_local_start("Members' tasting"), "Online", "20 seats left", "200 points"],
        [_local_start("Latte art"), "Jing'an store", "20 seats left", "¥80.00 at the door"],
        [_local_start("Cupping"), "Jing'an store", "5 seats left", "Free"],
    ]


def _local_start(title) -> str:
    """The event's next session's start in the brand's time zone, as the pages write it."""
    start = EventSession.objects.filter(event__title=title, starts_at__gt=timezone.now()).earliest(
        "starts_at"
    )
    return start.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")


def test_the_list_costs_the_same_queries_for_two_events_and_six(tenant, django_assert_num_queries):
    gold = MemberLevelFactory(name="Gold")
    member = MemberRowFactory(level=gold)
    client = client_for(member.user)

    def add_events(count):
        for number in range(count):
            event = EventFactory(
                image=_picture(f"Event {number}"),
                audience=Audience.LEVELS if number % 2 else Audience.EVERYONE,
                sessions=[in_days(1 + number), in_days(8 + number)],
            )
            if number % 2:
                for_levels(event, gold)

    add_events(2)
    get(client, "/events/")  # the portal's chrome and the pictures' renditions are made once
    with django_assert_num_queries(QUERIES_FOR_THE_LIST):
        assert len(titles(get(client, "/events/"))) == 2
    add_events(4)
    get(client, "/events/")
    with django_assert_num_queries(QUERIES_FOR_THE_LIST):
        assert len(titles(get(client, "/events/"))) == 6


# A member's /events/: the schema, session, user, member card, events, sessions, levels,
# questions, the pictures' renditions, and the header's unread notifications.
QUERIES_FOR_THE_LIST = 10


# --- An event's page and signing up ----------------------------------------------------------------


def test_the_event_page_shows_seats_left_and_the_waitlist_label(tenant):
    event = EventFactory(
        title="Latte art",
        slug="latte-art",
        address="88 Yuyuan Road",
        map_url="https://maps.example/latte",
        online_url="https://meet.example/latte",
        sessions=[
            {**in_days(1), "capacity": 3},
            {**in_days(2), "capacity": 1},
            {**in_days(-1), "capacity": 4},
        ],
    )
    _past, first, second = event.sessions.order_by("starts_at")
    services.sign_up(MemberFactory(), first)
    services.sign_up(MemberFactory(), second)
    content = get(client_for(), "/events/latte-art/").content.decode()
    assert re.findall(r'<span class="session-seats[^"]*">([^<]*)</span>', content) == [
        "Started",
        "2 seats left",
        "Full — join the waitlist",
    ]
    assert "Log in as a member to sign up." in content
    assert "88 Yuyuan Road" in content
    assert 'href="https://maps.example/latte"' in content
    assert "https://meet.example/latte" not in content  # only for people signed up
    assert "The link to join is shown to people signed up." in content

    EventFactory(title="No queue", slug="no-queue", waitlist=False, sessions=[{**in_days(1), "capacity": 1}])
    services.sign_up(MemberFactory(), EventSession.objects.get(event__slug="no-queue"))
    full = get(client_for(), "/events/no-queue/").content.decode()
    assert re.findall(r'<span class="session-seats[^"]*">([^<]*)</span>', full) == ["Full"]

    member = MemberFactory()
    services.sign_up(member, first)
    mine = get(client_for(member.user), "/events/latte-art/").content.decode()
    assert 'href="https://meet.example/latte"' in mine
    assert f'href="/account/events/{Registration.objects.get(member=member).ticket_code}/"' in mine


def test_a_cancelled_event_says_so_and_offers_no_form(tenant):
    event = EventFactory(title="Rainy walk", slug="rainy-walk")
    services.cancel_event(event, reason="Typhoon", acting_user=None)
    content = get(client_for(MemberFactory().user), "/events/rainy-walk/").content.decode()
    assert "This event was cancelled." in content
    assert 'action="/events/rainy-walk/sign-up/"' not in content
    assert get(client_for(), "/events/no-such-event/").status_code == 404


def test_signing_up_through_the_page_registers_then_waitlists_when_full(tenant):
    event = EventFactory(slug="latte-art", sessions=[{**in_days(1), "capacity": 1}])
    session = event.sessions.get()

    anonymous = post(client_for(), "/events/latte-art/sign-up/", {"session": session.pk})
    assert (anonymous.status_code, anonymous["Location"]) == (302, "/accounts/login/?next=/events/latte-art/")

    first, second = MemberFactory(), MemberFactory()
    registered = post(client_for(first.user), "/events/latte-art/sign-up/", {"session": session.pk})
    place = Registration.objects.get(member=first)
    assert (registered.status_code, registered["Location"]) == (302, f"/account/events/{place.ticket_code}/")
    assert messages_of(registered) == [SIGNED_UP]
    waitlisted = post(client_for(second.user), "/events/latte-art/sign-up/", {"session": session.pk})
    queued = Registration.objects.get(member=second)
    assert (waitlisted.status_code, waitlisted["Location"]) == (302, f"/account/events/{queued.ticket_code}/")
    assert messages_of(waitlisted) == [WAITLISTED]
    assert (place.status, queued.status) == ("registered", "waitlisted")
    assert EventSession.objects.get(pk=session.pk).registered == 1

    again = post(client_for(first.user), "/events/latte-art/sign-up/", {"session": session.pk})
    assert messages_of(again) == ["You already have a place at this session."]
    assert Registration.objects.filter(session=session).count() == 2

    ticket = get(client_for(first.user), f"/account/events/{place.ticket_code}/").content.decode()
    assert '<div class="ticket-qr"><svg' in ticket
    assert f'<code class="ticket-code">{place.ticket_code}</code>' in ticket
    assert '<strong class="ticket-status">Signed up</strong>' in ticket
    queued_ticket = get(client_for(second.user), f"/account/events/{queued.ticket_code}/").content.decode()
    assert '<strong class="ticket-status">On the waitlist</strong>' in queued_ticket
    assert "ticket-qr" not in queued_ticket


def test_bad_answers_show_the_page_again_with_the_reasons_and_create_nothing(tenant):
    event = EventFactory(slug="latte-art")
    diet = EventQuestion.objects.create(
        event=event, label="Diet", choices="None, Vegetarian", required=True, sort_order=0
    )
    badge = EventQuestion.objects.create(event=event, label="Name on badge", required=True, sort_order=1)
    session, member = event.sessions.get(), MemberFactory()
    client = client_for(member.user)

    form = get(client, "/events/latte-art/").content.decode()
    assert re.findall(rf'<input type="radio" name="answer_{diet.pk}" value="([^"]*)"', form) == [
        "None",
        "Vegetarian",
    ]
    assert form.count('<span class="required-mark" aria-hidden="true">*</span>') == 2

    wrong = post(
        client, "/events/latte-art/sign-up/", {"session": session.pk, f"answer_{diet.pk}": "Carnivore"}
    )
    assert wrong.status_code == 400
    assert re.findall(r'<p class="message error">([^<]*)</p>', wrong.content.decode()) == [
        "Choose one of the answers to “Diet”. Answer “Name on badge”."
    ]
    missing = post(
        client, "/events/latte-art/sign-up/", {"session": session.pk, f"answer_{badge.pk}": "Fang"}
    )
    content = missing.content.decode()
    assert re.findall(r'<p class="message error">([^<]*)</p>', content) == ["Answer “Diet”."]
    assert f'name="answer_{badge.pk}" value="Fang"' in content  # what was typed is kept
    no_session = post(client, "/events/latte-art/sign-up/", {f"answer_{badge.pk}": "Fang"})
    assert re.findall(r'<p class="message error">([^<]*)</p>', no_session.content.decode()) == [
        "Choose a session."
    ]
    assert Registration.objects.count() == 0
    assert EventSession.objects.get(pk=session.pk).registered == 0

    done = post(
        client,
        "/events/latte-art/sign-up/",
        {"session": session.pk, f"answer_{diet.pk}": "Vegetarian", f"answer_{badge.pk}": "Fang"},
    )
    assert messages_of(done) == [SIGNED_UP]
    assert Registration.objects.get().answers == {"Diet": "Vegetarian", "Name on badge": "Fang"}


def test_a_level_only_event_tells_other_members_who_it_is_for(tenant):
    _entry, gold = entry_and_gold()
    event = for_levels(EventFactory(slug="gold-dinner", audience=Audience.LEVELS), gold)
    member = MemberFactory()
    content = get(client_for(member.user), "/events/gold-dinner/").content.decode()
    assert "“" + event.title + "” is only for Gold members." in content
    refused = post(
        client_for(member.user), "/events/gold-dinner/sign-up/", {"session": event.sessions.get().pk}
    )
    assert re.findall(r'<p class="message error">([^<]*)</p>', refused.content.decode()) == [
        f"“{event.title}” is only for Gold members."
    ]
    assert Registration.objects.count() == 0


# --- Tickets ---------------------------------------------------------------------------------------


def test_a_member_cannot_see_or_cancel_another_members_ticket(tenant):
    session = EventFactory().sessions.get()
    owner, other = MemberFactory(), MemberFactory()
    place = services.sign_up(owner, session)
    intruder = client_for(other.user)
    assert get(intruder, f"/account/events/{place.ticket_code}/").status_code == 404
    assert post(intruder, f"/account/events/{place.ticket_code}/cancel/").status_code == 404
    place.refresh_from_db()
    assert (place.status, place.cancelled_at, EventSession.objects.get(pk=session.pk).registered) == (
        "registered",
        None,
        1,
    )
    visitor = get(client_for(), f"/account/events/{place.ticket_code}/")
    assert (visitor.status_code, visitor["Location"]) == (
        302,
        f"/accounts/login/?next=/account/events/{place.ticket_code}/",
    )
    assert post(client_for(), f"/account/events/{place.ticket_code}/cancel/").status_code == 302
    place.refresh_from_db()
    assert place.status == "registered"


def test_cancelling_through_the_page_promotes_the_waitlist_and_a_used_ticket_stays(tenant):
    event = EventFactory(sessions=[{**in_days(1), "capacity": 1}])
    session = event.sessions.get()
    first, second = MemberFactory(), MemberFactory()
    seated, queued = services.sign_up(first, session), services.sign_up(second, session)
    response = post(client_for(first.user), f"/account/events/{seated.ticket_code}/cancel/")
    assert (response.status_code, response["Location"]) == (302, f"/account/events/{seated.ticket_code}/")
    assert messages_of(response) == ["Your place is cancelled."]
    seated.refresh_from_db()
    queued.refresh_from_db()
    assert (seated.status, queued.status, EventSession.objects.get(pk=session.pk).registered) == (
        "cancelled",
        "registered",
        1,
    )

    services.check_in(queued.ticket_code, event=event, acting_user=None)
    client = client_for(second.user)
    page = get(client, f"/account/events/{queued.ticket_code}/").content.decode()
    assert "Cancel my place" not in page
    assert '<strong class="ticket-status">Checked in</strong>' in page
    refused = post(client, f"/account/events/{queued.ticket_code}/cancel/")
    assert messages_of(refused) == ["This ticket was already used at the event."]
    queued.refresh_from_db()
    assert (queued.status, EventSession.objects.get(pk=session.pk).registered) == ("registered", 1)


def test_my_events_lists_upcoming_places_first_then_past_ones(tenant):
    member = MemberFactory()
    later = EventFactory(title="Later", sessions=[in_days(5)])
    sooner = EventFactory(title="Sooner", sessions=[in_days(2)])
    past = EventFactory(title="Past", sessions=[in_days(3)])
    for event in (later, sooner, past):
        services.sign_up(member, event.sessions.get())
    EventSession.objects.filter(event=past).update(**in_days(-3))
    content = get(client_for(member.user), "/account/events/").content.decode()
    assert re.findall(r'class="registration-event"[^>]*>([^<]*)<', content) == ["Sooner", "Later", "Past"]
    account = get(client_for(member.user), "/account/").content.decode()
    section = account.split('class="block account-events"', 1)[1]
    assert re.findall(r'class="registration-event"[^>]*>([^<]*)<', section) == ["Sooner", "Later"]


# --- Daily check-in --------------------------------------------------------------------------------


def test_daily_check_in_twice_in_a_row_gives_points_once(tenant):
    member = MemberFactory()
    client = client_for(member.user)
    first = post(client, "/events/check-in/", {"next": "/events/"})
    assert (first.status_code, first["Location"]) == (302, "/events/")
    assert messages_of(first) == ["Checked in: +5 points, day 1 of your streak."]
    second = post(client, "/events/check-in/", {"next": "/events/"}, HTTP_REFERER="http://events.localhost/")
    assert messages_of(second) == ["You have already checked in today. Come back tomorrow!"]
    member.refresh_from_db()
    assert member.points == 5
    check = DailyCheckIn.objects.get(member=member)
    assert check.day == timezone.localdate(timezone=zoneinfo.ZoneInfo("Asia/Shanghai"))

    elsewhere = post(client, "/events/check-in/", {"next": "https://evil.example/"})
    assert elsewhere["Location"] == "/"
    visitor = post(client_for(), "/events/check-in/", {"next": "/events/"})
    assert (visitor.status_code, visitor["Location"]) == (302, "/accounts/login/?next=/events/")

    settings = DailyCheckInSettings.load()
    settings.enabled = False
    settings.save()
    off = post(client_for(MemberFactory().user), "/events/check-in/", {"next": "/events/"})
    assert messages_of(off) == ["Daily check-in is not on at the moment."]
    assert DailyCheckIn.objects.count() == 1


def test_check_in_needs_a_csrf_token(tenant):
    member = MemberFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post("/events/check-in/", {"next": "/events/"}, **HOST).status_code == 403
    assert DailyCheckIn.objects.count() == 0


# --- Invite campaigns ------------------------------------------------------------------------------


def sign_up_customer(client, email):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}, **HOST
    )


def deliver():
    with TestCase.captureOnCommitCallbacks(execute=True):
        deliver_due_events()


def test_a_friend_who_follows_the_link_and_signs_up_counts_for_the_inviter(tenant):
    campaign = CampaignFactory(slug="bring-a-friend", goals=[{"friends": 1, "points": 10, "draws": 1}])
    inviter = MemberFactory(user=UserFactory(first_name="Wang", last_name="Mei"))
    token = services.invite_token(campaign, inviter)

    friend = Client()
    page = get(friend, f"/events/campaigns/bring-a-friend/?by={token}")
    assert "W** invited you" in page.content.decode()
    assert INVITATION_COOKIE in page.cookies
    assert sign_up_customer(friend, "lin@example.com").status_code == 302
    deliver()
    invitation = Invitation.objects.get()
    assert (invitation.campaign, invitation.inviter, invitation.friend.email) == (
        campaign,
        inviter,
        "lin@example.com",
    )
    assert invitation.qualified_at is not None
    inviter.refresh_from_db()
    assert (inviter.points, services.draws_left(campaign, inviter)) == (10, 1)


def test_a_forged_link_records_nothing(tenant):
    CampaignFactory(slug="bring-a-friend", goals=[{"friends": 1, "points": 10}])
    friend = Client()
    page = get(friend, "/events/campaigns/bring-a-friend/?by=forged-token")
    assert page.status_code == 200
    assert "invited you" not in page.content.decode()
    assert INVITATION_COOKIE not in page.cookies
    assert sign_up_customer(friend, "lin@example.com").status_code == 302
    deliver()
    assert Invitation.objects.count() == 0
    assert Member.objects.filter(user__email="lin@example.com").count() == 1  # enrolled all the same


def test_another_brands_share_links_and_tickets_mean_nothing_here(tenant, make_tenant, in_tenant):
    with in_public():
        other = make_tenant("other", default_language="en").tenant
    with in_tenant(other):
        elsewhere = CampaignFactory(slug="bring-a-friend", goals=[{"friends": 1, "points": 10}])
        foreign_inviter = MemberFactory()
        foreign_token = services.invite_token(elsewhere, foreign_inviter)
        foreign_event = EventFactory(slug="their-workshop")
        foreign_ticket = services.sign_up(MemberFactory(), foreign_event.sessions.get())
    with in_tenant(tenant):
        # The same campaign id and a member with the inviter's id here: only the token's
        # signature, bound to the brand, tells them apart.
        CampaignFactory(id=elsewhere.pk, slug="bring-a-friend", goals=[{"friends": 1, "points": 10}])
        if not Member.objects.filter(pk=foreign_inviter.pk).exists():
            MemberRowFactory(id=foreign_inviter.pk)
        friend = Client()
        page = get(friend, f"/events/campaigns/bring-a-friend/?by={foreign_token}")
        assert "invited you" not in page.content.decode()
        assert INVITATION_COOKIE not in page.cookies
        sign_up_customer(friend, "lin@example.com")
        deliver()
        assert Invitation.objects.count() == 0

        member = client_for(MemberFactory().user)
        assert get(member, "/events/their-workshop/").status_code == 404
        assert post(member, "/events/their-workshop/sign-up/", {"session": 1}).status_code == 404
        assert get(member, f"/account/events/{foreign_ticket.ticket_code}/").status_code == 404
        assert post(member, f"/account/events/{foreign_ticket.ticket_code}/cancel/").status_code == 404
    with in_tenant(other):
        foreign_ticket.refresh_from_db()
        assert (foreign_ticket.status, EventSession.objects.get().registered) == ("registered", 1)


def test_a_member_shares_the_link_sees_progress_and_draws(tenant):
    campaign = CampaignFactory(
        slug="bring-a-friend",
        goals=[{"friends": 1, "points": 10, "draws": 1}, {"friends": 3, "points": 50, "draws": 2}],
        prizes=[{"name": "Mug", "quantity": 1, "chance": 1}],
    )
    member = MemberFactory()
    services.record_invitation(campaign, member, UserFactory())
    client = client_for(member.user)
    content = get(client, "/events/campaigns/bring-a-friend/").content.decode()
    share = re.search(r'id="share-link" type="url" value="([^"]+)"', content).group(1)
    assert share.startswith("http://events.localhost/events/campaigns/bring-a-friend/?by=")
    from urllib.parse import parse_qs, urlsplit

    assert services.read_invite_token(campaign, parse_qs(urlsplit(share).query)["by"][0]) == member.pk
    assert re.findall(r'<dd class="progress-(\w+)">([^<]*)</dd>', content) == [
        ("invited", "1"),
        ("counted", "1"),
        ("goals", "1 / 2"),
    ]
    assert "You have 1 draw left." in content
    assert "1 of 1 left" in content

    won = post(client, "/events/campaigns/bring-a-friend/draw/")
    assert (won.status_code, won["Location"]) == (302, "/events/campaigns/bring-a-friend/")
    assert messages_of(won) == ["You won: Mug!"]
    result = Draw.objects.get()
    after = get(client, "/events/campaigns/bring-a-friend/").content.decode()
    assert f'<code class="draw-seed">{result.seed}</code>' in after
    assert "0 of 1 left" in after
    assert services.replay(result) == Prize.objects.get().pk
    again = post(client, "/events/campaigns/bring-a-friend/draw/")
    assert messages_of(again) == ["You have no draws left: invite more friends to earn some."]
    assert Draw.objects.count() == 1
    visitor = post(client_for(), "/events/campaigns/bring-a-friend/draw/")
    assert visitor["Location"] == "/accounts/login/?next=/events/campaigns/bring-a-friend/"
    assert get(client_for(), "/events/campaigns/no-such-campaign/").status_code == 404
