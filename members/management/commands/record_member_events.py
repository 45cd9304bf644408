from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tenants.utils import schema_context

from members import services
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Daily: records birthday and coupon-expiring member events in every active tenant (run from cron or beat)."

    def handle(self, *args, **options):
        tenants = list(Tenant.objects.filter(status=Tenant.Status.ACTIVE))
        for number, tenant in enumerate(tenants, start=1):
            with schema_context(tenant.schema_name):
                counts = services.record_daily_events(today=timezone.localdate())
            self.stdout.write(
                f"[{number}/{len(tenants)}] {tenant.schema_name}: {counts['birthday']} birthdays, "
                f"{counts['coupon_expiring']} coupons expiring"
            )
