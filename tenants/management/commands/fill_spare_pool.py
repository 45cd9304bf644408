from django.core.management.base import BaseCommand

from tenants import schemas


class Command(BaseCommand):
    help = "Clones spare tenant schemas from the template until the pool holds --size of them."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=None, help="Default: SPARE_SCHEMA_POOL_SIZE")

    def handle(self, *args, **options):
        added = schemas.fill_spare_pool(
            options["size"], progress=lambda n: self.stdout.write(f"spare {n} ready")
        )
        self.stdout.write(f"Added {added} spare schemas.")
