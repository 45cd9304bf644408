"""Text, calls to action and service blocks."""

from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLImage, GraphQLRichText, GraphQLStreamfield, GraphQLString
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from blocks.base import BaseBlock
from blocks.links import ButtonBlock, LinkBlock

ICONS = [
    ("member", _("Member card")),
    ("points", _("Points")),
    ("coupon", _("Coupons")),
    ("shop", _("Shop")),
    ("order", _("Orders")),
    ("event", _("Events")),
    ("help", _("Help")),
    ("chat", _("Chat")),
    ("phone", _("Phone")),
    ("calendar", _("Booking")),
    ("gift", _("Gifts")),
    ("location", _("Stores")),
    ("ticket", _("Tickets")),
    ("star", _("Reviews")),
]


@register_streamfield_block
class HeroBlock(BaseBlock):
    """A full-width banner with a heading, a short text, an optional image and up to two buttons."""

    heading = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(required=False, max_length=240)
    image = ImageChooserBlock(required=False, help_text=_("Wide image, at least 1600 px across."))
    buttons = blocks.ListBlock(ButtonBlock(), max_num=2, default=[])

    graphql_fields = [
        GraphQLString("heading"),
        GraphQLString("text"),
        GraphQLImage("image"),
        GraphQLStreamfield("buttons"),
        *BaseBlock.graphql_fields,
    ]

    class Meta:
        icon = "image"
        template = "blocks/hero.html"
        label = _("Hero banner")
        description = _("Banner at the top of a page")
        preview_value = {
            "heading": "会员专享 · Members' week",
            "text": "Double points on every order until Sunday.",
            "buttons": [{"link_text": "Join now", "url": "https://example.com/join", "style": "primary"}],
        }


@register_streamfield_block
class RichTextSectionBlock(BaseBlock):
    """Formatted text: paragraphs, lists, links, bold and italics."""

    text = blocks.RichTextBlock(
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]
    )

    graphql_fields = [GraphQLRichText("text"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "doc-full"
        template = "blocks/rich_text.html"
        label = _("Rich text")
        description = _("Paragraphs, lists and links")
        preview_value = {"text": "<p>Our stores open at <b>8:00</b> every day. 门店每天早上八点开门。</p>"}


@register_streamfield_block
class HeadingBlock(BaseBlock):
    """A section heading with an optional line under it."""

    text = blocks.CharBlock(max_length=120, label=_("Heading"))
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section (H2)")), ("h3", _("Sub-section (H3)"))], default="h2"
    )
    subtitle = blocks.CharBlock(required=False, max_length=200)

    graphql_fields = [
        GraphQLString("text"),
        GraphQLString("level"),
        GraphQLString("subtitle"),
        *BaseBlock.graphql_fields,
    ]

    class Meta:
        icon = "title"
        template = "blocks/heading.html"
        label = _("Heading")
        description = _("A section title")
        preview_value = {
            "text": "常见问题 · Common questions",
            "level": "h2",
            "subtitle": "Answers in a minute",
        }


@register_streamfield_block
class ButtonsBlock(BaseBlock):
    """One to three call-to-action buttons in a row."""

    heading = blocks.CharBlock(required=False, max_length=120)
    buttons = blocks.ListBlock(ButtonBlock(), min_num=1, max_num=3)

    graphql_fields = [GraphQLString("heading"), GraphQLStreamfield("buttons"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "link"
        template = "blocks/buttons.html"
        label = _("Call-to-action buttons")
        description = _("Buttons that lead to the next step")
        preview_value = {
            "heading": "Ready to join?",
            "buttons": [
                {"link_text": "Sign up", "url": "https://example.com/signup", "style": "primary"},
                {"link_text": "Learn more", "url": "https://example.com/about", "style": "secondary"},
            ],
        }


@register_streamfield_block
class CardBlock(blocks.StructBlock):
    image = ImageChooserBlock(required=False)
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(required=False, max_length=300)
    link = LinkBlock(required=False)

    graphql_fields = [
        GraphQLImage("image"),
        GraphQLString("title"),
        GraphQLString("text"),
        GraphQLStreamfield("link", is_list=False),
    ]

    class Meta:
        icon = "form"


@register_streamfield_block
class CardGridBlock(BaseBlock):
    """A grid of cards, each with an image, a title, a short text and a link."""

    heading = blocks.CharBlock(required=False, max_length=120)
    cards = blocks.ListBlock(CardBlock(), min_num=1, max_num=12)

    graphql_fields = [GraphQLString("heading"), GraphQLStreamfield("cards"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "table"
        template = "blocks/card_grid.html"
        label = _("Card grid")
        description = _("Offers, stores or topics as cards")
        preview_value = {
            "heading": "This month",
            "cards": [
                {"title": "New member gift", "text": "A free drink on your first visit."},
                {"title": "Birthday treat", "text": "Double points in your birthday month."},
                {"title": "Refer a friend", "text": "You both get 100 points."},
            ],
        }


@register_streamfield_block
class QuickLinkBlock(blocks.StructBlock):
    icon = blocks.ChoiceBlock(choices=ICONS, default="help")
    link = LinkBlock()

    graphql_fields = [GraphQLString("icon"), GraphQLStreamfield("link", is_list=False)]

    class Meta:
        icon = "link"


@register_streamfield_block
class QuickLinksBlock(BaseBlock):
    """The portal's service entrances: a grid of icons with short labels."""

    heading = blocks.CharBlock(required=False, max_length=120)
    links = blocks.ListBlock(QuickLinkBlock(), min_num=1, max_num=12)

    graphql_fields = [GraphQLString("heading"), GraphQLStreamfield("links"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "grip"
        template = "blocks/quick_links.html"
        label = _("Service entrances")
        description = _("Icon shortcuts to the portal's services")
        preview_value = {
            "heading": "我的服务 · My services",
            "links": [
                {"icon": "member", "link": {"link_text": "会员卡", "url": "https://example.com/card"}},
                {"icon": "points", "link": {"link_text": "Points", "url": "https://example.com/points"}},
                {"icon": "coupon", "link": {"link_text": "Coupons", "url": "https://example.com/c"}},
                {"icon": "help", "link": {"link_text": "Help", "url": "https://example.com/help"}},
            ],
        }


@register_streamfield_block
class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = blocks.RichTextBlock(features=["bold", "italic", "ol", "ul", "link"])

    graphql_fields = [GraphQLString("question"), GraphQLRichText("answer")]

    class Meta:
        icon = "help"


@register_streamfield_block
class FAQBlock(BaseBlock):
    """Questions that open to show their answers (works without JavaScript)."""

    heading = blocks.CharBlock(required=False, max_length=120)
    questions = blocks.ListBlock(QuestionBlock(), min_num=1, max_num=30)

    graphql_fields = [GraphQLString("heading"), GraphQLStreamfield("questions"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "help"
        template = "blocks/faq.html"
        label = _("FAQ accordion")
        description = _("Questions with answers that fold open")
        preview_value = {
            "heading": "FAQ",
            "questions": [
                {
                    "question": "How do I earn points? 如何获得积分？",
                    "answer": "<p>1 point for every ¥1 you spend.</p>",
                },
                {
                    "question": "Do points expire?",
                    "answer": "<p>At the end of the year after you earn them.</p>",
                },
            ],
        }


@register_streamfield_block
class AnnouncementBlock(BaseBlock):
    """A one-line notice across the page: news, a closure, a promotion."""

    text = blocks.CharBlock(max_length=200)
    tone = blocks.ChoiceBlock(
        choices=[("info", _("Information")), ("success", _("Good news")), ("warning", _("Warning"))],
        default="info",
    )
    link = LinkBlock(required=False)

    graphql_fields = [
        GraphQLString("text"),
        GraphQLString("tone"),
        GraphQLStreamfield("link", is_list=False),
        *BaseBlock.graphql_fields,
    ]

    class Meta:
        icon = "warning"
        template = "blocks/announcement.html"
        label = _("Announcement bar")
        description = _("A short notice across the page")
        preview_value = {"text": "春节期间门店营业时间调整 · Holiday opening hours apply", "tone": "warning"}


@register_streamfield_block
class OpeningHoursBlock(blocks.StructBlock):
    days = blocks.CharBlock(max_length=40)
    hours = blocks.CharBlock(max_length=40)

    graphql_fields = [GraphQLString("days"), GraphQLString("hours")]


@register_streamfield_block
class ContactChannelsBlock(BaseBlock):
    """How to reach a person: phone, email, chat and opening hours, always one tap away."""

    heading = blocks.CharBlock(required=False, max_length=120)
    phone = blocks.CharBlock(required=False, max_length=30)
    email = blocks.EmailBlock(required=False)
    chat_url = blocks.URLBlock(required=False, label=_("Chat link"))
    address = blocks.TextBlock(required=False, max_length=300)
    opening_hours = blocks.ListBlock(OpeningHoursBlock(), default=[], max_num=7)

    graphql_fields = [
        GraphQLString("heading"),
        GraphQLString("phone"),
        GraphQLString("email"),
        GraphQLString("chat_url"),
        GraphQLString("address"),
        GraphQLStreamfield("opening_hours"),
        *BaseBlock.graphql_fields,
    ]

    class Meta:
        icon = "mail"
        template = "blocks/contact_channels.html"
        label = _("Contact channels")
        description = _("Phone, email, chat and opening hours")
        preview_value = {
            "heading": "联系我们 · Contact us",
            "phone": "400-820-8820",
            "email": "care@example.com",
            "chat_url": "https://example.com/chat",
            "opening_hours": [{"days": "Mon–Sun", "hours": "9:00–21:00"}],
        }

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("phone") or value.get("email") or value.get("chat_url") or value.get("address")):
            from blocks.base import fail

            fail({"phone": _("Give at least one way to get in touch.")})
        return value


@register_streamfield_block
class SpacerBlock(BaseBlock):
    """Empty vertical space between blocks."""

    size = blocks.ChoiceBlock(choices=[("s", _("Small")), ("m", _("Medium")), ("l", _("Large"))], default="m")

    graphql_fields = [GraphQLString("size"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "arrows-up-down"
        template = "blocks/spacer.html"
        label = _("Spacer")
        description = _("Space between blocks")
        preview_value = {"size": "m"}
