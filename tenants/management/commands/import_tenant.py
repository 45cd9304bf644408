import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from core.progress import ProgressBar
from tenants import portable
from tenants.management.commands.export_tenant import megabytes
from tenants.models import Agency


class Command(BaseCommand):
    help = (
        "Restores a tenant from an archive made by export_tenant: its rows, media, settings and "
        "domains, under the same schema name or a new one. Checks everything first and changes "
        "nothing when the archive, the names or the migration state do not fit."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive made by export_tenant")
        parser.add_argument("--schema-name", default=None, help="A new schema name (default: the archive's)")
        parser.add_argument("--name", default=None, help="A new brand name (default: the archive's)")
        parser.add_argument(
            "--domain", default=None, help="A new primary domain, replacing all the archive's domains"
        )
        parser.add_argument(
            "--agency",
            default=None,
            help="The owning agency's name (default: the archive's, if it exists here)",
        )

    def handle(self, *args, **options):
        path = options["archive"]
        started = time.monotonic()
        try:
            with open(path, "rb") as archive:
                manifest = portable.read_manifest(archive)
                agency_name = options["agency"] or manifest["agency"]
                agency = Agency.objects.filter(name=agency_name).first()
                if agency is None:
                    hint = "" if options["agency"] else " (the archive's); choose one with --agency"
                    raise CommandError(f"There is no agency called {agency_name!r}{hint}.")
                archive.seek(0)
                bar = ProgressBar(
                    self.stdout, "importing", "imported", total=0, verbosity=options["verbosity"]
                )
                summary = portable.import_tenant(
                    archive,
                    agency=agency,
                    schema_name=options["schema_name"],
                    name=options["name"],
                    domain=options["domain"],
                    progress=bar,
                )
        except FileNotFoundError:
            raise CommandError(f"There is no archive at {path}.") from None
        except (portable.PortableError, OSError) as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            # Rolled back, and the media files written were removed (portable.import_tenant).
            raise CommandError(f"The import failed and nothing was kept: {error}".strip()) from error
        if options["verbosity"] >= 1:
            tenant = summary.tenant
            domain = tenant.domains.filter(is_primary=True).values_list("domain", flat=True).first()
            self.stdout.write(
                f"Imported {summary.archive_schema_name} as {tenant.schema_name} ({tenant.name}, on {domain}): "
                f"{summary.tables:,} tables, {summary.rows:,} rows, {summary.media_files:,} media files, "
                f"{megabytes(summary.media_bytes)} of media from {path} in {time.monotonic() - started:.1f} s."
            )
