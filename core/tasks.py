"""Tasks that run in one tenant's schema (tenant-schemas-celery puts the schema in the message)."""

from celery import shared_task

from core import jobs, outbox
from core.outbox import deliver_outbox

__all__ = ["deliver_outbox", "run_tenant_schedule"]


@shared_task
def run_tenant_schedule(time_zone: str, only: list[str] | None = None) -> dict:
    """The schedule's work in one tenant: due jobs for its local day (only those named in `only`,
    when given), then events due for a retry."""
    return {"jobs": jobs.run_due_jobs(time_zone, only=only), "events": outbox.deliver_due_events()}
