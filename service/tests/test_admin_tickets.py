"""What brand staff do with requests in the admin: the queue (filters, search, bulk assign and
close, CSV, a fixed number of queries), a request's page and its forms (replies the customer is
told about, notes, status, assignment, tags; refusals change nothing), requests taken by phone,
the satisfaction report's figures, request types and teams, and that one brand's staff never
reach another brand's requests."""

import contextlib
import csv
import datetime as dt
import io
import zoneinfo
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from accounts.tests.factories import UserFactory
from core.outbox import deliver_due_events
from notifications.models import Notification
from service import services
from service.admin.tickets import csat_report
from service.models import Attachment, RequestType, SlaTarget, Team, Ticket, TicketEvent, TicketMessage
from service.tests.factories import RequestTypeFactory

HOST = "svcadmin.localhost"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("svcadmin", default_language="en").tenant  # Asia/Shanghai
    with in_tenant(tenant):
        users = get_user_model().objects
        users.create_superuser("boss", "boss@brand.example", "boss-pass-1")
        users.create_user(
            "mei", "mei@brand.example", "mei-pass-1", is_staff=True, first_name="Mei", last_name="Wang"
        )
    return tenant


def staff(host=HOST) -> Client:
    client = Client()
    response = client.post("/admin/login/", {"username": "boss", "password": "boss-pass-1"}, HTTP_HOST=host)
    assert response.status_code == 302
    return client


def user(username):
    return get_user_model().objects.get(username=username)


@contextlib.contextmanager
def at(moment):
    """Services run as if it were `moment` (their timezone.now())."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def submit(request_type, subject, **fields):
    fields.setdefault("message", "Please help.")
    if "user" not in fields and not (fields.get("email") or fields.get("phone")):
        fields["email"] = "guest@example.com"
    return services.submit_request(request_type, subject=subject, **fields)


def shown_messages(response) -> list[str]:
    return [str(message).strip() for message in response.context["messages"]]


def state(ticket):
    ticket = Ticket.objects.get(pk=ticket.pk)
    return (
        ticket.status,
        ticket.priority,
        ticket.assignee_id,
        ticket.team_id,
        ticket.tags,
        ticket.updated_at,
        TicketMessage.objects.filter(ticket=ticket).count(),
        TicketEvent.objects.filter(ticket=ticket).count(),
        Attachment.objects.filter(message__ticket=ticket).count(),
    )


def deliver():
    with TestCase.captureOnCommitCallbacks(execute=True):
        deliver_due_events()


# --- The queue ------------------------------------------------------------------------------------


@pytest.fixture
def queue(brand, in_tenant):
    """Four requests: Lin's "Broken zip" (the boss's, tagged), a guest's "Where is my parcel"
    (nobody's), "Late repair" phoned in three hours ago and past its one-hour first-response target
    (the after-sales team's), and "Refund please" (Mei's, high priority, resolved)."""
    with in_tenant(brand):
        boss, mei = user("boss"), user("mei")
        after_sales = Team.objects.create(name="After-sales")
        repair = RequestTypeFactory(name="Repair", sla={"normal": (1, 24), "high": (1, 24)})
        question = RequestTypeFactory(name="Question")
        lin = UserFactory(username="lin", email="lin@example.com")
        zip_ = submit(repair, "Broken zip", user=lin)
        services.assign_ticket(zip_, assignee=boss, acting_user=boss)
        services.set_ticket_tags(zip_, "zip, Warranty", acting_user=boss)
        parcel = submit(question, "Where is my parcel", name="Guest", email="guest@example.com")
        with at(timezone.now() - dt.timedelta(hours=3)):
            late = submit(repair, "Late repair", phone="13800138000", channel="phone")
        services.assign_ticket(late, team=after_sales, acting_user=boss)
        refund = submit(question, "Refund please", email="ren@example.com")
        services.assign_ticket(refund, assignee=mei, acting_user=boss)
        services.set_ticket_priority(refund, "high", acting_user=boss)
        services.change_ticket_status(refund, "resolved", acting_user=boss)
    return {
        "tenant": brand,
        "zip": zip_,
        "parcel": parcel,
        "late": late,
        "refund": refund,
        "repair": repair,
        "after_sales": after_sales,
    }


def listed(client, **params) -> list[str]:
    response = client.get("/admin/service/tickets/", params, HTTP_HOST=HOST)
    assert response.status_code == 200
    return sorted(ticket.subject for ticket in response.context["object_list"])


def test_queue_filters_and_search_give_exact_rows(queue):
    client = staff()
    everything = ["Broken zip", "Late repair", "Refund please", "Where is my parcel"]
    assert listed(client) == everything
    assert listed(client, assigned="me") == ["Broken zip"]
    assert listed(client, assigned="nobody") == ["Late repair", "Where is my parcel"]
    assert listed(client, overdue="yes") == ["Late repair"]
    assert listed(client, overdue="no") == ["Broken zip", "Refund please", "Where is my parcel"]
    assert listed(client, assigned="nobody", overdue="yes") == ["Late repair"]
    assert listed(client, request_type=queue["repair"].pk) == ["Broken zip", "Late repair"]
    assert listed(client, status="resolved") == ["Refund please"]
    assert listed(client, status="unsolved") == ["Broken zip", "Late repair", "Where is my parcel"]
    assert listed(client, priority="high") == ["Refund please"]
    assert listed(client, tag="warranty") == ["Broken zip"]
    assert listed(client, team=queue["after_sales"].pk) == ["Late repair"]
    assert listed(client, q="ZIP") == ["Broken zip"]
    assert listed(client, q=queue["parcel"].number) == ["Where is my parcel"]
    assert listed(client, q=str(queue["late"].pk)) == ["Late repair"]
    assert listed(client, q="guest@") == ["Where is my parcel"]
    assert listed(client, q="lin@example.com") == ["Broken zip"]
    assert listed(client, q="13800138") == ["Late repair"]
    assert listed(client, q="nothing like it") == []


def test_the_queue_shows_each_requests_columns_and_overdue_tag(queue):
    client = staff()
    response = client.get("/admin/service/tickets/", {"ordering": "id"}, HTTP_HOST=HOST)
    html = response.content.decode()
    assert html.count("data-overdue") == 1
    assert f'href="/admin/service/tickets/{queue["late"].pk}/"' in html
    assert html.count('name="ticket"') == 4  # a checkbox per request, in the bulk form
    assert 'action="/admin/service/tickets/bulk/"' in html
    assert "/admin/service/tickets/new/" in html
    table = response.context["table"]
    rows = [
        {
            column.name: column.get_value(ticket)
            for column in table.columns.values()
            if hasattr(column, "get_value")
        }
        for ticket in response.context["object_list"]
    ]
    zip_row = rows[0]
    assert {
        key: zip_row[key]
        for key in ("number", "subject", "type", "customer", "status", "priority", "assigned")
    } == {
        "number": queue["zip"].number,
        "subject": "Broken zip",
        "type": "Repair",
        "customer": "lin",
        "status": "New",
        "priority": "Normal",
        "assigned": "boss",
    }
    assert [row["assigned"] for row in rows] == ["boss", "—", "After-sales", "Mei Wang (mei)"]
    assert [row["overdue"] for row in rows] == [False, False, True, False]


def test_the_queue_costs_the_same_queries_for_3_and_10_requests(brand, in_tenant, django_assert_num_queries):
    with in_tenant(brand):
        boss, mei = user("boss"), user("mei")
        team = Team.objects.create(name="Store 3")
        repair = RequestTypeFactory(name="Repair", sla={"normal": (2, 24)})

        def add(count):
            for index in range(count):
                customer = UserFactory()
                ticket = submit(repair, f"Request {index}", user=customer)
                services.assign_ticket(ticket, assignee=[boss, mei][index % 2], team=team, acting_user=boss)
                services.set_ticket_tags(ticket, [f"tag{index}"], acting_user=boss)

        add(3)
    client = staff()
    client.get("/admin/service/tickets/", HTTP_HOST=HOST)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/admin/service/tickets/", HTTP_HOST=HOST).context["object_list"]) == 3
    with in_tenant(brand):
        add(7)
    with django_assert_num_queries(len(few)):
        assert len(client.get("/admin/service/tickets/", HTTP_HOST=HOST).context["object_list"]) == 10


def test_the_csv_has_the_filtered_requests_and_is_safe_in_a_spreadsheet(queue, in_tenant):
    with in_tenant(queue["tenant"]):
        question = RequestType.objects.get(name="Question")
        formula = submit(question, '=HYPERLINK("http://evil.example")', email="eve@example.com")
    response = staff().get(
        "/admin/service/tickets/", {"export": "csv", "request_type": question.pk}, HTTP_HOST=HOST
    )
    assert (response.status_code, response["Content-Type"]) == (200, "text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(
        (row["Number"], row["Subject"], row["Status"], row["E-mail"], row["Assignee"]) for row in rows
    ) == sorted(
        [
            (queue["parcel"].number, "Where is my parcel", "New", "guest@example.com", ""),
            (queue["refund"].number, "Refund please", "Resolved", "ren@example.com", "mei"),
            (formula.number, '\'=HYPERLINK("http://evil.example")', "New", "eve@example.com", ""),
        ]
    )
    late = staff().get("/admin/service/tickets/", {"export": "csv", "overdue": "yes"}, HTTP_HOST=HOST)
    late_rows = list(csv.DictReader(io.StringIO(b"".join(late.streaming_content).decode())))
    assert [
        (row["Number"], row["Phone"], row["Team"], row["Overdue"], row["Channel"]) for row in late_rows
    ] == [(queue["late"].number, "13800138000", "After-sales", "Yes", "Phone")]
    assert list(late_rows[0])[1] == "Received (Asia/Shanghai)"


# --- Bulk assign and close -------------------------------------------------------------------------


def test_bulk_assign_and_close_change_exactly_the_chosen_requests(brand, in_tenant):
    with in_tenant(brand):
        question = RequestTypeFactory(name="Question")
        first, second, third = (submit(question, subject) for subject in ("First", "Second", "Third"))
        mei = user("mei")
    client = staff()
    response = client.post(
        "/admin/service/tickets/bulk/",
        {
            "action": "assign",
            "assignee": mei.pk,
            "ticket": [first.pk, second.pk],
            "next": "/admin/service/tickets/?status=new",
        },
        HTTP_HOST=HOST,
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/service/tickets/?status=new")
    page = client.get(response["Location"], HTTP_HOST=HOST)
    assert shown_messages(page) == ["2 requests assigned to Mei Wang (mei)."]
    with in_tenant(brand):
        assert dict(
            Ticket.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list(
                "subject", "assignee__username"
            )
        ) == {
            "First": "mei",
            "Second": "mei",
            "Third": None,
        }
        assert list(
            TicketEvent.objects.filter(action="assigned")
            .order_by("ticket_id")
            .values_list("ticket__subject", "actor__username", "old_value", "new_value")
        ) == [("First", "boss", "", "mei"), ("Second", "boss", "", "mei")]

    response = client.post(
        "/admin/service/tickets/bulk/",
        {"action": "close", "ticket": [second.pk, third.pk], "next": "https://evil.example/"},
        HTTP_HOST=HOST,
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/service/tickets/")
    assert shown_messages(client.get("/admin/service/tickets/", HTTP_HOST=HOST)) == ["2 requests closed."]
    with in_tenant(brand):
        assert dict(
            Ticket.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("subject", "status")
        ) == {
            "First": "new",
            "Second": "closed",
            "Third": "closed",
        }
        assert list(
            TicketEvent.objects.filter(action="status")
            .order_by("ticket_id")
            .values_list("ticket__subject", "actor__username", "old_value", "new_value")
        ) == [("Second", "boss", "new", "closed"), ("Third", "boss", "new", "closed")]
        before = [state(ticket) for ticket in (first, second, third)]

    for data, message in (
        ({"action": "assign", "ticket": [first.pk]}, "Choose who the requests go to."),
        ({"action": "close"}, "Select at least one request."),
        (
            {
                "action": "assign",
                "assignee": user_pk(in_tenant, brand, "boss") + 10_000,
                "ticket": [third.pk],
            },
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ):
        response = client.post("/admin/service/tickets/bulk/", data, HTTP_HOST=HOST)
        assert response.status_code == 302
        assert shown_messages(client.get("/admin/service/tickets/", HTTP_HOST=HOST)) == [message]
    with in_tenant(brand):
        assert [state(ticket) for ticket in (first, second, third)] == before


def user_pk(in_tenant, tenant, username) -> int:
    with in_tenant(tenant):
        return user(username).pk


# --- A request's page and its forms ------------------------------------------------------------------


def test_a_reply_as_waiting_then_resolved_tells_the_customer(brand, in_tenant):
    with in_tenant(brand):
        repair = RequestTypeFactory(name="Repair", sla={"normal": (4, 48)})
        lin = UserFactory(username="lin", email="lin@example.com")
        ticket = submit(repair, "The zip broke", user=lin)
    client = staff()
    url = f"/admin/service/tickets/{ticket.pk}"
    response = client.post(
        f"{url}/reply/",
        {
            "reply-body": "Could you send a photo of the zip?",
            "reply-then": "waiting",
            "files": [SimpleUploadedFile("how-to.png", PNG, content_type="image/png")],
        },
        HTTP_HOST=HOST,
    )
    assert (response.status_code, response["Location"]) == (302, f"{url}/")
    assert shown_messages(client.get(f"{url}/", HTTP_HOST=HOST)) == [
        f"Your reply to {ticket.number} is sent."
    ]
    with in_tenant(brand):
        ticket.refresh_from_db()
        assert (ticket.status, ticket.assignee.username, ticket.first_responded_at is not None) == (
            "waiting",
            "boss",
            True,
        )
        assert list(Attachment.objects.values_list("name", "content_type", "message__body")) == [
            ("how-to.png", "image/png", "Could you send a photo of the zip?")
        ]

    response = client.post(
        f"{url}/reply/", {"reply-body": "A new zip is on its way.", "reply-then": "resolved"}, HTTP_HOST=HOST
    )
    assert response.status_code == 302
    with in_tenant(brand):
        ticket.refresh_from_db()
        assert ticket.status == "resolved"
        assert list(
            ticket.events.order_by("pk").values_list("action", "old_value", "new_value", "actor__username")
        ) == [
            ("created", "", "new", "lin"),
            ("assigned", "", "boss", "boss"),
            ("replied", "", "", "boss"),
            ("status", "new", "waiting", "boss"),
            ("replied", "", "", "boss"),
            ("status", "waiting", "resolved", "boss"),
        ]
        deliver()
        told = list(
            Notification.objects.filter(recipient=lin).order_by("pk").values_list("kind", "title", "body")
        )
    number = ticket.number
    assert told == [
        (
            "ticket.created",
            f"We received your request {number}",
            "“The zip broke”: we will answer you here as soon as we can.",
        ),
        ("ticket.replied", f"New reply to your request {number}", "Could you send a photo of the zip?"),
        ("ticket.replied", f"New reply to your request {number}", "A new zip is on its way."),
        (
            "ticket.resolved",
            f"Request {number} is resolved",
            "“The zip broke” is resolved. How did we do? Rate our help in one tap; reply if you still need us.",
        ),
    ]


def test_the_request_page_shows_the_conversation_notes_answers_and_history(brand, in_tenant):
    with in_tenant(brand):
        repair = RequestTypeFactory(name="Repair", sla={"normal": (4, 48)})
        lin = UserFactory(username="lin", email="lin@example.com", first_name="Lin", last_name="Hu")
        ticket = submit(
            repair,
            "The zip broke",
            user=lin,
            phone="13900139000",
            order_number="SO-1042",
            message="On the first day.",
            answers=[{"key": "field_1", "label": "Bought on", "kind": "date", "value": "2026-11-02"}],
            files=[SimpleUploadedFile("zip.png", PNG, content_type="image/png")],
        )
        boss = user("boss")
        services.add_note(ticket, "Second broken zip this month.", acting_user=boss)
        services.reply_to_ticket(ticket, "Sorry! A new one is on its way.", acting_user=boss)
        photo = Attachment.objects.get()
    response = staff().get(f"/admin/service/tickets/{ticket.pk}/", HTTP_HOST=HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert [
        (
            entry["author"],
            entry["message"].body,
            entry["message"].internal,
            [a.name for a in entry["attachments"]],
        )
        for entry in response.context["conversation"]
    ] == [
        ("Lin Hu", "On the first day.", False, ["zip.png"]),
        ("boss", "Second broken zip this month.", True, []),
        ("boss", "Sorry! A new one is on its way.", False, []),
    ]
    assert f'href="/service/files/{photo.pk}/"' in html
    assert html.count("data-internal") == 1
    assert response.context["answers"] == [{"label": "Bought on", "value": "2026-11-02"}]
    for shown in ("SO-1042", "13900139000", "lin@example.com"):
        assert shown in html
    assert [
        (row["event"].action, row["old"], row["new"], row["actor"]) for row in response.context["history"]
    ] == [
        ("created", "", "New", "Lin Hu (lin)"),
        ("note", "", "", "boss"),
        ("assigned", "", "boss", "boss"),
        ("replied", "", "", "boss"),
        ("status", "New", "Open", "boss"),
    ]
    assert response.context["sla"]["first_response_due"] != ""
    assert response.context["overdue"] is False


def test_each_form_does_its_change_through_the_service(brand, in_tenant):
    with in_tenant(brand):
        after_sales = Team.objects.create(name="After-sales")
        complaints = Team.objects.create(name="Complaints")
        repair = RequestTypeFactory(
            name="Repair", escalation_team=complaints, sla={"normal": (4, 48), "high": (1, 8)}
        )
        ticket = submit(repair, "The zip broke")
        mei = user("mei")
    client = staff()
    url = f"/admin/service/tickets/{ticket.pk}"
    posts = [
        ("note", {"note-body": "Call them back."}, f"Note added to {ticket.number}."),
        (
            "assign",
            {"assign-assignee": mei.pk, "assign-team": after_sales.pk},
            f"Request {ticket.number}: Mei Wang (mei) · After-sales.",
        ),
        (
            "priority",
            {"priority-priority": "urgent"},
            f"Request {ticket.number} is now of “Urgent” priority.",
        ),
        ("tags", {"tags-tags": "Zip, warranty, zip"}, f"Tags of {ticket.number} saved."),
        ("status", {"status-status": "open"}, f"Request {ticket.number} is now “Open”."),
        (
            "escalate",
            {"escalate-reason": "Second complaint this month"},
            f"Request {ticket.number} is escalated.",
        ),
    ]
    for name, data, message in posts:
        response = client.post(f"{url}/{name}/", data, HTTP_HOST=HOST)
        assert (name, response.status_code, response["Location"]) == (name, 302, f"{url}/")
        assert shown_messages(client.get(f"{url}/", HTTP_HOST=HOST)) == [message]
    with in_tenant(brand):
        ticket.refresh_from_db()
        assert (
            ticket.status,
            ticket.priority,
            ticket.assignee.username,
            ticket.team.name,
            ticket.tags,
            ticket.escalated_at is not None,
        ) == ("open", "urgent", "mei", "Complaints", ["zip", "warranty"], True)
        assert list(ticket.messages.order_by("pk").values_list("body", "internal")) == [
            ("Please help.", False),
            ("Call them back.", True),
            ("Second complaint this month", True),
        ]
        assert list(ticket.events.order_by("pk").values_list("action", "new_value")) == [
            ("created", "new"),
            ("note", ""),
            ("assigned", "mei"),
            ("assigned", "After-sales"),
            ("priority", "urgent"),
            ("tags", "zip, warranty"),
            ("status", "open"),
            ("escalated", "Second complaint this month"),
        ]


def test_a_refused_form_shows_the_message_and_changes_nothing(brand, in_tenant):
    with in_tenant(brand):
        question = RequestTypeFactory(name="Question")
        ticket = submit(question, "Where is my parcel")
        closed = submit(question, "Done already")
        services.change_ticket_status(closed, "closed", acting_user=None)
        customer = UserFactory(username="lin")
        before, closed_before = state(ticket), state(closed)
    client = staff()
    url = f"/admin/service/tickets/{ticket.pk}"
    refusals = [
        (
            f"{url}/reply/",
            {
                "reply-body": "Here it is.",
                "files": [
                    SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
                ],
            },
            "“run.exe” is not a file we accept: send a photo (JPG, PNG, GIF, WebP, HEIC), a PDF or a text file.",
        ),
        (
            f"{url}/tags/",
            {"tags-tags": ",".join(f"t{n}" for n in range(11))},
            "A request takes at most 10 tags.",
        ),
        (f"{url}/assign/", {"assign-assignee": customer.pk}, "Nothing was changed: check the form."),
        (f"{url}/reply/", {"reply-body": "   "}, "Nothing was changed: check the form."),
        (f"{url}/status/", {"status-status": "sleeping"}, "Nothing was changed: check the form."),
        (
            f"/admin/service/tickets/{closed.pk}/reply/",
            {"reply-body": "Anything else?"},
            f"Request {closed.number} cannot take that now.",
        ),
    ]
    for post_url, data, message in refusals:
        response = client.post(post_url, data, HTTP_HOST=HOST)
        if response.status_code == 302:
            response = client.get(response["Location"], HTTP_HOST=HOST)
        assert (post_url, response.status_code, shown_messages(response)) == (post_url, 200, [message])
    # The refused reply comes back with what was typed.
    response = client.post(
        f"{url}/tags/", {"tags-tags": ",".join(f"t{n}" for n in range(11))}, HTTP_HOST=HOST
    )
    tags_form = next(entry["form"] for entry in response.context["forms"] if entry["action"].name == "tags")
    assert tags_form["tags"].value() == ",".join(f"t{n}" for n in range(11))
    with in_tenant(brand):
        assert (state(ticket), state(closed)) == (before, closed_before)


# --- New request --------------------------------------------------------------------------------------


def new_request(**fields):
    return {
        "request_type": "",
        "channel": "phone",
        "customer": "",
        "name": "",
        "email": "",
        "phone": "",
        "order_number": "",
        "subject": "Zip broke",
        "message": "Called about the zip.",
        "key": "form-key-1",
        **fields,
    }


def test_staff_take_a_request_by_phone_for_a_customer_or_a_visitor(brand, in_tenant):
    with in_tenant(brand):
        repair = RequestTypeFactory(name="Repair", sla={"normal": (4, 48)})
        lin = UserFactory(username="lin", email="lin@example.com", first_name="Lin", last_name="Hu")
    client = staff()
    page = client.get("/admin/service/tickets/new/", HTTP_HOST=HOST)
    assert page.status_code == 200
    assert "Add to the queue" in page.content.decode()
    data = new_request(
        request_type=repair.pk, channel="wechat", customer="LIN@example.com", order_number="SO-7"
    )
    response = client.post("/admin/service/tickets/new/", data, HTTP_HOST=HOST)
    with in_tenant(brand):
        ticket = Ticket.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/admin/service/tickets/{ticket.pk}/")
    assert shown_messages(client.get(response["Location"], HTTP_HOST=HOST)) == [
        f"Request {ticket.number} is in the queue."
    ]
    # The same form sent twice is one request.
    assert (
        client.post("/admin/service/tickets/new/", data, HTTP_HOST=HOST)["Location"] == response["Location"]
    )
    with in_tenant(brand):
        assert Ticket.objects.count() == 1
        ticket.refresh_from_db()
        assert (
            ticket.user,
            ticket.name,
            ticket.email,
            ticket.channel,
            ticket.order_number,
            ticket.subject,
        ) == (
            lin,
            "Lin Hu",
            "lin@example.com",
            "wechat",
            "SO-7",
            "Zip broke",
        )
        assert ticket.first_response_due_at == ticket.created_at + dt.timedelta(hours=4)
        assert list(ticket.events.values_list("action", "actor__username")) == [("created", "boss")]
        assert list(ticket.messages.values_list("body", "author__username", "from_staff")) == [
            ("Called about the zip.", "lin", False)
        ]

    response = client.post(
        "/admin/service/tickets/new/",
        new_request(
            request_type=repair.pk, channel="store", name="Walk-in", phone="13700137000", key="form-key-2"
        ),
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    with in_tenant(brand):
        visitor = Ticket.objects.exclude(pk=ticket.pk).get()
        assert (visitor.user, visitor.name, visitor.phone, visitor.channel) == (
            None,
            "Walk-in",
            "13700137000",
            "store",
        )

    for fields, error in (
        ({}, "Find the customer's account, or give their e-mail address or phone number."),
        ({"customer": "nobody@example.com"}, "No customer account has this e-mail address or username."),
    ):
        response = client.post(
            "/admin/service/tickets/new/",
            new_request(request_type=repair.pk, key="form-key-3", **fields),
            HTTP_HOST=HOST,
        )
        assert response.status_code == 200
        assert error in [message for errors in response.context["form"].errors.values() for message in errors]
    with in_tenant(brand):
        assert Ticket.objects.count() == 2


# --- Satisfaction report ----------------------------------------------------------------------------


def months_ago(count: int, day: int, hour: int) -> dt.datetime:
    """Day `day` of the month `count` months before this one, at `hour` o'clock in Shanghai."""
    today = timezone.localtime(timezone.now(), SHANGHAI).date()
    year, month = today.year, today.month - count
    while month < 1:
        year, month = year - 1, month + 12
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def test_the_satisfaction_report_has_exact_figures(brand, in_tenant, django_assert_num_queries):
    """Ratings of the last 12 months in the brand's months: one given at 03:00 in Shanghai on the
    first of last month (still the month before in UTC) counts for last month; one 13 months old
    counts for nothing."""
    with in_tenant(brand):
        repair = RequestTypeFactory(name="Repair")
        question = RequestTypeFactory(name="Question")
        boss, mei = user("boss"), user("mei")

        def rated(request_type, assignee, stars, comment, when):
            ticket = submit(request_type, f"{request_type.name} {stars}")
            if assignee:
                services.assign_ticket(ticket, assignee=assignee, acting_user=boss)
            services.change_ticket_status(ticket, "resolved", acting_user=boss)
            with at(when):
                services.rate_ticket(ticket, stars, comment)
            return ticket

        now = timezone.now()
        rated(repair, mei, 5, "Quick and kind.", now)
        early = months_ago(1, 1, 3)
        assert early.astimezone(dt.UTC).month != early.month
        rated(repair, mei, 4, "", early)
        slow = rated(question, boss, 2, "Slow.", months_ago(1, 15, 12))
        rated(question, None, 3, "Old news.", months_ago(13, 15, 12))
        submit(question, "Not rated")

        csat_report()  # the brand's time zone is read once per connection
        with django_assert_num_queries(5):  # totals, per type, per assignee, per month, the latest
            report = csat_report()
    assert (report.overall.ratings, report.overall.average) == (3, "3.7")
    assert report.stars == [(5, 1), (4, 1), (3, 0), (2, 1), (1, 0)]
    assert [(row.label, row.average, row.ratings) for row in report.by_type] == [
        ("Question", "2.0", 1),
        ("Repair", "4.5", 2),
    ]
    assert [(row.label, row.average, row.ratings) for row in report.by_agent] == [
        ("boss", "2.0", 1),
        ("Mei Wang (mei)", "4.5", 2),
    ]
    months = [(month, row.ratings, row.average) for month, row in report.by_month]
    assert len(months) == 12
    assert months[-1] == (months_ago(0, 1, 0).date(), 1, "5.0")
    assert months[-2] == (months_ago(1, 1, 0).date(), 2, "3.0")
    assert all((ratings, average) == (0, "—") for _month, ratings, average in months[:-2])
    bars = report.chart.bars
    assert [(bar.height, bar.y) for bar in bars[-2:]] == [("96", "64"), ("160", "0")]
    assert bars[-2].title == f"{bars[-2].label}: 3.0 from 2 ratings"
    assert bars[0].title == f"{bars[0].label}: no ratings"
    assert [ticket.rating_comment for ticket in report.recent] == ["Quick and kind.", "Slow.", ""]

    response = staff().get("/admin/service/satisfaction/", HTTP_HOST=HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="csat-chart__month"') == 12
    assert "Slow." in html
    assert "Old news." not in html
    assert f'href="/admin/service/tickets/{slow.pk}/"' in html


# --- Request types and teams ---------------------------------------------------------------------------


def request_type_form(**fields):
    fields_rows = fields.pop("fields", [])
    targets = fields.pop("sla_targets", [])
    return nested_form_data(
        {
            "name": "Repair",
            "slug": "repair",
            "kind": "repair",
            "intro": "",
            "audience": "everyone",
            "is_active": "on",
            "sort_order": "0",
            "fields": inline_formset([{"id": "", **row} for row in fields_rows]),
            "default_priority": "normal",
            "team": "",
            "escalation_team": "",
            "sla_targets": inline_formset([{"id": "", **row} for row in targets]),
            **fields,
        }
    )


def test_staff_make_a_request_type_with_fields_and_targets(brand, in_tenant):
    client = staff()
    assert client.get("/admin/service/request-types/new/", HTTP_HOST=HOST).status_code == 200
    doubled = request_type_form(
        sla_targets=[
            {"priority": "normal", "first_response_hours": "4", "resolution_hours": "48"},
            {"priority": "normal", "first_response_hours": "2", "resolution_hours": "24"},
        ]
    )
    response = client.post("/admin/service/request-types/new/", doubled, HTTP_HOST=HOST)
    assert response.status_code == 200
    errors = response.context["form"].formsets["sla_targets"].forms[1].errors
    assert errors == {"priority": ["There is more than one target for the priority “Normal”: keep one."]}
    with in_tenant(brand):
        assert not RequestType.objects.filter(slug="repair").exists()

    response = client.post(
        "/admin/service/request-types/new/",
        request_type_form(
            fields=[
                {"label": "Bought on", "kind": "date", "choices": "", "help_text": ""},
                {
                    "label": "Colour",
                    "kind": "choice",
                    "choices": "Red, Blue",
                    "required": "on",
                    "help_text": "",
                },
            ],
            sla_targets=[
                {"priority": "normal", "first_response_hours": "4", "resolution_hours": "48"},
                {"priority": "urgent", "first_response_hours": "1", "resolution_hours": "8"},
            ],
        ),
        HTTP_HOST=HOST,
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/service/request-types/")
    with in_tenant(brand):
        repair = RequestType.objects.get(slug="repair")
        assert list(
            repair.fields.order_by("sort_order").values_list("label", "kind", "choices", "required")
        ) == [
            ("Bought on", "date", "", False),
            ("Colour", "choice", "Red, Blue", True),
        ]
        assert sorted(
            SlaTarget.objects.filter(request_type=repair).values_list("priority", "first_response_hours")
        ) == [
            ("normal", 4),
            ("urgent", 1),
        ]
    listing = client.get("/admin/service/request-types/", {"q": "repair"}, HTTP_HOST=HOST)
    assert [row.name for row in listing.context["object_list"]] == ["Repair"]


def test_a_request_type_with_requests_is_kept_when_deleted(brand, in_tenant):
    with in_tenant(brand):
        repair = RequestTypeFactory(name="Repair")
        submit(repair, "The zip broke")
    client = staff()
    response = client.post(f"/admin/service/request-types/delete/{repair.pk}/", HTTP_HOST=HOST)
    assert (response.status_code, response["Location"]) == (302, "/admin/service/request-types/")
    assert shown_messages(client.get("/admin/service/request-types/", HTTP_HOST=HOST)) == [
        "“Repair” has requests, so it is kept: untick “accepting requests” to stop new ones."
    ]
    with in_tenant(brand):
        assert RequestType.objects.filter(pk=repair.pk).exists()


def test_a_team_is_made_of_staff(brand, in_tenant):
    with in_tenant(brand):
        customer = UserFactory(username="lin")
        mei = user("mei")
    client = staff()
    form = client.get("/admin/service/teams/new/", HTTP_HOST=HOST).context["form"]
    assert [choice.username for choice in form.fields["members"].queryset] == [
        "admin@svcadmin.example",  # the brand's first admin
        "boss",
        "mei",
    ]
    response = client.post(
        "/admin/service/teams/new/", {"name": "After-sales", "members": [mei.pk, customer.pk]}, HTTP_HOST=HOST
    )
    assert response.status_code == 200  # the customer is not a choice
    response = client.post(
        "/admin/service/teams/new/", {"name": "After-sales", "members": [mei.pk]}, HTTP_HOST=HOST
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/service/teams/")
    with in_tenant(brand):
        assert list(Team.objects.get(name="After-sales").members.values_list("username", flat=True)) == [
            "mei"
        ]


# --- Another brand ---------------------------------------------------------------------------------------


def test_staff_of_one_brand_never_reach_another_brands_requests(brand, make_tenant, in_tenant):
    other = make_tenant("svcother", default_language="en").tenant
    with in_tenant(brand):
        ours = submit(RequestTypeFactory(name="Question"), "Our request")
    with in_tenant(other):
        question = RequestTypeFactory(name="Question")
        theirs = submit(question, "Their request")
        if theirs.pk == ours.pk:  # each schema counts its own ids: take one the brand does not have
            theirs = submit(question, "Their second request")
        before = state(theirs)
    client = staff()
    assert client.get(f"/admin/service/tickets/{theirs.pk}/", HTTP_HOST=HOST).status_code == 404
    response = client.post(
        f"/admin/service/tickets/{theirs.pk}/note/", {"note-body": "Hello"}, HTTP_HOST=HOST
    )
    assert response.status_code == 404
    client.post("/admin/service/tickets/bulk/", {"action": "close", "ticket": [theirs.pk]}, HTTP_HOST=HOST)
    listing = client.get("/admin/service/tickets/", HTTP_HOST=HOST)
    assert [ticket.pk for ticket in listing.context["object_list"]] == [ours.pk]
    with in_tenant(other):
        assert state(theirs) == before
