import os
import time

from django.core.management.base import BaseCommand, CommandError

from core.progress import ProgressBar
from tenants import portable
from tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Writes one tenant's archive (.tar.gz): its schema's rows, its media files, its settings, "
        "domains, usage and audit history. import_tenant restores it here or on another deployment "
        "(docs/tenancy.md, Moving a tenant)."
    )

    def add_arguments(self, parser):
        parser.add_argument("schema_name", help="The tenant's schema, e.g. acme")
        parser.add_argument("archive", help="Where to write the archive, e.g. acme.tar.gz")

    def handle(self, *args, **options):
        tenant = Tenant.objects.select_related("agency").filter(schema_name=options["schema_name"]).first()
        if tenant is None:
            raise CommandError(f"There is no tenant with the schema {options['schema_name']!r}.")
        path = options["archive"]
        if os.path.exists(path):
            raise CommandError(f"{path} already exists; choose another path or remove it first.")
        started = time.monotonic()
        bar = ProgressBar(self.stdout, "exporting", "exported", total=0, verbosity=options["verbosity"])
        try:
            with open(path, "xb") as archive:
                summary = portable.export_tenant(tenant, archive, progress=bar)
        except (portable.PortableError, OSError) as error:
            if os.path.exists(path):
                os.remove(path)  # a half-written archive is worse than none
            raise CommandError(str(error)) from None
        except BaseException:
            if os.path.exists(path):
                os.remove(path)
            raise
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Exported {summary.schema_name}: {summary.tables:,} tables, {summary.rows:,} rows, "
                f"{summary.media_files:,} media files, {megabytes(os.path.getsize(path))} to {path} "
                f"in {time.monotonic() - started:.1f} s."
            )


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"
