from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from tenants import schemas


class Command(MigrateSchemasCommand):
    help = (
        "Migrates the public schema and every tenant schema, then brings the template schema that new "
        "tenants are cloned from to migration head and refills the spare-schema pool."
    )

    def handle(self, *args, **options):
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
        if verbosity:
            self.stdout.write(f"=== Template schema {schemas.template_schema_name()}")
        fingerprint = schemas.migrate_template_schema(verbosity=verbosity)
        if verbosity:
            self.stdout.write(f"    at migration state {fingerprint[:12]}")

        def report(added):
            if verbosity:
                self.stdout.write(f"    spare schema {added} ready")

        schemas.fill_spare_pool(progress=report)
