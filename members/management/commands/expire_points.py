import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tenants.utils import schema_context

from members import services
from members.models import Member
from tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Expires points earned before a date and not spent since, in every tenant (or one). "
        "Run it on 1 January with --earned-before <1 January of last year> for 'end of the year after earning'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--earned-before", required=True, help="YYYY-MM-DD")
        parser.add_argument("--schema", help="Only this tenant's schema")

    def handle(self, *args, **options):
        try:
            day = dt.date.fromisoformat(options["earned_before"])
        except ValueError:
            raise CommandError("--earned-before must be a date like 2025-01-01.") from None
        cutoff = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        tenants = Tenant.objects.exclude(status=Tenant.Status.ARCHIVED)
        if options["schema"]:
            tenants = tenants.filter(schema_name=options["schema"])
        for number, tenant in enumerate(tenants, start=1):
            with schema_context(tenant.schema_name):
                expired = sum(
                    1
                    for member in Member.objects.filter(points__gt=0).iterator()
                    if services.expire_points(member, earned_before=cutoff)
                )
            self.stdout.write(
                f"[{number}/{len(tenants)}] {tenant.schema_name}: points expired for {expired} members"
            )
