"""How events plug into the platform (core.registry): events, subscribers, the tick, what members
are told, the search box, customer data, GraphQL and the admin."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core import registry
from events import (
    admin,  # noqa: F401 - the admin's viewsets and menu register their own hooks
    selectors,
    services,
)
from events.graphql.schema import VIEWER_FIELDS
from events.models import DailyCheckIn, Event, Registration
from events.notifications import NOTIFICATION_KINDS
from events.tasks import EVERY_TICK


@hooks.register(registry.EVENT_KINDS)
def event_kinds():
    return {
        "event.registered": _("Signed up for an event"),
        "event.waitlisted": _("On an event's waitlist"),
        "event.waitlist_promoted": _("Moved up from the waitlist"),
        "event.registration_cancelled": _("Event sign-up cancelled"),
        "event.checked_in": _("Checked in at an event"),
        "event.reminder": _("Event reminder"),
        "event.changed": _("Event changed"),
        "event.cancelled": _("Event cancelled"),
        "campaign.goal_reached": _("Invite campaign goal reached"),
        "campaign.draw": _("Lottery draw"),
    }


@hooks.register(registry.EVENT_SUBSCRIBERS)
def event_subscribers():
    return {
        "customer.signed_up": [services.invited_customer_signed_up],
        "order.paid": [services.invited_friend_paid_an_order],
    }


@hooks.register(registry.EVERY_TICK)
def every_tick():
    return EVERY_TICK


@hooks.register(registry.NOTIFICATION_KINDS)
def notification_kinds():
    return NOTIFICATION_KINDS


@hooks.register(registry.VIEWER_FIELDS)
def viewer_fields():
    return VIEWER_FIELDS


def _events(user, locale_id):
    return (
        Event.objects.filter(is_published=True, cancelled_at__isnull=True)
        .filter(selectors.audience_filter(selectors.member_of(user)))
        .distinct()
    )


def _event_hit(event: Event) -> registry.SearchHit:
    return registry.SearchHit(event.title, event.url, f"{event.summary} {event.venue}")


@hooks.register(registry.SEARCH_TYPES)
def search_types():
    return [registry.SearchType("events", _("Events"), _events, _event_hit, order=30)]


def _export(user) -> dict:
    member = selectors.member_of(user)
    if member is None:
        return {"registrations": [], "daily_check_ins": []}
    return {
        "registrations": [
            {
                "event": registration.session.event.title,
                "starts_at": registration.session.starts_at.isoformat(),
                "status": registration.status,
                "ticket": registration.ticket_code,
                "answers": registration.answers,
                "checked_in_at": registration.checked_in_at.isoformat()
                if registration.checked_in_at
                else None,
            }
            for registration in selectors.registrations_of(member)
        ],
        "daily_check_ins": [
            {"day": check.day.isoformat(), "streak": check.streak, "points": check.points}
            for check in DailyCheckIn.objects.filter(member=member).order_by("day")
        ],
    }


def _erase(user) -> None:
    """Sign-up answers may say things about the person (diet, health): gone with the account."""
    member = selectors.member_of(user)
    if member is not None:
        Registration.objects.filter(member=member).update(answers={})


@hooks.register(registry.CUSTOMER_DATA)
def customer_data():
    return [registry.CustomerData("events", _export, _erase)]


@hooks.register(registry.ACCOUNT_SECTIONS)
def account_sections():
    """My account: the member's next 3 tickets, soonest first, and a link to all (/account/events/)."""
    from core.language import tenant_time_zone

    def next_tickets(request, member):
        upcoming = selectors.registrations_of(member, upcoming_only=True).order_by("session__starts_at", "pk")
        # My account renders in the server's time zone: the section shows the brand's.
        return {"registrations": list(upcoming[:3]), "time_zone": tenant_time_zone()}

    return [registry.AccountSection("events", "events/account_events.html", next_tickets, order=60)]
