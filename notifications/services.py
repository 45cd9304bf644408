"""Telling customers and staff: `notify` writes the message in the recipient's language and one
delivery per channel they may get it on, in the caller's transaction; after commit, the deliveries
go out through Celery (`send_deliveries`), each at most once, with retries."""

import datetime as dt
import logging

from celery import shared_task
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import F
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone, translation

from core import registry
from notifications.channels import CHANNELS
from notifications.models import Delivery, Notification, NotificationTemplate, Preference
from notifications.recipients import language_of, profile_of

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def retry_delay(attempts: int) -> dt.timedelta:
    """1 min, 2 min, 4 min, ... at most 1 hour."""
    return dt.timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def wording(kind: registry.NotificationKind, language: str) -> tuple[str, str]:
    """(title, body) templates: the brand's own for this language, else the built-in one."""
    own = NotificationTemplate.objects.filter(kind=kind.key, language=language).first()
    if own is not None:
        return own.title, own.body
    fallback = kind.title.get("en") or next(iter(kind.title.values()))
    return kind.title.get(language, fallback), kind.body.get(language, kind.body.get("en", ""))


def render(text: str, context: dict) -> str:
    """A wording template filled in (plain text: nothing is HTML-escaped; e-mails escape it)."""
    return Template(text).render(Context(context, autoescape=False)).strip()


def check_wording(title: str, body: str, context: dict) -> str | None:
    """None when both render, else what is wrong, for the admin's form."""
    try:
        render(title, context)
        render(body, context)
    except TemplateSyntaxError as error:
        return str(error)
    return None


def wants(user, kind: registry.NotificationKind, channel: str, profile=None) -> bool:
    """Whether this person gets `kind` on `channel`: marketing needs their consent and may be
    switched off on any channel; transactional messages always reach the inbox, and the other
    channels unless the customer switched them off."""
    if kind.marketing:
        if profile is None or not profile.marketing_consent:
            return False
    elif channel == "inbox":
        return True
    choice = Preference.objects.filter(user=user, kind=kind.key, channel=channel).values_list(
        "enabled", flat=True
    )
    return next(iter(choice), True)


def notify(
    recipient, kind_key: str, context: dict, *, idempotency_key: str, channels=None
) -> Notification | None:
    """Tell `recipient` about `kind_key`, once per `idempotency_key`. Returns the notification, or
    None when they get it on no channel."""
    kind = registry.notification_kinds().get(kind_key)
    if kind is None:
        raise ImproperlyConfigured(f"Notification kind {kind_key!r} is not registered.")
    with transaction.atomic():
        existing = Notification.objects.filter(idempotency_key=idempotency_key[:200]).first()
        if existing is not None:
            return existing
        profile = profile_of(recipient)
        addresses = {}
        for channel in channels or kind.channels:
            address = CHANNELS[channel].address(recipient, profile) if channel in CHANNELS else ""
            if address and wants(recipient, kind, channel, profile):
                addresses[channel] = address
        if not addresses:
            return None
        language = language_of(recipient, profile)
        title, body = wording(kind, language)
        with translation.override(language):
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind.key,
                title=render(title, context)[:200],
                body=render(body, context),
                url=render(kind.url, context) if kind.url else "",
                in_inbox="inbox" in addresses,
                idempotency_key=idempotency_key[:200],
            )
        now = timezone.now()
        deliveries = Delivery.objects.bulk_create(
            [
                Delivery(
                    notification=notification,
                    channel=channel,
                    address=address[:254],
                    status=Delivery.Status.SENT if channel == "inbox" else Delivery.Status.PENDING,
                    sent_at=now if channel == "inbox" else None,
                    attempts=1 if channel == "inbox" else 0,
                )
                for channel, address in addresses.items()
            ]
        )
        pending = [delivery.pk for delivery in deliveries if delivery.status == Delivery.Status.PENDING]
        if pending:
            schema = connection.schema_name
            transaction.on_commit(lambda: _queue(schema, pending))
        return notification


def _queue(schema_name: str, delivery_ids: list[int], countdown: int | None = None) -> None:
    send_deliveries.apply_async(
        args=[delivery_ids], headers={"_schema_name": schema_name}, countdown=countdown
    )


@shared_task(name="notifications.send_deliveries", acks_late=True)
def send_deliveries(delivery_ids: list[int]) -> dict[str, int]:
    """Send these deliveries in the current tenant (tenant-schemas-celery runs it in the schema of
    the tenant that queued it); each one at most once."""
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    for delivery_id in delivery_ids:
        outcome = send_delivery(delivery_id)
        if outcome:
            counts[outcome] += 1
    return counts


def send_delivery(delivery_id: int, *, now=None) -> str | None:
    """Send one due delivery, if nobody else has claimed it: "sent", "retrying", "failed", or None
    when it was not due or is someone else's. Claiming first makes it at most once: a worker that
    dies while sending leaves it "being sent", never sent twice."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
    ).update(status=Delivery.Status.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    try:
        CHANNELS[delivery.channel].send(delivery)
    except Exception as error:  # noqa: BLE001 - any failure is retried, then shown to staff
        logger.warning("Delivery %s (%s) failed: %s", delivery.pk, delivery.channel, error)
        failed = delivery.attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED if failed else Delivery.Status.PENDING,
            next_attempt_at=now + retry_delay(delivery.attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        if not failed:
            _queue(
                connection.schema_name,
                [delivery.pk],
                countdown=int(retry_delay(delivery.attempts).total_seconds()),
            )
        return "failed" if failed else "retrying"
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def send_due_deliveries(*, now=None, limit: int = 500) -> dict[str, int]:
    """Deliveries waiting for a retry whose time has come (the schedule's safety net when a queued
    retry was lost)."""
    now = now or timezone.now()
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now).values_list(
        "pk", flat=True
    )
    for delivery_id in list(due[:limit]):
        outcome = send_delivery(delivery_id, now=now)
        if outcome:
            counts[outcome] += 1
    return counts


def retry_failed_delivery(delivery: Delivery, *, acting_user) -> None:
    """Staff send a failed delivery again (after fixing the provider settings)."""
    updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, next_attempt_at=timezone.now()
    )
    if updated:
        logger.info("Delivery %s sent again by %s", delivery.pk, acting_user)
        schema = connection.schema_name
        transaction.on_commit(lambda: _queue(schema, [delivery.pk]))


def mark_read(user, notification_id: int) -> bool:
    return bool(
        Notification.objects.filter(pk=notification_id, recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, in_inbox=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notify_for_event(event) -> None:
    """Outbox subscriber: every kind sent by this event, to the recipients its domain names."""
    for kind in registry.notification_kinds().values():
        if kind.event != event.kind or kind.recipients is None:
            continue
        for user, context in kind.recipients(event):
            notify(user, kind.key, context, idempotency_key=f"{kind.key}:{event.idempotency_key}:{user.pk}")


def notify_staff(
    kind_key: str, context: dict, *, idempotency_key: str, permission: str | None = None
) -> list[Notification]:
    """Tell the brand's staff about `kind_key`: every active staff user and superuser, or, with
    `permission` ("app_label.codename"), every active user holding it (superusers hold them all).
    Each person once per `idempotency_key`. Returns the notifications written."""
    # Imported here so that adding this function left the module's shared import block untouched.
    from django.contrib.auth import get_user_model
    from django.contrib.auth.backends import ModelBackend
    from django.db.models import Q

    if permission:
        # ModelBackend directly: the project has several backends, so User.objects.with_perm
        # would need to be told which one; permissions live in the tenant's own tables either way.
        staff = ModelBackend().with_perm(permission, is_active=True, include_superusers=True)
    else:
        staff = get_user_model().objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
    notifications = []
    for user in staff.order_by("pk"):
        notification = notify(user, kind_key, context, idempotency_key=f"{idempotency_key}:{user.pk}")
        if notification is not None:
            notifications.append(notification)
    return notifications
