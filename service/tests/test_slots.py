"""Slots and bookings through service.services: opening hours, closed days, buffers, lead time,
horizon, step and duration; inactive providers and locations; local time across daylight-saving
changes and in two time zones at once; rescheduling, the cancellation window, reminders and
evaluations. Time is pinned with `now=`."""

import datetime as dt
import zoneinfo

import pytest

from accounts.tests.factories import UserFactory
from core.models import OutboxEvent
from core.outbox import deliver_due_events
from notifications.models import Notification
from service import services
from service.models import Appointment, ClosedDay, Evaluation
from service.tests.factories import BookableServiceFactory, LocationFactory, ProviderFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
MONDAY = dt.date(2026, 6, 1)
A_WEEK_BEFORE = dt.datetime(2026, 5, 25, tzinfo=dt.UTC)


@pytest.fixture
def tenant(make_tenant, in_tenant):
    provisioned = make_tenant("slots", default_language="en")
    with in_tenant(provisioned.tenant):
        yield provisioned.tenant


def at(day: dt.date, time: str, zone=SHANGHAI) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(time), tzinfo=zone)


def times(first: str, last: str, step: int) -> list[str]:
    """["09:00", "09:15", ...] from `first` to `last` inclusive."""
    moment, end, out = at(MONDAY, first), at(MONDAY, last), []
    while moment <= end:
        out.append(f"{moment:%H:%M}")
        moment += dt.timedelta(minutes=step)
    return out


def local(slots, zone=SHANGHAI) -> list[str]:
    return [f"{slot.starts_at.astimezone(zone):%H:%M}" for slot in slots]


def by_day(slots, zone=SHANGHAI) -> dict:
    days = {}
    for slot in slots:
        start = slot.starts_at.astimezone(zone)
        days.setdefault(f"{start:%Y-%m-%d}", []).append(f"{start:%H:%M}")
    return days


def book(service, starts_at, user=None, **kwargs):
    return services.book_appointment(
        service, starts_at, user=user or UserFactory(), now=kwargs.pop("now", A_WEEK_BEFORE), **kwargs
    )


# --- Which times are offered -------------------------------------------------------------------


def test_slots_follow_several_opening_rows_a_day_closed_days_the_step_and_the_duration(tenant):
    store = LocationFactory(hours=[(0, "09:00", "12:00"), (0, "14:00", "17:30"), (2, "10:00", "11:00")])
    ClosedDay.objects.create(location=store, date=MONDAY + dt.timedelta(days=7), name="Dragon Boat Festival")
    provider = ProviderFactory(location=store)
    fitting = BookableServiceFactory(providers=[provider], duration_minutes=45, slot_step_minutes=30)

    slots = services.available_slots(fitting, MONDAY, MONDAY + dt.timedelta(days=9), now=A_WEEK_BEFORE)
    assert by_day(slots) == {
        # 11:30 and 17:00 would end after closing (12:00, 17:30).
        "2026-06-01": [
            "09:00",
            "09:30",
            "10:00",
            "10:30",
            "11:00",
            "14:00",
            "14:30",
            "15:00",
            "15:30",
            "16:00",
            "16:30",
        ],
        "2026-06-03": ["10:00"],
        # Monday 8 June is closed; Tuesdays, Thursdays and weekends have no hours.
        "2026-06-10": ["10:00"],
    }
    first = slots[0]
    assert (first.starts_at, first.ends_at, first.provider_id, first.location_id) == (
        dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 6, 1, 1, 45, tzinfo=dt.UTC),
        provider.pk,
        store.pk,
    )
    assert first.key == f"2026-06-01T01:00:00+00:00|{provider.pk}"


def test_overlapping_opening_rows_offer_each_time_once(tenant):
    store = LocationFactory(hours=[(0, "09:00", "12:00"), (0, "11:00", "13:00")])
    fitting = BookableServiceFactory(providers=[ProviderFactory(location=store)])
    slots = services.available_slots(fitting, MONDAY, MONDAY, now=A_WEEK_BEFORE)
    assert local(slots) == ["09:00", "10:00", "11:00", "12:00"]


def test_buffers_keep_free_time_before_and_after_a_booking(tenant):
    provider = ProviderFactory()
    colouring = BookableServiceFactory(
        providers=[provider], slot_step_minutes=15, buffer_before_minutes=30, buffer_after_minutes=15
    )
    noon = book(colouring, at(MONDAY, "12:00"))
    assert (noon.starts_at, noon.ends_at, noon.blocked_from, noon.blocked_until) == (
        at(MONDAY, "12:00"),
        at(MONDAY, "13:00"),
        at(MONDAY, "11:30"),
        at(MONDAY, "13:15"),
    )
    # A new booking needs its own 30 minutes before and 15 after clear of 11:30–13:15.
    slots = services.available_slots(colouring, MONDAY, MONDAY, now=A_WEEK_BEFORE)
    assert local(slots) == times("09:00", "10:15", 15) + times("13:45", "16:00", 15)
    with pytest.raises(services.BookingError, match=r"^That time was just taken\. Please choose another\.$"):
        book(colouring, at(MONDAY, "10:30"))
    assert book(colouring, at(MONDAY, "10:15")).ends_at == at(MONDAY, "11:15")


def test_slots_start_after_the_lead_time_and_end_at_the_horizon(tenant):
    massage = BookableServiceFactory(lead_time_hours=2, horizon_days=1)
    now = at(MONDAY, "09:00")
    slots = services.available_slots(massage, MONDAY, MONDAY + dt.timedelta(days=2), now=now)
    assert by_day(slots) == {
        "2026-06-01": ["11:00", "12:00", "13:00", "14:00", "15:00", "16:00"],
        "2026-06-02": ["09:00"],  # exactly a day ahead; 10:00 is beyond it
    }
    with pytest.raises(services.BookingError, match=r"^That time was just taken\. Please choose another\.$"):
        book(massage, at(MONDAY, "10:00"), now=now)
    assert Appointment.objects.count() == 0


def test_inactive_providers_locations_and_services_offer_nothing(tenant):
    north, south = LocationFactory(name="North"), LocationFactory(name="South")
    anna, bo = ProviderFactory(name="Anna", location=north), ProviderFactory(name="Bo", location=south)
    fitting = BookableServiceFactory(name="Fitting", providers=[anna, bo])

    def offered(**filters):
        slots = services.available_slots(fitting, MONDAY, MONDAY, now=A_WEEK_BEFORE, **filters)
        return sorted({slot.provider_id for slot in slots})

    assert (offered(), offered(provider_id=bo.pk), offered(location_id=north.pk)) == (
        [anna.pk, bo.pk],
        [bo.pk],
        [anna.pk],
    )
    anna.is_active = False
    anna.save()
    assert offered() == [bo.pk]
    south.is_active = False
    south.save()
    assert offered() == []
    with pytest.raises(services.BookingError, match=r"^That time was just taken\. Please choose another\.$"):
        book(fitting, at(MONDAY, "10:00"))
    bo.is_active = False
    bo.save()
    with pytest.raises(services.BookingError, match=r"^Nobody gives “Fitting” at the moment\.$"):
        book(fitting, at(MONDAY, "10:00"))
    south.is_active = True
    south.save()
    bo.is_active = True
    bo.save()
    fitting.is_active = False
    fitting.save()
    assert offered() == []
    assert Appointment.objects.count() == 0


def test_only_logged_in_customers_book_and_members_only_services_take_members(tenant):
    from django.contrib.auth.models import AnonymousUser

    from members.tests.factories import MemberFactory

    club = BookableServiceFactory(name="Club fitting", members_only=True)
    with pytest.raises(services.BookingError, match=r"^Log in to book\.$"):
        services.book_appointment(club, at(MONDAY, "10:00"), user=AnonymousUser(), now=A_WEEK_BEFORE)
    with pytest.raises(services.BookingError, match=r"^“Club fitting” is for members only\.$"):
        book(club, at(MONDAY, "10:00"))
    member = MemberFactory()
    assert book(club, at(MONDAY, "10:00"), user=member.user).user == member.user


# --- Local time --------------------------------------------------------------------------------


def test_nine_oclock_stays_nine_oclock_in_new_york_across_both_daylight_saving_changes(tenant):
    manhattan = LocationFactory(
        time_zone="America/New_York", hours=[(day, "09:00", "10:00") for day in range(7)]
    )
    tune_up = BookableServiceFactory(
        name="Tune-up", providers=[ProviderFactory(location=manhattan)], horizon_days=365
    )
    now = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)

    def offered(first, last):
        slots = services.available_slots(
            tune_up, dt.date.fromisoformat(first), dt.date.fromisoformat(last), now=now
        )
        return [
            (f"{s.starts_at.astimezone(NEW_YORK):%m-%d %H:%M}", f"{s.starts_at:%H:%M} UTC") for s in slots
        ]

    # Clocks go back on 1 November 2026 and forward on 14 March 2027.
    assert offered("2026-10-31", "2026-11-01") == [("10-31 09:00", "13:00 UTC"), ("11-01 09:00", "14:00 UTC")]
    assert offered("2027-03-13", "2027-03-14") == [("03-13 09:00", "14:00 UTC"), ("03-14 09:00", "13:00 UTC")]

    customer = UserFactory(username="sam")
    appointment = book(tune_up, dt.datetime(2026, 11, 1, 14, 0, tzinfo=dt.UTC), user=customer, now=now)
    deliver_due_events()
    assert list(Notification.objects.filter(recipient=customer).values_list("title", flat=True)) == [
        "Booked: Tune-up on 2026-11-01 09:00"  # the location's own clock
    ]
    assert appointment.starts_at.astimezone(NEW_YORK).hour == 9


def test_the_hour_skipped_in_spring_is_never_offered_and_the_repeated_one_once(tenant):
    night = LocationFactory(time_zone="America/New_York", hours=[(6, "01:00", "04:00")])  # Sundays
    check = BookableServiceFactory(
        providers=[ProviderFactory(location=night)],
        duration_minutes=30,
        slot_step_minutes=30,
        horizon_days=365,
    )
    now = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)

    def offered(day):
        slots = services.available_slots(
            check, dt.date.fromisoformat(day), dt.date.fromisoformat(day), now=now
        )
        return local(slots, NEW_YORK), [f"{slot.starts_at:%H:%M}" for slot in slots]

    assert offered("2027-03-14") == (
        ["01:00", "01:30", "03:00", "03:30"],  # 02:00–02:59 does not exist that night
        ["06:00", "06:30", "07:00", "07:30"],
    )
    assert offered("2026-11-01") == (
        ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"],  # 01:xx happens twice; offered once
        ["05:00", "05:30", "07:00", "07:30", "08:00", "08:30"],
    )
    assert offered("2027-03-21") == (
        ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"],
        ["05:00", "05:30", "06:00", "06:30", "07:00", "07:30"],
    )


def test_shanghai_and_new_york_at_the_same_instant(tenant):
    jingan = LocationFactory(name="Jing'an", time_zone="Asia/Shanghai")
    soho = LocationFactory(name="SoHo", time_zone="America/New_York")
    li, sam = ProviderFactory(name="Li", location=jingan), ProviderFactory(name="Sam", location=soho)
    fitting = BookableServiceFactory(providers=[li, sam])
    # 12:00 UTC: 20:00 in Shanghai (Monday is over there), 08:00 in New York (it has not begun).
    now = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
    names = {li.pk: "Li", sam.pk: "Sam"}

    def offered(first, last):
        slots = services.available_slots(fitting, first, last, now=now)
        return [(f"{slot.starts_at:%m-%d %H:%M}", names[slot.provider_id]) for slot in slots]

    new_york_monday = [(f"06-01 {hour}:00", "Sam") for hour in range(13, 21)]
    assert offered(MONDAY, MONDAY) == new_york_monday
    tuesday = MONDAY + dt.timedelta(days=1)
    assert offered(MONDAY, tuesday) == (
        new_york_monday
        + [(f"06-02 {hour:02d}:00", "Li") for hour in range(1, 9)]  # 09:00–16:00 in Shanghai
        + [(f"06-02 {hour}:00", "Sam") for hour in range(13, 21)]
    )
    with pytest.raises(services.BookingError, match=r"^That time was just taken\. Please choose another\.$"):
        book(fitting, at(MONDAY, "16:00"), provider_id=li.pk, now=now)  # 16:00 in Shanghai has passed
    assert book(fitting, at(MONDAY, "16:00", NEW_YORK), now=now).provider == sam  # "anyone": Sam is free


# --- Changing and cancelling -------------------------------------------------------------------


def test_a_booking_moves_to_a_free_slot_but_not_to_a_taken_one(tenant):
    provider = ProviderFactory()
    cut = BookableServiceFactory(providers=[provider])
    mine = book(cut, at(MONDAY, "10:00"))
    theirs = book(cut, at(MONDAY, "12:00"))

    moved = services.reschedule_appointment(
        mine, at(MONDAY, "11:00"), now=A_WEEK_BEFORE, acting_user=mine.user
    )
    assert (moved.pk, moved.starts_at, moved.ends_at, moved.blocked_until) == (
        mine.pk,
        at(MONDAY, "11:00"),
        at(MONDAY, "12:00"),
        at(MONDAY, "12:00"),
    )
    event = OutboxEvent.objects.get(kind="appointment.rescheduled")
    assert (event.data["old_starts_at"], event.data["starts_at"]) == (
        "2026-06-01T02:00:00+00:00",
        "2026-06-01T03:00:00+00:00",
    )
    for taken in (at(MONDAY, "12:00"), at(MONDAY, "20:00")):  # another's booking; after closing
        with pytest.raises(services.BookingError, match=r"^That time is not free\. Please choose another\.$"):
            services.reschedule_appointment(mine, taken, now=A_WEEK_BEFORE, acting_user=mine.user)
    assert dict(Appointment.objects.values_list("pk", "starts_at")) == {
        mine.pk: at(MONDAY, "11:00"),
        theirs.pk: at(MONDAY, "12:00"),
    }
    # Its old time is free again.
    assert "10:00" in local(services.available_slots(cut, MONDAY, MONDAY, now=A_WEEK_BEFORE))


def test_customers_cancel_only_before_the_window_and_staff_at_any_time(tenant):
    staff = UserFactory(username="desk", is_staff=True)
    cut = BookableServiceFactory(cancellation_hours=24)
    soon = book(cut, at(MONDAY, "10:00"))
    later = book(cut, at(MONDAY, "14:00"))
    half_a_day_before = at(MONDAY, "10:00") - dt.timedelta(hours=12)
    window = r"^Bookings can be changed or cancelled up to 24 hours before; please call us\.$"
    with pytest.raises(services.BookingError, match=window):
        services.cancel_appointment(soon, now=half_a_day_before, acting_user=soon.user)
    with pytest.raises(services.BookingError, match=window):
        services.reschedule_appointment(
            soon, at(MONDAY, "11:00"), now=half_a_day_before, acting_user=soon.user
        )
    assert Appointment.objects.get(pk=soon.pk).status == "booked"

    by_staff = services.cancel_appointment(
        soon, reason="Stylist ill", now=half_a_day_before, acting_user=staff
    )
    by_customer = services.cancel_appointment(
        later, now=at(MONDAY, "14:00") - dt.timedelta(hours=24), acting_user=later.user
    )
    assert [(a.status, a.cancelled_by_staff) for a in (by_staff, by_customer)] == [
        ("cancelled", True),
        ("cancelled", False),
    ]
    assert sorted(
        OutboxEvent.objects.filter(kind="appointment.cancelled").values_list("data__reason", "data__by_staff")
    ) == [("", False), ("Stylist ill", True)]
    with pytest.raises(services.BookingError, match=r"^This booking is Cancelled\.$"):
        services.cancel_appointment(soon, now=A_WEEK_BEFORE, acting_user=staff)
    assert book(cut, at(MONDAY, "10:00")).status == "booked"  # the time is free for someone else


def test_a_reminder_goes_out_once_per_booking(tenant):
    cut = BookableServiceFactory()
    monday, tuesday, cancelled = (
        book(cut, at(MONDAY, "10:00")),
        book(cut, at(MONDAY + dt.timedelta(days=1), "10:00")),
        book(cut, at(MONDAY, "15:00")),
    )
    services.cancel_appointment(cancelled, now=A_WEEK_BEFORE, acting_user=cancelled.user)
    sunday_noon = at(MONDAY - dt.timedelta(days=1), "12:00")
    assert services.remind_upcoming_appointments(now=sunday_noon) == 1
    assert services.remind_upcoming_appointments(now=sunday_noon + dt.timedelta(hours=1)) == 0
    assert services.remind_upcoming_appointments(now=sunday_noon + dt.timedelta(days=1)) == 1
    assert services.remind_upcoming_appointments(now=sunday_noon + dt.timedelta(days=1, hours=1)) == 0
    assert sorted(
        OutboxEvent.objects.filter(kind="appointment.reminder").values_list("subject_id", flat=True)
    ) == [
        monday.pk,
        tuesday.pk,
    ]
    # Moved by staff to later that day: it is a new time, so it is reminded of again.
    staff = UserFactory(is_staff=True)
    services.reschedule_appointment(
        tuesday,
        at(MONDAY + dt.timedelta(days=1), "11:00"),
        now=sunday_noon + dt.timedelta(days=1),
        acting_user=staff,
    )
    assert services.remind_upcoming_appointments(now=sunday_noon + dt.timedelta(days=1, hours=2)) == 1
    assert OutboxEvent.objects.filter(kind="appointment.reminder", subject_id=tuesday.pk).count() == 2


# --- After the visit ---------------------------------------------------------------------------


def test_only_the_booker_evaluates_a_completed_visit_once(tenant):
    staff = UserFactory(is_staff=True)
    cut = BookableServiceFactory()  # rated on "Skill, Friendliness"
    visit = book(cut, at(MONDAY, "10:00"))
    customer = visit.user
    with pytest.raises(services.BookingError, match=r"^You can evaluate a visit after it has taken place\.$"):
        services.evaluate_appointment(visit, 5, acting_user=customer)
    with pytest.raises(services.BookingError, match=r"^The visit has not started yet\.$"):
        services.mark_appointment(visit, "completed", now=at(MONDAY, "09:59"), acting_user=staff)
    visit = services.mark_appointment(visit, "completed", now=at(MONDAY, "11:00"), acting_user=staff)
    assert (visit.status, visit.marked_at) == ("completed", at(MONDAY, "11:00"))

    for someone in (staff, UserFactory(), None):
        with pytest.raises(
            services.BookingError, match=r"^Only the customer who came can evaluate this visit\.$"
        ):
            services.evaluate_appointment(visit, 5, acting_user=someone)
    refusals = [
        ({"stars": 0}, "Choose from 1 to 5 stars."),
        ({"stars": 5, "aspects": {"Price": 5}}, "“Price” is not something this service is rated on."),
        ({"stars": 5, "aspects": {"Skill": 6}}, "Rate “Skill” from 1 to 5 stars."),
    ]
    for arguments, message in refusals:
        with pytest.raises(services.BookingError) as refusal:
            services.evaluate_appointment(visit, acting_user=customer, **arguments)
        assert str(refusal.value) == message
    evaluation = services.evaluate_appointment(
        visit, 4, aspects={"Skill": 5, "Friendliness": 4}, comment=" Great cut ", acting_user=customer
    )
    assert (evaluation.stars, evaluation.aspects, evaluation.comment) == (
        4,
        {"Skill": 5, "Friendliness": 4},
        "Great cut",
    )
    with pytest.raises(services.BookingError, match=r"^You have already evaluated this visit\. Thank you!$"):
        services.evaluate_appointment(visit, 1, acting_user=customer)
    assert list(Evaluation.objects.values_list("appointment_id", "stars")) == [(visit.pk, 4)]

    no_show = services.mark_appointment(
        book(cut, at(MONDAY, "14:00")), "no_show", now=at(MONDAY, "15:00"), acting_user=staff
    )
    with pytest.raises(services.BookingError, match=r"^You can evaluate a visit after it has taken place\.$"):
        services.evaluate_appointment(no_show, 5, acting_user=no_show.user)
