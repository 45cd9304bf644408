import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from members import services
from members.models import Member


class Command(BaseCommand):
    help = (
        "Expires points earned before a date and not spent since, in one tenant's schema. The schedule "
        "does this every year (members.expire-points); by hand: "
        "`manage.py tenant_command expire_points --schema=<schema> --earned-before 2025-01-01`, or "
        "`manage.py all_tenants_command expire_points --earned-before 2025-01-01` for every tenant."
    )

    def add_arguments(self, parser):
        parser.add_argument("--earned-before", required=True, help="YYYY-MM-DD")

    def handle(self, *args, **options):
        try:
            day = dt.date.fromisoformat(options["earned_before"])
        except ValueError:
            raise CommandError("--earned-before must be a date like 2025-01-01.") from None
        if connection.schema_name == "public":
            raise CommandError(
                "Run it in a tenant: manage.py tenant_command expire_points --schema=<schema> ..."
            )
        cutoff = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        expired = sum(
            1
            for member in Member.objects.filter(points__gt=0).order_by("pk").iterator()
            if services.expire_points(member, earned_before=cutoff)
        )
        self.stdout.write(f"{connection.schema_name}: points expired for {expired} members")
