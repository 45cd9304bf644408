"""Reads for shop pages, blocks, the admin and GraphQL, each with its joins done once.

Everything a customer sees goes through `visible_products(member)`: published products this
viewer may see (everyone's, members', their level's). Prices come from mall.pricing with the same
member, so the price shown is the price checkout charges.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone

from mall import pricing
from mall.models import (
    Bargain,
    Cart,
    CartLine,
    GroupBuy,
    Order,
    OrderStatus,
    Product,
    ProductCategory,
    ProductImage,
    SaleMode,
    Sku,
    TaggedProduct,
    Visibility,
)
from members.models import Member

SORTS = {
    "new": ("-created_at", "-pk"),
    "price": ("min_price", "pk"),
    "-price": ("-min_price", "pk"),
    "title": ("title", "pk"),
}


def member_of(user) -> Member | None:
    if user is None or not user.is_authenticated:
        return None
    return Member.objects.select_related("level").filter(user=user).first()


def visibility_filter(member) -> Q:
    """Products `member` (None: a visitor who is not a member) may see."""
    allowed = Q(visibility=Visibility.EVERYONE)
    if member is not None:
        allowed |= Q(visibility=Visibility.MEMBERS)
        if member.level_id:
            allowed |= Q(visibility=Visibility.LEVELS, levels=member.level_id)
    return allowed


def visible_products(member):
    """Published products `member` may see, with what a product card needs (SKUs, first picture,
    level rules, levels) in a fixed number of queries however many are listed."""
    return (
        Product.objects.filter(is_published=True)
        .filter(visibility_filter(member))
        .distinct()
        .select_related("category")
        .prefetch_related(
            Prefetch("skus", queryset=Sku.objects.order_by("sort_order", "pk")),
            Prefetch(
                "images", queryset=ProductImage.objects.select_related("image").order_by("sort_order", "pk")
            ),
            "level_rules",
            "levels",
        )
    )


def products_for(
    member, *, category: ProductCategory | None = None, tag: str = "", sort: str = "new", query=None
):
    products = visible_products(member) if query is None else query
    if category is not None:
        products = products.filter(Q(category=category) | Q(category__parent=category))
    if tag:
        products = products.filter(tags__name=tag)
    if sort in ("price", "-price"):
        from django.db.models import Min

        products = products.annotate(min_price=Min("skus__price_cents"))
    return products.order_by(*SORTS.get(sort, SORTS["new"]))


def product_for(member, slug: str) -> Product | None:
    """The product at `slug` if this viewer may see it, else None (a 404 for them)."""
    return visible_products(member).prefetch_related("tags").filter(slug=slug).first()


def product_exists(slug: str) -> Product | None:
    """The published product at `slug` whoever may see it: pages tell a visitor to log in, or a
    member that it is for other levels, rather than a bare 404."""
    return Product.objects.filter(is_published=True, slug=slug).prefetch_related("levels").first()


def categories() -> list[ProductCategory]:
    return list(ProductCategory.objects.select_related("parent", "image").order_by("sort_order", "name"))


def top_categories() -> list[ProductCategory]:
    return [category for category in categories() if category.parent_id is None]


@dataclass(frozen=True)
class ProductCard:
    """A product as lists show it: its first picture, the viewer's lowest price, stock."""

    product: Product
    image: object
    price: pricing.Price | None
    points_price: pricing.Price | None
    in_stock: bool

    @property
    def url(self) -> str:
        return self.product.url


def card_for(product: Product, member) -> ProductCard:
    skus = list(product.skus.all())
    images = list(product.images.all())
    prices = [pricing.unit_price(product, sku, member) for sku in skus]
    prices = [price for price in prices if price is not None]
    if product.sale_mode == SaleMode.GROUP_BUY and product.group_price_cents is not None:
        prices = [pricing.group_price(product)]
    points = [pricing.unit_price(product, sku, member, with_points=True) for sku in skus]
    points = [price for price in points if price is not None]
    return ProductCard(
        product,
        images[0].image if images else None,
        min(prices, key=lambda price: price.cents) if prices else None,
        min(points, key=lambda price: (price.points, price.cents)) if points else None,
        any(sku.stock > 0 for sku in skus),
    )


def cards_for(products, member) -> list[ProductCard]:
    return [card_for(product, member) for product in products]


def points_rewards(member):
    """Products with a SKU that members can take for points."""
    return visible_products(member).filter(skus__points_price__isnull=False).distinct()


# --- Carts -------------------------------------------------------------------------------------


def cart_of(*, user=None, token: str = "") -> Cart | None:
    if user is not None and user.is_authenticated:
        return Cart.objects.filter(user=user).first()
    if token:
        return Cart.objects.filter(token=token, user=None).first()
    return None


def cart_lines(cart: Cart | None):
    if cart is None:
        return []
    return list(
        CartLine.objects.filter(cart=cart)
        .select_related("sku", "sku__product")
        .prefetch_related("sku__product__level_rules", "sku__product__levels")
        .order_by("added_at", "pk")
    )


def cart_count(cart: Cart | None) -> int:
    if cart is None:
        return 0
    return CartLine.objects.filter(cart=cart).aggregate(total=Sum("quantity"))["total"] or 0


# --- Orders ------------------------------------------------------------------------------------


def orders_of(member, *, status: str = ""):
    orders = Order.objects.filter(member=member).prefetch_related("lines")
    if status:
        orders = orders.filter(status=status)
    return orders.order_by("-created_at", "-pk")


def order_of(member, number: str) -> Order | None:
    """The member's own order, never anyone else's."""
    if member is None:
        return None
    return (
        Order.objects.filter(member=member, number=number)
        .prefetch_related("lines", "history", "payments")
        .select_related("coupon", "coupon__template", "group_buy", "bargain")
        .first()
    )


def open_orders_count(member) -> int:
    return Order.objects.filter(
        member=member,
        status__in=[
            OrderStatus.PENDING_PAYMENT,
            OrderStatus.PAID,
            OrderStatus.SHIPPED,
            OrderStatus.READY_FOR_PICKUP,
        ],
    ).count()


# --- Group-buys and bargains -------------------------------------------------------------------


def open_groups(product: Product, *, limit: int = 5):
    """Groups of `product` still taking members, the fullest first."""
    return list(
        GroupBuy.objects.filter(product=product, status=GroupBuy.Status.OPEN, expires_at__gt=timezone.now())
        .select_related("leader__user")
        .order_by("-joined", "expires_at")[:limit]
    )


def open_bargain(member, sku_ids) -> Bargain | None:
    if member is None:
        return None
    return (
        Bargain.objects.filter(
            member=member, sku_id__in=sku_ids, status=Bargain.Status.OPEN, expires_at__gt=timezone.now()
        )
        .order_by("-created_at")
        .first()
    )


# --- Shelves (page blocks) and GraphQL -----------------------------------------------------------


def renditions_of(lookup: str, specs) -> Prefetch:
    """Prefetch the renditions `specs` of the images at `lookup` ("images__image__renditions"):
    Wagtail then finds an existing rendition without a query per picture (a missing one is made
    and added)."""
    from wagtail.images import get_image_model

    rendition = get_image_model().get_rendition_model()
    return Prefetch(lookup, queryset=rendition.objects.filter(filter_spec__in=list(specs)))


def shelf_products(
    source: str, *, category: str = "", tag: str = "", slugs=(), limit: int = 8, image_specs=()
) -> list[Product]:
    """Products for a page block: published, for everyone, sale not over, newest first (chosen
    ones in the order chosen). Page bodies are cached for every visitor (builder/fragments.py), so
    a shelf never holds a product some visitors may not see; its cards show list prices. Four
    queries at most however many products: products, SKUs, pictures, their renditions."""
    products = (
        Product.objects.filter(is_published=True, visibility=Visibility.EVERYONE)
        .filter(Q(sale_ends__isnull=True) | Q(sale_ends__gt=timezone.now()))
        .select_related("category")
        .prefetch_related(
            Prefetch("skus", queryset=Sku.objects.order_by("sort_order", "pk")),
            Prefetch(
                "images", queryset=ProductImage.objects.select_related("image").order_by("sort_order", "pk")
            ),
        )
        .order_by("-created_at", "-pk")
    )
    if image_specs:
        products = products.prefetch_related(renditions_of("images__image__renditions", image_specs))
    if source == "category":
        products = products.filter(Q(category__slug=category) | Q(category__parent__slug=category))
    elif source == "tag":
        products = products.filter(tags__name=tag)
    elif source == "featured":
        products = products.filter(featured=True)
    elif source == "points":
        products = products.filter(pk__in=Sku.objects.filter(points_price__isnull=False).values("product_id"))
    elif source == "group_buy":
        products = products.filter(sale_mode=SaleMode.GROUP_BUY, group_price_cents__isnull=False)
    elif source == "chosen":
        wanted = [slug for slug in dict.fromkeys(slugs) if slug]
        found = {product.slug: product for product in products.filter(slug__in=wanted)}
        return [found[slug] for slug in wanted if slug in found][:limit]
    elif source != "new":
        return []
    return list(products[:limit])


@dataclass(frozen=True)
class CategoryNode:
    category: ProductCategory
    children: list


def category_tree(image_specs=()) -> list[CategoryNode]:
    """Top categories in order, each with its sub-categories: one query (two with renditions)."""
    rows = ProductCategory.objects.select_related("image").order_by("sort_order", "name")
    if image_specs:
        rows = rows.prefetch_related(renditions_of("image__renditions", image_specs))
    rows = list(rows)
    children: dict[int, list] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(CategoryNode(row, []))
    return [CategoryNode(row, children.get(row.pk, [])) for row in rows if row.parent_id is None]


def category_slugs_missing(slugs) -> list[str]:
    """Which of `slugs` no category has (a block refuses them when it is saved)."""
    wanted = [slug for slug in dict.fromkeys(slugs) if slug]
    found = set(ProductCategory.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    return [slug for slug in wanted if slug not in found]


def product_slugs_missing(slugs) -> list[str]:
    wanted = [slug for slug in dict.fromkeys(slugs) if slug]
    found = set(Product.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    return [slug for slug in wanted if slug not in found]


def product_tag_exists(tag: str) -> bool:
    return TaggedProduct.objects.filter(tag__name=tag).exists()
