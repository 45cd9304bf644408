from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from core.tasks import run_tenant_schedule
from tenants import schemas
from tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Runs the schedule once, in-process: every active tenant (or one) runs the scheduled jobs "
        "due in its time zone that have not run for their period, and delivers due outbox events. "
        "Celery beat does this every few minutes (tenants.tasks.tick); use this without a broker, "
        "in development or from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="Only this tenant's schema")
        parser.add_argument("--job", action="append", help="Only this job (repeatable)")

    def handle(self, *args, **options):
        tenants = Tenant.objects.filter(status=Tenant.Status.ACTIVE).order_by("schema_name")
        if options["schema"]:
            tenants = tenants.filter(schema_name=options["schema"])
            if not tenants.exists():
                raise CommandError(f"No active tenant has the schema {options['schema']!r}.")
        tenants = list(tenants)
        for number, tenant in enumerate(tenants, start=1):
            with schema_context(tenant.schema_name):  # what the tick's task does, in this process
                done = run_tenant_schedule(tenant.time_zone, only=options["job"])
            summary = ", ".join(f"{name} {result}" for name, result in done["jobs"].items()) or "no job due"
            self.stdout.write(
                f"[{number}/{len(tenants)}] {tenant.schema_name} ({tenant.time_zone}): {summary}; "
                f"events {done['events']}"
            )
        self.stdout.write(f"Spare pool: {schemas.refill_spare_pool()} schemas added")
