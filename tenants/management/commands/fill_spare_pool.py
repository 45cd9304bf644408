from django.conf import settings
from django.core.management.base import BaseCommand

from core.progress import ProgressBar
from tenants import schemas
from tenants.models import SpareSchema


class Command(BaseCommand):
    help = "Clones spare tenant schemas from the template until the pool holds --size of them."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=None, help="Default: SPARE_SCHEMA_POOL_SIZE")

    def handle(self, *args, **options):
        size = settings.SPARE_SCHEMA_POOL_SIZE if options["size"] is None else options["size"]
        if not schemas.schema_exists(schemas.template_schema_name()):
            self.stdout.write(
                "There is no template schema to clone yet: run `manage.py migrate_schemas` first."
            )
            return
        bar = ProgressBar(
            self.stdout,
            "cloning",
            "cloned",
            total=max(0, size - SpareSchema.objects.count()),
            verbosity=options["verbosity"],
        )
        bar.start()
        added = schemas.fill_spare_pool(size, progress=lambda added: bar.advance())
        if options["verbosity"]:
            self.stdout.write(
                f"Added {added} spare schemas in {bar.seconds:.1f} s; the pool holds {SpareSchema.objects.count()}."
            )
