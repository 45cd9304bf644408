from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from portals.demo import (
    AGENCY_LOGIN,
    CUSTOMER_PASSWORD,
    DEMO_AGENCY,
    DEMO_CUSTOMERS,
    DEMO_TENANTS,
    create_demo_tenant,
)
from tenants import schemas, services
from tenants.models import Agency, Domain


class Command(BaseCommand):
    help = "Creates the demo agency, its console login and the demo tenants (idempotent); prints the logins."

    def handle(self, *args, **options):
        User = get_user_model()
        agency, _ = Agency.objects.get_or_create(name=DEMO_AGENCY)
        staff = User.objects.filter(username=AGENCY_LOGIN[0]).first()
        if staff is None:
            staff = User.objects.create_user(AGENCY_LOGIN[0], "agency@example.com", AGENCY_LOGIN[1])
        agency.staff.add(staff)

        port = services.tenant_url("x").rsplit(":", 1)[-1]
        lines = [
            "",
            "Demo logins (development only):",
            f"  Agency console  http://localhost:{port}/console/  {AGENCY_LOGIN[0]} / {AGENCY_LOGIN[1]}",
        ]
        lines.append(
            f"  Demo customers: {', '.join(name + '@' + 'demo.example' for name in DEMO_CUSTOMERS)} / {CUSTOMER_PASSWORD}"
        )
        for demo in DEMO_TENANTS:
            domain = Domain.objects.select_related("tenant").filter(domain=demo["domain"]).first()
            if domain is None:
                result = create_demo_tenant(demo, agency=agency)
                self.stdout.write(f"Created demo tenant {result.tenant.name} ({result.schema_source})")
            lines.append(
                f"  {demo['name']:<22}  {services.tenant_url(demo['domain'])}/  "
                f"(admin: {services.tenant_url(demo['domain'])}/admin/  {demo['admin_email']} / {demo['admin_password']})"
            )
        schemas.fill_spare_pool()  # top up what the demo tenants took, before serving
        self.stdout.write("\n".join(lines) + "\n")
