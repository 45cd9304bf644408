"""How notifications plug into the platform (core.registry): an outbox subscriber for every event a
registered notification kind listens to, `viewer` fields, the retries on every tick, and each
customer's messages in their data export. In the admin (notifications.admin): Messages (templates,
deliveries) and each staff user's Inbox."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core import registry
from notifications import services
from notifications.admin import InboxMenuItem, MessagesGroup, admin_urls
from notifications.graphql.schema import VIEWER_FIELDS
from notifications.models import Notification, Preference


@hooks.register(registry.EVENT_SUBSCRIBERS)
def event_subscribers():
    events = {kind.event for kind in registry.notification_kinds().values() if kind.event}
    return {event: [services.notify_for_event] for event in sorted(events)}


@hooks.register(registry.VIEWER_FIELDS)
def viewer_fields():
    return VIEWER_FIELDS


@hooks.register(registry.EVERY_TICK)
def every_tick():
    return {"notifications": services.send_due_deliveries}


def _export(user) -> dict:
    return {
        "messages": list(
            Notification.objects.filter(recipient=user).values(
                "kind", "title", "body", "created_at", "read_at"
            )
        ),
        "choices": list(Preference.objects.filter(user=user).values("kind", "channel", "enabled")),
    }


def _erase(user) -> None:
    Notification.objects.filter(recipient=user).delete()
    Preference.objects.filter(user=user).delete()


@hooks.register(registry.CUSTOMER_DATA)
def customer_data():
    return [registry.CustomerData("messages", _export, _erase)]


@hooks.register("register_admin_viewset")
def register_messages_admin():
    return MessagesGroup()


@hooks.register("register_admin_urls")
def register_inbox_url():
    return admin_urls()


@hooks.register("register_admin_menu_item")
def inbox_menu_item():
    return InboxMenuItem(
        _("Inbox"), reverse("notifications_admin_inbox"), name="inbox", icon_name="mail", order=90
    )


from notifications import campaign_hooks  # noqa: F401,E402
