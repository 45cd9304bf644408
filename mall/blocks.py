"""Shop blocks for page bodies: product grids and carousels (by category, tag, hand-picked,
featured), the shop's categories, the points-rewards shelf, new arrivals and group-buys.

A page body is cached once for every visitor unless a block in it is `personal`
(builder/fragments.py). These blocks list only products anyone may see (visibility "everyone",
published, sale not over) and show list prices, never a member's price, so the body stays
cacheable; members see their own price on the product page. Each block costs a fixed number of
queries however many products it shows (mall.selectors.shelf_products).

Imported while builder.models builds the page body (core.registry.app_blocks): the models are read
inside the blocks' methods, never at import time.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLBoolean, GraphQLInt, GraphQLStreamfield, GraphQLString
from wagtail import blocks

from blocks.base import BaseBlock, fail
from core.money import format_money

# The card picture, 1x and 2x: the crops GraphQL also offers (GRAPPLE["ALLOWED_IMAGE_FILTERS"]), so
# a rendition made for a page serves the app too.
CARD_RENDITIONS = ("fill-400x300", "fill-800x600")
MAX_PRODUCTS = 24

SOURCES = [
    ("featured", _("Featured products")),
    ("category", _("A category")),
    ("tag", _("Products with a tag")),
    ("chosen", _("Products chosen below")),
]


def category_choices():
    """The current tenant's categories, read when the editor opens (each tenant its own)."""
    from mall import selectors

    return [(category.slug, str(category)) for category in selectors.categories()]


class CategoryChoiceBlock(blocks.ChoiceBlock):
    """A category's slug. ChoiceBlock reads its whole choice list to load a stored value; with
    choices from the database that is a query per block on every page view, so a stored value is
    taken as it is (the block's clean() checks it against the tenant's categories)."""

    def to_python(self, value):
        return "" if value is None else str(value)

    def normalize(self, value):
        return self.to_python(value)


@dataclass(frozen=True)
class ShelfItem:
    """A product as a shelf shows it to every visitor: list prices only."""

    url: str
    title: str
    summary: str
    image: object  # the first picture, or None (shown beside the title, so it needs no alt text)
    price: str  # "¥88.00", the group price for a group-buy; "" when only for points
    price_from: bool  # SKUs at different prices: "From ¥68.00"
    points: str  # the lowest points price, "250 points" or "250 points + ¥5.00"; "" when none
    regular_price: str  # a group-buy's price outside a group
    group_size: int | None
    sold_out: bool


def shelf_item(card) -> ShelfItem:
    from mall.models import SaleMode

    product = card.product
    cash = sorted({sku.price_cents for sku in product.skus.all() if sku.price_cents is not None})
    group = product.sale_mode == SaleMode.GROUP_BUY and product.group_price_cents is not None
    return ShelfItem(
        url=product.url,
        title=product.title,
        summary=product.summary,
        image=card.image,
        price=card.price.text if card.price else "",
        price_from=not group and len(cash) > 1,
        points=card.points_price.text if card.points_price else "",
        regular_price=format_money(cash[0]) if group and cash else "",
        group_size=product.group_size if group else None,
        sold_out=not card.in_stock,
    )


def shelf(source: str, limit: int, **filters) -> list[ShelfItem]:
    """The block's products as cards for everyone (no member: list prices)."""
    from mall import selectors

    products = selectors.shelf_products(source, limit=limit, image_specs=CARD_RENDITIONS, **filters)
    return [shelf_item(card) for card in selectors.cards_for(products, None)]


def _count(value, default: int = 8) -> int:
    return max(1, min(int(value.get("count") or default), MAX_PRODUCTS))


def _count_block(default: int = 8):
    return blocks.IntegerBlock(
        min_value=1, max_value=MAX_PRODUCTS, default=default, label=_("How many products")
    )


def _show_price_block():
    return blocks.BooleanBlock(
        required=False,
        default=True,
        label=_("Show prices"),
        help_text=_("List prices; members see their own price on the product page."),
    )


class ProductShelfBlock(BaseBlock):
    """Products from one source: featured, a category, a tag or chosen by hand."""

    heading = blocks.CharBlock(required=False, max_length=120)
    source = blocks.ChoiceBlock(choices=SOURCES, default="featured", label=_("Which products"))
    category = CategoryChoiceBlock(
        choices=category_choices,
        required=False,
        search_index=False,  # a slug: nothing to search, and no choice-list query when indexing
        label=_("Category"),
        help_text=_("For “A category”: its sub-categories' products are included."),
    )
    tag = blocks.CharBlock(
        required=False, max_length=100, label=_("Tag"), help_text=_("For “Products with a tag”.")
    )
    products = blocks.ListBlock(
        blocks.CharBlock(max_length=120, label=_("Product slug")),
        default=[],
        max_num=MAX_PRODUCTS,
        required=False,
        label=_("Products"),
        help_text=_(
            "For “Products chosen below”: the products' slugs (their address after /shop/). "
            "Only products everyone may see are shown."
        ),
    )
    count = _count_block()
    show_price = _show_price_block()

    graphql_fields = [
        GraphQLString("heading"),
        GraphQLString("source"),
        GraphQLString("category"),
        GraphQLString("tag"),
        GraphQLStreamfield("products"),
        GraphQLInt("count"),
        GraphQLBoolean("show_price"),
        *BaseBlock.graphql_fields,
    ]

    def clean(self, value):
        from mall import selectors

        source = value.get("source")
        if source == "category":
            slug = value.get("category") or ""
            if not slug:
                fail({"category": _("Choose the category to show.")})
            if selectors.category_slugs_missing([slug]):
                fail({"category": _("There is no category “%(slug)s” in the shop.") % {"slug": slug}})
        elif source == "tag":
            tag = (value.get("tag") or "").strip()
            if not tag:
                fail({"tag": _("Give the tag of the products to show.")})
            if not selectors.product_tag_exists(tag):
                fail({"tag": _("No product has the tag “%(tag)s”.") % {"tag": tag}})
        elif source == "chosen":
            slugs = [slug.strip() for slug in value.get("products") or []]
            if not any(slugs):
                fail({"products": _("Give the slug of at least one product.")})
            missing = selectors.product_slugs_missing(slugs)
            if missing:
                message = ngettext(
                    "There is no product “%(slugs)s” in the shop.",
                    "There are no products “%(slugs)s” in the shop.",
                    len(missing),
                )
                fail({"products": message % {"slugs": "”, “".join(missing)}})
        return super().clean(value)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        source = value.get("source") or "featured"
        context["items"] = shelf(
            source,
            _count(value),
            category=value.get("category") or "",
            tag=(value.get("tag") or "").strip(),
            slugs=[slug.strip() for slug in value.get("products") or []],
        )
        context["show_price"] = value.get("show_price", True)
        if source == "category" and value.get("category"):
            context["more_url"] = reverse("mall:category", args=[value["category"]])
        else:
            context["more_url"] = reverse("mall:product_list")
        return context


@register_streamfield_block
class ProductGridBlock(ProductShelfBlock):
    """A grid of product cards: featured, a category, a tag or chosen by hand."""

    class Meta:
        icon = "table"
        template = "mall/blocks/product_grid.html"
        label = _("Product grid")
        description = _("Product cards from a category, a tag, featured or chosen products")
        preview_value = {
            "heading": "精选商品 · Featured",
            "source": "featured",
            "count": 4,
            "show_price": True,
        }


@register_streamfield_block
class ProductCarouselBlock(ProductShelfBlock):
    """A row of product cards that scrolls sideways: featured, a category, a tag or chosen."""

    class Meta:
        icon = "arrow-right"
        template = "mall/blocks/product_carousel.html"
        label = _("Product carousel")
        description = _("A row of product cards to swipe through")
        preview_value = {
            "heading": "热卖 · Best sellers",
            "source": "featured",
            "count": 8,
            "show_price": True,
        }


@register_streamfield_block
class CategoryListBlock(BaseBlock):
    """The shop's top categories with their pictures, each leading to its page."""

    heading = blocks.CharBlock(required=False, max_length=120)

    graphql_fields = [GraphQLString("heading"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "folder-open-inverse"
        template = "mall/blocks/category_list.html"
        label = _("Shop categories")
        description = _("The shop's categories with pictures")
        preview_value = {"heading": "商品分类 · Shop by category"}

    def get_context(self, value, parent_context=None):
        from mall import selectors

        context = super().get_context(value, parent_context)
        context["categories"] = [
            {"category": node.category, "url": reverse("mall:category", args=[node.category.slug])}
            for node in selectors.category_tree(CARD_RENDITIONS)
        ]
        return context


@register_streamfield_block
class PointsRewardsBlock(BaseBlock):
    """Products members can take for points ("250 points", or "250 points + ¥5.00")."""

    heading = blocks.CharBlock(required=False, max_length=120)
    count = _count_block()

    graphql_fields = [GraphQLString("heading"), GraphQLInt("count"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "pick"
        template = "mall/blocks/points_rewards.html"
        label = _("Points rewards")
        description = _("Products members can take for points")
        preview_value = {"heading": "积分兑换 · Rewards for points", "count": 4}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["items"] = [item for item in shelf("points", _count(value)) if item.points]
        return context


@register_streamfield_block
class NewArrivalsBlock(BaseBlock):
    """The newest products in the shop."""

    heading = blocks.CharBlock(required=False, max_length=120)
    count = _count_block(4)
    show_price = _show_price_block()

    graphql_fields = [
        GraphQLString("heading"),
        GraphQLInt("count"),
        GraphQLBoolean("show_price"),
        *BaseBlock.graphql_fields,
    ]

    class Meta:
        icon = "date"
        template = "mall/blocks/new_arrivals.html"
        label = _("New arrivals")
        description = _("The newest products in the shop")
        preview_value = {"heading": "新品上市 · New arrivals", "count": 4, "show_price": True}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["items"] = shelf("new", _count(value, 4))
        context["show_price"] = value.get("show_price", True)
        return context


@register_streamfield_block
class GroupBuysBlock(BaseBlock):
    """Products sold as group-buys (拼团), with the group price and how many make a group."""

    heading = blocks.CharBlock(required=False, max_length=120)
    count = _count_block(4)

    graphql_fields = [GraphQLString("heading"), GraphQLInt("count"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "group"
        template = "mall/blocks/group_buys.html"
        label = _("Group-buys")
        description = _("Products members buy together at a group price")
        preview_value = {"heading": "拼团 · Group-buys", "count": 4}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["items"] = shelf("group_buy", _count(value, 4))
        return context


PORTAL_BLOCKS = [
    ("product_grid", ProductGridBlock()),
    ("product_carousel", ProductCarouselBlock()),
    ("category_list", CategoryListBlock()),
    ("points_rewards", PointsRewardsBlock()),
    ("new_arrivals", NewArrivalsBlock()),
    ("group_buys", GroupBuysBlock()),
]
