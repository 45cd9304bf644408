"""Events in the brand admin, as staff use it: events made and edited with their sessions and
questions, seats never cut below those taken, the check-in desk, attendance and its CSV,
cancelling an event, and a campaign's draws replayed."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.models import OutboxEvent
from events import admin as events_admin
from events import services
from events.models import Event, EventQuestion, EventSession, Prize, Registration
from events.tests.factories import CampaignFactory, EventFactory
from members import services as loyalty
from members.models import LedgerSource, Member
from members.tests.factories import MemberLevelFactory, MemberRowFactory
from tests.staff import EDITOR_PASSWORD, answer
from tests.staff import log_in as log_in_on

HOST = "evadmin.localhost"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")  # the tenant's time zone (provision_tenant's default)
UTC = dt.UTC


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("evadmin", default_language="en").tenant
    with in_tenant(tenant):
        get_user_model().objects.create_superuser("boss", "boss@evadmin.example", EDITOR_PASSWORD)
        gold = MemberLevelFactory(name="Gold", threshold_points=0)
    return tenant, gold


def log_in():
    return log_in_on(HOST, "boss")


def member(email, level, points=0):
    found = MemberRowFactory(user__username=email.split("@")[0], user__email=email, level=level)
    if points:
        loyalty.add_points(found, points, reason="Welcome", source=LedgerSource.MANUAL, idempotency_key="w")
    return found


def formset(prefix, rows, *, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-id": "", f"{prefix}-{index}-ORDER": str(index + 1)})
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def event_form(sessions, questions=(), *, initial_sessions=0, initial_questions=0, **fields):
    return {
        "title": "Latte art workshop",
        "slug": "latte-art",
        "summary": "Pour a heart.",
        "image": "",
        "description-count": "0",
        "kind": "offline",
        "venue": "Jing'an store",
        "address": "",
        "map_url": "",
        "online_url": "",
        "audience": "everyone",
        "signup_opens": "",
        "signup_closes": "",
        "price_cents": "",
        "points_price": "",
        "waitlist": "on",
        "checkin_points": "10",
        "is_published": "on",
        **formset("sessions", sessions, initial=initial_sessions),
        **formset("questions", questions, initial=initial_questions),
        **fields,
    }


def session_row(session, **changes):
    """An existing session as its edit form posts it, with `changes`."""
    return {
        "id": str(session.pk),
        "title": session.title,
        "starts_at": timezone.localtime(session.starts_at, SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "ends_at": timezone.localtime(session.ends_at, SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "capacity": str(session.capacity),
        **changes,
    }


def edit_form(event, sessions, **fields):
    return event_form(
        sessions,
        initial_sessions=len(sessions),
        title=event.title,
        slug=event.slug,
        summary=event.summary,
        venue=event.venue,
        checkin_points=str(event.checkin_points),
        **fields,
    )


# --- Events and their sessions ------------------------------------------------------------------


def test_an_event_with_two_sessions_and_a_question_is_made_through_the_admin_form(brand, in_tenant):
    tenant, _gold = brand
    client = log_in()
    data = event_form(
        [
            {
                "title": "Morning",
                "starts_at": "2030-05-01 10:00",
                "ends_at": "2030-05-01 12:00",
                "capacity": "12",
            },
            {"title": "", "starts_at": "2030-05-02 14:00", "ends_at": "2030-05-02 16:30", "capacity": "8"},
        ],
        [{"label": "Dietary needs?", "choices": "None, Vegetarian", "required": "on"}],
    )
    response = client.post("/admin/events/new/", data, HTTP_HOST=HOST)
    assert answer(response) == (302, "/admin/events/")
    with in_tenant(tenant):
        event = Event.objects.get()
        assert (event.title, event.slug, event.venue, event.checkin_points, event.is_published) == (
            "Latte art workshop",
            "latte-art",
            "Jing'an store",
            10,
            True,
        )
        # Times are typed in the brand's time zone (Asia/Shanghai, UTC+8).
        assert list(
            event.sessions.order_by("sort_order").values_list(
                "title", "starts_at", "ends_at", "capacity", "registered"
            )
        ) == [
            (
                "Morning",
                dt.datetime(2030, 5, 1, 2, 0, tzinfo=UTC),
                dt.datetime(2030, 5, 1, 4, 0, tzinfo=UTC),
                12,
                0,
            ),
            ("", dt.datetime(2030, 5, 2, 6, 0, tzinfo=UTC), dt.datetime(2030, 5, 2, 8, 30, tzinfo=UTC), 8, 0),
        ]
        assert list(event.questions.values_list("label", "choices", "required")) == [
            ("Dietary needs?", "None, Vegetarian", True)
        ]

    edit = client.get(f"/admin/events/edit/{event.pk}/", HTTP_HOST=HOST)
    assert edit.status_code == 200
    page = edit.content.decode()
    assert 'value="2030-05-01 10:00"' in page  # shown again in the brand's time zone
    assert f"/admin/events/{event.pk}/attendance/" in page
    assert f"/admin/events/{event.pk}/desk/" in page

    listing = client.get("/admin/events/", HTTP_HOST=HOST)
    assert [(row.title, row.seats_taken, row.seats_total) for row in listing.context["object_list"]] == [
        ("Latte art workshop", 0, 20)
    ]
    assert "0 / 20" in listing.content.decode()


def test_an_event_without_a_venue_is_refused_on_the_field(brand, in_tenant):
    tenant, _gold = brand
    client = log_in()
    data = event_form(
        [{"title": "", "starts_at": "2030-05-01 10:00", "ends_at": "2030-05-01 09:00", "capacity": "5"}],
        venue="",
    )
    response = client.post("/admin/events/new/", data, HTTP_HOST=HOST)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"venue": ["Say where the event takes place."]}
    assert form.formsets["sessions"].forms[0].errors == {"ends_at": ["The session must end after it starts."]}
    with in_tenant(tenant):
        assert Event.objects.count() == 0


@pytest.fixture
def signed_up(brand, in_tenant):
    """An event with one session of 3 seats, 2 of them taken."""
    tenant, gold = brand
    with in_tenant(tenant):
        start = dt.datetime(2030, 5, 1, 6, 0, tzinfo=UTC)
        event = EventFactory(
            title="Latte art workshop",
            sessions=[
                {
                    "title": "Afternoon",
                    "starts_at": start,
                    "ends_at": start + dt.timedelta(hours=2),
                    "capacity": 3,
                }
            ],
        )
        session = event.sessions.get()
        for email in ("mei@example.com", "lin@example.com"):
            services.sign_up(member(email, gold), session)
    return tenant, gold, event, session


def seats(in_tenant, tenant, session):
    with in_tenant(tenant):
        return EventSession.objects.filter(pk=session.pk).values_list("capacity", "registered").get()


def test_seats_below_those_taken_are_refused_on_the_field(signed_up, in_tenant):
    tenant, _gold, event, session = signed_up
    client = log_in()
    url = f"/admin/events/edit/{event.pk}/"
    response = client.post(url, edit_form(event, [session_row(session, capacity="1")]), HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response.context["form"].formsets["sessions"].forms[0].errors == {
        "capacity": ["2 people have a seat at this session: it needs at least 2 seats."]
    }
    assert seats(in_tenant, tenant, session) == (3, 2)

    response = client.post(url, edit_form(event, [session_row(session, capacity="2")]), HTTP_HOST=HOST)
    assert answer(response) == (302, "/admin/events/")
    assert seats(in_tenant, tenant, session) == (2, 2)


def test_an_edit_keeps_the_sign_ups_made_while_it_was_saved(signed_up, in_tenant, monkeypatch):
    """The session is read when the request begins; a sign-up before the save must not be undone by
    the save writing back the seats taken it read (a lost update)."""
    tenant, gold, event, session = signed_up
    with in_tenant(tenant):
        late = member("zhou@example.com", gold)
    keep = events_admin.keep_seats_taken

    def sign_up_meanwhile(form):
        services.sign_up(late, session)
        keep(form)

    monkeypatch.setattr(events_admin, "keep_seats_taken", sign_up_meanwhile)
    client = log_in()
    data = edit_form(event, [session_row(session, title="Afternoon tea")])
    response = client.post(f"/admin/events/edit/{event.pk}/", data, HTTP_HOST=HOST)
    assert answer(response) == (302, "/admin/events/")
    with in_tenant(tenant):
        saved = EventSession.objects.get(pk=session.pk)
        assert (saved.title, saved.capacity, saved.registered) == ("Afternoon tea", 3, 3)
        assert Registration.objects.filter(session=session, status="registered").count() == 3

    # Seats typed when 2 were taken, but a third was taken before the save: refused under the lock,
    # on the field, and nothing is saved (the late sign-up was in the refused transaction too).
    with in_tenant(tenant):
        services.cancel_registration(Registration.objects.get(member=late), acting_user=None)
        late = member("wu@example.com", gold)
    data = edit_form(event, [session_row(session, title="Afternoon", capacity="2")])
    response = client.post(f"/admin/events/edit/{event.pk}/", data, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response.context["form"].formsets["sessions"].forms[0].errors == {
        "capacity": ["3 people have a seat at this session: it needs at least 3 seats."]
    }
    with in_tenant(tenant):
        assert EventSession.objects.filter(pk=session.pk).values_list(
            "title", "capacity", "registered"
        ).get() == (
            "Afternoon tea",
            3,
            2,
        )
        assert Registration.objects.filter(member=late).count() == 0


def test_a_session_with_sign_ups_cannot_be_removed(signed_up, in_tenant):
    tenant, _gold, event, session = signed_up
    client = log_in()
    new = {
        "title": "Evening",
        "starts_at": "2030-05-03 18:00",
        "ends_at": "2030-05-03 20:00",
        "capacity": "5",
    }
    data = edit_form(event, [session_row(session, DELETE="on"), new])
    response = client.post(f"/admin/events/edit/{event.pk}/", data, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "People signed up for the session Afternoon · 05/01/2030 2 p.m. (even if they cancelled since), "
        "so it stays: change its date and tell the attendees, or cancel the event."
    ]
    assert "(even if they cancelled since), so it stays" in response.content.decode()  # shown to staff
    with in_tenant(tenant):
        assert list(event.sessions.values_list("pk", "registered")) == [(session.pk, 2)]


# --- The check-in desk --------------------------------------------------------------------------


def desk_state(in_tenant, tenant):
    with in_tenant(tenant):
        return (
            sorted(Registration.objects.values_list("ticket_code", "checked_in_at")),
            dict(Member.objects.values_list("user__email", "points")),
            OutboxEvent.objects.filter(kind="event.checked_in").count(),
        )


@pytest.fixture
def desk(signed_up, in_tenant):
    """The workshop (10 points for attending) and another event of the same brand with a ticket."""
    tenant, gold, event, session = signed_up
    with in_tenant(tenant):
        Event.objects.filter(pk=event.pk).update(checkin_points=10)
        mei = Registration.objects.get(member__user__email="mei@example.com")
        other = EventFactory(title="Tea tasting")
        stranger = services.sign_up(member("fang@example.com", gold), other.sessions.get())
    return tenant, event, mei, stranger


def test_the_desk_checks_a_ticket_in_once_and_says_who_it_is(desk, in_tenant):
    tenant, event, mei, _stranger = desk
    client = log_in()
    url = f"/admin/events/{event.pk}/desk/"
    page = client.get(url, HTTP_HOST=HOST)
    assert page.status_code == 200
    assert page.context["counts"] == {"signed_up": 2, "checked_in": 0}
    assert 'name="code"' in page.content.decode()
    assert "events/desk.js" in page.content.decode()

    scanned = client.post(url, {"code": mei.ticket_code.lower()}, HTTP_HOST=HOST)
    assert scanned.status_code == 200
    assert scanned.context["result"] == {
        "ok": True,
        "message": "Checked in.",
        "email": "mei@example.com",
        "level": "Gold",
        "session": "Afternoon · 05/01/2030 2 p.m.",
    }
    assert scanned.context["counts"] == {"signed_up": 2, "checked_in": 1}
    with in_tenant(tenant):
        checked = Registration.objects.select_related("checked_in_by", "member").get(pk=mei.pk)
        assert checked.checked_in_by.username == "boss"
        assert checked.member.points == 10  # the event's points for attending
    at = timezone.localtime(checked.checked_in_at, SHANGHAI).strftime("%Y-%m-%d %H:%M")

    before = desk_state(in_tenant, tenant)
    again = client.post(url, {"code": mei.ticket_code}, HTTP_HOST=HOST, HTTP_ACCEPT="application/json")
    assert again.json() == {
        "ok": False,
        "message": f"Already checked in at {at}.",
        "counts": {"signed_up": 2, "checked_in": 1},
    }
    assert desk_state(in_tenant, tenant) == before


def test_the_desk_refuses_another_events_ticket_and_changes_nothing(desk, in_tenant):
    tenant, event, _mei, stranger = desk
    client = log_in()
    before = desk_state(in_tenant, tenant)
    refused = client.post(f"/admin/events/{event.pk}/desk/", {"code": stranger.ticket_code}, HTTP_HOST=HOST)
    assert refused.context["result"] == {
        "ok": False,
        "message": "This ticket is for “Tea tasting”, not this event.",
    }
    assert "This ticket is for “Tea tasting”, not this event." in refused.content.decode()
    assert refused.context["counts"] == {"signed_up": 2, "checked_in": 0}
    assert desk_state(in_tenant, tenant) == before


def test_the_desk_refuses_another_brands_ticket(desk, in_tenant, make_tenant):
    tenant, event, _mei, _stranger = desk
    other_brand = make_tenant("evadminother", default_language="en").tenant
    with in_tenant(other_brand):
        theirs = services.sign_up(
            member("wu@example.com", MemberLevelFactory(name="Gold", threshold_points=0)),
            EventFactory(title="Bravo tasting").sessions.get(),
        )
    client = log_in()
    before = desk_state(in_tenant, tenant), desk_state(in_tenant, other_brand)
    refused = client.post(f"/admin/events/{event.pk}/desk/", {"code": theirs.ticket_code}, HTTP_HOST=HOST)
    assert refused.context["result"] == {
        "ok": False,
        "message": f"No ticket with the code {theirs.ticket_code}.",
    }
    assert (desk_state(in_tenant, tenant), desk_state(in_tenant, other_brand)) == before


def test_the_desk_reads_a_scanned_link_and_reports_counts_as_json(desk, in_tenant):
    tenant, event, mei, _stranger = desk
    client = log_in()
    link = f"https://{HOST}/account/events/{mei.ticket_code}/"
    scanned = client.post(
        f"/admin/events/{event.pk}/desk/", {"code": link}, HTTP_HOST=HOST, HTTP_ACCEPT="application/json"
    )
    assert scanned.json() == {
        "ok": True,
        "message": "Checked in.",
        "email": "mei@example.com",
        "level": "Gold",
        "session": "Afternoon · 05/01/2030 2 p.m.",
        "counts": {"signed_up": 2, "checked_in": 1},
    }
    counts = client.get(f"/admin/events/{event.pk}/desk/counts/", HTTP_HOST=HOST)
    assert counts.json() == {"signed_up": 2, "checked_in": 1}


# --- Attendance and its CSV ---------------------------------------------------------------------


@pytest.fixture
def attended(brand, in_tenant):
    """Two sessions. Morning (2 seats): mei and lin signed up, zhou waitlisted, mei checked in.
    Evening (5 seats): wu signed up and cancelled, fang signed up. Two questions."""
    tenant, gold = brand
    with in_tenant(tenant):
        morning = dt.datetime(2030, 5, 1, 2, 0, tzinfo=UTC)
        event = EventFactory(
            title="Latte art workshop",
            slug="latte-art",
            sessions=[
                {
                    "title": "Morning",
                    "starts_at": morning,
                    "ends_at": morning + dt.timedelta(hours=2),
                    "capacity": 2,
                },
                {
                    "title": "Evening",
                    "starts_at": morning + dt.timedelta(hours=10),
                    "ends_at": morning + dt.timedelta(hours=12),
                    "capacity": 5,
                },
            ],
        )
        diet = EventQuestion.objects.create(
            event=event, label="Diet", choices="None, Vegetarian", sort_order=0
        )
        badge = EventQuestion.objects.create(event=event, label="Name on badge", sort_order=1)
        first, second = event.sessions.order_by("starts_at")
        places = {}
        for email, session, answers in [
            ("mei@example.com", first, {diet.pk: "Vegetarian", badge.pk: "Mei"}),
            ("=cmd@evil.example", first, {badge.pk: '=HYPERLINK("http://evil.example")'}),
            ("zhou@example.com", first, {}),
            ("wu@example.com", second, {diet.pk: "None"}),
            ("fang@example.com", second, {}),
        ]:
            answers = {str(pk): value for pk, value in answers.items()}
            places[email] = services.sign_up(member(email, gold), session, answers=answers)
        services.cancel_registration(places["wu@example.com"], acting_user=None)
        services.check_in(places["mei@example.com"].ticket_code, event=event, acting_user=None)
        for minutes, email in enumerate(places):
            Registration.objects.filter(pk=places[email].pk).update(
                created_at=dt.datetime(2030, 4, 1, 2, minutes, tzinfo=UTC)
            )
        Registration.objects.filter(pk=places["mei@example.com"].pk).update(
            checked_in_at=dt.datetime(2030, 5, 1, 1, 55, tzinfo=UTC)
        )
    return tenant, event


def test_attendance_counts_each_session_exactly(attended):
    _tenant, event = attended
    client = log_in()
    page = client.get(f"/admin/events/{event.pk}/attendance/", HTTP_HOST=HOST)
    assert page.status_code == 200
    assert [
        (row["label"], row["capacity"], row["signed_up"], row["waitlisted"], row["checked_in"])
        for row in page.context["sessions"]
    ] == [
        ("Morning · 05/01/2030 10 a.m.", 2, 2, 1, 1),
        ("Evening · 05/01/2030 8 p.m.", 5, 1, 0, 0),
    ]
    assert page.context["totals"] == {"capacity": 7, "signed_up": 3, "waitlisted": 1, "checked_in": 1}
    assert [
        (row["email"], row["registration"].status, row["answers"], row["checked_in"])
        for row in page.context["rows"]
    ] == [
        ("mei@example.com", "registered", "Diet: Vegetarian; Name on badge: Mei", "05/01/2030 9:55 a.m."),
        ("=cmd@evil.example", "registered", 'Name on badge: =HYPERLINK("http://evil.example")', ""),
        ("zhou@example.com", "waitlisted", "", ""),
        ("wu@example.com", "cancelled", "Diet: None", ""),
        ("fang@example.com", "registered", "", ""),
    ]
    assert f"/admin/events/{event.pk}/attendance/csv/" in page.content.decode()


def test_the_registrations_csv_has_every_place_and_is_safe_in_a_spreadsheet(attended, in_tenant):
    tenant, event = attended
    with in_tenant(tenant):
        code = dict(Member.objects.values_list("user__email", "code"))
    client = log_in()
    response = client.get(f"/admin/events/{event.pk}/attendance/csv/", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="latte-art-registrations.csv"'
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")  # spreadsheets read the file as UTF-8
    morning, evening = ["Morning", "2030-05-01 10:00"], ["Evening", "2030-05-01 20:00"]
    assert list(csv.reader(io.StringIO(content[1:]))) == [
        ["Session", "Session starts (Asia/Shanghai)", "Member e-mail", "Member code", "Level", "Status"]
        + ["Signed up (Asia/Shanghai)", "Checked in (Asia/Shanghai)", "Points paid", "Diet", "Name on badge"],
        [*morning, "mei@example.com", code["mei@example.com"], "Gold", "Signed up"]
        + ["2030-04-01 10:00", "2030-05-01 09:55", "0", "Vegetarian", "Mei"],
        # A spreadsheet would run these as formulas: they get a leading ' (core.csv).
        [*morning, "'=cmd@evil.example", code["=cmd@evil.example"], "Gold", "Signed up"]
        + ["2030-04-01 10:01", "", "0", "", '\'=HYPERLINK("http://evil.example")'],
        [*morning, "zhou@example.com", code["zhou@example.com"], "Gold", "On the waitlist"]
        + ["2030-04-01 10:02", "", "0", "", ""],
        [*evening, "wu@example.com", code["wu@example.com"], "Gold", "Cancelled"]
        + ["2030-04-01 10:03", "", "0", "None", ""],
        [*evening, "fang@example.com", code["fang@example.com"], "Gold", "Signed up"]
        + ["2030-04-01 10:04", "", "0", "", ""],
    ]


# --- Cancelling and announcing ------------------------------------------------------------------


def test_cancelling_an_event_in_the_admin_cancels_every_place_and_returns_points(brand, in_tenant):
    tenant, gold = brand
    with in_tenant(tenant):
        event = EventFactory(
            title="Latte art workshop", points_price=50, sessions=[{"capacity": 1}, {"capacity": 5}]
        )
        first, second = event.sessions.order_by("sort_order")
        mei, lin, zhou = (member(f"{name}@example.com", gold, points=100) for name in ("mei", "lin", "zhou"))
        services.sign_up(mei, first)
        services.sign_up(lin, first)  # waitlisted: first has one seat
        services.sign_up(zhou, second)
        assert dict(Member.objects.values_list("user__email", "points")) == {
            "mei@example.com": 50,
            "lin@example.com": 50,
            "zhou@example.com": 50,
        }
    client = log_in()
    url = f"/admin/events/{event.pk}/cancel/"
    form = client.get(url, HTTP_HOST=HOST)
    assert form.context["counts"] == {"signed_up": 2, "waitlisted": 1}

    refused = client.post(url, {"reason": "  "}, HTTP_HOST=HOST)
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"reason": ["This field is required."]}
    with in_tenant(tenant):
        assert Event.objects.get(pk=event.pk).cancelled_at is None
        assert Registration.objects.exclude(status="cancelled").count() == 3

    done = client.post(url, {"reason": "The barista is ill."}, HTTP_HOST=HOST)
    assert answer(done) == (302, "/admin/events/")
    with in_tenant(tenant):
        assert Event.objects.get(pk=event.pk).cancelled_at is not None
        assert sorted(Registration.objects.values_list("status", flat=True)) == ["cancelled"] * 3
        assert list(event.sessions.order_by("sort_order").values_list("registered", flat=True)) == [0, 0]
        assert dict(Member.objects.values_list("user__email", "points")) == {
            "mei@example.com": 100,
            "lin@example.com": 100,
            "zhou@example.com": 100,
        }
        told = OutboxEvent.objects.filter(kind="event.cancelled").order_by("pk")
        assert [event.data["reason"] for event in told] == ["The barista is ill."] * 3
    messages = [str(message).strip() for message in done.wsgi_request._messages]
    assert messages == ["“Latte art workshop” is cancelled; 3 people are told and get any points back."]

    again = client.post(url, {"reason": "Twice"}, HTTP_HOST=HOST)
    assert again.context["form"].errors == {"reason": ["This event was already cancelled."]}
    with in_tenant(tenant):
        assert OutboxEvent.objects.filter(kind="event.cancelled").count() == 3


def test_telling_attendees_about_a_change(signed_up, in_tenant):
    tenant, _gold, event, _session = signed_up
    client = log_in()
    url = f"/admin/events/{event.pk}/announce/"
    done = client.post(url, {"what": "The workshop moves to 15:00."}, HTTP_HOST=HOST)
    assert answer(done) == (302, "/admin/events/")
    with in_tenant(tenant):
        told = OutboxEvent.objects.filter(kind="event.changed")
        assert sorted((event.data["what"], event.subject_id) for event in told) == sorted(
            ("The workshop moves to 15:00.", registration.member_id)
            for registration in Registration.objects.all()
        )
        assert told.count() == 2
    assert [str(message).strip() for message in done.wsgi_request._messages] == [
        "2 people signed up for “Latte art workshop” are told."
    ]


def test_the_same_change_form_sent_twice_tells_attendees_once(signed_up, in_tenant):
    tenant, _gold, event, _session = signed_up
    client = log_in()
    url = f"/admin/events/{event.pk}/announce/"
    shown = client.get(url, HTTP_HOST=HOST)
    key = shown.context["form"]["key"].value()
    assert f'name="key" value="{key}"' in shown.content.decode()  # in the page, so a resend carries it
    for _click in range(2):
        client.post(url, {"what": "The workshop moves to 15:00.", "key": key}, HTTP_HOST=HOST)
    client.post(url, {"what": "And ends at 17:00."}, HTTP_HOST=HOST)  # another change: told again
    with in_tenant(tenant):
        told = list(OutboxEvent.objects.filter(kind="event.changed").values_list("data__what", flat=True))
    assert sorted(told) == ["And ends at 17:00."] * 2 + ["The workshop moves to 15:00."] * 2


# --- Campaigns ----------------------------------------------------------------------------------


@pytest.fixture
def drawn(brand, in_tenant):
    """A campaign whose goal (1 friend) gives 3 draws; mei invited lin and drew 3 times."""
    tenant, gold = brand
    with in_tenant(tenant):
        campaign = CampaignFactory(
            title="Bring a friend",
            goals=[{"friends": 1, "points": 0, "draws": 3}],
            prizes=[
                {"name": "Mug", "quantity": 5, "chance": 3},
                {"name": "Tote bag", "quantity": 1, "chance": 1},
            ],
            no_prize_chance=2,
        )
        mei = member("mei@example.com", gold)
        friend = get_user_model().objects.create_user("lin", "lin@example.com")
        services.record_invitation(campaign, mei, friend)
        draws = [services.draw(campaign, mei) for _ in range(3)]
    return tenant, campaign, draws


def test_the_campaign_page_replays_every_draw(drawn, in_tenant):
    tenant, campaign, draws = drawn
    client = log_in()
    url = f"/admin/events/campaigns/{campaign.pk}/report/"
    page = client.get(url, HTTP_HOST=HOST)
    assert page.status_code == 200
    with in_tenant(tenant):
        prizes = dict(Prize.objects.values_list("pk", "name"))
    assert [(row["draw"].pk, row["prize"], row["matches"]) for row in page.context["draw_rows"]] == [
        (draw.pk, prizes.get(draw.prize_id, "No prize"), True) for draw in reversed(draws)
    ]
    # The first draw saw every prize (a later one may not: the one tote bag can be gone).
    assert page.context["draw_rows"][-1]["odds"] == "Mug 3 · Tote bag 1 · No prize 2 (of 6)"
    content = page.content.decode()
    assert content.count("Matches</span>") == 3
    assert "Does not match" not in content
    assert [
        (row["inviter"], row["friend"], row["counted"] != "") for row in page.context["invitation_rows"]
    ] == [("mei@example.com", "l***@example.com", True)]
    assert "lin@example.com" not in content
    assert [(row["member"], row["goal"].friends) for row in page.context["reached_rows"]] == [
        ("mei@example.com", 1)
    ]

    with in_tenant(tenant):  # a seed changed after the draw no longer gives the prize recorded
        forged = draws[0]
        seed = next(
            candidate
            for candidate in (f"{n:032x}" for n in range(1000))
            if services.pick(candidate, forged.odds) != forged.prize_id
        )
        type(forged).objects.filter(pk=forged.pk).update(seed=seed)
    page = client.get(url, HTTP_HOST=HOST)
    assert [row["matches"] for row in page.context["draw_rows"]] == [True, True, False]
    assert page.content.decode().count("Does not match") == 1


def test_a_prize_cannot_go_below_the_draws_it_won(drawn, in_tenant):
    tenant, campaign, _draws = drawn
    with in_tenant(tenant):
        mug = Prize.objects.get(name="Mug")
        Prize.objects.filter(pk=mug.pk).update(given=2)  # set-up: two mugs won
        tote = Prize.objects.get(name="Tote bag")
        goal = campaign.goals.get()
    client = log_in()
    data = {
        "title": campaign.title,
        "slug": campaign.slug,
        "summary": "",
        "image": "",
        "starts_at": timezone.localtime(campaign.starts_at, SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "ends_at": timezone.localtime(campaign.ends_at, SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "no_prize_chance": "2",
        "is_published": "on",
        **formset(
            "goals",
            [{"id": str(goal.pk), "friends": "1", "points": "0", "draws": "3", "coupon": ""}],
            initial=1,
        ),
        **formset(
            "prizes",
            [
                {"id": str(mug.pk), "name": "Mug", "quantity": "1", "chance": "3", "points": "0"},
                {"id": str(tote.pk), "name": "Tote bag", "quantity": "1", "chance": "1", "points": "0"},
            ],
            initial=2,
        ),
    }
    url = f"/admin/events/campaigns/edit/{campaign.pk}/"
    response = client.post(url, data, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response.context["form"].formsets["prizes"].forms[0].errors == {
        "quantity": ["2 of this prize were already won: the quantity cannot be lower."]
    }
    with in_tenant(tenant):
        assert list(Prize.objects.order_by("pk").values_list("name", "quantity", "given")) == [
            ("Mug", 5, 2),
            ("Tote bag", 1, tote.given),
        ]

    data["prizes-0-quantity"] = "2"
    data["prizes-1-name"] = "Canvas tote"
    assert answer(client.post(url, data, HTTP_HOST=HOST)) == (302, "/admin/events/campaigns/")
    with in_tenant(tenant):
        assert list(Prize.objects.order_by("pk").values_list("name", "quantity", "given")) == [
            ("Mug", 2, 2),
            ("Canvas tote", 1, tote.given),
        ]


def test_the_events_list_filters_and_searches(brand, in_tenant):
    tenant, gold = brand
    now = timezone.now()
    with in_tenant(tenant):
        start = dt.datetime(2030, 5, 1, 6, 0, tzinfo=UTC)
        later = {"starts_at": start, "ends_at": start + dt.timedelta(hours=2), "capacity": 4}
        workshop = EventFactory(
            title="Latte art workshop", sessions=[later, {**later, "starts_at": start - dt.timedelta(days=1)}]
        )
        services.sign_up(member("mei@example.com", gold), workshop.sessions.order_by("starts_at").last())
        EventFactory(
            title="Spring tasting",
            sessions=[
                {"starts_at": now - dt.timedelta(days=3), "ends_at": now - dt.timedelta(days=3, hours=-2)}
            ],
        )
        called_off = EventFactory(title="Cupping night", venue="Xuhui store")
        services.cancel_event(called_off, reason="Rain", acting_user=None)
    client = log_in()

    def listed(query=""):
        response = client.get(f"/admin/events/{query}", HTTP_HOST=HOST)
        assert response.status_code == 200
        return {row.title: (row.seats_taken, row.seats_total) for row in response.context["object_list"]}

    assert listed() == {"Latte art workshop": (1, 8), "Spring tasting": (0, 20), "Cupping night": (0, 20)}
    assert listed("?when=upcoming") == {"Latte art workshop": (1, 8)}
    assert listed("?when=past") == {"Spring tasting": (0, 20)}
    assert listed("?when=cancelled") == {"Cupping night": (0, 20)}
    assert listed("?q=xuhui") == {"Cupping night": (0, 20)}
    page = client.get("/admin/events/?when=upcoming", HTTP_HOST=HOST).content.decode()
    assert "1 / 8" in page
    assert "04/30/2030 2 p.m." in page  # the next session (the earlier one), in the brand's time zone


def test_an_event_people_signed_up_for_is_kept_when_deleted(signed_up, in_tenant):
    tenant, _gold, event, _session = signed_up
    client = log_in()
    response = client.post(f"/admin/events/delete/{event.pk}/", HTTP_HOST=HOST)
    assert answer(response) == (302, "/admin/events/")
    assert [str(message).strip() for message in response.wsgi_request._messages] == [
        "People signed up for “Latte art workshop”, so it is kept: cancel it instead (they are told and "
        "their points come back), or untick “published”."
    ]
    with in_tenant(tenant):
        assert list(Event.objects.values_list("title", flat=True)) == ["Latte art workshop"]
        assert Registration.objects.count() == 2


def test_a_campaign_with_invitations_is_kept_when_deleted(drawn, in_tenant):
    tenant, campaign, draws = drawn
    client = log_in()
    response = client.post(f"/admin/events/campaigns/delete/{campaign.pk}/", HTTP_HOST=HOST)
    assert answer(response) == (302, "/admin/events/campaigns/")
    with in_tenant(tenant):
        assert list(type(campaign).objects.values_list("title", flat=True)) == ["Bring a friend"]
        assert type(draws[0]).objects.count() == 3
