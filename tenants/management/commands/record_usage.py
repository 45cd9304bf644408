import time

from django.core.management.base import BaseCommand, CommandError

from core.progress import ProgressBar
from tenants.usage import record_usage, tenants_to_measure


class Command(BaseCommand):
    help = (
        "Counts every tenant's usage (pages, members, orders, bookings, active customers, requests over "
        "30 days, media and database size) and stores today's row, which the console's usage list shows. "
        "Run it daily (cron or the schedule); running it again the same day replaces that day's row."
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
        verbosity = options["verbosity"]
        # A line per tenant at -v 2; otherwise a progress bar.
        bar = ProgressBar(
            self.stdout, "counting", "counted", total=len(tenants), verbosity=int(verbosity == 1)
        )
        bar.start()
        started = time.monotonic()
        for tenant in tenants:
            usage = record_usage(tenant)
            bar.advance()
            if verbosity >= 2:
                self.stdout.write(
                    f"{tenant.schema_name}: {usage.pages} pages, {usage.active_customers_30d} active customers, "
                    f"{usage.requests_30d} requests (30 days), {usage.database_bytes} database bytes"
                )
        if verbosity:
            self.stdout.write(
                f"Usage recorded for {len(tenants)} tenants in {time.monotonic() - started:.1f} s."
            )
