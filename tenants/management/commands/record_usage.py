from django.core.management.base import BaseCommand, CommandError

from tenants.usage import record_usage, tenants_to_measure


class Command(BaseCommand):
    help = (
        "Counts every tenant's usage (pages, members, orders, bookings, active customers, media and "
        "database size) and stores today's row, which the console's usage list shows. Run it daily "
        "(cron or the schedule); running it again the same day replaces that day's row."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="Only this tenant's schema")

    def handle(self, *args, **options):
        tenants = tenants_to_measure()
        if options["schema"]:
            tenants = tenants.filter(schema_name=options["schema"])
            if not tenants.exists():
                raise CommandError(f"No active or suspended tenant has the schema {options['schema']!r}.")
        tenants = list(tenants)
        for number, tenant in enumerate(tenants, start=1):
            usage = record_usage(tenant)
            self.stdout.write(
                f"[{number}/{len(tenants)}] {tenant.schema_name}: {usage.pages} pages, "
                f"{usage.active_customers_30d} active customers, {usage.database_bytes} database bytes"
            )
        self.stdout.write(f"Usage recorded for {len(tenants)} tenants.")
