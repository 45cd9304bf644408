"""Scheduled jobs: work a domain registers to run once a day (or other period) in every active
tenant, at a local time in the tenant's own time zone.

`tenants.tasks.tick` (Celery beat, every few minutes) asks each active tenant to run what is due;
`run_due_jobs` claims a job's period by inserting its JobRun row (unique per job and period), so a
job runs at most once per tenant and period even when two beat processes, or a person with
`manage.py run_scheduled_jobs`, ask at the same moment. A job that fails keeps its row with the
error (shown to staff) and is not retried for that period.
"""

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import registry
from core.models import JobRun

logger = logging.getLogger(__name__)


PERIODS = {
    "day": lambda today: today.isoformat(),
    "month": lambda today: f"{today:%Y-%m}",
    "year": lambda today: str(today.year),
}


@dataclass(frozen=True)
class ScheduledJob:
    """`run(today=<local date>)` once per local day (or month, or year: `every`), at the first
    tick at or after `at` in the tenant's time zone, with that time zone active. It returns a small
    JSON-able summary (counts), kept on the JobRun."""

    name: str
    run: Callable
    at: dt.time = dt.time(0, 0)
    every: str = "day"
    description: str = ""

    def __post_init__(self):
        if self.every not in PERIODS:
            raise ValueError(f"every must be one of {', '.join(PERIODS)}, not {self.every!r}.")

    def period(self, today: dt.date) -> str:
        return PERIODS[self.every](today)


def local_now(time_zone: str, now=None) -> dt.datetime:
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(time_zone))


def due_jobs(time_zone: str, now=None) -> list[ScheduledJob]:
    """The registered jobs whose local time of day has come in `time_zone`."""
    local = local_now(time_zone, now)
    return [job for job in registry.scheduled_jobs() if local.time() >= job.at]


def run_due_jobs(time_zone: str, *, now=None, only=None) -> dict[str, dict]:
    """Run, in the current tenant's schema, each due job not yet run for today's local date."""
    today = local_now(time_zone, now).date()
    results = {}
    with timezone.override(zoneinfo.ZoneInfo(time_zone)):
        for job in due_jobs(time_zone, now):
            if only is not None and job.name not in only:
                continue
            outcome = run_job(job, today=today)
            if outcome is not None:
                results[job.name] = outcome
    return results


def run_job(job: ScheduledJob, *, today: dt.date) -> dict | None:
    """Run `job` for `today` unless it already ran (or is running) for that period; None if it had."""
    try:
        with transaction.atomic():
            run = JobRun.objects.create(job=job.name, period=job.period(today))
    except IntegrityError:
        return None  # claimed by an earlier or concurrent run
    try:
        with transaction.atomic():
            result = job.run(today=today) or {}
    except Exception as error:  # noqa: BLE001 - recorded on the run for staff; other jobs go on
        logger.exception("Scheduled job %s for %s failed", job.name, today)
        JobRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:2000]
        )
        return {"error": str(error)}
    JobRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=result)
    return result
