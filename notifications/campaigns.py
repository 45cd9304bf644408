"""Campaign messages: brand staff write a message once and send it to a group of customers (an
audience a domain registers: core.registry.CampaignAudience), now or at a time they choose.

Each customer gets it through `services.notify` with the kind "campaign" (marketing: only those who
agreed to news and offers, on the channels they did not switch off) and the idempotency key
`campaign:<campaign>:<user>`, so however often a send is started, re-delivered or resumed, nobody
gets it twice.

Sending is a Celery task (`notifications.send_campaign`, acks_late) that walks the audience in
batches of 500 users ordered by pk. A run works for at most CHUNK_SECONDS, then queues the next run
from where it stopped: each message is short, so a broker's visibility timeout never hands a live
run to a second worker, and a worker killed mid-run leaves its message unacknowledged, to be
delivered again and redo its chunk (the users already told are skipped). A session advisory lock per
campaign keeps two runs of one campaign from ever overlapping.
"""

import datetime as dt
import logging
import time
import zlib

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import CharField, F, Func, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import registry
from notifications import services
from notifications.models import Campaign, Delivery, Notification

logger = logging.getLogger(__name__)

KIND = "campaign"
BATCH_SIZE = 500
CHUNK_SECONDS = 20.0

CAMPAIGN_KIND = registry.NotificationKind(
    key=KIND,
    label=gettext_lazy("News and offers from the brand"),
    title={"en": "{{ title }}", "zh-hans": "{{ title }}"},
    body={"en": "{{ body }}", "zh-hans": "{{ body }}"},
    url="{{ url }}",
    channels=("inbox", "email"),
    marketing=True,
)


class CampaignError(ValidationError):
    """What staff asked for cannot be done to this campaign (the admin shows the message)."""


# --- Audiences -------------------------------------------------------------------------------


def audience_of(campaign: Campaign):
    """The campaign's audience as a User queryset in the current schema (none when its audience is
    no longer registered)."""
    from django.contrib.auth import get_user_model

    audience = registry.campaign_audiences().get(campaign.audience)
    if audience is None:
        return get_user_model().objects.none()
    return audience.users(campaign.audience_value)


def audience_label(campaign: Campaign, audiences: dict | None = None) -> str:
    audiences = registry.campaign_audiences() if audiences is None else audiences
    audience = audiences.get(campaign.audience)
    if audience is None:
        return campaign.audience
    if audience.choices is None:
        return str(audience.label)
    names = dict(audience.choices())
    return f"{audience.label}: {names.get(campaign.audience_value, campaign.audience_value)}"


def target_choices() -> list:
    """The audience select's options: `key` for an audience with nothing to pick, else a group of
    `key=value` options, one per choice."""
    options = []
    for audience in registry.campaign_audiences().values():
        if audience.choices is None:
            options.append((audience.key, str(audience.label)))
        else:
            options.append(
                (
                    str(audience.label),
                    [(f"{audience.key}={value}", label) for value, label in audience.choices()],
                )
            )
    return options


def split_target(target: str) -> tuple[str, str]:
    key, _sep, value = target.partition("=")
    return key, value


def check_audience(key: str, value: str) -> None:
    audience = registry.campaign_audiences().get(key)
    if audience is None:
        raise CampaignError(_("Choose who gets the message."), code="audience")
    if audience.choices is not None and value not in {str(v) for v, _label in audience.choices()}:
        raise CampaignError(_("Choose who gets the message."), code="audience")


def check_url(url: str) -> None:
    if url and not url.startswith(("/", "https://", "http://")):
        raise CampaignError(
            _("Give a page of the portal (starting with /) or a full address (https://…)."), code="url"
        )


# --- Services --------------------------------------------------------------------------------

EDITABLE = (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED)


@transaction.atomic
def save_campaign(campaign: Campaign, *, acting_user) -> Campaign:
    """Create or change a campaign that has not started sending: scheduled when it has a time to
    go out, else a draft."""
    check_audience(campaign.audience, campaign.audience_value)
    check_url(campaign.url)
    if campaign.pk is not None:
        current = Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("status", flat=True)
        if next(iter(current), None) not in EDITABLE:
            raise CampaignError(_("This campaign is being sent or was sent: it can no longer be changed."))
    else:
        campaign.created_by = acting_user
    campaign.status = Campaign.Status.SCHEDULED if campaign.send_at else Campaign.Status.DRAFT
    campaign.save()
    logger.info("Campaign %s saved (%s) by %s", campaign.pk, campaign.status, acting_user)
    return campaign


@transaction.atomic
def send_campaign(campaign: Campaign, *, acting_user) -> bool:
    """Start sending now. False when it is already being sent or was sent (sending twice reaches
    nobody twice: only one call moves it to "sending")."""
    started = Campaign.objects.filter(pk=campaign.pk, status__in=EDITABLE).update(
        status=Campaign.Status.SENDING
    )
    campaign.refresh_from_db(fields=["status"])
    if started:
        logger.info("Campaign %s sent by %s", campaign.pk, acting_user)
        _queue_after_commit(campaign.pk)
    return bool(started)


def send_due_campaigns(*, now=None) -> int:
    """On every tick: scheduled campaigns whose time has come start sending, each once (the
    conditional UPDATE lets one tick of two take it)."""
    now = now or timezone.now()
    started = 0
    due = Campaign.objects.filter(status=Campaign.Status.SCHEDULED, send_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            if Campaign.objects.filter(pk=pk, status=Campaign.Status.SCHEDULED, send_at__lte=now).update(
                status=Campaign.Status.SENDING
            ):
                started += 1
                _queue_after_commit(pk)
    _resume_stalled(now)
    return started


STALLED_AFTER = dt.timedelta(minutes=10)


def _resume_stalled(now) -> None:
    """A campaign still "sending" that told nobody for STALLED_AFTER lost its run (the broker
    dropped the message, or the queue was purged): walk its audience again from the start. Nobody
    is told twice (notify's key), and the per-campaign lock keeps a run that is only slow alone."""
    for campaign in Campaign.objects.filter(
        status=Campaign.Status.SENDING, created_at__lt=now - STALLED_AFTER
    ):
        latest = (
            Notification.objects.filter(
                kind="campaign", idempotency_key__startswith=f"campaign:{campaign.pk}:"
            )
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if latest is None or latest < now - STALLED_AFTER:
            logger.warning("Campaign %s stalled; sending resumes from the start", campaign.pk)
            _queue_after_commit(campaign.pk)


def _queue_after_commit(campaign_id: int) -> None:
    schema = connection.schema_name
    transaction.on_commit(lambda: _queue(schema, campaign_id))


def _queue(schema_name: str, campaign_id: int, after: int = 0, walked: int = 0) -> None:
    send_campaign_task.apply_async(args=[campaign_id, after, walked], headers={"_schema_name": schema_name})


# --- The task --------------------------------------------------------------------------------


@shared_task(name="notifications.send_campaign", acks_late=True)
def send_campaign_task(campaign_id: int, after: int = 0, walked: int = 0) -> dict:
    """One run of a campaign's sending (in the tenant's schema, tenant-schemas-celery)."""
    return deliver_campaign(campaign_id, after=after, walked=walked)


def deliver_campaign(
    campaign_id: int, *, after: int = 0, walked: int = 0, seconds: float | None = None
) -> dict:
    """Tell the audience's users with pk > `after`, batch by batch, for about `seconds`; then queue
    the rest as a new run, or mark the campaign sent. Returns what this run did."""
    if not _try_lock(campaign_id):
        return {"outcome": "running elsewhere"}
    try:
        campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).first()
        if campaign is None:
            return {"outcome": "not sending"}
        users = audience_of(campaign).order_by("pk")
        deadline = time.monotonic() + (CHUNK_SECONDS if seconds is None else seconds)
        told, finished = 0, False
        while not finished:  # at least one batch per run, so every run moves on
            batch = list(users.filter(pk__gt=after)[:BATCH_SIZE])
            told += _send_batch(campaign, batch)
            walked += len(batch)
            after = batch[-1].pk if batch else after
            finished = len(batch) < BATCH_SIZE
            if time.monotonic() > deadline:
                break
        if finished:
            Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.SENDING).update(
                status=Campaign.Status.SENT, sent_at=timezone.now(), recipients=walked
            )
            return {"outcome": "sent", "told": told, "recipients": walked}
    finally:
        _unlock(campaign_id)
    # Queued once the lock is released, so the next run can take it.
    _queue(connection.schema_name, campaign_id, after, walked)
    return {"outcome": "continued", "told": told, "after": after}


def _send_batch(campaign: Campaign, users: list) -> int:
    """Notify one batch in one transaction (a worker killed mid-batch leaves none of it); users
    told by an earlier, interrupted run are skipped without a query each."""
    keys = {user.pk: f"{campaign.key_prefix}{user.pk}" for user in users}
    done = set(
        Notification.objects.filter(idempotency_key__in=keys.values()).values_list(
            "idempotency_key", flat=True
        )
    )
    context = {"title": campaign.title, "body": campaign.body, "url": campaign.url}
    told = 0
    with transaction.atomic():
        for user in users:
            if keys[user.pk] in done:
                continue
            if services.notify(user, KIND, context, idempotency_key=keys[user.pk]) is not None:
                told += 1
    return told


def _lock_key(campaign_id: int) -> int:
    """A 32-bit key for this tenant's campaign (advisory locks are database-wide)."""
    return zlib.crc32(f"{connection.schema_name}:campaign:{campaign_id}".encode()) - 2**31


def _try_lock(campaign_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(campaign_id)])
        return cursor.fetchone()[0]


def _unlock(campaign_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(campaign_id)])


# --- Counts ----------------------------------------------------------------------------------


def _count(queryset):
    return Coalesce(
        Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]), 0
    )


def with_counts(campaigns):
    """Campaigns annotated with `sent_count` (notifications made), `failed_count` (deliveries that
    gave up) and `read_count` (opened in the inbox): three subqueries, however many rows."""
    prefix = Concat(Value("campaign:"), Cast(OuterRef("pk"), CharField()), Value(":"))
    notifications = Notification.objects.filter(kind=KIND, idempotency_key__startswith=prefix)
    failed = Delivery.objects.filter(
        status=Delivery.Status.FAILED,
        notification__kind=KIND,
        notification__idempotency_key__startswith=prefix,
    )
    return campaigns.annotate(
        sent_count=_count(notifications),
        failed_count=_count(failed),
        read_count=_count(notifications.filter(read_at__isnull=False)),
    )


def counts(campaign: Campaign) -> dict[str, int]:
    row = (
        with_counts(Campaign.objects.filter(pk=campaign.pk))
        .values("sent_count", "failed_count", "read_count")
        .get()
    )
    return {
        "recipients": campaign.recipients,
        "sent": row["sent_count"],
        "failed": row["failed_count"],
        "read": row["read_count"],
    }
