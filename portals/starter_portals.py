"""Starter portals: each fills a freshly provisioned tenant with pages, blocks, theme and menus.

A `PortalTemplate.key` names one of these. Each builder runs inside the new tenant's schema, in
the provisioning transaction, and returns its home page and the site settings (theme, menus) that
`add_site_settings` creates once the caller has made the Site.

Starter content is data about the brand being provisioned, never about a demo brand:

- the brand's own name, customer-service e-mail, phone and website come from provisioning
  (`Brand`); one left blank shows as a placeholder in square brackets ("[Your customer-service
  e-mail]"), which the console tells the agency to have replaced, and a blank website gets no link;
- the words are generic for the template's kind of business, in the tenant's default language;
- every link goes to a page the starter portal creates, or to a view of a domain that works on the
  first day: My account, sign-up, log-in, the shop, the service desk (its request types, location
  and bookable consultation are set up first: portals/starter_service.py). Those are not pages,
  and a link block takes a page or a full URL, so they are full URLs on the tenant's domain
  (`Brand.url`).

Every starter portal comes in each language the project speaks (settings.LANGUAGES): one page tree
per Wagtail locale, the brand's default language first (its home page is the Site's root page, and
its pages have no language prefix in their URLs), the others as its translations (same
translation_key), each with its own menu and footer.

The demo brands' own content (stores, stories, services) is added by portals/demo.py.
"""

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings as django_settings
from django.utils.html import format_html, format_html_join
from wagtail.models import Locale, Page, Site

from builder.models import HomePage, Navigation, StandardPage
from portals.images import STARTER_IMAGES, add_starter_images
from portals.starter_referrals import REFERRAL_URL, set_up_referrals
from portals.starter_service import BOOK, MY_APPOINTMENTS, MY_REQUESTS, SERVICE_URL, set_up_service_desk
from themes.models import BrandTheme

# Starter pages in different languages share a translation key made from their place in the tree.
TRANSLATION_KEYS = uuid.UUID("6f1c8a52-3b1e-4c1a-9a59-5d2f0e7c4b10")


def translation_key(name: str) -> uuid.UUID:
    return uuid.uuid5(TRANSLATION_KEYS, name)


@dataclass(frozen=True)
class Brand:
    """Who the starter portal is for: what provisioning was told about the brand ("" = not given)."""

    name: str
    domain: str
    language: str  # the language this tree is written in
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""
    default_language: str = ""  # the brand's default language ("" = this tree's)

    @property
    def is_default_language(self) -> bool:
        return not self.default_language or self.default_language == self.language

    def words(self, copy: dict) -> dict:
        """`copy` in the brand's language (English when the language has none)."""
        return copy.get(self.language, copy["en"])


ACCOUNT = "/account/"  # My account: member card, points, level and coupons (members, coupons)
SHOP = "/shop/"  # the brand's shop (mall)
MY_ORDERS = "/account/orders/"

# What every starter portal says about reaching customer service, by language.
CONTACT_WORDS = {
    "en": {
        "customer_service": "Customer service",
        "phone": "Phone: {}",
        "email": "Email: {}",
        "phone_placeholder": "[Your customer-service phone]",
        "email_placeholder": "[Your customer-service e-mail]",
        "website": "Visit our website",
        "ask": "Ask us a question",
        "ask_intro": "Write your question and we will answer by e-mail.",
    },
    "zh-hans": {
        "customer_service": "客户服务",
        "phone": "客服电话：{}",
        "email": "客服邮箱：{}",
        "phone_placeholder": "[您的客服电话]",
        "email_placeholder": "[您的客服邮箱]",
        "website": "访问官网",
        "ask": "向我们提问",
        "ask_intro": "写下您的问题，我们会通过邮件回复。",
    },
}


# The portal's search box (knowledge), with its own placeholder in the page's language.
SEARCH_BOX = ("search_box", {"heading": "", "placeholder": ""})


def link(page=None, url="", text=""):
    return {"page": page, "url": url, "link_text": text}


def button(page=None, url="", text="", style="primary"):
    return {**link(page, url, text), "style": style}


def faq(heading, *pairs):
    return {"heading": heading, "questions": [{"question": q, "answer": f"<p>{a}</p>"} for q, a in pairs]}


def contact_blocks(brand: Brand, heading: str) -> list[tuple]:
    """The brand's phone and e-mail in a contact block, and a placeholder for each one not given.

    Placeholders are plain text, never in the contact block's phone or e-mail field: a placeholder
    there would be a tel:/mailto: link to nowhere, and the e-mail field refuses it, so the admin
    could not publish the page before replacing it.
    """
    words = brand.words(CONTACT_WORDS)
    blocks = []
    if brand.contact_phone or brand.contact_email:
        blocks.append(
            (
                "contact_channels",
                {
                    "heading": heading,
                    "phone": brand.contact_phone,
                    "email": brand.contact_email,
                    "chat_url": "",
                    "address": "",
                    "opening_hours": [],
                },
            )
        )
    missing = [
        (words[kind].format(words[f"{kind}_placeholder"]),)
        for kind, given in (("phone", brand.contact_phone), ("email", brand.contact_email))
        if not given
    ]
    if missing:
        # One paragraph a line: the admin's rich-text editor reads <p>, not <br> inside one.
        lines = format_html_join("", "<p>{}</p>", missing)
        title = format_html("<h2>{}</h2>", heading) if not blocks else ""
        blocks.append(("rich_text", {"text": format_html("{}{}", title, lines)}))
    return blocks


def website_links(brand: Brand) -> list[dict]:
    """A link to the brand's own website, or none when it was not given."""
    if not brand.website:
        return []
    return [link(url=brand.website, text=brand.words(CONTACT_WORDS)["website"])]


MEMBER_MALL_WORDS = {
    "en": {
        "membership": "Membership",
        "help": "Help",
        "contact": "Contact us",
        "welcome": "Welcome to {name}",
        "welcome_text": "Join our membership for free: collect points, move up a level and find your coupons in one place.",
        "member_benefits": "Member benefits",
        "join_text": "Join free to collect points and receive member coupons.",
        "my_services": "My services",
        "my_account": "My account",
        "my_coupons": "My coupons",
        "faq": "Questions",
        "levels": "Member levels",
        "levels_subtitle": "The more you collect, the more you get",
        "membership_text": "<p>Your points, your level and your coupons are always in My account.</p>",
        "still_stuck": "Still need help?",
        "join_q": "How do I become a member?",
        "join_a": "Sign up with your e-mail address. Membership is free.",
        "points_q": "How do I collect points?",
        "points_a": "Points are added to your account when you buy from us as a member. My account lists every change.",
        "coupons_q": "Where are my coupons?",
        "coupons_a": "Log in and open My account: your coupons are listed there with the date they expire.",
        "level_q": "How do I move up a level?",
        "level_a": "Your level follows the points you collect. The Membership page shows what each level gives.",
        "details_q": "How do I change my details?",
        "details_a": "Log in, open My account and choose Profile.",
        "about": "Membership",
        "service": "Help",
        "service_requests": "Complaints and requests",
        "why_join": "Why join",
        "points_card": "Collect points",
        "points_card_text": "Every purchase as a member adds points to your account.",
        "coupons_card": "Member coupons",
        "coupons_card_text": "Coupons for members, kept in My account with their expiry dates.",
        "card_card": "Your member card",
        "card_card_text": "Show the QR code in My account at the till to collect points in store.",
        "visit_us": "Visit us",
        "shop": "Shop",
        "my_orders": "My orders",
        "refer": "Recommend us",
    },
    "zh-hans": {
        "membership": "会员权益",
        "help": "帮助中心",
        "contact": "联系我们",
        "welcome": "欢迎来到 {name}",
        "welcome_text": "免费加入会员：累积积分、升级会员等级，优惠券一处查看。",
        "member_benefits": "会员权益",
        "join_text": "免费加入，累积积分，领取会员优惠券。",
        "my_services": "我的服务",
        "my_account": "我的账户",
        "my_coupons": "我的优惠券",
        "faq": "常见问题",
        "levels": "会员等级",
        "levels_subtitle": "积分越多，权益越多",
        "membership_text": "<p>您的积分、会员等级和优惠券都可以在“我的账户”中查看。</p>",
        "still_stuck": "还有问题？",
        "join_q": "如何成为会员？",
        "join_a": "使用电子邮箱注册即可，会员免费。",
        "points_q": "如何累积积分？",
        "points_a": "以会员身份消费后，积分会计入您的账户。每一笔变动都可以在“我的账户”中查看。",
        "coupons_q": "我的优惠券在哪里？",
        "coupons_a": "登录后打开“我的账户”，即可看到您的优惠券及其有效期。",
        "level_q": "如何升级会员等级？",
        "level_a": "会员等级随累积积分提升。各等级的权益请看“会员权益”页面。",
        "details_q": "如何修改个人资料？",
        "details_a": "登录后打开“我的账户”，选择“个人资料”。",
        "about": "会员",
        "service": "帮助",
        "service_requests": "投诉与售后",
        "why_join": "为什么加入",
        "points_card": "累积积分",
        "points_card_text": "以会员身份每次消费，积分都会计入您的账户。",
        "coupons_card": "会员优惠券",
        "coupons_card_text": "会员专属优惠券，连同有效期都在“我的账户”中。",
        "card_card": "您的会员卡",
        "card_card_text": "到店结账时出示“我的账户”中的二维码，即可累积积分。",
        "visit_us": "欢迎光临",
        "shop": "商城",
        "my_orders": "我的订单",
        "refer": "推荐有礼",
    },
}


def card(image, title, text, page=None, url="", link_text=""):
    return {"image": image, "title": title, "text": text, "link": link(page=page, url=url, text=link_text)}


def gallery(heading, *images):
    """A gallery of starter images, each captioned with its description in the brand's language."""
    return {
        "heading": heading,
        "images": [{"image": image, "caption": image.description} for image in images],
        "layout": "grid",
    }


def build_member_mall(brand: Brand, images: dict) -> "StarterPortal":
    """A retail brand's member portal: join, member levels, My account (points and coupons), help."""
    words = brand.words(MEMBER_MALL_WORDS)
    home = _add_home(brand)
    membership = _add_page(
        home,
        StandardPage,
        words["membership"],
        "membership",
        [
            ("heading", {"text": words["levels"], "level": "h2", "subtitle": words["levels_subtitle"]}),
            ("level_benefits", {"heading": ""}),
            ("rich_text", {"text": words["membership_text"]}),
            (
                "buttons",
                {"heading": "", "buttons": [button(url=ACCOUNT, text=words["my_account"])]},
            ),
        ],
    )
    help_page = _add_page(
        home,
        StandardPage,
        words["help"],
        "help",
        [
            SEARCH_BOX,
            (
                "faq",
                faq(
                    "",
                    (words["join_q"], words["join_a"]),
                    (words["points_q"], words["points_a"]),
                    (words["coupons_q"], words["coupons_a"]),
                    (words["level_q"], words["level_a"]),
                    (words["details_q"], words["details_a"]),
                ),
            ),
            *contact_blocks(brand, words["still_stuck"]),
        ],
    )
    contact = _add_contact_page(
        home, brand, words["contact"], gallery(words["visit_us"], images["gallery_1"], images["gallery_2"])
    )
    home.body = [
        (
            "hero",
            {
                "heading": words["welcome"].format(name=brand.name),
                "text": words["welcome_text"],
                "image": images["hero"],
                "buttons": [
                    button(page=membership, text=words["member_benefits"]),
                    button(url=SHOP, text=words["shop"], style="secondary"),
                ],
            },
        ),
        ("member_card", {"heading": "", "join_text": words["join_text"]}),
        (
            "card_grid",
            {
                "heading": words["why_join"],
                "cards": [
                    card(images["card_1"], words["points_card"], words["points_card_text"], page=membership),
                    card(
                        images["card_2"],
                        words["coupons_card"],
                        words["coupons_card_text"],
                        url=ACCOUNT,
                        link_text=words["my_coupons"],
                    ),
                    card(
                        images["card_3"],
                        words["card_card"],
                        words["card_card_text"],
                        url=ACCOUNT,
                        link_text=words["my_account"],
                    ),
                ],
            },
        ),
        (
            "quick_links",
            {
                "heading": words["my_services"],
                "links": [
                    {"icon": "member", "link": link(page=membership, text=words["membership"])},
                    {"icon": "shop", "link": link(url=SHOP, text=words["shop"])},
                    {"icon": "order", "link": link(url=MY_ORDERS, text=words["my_orders"])},
                    {"icon": "points", "link": link(url=ACCOUNT, text=words["my_account"])},
                    {"icon": "coupon", "link": link(url=ACCOUNT, text=words["my_coupons"])},
                    {"icon": "gift", "link": link(url=REFERRAL_URL, text=words["refer"])},
                    {"icon": "help", "link": link(page=help_page, text=words["help"])},
                    {"icon": "phone", "link": link(page=contact, text=words["contact"])},
                ],
            },
        ),
        (
            "faq",
            faq(
                words["faq"],
                (words["join_q"], words["join_a"]),
                (words["coupons_q"], words["coupons_a"]),
            ),
        ),
        *contact_blocks(brand, words["contact"]),
    ]
    _publish(home)
    return StarterPortal(
        home,
        _brand(
            preset="lumen",
            menu=[link(url=SHOP, text=words["shop"]), membership, help_page, contact],
            footer=[
                (
                    words["about"],
                    [
                        link(page=membership),
                        link(url=SHOP, text=words["shop"]),
                        link(url=MY_ORDERS, text=words["my_orders"]),
                        link(url=ACCOUNT, text=words["my_account"]),
                        link(url=REFERRAL_URL, text=words["refer"]),
                    ],
                ),
                (
                    words["service"],
                    [
                        link(page=help_page),
                        link(url=SERVICE_URL, text=words["service_requests"]),
                        link(page=contact),
                        *website_links(brand),
                    ],
                ),
            ],
            footer_text=f"© {brand.name}",
        ),
    )


SERVICE_DESK_WORDS = {
    "en": {
        "help": "Help centre",
        "contact": "Contact us",
        "hero": "How can we help today?",
        "hero_text": "Find an answer in our help centre, or reach a person when you need one.",
        "find_answer": "Find an answer",
        "services": "Services",
        "my_account": "My account",
        "popular": "Popular questions",
        "still_stuck": "Still need help?",
        "account_q": "How do I create an account?",
        "account_a": "Sign up with your e-mail address; it takes a minute.",
        "password_q": "I forgot my password. What now?",
        "password_a": "Choose Log in, then “Forgot your password?”: we e-mail you a link to choose a new one.",
        "details_q": "How do I change my details?",
        "details_a": "Log in, open My account and choose Profile.",
        "person_q": "How do I reach a person?",
        "person_a": "Our phone number and e-mail address are on the Contact us page.",
        "help_column": "Help",
        "account_column": "Account",
        "ways": "Ways to get help",
        "talk_card": "Talk to us",
        "talk_card_text": "Call or e-mail our customer service team.",
        "hours_card": "Opening hours",
        "hours_card_text": "When and where to reach us.",
        "answers_card": "Answers",
        "answers_card_text": "The questions customers ask most, answered.",
        "find_us": "Find us",
        "my_requests": "My requests",
        "book": "Book a visit",
        "my_appointments": "My appointments",
        "send_request": "Send us a request",
    },
    "zh-hans": {
        "help": "帮助中心",
        "contact": "联系我们",
        "hero": "今天有什么可以帮您？",
        "hero_text": "在帮助中心查找答案，需要时随时联系我们的客服。",
        "find_answer": "查找答案",
        "services": "服务",
        "my_account": "我的账户",
        "popular": "常见问题",
        "still_stuck": "还需要帮助？",
        "account_q": "如何注册账户？",
        "account_a": "使用电子邮箱注册即可，一分钟完成。",
        "password_q": "忘记密码怎么办？",
        "password_a": "点击“登录”，再选择“忘记密码？”，我们会发送一封邮件，通过邮件中的链接即可设置新密码。",
        "details_q": "如何修改个人资料？",
        "details_a": "登录后打开“我的账户”，选择“个人资料”。",
        "person_q": "如何联系人工客服？",
        "person_a": "我们的客服电话和邮箱在“联系我们”页面。",
        "help_column": "帮助",
        "account_column": "账户",
        "ways": "获取帮助的方式",
        "talk_card": "联系我们",
        "talk_card_text": "致电或发邮件给我们的客服团队。",
        "hours_card": "服务时间",
        "hours_card_text": "何时、何处可以联系到我们。",
        "answers_card": "常见解答",
        "answers_card_text": "客户最常问的问题及解答。",
        "find_us": "找到我们",
        "my_requests": "我的请求",
        "book": "预约到店",
        "my_appointments": "我的预约",
        "send_request": "提交服务请求",
    },
}


def build_service_desk(brand: Brand, images: dict) -> "StarterPortal":
    """A service business's help centre: answers, My account and a person one tap away."""
    words = brand.words(SERVICE_DESK_WORDS)
    home = _add_home(brand)
    help_page = _add_page(
        home,
        StandardPage,
        words["help"],
        "help",
        [
            SEARCH_BOX,
            (
                "faq",
                faq(
                    "",
                    (words["account_q"], words["account_a"]),
                    (words["password_q"], words["password_a"]),
                    (words["details_q"], words["details_a"]),
                    (words["person_q"], words["person_a"]),
                ),
            ),
            *contact_blocks(brand, words["still_stuck"]),
        ],
    )
    contact = _add_contact_page(
        home, brand, words["contact"], gallery(words["find_us"], images["gallery_1"], images["gallery_2"])
    )
    home.body = [
        (
            "hero",
            {
                "heading": words["hero"],
                "text": words["hero_text"],
                "image": images["hero"],
                "buttons": [
                    button(page=help_page, text=words["find_answer"]),
                    button(url=SERVICE_URL, text=words["send_request"], style="secondary"),
                ],
            },
        ),
        (
            "quick_links",
            {
                "heading": words["services"],
                "links": [
                    {"icon": "help", "link": link(page=help_page, text=words["help"])},
                    {"icon": "ticket", "link": link(url=MY_REQUESTS, text=words["my_requests"])},
                    {"icon": "calendar", "link": link(url=BOOK, text=words["book"])},
                    {"icon": "member", "link": link(url=ACCOUNT, text=words["my_account"])},
                    {"icon": "phone", "link": link(page=contact, text=words["contact"])},
                ],
            },
        ),
        (
            "card_grid",
            {
                "heading": words["ways"],
                "cards": [
                    card(images["card_1"], words["talk_card"], words["talk_card_text"], page=contact),
                    card(images["card_2"], words["hours_card"], words["hours_card_text"], page=contact),
                    card(images["card_3"], words["answers_card"], words["answers_card_text"], page=help_page),
                ],
            },
        ),
        (
            "faq",
            faq(
                words["popular"],
                (words["account_q"], words["account_a"]),
                (words["person_q"], words["person_a"]),
            ),
        ),
        *contact_blocks(brand, words["still_stuck"]),
    ]
    _publish(home)
    return StarterPortal(
        home,
        _brand(
            preset="harbor",
            menu=[help_page, link(url=BOOK, text=words["book"]), contact],
            footer=[
                (
                    words["help_column"],
                    [
                        link(page=help_page),
                        link(url=SERVICE_URL, text=words["send_request"]),
                        link(page=contact),
                        *website_links(brand),
                    ],
                ),
                (
                    words["account_column"],
                    [
                        link(url=ACCOUNT, text=words["my_account"]),
                        link(url=MY_REQUESTS, text=words["my_requests"]),
                        link(url=MY_APPOINTMENTS, text=words["my_appointments"]),
                    ],
                ),
            ],
            footer_text=f"© {brand.name}",
        ),
    )


def _add_contact_page(home, brand: Brand, title: str, pictures: dict):
    """Contact us: the brand's phone and e-mail (or placeholders), its website when given, a
    question form, and a gallery of the starter pictures."""
    website = website_links(brand)
    words = brand.words(CONTACT_WORDS)
    body = contact_blocks(brand, words["customer_service"])
    if website:
        body.append(("buttons", {"heading": "", "buttons": [{**website[0], "style": "secondary"}]}))
    # Questions reach the brand's staff in their admin (knowledge); matching articles are offered first.
    body.append(("question_form", {"heading": words["ask"], "intro": words["ask_intro"]}))
    body.append(("gallery", pictures))
    return _add_page(home, StandardPage, title, "contact", body)


def _add_home(brand: Brand) -> HomePage:
    """The home page of the tree in the brand's language: "home" in the default language, and
    "home-<language>" for the others (they are siblings under Wagtail's root)."""
    root = Page.get_first_root_node()
    locale, _ = Locale.objects.get_or_create(language_code=brand.language)
    home = HomePage(
        title=brand.name,
        slug="home" if brand.is_default_language else f"home-{brand.language}",
        locale=locale,
        translation_key=translation_key("home"),
    )
    root.add_child(instance=home)
    return home


def _add_page(parent, page_class, title, slug, body, *, show_in_menus=True):
    """A page in its parent's language; its translations share its key."""
    page = page_class(
        title=title,
        slug=slug,
        body=body,
        show_in_menus=show_in_menus,
        locale_id=parent.locale_id,
        translation_key=translation_key(f"{parent.translation_key}/{slug}"),
    )
    parent.add_child(instance=page)
    return page


def _publish(page) -> None:
    page.save_revision().publish()


def _brand(*, preset, menu, footer, footer_text) -> dict:
    return {
        "preset": preset,
        # A menu item is a page, or a link to a view (a dict from link()).
        "menu": [
            ("item", {**(item if isinstance(item, dict) else link(page=item)), "children": []})
            for item in menu
        ],
        "footer_columns": [("column", {"heading": heading, "links": links}) for heading, links in footer],
        "footer_text": footer_text,
    }


@dataclass
class StarterPortal:
    home: HomePage
    settings: dict


def add_site_settings(site, settings: dict) -> None:
    """The theme the starter portal chose, for the tenant's site."""
    BrandTheme.objects.create(site=site, preset=settings["preset"])


def add_navigation(home: HomePage, settings: dict) -> Navigation:
    """The menu and footer of one language's tree."""
    return Navigation.objects.create(
        locale_id=home.locale_id,
        translation_key=translation_key("navigation"),
        menu=settings["menu"],
        footer_columns=settings["footer_columns"],
        footer_text=settings["footer_text"],
    )


def _described(image, key: str, name: str, language: str):
    """The image, with `description` in `language` for the captions of that language's pages
    (the row keeps the brand's language: this copy is not saved)."""
    described = copy.copy(image)
    described.description = STARTER_IMAGES[key][name].words(language)[1]
    return described


def languages_starting_with(language: str) -> list[str]:
    return [language, *(code for code, _name in django_settings.LANGUAGES if code != language)]


def installed(
    key: str, build: Callable[[Brand, dict], StarterPortal], set_up: Callable[[Brand], None] | None = None
) -> Callable[..., None]:
    """A registered starter portal: sets up its domains' first records (`set_up`, in the brand's
    language), copies its pictures into the tenant, builds a page tree in each language, then the
    Site that serves them on the tenant's domain, with the theme and each language's navigation."""

    def install(
        *,
        brand_name: str,
        domain: str,
        language: str,
        contact_email: str = "",
        contact_phone: str = "",
        website: str = "",
    ) -> None:
        # One set of pictures for every language, titled in the brand's language; each tree's
        # gallery captions in its own.
        if set_up is not None:
            set_up(Brand(brand_name, domain, language, contact_email, contact_phone, website, language))
        images = add_starter_images(key, language=language)
        portals = [
            build(
                Brand(brand_name, domain, code, contact_email, contact_phone, website, language),
                {name: _described(image, key, name, code) for name, image in images.items()},
            )
            for code in languages_starting_with(language)
        ]
        site = Site.objects.create(
            hostname=domain, port=80, root_page=portals[0].home, is_default_site=True, site_name=brand_name
        )
        add_site_settings(site, portals[0].settings)
        for portal in portals:
            add_navigation(portal.home, portal.settings)

    return install


def set_up_member_mall(brand: Brand) -> None:
    set_up_service_desk(brand, with_bookings=False)
    set_up_referrals(brand)


def set_up_service_desk_portal(brand: Brand) -> None:
    """The service desk with bookings, and the referral programme (no entrance on its pages: a brand
    that sells adds the invite card or a link to /account/referral/ where it wants one)."""
    set_up_service_desk(brand, with_bookings=True)
    set_up_referrals(brand)


# Registered with core.registry (portals/wagtail_hooks.py); PortalTemplate.key names one of these.
STARTER_PORTALS: dict[str, Callable[..., None]] = {
    "member-mall": installed("member-mall", build_member_mall, set_up_member_mall),
    "service-desk": installed(
        "service-desk", build_service_desk, lambda brand: set_up_service_desk_portal(brand)
    ),
}
