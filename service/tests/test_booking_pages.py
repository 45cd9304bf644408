"""The booking pages: the services to book, a service's days and free times, the confirmation form,
My appointments with a booking's details (QR code, cancel, move) and the evaluation after a visit.

One committed tenant serves the module (brand time zone Europe/London, locations in Asia/Shanghai, so
a time shown in the brand's zone instead of the location's would be caught); each test's own rows
roll back with its transaction."""

import datetime as dt
import html
import io
import re
import zoneinfo
from urllib.parse import quote, urlencode

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image as PILImage

from accounts.tests.factories import UserFactory, customer
from conftest import committed_tenant
from service import services
from service.forms_booking import slot_value
from service.models import Appointment, Attachment, Evaluation
from service.tests.factories import BookableServiceFactory, LocationFactory, ProviderFactory

LABEL = "svcbook"
HOST = {"HTTP_HOST": f"{LABEL}.localhost"}
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NINE_TO_FOUR = ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]
TAKEN = "That time was just taken. Please choose another."
NOT_OFFERED = "That is not one of the times we offer. Choose a time below."
NOT_FREE = "That time is not free. Please choose another."
UNKNOWN_STAFF = "We could not find that member of staff. Choose another, or anyone."


@pytest.fixture(scope="module")
def booking_tenant(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        committed_tenant(LABEL, default_language="en", time_zone="Europe/London") as provisioned,
    ):
        yield provisioned.tenant
        connection.set_schema_to_public()


@pytest.fixture
def tenant(booking_tenant, db):
    """The module's tenant, its schema active; what the test writes rolls back with it."""
    with schema_context(booking_tenant.schema_name):
        yield booking_tenant


_customers = iter(range(1, 10_000))


def new_customer(tenant, phone=""):
    """A customer with a member card, as sign-up leaves them."""
    return customer(tenant, f"booker{next(_customers)}@example.com", phone=phone)


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def get(client, path, params=None):
    client.cookies.pop("messages", None)  # messages_of(response) reads this request's messages only
    if params:
        path = f"{path}?{urlencode(params)}"
    return client.get(path, **HOST)


def post(client, path, data=None, **extra):
    client.cookies.pop("messages", None)
    return client.post(path, data or {}, **HOST, **extra)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def page_errors(response) -> list[str]:
    block = re.search(
        r'<div class="booking-errors" role="alert">(.*?)</div>', response.content.decode(), re.S
    )
    return (
        [html.unescape(text) for text in re.findall(r"<p[^>]*>([^<]*)</p>", block.group(1))] if block else []
    )


def times(response) -> list[str]:
    return re.findall(
        r'booking-time"[^>]*><time datetime="[^"]+">(\d\d:\d\d)</time>', response.content.decode()
    )


def text_of(response, css_class: str) -> list[str]:
    found = re.findall(
        rf'class="[^"]*\b{css_class}\b[^"]*"[^>]*>(.*?)</(?:span|dd|p|a|strong|code)>',
        response.content.decode(),
        re.S,
    )
    return [html.unescape(re.sub(r"<[^>]+>", "", each)).strip() for each in found]


def tomorrow() -> dt.date:
    return timezone.now().astimezone(SHANGHAI).date() + dt.timedelta(days=1)


def later() -> dt.date:
    """A day well outside the default 24 hours' cancellation window."""
    return tomorrow() + dt.timedelta(days=2)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A Shanghai wall time, in UTC."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI).astimezone(dt.UTC)


def confirm_form(response) -> dict:
    """The hidden and prefilled fields of the confirmation form."""
    page = response.content.decode()
    fields = {}
    for name in ("slot", "location", "idempotency_key", "name", "phone"):
        found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        value = re.search(r'value="([^"]*)"', found.group(0)) if found else None
        fields[name] = html.unescape(value.group(1)) if value else ""
    return fields


# --- The list ----------------------------------------------------------------------------------------


def test_the_list_shows_each_bookable_service_with_duration_and_price(tenant):
    BookableServiceFactory(name="Bike fitting", summary="Saddle, bars, cleats.", sort_order=1)
    BookableServiceFactory(name="Colour consult", duration_minutes=90, price_cents=8_000, sort_order=2)
    BookableServiceFactory(name="Members' styling", duration_minutes=45, members_only=True, sort_order=3)
    BookableServiceFactory(name="Retired", is_active=False)

    visitor = get(client_for(), "/book/")
    assert visitor.status_code == 200
    assert text_of(visitor, "booking-service-name") == ["Bike fitting", "Colour consult"]
    assert text_of(visitor, "booking-duration") == ["1 h", "1 h 30 min"]
    assert text_of(visitor, "booking-price") == ["Free", "¥80.00"]
    assert text_of(visitor, "booking-service-summary") == ["Saddle, bars, cleats."]

    member = get(client_for(new_customer(tenant)), "/book/")
    assert text_of(member, "booking-service-name") == ["Bike fitting", "Colour consult", "Members' styling"]
    assert text_of(member, "booking-duration") == ["1 h", "1 h 30 min", "45 min"]


# --- The journey -------------------------------------------------------------------------------------


def test_a_customer_books_sees_moves_and_cancels_an_appointment(tenant):
    service = BookableServiceFactory(name="Bike fitting", slug="bike-fitting")
    provider = service.providers.get()
    location = provider.location
    location.address = "88 Yuyuan Road"
    location.save()
    user = new_customer(tenant, phone="13800138000")
    client = client_for(user)
    day = later()

    listing = get(client, "/book/")
    assert 'href="/book/bike-fitting/"' in listing.content.decode()

    page = get(client, "/book/bike-fitting/", {"day": day.isoformat()})
    assert page.status_code == 200
    assert times(page) == NINE_TO_FOUR  # the Shanghai store's hours, in its own time zone
    assert "Times are in Asia/Shanghai time." in page.content.decode()

    ten = slot_value(at(day, 10), None)
    confirm = get(client, "/book/bike-fitting/", {"day": day.isoformat(), "slot": ten})
    assert confirm.status_code == 200
    fields = confirm_form(confirm)
    assert fields["slot"] == ten
    assert fields["phone"] == "+8613800138000"  # from the profile, as it stores phones
    assert re.fullmatch(r"[0-9a-f]{32}", fields["idempotency_key"])
    assert text_of(confirm, "booking-chosen-time") == [f"{day:%A}, {day.isoformat()} 10:00–11:00"]
    # Changes close 24 hours before: the day before at 10:00, Shanghai time.
    assert text_of(confirm, "booking-notice") == [
        f"You can change or cancel this booking online until {day - dt.timedelta(days=1)} 10:00."
    ]

    booked = post(client, "/book/bike-fitting/", {**fields, "name": "Wang Fang", "note": "Road bike"})
    appointment = Appointment.objects.get(user=user)
    assert booked.status_code == 302
    assert booked["Location"] == f"/account/appointments/{appointment.code}/"
    assert messages_of(booked) == [f"Booked! Your booking code is {appointment.code}."]
    assert (appointment.starts_at, appointment.provider, appointment.name, appointment.note) == (
        at(day, 10),
        provider,
        "Wang Fang",
        "Road bike",
    )
    # The same form again (a double click): the first booking, nothing new.
    again = post(client, "/book/bike-fitting/", {**fields, "name": "Wang Fang"})
    assert again["Location"] == f"/account/appointments/{appointment.code}/"
    assert messages_of(again) == ["You had already booked this time."]
    assert Appointment.objects.filter(user=user).count() == 1

    mine = get(client, "/account/appointments/")
    assert text_of(mine, "booking-service-name") == ["Bike fitting"]
    assert text_of(mine, "booking-status") == ["Booked"]
    assert text_of(mine, "booking-when") == [f"{day.isoformat()} 10:00–11:00"]
    assert text_of(mine, "booking-where") == [location.name]

    account = get(client, "/account/")  # My account's section: the next appointments
    assert f'href="/account/appointments/{appointment.code}/">Bike fitting<' in account.content.decode()
    assert text_of(account, "booking-when") == [f"{day.isoformat()} 10:00–11:00"]

    detail = get(client, f"/account/appointments/{appointment.code}/")
    assert detail.status_code == 200
    assert re.search(r'<div class="ticket-qr"><svg', detail.content.decode())
    assert text_of(detail, "booking-code") == [appointment.code]
    assert text_of(detail, "booking-when")[0].startswith(f"{day:%A}, {day.isoformat()} 10:00–11:00")
    assert text_of(detail, "booking-where")[0].startswith(f"{location.name}88 Yuyuan Road")

    move = get(client, f"/account/appointments/{appointment.code}/reschedule/", {"day": day.isoformat()})
    assert move.status_code == 200
    assert times(move) == NINE_TO_FOUR  # its own time shows, as the current one
    assert re.search(
        r'disabled><time datetime="[^"]+">10:00</time> <span class="booking-current">', move.content.decode()
    )

    moved = post(
        client,
        f"/account/appointments/{appointment.code}/reschedule/",
        {"slot": slot_value(at(day, 14), None)},
    )
    assert moved.status_code == 302
    assert messages_of(moved) == ["Your booking is moved."]
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == (at(day, 14), at(day, 15))
    assert text_of(get(client, "/account/appointments/"), "booking-when") == [
        f"{day.isoformat()} 14:00–15:00"
    ]

    cancelled = post(client, f"/account/appointments/{appointment.code}/cancel/")
    assert cancelled.status_code == 302
    assert messages_of(cancelled) == ["Your booking is cancelled."]
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    after = get(client, f"/account/appointments/{appointment.code}/")
    assert text_of(after, "booking-status") == ["Cancelled"]
    assert 'class="ticket-qr"' not in after.content.decode()
    assert 'action="/account/appointments/' not in after.content.decode()  # no cancel, no move
    assert text_of(get(client, "/account/appointments/"), "booking-status") == ["Cancelled"]


def test_a_slot_taken_between_showing_and_posting_is_refused_and_nothing_is_written(tenant):
    service = BookableServiceFactory(slug="massage")
    day = tomorrow()
    slow, fast = new_customer(tenant), new_customer(tenant)
    client = client_for(slow)
    ten = slot_value(at(day, 10), None)
    fields = confirm_form(get(client, "/book/massage/", {"day": day.isoformat(), "slot": ten}))
    services.book_appointment(service, at(day, 10), user=fast, acting_user=fast)

    refused = post(client, "/book/massage/", fields)
    assert refused.status_code == 409
    assert page_errors(refused) == [TAKEN]
    assert times(refused) == [each for each in NINE_TO_FOUR if each != "10:00"]  # the day's times again
    assert not Appointment.objects.filter(user=slow).exists()
    assert Appointment.objects.count() == 1

    # Asking for the confirmation of a taken time says so too.
    shown = get(client, "/book/massage/", {"day": day.isoformat(), "slot": ten})
    assert shown.status_code == 400
    assert page_errors(shown) == [NOT_FREE]
    assert 'name="idempotency_key"' not in shown.content.decode()


def test_bad_days_slots_and_providers_get_a_message_never_a_server_error(tenant):
    service = BookableServiceFactory(slug="fitting")
    provider = service.providers.get()
    other = BookableServiceFactory(slug="other").providers.get()
    user = new_customer(tenant)
    client = client_for(user)
    day = tomorrow()
    path = "/book/fitting/"

    cases = [
        ({"day": "2001-01-01"}, "Bookings open for the next 14 days: choose one of them."),
        (
            {"day": (day + dt.timedelta(days=30)).isoformat()},
            "Bookings open for the next 14 days: choose one of them.",
        ),
        ({"day": "tomorrow"}, "That is not a date. Choose one of the days below."),
        ({"provider": "99999999"}, UNKNOWN_STAFF),
        ({"provider": "abc"}, UNKNOWN_STAFF),
        ({"provider": str(other.pk)}, UNKNOWN_STAFF),  # another service's
        ({"location": "abc"}, "We could not find that location. Choose one of ours."),
        ({"day": day.isoformat(), "slot": "garbage"}, NOT_OFFERED),
        ({"day": day.isoformat(), "slot": "0001-01-01T00:00:00+14:00|"}, NOT_OFFERED),
        ({"day": day.isoformat(), "slot": at(day, 10).replace(tzinfo=None).isoformat()}, NOT_OFFERED),
        ({"day": day.isoformat(), "slot": f"{at(day, 10).isoformat()}|x"}, NOT_OFFERED),
        ({"day": day.isoformat(), "slot": slot_value(at(day, 10), other.pk)}, UNKNOWN_STAFF),
        ({"day": day.isoformat(), "slot": slot_value(at(day, 10, 30), provider.pk)}, NOT_FREE),
        ({"day": day.isoformat(), "slot": slot_value(at(day, 22), None)}, NOT_FREE),  # after closing
    ]
    for params, message in cases:
        response = get(client, path, params)
        assert (params, response.status_code, page_errors(response)) == (params, 400, [message])
        assert 'name="idempotency_key"' not in response.content.decode()

    key = "k" * 32
    posts = [
        ({"slot": "garbage", "idempotency_key": key}, NOT_OFFERED),
        ({"slot": "", "idempotency_key": key}, "This field is required."),
        ({"slot": slot_value(at(day, 10), other.pk), "idempotency_key": key}, UNKNOWN_STAFF),
        (
            {"slot": slot_value(at(day + dt.timedelta(days=40), 10), None), "idempotency_key": key},
            "Bookings open for the next 14 days: choose one of them.",
        ),
        ({"slot": slot_value(at(day, 10, 30), None), "idempotency_key": key}, TAKEN),
    ]
    for data, message in posts:
        response = post(client, path, data)
        assert (data, response.status_code in (400, 409), page_errors(response)) == (data, True, [message])
    assert not Appointment.objects.exists()


def test_visitors_see_the_times_and_are_asked_to_log_in_to_book(tenant):
    BookableServiceFactory(slug="fitting")
    day = tomorrow()
    visitor = client_for()
    page = get(visitor, "/book/fitting/", {"day": day.isoformat()})
    assert times(page) == NINE_TO_FOUR
    assert "You will be asked to log in when you choose a time." in page.content.decode()

    params = {"day": day.isoformat(), "slot": slot_value(at(day, 10), None)}
    picked = get(visitor, "/book/fitting/", params)
    assert picked.status_code == 302
    assert (
        picked["Location"]
        == f"/accounts/login/?next={quote('/book/fitting/?' + urlencode(params), safe='/')}"
    )

    posted = post(visitor, "/book/fitting/", {"slot": params["slot"], "idempotency_key": "k"})
    assert posted["Location"] == "/accounts/login/?next=/book/fitting/"
    assert (
        get(visitor, "/account/appointments/")["Location"] == "/accounts/login/?next=/account/appointments/"
    )
    assert not Appointment.objects.exists()


def test_members_only_services_tell_non_members_so(tenant):
    service = BookableServiceFactory(name="Styling", slug="styling", members_only=True)
    day = tomorrow()
    not_a_member = UserFactory()  # logged in, no member card
    client = client_for(not_a_member)

    page = get(client, "/book/styling/", {"day": day.isoformat()})
    assert text_of(page, "booking-refusal") == ["“Styling” is for members only."]
    assert times(page) == []
    refused = post(client, "/book/styling/", {"slot": slot_value(at(day, 10), None), "idempotency_key": "k"})
    assert refused.status_code == 403
    assert page_errors(refused) == ["“Styling” is for members only."]
    assert not Appointment.objects.exists()

    visitor = get(client_for(), "/book/styling/", {"day": day.isoformat()})
    assert text_of(visitor, "booking-refusal") == [
        "“Styling” is for members only: log in with your member account to book."
    ]
    assert times(visitor) == NINE_TO_FOUR

    member = new_customer(tenant)
    assert times(get(client_for(member), "/book/styling/", {"day": day.isoformat()})) == NINE_TO_FOUR
    assert service.appointments.count() == 0


# --- Staff and locations -----------------------------------------------------------------------------


def test_any_staff_collapses_times_and_a_chosen_provider_shows_their_own(tenant):
    location = LocationFactory()
    ann, bo, cy = (ProviderFactory(name=name, location=location) for name in ("Ann", "Bo", "Cy"))
    service = BookableServiceFactory(slug="cut", providers=[ann, bo, cy])
    day = tomorrow()
    for provider in (ann, bo):
        services.book_appointment(
            service, at(day, 10), user=new_customer(tenant), provider_id=provider.pk, acting_user=None
        )
    client = client_for(new_customer(tenant))

    anyone = get(client, "/book/cut/", {"day": day.isoformat()})
    assert times(anyone) == NINE_TO_FOUR  # one button per time: Cy is still free at 10:00
    assert re.findall(r'<nav class="booking-providers".*?</nav>', anyone.content.decode(), re.S)
    assert re.findall(r'\?day=[^"]*provider=(\d+)"', anyone.content.decode()) == [
        str(p.pk) for p in (ann, bo, cy)
    ]
    assert get(client, "/book/cut/", {"day": day.isoformat(), "provider": ann.pk}).status_code == 200
    assert times(get(client, "/book/cut/", {"day": day.isoformat(), "provider": ann.pk})) == [
        each for each in NINE_TO_FOUR if each != "10:00"
    ]

    fields = confirm_form(
        get(client, "/book/cut/", {"day": day.isoformat(), "slot": slot_value(at(day, 10), None)})
    )
    assert post(client, "/book/cut/", fields).status_code == 302
    assert Appointment.objects.get(idempotency_key=fields["idempotency_key"]).provider == cy
    assert times(get(client, "/book/cut/", {"day": day.isoformat()})) == [
        each for each in NINE_TO_FOUR if each != "10:00"
    ]


def test_with_several_locations_the_customer_chooses_one_and_any_staff_stays_there(tenant):
    jingan = LocationFactory(name="Jing'an")
    xuhui = LocationFactory(name="Xuhui", hours=[(day, "12:00", "15:00") for day in range(7)])
    at_jingan = ProviderFactory(name="Ann", location=jingan)
    at_xuhui = ProviderFactory(name="Bo", location=xuhui)
    BookableServiceFactory(slug="cut", providers=[at_jingan, at_xuhui])
    day = tomorrow()
    client = client_for(new_customer(tenant))

    first = get(client, "/book/cut/", {"day": day.isoformat()})
    assert times(first) == NINE_TO_FOUR  # the first location by name
    assert f'href="/book/cut/?location={xuhui.pk}"' in first.content.decode()
    there = get(client, "/book/cut/", {"day": day.isoformat(), "location": xuhui.pk})
    assert times(there) == ["12:00", "13:00", "14:00"]

    fields = confirm_form(
        get(
            client,
            "/book/cut/",
            {"day": day.isoformat(), "location": xuhui.pk, "slot": slot_value(at(day, 12), None)},
        )
    )
    assert fields["location"] == str(xuhui.pk)
    assert post(client, "/book/cut/", fields).status_code == 302
    # Both were free at 12:00; "anyone at Xuhui" is Bo, not Ann (whom the service would try first).
    assert Appointment.objects.get(idempotency_key=fields["idempotency_key"]).provider == at_xuhui
    assert get(client, "/book/cut/", {"provider": at_xuhui.pk, "location": jingan.pk}).status_code == 200


# --- Another customer's bookings ---------------------------------------------------------------------


def test_another_customers_booking_is_a_404_through_every_door(tenant):
    service = BookableServiceFactory(slug="fitting")
    day = tomorrow()
    owner, other = new_customer(tenant), new_customer(tenant)
    appointment = services.book_appointment(service, at(day, 10), user=owner, acting_user=owner)
    client = client_for(other)
    base = f"/account/appointments/{appointment.code}/"
    assert get(client, base).status_code == 404
    assert get(client, f"{base}reschedule/").status_code == 404
    assert post(client, f"{base}cancel/").status_code == 404
    assert post(client, f"{base}reschedule/", {"slot": slot_value(at(day, 14), None)}).status_code == 404
    assert post(client, f"{base}evaluate/", {"stars": "5"}).status_code == 404
    assert get(client, "/account/appointments/NOSUCHCODE/").status_code == 404
    appointment.refresh_from_db()
    assert (appointment.status, appointment.starts_at) == (Appointment.Status.BOOKED, at(day, 10))
    assert not Evaluation.objects.exists()
    assert get(client_for(owner), base).status_code == 200


def test_a_time_inside_the_cancellation_window_says_so_before_it_is_booked(tenant):
    BookableServiceFactory(slug="trim", cancellation_hours=48)
    client = client_for(new_customer(tenant))
    day = tomorrow()
    confirm = get(client, "/book/trim/", {"day": day.isoformat(), "slot": slot_value(at(day, 16), None)})
    assert text_of(confirm, "booking-notice") == [
        "This time is less than 48 hours away: once booked, it can only be changed or cancelled by calling us."
    ]


def test_past_the_cancellation_window_the_page_says_until_when_and_to_call(tenant):
    service = BookableServiceFactory(slug="fitting", cancellation_hours=48)
    location = service.providers.get().location
    location.phone = "021-5555 0101"
    location.save()
    user = new_customer(tenant)
    day = tomorrow()
    appointment = services.book_appointment(service, at(day, 16), user=user, acting_user=user)
    client = client_for(user)

    detail = get(client, f"/account/appointments/{appointment.code}/")
    deadline = (at(day, 16) - dt.timedelta(hours=48)).astimezone(SHANGHAI)
    assert text_of(detail, "booking-too-late") == [
        f"Changes could be made online until {deadline:%Y-%m-%d %H:%M}. "
        f"To change or cancel now, please call {location.name} on 021-5555 0101."
    ]
    assert 'action="/account/appointments/' not in detail.content.decode()  # no cancel, no move
    refused = post(client, f"/account/appointments/{appointment.code}/cancel/")
    assert messages_of(refused) == [
        "Bookings can be changed or cancelled up to 48 hours before; please call us."
    ]
    moved = post(
        client,
        f"/account/appointments/{appointment.code}/reschedule/",
        {"slot": slot_value(at(day, 9), None)},
    )
    assert moved.status_code == 302
    assert messages_of(moved) == [
        "Bookings can be changed or cancelled up to 48 hours before; please call us."
    ]
    appointment.refresh_from_db()
    assert (appointment.status, appointment.starts_at) == (Appointment.Status.BOOKED, at(day, 16))


# --- Evaluations -------------------------------------------------------------------------------------


def _png(name="visit.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "#6b3e26").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _past_appointment(service, user) -> Appointment:
    """A visit yesterday (the services refuse to book the past: set up directly)."""
    starts_at = at(tomorrow() - dt.timedelta(days=2), 10)
    return Appointment.objects.create(
        service=service,
        provider=service.providers.get(),
        user=user,
        name="Wang Fang",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        blocked_from=starts_at,
        blocked_until=starts_at + dt.timedelta(hours=1),
    )


def test_a_completed_visit_is_evaluated_once_with_its_aspects_and_photos(tenant):
    service = BookableServiceFactory(slug="fitting", evaluation_aspects="Skill, Friendliness")
    user = new_customer(tenant)
    appointment = _past_appointment(service, user)
    client = client_for(user)
    path = f"/account/appointments/{appointment.code}/evaluate/"

    early = post(client, path, {"stars": "5"})
    assert early.status_code == 400
    assert page_errors(early) == ["You can evaluate a visit after it has taken place."]
    assert not Evaluation.objects.exists()
    assert (
        "How was your visit?"
        not in get(client, f"/account/appointments/{appointment.code}/").content.decode()
    )

    services.mark_appointment(
        appointment, Appointment.Status.COMPLETED, acting_user=UserFactory(is_staff=True)
    )
    form = get(client, f"/account/appointments/{appointment.code}/").content.decode()
    assert "How was your visit?" in form
    assert re.findall(r"<legend>([^<]+)</legend>", form) == ["Skill", "Friendliness"]

    for data, problem in [
        ({"stars": "9"}, "Choose from 1 to 5 stars."),
        ({}, "Choose from 1 to 5 stars."),
        ({"stars": "4", "aspect_0": "7"}, "Rate “Skill” from 1 to 5 stars."),
        ({"stars": "4", "photos": [_png(f"p{n}.png") for n in range(6)]}, "Send at most 5 photos."),
        (
            {
                "stars": "4",
                "photos": [SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="image/png")],
            },
            "“run.exe” is not a file we accept: send a photo (JPG, PNG, GIF, WebP, HEIC), a PDF or a text file.",
        ),
        (
            {"stars": "4", "photos": [SimpleUploadedFile("fake.png", b"<script>", content_type="image/png")]},
            "“fake.png” is not the kind of file its name says.",
        ),
    ]:
        refused = post(client, path, data)
        assert (refused.status_code, page_errors(refused)) == (400, [problem])
    assert not Evaluation.objects.exists()
    assert not Attachment.objects.exists()

    sent = post(
        client,
        path,
        {"stars": "4", "aspect_0": "5", "aspect_1": "3", "comment": "Great fit", "photos": [_png()]},
    )
    assert sent.status_code == 302
    assert messages_of(sent) == ["Thank you for your evaluation!"]
    evaluation = Evaluation.objects.get(appointment=appointment)
    assert (evaluation.stars, evaluation.aspects, evaluation.comment) == (
        4,
        {"Skill": 5, "Friendliness": 3},
        "Great fit",
    )
    photo = evaluation.photos.get()
    assert (photo.name, photo.content_type) == ("visit.png", "image/png")

    shown = get(client, f"/account/appointments/{appointment.code}/")
    assert text_of(shown, "evaluation-stars") == ["4 stars"]
    assert text_of(shown, "evaluation-aspect") == ["5 stars", "3 stars"]
    assert text_of(shown, "evaluation-comment") == ["Great fit"]
    assert f'href="/service/files/{photo.pk}/"' in shown.content.decode()
    assert "How was your visit?" not in shown.content.decode()

    twice = post(client, path, {"stars": "1"})
    assert page_errors(twice) == ["You have already evaluated this visit. Thank you!"]
    assert Evaluation.objects.get().stars == 4


# --- Queries -----------------------------------------------------------------------------------------


def test_the_day_view_costs_the_same_queries_for_one_provider_and_three(tenant, django_assert_num_queries):
    location = LocationFactory()
    one = BookableServiceFactory(slug="one", providers=[ProviderFactory(location=location)])
    three = BookableServiceFactory(
        slug="three", providers=[ProviderFactory(location=location) for _ in range(3)]
    )
    day = tomorrow()
    user = new_customer(tenant)
    for service in (one, three):
        services.book_appointment(service, at(day, 11), user=user, acting_user=user)
    client = client_for(user)
    params = {"day": day.isoformat()}
    get(client, "/book/one/", params)  # the portal's chrome is cached once
    with django_assert_num_queries(QUERIES_FOR_THE_DAY):
        assert times(get(client, "/book/one/", params)) == [each for each in NINE_TO_FOUR if each != "11:00"]
    with django_assert_num_queries(QUERIES_FOR_THE_DAY):
        assert times(get(client, "/book/three/", params)) == NINE_TO_FOUR


# The day view of a logged-in customer: the schema, the service, its providers with their locations,
# services.available_slots' four (providers, opening hours, closed days, appointments), then the
# session, the user and the header's unread notifications.
QUERIES_FOR_THE_DAY = 10
