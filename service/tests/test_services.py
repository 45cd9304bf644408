"""Requests through service.services: a ticket's life with its exact history, outbox events and
notifications; satisfaction ratings; service level targets and the schedule's alerts and auto-close;
escalation; a visitor's e-mail; idempotent submits; attachments."""

import datetime as dt
import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import OutboxEvent
from core.outbox import deliver_due_events
from notifications.models import Notification
from service import services
from service.models import Attachment, Team, Ticket, TicketEvent, TicketMessage
from service.tests.factories import RequestTypeFactory

START = dt.datetime(2026, 5, 4, 1, 0, tzinfo=dt.UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture
def tenant(make_tenant, in_tenant):
    provisioned = make_tenant("svc", default_language="en")
    with in_tenant(provisioned.tenant):
        yield provisioned.tenant


@pytest.fixture
def clock(monkeypatch):
    """clock(moment): timezone.now() is `moment` from here on (the services read it)."""

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_to


@pytest.fixture
def stored_files():
    """Names of files a test stores in the tenant's media folder; removed afterwards."""
    names = []
    yield names
    for name in names:
        default_storage.delete(name)


def staff(username, *permissions):
    user = get_user_model().objects.create_user(username, f"{username}@staff.example", "pw", is_staff=True)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def team_of(name, *users):
    team = Team.objects.create(name=name)
    team.members.set(users)
    team.save()  # a ParentalManyToManyField keeps its rows until the save
    return team


def history(ticket):
    return list(
        TicketEvent.objects.filter(ticket=ticket)
        .order_by("pk")
        .values_list("action", "actor__username", "old_value", "new_value")
    )


def outbox(ticket):
    return list(
        OutboxEvent.objects.filter(subject_type="ticket", subject_id=ticket.pk)
        .order_by("pk")
        .values_list("kind", "idempotency_key")
    )


def told(**filters):
    return list(
        Notification.objects.filter(**filters)
        .order_by("pk")
        .values_list("recipient__username", "kind", "title", "body", "url")
    )


# --- A ticket's life ---------------------------------------------------------------------------


def test_a_request_from_new_to_closed_leaves_its_history_events_and_notifications(tenant, clock):
    agent, colleague = staff("agent"), staff("colleague")
    after_sales = team_of("After-sales", agent, colleague)
    staff("bystander", "service.work_ticket")  # works requests, but not in the type's team
    repair = RequestTypeFactory(name="Repair", kind="repair", team=after_sales)
    mei = UserFactory(username="mei", first_name="Mei", last_name="Wang")

    clock(START)
    ticket = services.submit_request(
        repair, subject="Zip broke", message="The zip on my jacket broke.", user=mei, idempotency_key="f1"
    )
    assert (ticket.status, ticket.name, ticket.email, ticket.team, ticket.assignee) == (
        "new",
        "Mei Wang",
        "mei@example.com",
        after_sales,
        None,
    )
    clock(START + dt.timedelta(minutes=10))
    first_reply = services.reply_to_ticket(ticket, "Could you send a photo of the zip?", acting_user=agent)
    services.add_note(ticket, "Warranty case, I think.", acting_user=agent)
    services.change_ticket_status(ticket, "waiting", acting_user=agent)
    clock(START + dt.timedelta(minutes=30))
    answer = services.reply_as_customer(ticket, "Here it is.", acting_user=mei)
    clock(START + dt.timedelta(hours=1))
    last_reply = services.reply_to_ticket(
        ticket, "A new zip is on its way.", status="resolved", acting_user=agent
    )
    resolved = START + dt.timedelta(hours=1)
    clock(START + dt.timedelta(hours=2))
    services.change_ticket_status(ticket, "closed", acting_user=agent)

    ticket.refresh_from_db()
    assert (
        ticket.status,
        ticket.assignee,
        ticket.first_responded_at,
        ticket.resolved_at,
        ticket.closed_at,
    ) == (
        "closed",
        agent,
        START + dt.timedelta(minutes=10),
        resolved,
        START + dt.timedelta(hours=2),
    )
    assert history(ticket) == [
        ("created", "mei", "", "new"),
        ("assigned", "agent", "", "agent"),
        ("replied", "agent", "", ""),
        ("status", "agent", "new", "open"),
        ("note", "agent", "", ""),
        ("status", "agent", "open", "waiting"),
        ("customer_replied", "mei", "", ""),
        ("status", "mei", "waiting", "open"),
        ("replied", "agent", "", ""),
        ("status", "agent", "open", "resolved"),
        ("status", "agent", "resolved", "closed"),
    ]
    number = ticket.pk
    assert outbox(ticket) == [
        ("ticket.created", f"ticket.created:{number}:created"),
        ("ticket.replied", f"ticket.replied:{number}:message:{first_reply.pk}"),
        ("ticket.customer_replied", f"ticket.customer_replied:{number}:message:{answer.pk}"),
        ("ticket.replied", f"ticket.replied:{number}:message:{last_reply.pk}"),
        ("ticket.resolved", f"ticket.resolved:{number}:resolved:{resolved.timestamp()}"),
        ("ticket.closed", f"ticket.closed:{number}:closed"),
    ]
    assert OutboxEvent.objects.get(kind="ticket.created").data == {
        "ticket": number,
        "subject": "Zip broke",
        "status": "new",
        "type": "Repair",
        "kind": "repair",
    }
    assert list(
        TicketMessage.objects.filter(ticket=ticket)
        .order_by("pk")
        .values_list("author__username", "from_staff", "internal")
    ) == [
        ("mei", False, False),
        ("agent", True, False),
        ("agent", True, True),
        ("mei", False, False),
        ("agent", True, False),
    ]

    # ticket.closed has no subscriber: it was recorded as delivered.
    assert deliver_due_events() == {"delivered": 5, "retrying": 0, "failed": 0}
    account, desk = f"/account/requests/{number}/", f"/admin/service/tickets/{number}/"
    assert told(recipient=mei) == [
        (
            "mei",
            "ticket.created",
            f"We received your request #{number}",
            "“Zip broke”: we will answer you here as soon as we can.",
            account,
        ),
        (
            "mei",
            "ticket.replied",
            f"New reply to your request #{number}",
            "Could you send a photo of the zip?",
            account,
        ),
        (
            "mei",
            "ticket.replied",
            f"New reply to your request #{number}",
            "A new zip is on its way.",
            account,
        ),
        (
            "mei",
            "ticket.resolved",
            f"Request #{number} is resolved",
            "“Zip broke” is resolved. How did we do? Rate our help in one tap; reply if you still need us.",
            account,
        ),
    ]
    # The team hears of the new request (not the bystander, not the brand's admin); the assignee of
    # the customer's answer. The internal note told nobody.
    assert told(recipient__is_staff=True) == [
        ("agent", "staff.ticket_new", f"New request #{number}: Repair", "Zip broke", desk),
        ("colleague", "staff.ticket_new", f"New request #{number}: Repair", "Zip broke", desk),
        ("agent", "staff.ticket_customer_replied", f"The customer replied on #{number}", "Here it is.", desk),
    ]
    assert mail.outbox == []  # a member's request: no guest e-mail (their own e-mail goes out after commit)


def test_without_a_team_a_new_request_goes_to_everyone_who_works_requests(tenant):
    worker = staff("worker", "service.work_ticket")
    staff("bystander")
    question = RequestTypeFactory(name="Question")
    ticket = services.submit_request(
        question, subject="Hours?", message="When do you open?", phone="13800000000"
    )
    assert (ticket.user, ticket.phone, ticket.team) == (None, "13800000000", None)
    deliver_due_events()
    assert sorted(Notification.objects.values_list("recipient__username", "kind")) == sorted(
        [(worker.username, "staff.ticket_new"), ("admin@svc.example", "staff.ticket_new")]
    )


def test_a_closed_request_takes_no_more_replies(tenant):
    agent = staff("agent")
    mei = UserFactory(username="mei")
    ticket = services.submit_request(RequestTypeFactory(), subject="Zip", message="Broke.", user=mei)
    with pytest.raises(services.TicketError, match=r"^Choose a status from the list\.$"):
        services.reply_to_ticket(ticket, "Hello", status="done", acting_user=agent)
    services.close_ticket_as_customer(ticket, acting_user=mei)
    with pytest.raises(services.TicketError, match=rf"^Request #{ticket.pk} is closed\.$"):
        services.reply_to_ticket(ticket, "Hello?", acting_user=agent)
    with pytest.raises(
        services.TicketError, match=r"^This request is closed\. Send a new request if you need more help\.$"
    ):
        services.reply_as_customer(ticket, "One more thing", acting_user=mei)
    with pytest.raises(services.TicketError, match="^A request that is “Closed” cannot become “Open”.$"):
        services.change_ticket_status(ticket, "open", acting_user=agent)
    assert TicketMessage.objects.filter(ticket=ticket).count() == 1
    assert history(ticket) == [("created", "mei", "", "new"), ("status", "mei", "new", "closed")]


# --- Satisfaction ------------------------------------------------------------------------------


def test_a_rating_is_taken_once_after_resolution_and_only_from_one_to_five(tenant):
    agent = staff("agent")
    mei = UserFactory(username="mei")
    ticket = services.submit_request(RequestTypeFactory(), subject="Zip", message="Broke.", user=mei)
    with pytest.raises(services.TicketError, match=r"^You can rate a request once it is resolved\.$"):
        services.rate_ticket(ticket, 5, acting_user=mei)
    services.reply_to_ticket(ticket, "Fixed.", status="resolved", acting_user=agent)
    for rating in (0, 6, "5", None):
        with pytest.raises(services.TicketError, match=r"^Choose from 1 to 5 stars\.$"):
            services.rate_ticket(ticket, rating, acting_user=mei)
    rated = services.rate_ticket(ticket, 4, "  Quick and kind.  ", acting_user=mei)
    assert (rated.rating, rated.rating_comment, rated.rated_at is not None) == (4, "Quick and kind.", True)
    with pytest.raises(services.TicketError, match=r"^You have already rated this request\. Thank you!$"):
        services.rate_ticket(ticket, 1, "Changed my mind", acting_user=mei)
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (4, "Quick and kind.")
    assert [row for row in history(ticket) if row[0] == "rated"] == [("rated", "mei", "", "4")]
    assert OutboxEvent.objects.filter(kind="ticket.rated").count() == 1


# --- Service level targets ---------------------------------------------------------------------


def test_due_times_follow_the_types_target_for_the_priority_and_a_new_priority_recomputes_them(tenant, clock):
    agent = staff("agent")
    repair = RequestTypeFactory(sla={"normal": (4, 48), "high": ("1.5", 8)})
    clock(START)
    ticket = services.submit_request(repair, subject="Zip", message="Broke.", user=UserFactory())
    assert (ticket.priority, ticket.first_response_due_at, ticket.resolution_due_at) == (
        "normal",
        START + dt.timedelta(hours=4),
        START + dt.timedelta(hours=48),
    )
    clock(START + dt.timedelta(hours=3))
    services.set_ticket_priority(ticket, "high", acting_user=agent)
    ticket.refresh_from_db()
    assert (ticket.first_response_due_at, ticket.resolution_due_at) == (
        START + dt.timedelta(minutes=90),  # counted from when the request came in
        START + dt.timedelta(hours=8),
    )
    services.set_ticket_priority(ticket, "low", acting_user=agent)  # no target for low
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.first_response_due_at, ticket.resolution_due_at) == ("low", None, None)
    with pytest.raises(services.TicketError, match=r"^Choose a priority from the list\.$"):
        services.set_ticket_priority(ticket, "whenever", acting_user=agent)
    assert [row for row in history(ticket) if row[0] == "priority"] == [
        ("priority", "agent", "normal", "high"),
        ("priority", "agent", "high", "low"),
    ]


def test_overdue_alerts_go_out_once_per_target(tenant, clock):
    agent = staff("agent")
    desk = team_of("Desk", agent)
    repair = RequestTypeFactory(team=desk, sla={"normal": (2, 24)})
    clock(START)
    late = services.submit_request(repair, subject="Late", message="Help.", user=UserFactory())
    answered = services.submit_request(repair, subject="Answered", message="Help.", user=UserFactory())
    solved = services.submit_request(repair, subject="Solved", message="Help.", user=UserFactory())
    clock(START + dt.timedelta(hours=1))
    services.reply_to_ticket(answered, "On it.", acting_user=agent)
    services.reply_to_ticket(solved, "Done.", status="resolved", acting_user=agent)

    assert services.alert_overdue_tickets(now=START + dt.timedelta(hours=1, minutes=59)) == 0
    assert services.alert_overdue_tickets(now=START + dt.timedelta(hours=3)) == 1  # late: no answer
    assert services.alert_overdue_tickets(now=START + dt.timedelta(hours=4)) == 0
    assert services.alert_overdue_tickets(now=START + dt.timedelta(hours=25)) == 2  # late and answered
    assert services.alert_overdue_tickets(now=START + dt.timedelta(hours=26)) == 0
    alerts = sorted(
        OutboxEvent.objects.filter(kind="ticket.overdue").values_list("subject_id", "data__target")
    )
    assert alerts == sorted([(late.pk, "response"), (late.pk, "resolution"), (answered.pk, "resolution")])
    assert [row for row in history(late) if row[0] == "overdue"] == [
        ("overdue", None, "", "response"),
        ("overdue", None, "", "resolution"),
    ]
    late.refresh_from_db()
    assert (late.response_overdue_alerted_at, late.resolution_overdue_alerted_at) == (
        START + dt.timedelta(hours=3),
        START + dt.timedelta(hours=25),
    )
    clock(START + dt.timedelta(hours=26))
    deliver_due_events()
    late_url, answered_url = (f"/admin/service/tickets/{pk}/" for pk in (late.pk, answered.pk))
    assert told(kind="staff.ticket_overdue") == [
        (
            "agent",
            "staff.ticket_overdue",
            f"Overdue: #{late.pk}",
            "Nobody has answered in time: “Late”.",
            late_url,
        ),
        ("agent", "staff.ticket_overdue", f"Overdue: #{late.pk}", "Not resolved in time: “Late”.", late_url),
        (
            "agent",
            "staff.ticket_overdue",
            f"Overdue: #{answered.pk}",
            "Not resolved in time: “Answered”.",
            answered_url,
        ),
    ]


def test_resolved_requests_close_after_a_week_and_only_they(tenant, clock):
    agent = staff("agent")
    mei = UserFactory(username="mei")
    kind = RequestTypeFactory()

    def request(subject):
        return services.submit_request(kind, subject=subject, message="Help.", user=mei)

    clock(START)
    old, recent, reopened, waiting, fresh = (
        request(subject) for subject in ("Old", "Recent", "Reopened", "Waiting", "Fresh")
    )
    for ticket in (old, reopened):
        services.reply_to_ticket(ticket, "Done.", status="resolved", acting_user=agent)
    services.reply_to_ticket(waiting, "Which size?", status="waiting", acting_user=agent)
    clock(START + dt.timedelta(days=2))
    services.reply_to_ticket(recent, "Done.", status="resolved", acting_user=agent)
    services.reply_as_customer(reopened, "Still broken.", acting_user=mei)

    assert services.close_resolved_tickets(now=START + dt.timedelta(days=7)) == 0  # not older than a week
    clock(START + dt.timedelta(days=7, minutes=1))
    assert services.close_resolved_tickets(now=START + dt.timedelta(days=7, minutes=1)) == 1
    statuses = dict(Ticket.objects.values_list("subject", "status"))
    assert statuses == {
        "Old": "closed",
        "Recent": "resolved",
        "Reopened": "open",
        "Waiting": "waiting",
        "Fresh": "new",
    }
    assert history(old)[-1] == ("status", None, "resolved", "closed")
    assert services.close_resolved_tickets(now=START + dt.timedelta(days=7, minutes=1)) == 0
    assert services.close_resolved_tickets(now=START + dt.timedelta(days=9, minutes=1)) == 1
    assert Ticket.objects.get(pk=recent.pk).status == "closed"


def test_a_request_the_customer_reopens_while_the_tick_runs_stays_open(tenant, clock, monkeypatch):
    from service.services import tickets

    agent, mei = staff("agent"), UserFactory(username="mei")
    clock(START)
    ticket = services.submit_request(RequestTypeFactory(), subject="Zip", message="Broke.", user=mei)
    services.reply_to_ticket(ticket, "Done.", status="resolved", acting_user=agent)
    real_locked = tickets._locked

    def customer_answers_first(stale):
        """The customer's answer lands between the tick's query and its lock on the row."""
        monkeypatch.setattr(tickets, "_locked", real_locked)
        services.reply_as_customer(stale, "Still broken.", acting_user=mei)
        return real_locked(stale)

    monkeypatch.setattr(tickets, "_locked", customer_answers_first)
    clock(START + dt.timedelta(days=8))
    assert services.close_resolved_tickets(now=START + dt.timedelta(days=8)) == 0
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_at) == ("open", None)
    assert history(ticket)[-1] == ("status", "mei", "resolved", "open")


# --- Escalation --------------------------------------------------------------------------------


def test_escalation_raises_the_priority_moves_the_request_to_the_escalation_team_and_alerts_it(tenant, clock):
    agent, manager = staff("agent"), staff("manager")
    desk, complaints = team_of("Desk", agent), team_of("Complaints", manager)
    kind = RequestTypeFactory(team=desk, escalation_team=complaints, sla={"normal": (4, 48), "high": (1, 8)})
    clock(START)
    ticket = services.submit_request(kind, subject="Rude staff", message="Twice.", user=UserFactory())
    with pytest.raises(services.TicketError, match=r"^Say why the request is escalated\.$"):
        services.escalate_ticket(ticket, "  ", acting_user=agent)
    clock(START + dt.timedelta(hours=2))
    services.escalate_ticket(ticket, "Second complaint this month", acting_user=agent)
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.team, ticket.escalated_at) == (
        "high",
        complaints,
        START + dt.timedelta(hours=2),
    )
    assert (ticket.first_response_due_at, ticket.resolution_due_at) == (
        START + dt.timedelta(hours=1),
        START + dt.timedelta(hours=8),
    )
    assert history(ticket)[1:] == [
        ("priority", "agent", "normal", "high"),
        ("escalated", "agent", "", "Second complaint this month"),
    ]
    assert list(ticket.messages.filter(internal=True).values_list("body", flat=True)) == [
        "Second complaint this month"
    ]
    deliver_due_events()
    number = ticket.pk
    assert told(kind="staff.ticket_escalated") == [
        (
            "manager",
            "staff.ticket_escalated",
            f"Escalated: #{number}",
            "“Rude staff”: Second complaint this month",
            f"/admin/service/tickets/{number}/",
        )
    ]
    services.reply_to_ticket(ticket, "Sorry.", status="resolved", acting_user=manager)
    with pytest.raises(services.TicketError, match=rf"^Request #{number} is already solved\.$"):
        services.escalate_ticket(ticket, "Again", acting_user=agent)


def test_without_an_escalation_team_everyone_who_works_requests_hears_of_an_escalation(tenant):
    agent, worker = staff("agent", "service.work_ticket"), staff("worker", "service.work_ticket")
    staff("bystander")
    kind = RequestTypeFactory(team=team_of("Desk", agent))
    ticket = services.submit_request(kind, subject="Rude staff", message="Twice.", user=UserFactory())
    services.escalate_ticket(ticket, "Needs a manager", acting_user=agent)
    ticket.refresh_from_db()
    assert (ticket.team.name, ticket.priority) == ("Desk", "high")
    deliver_due_events()
    assert sorted(
        Notification.objects.filter(kind="staff.ticket_escalated").values_list(
            "recipient__username", flat=True
        )
    ) == sorted(["admin@svc.example", agent.username, worker.username])


# --- Visitors ----------------------------------------------------------------------------------


def test_a_visitor_is_written_to_in_the_requests_language_with_its_follow_link(tenant, clock):
    agent = staff("agent")
    question = RequestTypeFactory(name="Question")
    clock(START)
    ticket = services.submit_request(
        question,
        subject="Opening hours",
        message="When do you open?",
        name="Lin",
        email="lin@example.com",
        language="zh-hans",
    )
    assert (ticket.user, ticket.name, ticket.email, ticket.language) == (
        None,
        "Lin",
        "lin@example.com",
        "zh-hans",
    )
    deliver_due_events()
    number, link = ticket.pk, f"http://svc.localhost:8000/service/requests/{ticket.follow_key}/"
    clock(START + dt.timedelta(minutes=5))
    services.add_note(ticket, "Regular customer.", acting_user=agent)
    services.reply_to_ticket(ticket, "From 9:00.", acting_user=agent)
    deliver_due_events()
    clock(START + dt.timedelta(minutes=10))
    services.change_ticket_status(ticket, "resolved", acting_user=agent)
    deliver_due_events()

    assert [(email.to, email.subject) for email in mail.outbox] == [
        (["lin@example.com"], f"我们已收到您的请求 #{number}"),
        (["lin@example.com"], f"您的请求 #{number} 有新回复"),
        (["lin@example.com"], f"请求 #{number} 已解决"),
    ]
    bodies = [email.body for email in mail.outbox]
    assert all(link in body for body in bodies)
    assert "“Opening hours”：我们会尽快在这里答复您。" in bodies[0]
    assert "From 9:00." in bodies[1]
    assert not any("Regular customer." in body for body in bodies)  # the note stays in the office
    assert Notification.objects.filter(recipient__is_staff=False).count() == 0


def test_without_an_address_a_visitor_is_refused(tenant):
    with pytest.raises(
        services.TicketError, match=r"^Leave an e-mail address or a phone number so we can answer you\.$"
    ):
        services.submit_request(RequestTypeFactory(), subject="Hi", message="Hello")
    with pytest.raises(services.TicketError, match=r"^Give your request a subject\.$"):
        services.submit_request(RequestTypeFactory(), subject=" ", message="Hello", email="a@example.com")
    with pytest.raises(services.TicketError, match=r"^Tell us what happened\.$"):
        services.submit_request(RequestTypeFactory(), subject="Hi", message=" ", email="a@example.com")
    assert Ticket.objects.count() == 0


# --- Idempotency -------------------------------------------------------------------------------


def test_one_form_sent_twice_is_one_request(tenant):
    kind = RequestTypeFactory()
    mei = UserFactory(username="mei")
    first = services.submit_request(kind, subject="Zip", message="Broke.", user=mei, idempotency_key="form-1")
    again = services.submit_request(kind, subject="Zip", message="Broke.", user=mei, idempotency_key="form-1")
    other = services.submit_request(kind, subject="Zip", message="Broke.", user=mei, idempotency_key="form-2")
    assert again.pk == first.pk != other.pk
    visitor = services.submit_request(
        kind, subject="Hi", message="Hello", email="lin@example.com", idempotency_key="v1"
    )
    visitor_again = services.submit_request(
        kind, subject="Hi", message="Hello", email="lin@example.com", idempotency_key="v1"
    )
    assert visitor_again.pk == visitor.pk
    # Another visitor posting the same key (keys can be guessed) gets a request of their own, not
    # the first visitor's (and its follow link).
    eve = services.submit_request(
        kind, subject="Hi", message="Hello", email="eve@example.com", idempotency_key="v1"
    )
    assert eve.pk not in (visitor.pk, first.pk, other.pk)
    assert Ticket.objects.count() == 4
    assert TicketMessage.objects.count() == 4
    assert OutboxEvent.objects.filter(kind="ticket.created").count() == 4


# --- Attachments -------------------------------------------------------------------------------


def test_uploads_of_another_kind_a_disguised_file_too_big_or_too_many_are_refused(tenant):
    refusals = {
        "setup.exe": (
            b"MZ\x90\x00",
            "“setup.exe” is not a file we accept: send a photo (JPG, PNG, GIF, WebP, HEIC), a PDF or a text file.",
        ),
        "photo.jpg": (b"MZ\x90\x00\x03\x00 a program", "“photo.jpg” is not the kind of file its name says."),
        "big.jpg": (JPEG + b"\x00" * (10 * 1024 * 1024 - len(JPEG) + 1), "“big.jpg” is larger than 10 MB."),
        "empty.pdf": (b"", "“empty.pdf” is empty."),
    }
    for name, (content, message) in refusals.items():
        with pytest.raises(services.TicketError) as refusal:
            services.check_upload(SimpleUploadedFile(name, content))
        assert str(refusal.value) == message
    just_fits = SimpleUploadedFile("fits.jpg", JPEG + b"\x00" * (10 * 1024 * 1024 - len(JPEG)))
    assert services.check_upload(just_fits) == "image/jpeg"
    assert services.check_upload(SimpleUploadedFile("scan.PDF", PDF)) == "application/pdf"

    files = [SimpleUploadedFile(f"photo{i}.png", PNG) for i in range(6)]
    with pytest.raises(services.TicketError, match=r"^Send at most 5 files at a time\.$"):
        services.submit_request(
            RequestTypeFactory(), subject="Zip", message="Broke.", user=UserFactory(), files=files
        )
    with pytest.raises(services.TicketError, match="not the kind of file its name says"):
        services.submit_request(
            RequestTypeFactory(),
            subject="Zip",
            message="Broke.",
            user=UserFactory(),
            files=[SimpleUploadedFile("ok.png", PNG), SimpleUploadedFile("bad.png", b"GIF89a")],
        )
    assert (Ticket.objects.count(), Attachment.objects.count()) == (0, 0)


def test_accepted_files_are_stored_privately_in_the_tenants_media_folder(tenant, settings, stored_files):
    ticket = services.submit_request(
        RequestTypeFactory(),
        subject="Zip",
        message="Broke.",
        user=UserFactory(),
        files=[SimpleUploadedFile("receipt.png", PNG), SimpleUploadedFile("..\\..\\invoice.pdf", PDF)],
    )
    attachments = list(Attachment.objects.filter(message__ticket=ticket).order_by("pk"))
    stored_files.extend(attachment.file.name for attachment in attachments)
    assert [(a.name, a.content_type, a.size) for a in attachments] == [
        ("receipt.png", "image/png", len(PNG)),
        ("invoice.pdf", "application/pdf", len(PDF)),
    ]
    folder = os.path.join(settings.MEDIA_ROOT, connection.schema_name, "private", "service")
    for attachment, content in zip(attachments, (PNG, PDF), strict=True):
        folders = attachment.file.name.split("/")
        assert (folders[:2], len(folders[2]), folders[3]) == (["private", "service"], 16, attachment.name)
        assert attachment.file.path == os.path.join(folder, folders[2], attachment.name)
        with open(attachment.file.path, "rb") as stored:
            assert stored.read() == content
