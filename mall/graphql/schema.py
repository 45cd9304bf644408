"""The shop in GraphQL: `products`, `product`, `productCategories`, and the viewer's `cart` and
`orders`.

Everything answers for the customer who asks (the session's or the bearer token's, or nobody):
products they may see (mall.selectors.visible_products), at their price (mall.pricing.unit_price),
so the price an app shows is the price checkout charges. Anonymous answers are cached per tenant
(builder.graphql.views); a request with a session cookie or a bearer token never is, so a member's
price never reaches a visitor nor a visitor's price a member.

Lists cost a fixed number of queries however many items they hold: products with their SKUs,
pictures (and renditions), tags, level rules and levels are prefetched once; categories are read
once per request (`CategoriesLoader`), the viewer's member card once per request
(`MemberByUserLoader`). Every type lists its fields explicitly.
"""

from dataclasses import dataclass

import graphene
from django.db.models import Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from grapple.settings import grapple_settings
from grapple.types.images import get_image_type
from grapple.types.streamfield import StreamFieldInterface
from wagtail import hooks

from core.money import format_money
from core.paging import (
    DEFAULT_FIRST,
    MAX_FIRST,
    offset_cursor,
    offset_from_cursor,
    page_size,
    position_cursor,
    position_from_cursor,
    request_memo,
)
from mall import pricing, selectors
from mall.models import OrderStatus, Product, SaleMode, Sku

# --- Per-request loaders -------------------------------------------------------------------------


def _request_memo(info) -> dict:
    return request_memo(info, "_mall_graphql")


def image_specs() -> list[str]:
    """The renditions GraphQL may make (builder.graphql.images): prefetched with the pictures, so
    finding an existing one costs no query per picture."""
    allowed = grapple_settings.ALLOWED_IMAGE_FILTERS
    return list(allowed) if isinstance(allowed, list | tuple) else []


class MemberByUserLoader:
    """The user's member card (None for a visitor or a user without one), once per request."""

    @staticmethod
    def load(info, user):
        memo = _request_memo(info)
        key = ("member", getattr(user, "pk", None))
        if key not in memo:
            memo[key] = selectors.member_of(user)
        return memo[key]


def viewer_member(info):
    return MemberByUserLoader.load(info, getattr(info.context, "user", None))


@dataclass
class Categories:
    by_id: dict
    by_slug: dict
    children: dict
    top: list


class CategoriesLoader:
    """Every category of the shop, read once per request (a shop has tens of them): a product's
    category, its sub-categories and the tree cost one query, two with picture renditions."""

    @staticmethod
    def load(info) -> Categories:
        memo = _request_memo(info)
        if "categories" not in memo:
            nodes = selectors.category_tree(image_specs())
            rows = [
                row for node in nodes for row in (node.category, *(child.category for child in node.children))
            ]
            memo["categories"] = Categories(
                by_id={row.pk: row for row in rows},
                by_slug={row.slug: row for row in rows},
                children={node.category.pk: [child.category for child in node.children] for node in nodes},
                top=[node.category for node in nodes],
            )
        return memo["categories"]


# --- Cursors -------------------------------------------------------------------------------------


def product_cursor(offset: int) -> str:
    return offset_cursor("products", offset)


def order_cursor(order) -> str:
    return position_cursor("order", order)


def order_position(cursor: str):
    """(placed, pk) of the order a cursor names, or None for a cursor the API did not make."""
    return position_from_cursor("order", cursor)


# --- Products ------------------------------------------------------------------------------------


class PriceType(graphene.ObjectType):
    class Meta:
        name = "Price"
        description = "What one unit costs this viewer, in integer cents and points"

    cents = graphene.Int(required=True, description="Cash, in cents (with points: the cash on top)")
    points = graphene.Int(required=True, description="Points (0 when paid in cash only)")
    text = graphene.String(required=True, description="As customers read it: ¥88.00, 250 points + ¥5.00")
    list_cents = graphene.Int(description="The price before the member's discount, when it differs")


class SkuType(graphene.ObjectType):
    class Meta:
        name = "Sku"

    code = graphene.String(required=True)
    options = graphene.String(required=True, description="What sets it apart, e.g. 250 g · Whole beans")
    stock = graphene.Int(required=True)
    in_stock = graphene.Boolean(required=True)
    price = graphene.Field(PriceType, description="This viewer's cash price; null when only for points")
    points_price = graphene.Field(PriceType, description="Its price in points; null when not for points")

    @staticmethod
    def resolve_code(view, info):
        return view.sku.code

    @staticmethod
    def resolve_options(view, info):
        return view.sku.options

    @staticmethod
    def resolve_stock(view, info):
        return view.sku.stock

    @staticmethod
    def resolve_in_stock(view, info):
        return view.sku.stock > 0

    @staticmethod
    def resolve_price(view, info):
        return pricing.unit_price(view.product, view.sku, view.member)

    @staticmethod
    def resolve_points_price(view, info):
        return pricing.unit_price(view.product, view.sku, view.member, with_points=True)


@dataclass(frozen=True)
class SkuView:
    product: Product
    sku: Sku
    member: object


class GroupBuyTermsType(graphene.ObjectType):
    class Meta:
        name = "GroupBuyTerms"

    size = graphene.Int(required=True, description="Members that make a group, the starter included")
    price_cents = graphene.Int(required=True, description="What each member of a group pays")
    price_text = graphene.String(required=True)
    hours = graphene.Int(required=True, description="How long a group has to fill up")


class BargainTermsType(graphene.ObjectType):
    class Meta:
        name = "BargainTerms"

    floor_cents = graphene.Int(required=True, description="The lowest price friends can cut it to")
    floor_text = graphene.String(required=True)
    min_cut_cents = graphene.Int(required=True)
    max_cut_cents = graphene.Int(required=True)
    hours = graphene.Int(required=True, description="How long a bargain stays open")


class ProductCategoryType(graphene.ObjectType):
    class Meta:
        name = "ProductCategory"

    slug = graphene.String(required=True, description="Pass as `products(category:)`")
    name = graphene.String(required=True)
    description = graphene.String(required=True)
    url = graphene.String(required=True, description="The category's page on this site")
    image = graphene.Field(lambda: get_image_type())
    subcategories = graphene.List(graphene.NonNull(lambda: ProductCategoryType), required=True)

    @staticmethod
    def resolve_url(category, info):
        return reverse("mall:category", args=[category.slug])

    @staticmethod
    def resolve_subcategories(category, info):
        return CategoriesLoader.load(info).children.get(category.pk, [])


class ProductImageType(graphene.ObjectType):
    class Meta:
        name = "ProductImage"

    alt = graphene.String(required=True, description="The picture described for screen readers; may be empty")
    image = graphene.Field(lambda: get_image_type(), required=True)


class ProductFields:
    """The fields of a product as lists show it (ProductType) and as `product(slug)` does."""

    id = graphene.ID(required=True)
    slug = graphene.String(required=True, description="Pass to `product(slug:)`")
    title = graphene.String(required=True)
    summary = graphene.String(required=True)
    url = graphene.String(required=True, description="The product's page on this site")
    category = graphene.Field(ProductCategoryType)
    tags = graphene.List(graphene.NonNull(graphene.String), required=True)
    images = graphene.List(graphene.NonNull(ProductImageType), required=True, description="At most 9")
    skus = graphene.List(graphene.NonNull(SkuType), required=True)
    price = graphene.Field(
        PriceType, description="The lowest cash price of its SKUs for this viewer (a group-buy's group price)"
    )
    points_price = graphene.Field(PriceType, description="The lowest points price of its SKUs")
    in_stock = graphene.Boolean(required=True, description="Whether any SKU is in stock")
    featured = graphene.Boolean(required=True)
    sale_mode = graphene.String(required=True, description="normal, group_buy or bargain")
    group_buy = graphene.Field(GroupBuyTermsType, description="The group-buy's terms; null for other modes")
    bargain = graphene.Field(BargainTermsType, description="The bargain's terms; null for other modes")
    sale_starts = graphene.DateTime()
    sale_ends = graphene.DateTime()
    on_sale = graphene.Boolean(required=True, description="Published and inside its sale window now")
    purchase_limit = graphene.Int(description="How many this viewer may buy in all; null for no limit")

    @staticmethod
    def resolve_id(product, info):
        return product.pk

    @staticmethod
    def resolve_category(product, info):
        return CategoriesLoader.load(info).by_id.get(product.category_id) if product.category_id else None

    @staticmethod
    def resolve_tags(product, info):
        return [tag.name for tag in product.tags.all()]

    @staticmethod
    def resolve_images(product, info):
        return list(product.images.all())

    @staticmethod
    def resolve_skus(product, info):
        member = viewer_member(info)
        return [SkuView(product, sku, member) for sku in product.skus.all()]

    @staticmethod
    def resolve_price(product, info):
        return selectors.card_for(product, viewer_member(info)).price

    @staticmethod
    def resolve_points_price(product, info):
        return selectors.card_for(product, viewer_member(info)).points_price

    @staticmethod
    def resolve_in_stock(product, info):
        return any(sku.stock > 0 for sku in product.skus.all())

    @staticmethod
    def resolve_group_buy(product, info):
        if product.sale_mode != SaleMode.GROUP_BUY or product.group_price_cents is None:
            return None
        return {
            "size": product.group_size,
            "price_cents": product.group_price_cents,
            "price_text": format_money(product.group_price_cents),
            "hours": product.group_hours,
        }

    @staticmethod
    def resolve_bargain(product, info):
        if product.sale_mode != SaleMode.BARGAIN or product.bargain_floor_cents is None:
            return None
        return {
            "floor_cents": product.bargain_floor_cents,
            "floor_text": format_money(product.bargain_floor_cents),
            "min_cut_cents": product.bargain_min_cut_cents,
            "max_cut_cents": product.bargain_max_cut_cents,
            "hours": product.bargain_hours,
        }

    @staticmethod
    def resolve_on_sale(product, info):
        return product.on_sale()

    @staticmethod
    def resolve_purchase_limit(product, info):
        return pricing.purchase_limit(product, viewer_member(info))


class ProductType(ProductFields, graphene.ObjectType):
    class Meta:
        name = "Product"
        description = "A product this viewer may see, at this viewer's prices"


class ProductDetailType(ProductFields, graphene.ObjectType):
    class Meta:
        name = "ProductDetail"
        description = "One product with its description (only from `product(slug:)`)"

    description = graphene.List(
        graphene.NonNull(StreamFieldInterface),
        required=True,
        description="The description's blocks: RichTextBlock, DescriptionImageBlock, VideoBlock",
    )
    description_html = graphene.String(required=True, description="The description as HTML")

    @staticmethod
    def resolve_description(product, info):
        return list(product.description)

    @staticmethod
    def resolve_description_html(product, info):
        # Each block as {% include_block %} renders it (the StreamField's own render wraps every
        # block in a <div class="block-<name>">).
        return "".join(str(child.render()) for child in product.description)


class ProductPageType(graphene.ObjectType):
    class Meta:
        name = "ProductPage"

    items = graphene.List(graphene.NonNull(ProductType), required=True)
    total = graphene.Int(required=True, description="Products matching, on every page")
    end_cursor = graphene.String(description="Pass as `after` for the next page")
    has_next_page = graphene.Boolean(required=True)


def _with_pictures(products):
    return products.prefetch_related(
        "tags", selectors.renditions_of("images__image__renditions", image_specs())
    )


def resolve_products(root, info, category=None, tag=None, first=DEFAULT_FIRST, after=None):
    first = page_size(first)
    offset = offset_from_cursor("products", after) if after else 0
    member = viewer_member(info)
    chosen = None
    if category:
        chosen = CategoriesLoader.load(info).by_slug.get(category)
        if chosen is None:
            return {"items": [], "total": 0, "end_cursor": None, "has_next_page": False}
    products = selectors.products_for(member, category=chosen, tag=(tag or "").strip())
    total = products.count()
    items = list(_with_pictures(products)[offset : offset + first]) if offset < total else []
    return {
        "items": items,
        "total": total,
        "end_cursor": product_cursor(offset + len(items)) if items else None,
        "has_next_page": total > offset + len(items),
    }


def resolve_product(root, info, slug):
    product = selectors.product_for(viewer_member(info), slug)
    if product is not None:
        prefetch_related_objects(
            [picture.image for picture in product.images.all()],
            selectors.renditions_of("renditions", image_specs()),
        )
    return product


def resolve_product_categories(root, info):
    return CategoriesLoader.load(info).top


class ShopQuery:
    products = graphene.Field(
        ProductPageType,
        required=True,
        category=graphene.String(description="A category's slug: its products and its sub-categories'"),
        tag=graphene.String(description="Only products with this tag"),
        first=graphene.Int(
            default_value=DEFAULT_FIRST, description=f"Products per page, at most {MAX_FIRST}"
        ),
        after=graphene.String(description="The `endCursor` of the page before"),
        resolver=resolve_products,
        description="Products this viewer may see, newest first, at this viewer's prices",
    )
    product = graphene.Field(
        ProductDetailType,
        slug=graphene.String(required=True),
        resolver=resolve_product,
        description="One product this viewer may see, at this viewer's prices; null otherwise",
    )
    product_categories = graphene.List(
        graphene.NonNull(ProductCategoryType),
        required=True,
        resolver=resolve_product_categories,
        description="The shop's top categories in order, each with its sub-categories",
    )


@hooks.register("register_schema_query")
def add_shop_queries(query_mixins):
    query_mixins.append(ShopQuery)


# --- viewer { cart orders } ----------------------------------------------------------------------


class CartSkuType(graphene.ObjectType):
    class Meta:
        name = "CartSku"

    code = graphene.String(required=True)
    options = graphene.String(required=True)


class CartLineType(graphene.ObjectType):
    class Meta:
        name = "CartLine"

    sku = graphene.Field(CartSkuType, required=True)
    product_slug = graphene.String(required=True)
    title = graphene.String(required=True)
    quantity = graphene.Int(required=True)
    with_points = graphene.Boolean(required=True)
    unit_price = graphene.Field(
        PriceType, description="What one costs this viewer now; null when it cannot be bought"
    )
    problem = graphene.String(
        description="Why this line cannot be bought now (sold out, no longer sold...); null when it can"
    )


class CartType(graphene.ObjectType):
    class Meta:
        name = "Cart"

    lines = graphene.List(graphene.NonNull(CartLineType), required=True)
    subtotal_cents = graphene.Int(
        required=True, description="Cash for the lines that can be bought, before delivery and coupons"
    )
    points = graphene.Int(required=True, description="Points for the lines paid with points")
    count = graphene.Int(required=True, description="Items in the cart (quantities added up)")


def _line_problem(line, member, now) -> str | None:
    product, sku = line.sku.product, line.sku
    reason = pricing.why_not_buyable(product, member, now)
    if reason:
        return reason
    if not pricing.sold_in_cart(product):
        return _("“%(title)s” is bought with its own button on the product page.") % {"title": product.title}
    if pricing.unit_price(product, sku, member, with_points=line.with_points) is None:
        return _("“%(title)s” cannot be bought that way.") % {"title": product.title}
    if sku.stock <= 0:
        return _("“%(item)s” is sold out.") % {"item": str(sku)}
    if line.quantity > sku.stock:
        return _("Only %(left)s of “%(item)s” left.") % {"left": sku.stock, "item": str(sku)}
    return None


def resolve_cart(user, info):
    member = MemberByUserLoader.load(info, user)
    now = timezone.now()
    lines, subtotal, points, count = [], 0, 0, 0
    for line in selectors.cart_lines(selectors.cart_of(user=user)):
        product, sku = line.sku.product, line.sku
        problem = _line_problem(line, member, now)
        price = None if problem else pricing.unit_price(product, sku, member, with_points=line.with_points)
        if price is not None:
            subtotal += price.cents * line.quantity
            points += price.points * line.quantity
        count += line.quantity
        lines.append(
            {
                "sku": {"code": sku.code, "options": sku.options},
                "product_slug": product.slug,
                "title": product.title,
                "quantity": line.quantity,
                "with_points": line.with_points,
                "unit_price": price,
                "problem": problem,
            }
        )
    return {"lines": lines, "subtotal_cents": subtotal, "points": points, "count": count}


OrderStatusEnum = graphene.Enum("OrderStatus", [(value.upper(), value) for value in OrderStatus.values])


class OrderLineType(graphene.ObjectType):
    class Meta:
        name = "OrderLine"

    title = graphene.String(required=True)
    options = graphene.String(required=True)
    sku_code = graphene.String(required=True)
    quantity = graphene.Int(required=True)
    with_points = graphene.Boolean(required=True)
    unit_price_cents = graphene.Int(
        required=True, description="Cash per unit as charged (with points: the cash on top)"
    )
    unit_points = graphene.Int(required=True)


class OrderType(graphene.ObjectType):
    class Meta:
        name = "Order"

    number = graphene.String(required=True)
    status = graphene.String(
        required=True,
        description="pending_payment, paid, shipped, ready_for_pickup, completed, cancelled or refunded",
    )
    status_label = graphene.String(required=True, description="The status in the request's language")
    url = graphene.String(required=True, description="The order's page in My account")
    subtotal_cents = graphene.Int(required=True)
    shipping_cents = graphene.Int(required=True)
    coupon_discount_cents = graphene.Int(required=True)
    total_cents = graphene.Int(required=True)
    points_spent = graphene.Int(required=True)
    placed_at = graphene.DateTime(required=True)
    tracking_number = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(OrderLineType), required=True)

    @staticmethod
    def resolve_status_label(order, info):
        return str(order.get_status_display())

    @staticmethod
    def resolve_placed_at(order, info):
        return order.created_at

    @staticmethod
    def resolve_lines(order, info):
        return list(order.lines.all())


class OrderPageType(graphene.ObjectType):
    class Meta:
        name = "OrderPage"

    items = graphene.List(graphene.NonNull(OrderType), required=True)
    end_cursor = graphene.String(description="Pass as `after` for the next page")
    has_next_page = graphene.Boolean(required=True)


def resolve_orders(user, info, status=None, first=DEFAULT_FIRST, after=None):
    first = page_size(first)
    member = MemberByUserLoader.load(info, user)
    if member is None:
        return {"items": [], "end_cursor": None, "has_next_page": False}
    orders = selectors.orders_of(member, status=getattr(status, "value", status) or "")
    if after:
        position = order_position(after)
        if position is None:
            return {"items": [], "end_cursor": None, "has_next_page": False}
        placed, pk = position
        orders = orders.filter(Q(created_at__lt=placed) | Q(created_at=placed, pk__lt=pk))
    page = list(orders[: first + 1])
    items = page[:first]
    return {
        "items": items,
        "end_cursor": order_cursor(items[-1]) if items else None,
        "has_next_page": len(page) > first,
    }


VIEWER_FIELDS = {
    "cart": (graphene.Field(CartType, required=True, description="The customer's cart"), resolve_cart),
    "orders": (
        graphene.Field(
            OrderPageType,
            required=True,
            status=OrderStatusEnum(description="Only orders in this status"),
            first=graphene.Int(
                default_value=DEFAULT_FIRST, description=f"Orders per page, at most {MAX_FIRST}"
            ),
            after=graphene.String(description="The `endCursor` of the page before"),
            description="The customer's orders, newest first",
        ),
        resolve_orders,
    ),
}
