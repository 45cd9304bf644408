from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from builder.starter_portals import DEMO_LEVELS, add_levels
from tenants import schemas, services
from tenants.models import Agency, Domain

DEMO_AGENCY = "Demo Agency"
AGENCY_LOGIN = ("agency", "agency-demo")
DEMO_TENANTS = [
    {
        "name": "Lumen Coffee 流明咖啡",
        "domain": "lumen.localhost",
        "template": "member-mall",
        "admin_email": "admin@lumen.example",
        "admin_password": "lumen-demo",
        "default_language": "zh-hans",
    },
    {
        "name": "Harbor Home Services",
        "domain": "harbor.localhost",
        "template": "service-desk",
        "admin_email": "admin@harbor.example",
        "admin_password": "harbor-demo",
        "default_language": "en",
    },
]


DEMO_CUSTOMERS = {"mei": 300, "jun": 900, "li": 2600, "fang": 5200, "wei": 9100, "tao": 12000}
CUSTOMER_PASSWORD = "customer-demo"  # noqa: S105 - printed demo login, development only


def seed_demo_members(demo) -> None:
    """A few customers in every level, with points, a top-up and a purchase each (demo only)."""
    from allauth.account.models import EmailAddress

    from accounts.services import register_customer
    from members import services as loyalty
    from members.models import LedgerSource

    User = get_user_model()
    for name, points in DEMO_CUSTOMERS.items():
        email = f"{name}@demo.example"
        user = User.objects.create_user(name, email, CUSTOMER_PASSWORD, first_name=name.title())
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        register_customer(user, preferred_language=demo["default_language"])
        member = user.member
        loyalty.add_points(
            member,
            points,
            reason="Welcome and first orders",
            source=LedgerSource.ORDER,
            idempotency_key="seed-earn",
        )
        loyalty.top_up_balance(member, 20_000, reason="Top-up at the till", idempotency_key="seed-top-up")
        loyalty.spend_points(member, min(points, 100), reason="Free drink", idempotency_key="seed-spend")


def seed_demo_coupons(demo) -> None:
    """A coupon every demo customer holds, and one they can claim from a block on the home page."""
    import datetime as dt

    from django.utils import timezone

    from builder.models import HomePage
    from coupons.models import CouponTemplate
    from coupons.services import issue_coupon, save_coupon_template
    from members.models import Member

    now = timezone.now()
    gift = save_coupon_template(
        CouponTemplate(
            name="满 ¥50 减 ¥10 · ¥10 off ¥50",
            kind="fixed",
            amount_cents=1000,
            minimum_spend_cents=5000,
            valid_from=now,
            valid_until=now + dt.timedelta(days=90),
        ),
        acting_user=None,
    )
    for member in Member.objects.all():
        issue_coupon(gift, member, acting_user=None, idempotency_key="demo-gift")
    welcome = save_coupon_template(
        CouponTemplate(
            name="新会员免费拿铁 · A free latte",
            kind="free_item",
            free_item="Latte",
            claimable=True,
            valid_from=now,
            valid_until=now + dt.timedelta(days=365),
        ),
        acting_user=None,
    )
    home = HomePage.objects.get()
    home.body.append(("coupon_claim", {"coupon": str(welcome.pk), "heading": "", "text": ""}))
    home.save_revision().publish()


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
