"""E-mail for customers who sent a request without an account: the same wording as the inbox
message members get (staff's own wording included), with the request's follow link instead of My
account. Outbox subscribers of the ticket events the customer kinds listen to."""

from django.urls import reverse

from core import registry
from core.language import tenant_default_language
from notifications.channels import send_email
from notifications.services import render, wording
from service.models import Ticket
from service.notifications import ticket_context


def email_guest(event) -> None:
    ticket = Ticket.objects.select_related("request_type").filter(pk=event.data["ticket"]).first()
    if ticket is None or ticket.user_id or not ticket.email:
        return
    kind = registry.notification_kinds()[event.kind]
    language = ticket.language or tenant_default_language()
    title, body = wording(kind, language)
    context = ticket_context(ticket, event)
    send_email(
        ticket.email,
        render(title, context)[:200],
        render(body, context),
        reverse("service:follow", args=[ticket.follow_key]),
        language,
    )


GUEST_EVENTS = ("ticket.created", "ticket.replied", "ticket.resolved")
