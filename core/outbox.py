"""The transactional outbox: domains record events in the transaction of the change that caused
them; delivery calls the subscribers other domains registered, at least once.

- `record_event` inserts one row (INSERT ... ON CONFLICT DO NOTHING on the idempotency key) in the
  caller's transaction: if the change rolls back, so does the event, and a crash after commit
  loses nothing, because the row is there for the next delivery run.
- Delivery (`deliver_due_events`, run by `core.tasks.deliver_outbox` after each commit and by the
  schedule tick for retries) takes due events with `FOR UPDATE SKIP LOCKED`, so two workers never
  deliver the same event at once. Each event is delivered in its own transaction together with the
  handlers' writes: a handler that raises rolls its writes back, and the event is retried later
  with back-off, then marked failed (visible to staff under Settings → Event outbox).
- Handlers are idempotent (they may see an event twice: a worker can die after a handler's side
  effect outside the database); `event.idempotency_key` is a ready key for their own writes.
- An event whose kind has no subscriber is recorded as delivered: the timeline still shows it.
"""

import datetime as dt
import json
import logging

from celery import shared_task
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from core import registry
from core.db import prepared_cursor
from core.models import OutboxEvent

logger = logging.getLogger(__name__)

# One fixed statement: every ledger change records an event, and building the INSERT through the
# ORM cost more than running it (bench/ledger.py).
INSERT_EVENT_SQL = """
INSERT INTO core_outboxevent
       (kind, subject_type, subject_id, data, idempotency_key, created_at, status, attempts,
        next_attempt_at, delivered_at, last_error)
VALUES (%s, %s, %s, %s::jsonb, %s, %s, %s, 0, %s, %s, '')
ON CONFLICT (idempotency_key) DO NOTHING
"""
INSERT_EVENTS_SQL = """
INSERT INTO core_outboxevent
       (kind, subject_type, subject_id, data, idempotency_key, created_at, status, attempts,
        next_attempt_at, delivered_at, last_error)
VALUES {values}
ON CONFLICT (idempotency_key) DO NOTHING
"""
MAX_ATTEMPTS = 8
BATCH_SIZE = 100


def retry_delay(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, ... at most 1 hour between attempts."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def record_event(kind: str, *, subject=None, data: dict | None = None, idempotency_key: str) -> None:
    """Record that `kind` happened to `subject` (a model instance, or None), in the current
    transaction. Recording the same idempotency key again does nothing."""
    if kind not in registry.event_kinds():
        raise ImproperlyConfigured(f"Event kind {kind!r} is not registered (hook {registry.EVENT_KINDS}).")
    if not idempotency_key:
        raise ValueError("An event needs an idempotency key.")
    subscribed = bool(registry.event_subscribers(kind))
    now = timezone.now()
    with prepared_cursor() as cursor:
        cursor.execute(
            INSERT_EVENT_SQL,
            [
                kind,
                subject._meta.model_name if subject is not None else "",
                subject.pk if subject is not None else None,
                json.dumps(data or {}, cls=DjangoJSONEncoder),
                idempotency_key[:200],
                now,
                OutboxEvent.Status.PENDING if subscribed else OutboxEvent.Status.DELIVERED,
                now,
                None if subscribed else now,
            ],
        )
    if subscribed:
        schedule_delivery()


def record_events(events: list[tuple]) -> None:
    """Several events in one statement, each `(kind, subject, data, idempotency_key)` as for
    `record_event` (a checkout records the order placed and paid at once)."""
    rows, subscribed_any = [], False
    now = timezone.now()
    for kind, subject, data, idempotency_key in events:
        if kind not in registry.event_kinds():
            raise ImproperlyConfigured(
                f"Event kind {kind!r} is not registered (hook {registry.EVENT_KINDS})."
            )
        if not idempotency_key:
            raise ValueError("An event needs an idempotency key.")
        subscribed = bool(registry.event_subscribers(kind))
        subscribed_any = subscribed_any or subscribed
        rows.append(
            [
                kind,
                subject._meta.model_name if subject is not None else "",
                subject.pk if subject is not None else None,
                json.dumps(data or {}, cls=DjangoJSONEncoder),
                idempotency_key[:200],
                now,
                OutboxEvent.Status.PENDING if subscribed else OutboxEvent.Status.DELIVERED,
                now,
                None if subscribed else now,
            ]
        )
    if not rows:
        return
    values = ", ".join(
        ["(%s, %s, %s::bigint, %s::jsonb, %s, %s::timestamptz, %s, 0, %s::timestamptz, %s::timestamptz, '')"]
        * len(rows)
    )
    with prepared_cursor() as cursor:
        cursor.execute(INSERT_EVENTS_SQL.format(values=values), [value for row in rows for value in row])
    if subscribed_any:
        schedule_delivery()


def schedule_delivery() -> None:
    """Queue one delivery run for this tenant once the current transaction commits (one per
    transaction, however many events it recorded)."""
    if any(isinstance(callback, _DeliveryRun) for _ids, callback, *_ in connection.run_on_commit):
        return
    transaction.on_commit(_DeliveryRun(connection.schema_name))


class _DeliveryRun:
    """Queues core.tasks.deliver_outbox in the schema the events were recorded in (the commit may
    run after the caller left that schema)."""

    def __init__(self, schema_name: str):
        self.schema_name = schema_name

    def __call__(self):
        deliver_outbox.apply_async(headers={"_schema_name": self.schema_name})


@shared_task(name="core.tasks.deliver_outbox")
def deliver_outbox() -> dict:
    """Deliver the current tenant's due events (tenant-schemas-celery runs it in their schema)."""
    return deliver_due_events()


def deliver_due_events(*, now=None, limit: int = BATCH_SIZE) -> dict[str, int]:
    """Deliver up to `limit` due events of the current tenant, oldest first."""
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    for _ in range(limit):
        outcome = _deliver_next(now or timezone.now())
        if outcome is None:
            break
        counts[outcome] += 1
    return counts


def _deliver_next(now) -> str | None:
    with transaction.atomic():
        event = (
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxEvent.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if event is None:
            return None
        try:
            with transaction.atomic():  # a savepoint: a failing handler's writes are undone
                for handler in registry.event_subscribers(event.kind):
                    handler(event)
        except Exception as error:  # noqa: BLE001 - any handler failure is retried, then shown to staff
            logger.exception("Delivering %s (%s) failed", event, event.idempotency_key)
            event.attempts += 1
            event.last_error = f"{type(error).__name__}: {error}"[:2000]
            if event.attempts >= MAX_ATTEMPTS:
                event.status = OutboxEvent.Status.FAILED
            else:
                event.next_attempt_at = now + retry_delay(event.attempts)
            event.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return "failed" if event.status == OutboxEvent.Status.FAILED else "retrying"
        event.attempts += 1
        event.status = OutboxEvent.Status.DELIVERED
        event.delivered_at = timezone.now()
        event.save(update_fields=["attempts", "status", "delivered_at"])
        return "delivered"


def retry_failed_event(event: OutboxEvent, *, acting_user) -> OutboxEvent:
    """Staff send a failed event round again (after fixing what made its handler fail)."""
    updated = OutboxEvent.objects.filter(pk=event.pk, status=OutboxEvent.Status.FAILED).update(
        status=OutboxEvent.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if updated:
        logger.info("Event %s sent for delivery again by %s", event.pk, acting_user)
        schedule_delivery()
    event.refresh_from_db()
    return event


def events_about(subject, *, limit: int = 50) -> list[OutboxEvent]:
    """The latest events recorded about `subject`: a member's timeline."""
    return list(
        OutboxEvent.objects.filter(subject_type=subject._meta.model_name, subject_id=subject.pk).order_by(
            "-created_at", "-pk"
        )[:limit]
    )
