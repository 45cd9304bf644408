from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from portals.demo import (
    AGENCY_LOGIN,
    CUSTOMER_PASSWORD,
    DEMO_AGENCY,
    DEMO_CUSTOMERS,
    DEMO_LEVELS,
    DEMO_TENANTS,
    add_levels,
    seed_demo_coupons,
    seed_demo_members,
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
                result = services.provision_tenant(
                    demo["name"],
                    demo["domain"],
                    demo["template"],
                    demo["admin_email"],
                    agency=agency,
                    default_language=demo["default_language"],
                )
                tenant = result.tenant
                with schema_context(tenant.schema_name):
                    admin = User.objects.get(username=demo["admin_email"])
                    admin.set_password(demo["admin_password"])
                    admin.save(update_fields=["password"])
                    add_levels(*DEMO_LEVELS[demo["template"]])
                    seed_demo_members(demo)
                    seed_demo_coupons(demo)
                self.stdout.write(f"Created demo tenant {tenant.name} ({result.schema_source})")
            lines.append(
                f"  {demo['name']:<22}  {services.tenant_url(demo['domain'])}/  "
                f"(admin: {services.tenant_url(demo['domain'])}/admin/  {demo['admin_email']} / {demo['admin_password']})"
            )
        schemas.fill_spare_pool()  # top up what the demo tenants took, before serving
        self.stdout.write("\n".join(lines) + "\n")
