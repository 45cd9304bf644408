"""How the service desk plugs into the platform (core.registry): events, subscribers, the tick, what
customers and staff are told, customer data, My account, GraphQL and the admin."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core import registry
from service import (
    admin,  # noqa: F401 - the admin's viewsets and menu register their own hooks
    entry,  # noqa: F401 - the floating service button and the settings' cache refresh register theirs
    selectors,
)
from service.graphql.schema import VIEWER_FIELDS
from service.guest_mail import GUEST_EVENTS, email_guest
from service.models import Appointment, Ticket
from service.notifications import NOTIFICATION_KINDS
from service.questions import ticket_from_question
from service.tasks import EVERY_TICK


@hooks.register(registry.EVENT_KINDS)
def event_kinds():
    return {
        "ticket.created": _("Service request received"),
        "ticket.replied": _("Staff replied to a request"),
        "ticket.customer_replied": _("Customer replied to a request"),
        "ticket.assigned": _("Request assigned"),
        "ticket.resolved": _("Request resolved"),
        "ticket.closed": _("Request closed"),
        "ticket.escalated": _("Request escalated"),
        "ticket.overdue": _("Request overdue"),
        "ticket.rated": _("Request rated"),
        "appointment.booked": _("Appointment booked"),
        "appointment.rescheduled": _("Appointment moved"),
        "appointment.cancelled": _("Appointment cancelled"),
        "appointment.reminder": _("Appointment reminder"),
        "appointment.completed": _("Visit completed"),
    }


@hooks.register(registry.EVENT_SUBSCRIBERS)
def event_subscribers():
    return {**{kind: [email_guest] for kind in GUEST_EVENTS}, "question.asked": [ticket_from_question]}


@hooks.register(registry.EVERY_TICK)
def every_tick():
    return EVERY_TICK


@hooks.register(registry.NOTIFICATION_KINDS)
def notification_kinds():
    return NOTIFICATION_KINDS


@hooks.register(registry.VIEWER_FIELDS)
def viewer_fields():
    return VIEWER_FIELDS


def _export(user) -> dict:
    return {
        "requests": [
            {
                "number": ticket.number,
                "type": ticket.request_type.name,
                "subject": ticket.subject,
                "status": ticket.status,
                "created_at": ticket.created_at.isoformat(),
                "answers": ticket.answers,
                "messages": [
                    {
                        "from_staff": message.from_staff,
                        "body": message.body,
                        "at": message.created_at.isoformat(),
                    }
                    for message in ticket.messages.all()
                    if not message.internal
                ],
                "rating": ticket.rating,
                "rating_comment": ticket.rating_comment,
            }
            for ticket in Ticket.objects.filter(user=user)
            .select_related("request_type")
            .prefetch_related("messages")
            .order_by("created_at")
        ],
        "appointments": [
            {
                "code": appointment.code,
                "service": appointment.service.name,
                "starts_at": appointment.starts_at.isoformat(),
                "status": appointment.status,
                "note": appointment.note,
            }
            for appointment in Appointment.objects.filter(user=user)
            .select_related("service")
            .order_by("starts_at")
        ],
    }


def _erase(user) -> None:
    """The requests and bookings stay in the brand's records, without the person's contact details
    and form answers."""
    Ticket.objects.filter(user=user).update(name="", email="", phone="", answers=[])
    Appointment.objects.filter(user=user).update(name="", phone="", note="")


@hooks.register(registry.CUSTOMER_DATA)
def customer_data():
    return [registry.CustomerData("service", _export, _erase)]


@hooks.register(registry.ACCOUNT_SECTIONS)
def account_sections():
    """My account: the customer's open requests and next appointments, with links to all."""

    from core.language import tenant_time_zone

    # My account renders in the server's time zone: the sections show the brand's.
    def requests(request, member):
        return {"tickets": selectors.open_tickets_of(request.user)[:3], "time_zone": tenant_time_zone()}

    def appointments(request, member):
        return {
            "appointments": selectors.upcoming_appointments_of(request.user)[:3],
            "time_zone": tenant_time_zone(),
        }

    return [
        registry.AccountSection("requests", "service/account_requests.html", requests, order=70),
        registry.AccountSection("appointments", "service/account_appointments.html", appointments, order=75),
    ]
