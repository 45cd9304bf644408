"""Reads of the service desk, each with its joins done once."""

from django.db.models import Prefetch, Q
from django.utils import timezone

from members.selectors import audience_filter, member_for
from service.models import (
    Appointment,
    Attachment,
    Audience,
    BookableService,
    RequestType,
    ServiceEntrySettings,
    Ticket,
    TicketMessage,
)

OPEN_STATUSES = (Ticket.Status.NEW, Ticket.Status.OPEN, Ticket.Status.WAITING)


def request_types_for(user, member=None) -> list[RequestType]:
    """Active request types this visitor may send, in the brand's order. A logged-in customer who
    is not (yet) a member sees the members' types too: they are logged in."""
    if member is None:
        member = member_for(user)
    allowed = audience_filter(member)
    if member is None and user is not None and user.is_authenticated:
        allowed |= Q(audience=Audience.MEMBERS)
    return list(RequestType.objects.filter(allowed, is_active=True).distinct().order_by("sort_order", "name"))


def request_type_by_slug(slug: str) -> RequestType | None:
    return RequestType.objects.filter(slug=slug).prefetch_related("levels", "fields").first()


def _conversation(staff: bool):
    messages = TicketMessage.objects.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )
    if not staff:
        messages = messages.filter(internal=False)
    return Prefetch("messages", queryset=messages.order_by("created_at", "pk"))


def tickets_of(user):
    """A customer's requests, newest first."""
    if user is None or not user.is_authenticated:
        return Ticket.objects.none()
    return Ticket.objects.filter(user=user).select_related("request_type").order_by("-created_at", "-pk")


def open_tickets_of(user):
    return tickets_of(user).filter(status__in=OPEN_STATUSES)


def customer_ticket(user, pk: int) -> Ticket | None:
    """One of the customer's own requests with its conversation (no internal notes)."""
    return tickets_of(user).filter(pk=pk).prefetch_related(_conversation(staff=False)).first()


def ticket_by_follow_key(key: str) -> Ticket | None:
    """A request through its follow link (a visitor's): the link is the key."""
    if not key or len(key) > 40:
        return None
    return (
        Ticket.objects.filter(follow_key=key)
        .select_related("request_type")
        .prefetch_related(_conversation(staff=False))
        .first()
    )


def staff_ticket(pk: int) -> Ticket | None:
    """A ticket with everything staff see: conversation with notes, history."""
    return (
        Ticket.objects.filter(pk=pk)
        .select_related("request_type", "user", "assignee", "team")
        .prefetch_related(_conversation(staff=True), "events__actor")
        .first()
    )


def bookable_services(user=None) -> list[BookableService]:
    services = (
        BookableService.objects.filter(is_active=True).select_related("image").order_by("sort_order", "name")
    )
    if member_for(user) is None:
        services = services.filter(members_only=False)
    return list(services)


def bookable_service_by_slug(slug: str) -> BookableService | None:
    return BookableService.objects.filter(slug=slug, is_active=True).select_related("image").first()


def appointments_of(user):
    if user is None or not user.is_authenticated:
        return Appointment.objects.none()
    return (
        Appointment.objects.filter(user=user)
        .select_related("service", "provider__location")
        .order_by("-starts_at", "-pk")
    )


def upcoming_appointments_of(user):
    return (
        appointments_of(user)
        .filter(status=Appointment.Status.BOOKED, starts_at__gt=timezone.now())
        .order_by("starts_at", "pk")
    )


def customer_appointment(user, code: str) -> Appointment | None:
    return appointments_of(user).filter(code=code).select_related("evaluation").first()


def service_entry() -> ServiceEntrySettings:
    """The brand's service entry settings (one row; Wagtail creates it on first read)."""
    return ServiceEntrySettings.load()
