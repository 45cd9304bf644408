"""Sign-ups, the waitlist, check-in, daily check-in and campaigns through events.services."""

import datetime as dt

import pytest

from core.models import OutboxEvent
from events import services
from events.models import (
    DailyCheckIn,
    DailyCheckInSettings,
    Draw,
    EventQuestion,
    EventSession,
    Prize,
    Registration,
)
from events.tests.factories import CampaignFactory, EventFactory
from members import services as loyalty
from members.models import LedgerSource
from members.tests.factories import MemberFactory


@pytest.fixture
def tenant(make_tenant, in_tenant):
    provisioned = make_tenant("events")
    with in_tenant(provisioned.tenant):
        yield provisioned.tenant


def test_a_full_session_waitlists_and_a_cancellation_promotes_the_first_in_line(tenant):
    session = EventFactory(sessions=[{"capacity": 2}]).sessions.get()
    members = [MemberFactory() for _ in range(4)]
    places = [services.sign_up(member, session) for member in members]
    assert [place.status for place in places] == ["registered", "registered", "waitlisted", "waitlisted"]
    assert services.sign_up(members[0], session) == places[0]  # signing up twice: the same place
    services.cancel_registration(places[1], acting_user=None)
    statuses = dict(Registration.objects.filter(session=session).values_list("member_id", "status"))
    assert [statuses[member.pk] for member in members] == [
        "registered",
        "cancelled",
        "registered",
        "waitlisted",
    ]
    assert EventSession.objects.get(pk=session.pk).registered == 2
    services.cancel_registration(
        Registration.objects.get(member=members[3], session=session), acting_user=None
    )
    services.cancel_registration(places[0], acting_user=None)
    assert EventSession.objects.get(pk=session.pk).registered == 1
    assert OutboxEvent.objects.filter(kind="event.waitlist_promoted").count() == 1


def test_points_priced_events_take_points_and_give_them_back(tenant):
    member = MemberFactory()
    loyalty.add_points(member, 300, reason="Welcome", source=LedgerSource.MANUAL, idempotency_key="w")
    session = EventFactory(points_price=200).sessions.get()
    place = services.sign_up(member, session)
    member.refresh_from_db()
    assert (place.points_paid, member.points) == (200, 100)
    with pytest.raises(services.EventError, match="Signing up takes 200 points; you have 100."):
        services.sign_up(member, EventFactory(points_price=200).sessions.get())
    services.cancel_registration(place, acting_user=None)
    member.refresh_from_db()
    assert member.points == 300


def test_answers_are_checked_question_by_question(tenant):
    event = EventFactory()
    diet = EventQuestion.objects.create(event=event, label="Diet", choices="None, Vegetarian", required=True)
    name = EventQuestion.objects.create(event=event, label="Name on badge", required=True)
    member = MemberFactory()
    with pytest.raises(services.EventError) as refusal:
        services.sign_up(member, event.sessions.get(), answers={str(diet.pk): "Carnivore"})
    assert str(refusal.value) == "Choose one of the answers to “Diet”. Answer “Name on badge”."
    place = services.sign_up(
        member, event.sessions.get(), answers={str(diet.pk): "Vegetarian", str(name.pk): "Fang"}
    )
    assert place.answers == {"Diet": "Vegetarian", "Name on badge": "Fang"}


def test_a_ticket_checks_in_once_and_only_at_its_own_event(tenant):
    event = EventFactory(checkin_points=50)
    other = EventFactory(title="Cupping")
    member = MemberFactory()
    place = services.sign_up(member, event.sessions.get())
    with pytest.raises(services.EventError, match="This ticket is for “Cupping”, not this event."):
        services.check_in(
            services.sign_up(MemberFactory(), other.sessions.get()).ticket_code, event=event, acting_user=None
        )
    with pytest.raises(services.EventError, match="No ticket with the code ABCDEFGHJK."):
        services.check_in("abcde-fghjk", event=event, acting_user=None)
    with pytest.raises(services.EventError, match="That is not a ticket code."):
        services.check_in("<script>", event=event, acting_user=None)
    checked = services.check_in(place.ticket_code.lower(), event=event, acting_user=None)
    assert checked.checked_in_at is not None
    with pytest.raises(services.EventError, match="Already checked in at "):
        services.check_in(place.ticket_code, event=event, acting_user=None)
    member.refresh_from_db()
    assert member.points == 50


def test_past_sessions_and_closed_sign_ups_are_refused(tenant):
    from django.utils import timezone

    now = timezone.now()
    past = EventFactory(
        sessions=[{"starts_at": now - dt.timedelta(hours=1), "ends_at": now + dt.timedelta(hours=1)}]
    )
    closed = EventFactory(signup_closes=now - dt.timedelta(minutes=1))
    member = MemberFactory()
    with pytest.raises(services.EventError, match="This session has already started."):
        services.sign_up(member, past.sessions.get())
    with pytest.raises(services.EventError, match="Sign-up closed on "):
        services.sign_up(member, closed.sessions.get())
    full = EventFactory(waitlist=False, sessions=[{"capacity": 1}]).sessions.get()
    services.sign_up(MemberFactory(), full)
    with pytest.raises(services.EventError, match="This session is full."):
        services.sign_up(member, full)
    assert Registration.objects.filter(member=member).count() == 0


def test_daily_check_in_once_a_day_with_a_streak_bonus_and_a_break(tenant):
    settings = DailyCheckInSettings.load()
    settings.points_per_day, settings.streak_bonuses, settings.cycle_days = 5, "3:20", 7
    settings.save()
    member = MemberFactory()
    day = dt.date(2026, 11, 20)
    earned = [
        services.check_in_today(member, today=day + dt.timedelta(days=offset)).points for offset in range(3)
    ]
    with pytest.raises(services.EventError, match="You have already checked in today."):
        services.check_in_today(member, today=day + dt.timedelta(days=2))
    after_break = services.check_in_today(member, today=day + dt.timedelta(days=4))
    member.refresh_from_db()
    assert (earned, after_break.streak, after_break.points, member.points) == ([5, 5, 25], 1, 5, 40)
    assert DailyCheckIn.objects.filter(member=member).count() == 4


def test_friends_signing_up_reach_goals_and_draws_are_recorded_and_replayable(tenant):
    from accounts.tests.factories import UserFactory

    campaign = CampaignFactory(
        goals=[{"friends": 1, "points": 10, "draws": 1}, {"friends": 2, "points": 50, "draws": 2}],
        prizes=[{"name": "Mug", "quantity": 1, "chance": 1}, {"name": "Tote", "quantity": 5, "chance": 1}],
    )
    inviter = MemberFactory()
    assert services.record_invitation(campaign, inviter, inviter.user) is None  # oneself
    for _friend in range(2):
        services.record_invitation(campaign, inviter, UserFactory())
    inviter.refresh_from_db()
    assert (inviter.points, services.draws_left(campaign, inviter)) == (60, 3)
    draws = [services.draw(campaign, inviter) for _ in range(3)]
    with pytest.raises(services.EventError, match="You have no draws left"):
        services.draw(campaign, inviter)
    assert all(services.replay(result) == result.prize_id for result in draws)
    given = dict(Prize.objects.filter(campaign=campaign).values_list("name", "given"))
    assert given["Mug"] <= 1
    assert sum(given.values()) == 3
    assert Draw.objects.filter(campaign=campaign).count() == 3


def test_daily_check_in_follows_each_brands_midnight(make_tenant, in_tenant, monkeypatch):
    """16:30 UTC is already tomorrow in Shanghai (00:30) and still today in New York (11:30): the
    day of a check-in is the brand's own, and a second check-in the same local day is refused."""
    from django.utils import timezone

    late_evening_utc = dt.datetime(2026, 11, 26, 15, 59, tzinfo=dt.UTC)  # 23:59 in Shanghai
    after_midnight_utc = dt.datetime(2026, 11, 26, 16, 30, tzinfo=dt.UTC)  # 00:30 in Shanghai
    brands = {
        "Asia/Shanghai": make_tenant("shanghai", time_zone="Asia/Shanghai").tenant,
        "America/New_York": make_tenant("newyork", time_zone="America/New_York").tenant,
    }
    days = {}
    for zone, tenant in brands.items():
        with in_tenant(tenant):
            member = MemberFactory()
            monkeypatch.setattr(timezone, "now", lambda: late_evening_utc)
            first = services.check_in_today(member)
            monkeypatch.setattr(timezone, "now", lambda: after_midnight_utc)
            try:
                second = services.check_in_today(member)
            except services.EventError as refusal:
                second = str(refusal)
            days[zone] = (first.day, second if isinstance(second, str) else (second.day, second.streak))
    assert days == {
        "Asia/Shanghai": (dt.date(2026, 11, 26), (dt.date(2026, 11, 27), 2)),
        "America/New_York": (dt.date(2026, 11, 26), "You have already checked in today. Come back tomorrow!"),
    }
