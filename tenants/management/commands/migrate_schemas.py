from django.core.management.base import CommandError
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from tenants import fleet_migrations, schemas

# With any of these, the run is django-tenants' own (every schema, one after another, no skipping).
PASSED_TO_DJANGO_TENANTS = (
    "schema_name",
    "app_label",
    "migration_name",
    "fake",
    "fake_initial",
    "plan",
    "prune",
    "run_syncdb",
    "check_unapplied",
    "executor",
)


class Command(MigrateSchemasCommand):
    help = (
        "Migrates the public schema, brings the template schema that new tenants are cloned from to "
        "migration head, migrates the tenant schemas that are behind in parallel worker processes "
        "(skipping those already up to date) and refills the spare-schema pool."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=f"Tenant schemas migrated at once, each in its own process (default: "
            f"{fleet_migrations.default_workers()}, i.e. min(4, CPU count)).",
        )

    def handle(self, *args, **options):
        if options.get("shared") or any(options.get(name) for name in PASSED_TO_DJANGO_TENANTS):
            self._django_tenants_run(*args, **options)
            return
        if options.get("workers") is not None and options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")
        verbosity = options.get("verbosity", 1)

        def migrate_public_and_template(output):
            self.stdout = output
            if not options.get("tenant"):
                super(Command, self).handle(*args, **{**options, "shared": True})
            # The template first: stale spares are dropped at once, so a tenant provisioned while
            # the fleet migrates is already at the new state.
            self._migrate_template(verbosity)
            return schemas.code_migration_state()

        # In a child process: this one stays as small as it started (issue 16: memory flat), and
        # only forks the fleet's workers and refills the pool.
        migrations = fleet_migrations.run_in_child_process(migrate_public_and_template, self.stdout)
        if verbosity:
            self.stdout.write("=== Tenant schemas")
        result = fleet_migrations.migrate_fleet(
            workers=options.get("workers"),
            verbosity=verbosity,
            progress=fleet_migrations.ProgressLine(self.stdout, verbosity=verbosity),
            migrations=migrations,
        )
        self._fill_spare_pool(verbosity)
        if verbosity:
            self.stdout.write(result.summary())
        if result.failures:
            raise CommandError(
                f"{len(result.failures)} tenant schema(s) failed to migrate: "
                + ", ".join(name for name, _ in result.failures)
            )

    def _django_tenants_run(self, *args, **options):
        super().handle(*args, **options)
        migrating_all_tenants = self.sync_tenant and not options.get("schema_name")
        if (
            not migrating_all_tenants
            or options.get("fake")
            or options.get("plan")
            or options.get("migration_name")
        ):
            return
        verbosity = options.get("verbosity", 1)
        self._migrate_template(verbosity)
        self._fill_spare_pool(verbosity)

    def _migrate_template(self, verbosity):
        if verbosity:
            self.stdout.write(f"=== Template schema {schemas.template_schema_name()}")
        fingerprint = schemas.migrate_template_schema(verbosity=verbosity)
        if verbosity:
            self.stdout.write(f"    at migration state {fingerprint[:12]}")

    def _fill_spare_pool(self, verbosity):
        def report(added):
            if verbosity:
                self.stdout.write(f"    spare schema {added} ready")

        schemas.fill_spare_pool(progress=report)
