"""The demo agency's two brands, their admins, levels, customers and coupons (development only).

Provisioned through the real services like any tenant; everything demo-specific (names, logins,
the demo brands' content) lives here, never in the starter portals new tenants get.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.services import create_customer
from builder.models import HomePage, Navigation, StandardPage
from coupons.models import CouponTemplate
from coupons.services import issue_coupon, save_coupon_template
from members import services as loyalty
from members.models import LedgerSource, Member
from members.services import create_member_level
from portals.demo_events import seed_demo_events
from portals.demo_help_centre import seed_demo_help_centre
from portals.demo_mall import seed_demo_shop
from portals.demo_referrals import seed_demo_referrals
from portals.demo_service import seed_demo_service
from portals.starter_portals import button, link, translation_key
from tenants import services

DEMO_AGENCY = "Demo Agency"
AGENCY_LOGIN = ("agency", "agency-demo")
DEMO_TENANTS = [
    {
        "name": "Lumen Coffee 流明咖啡",
        "domain": "lumen.localhost",
        "template": "member-mall",
        "help_centre": "lumen",
        "admin_email": "admin@lumen.example",
        "admin_password": "lumen-demo",
        "default_language": "zh-hans",
        "contact_email": "care@lumen.example",
        "contact_phone": "400-820-1234",
        "website": "https://lumen.example",
    },
    {
        "name": "Harbor Home Services",
        "domain": "harbor.localhost",
        "template": "service-desk",
        "help_centre": "harbor",
        "admin_email": "admin@harbor.example",
        "admin_password": "harbor-demo",
        "default_language": "en",
        "contact_email": "help@harbor.example",
        "contact_phone": "400-600-7788",
        "website": "https://harbor.example",
    },
]


def create_demo_tenant(demo, *, agency) -> services.ProvisionedTenant:
    """One demo brand, provisioned like any tenant with its own contacts, then filled with the
    demo's admin password, levels, customers, coupons and pages."""
    result = services.provision_tenant(
        demo["name"],
        demo["domain"],
        demo["template"],
        demo["admin_email"],
        agency=agency,
        default_language=demo["default_language"],
        contact_email=demo["contact_email"],
        contact_phone=demo["contact_phone"],
        website=demo["website"],
    )
    with schema_context(result.tenant.schema_name):
        admin = get_user_model().objects.get(username=demo["admin_email"])
        admin.set_password(demo["admin_password"])
        admin.save(update_fields=["password"])
        add_levels(*DEMO_LEVELS[demo["template"]])
        seed_demo_members(demo)
        seed_demo_coupons(demo)
        seed_demo_pages(demo["template"])
        seed_demo_help_centre(demo["help_centre"], phone=demo["contact_phone"], email=demo["contact_email"])
        seed_demo_shop(demo["help_centre"])
        seed_demo_events(demo["help_centre"])
        seed_demo_service(demo["help_centre"])
        seed_demo_referrals(demo["help_centre"], language=demo["default_language"])
        add_shop_and_events_to_home(demo["help_centre"])
    return result


DEMO_CUSTOMERS = {"mei": 300, "jun": 900, "li": 2600, "fang": 5200, "wei": 9100, "tao": 12000}
CUSTOMER_PASSWORD = "customer-demo"  # noqa: S105 - printed demo login, development only


DEMO_REASONS = {
    "en": {"earn": "Welcome and first orders", "top_up": "Top-up at the till", "spend": "Free drink"},
    "zh-hans": {"earn": "欢迎礼与首批订单", "top_up": "门店充值", "spend": "免费饮品"},
}


def seed_demo_members(demo) -> None:
    """A few customers in every level, with points, a top-up and a purchase each (demo only)."""
    # Ledger reasons are the brand's words (customers read them in their messages).
    reasons = DEMO_REASONS[demo["default_language"]]
    for name, points in DEMO_CUSTOMERS.items():
        email = f"{name}@demo.example"
        user = create_customer(
            email, password=CUSTOMER_PASSWORD, name=name.title(), preferred_language=demo["default_language"]
        )
        member = loyalty.enrol_member(user)
        loyalty.add_points(
            member,
            points,
            reason=reasons["earn"],
            source=LedgerSource.ORDER,
            idempotency_key="seed-earn",
        )
        loyalty.top_up_balance(member, 20_000, reason=reasons["top_up"], idempotency_key="seed-top-up")
        loyalty.spend_points(member, min(points, 100), reason=reasons["spend"], idempotency_key="seed-spend")


def seed_demo_coupons(demo) -> None:
    """A coupon every demo customer holds, and one they can claim from a block on the home page."""
    now = timezone.now()
    gift = save_coupon_template(
        CouponTemplate(
            name="满 ¥50 减 ¥10" if demo["default_language"] == "zh-hans" else "¥10 off ¥50",
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
            name="新会员免费拿铁"
            if demo["default_language"] == "zh-hans"
            else "A free latte for new members",
            kind="free_item",
            free_item="Latte",
            claimable=True,
            valid_from=now,
            valid_until=now + dt.timedelta(days=365),
        ),
        acting_user=None,
    )
    for home in HomePage.objects.all():
        home.body.append(("coupon_claim", {"coupon": str(welcome.pk), "heading": "", "text": ""}))
        home.save_revision().publish()


DEMO_LEVELS = {
    # A brand sets up its own programme; the demo tenants get these (portals.demo).
    "member-mall": [
        # Levels are the brand's data in its own language (Chinese for Lumen), not page content.
        ("银卡", 0, "1", 0, False, False, "生日饮品、会员价"),
        ("金卡", 2000, "1.5", 5, True, True, "免运费、每月优惠券"),
        ("黑卡", 8000, "2", 10, True, True, "新豆抢先购"),
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


# --- the demo brands' own pages: in the demo only, never in a starter portal --------------------
# Each in both languages: one page tree per language, like the starter portals.

LUMEN_WORDS = {
    "zh-hans": {
        "story": "我们的故事",
        "story_text": "<p>流明咖啡 2016 年从上海静安的一间小烘焙坊起步。我们拜访每一座供豆的庄园，"
        "每周烘焙两次，在自己的门店里为你冲煮。</p>",
        "stores": "门店",
        "jingan": "静安店",
        "jingan_text": "<p>南京西路 1266 号 · 7:30–22:00</p>",
        "xuhui": "徐汇店",
        "xuhui_text": "<p>天钥桥路 133 号 · 8:00–21:00</p>",
        "notice": "春季新豆上市，来门店尝一杯",
        "more": "了解更多",
    },
    "en": {
        "story": "Our story",
        "story_text": "<p>Lumen Coffee began in 2016 as a small roastery in Jing'an, Shanghai. We visit "
        "every farm we buy from, roast twice a week and brew the beans in our own cafés.</p>",
        "stores": "Stores",
        "jingan": "Jing'an",
        "jingan_text": "<p>1266 West Nanjing Road · 7:30–22:00</p>",
        "xuhui": "Xuhui",
        "xuhui_text": "<p>133 Tianyaoqiao Road · 8:00–21:00</p>",
        "notice": "Spring beans are in: try a cup in our cafés",
        "more": "Read more",
    },
}


def seed_lumen_pages(home: HomePage, words: dict) -> None:
    """Lumen Coffee: its story, its stores, and a notice on the home page."""
    story = add_demo_page(
        home, words["story"], "story", [("rich_text", {"text": words["story_text"]})], menu_position=1
    )

    def store(name, text):
        return [("heading", {"text": name, "level": "h3", "subtitle": ""}), ("rich_text", {"text": text})]

    add_demo_page(
        home,
        words["stores"],
        "stores",
        [
            (
                "columns",
                {
                    "columns": [
                        store(words["jingan"], words["jingan_text"]),
                        store(words["xuhui"], words["xuhui_text"]),
                    ]
                },
            )
        ],
        menu_position=2,
    )
    home.body.insert(
        0,
        (
            "announcement",
            {"text": words["notice"], "tone": "success", "link": link(page=story, text=words["more"])},
        ),
    )
    home.save_revision().publish()


HARBOR_WORDS = {
    "en": {
        "services": "Services",
        "what_we_do": "What we do",
        "cleaning": "Deep cleaning",
        "cleaning_text": "Kitchens, bathrooms and windows, from ¥299.",
        "repairs": "Repairs",
        "repairs_text": "Washing machines, fridges and air conditioners.",
        "moving": "Moving help",
        "moving_text": "Packing, transport and setting up, same week.",
        "visit": "Visit us",
        "address": "88 Harbour Road, Shanghai",
        "weekdays": "Mon–Fri",
        "weekend": "Sat–Sun",
        "trusted": "<h2>Trusted by 20,000 homes</h2><p>Vetted, insured staff; fixed prices; and we "
        "come back for free if something is not right.</p>",
        "our_services": "Our services",
    },
    "zh-hans": {
        "services": "服务项目",
        "what_we_do": "我们的服务",
        "cleaning": "深度保洁",
        "cleaning_text": "厨房、卫生间和窗户，¥299 起。",
        "repairs": "家电维修",
        "repairs_text": "洗衣机、冰箱和空调。",
        "moving": "搬家",
        "moving_text": "打包、运输和安置，一周内上门。",
        "visit": "到店咨询",
        "address": "上海市海港路 88 号",
        "weekdays": "周一至周五",
        "weekend": "周六、周日",
        "trusted": "<h2>两万户家庭的信赖</h2><p>员工经过审核并有保险；价格固定；不满意免费返工。</p>",
        "our_services": "我们的服务",
    },
}


def seed_harbor_pages(home: HomePage, words: dict) -> None:
    """Harbor Home Services: what it does, where it is, and when it answers."""
    services_page = add_demo_page(
        home,
        words["services"],
        "services",
        [
            (
                "card_grid",
                {
                    "heading": words["what_we_do"],
                    "cards": [
                        {"title": words[name], "text": words[f"{name}_text"]}
                        for name in ("cleaning", "repairs", "moving")
                    ],
                },
            ),
        ],
        menu_position=0,
    )
    contact = StandardPage.objects.child_of(home).get(slug="contact")
    contact.body.append(
        (
            "contact_channels",
            {
                "heading": words["visit"],
                "address": words["address"],
                "opening_hours": [
                    {"days": words["weekdays"], "hours": "8:00–20:00"},
                    {"days": words["weekend"], "hours": "9:00–18:00"},
                ],
            },
        )
    )
    contact.save_revision().publish()
    home.body.insert(2, ("rich_text", {"text": words["trusted"]}))
    home.body.insert(
        3, ("buttons", {"heading": "", "buttons": [button(page=services_page, text=words["our_services"])]})
    )
    home.save_revision().publish()


HOME_SHELF_WORDS = {
    "zh-hans": {"featured": "会员精选", "rewards": "积分兑换", "events": "近期活动"},
    "en": {"featured": "Featured in our shop", "rewards": "Rewards for points", "events": "Coming up"},
}


def add_shop_and_events_to_home(key: str) -> None:
    """The demo's home pages show the daily check-in, the shop's featured products and points
    rewards, upcoming events and the invite campaign, under the banner."""
    for home in HomePage.objects.select_related("locale"):
        words = HOME_SHELF_WORDS[home.locale.language_code]
        blocks = [
            ("daily_check_in", {"heading": "", "text": ""}),
            ("product_grid", {"heading": words["featured"], "source": "featured", "count": 4}),
            ("upcoming_events", {"heading": words["events"], "count": 3}),
            ("points_rewards", {"heading": words["rewards"], "count": 4}),
            ("campaign_card", {"campaign": f"{key}-invite", "heading": ""}),
        ]
        for offset, block in enumerate(blocks):
            home.body.insert(1 + offset, block)
        home.save_revision().publish()


DEMO_PAGES = {
    "member-mall": (seed_lumen_pages, LUMEN_WORDS),
    "service-desk": (seed_harbor_pages, HARBOR_WORDS),
}


def seed_demo_pages(template: str) -> None:
    """The demo brand's own pages in each language's tree."""
    seed, words = DEMO_PAGES[template]
    for home in HomePage.objects.select_related("locale"):
        seed(home, words[home.locale.language_code])


def add_demo_page(home: HomePage, title: str, slug: str, body: list, *, menu_position: int) -> StandardPage:
    """A published page under `home`, in its language's menu at `menu_position`."""
    page = StandardPage(
        title=title,
        slug=slug,
        body=body,
        locale_id=home.locale_id,
        translation_key=translation_key(f"{home.translation_key}/{slug}"),
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    navigation = Navigation.objects.get(locale_id=home.locale_id)
    navigation.menu.insert(menu_position, ("item", {**link(page=page), "children": []}))
    navigation.save()
    return page
