"""A campaign to 10,000 members through a real Celery worker on Redis, killed halfway.

1. Provisions a tenant and bulk-inserts 10,000 customers (user, profile with consent to news and
   offers, member card). They have no e-mail address, so the campaign reaches each in the inbox
   only: the bench measures the campaign's fan-out, not the e-mail channel's own deliveries (each
   a send_deliveries task of its own).
2. Starts a worker as a separate process (`python bench/campaign.py --worker`: Celery's solo pool,
   the broker a Redis database of its own), and sends the campaign (notifications.campaigns).
3. When about half the recipients have their notification, kills the worker with SIGKILL, starts
   a new one and waits until the campaign is "sent".
   The killed run's message was never acknowledged (acks_late): Redis hands it to the new worker
   once the broker's visibility timeout has passed (VISIBILITY_TIMEOUT here; campaign runs last at
   most CHUNK_SECONDS, well under it).

Writes bench/results/campaign.json: recipients, delivered (inbox notifications of the campaign),
duplicates (idempotency keys seen twice, plus users with more than one notification of it: both
must be 0), per_second (notifications over the whole send, the kill and the wait included), and
timings. The tenant is removed at the end.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _django import ROOT, setup_django, write_results

RECIPIENTS = 10_000
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
VISIBILITY_TIMEOUT = 20  # seconds before Redis hands an unacknowledged message to another worker
CHUNK_SECONDS = 5  # a campaign run's length before it queues the rest
TIMEOUT = 240
WORKER_LOG = Path(tempfile.gettempdir()) / "bench-campaign-worker.log"


def configure_worker_app():
    from config.celery import app
    from notifications import campaigns

    campaigns.CHUNK_SECONDS = CHUNK_SECONDS
    # Kombu looks for messages to hand back every unacked_restore_interval seconds, on one call in
    # unacked_restore_throttle (defaults 10 and 10: every 100 s); here every 2 s.
    app.conf.broker_transport_options = {
        "visibility_timeout": VISIBILITY_TIMEOUT,
        "unacked_restore_interval": 2,
        "unacked_restore_throttle": 1,
    }
    return app


def run_worker():
    """The worker process: Celery's solo pool, so SIGKILL stops all of it at once."""
    setup_django()
    app = configure_worker_app()
    app.worker_main(["worker", "--pool=solo", "--loglevel=WARNING", "--without-mingle", "--without-gossip"])


def start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, __file__, "--worker"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=WORKER_LOG.open("a"),
        stderr=subprocess.STDOUT,
    )


def make_customers(count: int, level) -> None:
    """Users, profiles and member cards in three bulk INSERTs each of 2,000 rows at a time."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import CustomerProfile
    from members.models import Member

    user_model = get_user_model()
    now = timezone.now()
    for start in range(0, count, 2000):
        users = user_model.objects.bulk_create(
            [
                user_model(
                    username=f"c{number}",
                    email="",
                    password="!",  # noqa: S106 - an unusable password: they never log in here
                    date_joined=now,
                )
                for number in range(start, min(start + 2000, count))
            ]
        )
        CustomerProfile.objects.bulk_create(
            [
                CustomerProfile(
                    user=user, preferred_language="en", marketing_consent=True, marketing_consent_at=now
                )
                for user in users
            ]
        )
        Member.objects.bulk_create([Member(user=user, level=level) for user in users])


def main():
    os.environ["CELERY_BROKER_URL"] = REDIS_URL
    setup_django()
    import redis
    from django.db import connection
    from django.db.models import Count
    from django_tenants.utils import schema_context

    from members.models import MemberLevel
    from notifications import campaigns
    from notifications.models import Campaign, Delivery, Notification
    from tenants import schemas
    from tenants import services as tenant_services
    from tenants.models import Agency

    WORKER_LOG.write_text("")
    redis.Redis.from_url(REDIS_URL).flushdb()  # this bench's own database: nothing left from earlier runs
    agency, _ = Agency.objects.get_or_create(name="Benchmark Agency")
    label = f"campaign{uuid.uuid4().hex[:6]}"
    tenant = tenant_services.provision_tenant(
        "Campaign bench",
        f"{label}.bench.localhost",
        "member-mall",
        "b@bench.example",
        agency=agency,
        default_language="en",
    ).tenant
    schema = tenant.schema_name
    workers = []
    figures = {}
    try:
        with schema_context(schema):
            started = time.perf_counter()
            level = MemberLevel.objects.order_by("threshold_points").first()
            make_customers(RECIPIENTS, level)
            figures["create_customers_seconds"] = round(time.perf_counter() - started, 2)
            campaign = campaigns.save_campaign(
                Campaign(
                    title="Tea week",
                    body="Double points on every pot until Sunday.",
                    url="/",
                    audience="members.all",
                ),
                acting_user=None,
            )
            mine = Notification.objects.filter(
                kind="campaign", idempotency_key__startswith=campaign.key_prefix
            )

            workers.append(start_worker())
            started = time.perf_counter()
            campaigns.send_campaign(campaign, acting_user=None)  # commits: the task goes to Redis
            while (delivered := mine.count()) < RECIPIENTS // 2:
                if time.perf_counter() - started > TIMEOUT:
                    raise RuntimeError(f"only {delivered} delivered before the kill; see {WORKER_LOG}")
                time.sleep(0.1)
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait()
            killed_at = time.perf_counter() - started
            figures["delivered_when_killed"] = mine.count()
            workers.append(start_worker())
            while Campaign.objects.filter(pk=campaign.pk, status="sent").count() == 0:
                if time.perf_counter() - started > TIMEOUT:
                    raise RuntimeError("the campaign was not sent in time")
                time.sleep(0.2)
            sent_at = time.perf_counter() - started
            campaign.refresh_from_db()
            keys = mine.values("idempotency_key").annotate(n=Count("pk")).filter(n__gt=1).count()
            per_user = mine.values("recipient").annotate(n=Count("pk")).filter(n__gt=1).count()
            delivered = mine.filter(in_inbox=True).count()
            figures = {
                "recipients": campaign.recipients,
                "delivered": delivered,
                "duplicates": keys + per_user,
                "duplicate_keys": keys,
                "users_with_more_than_one": per_user,
                "per_second": round(delivered / sent_at, 1),
                "seconds_to_kill": round(killed_at, 2),
                "seconds_to_sent": round(sent_at, 2),
                **figures,
                "deliveries": dict(
                    Delivery.objects.filter(notification__in=mine)
                    .values_list("channel")
                    .annotate(n=Count("pk"))
                    .order_by("channel")
                ),
                "counts": campaigns.counts(campaign),
                "worker": "celery solo pool, separate process, killed with SIGKILL once and restarted",
                "broker": f"redis, visibility_timeout {VISIBILITY_TIMEOUT}s, unacknowledged messages looked "
                f"for every 2 s; campaign runs of at most {CHUNK_SECONDS}s + one batch of {campaigns.BATCH_SIZE}",
                "seconds_waiting_for_redelivery_at_most": VISIBILITY_TIMEOUT + 2,
                "cpu_count": os.cpu_count(),
                "python": sys.version.split()[0],
            }
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                worker.wait()
        connection.set_schema_to_public()
        schemas.drop_schema(schema)
        tenant.delete()
        redis.Redis.from_url(REDIS_URL).flushdb()
    assert figures["duplicates"] == 0, figures
    write_results("campaign", figures)


if __name__ == "__main__":
    if "--worker" in sys.argv[1:]:
        run_worker()
    else:
        main()
