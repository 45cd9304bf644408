"""The service desk in GraphQL: `requestTypes`, `services` and `availableSlots` for visitors and
members, the viewer's own `tickets` (never staff's internal notes, never another customer's) and
`appointments`, clear errors for bad questions, and one tenant at a time."""

import datetime as dt
import json
import re
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import tokens
from accounts.tests.factories import UserFactory
from mall.tests.test_graphql import Pictures
from members.models import Audience, MemberLevel
from members.tests.factories import MemberLevelFactory, MemberRowFactory
from service import services
from service.graphql.schema import ticket_cursor
from service.models import Appointment, Attachment, BookableService, RequestType, Ticket
from service.tests.factories import (
    BookableServiceFactory,
    LocationFactory,
    ProviderFactory,
    RequestTypeFactory,
)
from service.tests.test_blocks import without_starter_service_desk

HOST = "svcgql.localhost"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2030, 1, 7, 10, 30, tzinfo=SHANGHAI)  # a Monday morning in Shanghai

REQUEST_TYPES = """{ requestTypes { slug name kind intro url
  fields { key label kind required choices helpText } } }"""
SERVICES = "{ services { slug name summary url durationMinutes priceCents membersOnly imageUrl } }"
SLOTS = """query($service: String!, $from: Date!, $to: Date!, $location: ID, $first: Int) {
  availableSlots(service: $service, from: $from, to: $to, location: $location, first: $first) {
    startsAt endsAt providerId locationId
  }
}"""
TICKETS = """query($status: ServiceTicketStatus, $first: Int, $after: String) { viewer {
  tickets(status: $status, first: $first, after: $after) {
    endCursor hasNextPage
    items { number subject status type url createdAt updatedAt rating
            messages { body fromStaff createdAt attachments { name url contentType size } } }
  }
} }"""
APPOINTMENTS = """query($upcoming: Boolean) { viewer { appointments(upcoming: $upcoming) {
  code service { slug name } startsAt endsAt status priceCents url
  location { id name timeZone } provider { id name }
} } }"""


def post(client, query, variables=None, host=HOST, **headers):
    headers.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    response = client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        HTTP_HOST=host,
        **headers,
    )
    assert response.status_code in (200, 400), response.content
    return response.json()


def gql(client, query, variables=None, host=HOST, **headers):
    body = post(client, query, variables, host, **headers)
    assert "errors" not in body, body
    return body["data"]


def error_of(client, query, variables=None, **headers) -> str:
    body = post(client, query, variables, **headers)
    assert body.get("data") in (None, {"availableSlots": None}), body
    return [error["message"] for error in body["errors"]]


@pytest.fixture
def clock(monkeypatch):
    """Every `timezone.now()` answers NOW plus what the test moves it by."""
    state = {"now": NOW.astimezone(dt.UTC)}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])
    return state


@pytest.fixture
def brand(make_tenant, in_tenant, clock):
    tenant = make_tenant("svcgql").tenant
    with in_tenant(tenant):
        without_starter_service_desk()
        gold = MemberLevelFactory(name="Gold")
        MemberLevelFactory(name="Silver")
        RequestTypeFactory(
            name="Question",
            slug="question",
            intro="Ask us anything.",
            sort_order=0,
            fields=[
                {"label": "Order date", "kind": "date", "required": True},
                {"label": "Topic", "kind": "choice", "choices": "Beans, Machines", "help_text": "Pick one"},
            ],
        )
        RequestTypeFactory(name="Members' line", slug="members-line", audience=Audience.MEMBERS, sort_order=1)
        gold_line = RequestTypeFactory(
            name="Gold line",
            slug="gold-line",
            kind=RequestType.Kind.COMPLAINT,
            audience=Audience.LEVELS,
            sort_order=2,
        )
        gold_line.levels.add(gold)
        gold_line.save()
        RequestTypeFactory(name="Old form", slug="old-form", is_active=False)
        jingan = LocationFactory(name="Jing'an store")  # 9:00–17:00 every day, Shanghai
        xuhui = LocationFactory(name="Xuhui studio", hours=[(0, "14:00", "17:00")])
        BookableServiceFactory(
            name="Bike fitting",
            slug="bike-fitting",
            summary="We set your bike up.",
            duration_minutes=90,
            price_cents=28_800,
            sort_order=1,
            providers=[
                ProviderFactory(name="Ada", location=jingan),
                ProviderFactory(name="Bo", location=xuhui),
            ],
        )
        BookableServiceFactory(
            name="Members' tasting", slug="members-tasting", members_only=True, sort_order=0
        )
        BookableServiceFactory(name="Retired", slug="retired", is_active=False)
    return tenant


def member_at(tenant, in_tenant, level_name):
    with in_tenant(tenant):
        return MemberRowFactory(level=MemberLevel.objects.get(name=level_name)).user


def bearer(tenant, in_tenant, user) -> dict:
    with in_tenant(tenant):
        return {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue_customer_token(user)}"}


def session_client(tenant, in_tenant, user) -> Client:
    client = Client()
    with in_tenant(tenant):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# --- Request types and services ------------------------------------------------------------------


def test_request_types_are_those_the_viewer_may_send_with_their_forms(brand, in_tenant):
    with in_tenant(brand):
        field_keys = list(
            RequestType.objects.get(slug="question")
            .fields.order_by("sort_order")
            .values_list("pk", flat=True)
        )
    assert gql(Client(), REQUEST_TYPES)["requestTypes"] == [
        {
            "slug": "question",
            "name": "Question",
            "kind": "question",
            "intro": "Ask us anything.",
            "url": "/service/request/question/",
            "fields": [
                {
                    "key": f"field_{field_keys[0]}",
                    "label": "Order date",
                    "kind": "date",
                    "required": True,
                    "choices": [],
                    "helpText": "",
                },
                {
                    "key": f"field_{field_keys[1]}",
                    "label": "Topic",
                    "kind": "choice",
                    "required": False,
                    "choices": ["Beans", "Machines"],
                    "helpText": "Pick one",
                },
            ],
        }
    ]
    silver = bearer(brand, in_tenant, member_at(brand, in_tenant, "Silver"))
    gold = session_client(brand, in_tenant, member_at(brand, in_tenant, "Gold"))

    def slugs(client, **headers):
        return [row["slug"] for row in gql(client, "{ requestTypes { slug } }", **headers)["requestTypes"]]

    assert slugs(Client(), **silver) == ["question", "members-line"]
    assert slugs(gold) == ["question", "members-line", "gold-line"]
    # Logged in without a member card: the members' forms too (they are logged in), no level's.
    assert slugs(session_client(brand, in_tenant, UserFactory())) == ["question", "members-line"]


def test_services_are_those_the_viewer_may_book(brand, in_tenant):
    pictures = Pictures(brand)
    try:
        with in_tenant(brand):
            BookableService.objects.filter(slug="bike-fitting").update(image=pictures.add("Fitting"))
        services_seen = gql(Client(), SERVICES)["services"]
        assert [{**row, "imageUrl": None} for row in services_seen] == [
            {
                "slug": "bike-fitting",
                "name": "Bike fitting",
                "summary": "We set your bike up.",
                "url": "/book/bike-fitting/",
                "durationMinutes": 90,
                "priceCents": 28_800,
                "membersOnly": False,
                "imageUrl": None,
            }
        ]
        assert re.fullmatch(
            rf"http://{HOST}/media/svcgql/images/[\w-]+/shop-[0-9a-f]{{12}}\.[0-9a-f]+\.fill-800x600\.png",
            services_seen[0]["imageUrl"],
        )
        member = bearer(brand, in_tenant, member_at(brand, in_tenant, "Silver"))
        seen = gql(Client(), SERVICES, **member)["services"]
        assert [(row["slug"], row["membersOnly"], row["imageUrl"] is None) for row in seen] == [
            ("members-tasting", True, True),
            ("bike-fitting", False, False),
        ]
    finally:
        pictures.remove()


# --- Free times ----------------------------------------------------------------------------------


def local(day: int, hour: int) -> str:
    """The UTC time GraphQL answers for `hour` o'clock on 2030-01-`day` in Shanghai."""
    return dt.datetime(2030, 1, day, hour, tzinfo=SHANGHAI).astimezone(dt.UTC).isoformat()


def test_available_slots_are_the_free_times_between_two_days(brand, in_tenant):
    with in_tenant(brand):
        ada, bo = (
            BookableService.objects.get(slug="bike-fitting").providers.get(name=name)
            for name in ("Ada", "Bo")
        )
        customer = UserFactory()
        services.book_appointment(
            BookableService.objects.get(slug="bike-fitting"),
            dt.datetime(2030, 1, 7, 13, tzinfo=SHANGHAI),
            user=customer,
            provider_id=ada.pk,
        )
    today = {"service": "bike-fitting", "from": "2030-01-07", "to": "2030-01-07"}
    slots = gql(Client(), SLOTS, today)["availableSlots"]

    # After 10:30, 90 minutes each: at Jing'an (Ada, 9–17, busy 13:00–14:30) and at Xuhui (Bo,
    # Mondays 14–17).
    assert [(row["startsAt"], row["providerId"]) for row in slots] == [
        (local(7, 11), str(ada.pk)),
        (local(7, 14), str(bo.pk)),
        (local(7, 15), str(ada.pk)),
        (local(7, 15), str(bo.pk)),
    ]
    assert slots[0] == {
        "startsAt": "2030-01-07T03:00:00+00:00",
        "endsAt": "2030-01-07T04:30:00+00:00",
        "providerId": str(ada.pk),
        "locationId": str(ada.location_id),
    }
    at_xuhui = gql(Client(), SLOTS, {**today, "location": str(bo.location_id)})["availableSlots"]
    assert [(row["startsAt"], row["locationId"]) for row in at_xuhui] == [
        (local(7, 14), str(bo.location_id)),
        (local(7, 15), str(bo.location_id)),
    ]
    two = gql(Client(), SLOTS, {**today, "to": "2030-01-08", "first": 2})["availableSlots"]
    assert [row["startsAt"] for row in two] == [local(7, 11), local(7, 14)]
    next_monday = gql(Client(), SLOTS, {**today, "from": "2030-01-14", "to": "2030-01-14"})["availableSlots"]
    assert len(next_monday) == 9  # Ada every hour from 9:00 to 15:00, Bo at 14:00 and 15:00


def test_bad_slot_questions_are_answered_with_clear_errors(brand, in_tenant):
    day = {"service": "bike-fitting", "from": "2030-01-07", "to": "2030-01-07"}
    assert error_of(Client(), SLOTS, {**day, "to": "2030-01-06"}) == [
        "`to` must be the same day as `from` or later."
    ]
    assert error_of(Client(), SLOTS, {**day, "to": "2030-02-07"}) == [
        "Ask for at most 31 days at a time (from `from` to `to`)."
    ]
    assert error_of(Client(), SLOTS, {**day, "service": "teapots"}) == [
        "There is no bookable service 'teapots'."
    ]
    assert error_of(Client(), SLOTS, {**day, "service": "retired"}) == [
        "There is no bookable service 'retired'."
    ]
    assert error_of(Client(), SLOTS, {**day, "service": "members-tasting"}) == [
        '"Members\' tasting" is for members only: log in as a member to see its times.'
    ]
    assert error_of(Client(), SLOTS, {**day, "location": "jingan"}) == [
        "There is no location 'jingan' taking bookings."
    ]
    assert error_of(Client(), SLOTS, {**day, "location": "999999"}) == [
        "There is no location '999999' taking bookings."
    ]
    (message,) = error_of(Client(), SLOTS, {**day, "from": "7 January"})
    assert message.startswith("Variable '$from' got invalid value '7 January'")
    # A member asks about the members' service; 31 days is the most, and fine.
    member = bearer(brand, in_tenant, member_at(brand, in_tenant, "Gold"))
    assert gql(Client(), SLOTS, {**day, "service": "members-tasting"}, **member)["availableSlots"] != []
    assert len(gql(Client(), SLOTS, {**day, "to": "2030-02-06", "first": 100})["availableSlots"]) == 100


# --- The viewer's requests -----------------------------------------------------------------------


@pytest.fixture
def requests_of_two_customers(brand, in_tenant, clock):
    """The customer's three requests (an hour apart: a question answered by staff, with a note
    staff keep to themselves; a complaint; a closed one) and another customer's."""
    with in_tenant(brand):
        customer, other, staff = UserFactory(), UserFactory(), UserFactory(is_staff=True)
        question, members_line = (
            RequestType.objects.get(slug="question"),
            RequestType.objects.get(slug="members-line"),
        )
        first = services.submit_request(
            question, subject="Grinder jams", message="It stops after 5 s.", user=customer
        )
        clock["now"] += dt.timedelta(minutes=5)
        services.add_note(first, "Customer had this before: swap the burr.", acting_user=staff)
        services.reply_to_ticket(
            first,
            "Please send a photo of the burr.",
            files=[
                SimpleUploadedFile("steps.txt", b"1. Unplug\n2. Open the lid\n", content_type="text/plain")
            ],
            acting_user=staff,
        )
        clock["now"] += dt.timedelta(hours=1)
        second = services.submit_request(
            members_line, subject="Refund?", message="Where is it?", user=customer
        )
        clock["now"] += dt.timedelta(hours=1)
        third = services.submit_request(question, subject="Thanks", message="All good now.", user=customer)
        services.change_ticket_status(third, Ticket.Status.CLOSED, acting_user=staff)
        services.submit_request(question, subject="Someone else's", message="Mine only.", user=other)
    yield customer, other, (first, second, third)
    with in_tenant(brand):
        for attachment in Attachment.objects.all():
            attachment.file.delete(save=False)


def test_tickets_are_the_viewers_own_with_the_conversation_but_no_internal_note(
    brand, in_tenant, requests_of_two_customers
):
    customer, other, (first, second, third) = requests_of_two_customers
    with in_tenant(brand):
        attachment = Attachment.objects.get()
    token = bearer(brand, in_tenant, customer)
    page = gql(Client(), TICKETS, **token)["viewer"]["tickets"]
    assert page["hasNextPage"] is False
    assert page["endCursor"] == ticket_cursor(first)
    assert [item["number"] for item in page["items"]] == [f"#{third.pk}", f"#{second.pk}", f"#{first.pk}"]
    assert page["items"][2] == {
        "number": f"#{first.pk}",
        "subject": "Grinder jams",
        "status": "open",
        "type": "Question",
        "url": f"/account/requests/{first.pk}/",
        "createdAt": "2030-01-07T02:30:00+00:00",
        "updatedAt": "2030-01-07T02:35:00+00:00",
        "rating": None,
        "messages": [
            {
                "body": "It stops after 5 s.",
                "fromStaff": False,
                "createdAt": "2030-01-07T02:30:00+00:00",
                "attachments": [],
            },
            {
                "body": "Please send a photo of the burr.",
                "fromStaff": True,
                "createdAt": "2030-01-07T02:35:00+00:00",
                "attachments": [
                    {
                        "name": "steps.txt",
                        "url": f"http://{HOST}/service/files/{attachment.pk}/",
                        "contentType": "text/plain",
                        "size": 26,
                    }
                ],
            },
        ],
    }
    assert (page["items"][0]["status"], page["items"][1]["type"]) == ("closed", "Members' line")
    everything = json.dumps(gql(session_client(brand, in_tenant, customer), TICKETS)["viewer"])
    assert "swap the burr" not in everything  # the internal note
    assert "Someone else" not in everything

    theirs = gql(Client(), TICKETS, **bearer(brand, in_tenant, other))["viewer"]["tickets"]["items"]
    assert [item["subject"] for item in theirs] == ["Someone else's"]
    assert gql(Client(), TICKETS)["viewer"] is None


def test_tickets_page_by_cursor_and_filter_by_status(brand, in_tenant, requests_of_two_customers):
    customer, _other, (first, second, third) = requests_of_two_customers
    token = bearer(brand, in_tenant, customer)
    page = gql(Client(), TICKETS, {"first": 2}, **token)["viewer"]["tickets"]
    assert ([item["subject"] for item in page["items"]], page["hasNextPage"]) == (["Thanks", "Refund?"], True)
    rest = gql(Client(), TICKETS, {"first": 2, "after": page["endCursor"]}, **token)["viewer"]["tickets"]
    assert ([item["subject"] for item in rest["items"]], rest["hasNextPage"]) == (["Grinder jams"], False)
    closed = gql(Client(), TICKETS, {"status": "CLOSED"}, **token)["viewer"]["tickets"]["items"]
    assert [item["subject"] for item in closed] == ["Thanks"]
    unknown = gql(Client(), TICKETS, {"after": "not-ours"}, **token)["viewer"]["tickets"]
    assert unknown == {"endCursor": None, "hasNextPage": False, "items": []}


def test_the_ticket_list_costs_the_same_queries_for_one_request_as_for_six(brand, in_tenant, clock):
    with in_tenant(brand):
        customer, staff = UserFactory(), UserFactory(is_staff=True)
        question = RequestType.objects.get(slug="question")

        def send(count):
            for number in range(count):
                ticket = services.submit_request(
                    question, subject=f"Request {number}", message="Hi", user=customer
                )
                services.reply_to_ticket(ticket, "Hello", acting_user=staff)
                services.add_note(ticket, "Note", acting_user=staff)

        send(1)
    client = session_client(brand, in_tenant, customer)
    gql(client, TICKETS)  # the session and the site are read once

    def queries():
        with CaptureQueriesContext(connection) as captured:
            gql(client, TICKETS)
        return len(captured)

    one = queries()
    with in_tenant(brand):
        send(5)
    assert queries() == one
    assert len(gql(client, TICKETS)["viewer"]["tickets"]["items"]) == 6


def test_forms_and_services_cost_the_same_queries_for_few_as_for_many(brand, in_tenant):
    pictures = Pictures(brand)
    member = bearer(brand, in_tenant, member_at(brand, in_tenant, "Gold"))
    query = "{ requestTypes { slug fields { key choices } } services { slug imageUrl } }"

    def queries() -> int:
        gql(Client(), query, **member)  # renditions are made once
        with CaptureQueriesContext(connection) as captured:
            gql(Client(), query, **member)
        return len(captured)

    try:
        with in_tenant(brand):
            BookableService.objects.filter(slug="bike-fitting").update(image=pictures.add("Fitting"))
        few = queries()
        with in_tenant(brand):
            for number in range(4):
                RequestTypeFactory(fields=[{"label": "Topic", "kind": "choice", "choices": "A, B"}] * 3)
                BookableServiceFactory(image=pictures.add(f"Service {number}"))
        assert queries() == few
        answer = gql(Client(), query, **member)
        assert (len(answer["requestTypes"]), len(answer["services"])) == (7, 6)
    finally:
        pictures.remove()


# --- The viewer's bookings -----------------------------------------------------------------------


def test_appointments_are_the_viewers_own(brand, in_tenant, clock):
    with in_tenant(brand):
        customer, other = UserFactory(), UserFactory()
        fitting = BookableService.objects.get(slug="bike-fitting")
        ada = fitting.providers.get(name="Ada")
        booked = services.book_appointment(
            fitting, dt.datetime(2030, 1, 8, 9, tzinfo=SHANGHAI), user=customer, provider_id=ada.pk
        )
        cancelled = services.book_appointment(
            fitting, dt.datetime(2030, 1, 9, 9, tzinfo=SHANGHAI), user=customer
        )
        services.cancel_appointment(cancelled, acting_user=customer)
        services.book_appointment(fitting, dt.datetime(2030, 1, 10, 9, tzinfo=SHANGHAI), user=other)
        price = Appointment.objects.get(pk=booked.pk).price_cents
    token = bearer(brand, in_tenant, customer)
    upcoming = gql(Client(), APPOINTMENTS, {"upcoming": True}, **token)["viewer"]["appointments"]
    assert upcoming == [
        {
            "code": booked.code,
            "service": {"slug": "bike-fitting", "name": "Bike fitting"},
            "startsAt": "2030-01-08T01:00:00+00:00",
            "endsAt": "2030-01-08T02:30:00+00:00",
            "status": "booked",
            "priceCents": price,
            "url": f"/account/appointments/{booked.code}/",
            "location": {"id": str(ada.location_id), "name": "Jing'an store", "timeZone": "Asia/Shanghai"},
            "provider": {"id": str(ada.pk), "name": "Ada"},
        }
    ]
    every = gql(Client(), APPOINTMENTS, **token)["viewer"]["appointments"]
    assert [(row["code"], row["status"]) for row in every] == [
        (cancelled.code, "cancelled"),
        (booked.code, "booked"),
    ]
    assert gql(Client(), APPOINTMENTS)["viewer"] is None

    # Two bookings or six: the same queries.
    with CaptureQueriesContext(connection) as two:
        gql(Client(), APPOINTMENTS, **token)
    with in_tenant(brand):
        for day in (14, 15, 16, 17):
            services.book_appointment(fitting, dt.datetime(2030, 1, day, 9, tzinfo=SHANGHAI), user=customer)
    with CaptureQueriesContext(connection) as six:
        assert len(gql(Client(), APPOINTMENTS, **token)["viewer"]["appointments"]) == 6
    assert len(two) == len(six)


# --- One tenant at a time ------------------------------------------------------------------------


def test_another_tenant_never_sees_this_ones_forms_services_or_requests(
    brand, in_tenant, make_tenant, requests_of_two_customers
):
    customer, *_rest = requests_of_two_customers
    bravo = make_tenant("svcbravo").tenant
    with in_tenant(bravo):
        without_starter_service_desk()
        RequestTypeFactory(name="Bravo question", slug="bravo-question")
    on_bravo = {"host": "svcbravo.localhost"}
    assert [
        row["slug"] for row in gql(Client(), "{ requestTypes { slug } }", **on_bravo)["requestTypes"]
    ] == ["bravo-question"]
    assert gql(Client(), SERVICES, **on_bravo)["services"] == []
    body = post(
        Client(), SLOTS, {"service": "bike-fitting", "from": "2030-01-07", "to": "2030-01-07"}, **on_bravo
    )
    assert [error["message"] for error in body["errors"]] == ["There is no bookable service 'bike-fitting'."]
    token = bearer(brand, in_tenant, customer)
    assert gql(Client(), TICKETS, **on_bravo, **token)["viewer"] is None
    assert gql(Client(), APPOINTMENTS, **on_bravo, **token)["viewer"] is None
