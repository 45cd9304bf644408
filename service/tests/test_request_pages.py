"""Customer pages of service requests: the service home, a request type's form (field by field
refusals, uploads), a visitor's follow link (reply, rating once), My requests, one request in My
account, and attachments served only to whom they belong, on their own tenant only.

One committed tenant serves the whole module (each test's rows roll back with its transaction);
the tenant-isolation test provisions a second one."""

import datetime as dt
import html
import io
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context
from PIL import Image as PILImage
from wagtail.images.models import Image

from accounts.tests.factories import UserFactory
from conftest import committed_tenant
from core.outbox import deliver_due_events
from mall.models import Product, Visibility
from mall.tests.factories import ProductFactory, line, place
from members.tests.factories import MemberFactory, MemberLevelFactory, MemberRowFactory
from service import services
from service.models import (
    Attachment,
    Audience,
    BookableService,
    ClosedDay,
    RequestType,
    ServiceEntrySettings,
    Ticket,
    TicketMessage,
)
from service.tests.factories import BookableServiceFactory, LocationFactory, RequestTypeFactory

HOST_A = "svcpa.localhost"
HOST_B = "svcpb.localhost"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def brand(django_db_setup, django_db_blocker):
    """Brand A, committed once for the module (each test's own rows roll back with it)."""
    with (
        django_db_blocker.unblock(),
        committed_tenant("svcpa", default_language="en", time_zone="Asia/Shanghai") as provisioned,
    ):
        yield provisioned.tenant
        connection.set_schema_to_public()
    shutil.rmtree(Path(settings.MEDIA_ROOT) / provisioned.tenant.schema_name, ignore_errors=True)


@pytest.fixture
def tenant(brand, db):
    """Brand A's schema, with only the request types and products a test makes."""
    with schema_context(brand.schema_name):
        RequestType.objects.update(is_active=False)  # the starter portal's
        Product.objects.update(is_published=False)
        yield brand


@pytest.fixture
def other_tenant(tenant, make_tenant):
    """Brand B, for the one test that needs it (provisioned from the public schema, in the test's
    transaction)."""
    with schema_context(get_public_schema_name()):
        provisioned = make_tenant("svcpb", default_language="en", time_zone="Asia/Shanghai").tenant
    yield provisioned
    shutil.rmtree(Path(settings.MEDIA_ROOT) / provisioned.schema_name, ignore_errors=True)


# --- Helpers -----------------------------------------------------------------------------------------


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:  # the session row lives in the schema the test is in
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def get(client, path, host=HOST_A, **extra):
    client.cookies.pop("messages", None)
    return client.get(path, HTTP_HOST=host, **extra)


def post(client, path, data=None, host=HOST_A):
    client.cookies.pop("messages", None)
    return client.post(path, data or {}, HTTP_HOST=host)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def errors_of(response) -> dict[str, list[str]]:
    return {
        name: [str(error) for error in errors] for name, errors in response.context["form"].errors.items()
    }


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "#6b3e26").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def jpeg_bytes(size: int) -> bytes:
    return b"\xff\xd8\xff\xe0" + b"\x00" * (size - 4)


def stored_files(tenant) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / tenant.schema_name / "private" / "service"
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def staff_with(*permissions, username="agent"):
    user = get_user_model().objects.create_user(username, f"{username}@brand.example", "pw", is_staff=True)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def repair_type(**fields):
    return RequestTypeFactory(
        name="Repair",
        slug="fix",
        fields=[
            {"label": "Serial number", "kind": "text", "required": True, "help_text": "On the back."},
            {"label": "Photos", "kind": "file"},
        ],
        **fields,
    )


VISITOR = {
    "subject": "Zip broke",
    "message": "The zip came off.",
    "name": "Wang Fang",
    "email": "fang@example.com",
}


def visitor_form(request_type, client=None):
    """The form as a visitor gets it: the client and the idempotency key it carries."""
    client = client or client_for()
    response = get(client, f"/service/request/{request_type.slug}/")
    assert response.status_code == 200
    key = re.search(r'name="idempotency_key" value="([^"]+)"', response.content.decode()).group(1)
    return client, key, response


# --- The service home --------------------------------------------------------------------------------


def test_the_service_home_shows_the_channels_hours_and_what_this_visitor_may_send(tenant):
    location = LocationFactory(
        name="Jing'an store", hours=[(0, "09:00", "12:00"), (0, "13:00", "18:00"), (5, "10:00", "16:00")]
    )
    ClosedDay.objects.create(
        location=location, date=timezone.localdate() + dt.timedelta(days=3), name="Holiday"
    )
    entry = ServiceEntrySettings.load()
    entry.phone, entry.email, entry.wechat_id, entry.hours_location = (
        "400 820 8820",
        "help@brand.example",
        "brand_cs",
        location,
    )
    entry.chat_provider, entry.chat_id = "link", "https://chat.brand.example/room"
    entry.wechat_qr = Image.objects.create(title="QR", file=ImageFile(png("qr.png"), name="qr.png"))
    entry.save()
    RequestTypeFactory(name="Question", intro="Ask us anything.", sort_order=1)
    RequestTypeFactory(name="Members' repair", audience=Audience.MEMBERS, sort_order=2)
    RequestTypeFactory(name="Closed type", is_active=False)
    BookableService.objects.update(is_active=False)  # the starter portal's

    visitor = get(client_for(), "/service/")
    assert visitor.status_code == 200
    text = page_text(visitor)
    assert re.findall(r'class="channel service-type" href="([^"]+)"', text) == [
        "/service/request/" + RequestType.objects.get(name="Question").slug + "/"
    ]
    assert 'href="tel:4008208820"' in text
    assert "400 820 8820" in text
    assert 'href="mailto:help@brand.example"' in text
    assert '<span class="wechat-id">brand_cs</span>' in text
    assert re.search(r'<img alt="WeChat QR code" class="wechat-qr" [^>]*src="/media/', text)
    assert 'class="channel channel-chat" href="https://chat.brand.example/room"' in text
    # The page's own hours (the floating service button's panel lists them too).
    own_hours = re.search(r'<section class="service-hours".*?</section>', text, re.S).group(0)
    hours = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", own_hours)
    assert hours == [
        ("Monday", "09:00–12:00, 13:00–18:00"),
        ("Tuesday", "Closed"),
        ("Wednesday", "Closed"),
        ("Thursday", "Closed"),
        ("Friday", "Closed"),
        ("Saturday", "10:00–16:00"),
        ("Sunday", "Closed"),
    ]
    assert "· Holiday" in text
    assert 'href="/book/"' not in text  # nothing to book: no link to an empty page

    BookableServiceFactory(name="Bike fitting")
    member = MemberFactory()
    page = page_text(get(client_for(member.user), "/service/"))
    names = re.findall(
        r'class="channel service-type" href="[^"]+">.*?<strong>([^<]+)</strong>', page, flags=re.S
    )
    assert names == ["Question", "Members' repair"]
    assert 'href="/book/"' in page
    assert 'href="/account/requests/"' in page


# --- The visitor's journey ---------------------------------------------------------------------------


def test_a_visitor_sends_a_request_follows_it_replies_and_rates_it_once(tenant):
    repair = repair_type()
    client, key, form_page = visitor_form(repair)
    page = form_page.content.decode()
    assert 'data-suggest="/search/suggest/"' in page
    assert "knowledge/help.js" in page
    assert re.search(r'<input type="file" name="field_\d+" multiple accept="[^"]*image/jpeg', page)
    assert 'name="name"' in page
    assert 'name="email"' in page
    assert 'name="phone"' in page
    serial, photos = repair.fields.all()

    response = post(
        client,
        "/service/request/fix/",
        {**VISITOR, serial.key: " SN-123 ", photos.key: [png("zip.png")], "idempotency_key": key},
    )
    ticket = Ticket.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/service/requests/{ticket.follow_key}/")
    assert messages_of(response) == [
        f"Thank you! Your request {ticket.number} is sent. Keep the address of this page: it is your link "
        "to follow the request and answer us. We have also sent it to fang@example.com."
    ]
    assert (ticket.user, ticket.name, ticket.email, ticket.subject, ticket.language) == (
        None,
        "Wang Fang",
        "fang@example.com",
        "Zip broke",
        "en",
    )
    assert ticket.answers == [
        {"key": serial.key, "label": "Serial number", "kind": "text", "value": "SN-123"},
        {"key": photos.key, "label": "Photos", "kind": "file", "value": "zip.png"},
    ]
    first = ticket.messages.get()
    assert (first.body, [a.name for a in first.attachments.all()]) == ("The zip came off.", ["zip.png"])

    # The same form sent again (a double tap): the same request, nothing new.
    again = post(client, "/service/request/fix/", {**VISITOR, serial.key: "SN-123", "idempotency_key": key})
    assert (again.status_code, again["Location"]) == (302, f"/service/requests/{ticket.follow_key}/")
    assert Ticket.objects.count() == 1

    # The follow link is e-mailed to them (the outbox delivers the ticket.created event).
    deliver_due_events()
    assert [
        (message.to, f"/service/requests/{ticket.follow_key}/" in message.body) for message in mail.outbox
    ] == [(["fang@example.com"], True)]

    follow_url = f"/service/requests/{ticket.follow_key}/"
    shown = get(client, follow_url)
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    text = page_text(shown)
    attachment = first.attachments.get()
    assert f'src="/service/files/{attachment.pk}/?key={ticket.follow_key}"' in text
    assert "The zip came off." in text
    assert "SN-123" in text
    assert "Received" in text
    assert f'value="http://{HOST_A}{follow_url}" readonly' in text

    replied = post(
        client, f"{follow_url}reply/", {"body": "It is the left pocket.", "files": [png("pocket.png")]}
    )
    assert (replied.status_code, replied["Location"], messages_of(replied)) == (
        302,
        follow_url,
        ["Your message is sent."],
    )
    reply = ticket.messages.order_by("pk").last()
    assert (reply.body, reply.author, [a.name for a in reply.attachments.all()]) == (
        "It is the left pocket.",
        None,
        ["pocket.png"],
    )

    staff = staff_with("service.work_ticket")
    services.reply_to_ticket(
        ticket, "Fixed: a new zip is on.", status=Ticket.Status.RESOLVED, acting_user=staff
    )
    resolved = page_text(get(client, follow_url))
    assert "Fixed: a new zip is on." in resolved
    assert "Resolved" in resolved
    assert 'action="' + follow_url + 'rate/"' in resolved

    rated = post(client, f"{follow_url}rate/", {"rating": "4", "comment": "Quick, thanks."})
    assert (rated["Location"], messages_of(rated)) == (follow_url, ["Thank you for your rating!"])
    again = post(client, f"{follow_url}rate/", {"rating": "1", "comment": "Changed my mind"})
    assert messages_of(again) == ["You have already rated this request. Thank you!"]
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (4, "Quick, thanks.")
    after = page_text(get(client, follow_url))
    assert 'aria-label="4 of 5 stars">★★★★☆<' in after
    assert "Quick, thanks." in after
    assert f"{follow_url}rate/" not in after  # no second rating form

    closed = post(client, f"{follow_url}close/")
    assert messages_of(closed) == ["Your request is closed. Thank you!"]
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    late = post(client, f"{follow_url}reply/", {"body": "One more thing"})
    assert messages_of(late) == ["This request is closed. Send a new request if you need more help."]
    assert ticket.messages.count() == 3


def test_a_visitor_who_leaves_only_a_phone_is_told_to_keep_the_link(tenant):
    RequestTypeFactory(slug="ask")
    client, key, _page = visitor_form(RequestType.objects.get(slug="ask"))
    response = post(
        client,
        "/service/request/ask/",
        {
            "subject": "Opening hours",
            "message": "Open on Sunday?",
            "name": "Li",
            "phone": "138 0013 8000",
            "idempotency_key": key,
        },
    )
    ticket = Ticket.objects.get()
    assert (ticket.phone, ticket.email) == ("+8613800138000", "")
    assert messages_of(response) == [
        f"Thank you! Your request {ticket.number} is sent. Keep the address of this page (bookmark it): it "
        "is your only link to follow the request and answer us."
    ]


def test_unknown_follow_keys_are_404_and_a_customers_own_request_leads_to_my_account(tenant):
    RequestTypeFactory(slug="ask")
    customer = UserFactory()
    ticket = services.submit_request(
        RequestType.objects.get(slug="ask"),
        subject="Hi",
        message="Hello",
        user=customer,
        acting_user=customer,
    )
    anonymous = client_for()
    assert get(anonymous, "/service/requests/not-a-key/").status_code == 404
    assert post(anonymous, "/service/requests/not-a-key/reply/", {"body": "x"}).status_code == 404
    assert get(anonymous, "/service/requests/" + "x" * 41 + "/").status_code == 404
    follow = get(anonymous, f"/service/requests/{ticket.follow_key}/")
    assert (follow.status_code, follow["Location"]) == (302, f"/account/requests/{ticket.pk}/")
    login = get(anonymous, follow["Location"])
    assert (login.status_code, login["Location"]) == (
        302,
        f"/accounts/login/?next=/account/requests/{ticket.pk}/",
    )
    refused = post(anonymous, f"/service/requests/{ticket.follow_key}/close/")
    assert refused["Location"] == f"/account/requests/{ticket.pk}/"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW


# --- The form's refusals ------------------------------------------------------------------------------


def test_bad_answers_are_refused_field_by_field_and_nothing_is_written(tenant):
    ProductFactory(title="Trail jacket", slug="trail-jacket")
    kinds = RequestTypeFactory(
        slug="kinds",
        fields=[
            {"label": "Serial number", "kind": "text", "required": True},
            {"label": "Colour", "kind": "choice", "choices": "Red, Blue", "required": True},
            {"label": "Bought on", "kind": "date"},
            {"label": "How many", "kind": "number"},
            {"label": "Order", "kind": "order", "required": True},
            {"label": "Product", "kind": "product"},
            {"label": "What happened", "kind": "long_text", "required": True},
        ],
    )
    serial, colour, bought, many, order, product, story = kinds.fields.all()
    client, key, form_page = visitor_form(kinds)
    page = form_page.content.decode()
    assert '<option value="trail-jacket">Trail jacket</option>' in page
    assert f'<input type="text" name="{order.key}"' in page  # a visitor types the order number

    response = post(
        client,
        "/service/request/kinds/",
        {
            "subject": "",
            "message": "  ",
            "name": "",
            "email": "not-an-email",
            "phone": "12",
            serial.key: "",
            colour.key: "Purple",
            bought.key: "02/11/2026",
            many.key: "three",
            order.key: "",
            product.key: "no-such-product",
            story.key: "x" * 4001,
            "idempotency_key": key,
        },
    )
    assert response.status_code == 400
    assert errors_of(response) == {
        "subject": ["Give your request a subject."],
        "message": ["Tell us what happened."],
        "name": ["Tell us your name."],
        "email": ["Enter an e-mail address like name@example.com."],
        "phone": ["Enter a phone number we can call, e.g. 138 0013 8000."],
        serial.key: ["Fill in “Serial number”."],
        colour.key: ["Choose one of the options for “Colour”."],
        bought.key: ["Enter a date like 2026-11-02."],
        many.key: ["Enter a number."],
        order.key: ["Give the order number."],
        product.key: ["Choose a product from the list."],
        story.key: ["Keep it under 4000 characters."],
    }
    text = page_text(response)
    assert f'<p class="error" id="id_{colour.key}_error">Choose one of the options for “Colour”.</p>' in text
    assert f'value="{key}"' in text  # the same key: a corrected form still sends once
    assert 'value="02/11/2026"' in text  # what was typed stays

    neither = post(
        client,
        "/service/request/kinds/",
        {
            **VISITOR,
            "email": "",
            serial.key: "SN-1",
            colour.key: "",
            order.key: "A-1",
            story.key: "It broke",
            "idempotency_key": key,
        },
    )
    assert errors_of(neither) == {
        "email": ["Leave an e-mail address or a phone number so we can answer you."],
        colour.key: ["Choose an answer for “Colour”."],
    }
    assert (Ticket.objects.count(), TicketMessage.objects.count()) == (0, 0)

    fine = post(
        client,
        "/service/request/kinds/",
        {
            **VISITOR,
            serial.key: "SN-1",
            colour.key: "Blue",
            bought.key: "2026-11-02",
            many.key: "2.50",
            order.key: "20261102-0001",
            product.key: "trail-jacket",
            story.key: "It broke",
            "idempotency_key": key,
        },
    )
    assert fine.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.order_number == "20261102-0001"
    assert [(answer["label"], answer["value"]) for answer in ticket.answers] == [
        ("Serial number", "SN-1"),
        ("Colour", "Blue"),
        ("Bought on", "2026-11-02"),
        ("How many", "2.5"),
        ("Order", "20261102-0001"),
        ("Product", "Trail jacket"),
        ("What happened", "It broke"),
    ]


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (
            SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10),
            "“virus.exe” is not a file we accept: send a photo (JPG, PNG, GIF, WebP, HEIC), a PDF or a text file.",
        ),
        (
            SimpleUploadedFile("photo.jpg", b"#!/bin/sh\nrm -rf /\n"),
            "“photo.jpg” is not the kind of file its name says.",
        ),
        (SimpleUploadedFile("big.jpg", jpeg_bytes(11 * MB)), "“big.jpg” is larger than 10 MB."),
    ],
    ids=["exe", "not-a-jpeg", "11-mb"],
)
def test_refused_uploads_are_named_on_their_field_and_nothing_is_written(tenant, upload, error):
    repair = repair_type()
    serial, photos = repair.fields.all()
    files_before = stored_files(tenant)
    client, key, _page = visitor_form(repair)
    response = post(
        client,
        "/service/request/fix/",
        {**VISITOR, serial.key: "SN-1", photos.key: [png("fine.png"), upload], "idempotency_key": key},
    )
    assert response.status_code == 400
    assert errors_of(response) == {photos.key: [error]}
    assert (Ticket.objects.count(), Attachment.objects.count()) == (0, 0)
    assert stored_files(tenant) == files_before


def test_at_most_five_files_per_message(tenant):
    repair = repair_type()
    serial, photos = repair.fields.all()
    client, key, _page = visitor_form(repair)
    response = post(
        client,
        "/service/request/fix/",
        {
            **VISITOR,
            serial.key: "SN-1",
            photos.key: [png(f"p{i}.png") for i in range(6)],
            "idempotency_key": key,
        },
    )
    assert errors_of(response) == {photos.key: ["Send at most 5 files at a time."]}
    assert Ticket.objects.count() == 0


def test_who_may_open_a_request_form(tenant):
    _entry, gold = MemberLevelFactory(name="Silver", threshold_points=0), MemberLevelFactory(name="Gold")
    RequestTypeFactory(name="Members' repair", slug="members-repair", audience=Audience.MEMBERS)
    gold_only = RequestTypeFactory(name="Concierge", slug="concierge", audience=Audience.LEVELS)
    gold_only.levels.add(gold)
    gold_only.save()
    RequestTypeFactory(slug="paused", is_active=False)

    visitor = client_for()
    for slug in ("members-repair", "concierge"):
        response = get(visitor, f"/service/request/{slug}/")
        assert (response.status_code, response["Location"]) == (
            302,
            f"/accounts/login/?next=/service/request/{slug}/",
        )
    assert get(visitor, "/service/request/paused/").status_code == 404
    assert get(visitor, "/service/request/no-such-type/").status_code == 404

    silver = MemberRowFactory(level=_entry)
    refused = get(client_for(silver.user), "/service/request/concierge/")
    assert refused.status_code == 403
    assert "“Concierge” is only for Gold members." in page_text(refused)
    sent = post(client_for(silver.user), "/service/request/concierge/", {"subject": "Hi", "message": "Hello"})
    assert sent.status_code == 403
    assert Ticket.objects.count() == 0
    assert (
        get(client_for(MemberRowFactory(level=gold).user), "/service/request/concierge/").status_code == 200
    )
    assert get(client_for(silver.user), "/service/request/members-repair/").status_code == 200


# --- A logged-in customer ----------------------------------------------------------------------------


def test_a_customer_picks_one_of_their_own_orders_and_lands_on_the_request_in_my_account(tenant):
    jacket = ProductFactory(title="Trail jacket", slug="trail-jacket")
    ProductFactory(title="Members' scarf", slug="members-scarf", visibility=Visibility.MEMBERS)
    ProductFactory(title="Draft hat", slug="draft-hat", is_published=False)
    member, stranger = MemberFactory(), MemberFactory()
    own = place(member, line(jacket.skus.get()))
    theirs = place(stranger, line(jacket.skus.get()))
    kinds = RequestTypeFactory(
        slug="return",
        fields=[
            {"label": "Order", "kind": "order", "required": True},
            {"label": "Product", "kind": "product"},
        ],
    )
    order_field, product_field = kinds.fields.all()
    client = client_for(member.user)
    form_page = get(client, "/service/request/return/")
    page = page_text(form_page)
    assert re.findall(r'<option value="([^"]*)"', page) == ["", own.number, "", "trail-jacket"]
    assert 'name="email"' not in page
    assert 'name="name"' not in page
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)

    stolen = post(
        client,
        "/service/request/return/",
        {"subject": "Return", "message": "Too big", order_field.key: theirs.number, "idempotency_key": key},
    )
    assert errors_of(stolen) == {order_field.key: ["Choose one of your orders."]}
    sent = post(
        client,
        "/service/request/return/",
        {
            "subject": "Return",
            "message": "Too big",
            order_field.key: own.number,
            product_field.key: "trail-jacket",
            "idempotency_key": key,
        },
    )
    ticket = Ticket.objects.get()
    assert (sent.status_code, sent["Location"]) == (302, f"/account/requests/{ticket.pk}/")
    assert messages_of(sent) == [
        f"Thank you! Your request {ticket.number} is sent. We will answer you here and let you know."
    ]
    assert (ticket.user, ticket.order_number, ticket.idempotency_key) == (member.user, own.number, key)
    assert [answer["value"] for answer in ticket.answers] == [own.number, "Trail jacket"]
    twice = post(
        client,
        "/service/request/return/",
        {"subject": "Return", "message": "Too big", order_field.key: own.number, "idempotency_key": key},
    )
    assert (twice["Location"], Ticket.objects.count()) == (f"/account/requests/{ticket.pk}/", 1)

    shown = page_text(get(client, f"/account/requests/{ticket.pk}/"))
    assert "Too big" in shown
    assert f"<dd>{own.number}</dd>" in shown
    assert "?key=" not in shown


def test_another_customers_request_is_a_404_through_every_door(tenant):
    RequestTypeFactory(slug="ask")
    question = RequestType.objects.get(slug="ask")
    owner, other = UserFactory(), UserFactory()
    ticket = services.submit_request(
        question, subject="Mine", message="Private", user=owner, acting_user=owner
    )
    services.reply_to_ticket(ticket, "Resolved it", status=Ticket.Status.RESOLVED, acting_user=staff_with())
    intruder = client_for(other)
    assert get(intruder, f"/account/requests/{ticket.pk}/").status_code == 404
    assert post(intruder, f"/account/requests/{ticket.pk}/reply/", {"body": "Hijack"}).status_code == 404
    assert post(intruder, f"/account/requests/{ticket.pk}/close/").status_code == 404
    assert post(intruder, f"/account/requests/{ticket.pk}/rate/", {"rating": "1"}).status_code == 404
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating, ticket.messages.count()) == (Ticket.Status.RESOLVED, None, 2)
    assert get(client_for(owner), f"/account/requests/{ticket.pk}/").status_code == 200
    anonymous = post(client_for(), f"/account/requests/{ticket.pk}/close/")
    assert anonymous["Location"] == f"/accounts/login/?next=/account/requests/{ticket.pk}/"


def test_the_customer_replies_with_photos_rates_and_closes_from_my_account(tenant):
    RequestTypeFactory(slug="ask")
    customer = UserFactory()
    ticket = services.submit_request(
        RequestType.objects.get(slug="ask"),
        subject="Hi",
        message="Hello",
        user=customer,
        acting_user=customer,
    )
    client = client_for(customer)
    url = f"/account/requests/{ticket.pk}/"
    early = post(client, f"{url}rate/", {"rating": "5"})
    assert messages_of(early) == ["You can rate a request once it is resolved."]
    bad = post(client, f"{url}rate/", {"rating": "9"})
    assert messages_of(bad) == ["Choose from 1 to 5 stars."]

    refused = post(client, f"{url}reply/", {"body": "Look", "files": [SimpleUploadedFile("x.exe", b"MZ")]})
    assert refused.status_code == 400
    assert "“x.exe” is not a file we accept" in page_text(refused)
    assert "Look</textarea>" in page_text(refused)
    empty = post(client, f"{url}reply/", {"body": " "})
    assert empty.status_code == 400
    assert "Write your message." in page_text(empty)
    assert ticket.messages.count() == 1

    sent = post(client, f"{url}reply/", {"body": "Look at this", "files": [png("a.png"), png("b.png")]})
    assert (sent["Location"], messages_of(sent)) == (url, ["Your message is sent."])
    reply = ticket.messages.order_by("pk").last()
    assert (reply.author, sorted(a.name for a in reply.attachments.all())) == (customer, ["a.png", "b.png"])

    services.reply_to_ticket(ticket, "Done", status=Ticket.Status.RESOLVED, acting_user=staff_with())
    assert messages_of(post(client, f"{url}rate/", {"rating": "5", "comment": "Great"})) == [
        "Thank you for your rating!"
    ]
    closed = post(client, f"{url}close/")
    assert messages_of(closed) == ["Your request is closed. Thank you!"]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating) == (Ticket.Status.CLOSED, 5)
    page = page_text(get(client, url))
    assert "This request is closed." in page
    assert f"{url}reply/" not in page
    assert f"{url}close/" not in page


QUERIES_MY_REQUESTS = 6  # session, user, the count, the page, the inbox badge, SET search_path


def test_my_requests_lists_the_customers_requests_in_a_fixed_number_of_queries(
    tenant, django_assert_num_queries
):
    question = RequestTypeFactory(slug="ask", name="Question")
    repair = RequestTypeFactory(slug="fix", name="Repair")
    customer, other = UserFactory(), UserFactory()
    services.submit_request(question, subject="Not mine", message="x", user=other, acting_user=other)
    client = client_for(customer)
    get(client, "/account/requests/")  # warm the per-tenant caches (site, chrome, locales)

    def listed():
        response = get(client, "/account/requests/")
        return re.findall(r'class="request-subject" href="[^"]+">([^<]+)<', response.content.decode())

    services.submit_request(question, subject="First", message="x", user=customer, acting_user=customer)
    with django_assert_num_queries(QUERIES_MY_REQUESTS):
        assert listed() == ["First"]
    for index, kind in enumerate([repair, question, repair, question]):
        services.submit_request(
            kind, subject=f"More {index}", message="x", user=customer, acting_user=customer
        )
    with django_assert_num_queries(QUERIES_MY_REQUESTS):
        assert listed() == ["More 3", "More 2", "More 1", "More 0", "First"]
    assert get(client_for(), "/account/requests/")["Location"] == "/accounts/login/?next=/account/requests/"


# --- Attachments ------------------------------------------------------------------------------------


def test_attachments_open_for_the_owner_the_link_holder_and_staff_only(tenant, other_tenant):
    RequestTypeFactory(slug="ask")
    question = RequestType.objects.get(slug="ask")
    owner, other = UserFactory(), UserFactory()
    own = services.submit_request(
        question, subject="Mine", message="See photo", files=[png("mine.png")], user=owner, acting_user=owner
    )
    guest = services.submit_request(
        question,
        subject="Guest",
        message="See file",
        files=[
            SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt"),
            SimpleUploadedFile("notes.txt", b"size M"),
        ],
        email="guest@example.com",
    )
    worker = staff_with("service.work_ticket", username="worker")
    viewer = staff_with("service.view_ticket", username="viewer")
    nobody = staff_with(username="nobody")
    note = services.add_note(own, "Customer called", files=[png("note.png")], acting_user=worker)
    photo = own.messages.get(internal=False).attachments.get()
    pdf, txt = guest.messages.get().attachments.order_by("pk")
    internal = note.attachments.get()
    url = f"/service/files/{photo.pk}/"

    served = get(client_for(owner), url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert (served["Content-Type"], served["X-Content-Type-Options"], served["Cache-Control"]) == (
        "image/png",
        "nosniff",
        "private",
    )
    assert served["Content-Disposition"] == 'inline; filename="mine.png"'
    for refused in (client_for(other), client_for(), client_for(nobody)):
        assert get(refused, url).status_code == 404
    assert get(client_for(), f"{url}?key={guest.follow_key}").status_code == 404  # another request's key
    for staff in (worker, viewer):
        assert get(client_for(staff), url).status_code == 200

    anonymous = client_for()
    opened = get(anonymous, f"/service/files/{pdf.pk}/?key={guest.follow_key}")
    assert (opened.status_code, opened["Content-Type"], opened["Content-Disposition"]) == (
        200,
        "application/pdf",
        'inline; filename="receipt.pdf"',
    )
    text = get(anonymous, f"/service/files/{txt.pk}/?key={guest.follow_key}")
    assert (text["Content-Type"], text["Content-Disposition"]) == (
        "text/plain",
        'attachment; filename="notes.txt"',
    )
    assert get(anonymous, f"/service/files/{pdf.pk}/").status_code == 404
    assert get(anonymous, f"/service/files/{pdf.pk}/?key=wrong").status_code == 404

    # An internal note's file: staff only, never the customer.
    assert get(client_for(owner), f"/service/files/{internal.pk}/").status_code == 404
    assert get(client_for(worker), f"/service/files/{internal.pk}/").status_code == 200
    assert get(client_for(), "/service/files/999999/").status_code == 404

    # /media/ never serves the private folder, even with the file's exact path.
    assert (Path(settings.MEDIA_ROOT) / tenant.schema_name / photo.file.name).exists()
    assert get(client_for(owner), f"/media/{tenant.schema_name}/{photo.file.name}").status_code == 404

    # Brand B has an attachment with the same pk: A's customer, link and staff get nothing there.
    # (Their sessions are made in A's schema first: a request to B leaves the connection in B's.)
    owner_client, worker_client = client_for(owner), client_for(worker)
    with schema_context(other_tenant.schema_name):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('service_attachment', 'id'), %s, false)", [photo.pk]
            )
        RequestTypeFactory(slug="ask-b")
        b_owner = UserFactory()
        b_ticket = services.submit_request(
            RequestType.objects.get(slug="ask-b"),
            subject="B",
            message="B",
            files=[png("b.png")],
            user=b_owner,
            acting_user=b_owner,
        )
        assert b_ticket.messages.get().attachments.get().pk == photo.pk
        b_client = client_for(b_owner)
    assert get(b_client, url, host=HOST_B).status_code == 200  # B's own file, for B's customer
    assert get(owner_client, url, host=HOST_B).status_code == 404
    assert get(worker_client, url, host=HOST_B).status_code == 404
    assert (
        get(client_for(), f"/service/files/{pdf.pk}/?key={guest.follow_key}", host=HOST_B).status_code == 404
    )
    assert get(owner_client, f"/media/{tenant.schema_name}/{photo.file.name}", host=HOST_B).status_code == 404


def test_an_evaluations_photo_opens_for_the_appointments_customer_and_appointment_staff(tenant):
    service = BookableServiceFactory(name="Bike fitting")
    customer, other = UserFactory(), UserFactory()
    today = timezone.localdate()
    slot = services.available_slots(service, today, today + dt.timedelta(days=7))[0]
    booked = services.book_appointment(service, slot.starts_at, user=customer, acting_user=customer)
    after_visit = slot.ends_at + dt.timedelta(minutes=5)
    visited = services.mark_appointment(booked, "completed", now=after_visit, acting_user=staff_with())
    evaluation = services.evaluate_appointment(
        visited, 5, comment="Great fit", photos=[png("bike.png")], acting_user=customer
    )
    url = f"/service/files/{evaluation.photos.get().pk}/"
    assert get(client_for(customer), url).status_code == 200
    assert get(client_for(staff_with("service.view_appointment", username="desk")), url).status_code == 200
    assert get(client_for(staff_with("service.manage_appointment", username="boss")), url).status_code == 200
    for refused in (
        client_for(other),
        client_for(),
        client_for(staff_with("service.work_ticket", username="ticket-agent")),
    ):
        assert get(refused, url).status_code == 404
