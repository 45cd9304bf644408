"""Who may see and buy a product, what a member pays and how many they may buy: pure functions
over rows already read (the product's levels and level rules prefetched), no queries of their own.

services.py applies them under its locks at checkout; pages, blocks and GraphQL apply them to show
the viewer's price, so the price shown is the price charged.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from core.money import format_money
from coupons.rules import when
from mall.models import Product, SaleMode, Sku, Visibility


def level_rule(product: Product, member):
    if member is None or member.level_id is None:
        return None
    return next((rule for rule in product.level_rules.all() if rule.level_id == member.level_id), None)


def can_see(product: Product, member) -> bool:
    """Whether the viewer (a Member, or None for a visitor who is not one) may see the product."""
    if product.visibility == Visibility.EVERYONE:
        return True
    if member is None:
        return False
    if product.visibility == Visibility.MEMBERS:
        return True
    return member.level_id in {level.pk for level in product.levels.all()}


def audience_text(product: Product) -> str:
    if product.visibility == Visibility.MEMBERS:
        return _("For members only.")
    names = ", ".join(level.name for level in product.levels.all())
    return _("Only for %(levels)s members.") % {"levels": names}


def why_not_buyable(product: Product, member, now: datetime) -> str | None:
    """The reason `member` cannot buy `product` now, or None when they can."""
    if not product.is_published:
        return _("“%(title)s” is no longer sold.") % {"title": product.title}
    if not can_see(product, member):
        return audience_text(product)
    if product.sale_starts is not None and now < product.sale_starts:
        return _("“%(title)s” goes on sale on %(date)s.") % {
            "title": product.title,
            "date": when(product.sale_starts),
        }
    if product.sale_ends is not None and now >= product.sale_ends:
        return _("The sale of “%(title)s” ended on %(date)s.") % {
            "title": product.title,
            "date": when(product.sale_ends),
        }
    return None


def discount_percent(product: Product, member) -> int:
    """The member's discount on this product in percent (0 for visitors and when the product has
    no member discount): the level rule's, else the level's own."""
    if member is None or member.level_id is None or not product.member_discount:
        return 0
    rule = level_rule(product, member)
    if rule is not None and rule.discount_percent is not None:
        return rule.discount_percent
    return member.level.discount_percent


@dataclass(frozen=True)
class Price:
    """What one unit costs this viewer: cents (cash) and points."""

    cents: int
    points: int = 0
    list_cents: int | None = None  # the price before the member's discount, when it differs

    @property
    def text(self) -> str:
        if self.points and self.cents:
            return _("%(points)s points + %(cash)s") % {
                "points": f"{self.points:,}",
                "cash": format_money(self.cents),
            }
        if self.points:
            return _("%(points)s points") % {"points": f"{self.points:,}"}
        return format_money(self.cents)

    @property
    def list_text(self) -> str:
        return format_money(self.list_cents) if self.list_cents is not None else ""


def unit_price(product: Product, sku: Sku, member, *, with_points: bool = False) -> Price | None:
    """One unit of `sku` for `member` (None: a visitor), paid in cash or with points; None when
    the SKU has no price of that kind. The member's discount is whole cents rounded down (as
    coupons' percentages are), the same at every till."""
    if with_points:
        if sku.points_price is None:
            return None
        return Price(sku.points_cash_cents, sku.points_price)
    if sku.price_cents is None:
        return None
    percent = discount_percent(product, member)
    if not percent:
        return Price(sku.price_cents)
    discounted = sku.price_cents - sku.price_cents * percent // 100
    return Price(discounted, 0, sku.price_cents if discounted != sku.price_cents else None)


def group_price(product: Product) -> Price:
    return Price(product.group_price_cents)


def purchase_limit(product: Product, member) -> int | None:
    """How many of the product one member may buy in all (the level rule's limit, else the
    product's), or None for no limit."""
    rule = level_rule(product, member)
    if rule is not None and rule.purchase_limit is not None:
        return rule.purchase_limit
    return product.per_member_limit


def sold_in_cart(product: Product) -> bool:
    """Group-buy and bargain products are bought through their own buttons, not the cart."""
    return product.sale_mode == SaleMode.NORMAL
