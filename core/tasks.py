"""Tasks that run in one tenant's schema (tenant-schemas-celery puts the schema in the message)."""

from celery import shared_task

from core import jobs, outbox, registry
from core.outbox import deliver_outbox

__all__ = ["deliver_outbox", "run_tenant_schedule"]


@shared_task
def run_tenant_schedule(time_zone: str, only: list[str] | None = None) -> dict:
    """The schedule's work in one tenant: due jobs for its local day (only those named in `only`,
    when given), events due for a retry, then what domains do on every tick (retries)."""
    done = {"jobs": jobs.run_due_jobs(time_zone, only=only), "events": outbox.deliver_due_events()}
    for name, work in registry.every_tick().items():
        done[name] = work()
    return done
