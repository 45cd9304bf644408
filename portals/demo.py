"""The demo agency's two brands, their admins, levels, customers and coupons (development only).

Provisioned through the real services like any tenant; everything demo-specific (names, logins,
the demo brands' content) lives here, never in the starter portals new tenants get.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.services import create_customer
from builder.models import HomePage
from coupons.models import CouponTemplate
from coupons.services import issue_coupon, save_coupon_template
from members import services as loyalty
from members.models import LedgerSource, Member
from members.services import create_member_level

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
    for name, points in DEMO_CUSTOMERS.items():
        email = f"{name}@demo.example"
        user = create_customer(
            email, password=CUSTOMER_PASSWORD, name=name.title(), preferred_language=demo["default_language"]
        )
        member = loyalty.enrol_member(user)
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


DEMO_LEVELS = {
    # A brand sets up its own programme; the demo tenants get these (portals.demo).
    "member-mall": [
        ("银卡 Silver", 0, "1", 0, False, False, "生日饮品、会员价 · Birthday drink, member prices"),
        ("金卡 Gold", 2000, "1.5", 5, True, True, "免运费、每月优惠券 · Free delivery, a coupon every month"),
        ("黑卡 Black", 8000, "2", 10, True, True, "新豆抢先购 · Early access to new beans"),
    ],
    "service-desk": [
        ("Member", 0, "1", 0, False, False, "Points on every visit"),
        ("Plus", 1000, "1.5", 5, False, True, "5% off every visit, a coupon every month"),
    ],
}


def add_levels(*levels) -> None:
    for name, threshold, multiplier, discount, free_shipping, monthly_coupon, benefits in levels:
        create_member_level(
            name=name,
            threshold_points=threshold,
            points_multiplier=Decimal(multiplier),
            discount_percent=discount,
            free_shipping=free_shipping,
            monthly_coupon=monthly_coupon,
            benefits=benefits,
        )
