"""Every write to tickets: submitting a request, the conversation, status, assignment, priority,
tags, escalation, satisfaction ratings, and the schedule's overdue alerts and auto-close.

Each change locks the ticket's row, writes a `TicketEvent` (the history) and, where someone is to be
told, an outbox event in the same transaction. A refusal raises TicketError with a message for the
person who asked; nothing changes.
"""

import datetime as dt
import posixpath

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import PortalError
from core.outbox import record_event
from service.models import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    ATTACHMENTS_PER_MESSAGE,
    PRIORITY_ORDER,
    Attachment,
    Audience,
    Priority,
    RequestType,
    SlaTarget,
    Team,
    Ticket,
    TicketEvent,
    TicketMessage,
)

Status = Ticket.Status
# Which status may follow which. Closed is final: a customer with more to say opens a new request.
TRANSITIONS = {
    Status.NEW: {Status.OPEN, Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.OPEN: {Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.WAITING: {Status.OPEN, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}
# A resolved request nobody reopens is closed after this long (on the schedule tick).
AUTO_CLOSE_AFTER = dt.timedelta(days=7)
MAX_TAGS = 10


class TicketError(PortalError):
    """A refused operation; the message says why."""


def why_not_allowed(request_type: RequestType, member, user) -> str | None:
    """Why this visitor (`member` None: not a member; `user` None or anonymous: not logged in) may
    not send a request of this type."""
    if not request_type.is_active:
        return _("“%(name)s” is not taking requests.") % {"name": request_type.name}
    logged_in = user is not None and user.is_authenticated
    if request_type.audience == Audience.MEMBERS and not logged_in:
        return _("Log in to send this request.")
    if request_type.audience == Audience.LEVELS:
        if member is None:
            return _("Log in as a member to send this request.")
        levels = list(request_type.levels.all())
        if member.level_id not in {level.pk for level in levels}:
            return _("“%(name)s” is only for %(levels)s members.") % {
                "name": request_type.name,
                "levels": ", ".join(level.name for level in levels),
            }
    return None


def check_upload(upload: UploadedFile) -> str:
    """The content type an upload is stored with; refuses files too big or of another type. The
    type comes from the name's extension, checked against the file's first bytes for pictures and
    PDFs, so a script renamed photo.jpg is refused."""
    name = upload.name or ""
    extension = posixpath.splitext(name.lower())[1]
    content_type = ATTACHMENT_TYPES.get(extension)
    if content_type is None:
        raise TicketError(
            _(
                "“%(name)s” is not a file we accept: send a photo (JPG, PNG, GIF, WebP, HEIC), a PDF or a text file."
            )
            % {"name": name}
        )
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise TicketError(
            _("“%(name)s” is larger than %(size)d MB.")
            % {"name": name, "size": ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    if upload.size == 0:
        raise TicketError(_("“%(name)s” is empty.") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not _looks_like(content_type, head):
        raise TicketError(_("“%(name)s” is not the kind of file its name says.") % {"name": name})
    return content_type


SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/pdf": (b"%PDF-",),
}


def _looks_like(content_type: str, head: bytes) -> bool:
    if content_type == "image/webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if content_type == "image/heic":
        return head[4:8] == b"ftyp"
    if content_type == "text/plain":
        return b"\x00" not in head
    return head.startswith(SIGNATURES[content_type])


def _attach(uploads, *, message=None, evaluation=None) -> list[Attachment]:
    uploads = list(uploads or [])
    if len(uploads) > ATTACHMENTS_PER_MESSAGE:
        raise TicketError(_("Send at most %(count)d files at a time.") % {"count": ATTACHMENTS_PER_MESSAGE})
    checked = [(upload, check_upload(upload)) for upload in uploads]
    attachments = []
    for upload, content_type in checked:
        name = posixpath.basename((upload.name or "file").replace("\\", "/"))[:200]
        attachment = Attachment(
            message=message, evaluation=evaluation, name=name, content_type=content_type, size=upload.size
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        attachments.append(attachment)
    return attachments


def sla_due_times(request_type: RequestType, priority: str, start) -> tuple:
    """(first response due, resolution due) for a ticket of this type and priority opened at `start`;
    (None, None) without a target."""
    target = SlaTarget.objects.filter(request_type=request_type, priority=priority).first()
    if target is None:
        return None, None
    return (
        start + dt.timedelta(hours=float(target.first_response_hours)),
        start + dt.timedelta(hours=float(target.resolution_hours)),
    )


def _history(ticket, action, actor, old="", new="") -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket, actor=actor, action=action, old_value=str(old)[:200], new_value=str(new)[:200]
    )


def _event(event_kind: str, ticket: Ticket, key: str, **data) -> None:
    record_event(
        event_kind,
        subject=ticket,
        data={"ticket": ticket.pk, "subject": ticket.subject, "status": ticket.status, **data},
        idempotency_key=f"{event_kind}:{ticket.pk}:{key}",
    )


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().select_related("request_type").get(pk=ticket.pk)


@transaction.atomic
def submit_request(
    request_type: RequestType,
    *,
    subject: str,
    message: str,
    answers: list | None = None,
    files=(),
    user=None,
    name: str = "",
    email: str = "",
    phone: str = "",
    order_number: str = "",
    channel: str = Ticket.Channel.PORTAL,
    language: str = "",
    idempotency_key: str = "",
    acting_user=None,
) -> Ticket:
    """A customer's request (or one staff took on the phone: `acting_user` is then staff and `user`
    the customer, if known). The same idempotency key from the same customer returns the first
    ticket (a double click sends once)."""
    logged_in = user is not None and user.is_authenticated
    subject, message = (subject or "").strip(), (message or "").strip()
    if not subject:
        raise TicketError(_("Give your request a subject."))
    if not message:
        raise TicketError(_("Tell us what happened."))
    if not logged_in and not (email or phone):
        raise TicketError(_("Leave an e-mail address or a phone number so we can answer you."))
    owner = user if logged_in else None
    if idempotency_key:
        same_form = Ticket.objects.filter(user=owner, idempotency_key=idempotency_key[:100])
        if owner is None:
            # A visitor has no account to key on: only the same contact sending the same subject is
            # the same form again. Otherwise whoever posts another visitor's key ("question:<id>"
            # is guessable) would be handed that request, and the form its follow link.
            same_form = same_form.filter(email=email, phone=phone, subject=subject[:200])
        existing = same_form.first()
        if existing is not None:
            return existing
    now = timezone.now()
    first_due, resolution_due = sla_due_times(request_type, request_type.default_priority, now)
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                request_type=request_type,
                user=user if logged_in else None,
                name=(name or (user.get_full_name() if logged_in else "")).strip()[:100],
                email=email or (user.email if logged_in else ""),
                phone=phone,
                subject=subject[:200],
                answers=answers or [],
                channel=channel,
                priority=request_type.default_priority,
                team_id=request_type.team_id,
                order_number=order_number[:40],
                language=language[:10],
                created_at=now,
                updated_at=now,
                first_response_due_at=first_due,
                resolution_due_at=resolution_due,
                idempotency_key=idempotency_key[:100],
            )
    except IntegrityError:  # the same form sent twice at once: the first one stands
        return Ticket.objects.get(user=user, idempotency_key=idempotency_key[:100])
    first = TicketMessage.objects.create(
        ticket=ticket, author=user if logged_in else None, body=message[:10_000], created_at=now
    )
    _attach(files, message=first)
    _history(
        ticket, TicketEvent.Action.CREATED, acting_user or (user if logged_in else None), new=ticket.status
    )
    _event("ticket.created", ticket, "created", type=request_type.name, kind=request_type.kind)
    return ticket


@transaction.atomic
def reply_to_ticket(
    ticket: Ticket, body: str, *, files=(), status: str | None = None, acting_user
) -> TicketMessage:
    """A staff reply the customer sees (and is told about). The first reply meets the first-response
    target; a new request becomes open, or takes `status` when staff choose one (waiting on the
    customer, resolved)."""
    body = (body or "").strip()
    if not body:
        raise TicketError(_("Write a reply."))
    if status is not None and status not in Status.values:  # else _move's message raises ValueError
        raise TicketError(_("Choose a status from the list."))
    ticket = _locked(ticket)
    if ticket.status == Status.CLOSED:
        raise TicketError(_("Request %(number)s is closed.") % {"number": ticket.number})
    now = timezone.now()
    message = TicketMessage.objects.create(
        ticket=ticket, author=acting_user, from_staff=True, body=body[:10_000], created_at=now
    )
    _attach(files, message=message)
    fields = ["updated_at"]
    ticket.updated_at = now
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
        fields.append("first_responded_at")
    if ticket.assignee_id is None:
        ticket.assignee = acting_user
        fields.append("assignee")
        _history(ticket, TicketEvent.Action.ASSIGNED, acting_user, new=acting_user.get_username())
    ticket.save(update_fields=fields)
    _history(ticket, TicketEvent.Action.REPLIED, acting_user)
    _event("ticket.replied", ticket, f"message:{message.pk}", message=body[:300])
    target = status or (Status.OPEN if ticket.status == Status.NEW else None)
    if target and target != ticket.status:
        _move(ticket, target, acting_user, now)
    return message


@transaction.atomic
def add_note(ticket: Ticket, body: str, *, files=(), acting_user) -> TicketMessage:
    """An internal note: staff only, never shown to the customer."""
    body = (body or "").strip()
    if not body:
        raise TicketError(_("Write a note."))
    ticket = _locked(ticket)
    message = TicketMessage.objects.create(
        ticket=ticket, author=acting_user, from_staff=True, internal=True, body=body[:10_000]
    )
    _attach(files, message=message)
    _history(ticket, TicketEvent.Action.NOTE, acting_user)
    return message


@transaction.atomic
def reply_as_customer(ticket: Ticket, body: str, *, files=(), acting_user=None) -> TicketMessage:
    """The customer answers. A request waiting on them, or resolved, opens again; a closed one
    refuses (they open a new request)."""
    body = (body or "").strip()
    if not body:
        raise TicketError(_("Write your message."))
    ticket = _locked(ticket)
    if ticket.status == Status.CLOSED:
        raise TicketError(_("This request is closed. Send a new request if you need more help."))
    now = timezone.now()
    author = acting_user if acting_user is not None and acting_user.is_authenticated else None
    message = TicketMessage.objects.create(ticket=ticket, author=author, body=body[:10_000], created_at=now)
    _attach(files, message=message)
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    _history(ticket, TicketEvent.Action.CUSTOMER_REPLIED, author)
    _event("ticket.customer_replied", ticket, f"message:{message.pk}", message=body[:300])
    if ticket.status in (Status.WAITING, Status.RESOLVED):
        _move(ticket, Status.OPEN, author, now)
    return message


def _move(ticket: Ticket, status: str, actor, now) -> None:
    """Change a locked ticket's status: history, timestamps, and the customer told of a resolution."""
    if status not in TRANSITIONS[ticket.status]:
        raise TicketError(
            _("A request that is “%(old)s” cannot become “%(new)s”.")
            % {"old": Status(ticket.status).label, "new": Status(status).label}
        )
    old = ticket.status
    ticket.status = status
    ticket.updated_at = now
    fields = ["status", "updated_at"]
    if status == Status.RESOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
    elif status == Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    elif status == Status.OPEN and old == Status.RESOLVED:
        ticket.resolved_at = None
        fields.append("resolved_at")
    ticket.save(update_fields=fields)
    _history(ticket, TicketEvent.Action.STATUS, actor, old=old, new=status)
    if status == Status.RESOLVED:
        _event("ticket.resolved", ticket, f"resolved:{now.timestamp()}")
    elif status == Status.CLOSED:
        _event("ticket.closed", ticket, "closed")


@transaction.atomic
def change_ticket_status(ticket: Ticket, status: str, *, acting_user) -> Ticket:
    if status not in Status.values:
        raise TicketError(_("Choose a status from the list."))
    ticket = _locked(ticket)
    if ticket.status != status:
        _move(ticket, status, acting_user, timezone.now())
    return ticket


@transaction.atomic
def close_ticket_as_customer(ticket: Ticket, *, acting_user=None) -> Ticket:
    """The customer says their request is done."""
    ticket = _locked(ticket)
    if ticket.status == Status.CLOSED:
        return ticket
    author = acting_user if acting_user is not None and acting_user.is_authenticated else None
    _move(ticket, Status.CLOSED, author, timezone.now())
    return ticket


@transaction.atomic
def assign_ticket(ticket: Ticket, *, assignee=None, team: Team | None = None, acting_user) -> Ticket:
    """Give the ticket to a staff user and/or a team (None clears that part)."""
    if assignee is not None and not (assignee.is_active and (assignee.is_staff or assignee.is_superuser)):
        raise TicketError(_("Requests are assigned to active staff only."))
    ticket = _locked(ticket)
    if ticket.assignee_id != (assignee.pk if assignee else None):
        old = ticket.assignee.get_username() if ticket.assignee_id else ""
        ticket.assignee = assignee
        _history(
            ticket,
            TicketEvent.Action.ASSIGNED,
            acting_user,
            old=old,
            new=assignee.get_username() if assignee else "",
        )
        if assignee is not None and assignee != acting_user:
            _event(
                "ticket.assigned",
                ticket,
                f"assigned:{assignee.pk}:{timezone.now().timestamp()}",
                assignee=assignee.pk,
            )
    if ticket.team_id != (team.pk if team else None):
        _history(
            ticket, TicketEvent.Action.ASSIGNED, acting_user, old=str(ticket.team or ""), new=str(team or "")
        )
        ticket.team = team
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["assignee", "team", "updated_at"])
    return ticket


@transaction.atomic
def set_ticket_priority(ticket: Ticket, priority: str, *, acting_user) -> Ticket:
    """A new priority brings its own service level targets, counted from when the request came in."""
    if priority not in Priority.values:
        raise TicketError(_("Choose a priority from the list."))
    ticket = _locked(ticket)
    if ticket.priority == priority:
        return ticket
    _history(ticket, TicketEvent.Action.PRIORITY, acting_user, old=ticket.priority, new=priority)
    ticket.priority = priority
    ticket.first_response_due_at, ticket.resolution_due_at = sla_due_times(
        ticket.request_type, priority, ticket.created_at
    )
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["priority", "first_response_due_at", "resolution_due_at", "updated_at"])
    return ticket


def clean_tags(tags) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned = []
    for tag in tags:
        tag = " ".join(str(tag).split()).lower()[:40]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise TicketError(_("A request takes at most %(count)d tags.") % {"count": MAX_TAGS})
    return cleaned


@transaction.atomic
def set_ticket_tags(ticket: Ticket, tags, *, acting_user) -> Ticket:
    tags = clean_tags(tags)
    ticket = _locked(ticket)
    if tags != ticket.tags:
        _history(
            ticket, TicketEvent.Action.TAGS, acting_user, old=", ".join(ticket.tags), new=", ".join(tags)
        )
        ticket.tags = tags
        ticket.save(update_fields=["tags"])
    return ticket


@transaction.atomic
def escalate_ticket(ticket: Ticket, reason: str, *, acting_user) -> Ticket:
    """Raise the ticket to at least high priority and hand it to the type's escalation team; that
    team (or, without one, everyone who works requests) is alerted."""
    reason = (reason or "").strip()
    if not reason:
        raise TicketError(_("Say why the request is escalated."))
    ticket = _locked(ticket)
    if not ticket.is_open:
        raise TicketError(_("Request %(number)s is already solved.") % {"number": ticket.number})
    now = timezone.now()
    if PRIORITY_ORDER[ticket.priority] < PRIORITY_ORDER[Priority.HIGH]:
        _history(ticket, TicketEvent.Action.PRIORITY, acting_user, old=ticket.priority, new=Priority.HIGH)
        ticket.priority = Priority.HIGH
        ticket.first_response_due_at, ticket.resolution_due_at = sla_due_times(
            ticket.request_type, ticket.priority, ticket.created_at
        )
    if ticket.request_type.escalation_team_id:
        ticket.team_id = ticket.request_type.escalation_team_id
    ticket.escalated_at = now
    ticket.updated_at = now
    ticket.save()
    TicketMessage.objects.create(
        ticket=ticket, author=acting_user, from_staff=True, internal=True, body=reason[:10_000]
    )
    _history(ticket, TicketEvent.Action.ESCALATED, acting_user, new=reason)
    _event("ticket.escalated", ticket, f"escalated:{now.timestamp()}", reason=reason[:300])
    return ticket


@transaction.atomic
def rate_ticket(ticket: Ticket, rating: int, comment: str = "", *, acting_user=None) -> Ticket:
    """The customer's satisfaction (1–5 and a comment), once, after the request is resolved. The
    view checks that the rater is the ticket's customer (logged in, or holding its follow link)."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise TicketError(_("Choose from 1 to 5 stars."))
    current = Ticket.objects.filter(pk=ticket.pk).values("status", "rated_at").first()
    if current["status"] not in (Status.RESOLVED, Status.CLOSED):
        raise TicketError(_("You can rate a request once it is resolved."))
    now = timezone.now()
    # Once: a second rating (another tab, a replayed form) finds rated_at set and changes nothing.
    rated = Ticket.objects.filter(pk=ticket.pk, rated_at__isnull=True).update(
        rating=rating, rating_comment=(comment or "").strip()[:2000], rated_at=now
    )
    if not rated:
        raise TicketError(_("You have already rated this request. Thank you!"))
    ticket.refresh_from_db()
    author = acting_user if acting_user is not None and acting_user.is_authenticated else None
    _history(ticket, TicketEvent.Action.RATED, author, new=rating)
    _event("ticket.rated", ticket, "rated", rating=rating)
    return ticket


def bulk_assign_tickets(tickets, *, assignee, acting_user) -> int:
    count = 0
    for ticket in tickets:
        assign_ticket(ticket, assignee=assignee, team=ticket.team, acting_user=acting_user)
        count += 1
    return count


def bulk_close_tickets(tickets, *, acting_user) -> int:
    """Close each ticket that is not closed yet; returns how many were closed."""
    count = 0
    for ticket in tickets:
        with transaction.atomic():
            locked = _locked(ticket)
            if locked.status != Status.CLOSED:
                _move(locked, Status.CLOSED, acting_user, timezone.now())
                count += 1
    return count


def alert_overdue_tickets(*, now=None, today=None) -> int:
    """Schedule tick: tell staff once per target about requests past their first-response or
    resolution target (a conditional UPDATE claims each alert, so two ticks never both send)."""
    now = now or timezone.now()
    alerted = 0
    late_answers = Ticket.objects.filter(
        first_responded_at__isnull=True,
        first_response_due_at__lt=now,
        response_overdue_alerted_at__isnull=True,
    ).exclude(status__in=[Status.RESOLVED, Status.CLOSED])
    late_solutions = Ticket.objects.filter(
        resolution_due_at__lt=now, resolution_overdue_alerted_at__isnull=True
    ).exclude(status__in=[Status.RESOLVED, Status.CLOSED])
    for target, queryset, field in (
        ("response", late_answers, "response_overdue_alerted_at"),
        ("resolution", late_solutions, "resolution_overdue_alerted_at"),
    ):
        for ticket in queryset.order_by("pk")[:500]:
            with transaction.atomic():
                if not Ticket.objects.filter(pk=ticket.pk, **{f"{field}__isnull": True}).update(
                    **{field: now}
                ):
                    continue
                _history(ticket, TicketEvent.Action.OVERDUE, None, new=target)
                _event("ticket.overdue", ticket, f"overdue:{target}", target=target)
                alerted += 1
    return alerted


def close_resolved_tickets(*, now=None, today=None) -> int:
    """Schedule tick: a request resolved a week ago that nobody reopened is closed."""
    now = now or timezone.now()
    cutoff = now - AUTO_CLOSE_AFTER
    stale = Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lt=cutoff)
    closed = 0
    for ticket in stale.order_by("pk")[:500]:
        with transaction.atomic():
            locked = _locked(ticket)
            # Checked again under the lock: the customer may have answered (reopening it) meanwhile.
            if locked.status == Status.RESOLVED and locked.resolved_at < cutoff:
                _move(locked, Status.CLOSED, None, timezone.now())
                closed += 1
    return closed
