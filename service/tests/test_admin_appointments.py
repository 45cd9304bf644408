"""Appointments in the brand admin, as staff use them: the calendar on the location's clock (across
a daylight-saving change), with a fixed number of queries; an appointment's actions (completed,
no-show, cancel inside the customer's window, move to a free slot and not onto a taken one); the
appointments list's filters; a location made with its hours and closed days; the evaluations
report's figures."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import OutboxEvent
from service import services
from service.models import Appointment, ClosedDay, Location, OpeningHours, Provider
from service.tests.factories import BookableServiceFactory, LocationFactory, ProviderFactory
from tests.staff import EDITOR_PASSWORD, answer

HOST = "svcadmin.localhost"
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.UTC
# Booked a while before: slots are offered from `now` on, up to 30 days ahead.
BOOKED_ON = dt.datetime(2026, 10, 20, 12, tzinfo=UTC)
CALENDAR = "/admin/service/calendar/"
# Queries of a calendar page, whatever the number of appointments: the session and user, the
# permission checks, the admin's own (locale, menu, profile), then locations, providers,
# appointments, opening hours and closed days.
CALENDAR_QUERIES = 13


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("svcadmin", default_language="en").tenant  # the brand is in Asia/Shanghai
    with in_tenant(tenant):
        get_user_model().objects.create_superuser("boss", "boss@svc.example", EDITOR_PASSWORD)
        # A store in New York, open 06:00 to midnight every day: the brand's own zone is Shanghai,
        # so a time read in the wrong zone shows.
        store = LocationFactory(
            name="Fifth Avenue", time_zone="America/New_York", hours=every_day("06:00", "23:59")
        )
        ana, ben = ProviderFactory(name="Ana", location=store), ProviderFactory(name="Ben", location=store)
        fitting = BookableServiceFactory(name="Bike fitting", providers=[ana, ben])
    return tenant, store, ana, ben, fitting


def every_day(opens, closes):
    return [(day, opens, closes) for day in range(7)]


def staff() -> Client:
    client = Client()
    response = client.post("/admin/login/", {"username": "boss", "password": EDITOR_PASSWORD}, HTTP_HOST=HOST)
    assert answer(response) == (302, "/admin/")
    return client


def customer(username: str):
    return get_user_model().objects.create_user(username, f"{username}@example.com", f"{username}-pass-1")


def book(service, provider, local: dt.datetime, username: str, *, now=BOOKED_ON) -> Appointment:
    user = get_user_model().objects.filter(username=username).first() or customer(username)
    return services.book_appointment(
        service,
        local.astimezone(UTC),
        user=user,
        provider_id=provider.pk,
        name=username.title(),
        now=now,
        acting_user=user,
    )


def new_york(year, month, day, hour, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def shown_messages(response) -> list[str]:
    return [str(message).strip() for message in response.wsgi_request._messages]


def calendar_entries(response) -> dict[int, tuple]:
    """{appointment pk: (row's hour, column key, start as shown, start with its offset)}."""
    columns = response.context["columns"]
    found = {}
    for row in response.context["rows"]:
        for column, cell in zip(columns, row["cells"], strict=True):
            for entry in cell:
                found[entry.appointment.pk] = (row["label"], column.key, entry.starts, entry.starts_iso)
    return found


# --- The calendar ---------------------------------------------------------------------------------


def test_the_day_shows_exactly_that_days_appointments_on_the_locations_clock(brand, in_tenant):
    """2026-11-01 in New York is 25 hours long (EDT until 02:00, EST after): 09:00 that day is
    14:00 UTC, and 22:00 is 03:00 UTC the next day. The evening before (22:00 EDT, 02:00 UTC on
    November 1st) and the next morning belong to other days."""
    tenant, store, ana, ben, fitting = brand
    with in_tenant(tenant):
        evening_before = book(fitting, ana, new_york(2026, 10, 31, 22), "olga")
        ana_morning = book(fitting, ana, new_york(2026, 11, 1, 9), "pia")
        ben_morning = book(fitting, ben, new_york(2026, 11, 1, 9), "quinn")
        late = book(fitting, ben, new_york(2026, 11, 1, 22), "rosa")
        dropped = book(fitting, ana, new_york(2026, 11, 1, 11), "sam")
        services.cancel_appointment(dropped, acting_user=dropped.user, now=BOOKED_ON)
        next_morning = book(fitting, ana, new_york(2026, 11, 2, 6), "tom")
        assert late.starts_at == dt.datetime(2026, 11, 2, 3, tzinfo=UTC)
        assert evening_before.starts_at == dt.datetime(2026, 11, 1, 2, tzinfo=UTC)

    response = staff().get(CALENDAR, {"location": store.pk, "date": "2026-11-01"}, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert calendar_entries(response) == {
        ana_morning.pk: ("09:00", ana.pk, "09:00", "2026-11-01T09:00:00-05:00"),
        ben_morning.pk: ("09:00", ben.pk, "09:00", "2026-11-01T09:00:00-05:00"),
        dropped.pk: ("11:00", ana.pk, "11:00", "2026-11-01T11:00:00-05:00"),
        late.pk: ("22:00", ben.pk, "22:00", "2026-11-01T22:00:00-05:00"),
    }
    assert [column.label for column in response.context["columns"]] == ["Ana", "Ben"]
    page = response.content.decode()
    assert f'data-appointment="{evening_before.pk}"' not in page
    assert f'data-appointment="{next_morning.pk}"' not in page
    assert "<strong data-customer>Pia</strong>" in page
    assert "<span data-service>Bike fitting</span>" in page
    assert '<span class="staff-calendar__status" data-status="cancelled">Cancelled</span>' in page
    assert "The clocks change on this day" in page
    assert "Open 06:00–23:59" in page
    assert "America/New_York" in page
    # Rows of an hour from opening (06:00) to the last hour before closing.
    assert [row["label"] for row in response.context["rows"]] == [f"{hour:02d}:00" for hour in range(6, 24)]

    detail = staff().get(f"/admin/service/appointments/{late.pk}/", HTTP_HOST=HOST).content.decode()
    assert '<dd data-field="when">Sun, Nov. 1, 2026, 22:00–23:00</dd>' in detail

    # Navigation keeps the location.
    assert response.context["previous_url"] == f"{CALENDAR}?date=2026-10-31&location={store.pk}"
    assert response.context["next_url"] == f"{CALENDAR}?date=2026-11-02&location={store.pk}"
    assert response.context["week_url"] == f"{CALENDAR}week/?date=2026-11-01&location={store.pk}"

    # One provider's day: only Ben's column.
    bens = staff().get(
        CALENDAR, {"location": store.pk, "date": "2026-11-01", "provider": ben.pk}, HTTP_HOST=HOST
    )
    assert set(calendar_entries(bens)) == {ben_morning.pk, late.pk}
    assert [column.label for column in bens.context["columns"]] == ["Ben"]


def test_the_week_has_a_column_per_day_on_the_locations_clock(brand, in_tenant):
    """The week of 2027-03-14 (clocks go forward at 02:00): Monday 8th to Sunday 14th."""
    tenant, store, ana, ben, fitting = brand
    booked_on = dt.datetime(2027, 3, 1, tzinfo=UTC)
    with in_tenant(tenant):
        ClosedDay.objects.create(location=store, date=dt.date(2027, 3, 10), name="Inventory")
        sunday_before = book(fitting, ana, new_york(2027, 3, 7, 22), "uma", now=booked_on)
        monday = book(fitting, ana, new_york(2027, 3, 8, 6), "vic", now=booked_on)
        saturday = book(fitting, ben, new_york(2027, 3, 13, 21), "wen", now=booked_on)
        sunday = book(fitting, ana, new_york(2027, 3, 14, 9), "xia", now=booked_on)
        next_monday = book(fitting, ben, new_york(2027, 3, 15, 6), "yan", now=booked_on)
        assert sunday.starts_at == dt.datetime(2027, 3, 14, 13, tzinfo=UTC)  # EDT from 02:00

    response = staff().get(f"{CALENDAR}week/", {"location": store.pk, "date": "2027-03-12"}, HTTP_HOST=HOST)
    assert response.status_code == 200
    columns = response.context["columns"]
    assert [column.key for column in columns] == [dt.date(2027, 3, day) for day in range(8, 15)]
    assert [column.note for column in columns] == ["06:00–23:59"] * 2 + ["Closed: Inventory"] + [
        "06:00–23:59"
    ] * 4
    assert calendar_entries(response) == {
        monday.pk: ("06:00", dt.date(2027, 3, 8), "06:00", "2027-03-08T06:00:00-05:00"),
        saturday.pk: ("21:00", dt.date(2027, 3, 13), "21:00", "2027-03-13T21:00:00-05:00"),
        sunday.pk: ("09:00", dt.date(2027, 3, 14), "09:00", "2027-03-14T09:00:00-04:00"),
    }
    page = response.content.decode()
    assert f'data-appointment="{sunday_before.pk}"' not in page
    assert f'data-appointment="{next_monday.pk}"' not in page
    assert "<span data-provider>Ben</span>" in page
    assert response.context["previous_url"] == f"{CALENDAR}week/?date=2027-03-05&location={store.pk}"

    closed = staff().get(CALENDAR, {"location": store.pk, "date": "2027-03-10"}, HTTP_HOST=HOST)
    assert closed.context["day_hours"] == "Closed: Inventory"
    assert [row["label"] for row in closed.context["rows"]] == [f"{hour:02d}:00" for hour in range(9, 17)]


def test_the_calendar_costs_the_same_queries_for_2_or_8_appointments(brand, in_tenant):
    tenant, store, ana, ben, fitting = brand
    client = staff()
    url = f"{CALENDAR}?location={store.pk}&date=2026-11-01"

    def queries(path):
        client.get(path, HTTP_HOST=HOST)  # sessions and caches warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, HTTP_HOST=HOST)
        assert response.status_code == 200
        return len(captured), response.context["count"]

    with in_tenant(tenant):
        for hour in (9, 10):
            book(fitting, ana, new_york(2026, 11, 1, hour), f"early{hour}")
    week = url.replace(CALENDAR, f"{CALENDAR}week/")
    assert (queries(url), queries(week)) == ((CALENDAR_QUERIES, 2), (CALENDAR_QUERIES, 2))
    with in_tenant(tenant):
        for hour in (11, 12, 13):
            book(fitting, ana, new_york(2026, 11, 1, hour), f"ana{hour}")
            book(fitting, ben, new_york(2026, 10, 28, hour), f"ben{hour}")
    assert (queries(url), queries(week)) == ((CALENDAR_QUERIES, 5), (CALENDAR_QUERIES, 8))


def test_staff_who_give_the_service_open_their_own_locations_calendar(brand, in_tenant):
    tenant, store, ana, ben, fitting = brand
    with in_tenant(tenant):
        pudong = LocationFactory(name="Pudong")
        ProviderFactory(name="Boss", location=pudong, user=get_user_model().objects.get(username="boss"))
    client = staff()
    assert client.get(CALENDAR, HTTP_HOST=HOST).context["location"] == pudong
    assert client.get(CALENDAR, {"location": store.pk}, HTTP_HOST=HOST).context["location"] == store


def test_without_a_location_the_calendar_says_to_add_one(make_tenant, in_tenant):
    tenant = make_tenant("svcempty", default_language="en").tenant
    with in_tenant(tenant):
        get_user_model().objects.create_superuser("boss", "boss@svc.example", EDITOR_PASSWORD)
    client = Client()
    client.post(
        "/admin/login/", {"username": "boss", "password": EDITOR_PASSWORD}, HTTP_HOST="svcempty.localhost"
    )
    response = client.get(CALENDAR, HTTP_HOST="svcempty.localhost")
    assert response.status_code == 200
    assert 'href="/admin/service/locations/new/"' in response.content.decode()


# --- An appointment's actions --------------------------------------------------------------------


def local_tomorrow(hour: int) -> dt.datetime:
    tomorrow = timezone.now().astimezone(NEW_YORK).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(hour), tzinfo=NEW_YORK)


def local_yesterday(hour: int) -> dt.datetime:
    return local_tomorrow(hour) - dt.timedelta(days=2)


def appointment_events(in_tenant, tenant, appointment) -> list[tuple]:
    with in_tenant(tenant):
        return list(
            OutboxEvent.objects.filter(subject_type="appointment", subject_id=appointment.pk)
            .order_by("pk")
            .values_list("kind", "data")
        )


def test_marking_a_visit_completed_records_the_event_and_a_future_one_is_refused(brand, in_tenant):
    tenant, store, ana, ben, fitting = brand
    with in_tenant(tenant):
        visit = local_yesterday(10)
        came = book(fitting, ana, visit, "ada", now=visit - dt.timedelta(days=1))
        upcoming = book(fitting, ben, local_tomorrow(10), "bo", now=timezone.now())
    client = staff()
    page = client.get(f"/admin/service/appointments/{came.pk}/", HTTP_HOST=HOST).content.decode()
    assert f'action="/admin/service/appointments/{came.pk}/complete/"' in page
    assert f'action="/admin/service/appointments/{came.pk}/no-show/"' in page

    done = client.post(f"/admin/service/appointments/{came.pk}/complete/", HTTP_HOST=HOST, follow=True)
    assert done.redirect_chain == [(f"/admin/service/appointments/{came.pk}/", 302)]
    assert shown_messages(done) == [f"Appointment {came.code} is now “Completed”."]
    with in_tenant(tenant):
        came.refresh_from_db()
        assert came.status == Appointment.Status.COMPLETED
        assert came.marked_at is not None
    kinds = [kind for kind, _data in appointment_events(in_tenant, tenant, came)]
    assert kinds == ["appointment.booked", "appointment.completed"]
    assert "Visit completed" in done.content.decode()  # the history, from the outbox

    # A visit that has not started is not offered, and a forced POST changes nothing.
    page = client.get(f"/admin/service/appointments/{upcoming.pk}/", HTTP_HOST=HOST).content.decode()
    assert f"/admin/service/appointments/{upcoming.pk}/no-show/" not in page
    refused = client.post(f"/admin/service/appointments/{upcoming.pk}/no-show/", HTTP_HOST=HOST, follow=True)
    assert shown_messages(refused) == ["The visit has not started yet."]
    with in_tenant(tenant):
        upcoming.refresh_from_db()
        assert (upcoming.status, upcoming.marked_at) == (Appointment.Status.BOOKED, None)
    assert [kind for kind, _data in appointment_events(in_tenant, tenant, upcoming)] == ["appointment.booked"]


def test_staff_cancel_inside_the_customers_window(brand, in_tenant):
    """The customer may cancel up to 48 hours before; staff may cancel at any time."""
    tenant, store, ana, ben, fitting = brand
    with in_tenant(tenant):
        fitting.cancellation_hours = 48
        fitting.save()
        appointment = book(fitting, ana, local_tomorrow(10), "cy", now=timezone.now())
        with pytest.raises(services.BookingError):
            services.cancel_appointment(appointment, acting_user=appointment.user)
    done = staff().post(
        f"/admin/service/appointments/{appointment.pk}/cancel/",
        {"reason": "Ana is ill"},
        HTTP_HOST=HOST,
        follow=True,
    )
    assert shown_messages(done) == [f"Appointment {appointment.code} is now “Cancelled”."]
    with in_tenant(tenant):
        appointment.refresh_from_db()
        assert (appointment.status, appointment.cancelled_by_staff) == (Appointment.Status.CANCELLED, True)
    kind, data = appointment_events(in_tenant, tenant, appointment)[-1]
    assert (kind, data["reason"], data["by_staff"]) == ("appointment.cancelled", "Ana is ill", True)
    page = done.content.decode()
    assert "by staff: Ana is ill" in page
    assert 'data-appointment-action="cancel"' not in page  # nothing more to do


def test_moving_onto_a_taken_slot_is_refused_and_onto_a_free_one_works(brand, in_tenant):
    tenant, store, ana, ben, fitting = brand
    with in_tenant(tenant):
        mine = book(fitting, ana, local_tomorrow(10), "dee", now=timezone.now())
        taken = book(fitting, ana, local_tomorrow(11), "eve", now=timezone.now())
        before = Appointment.objects.values_list("pk", "provider_id", "starts_at", "ends_at", "status")
        before = sorted(before)
    client = staff()
    move = f"/admin/service/appointments/{mine.pk}/move/"
    day = local_tomorrow(0).date().isoformat()
    picker = client.get(move, {"day": day}, HTTP_HOST=HOST)
    slots = {slot["key"]: slot for slot in picker.context["slots"]}
    ana_at = {slot["time"] for slot in slots.values() if slot["provider"] == "Ana"}
    assert "10:00–11:00" in ana_at  # its own time is free for it
    assert "11:00–12:00" not in ana_at  # Eve's
    assert [slot["current"] for slot in slots.values()].count(True) == 1

    taken_key = services.Slot(taken.starts_at, taken.ends_at, ana.pk, store.pk).key
    refused = client.post(move, {"slot": taken_key, "day": day}, HTTP_HOST=HOST, follow=True)
    assert refused.redirect_chain == [(f"{move}?day={day}", 302)]
    assert shown_messages(refused) == ["That time is not free. Please choose another."]
    with in_tenant(tenant):
        assert (
            sorted(Appointment.objects.values_list("pk", "provider_id", "starts_at", "ends_at", "status"))
            == before
        )
    assert [kind for kind, _data in appointment_events(in_tenant, tenant, mine)] == ["appointment.booked"]

    free = local_tomorrow(14).astimezone(UTC)
    moved = client.post(
        move, {"slot": f"{free.isoformat()}|{ben.pk}", "day": day}, HTTP_HOST=HOST, follow=True
    )
    assert moved.redirect_chain == [(f"/admin/service/appointments/{mine.pk}/", 302)]
    with in_tenant(tenant):
        mine.refresh_from_db()
        assert (mine.provider_id, mine.starts_at, mine.status) == (ben.pk, free, Appointment.Status.BOOKED)
    assert [kind for kind, _data in appointment_events(in_tenant, tenant, mine)] == [
        "appointment.booked",
        "appointment.rescheduled",
    ]
    assert shown_messages(moved)[0].startswith(f"Appointment {mine.code} moved to ")

    garbled = client.post(move, {"slot": "tomorrow|x", "day": day}, HTTP_HOST=HOST, follow=True)
    assert shown_messages(garbled) == ["Choose a free time."]


# --- Lists and forms ------------------------------------------------------------------------------


def test_the_appointments_list_filters_by_local_date_location_provider_and_status(brand, in_tenant):
    tenant, store, ana, ben, fitting = brand
    with in_tenant(tenant):
        elsewhere = LocationFactory(name="Pudong")  # Asia/Shanghai
        carl = ProviderFactory(name="Carl", location=elsewhere)
        fitting.providers.add(carl)
        fitting.save()  # a ParentalManyToManyField is written on save
        late = book(fitting, ana, new_york(2026, 11, 1, 22), "fay")  # 03:00 UTC on the 2nd
        morning = book(fitting, ben, new_york(2026, 11, 1, 9), "gus")
        other_day = book(fitting, ana, new_york(2026, 11, 2, 9), "hal")
        shanghai = book(
            fitting, carl, dt.datetime(2026, 11, 1, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), "ivy"
        )
        services.cancel_appointment(morning, acting_user=morning.user, now=BOOKED_ON)
    client = staff()

    def listed(**filters):
        response = client.get("/admin/service/appointments/", filters, HTTP_HOST=HOST)
        assert response.status_code == 200
        return {row.pk for row in response.context["object_list"]}

    assert listed() == {late.pk, morning.pk, other_day.pk, shanghai.pk}
    nov_1 = {"starts_from": "2026-11-01", "starts_to": "2026-11-01"}
    assert listed(location=store.pk, **nov_1) == {late.pk, morning.pk}  # New York's November 1st
    assert listed(location=elsewhere.pk, **nov_1) == {shanghai.pk}
    assert listed(provider=ana.pk) == {late.pk, other_day.pk}
    assert listed(status="cancelled") == {morning.pk}
    assert listed(q=late.code) == {late.pk}
    page = client.get("/admin/service/appointments/", HTTP_HOST=HOST).content.decode()
    assert f'href="/admin/service/appointments/{late.pk}/"' in page


def formset(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-id": "", f"{prefix}-{index}-ORDER": str(index + 1)})
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def test_a_location_is_made_with_its_opening_hours_and_closed_days(brand, in_tenant):
    tenant, *_rows = brand
    data = {
        "name": "Harbour store",
        "address": "1 Quay Road",
        "phone": "",
        "time_zone": "Asia/Hong_Kong",
        "is_active": "on",
        **formset(
            "opening_hours",
            [
                {"weekday": "0", "opens": "09:00", "closes": "12:30"},
                {"weekday": "0", "opens": "14:00", "closes": "18:00"},
            ],
        ),
        **formset("closed_days", [{"date": "2027-02-06", "name": "Spring Festival"}]),
    }
    response = staff().post("/admin/service/locations/new/", data, HTTP_HOST=HOST)
    assert answer(response) == (302, "/admin/service/locations/")
    with in_tenant(tenant):
        harbour = Location.objects.get(name="Harbour store")
        assert (harbour.address, harbour.time_zone) == ("1 Quay Road", "Asia/Hong_Kong")
        assert list(
            OpeningHours.objects.filter(location=harbour).values_list("weekday", "opens", "closes")
        ) == [
            (0, dt.time(9), dt.time(12, 30)),
            (0, dt.time(14), dt.time(18)),
        ]
        assert list(ClosedDay.objects.filter(location=harbour).values_list("date", "name")) == [
            (dt.date(2027, 2, 6), "Spring Festival")
        ]

    bad = {**data, "name": "Nowhere", "time_zone": "Mars/Olympus", **formset("closed_days", [])}
    refused = staff().post("/admin/service/locations/new/", bad, HTTP_HOST=HOST)
    assert refused.status_code == 200
    assert "“Mars/Olympus” is not a time zone." in refused.content.decode()
    with in_tenant(tenant):
        assert not Location.objects.filter(name="Nowhere").exists()


def test_a_provider_with_appointments_is_kept(brand, in_tenant):
    tenant, store, ana, ben, fitting = brand
    with in_tenant(tenant):
        book(fitting, ana, new_york(2026, 11, 1, 9), "jo")
    done = staff().post(f"/admin/service/providers/delete/{ana.pk}/", HTTP_HOST=HOST, follow=True)
    assert shown_messages(done) == [
        "“Ana · Fifth Avenue” has appointments, so it is kept: untick “taking bookings” instead."
    ]
    with in_tenant(tenant):
        assert Provider.objects.filter(pk=ana.pk).exists()


def test_a_providers_account_is_chosen_among_staff_only(brand, in_tenant):
    tenant, *_rows = brand
    with in_tenant(tenant):
        customer("kim")
    form = staff().get("/admin/service/providers/new/", HTTP_HOST=HOST).context["form"]
    # The brand's first admin (provisioning) and boss; never the customer.
    assert [user.username for user in form.fields["user"].queryset] == ["admin@svcadmin.example", "boss"]


# --- Evaluations report ---------------------------------------------------------------------------


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def evaluated(service, provider, local, username, stars, aspects, comment="", photos=()):
    appointment = book(service, provider, local, username, now=local - dt.timedelta(days=1))
    appointment = services.mark_appointment(
        appointment, Appointment.Status.COMPLETED, acting_user=None, now=local
    )
    return services.evaluate_appointment(
        appointment, stars, aspects=aspects, comment=comment, photos=photos, acting_user=appointment.user
    )


def test_the_evaluations_report_gives_exact_figures(brand, in_tenant):
    tenant, store, ana, ben, fitting = brand
    with in_tenant(tenant):
        wash = BookableServiceFactory(name="Bike wash", providers=[ben], evaluation_aspects="Speed")
        day = new_york(2026, 11, 3, 9)
        evaluated(fitting, ana, day, "la", 5, {"Skill": 5, "Friendliness": 4})
        evaluated(fitting, ana, day + dt.timedelta(hours=1), "mo", 4, {"Skill": 3, "Friendliness": 4})
        evaluated(fitting, ben, day, "ned", 4, {"Skill": 3})
        photo = SimpleUploadedFile("chain.png", PNG, content_type="image/png")
        last = evaluated(
            wash, ben, day + dt.timedelta(hours=2), "ola", 2, {}, comment="Still muddy", photos=[photo]
        )
        attachment = last.photos.get()

    response = staff().get("/admin/service/evaluations/", HTTP_HOST=HOST)
    assert response.status_code == 200
    context = response.context
    assert context["overall"] == {
        "count": 4,
        "average": Decimal("3.75"),
        "stars": [(5, 1), (4, 2), (3, 0), (2, 1), (1, 0)],
    }
    assert context["by_service"] == [
        {"service": "Bike fitting", "count": 3, "average": Decimal("4.33")},
        {"service": "Bike wash", "count": 1, "average": Decimal("2.00")},
    ]
    assert context["by_provider"] == [
        {"provider": "Ana", "location": "Fifth Avenue", "count": 2, "average": Decimal("4.50")},
        {"provider": "Ben", "location": "Fifth Avenue", "count": 2, "average": Decimal("3.00")},
    ]
    assert context["by_aspect"] == [
        {"service": "Bike fitting", "aspect": "Friendliness", "count": 2, "average": Decimal("4.00")},
        {"service": "Bike fitting", "aspect": "Skill", "count": 3, "average": Decimal("3.67")},
    ]
    assert [row["evaluation"].pk for row in context["recent"]][0] == last.pk
    page = response.content.decode()
    assert "Still muddy" in page
    assert f'href="/service/files/{attachment.pk}/"' in page

    assert_queries_do_not_grow_with_evaluations(tenant, in_tenant, fitting, ana)

    only_wash = staff().get("/admin/service/evaluations/", {"service": wash.pk}, HTTP_HOST=HOST).context
    assert only_wash["overall"]["count"] == 1
    assert only_wash["by_aspect"] == []
    later = staff().get("/admin/service/evaluations/", {"start": "2030-01-01"}, HTTP_HOST=HOST).context
    assert (later["overall"]["count"], later["overall"]["average"], later["recent"]) == (0, None, [])


def assert_queries_do_not_grow_with_evaluations(tenant, in_tenant, fitting, ana):
    client = staff()

    def queries():
        client.get("/admin/service/evaluations/", HTTP_HOST=HOST)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/admin/service/evaluations/", HTTP_HOST=HOST)
        return len(captured), response.context["overall"]["count"]

    few, count = queries()
    with in_tenant(tenant):
        for hour in (9, 10, 11):
            photo = SimpleUploadedFile(f"wheel{hour}.png", PNG, content_type="image/png")
            evaluated(
                fitting, ana, new_york(2026, 11, 5, hour), f"more{hour}", 3, {"Skill": 3}, photos=[photo]
            )
    assert queries() == (few, count + 3)
