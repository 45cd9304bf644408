"""Starter portals: each fills a freshly provisioned tenant with pages, blocks, theme and menus.

A `PortalTemplate.key` names one of these. Each builder runs inside the new tenant's schema, in
the provisioning transaction, and returns its home page and the site settings (theme, menus) that
`add_site_settings` creates once the caller has made the Site.
"""

from collections.abc import Callable
from dataclasses import dataclass

from wagtail.models import Page, Site

from builder.models import HomePage, LandingPage, NavigationSettings, StandardPage
from themes.models import BrandTheme


def link(page=None, url="", text=""):
    return {"page": page, "url": url, "link_text": text}


def button(page=None, url="", text="", style="primary"):
    return {**link(page, url, text), "style": style}


def faq(*pairs):
    return {"heading": "", "questions": [{"question": q, "answer": f"<p>{a}</p>"} for q, a in pairs]}


def build_member_mall(*, brand_name: str, language: str) -> "StarterPortal":
    """A retail brand's member portal: member card, points, coupons, mall and help."""
    home = _add_home(brand_name)
    membership = _add_page(
        home,
        StandardPage,
        "会员权益 · Membership",
        "membership",
        [
            (
                "heading",
                {
                    "text": "三个等级，越喝越值 · Three levels",
                    "level": "h2",
                    "subtitle": "Every ¥1 earns 1 point",
                },
            ),
            ("level_benefits", {"heading": ""}),
            (
                "rich_text",
                {
                    "text": "<p>积分有效期至获得次年年底。Points last until the end of the year after you earn them.</p>"
                },
            ),
        ],
    )
    help_page = _add_page(
        home,
        StandardPage,
        "帮助中心 · Help",
        "help",
        [
            (
                "faq",
                faq(
                    (
                        "如何成为会员？How do I join?",
                        "在本站注册即可，注册即送 100 积分。Sign up here and get 100 points.",
                    ),
                    (
                        "积分怎么用？How do I use points?",
                        "在积分商城兑换饮品和周边。Redeem drinks and gifts in the points mall.",
                    ),
                    (
                        "优惠券在哪里？Where are my coupons?",
                        "登录后在“我的账户”查看。Log in and open My account.",
                    ),
                    (
                        "可以开发票吗？Can I get an invoice?",
                        "门店或线上订单均可开具电子发票。Yes, e-invoices for store and online orders.",
                    ),
                ),
            ),
            (
                "contact_channels",
                {
                    "heading": "还有问题？Still stuck?",
                    "phone": "400-820-1234",
                    "email": "care@lumen.example",
                    "chat_url": "https://lumen.example/chat",
                    "address": "",
                    "opening_hours": [{"days": "每天 Daily", "hours": "8:00–22:00"}],
                },
            ),
        ],
    )
    stores = _add_page(
        home,
        StandardPage,
        "门店 · Stores",
        "stores",
        [
            (
                "columns",
                {
                    "columns": [
                        [
                            ("heading", {"text": "静安店 Jing'an", "level": "h3", "subtitle": ""}),
                            ("rich_text", {"text": "<p>南京西路 1266 号 · 7:30–22:00</p>"}),
                        ],
                        [
                            ("heading", {"text": "徐汇店 Xuhui", "level": "h3", "subtitle": ""}),
                            ("rich_text", {"text": "<p>天钥桥路 133 号 · 8:00–21:00</p>"}),
                        ],
                    ]
                },
            ),
        ],
    )
    campaign = _add_page(
        home,
        LandingPage,
        "春季新品 · Spring beans",
        "spring",
        [
            (
                "hero",
                {
                    "heading": "春季新品上市 · Spring beans are here",
                    "text": "会员首周双倍积分 · Double points for members in week one.",
                    "buttons": [button(url="/membership/", text="立即加入 Join now")],
                },
            ),
            (
                "buttons",
                {
                    "heading": "",
                    "buttons": [button(page=membership, text="会员权益 Member benefits", style="secondary")],
                },
            ),
        ],
        show_in_menus=False,
    )
    home.body = [
        (
            "announcement",
            {
                "text": "春季新品上市，会员双倍积分 · Spring beans: double points this week",
                "tone": "success",
                "link": link(page=campaign, text="了解更多 More"),
            },
        ),
        (
            "hero",
            {
                "heading": f"欢迎来到 {brand_name}",
                "text": "会员专享价格、积分和生日礼遇。Member prices, points and a birthday treat.",
                "buttons": [
                    button(page=membership, text="成为会员 Join"),
                    button(page=help_page, text="帮助 Help", style="secondary"),
                ],
            },
        ),
        (
            "member_card",
            {
                "heading": "",
                "join_text": "免费加入：每消费 ¥1 得 1 积分，生日礼遇。Join free: points on every order, a birthday treat.",
            },
        ),
        (
            "quick_links",
            {
                "heading": "我的服务 · My services",
                "links": [
                    {"icon": "member", "link": link(page=membership, text="会员卡 Card")},
                    {"icon": "points", "link": link(page=membership, text="积分 Points")},
                    {"icon": "coupon", "link": link(page=help_page, text="优惠券 Coupons")},
                    {"icon": "shop", "link": link(page=campaign, text="商城 Shop")},
                    {"icon": "location", "link": link(page=stores, text="门店 Stores")},
                    {"icon": "help", "link": link(page=help_page, text="帮助 Help")},
                ],
            },
        ),
        ("heading", {"text": "本月会员礼遇 · This month", "level": "h2", "subtitle": "Only for members"}),
        (
            "card_grid",
            {
                "heading": "",
                "cards": [
                    {
                        "title": "新会员礼 New member gift",
                        "text": "首单免费升杯 · A free size-up on your first order.",
                        "link": link(page=membership),
                    },
                    {
                        "title": "生日月 Birthday month",
                        "text": "生日当月双倍积分 · Double points all month.",
                        "link": link(page=membership),
                    },
                    {
                        "title": "邀请好友 Invite friends",
                        "text": "你和好友各得 100 积分 · 100 points each.",
                        "link": link(page=help_page),
                    },
                ],
            },
        ),
        (
            "faq",
            {
                **faq(
                    (
                        "积分会过期吗？Do points expire?",
                        "在获得次年年底过期。At the end of the year after you earn them.",
                    ),
                    (
                        "在哪里看我的会员卡？Where is my member card?",
                        "登录后在“我的账户”。Log in and open My account.",
                    ),
                ),
                "heading": "常见问题 · FAQ",
            },
        ),
        (
            "contact_channels",
            {
                "heading": "联系我们 · Contact us",
                "phone": "400-820-1234",
                "email": "care@lumen.example",
                "chat_url": "https://lumen.example/chat",
                "address": "",
                "opening_hours": [{"days": "每天 Daily", "hours": "8:00–22:00"}],
            },
        ),
    ]
    _publish(home)
    return StarterPortal(
        home,
        _brand(
            preset="lumen",
            menu=[membership, stores, help_page],
            footer=[
                ("关于 About", [link(page=membership), link(page=stores)]),
                (
                    "服务 Service",
                    [link(page=help_page), link(url="https://lumen.example/chat", text="在线客服 Chat")],
                ),
            ],
            footer_text=f"© {brand_name}",
        ),
    )


def build_service_desk(*, brand_name: str, language: str) -> "StarterPortal":
    """A service business's help centre: answers, bookings and a person one tap away."""
    home = _add_home(brand_name)
    services = _add_page(
        home,
        StandardPage,
        "Services",
        "services",
        [
            (
                "card_grid",
                {
                    "heading": "What we do · 服务项目",
                    "cards": [
                        {
                            "title": "Deep cleaning 深度保洁",
                            "text": "Kitchens, bathrooms and windows, from ¥299.",
                        },
                        {
                            "title": "Repairs 家电维修",
                            "text": "Washing machines, fridges and air conditioners.",
                        },
                        {
                            "title": "Moving help 搬家",
                            "text": "Packing, transport and setting up, same week.",
                        },
                    ],
                },
            ),
        ],
    )
    book = _add_page(
        home,
        StandardPage,
        "Book a visit",
        "book",
        [
            (
                "rich_text",
                {
                    "text": "<p>Pick a service and a time that suits you; we confirm within 30 minutes and remind you the day before.</p>"
                },
            ),
            (
                "buttons",
                {
                    "heading": "",
                    "buttons": [button(url="https://harbor.example/book", text="Book online 在线预约")],
                },
            ),
        ],
    )
    help_page = _add_page(
        home,
        StandardPage,
        "Help centre",
        "help",
        [
            (
                "faq",
                faq(
                    (
                        "How do I change my booking?",
                        "Open the link in your confirmation message, or call us up to 2 hours before.",
                    ),
                    (
                        "What does a visit cost?",
                        "Prices start at ¥299; you see the full price before you confirm.",
                    ),
                    ("如何开发票？How do I get an invoice?", "An e-invoice is sent after each visit."),
                    ("Are your staff insured?", "Yes: every visit is insured up to ¥100,000."),
                ),
            ),
        ],
    )
    contact = _add_page(
        home,
        StandardPage,
        "Contact",
        "contact",
        [
            (
                "contact_channels",
                {
                    "heading": "Talk to a person",
                    "phone": "400-600-7788",
                    "email": "help@harbor.example",
                    "chat_url": "https://harbor.example/chat",
                    "address": "88 Harbour Road, Shanghai",
                    "opening_hours": [
                        {"days": "Mon–Fri", "hours": "8:00–20:00"},
                        {"days": "Sat–Sun", "hours": "9:00–18:00"},
                    ],
                },
            ),
        ],
    )
    home.body = [
        (
            "hero",
            {
                "heading": "How can we help today?",
                "text": "Answers, bookings and a real person when you need one. 有问题，随时找我们。",
                "buttons": [
                    button(page=book, text="Book a visit"),
                    button(page=help_page, text="Find an answer", style="secondary"),
                ],
            },
        ),
        (
            "quick_links",
            {
                "heading": "Services",
                "links": [
                    {"icon": "calendar", "link": link(page=book, text="Book")},
                    {"icon": "ticket", "link": link(page=help_page, text="My requests")},
                    {"icon": "help", "link": link(page=help_page, text="Help centre")},
                    {"icon": "chat", "link": link(page=contact, text="Chat")},
                ],
            },
        ),
        (
            "rich_text",
            {
                "text": "<h2>Trusted by 20,000 homes</h2><p>Vetted, insured staff; fixed prices; and we come back for free if something is not right.</p>"
            },
        ),
        (
            "faq",
            {
                **faq(
                    ("How fast can you come?", "Usually the next day; urgent repairs the same day."),
                    ("Can I reschedule?", "Yes, free of charge up to 2 hours before the visit."),
                ),
                "heading": "Popular questions",
            },
        ),
        (
            "contact_channels",
            {
                "heading": "Still need help?",
                "phone": "400-600-7788",
                "email": "help@harbor.example",
                "chat_url": "https://harbor.example/chat",
                "address": "",
                "opening_hours": [],
            },
        ),
    ]
    _publish(home)
    return StarterPortal(
        home,
        _brand(
            preset="harbor",
            menu=[services, book, help_page, contact],
            footer=[
                ("Company", [link(page=services), link(page=contact)]),
                ("Help", [link(page=help_page), link(page=book)]),
            ],
            footer_text=f"© {brand_name} · Licensed and insured",
        ),
    )


def _add_home(brand_name: str) -> HomePage:
    root = Page.get_first_root_node()
    home = HomePage(title=brand_name, slug="home")
    root.add_child(instance=home)
    return home


def _add_page(parent, page_class, title, slug, body, *, show_in_menus=True):
    page = page_class(title=title, slug=slug, body=body, show_in_menus=show_in_menus)
    parent.add_child(instance=page)
    return page


def _publish(page) -> None:
    page.save_revision().publish()


def _brand(*, preset, menu, footer, footer_text) -> dict:
    return {
        "preset": preset,
        "menu": [("item", {**link(page=page), "children": []}) for page in menu],
        "footer_columns": [("column", {"heading": heading, "links": links}) for heading, links in footer],
        "footer_text": footer_text,
    }


@dataclass
class StarterPortal:
    home: HomePage
    settings: dict


def add_site_settings(site, settings: dict) -> None:
    """The theme and the navigation the starter portal chose, for the tenant's site."""
    BrandTheme.objects.create(site=site, preset=settings["preset"])
    NavigationSettings.objects.create(
        site=site,
        menu=settings["menu"],
        footer_columns=settings["footer_columns"],
        footer_text=settings["footer_text"],
    )


def installed(build: Callable[..., StarterPortal]) -> Callable[..., None]:
    """A registered starter portal: builds the pages, then the Site that serves them on the
    tenant's domain, with the theme and navigation the portal chose."""

    def install(*, brand_name: str, domain: str, language: str) -> None:
        portal = build(brand_name=brand_name, language=language)
        site = Site.objects.create(
            hostname=domain, port=80, root_page=portal.home, is_default_site=True, site_name=brand_name
        )
        add_site_settings(site, portal.settings)

    return install


# Registered with core.registry (portals/wagtail_hooks.py); PortalTemplate.key names one of these.
STARTER_PORTALS: dict[str, Callable[..., None]] = {
    "member-mall": installed(build_member_mall),
    "service-desk": installed(build_service_desk),
}
