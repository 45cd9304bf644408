"""Every write to the shop: carts, checkout, payments, order status, group-buys and bargains.

Checkout is one transaction in a fixed lock order, so concurrent checkouts never deadlock and never
oversell: the member's row first (their checkouts queue up, so purchase limits, points and stored
value count what is really there), then each SKU in key order with a conditional UPDATE
(`stock >= n`), then a group's seat (`joined < size`) or the bargain's row. The member's ledgers
(members.services) and the coupon (coupons.services) are written in the same transaction, so a
refusal anywhere undoes everything. A retry with the same idempotency key returns the first order.

A refusal raises ShopError with a message for the customer or staff member; nothing changes.
"""

import datetime as dt
import random
import secrets
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import psycopg
from django.db import IntegrityError, transaction
from django.db.models import F, Sum, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import prepared_cursor
from core.errors import PortalError
from core.money import format_money
from core.outbox import record_event, record_events
from coupons import services as coupons
from coupons.models import Coupon
from mall import payments, pricing
from mall.models import (
    MAX_QUANTITY,
    Bargain,
    BargainCut,
    Cart,
    CartLine,
    Delivery,
    GroupBuy,
    Order,
    OrderHistory,
    OrderLine,
    OrderStatus,
    Payment,
    Product,
    ProductLevelRule,
    SaleMode,
    ShopSettings,
    Sku,
    Visibility,
    new_order_number,
)
from members import services as loyalty
from members.models import LedgerSource, Member, MemberLevel

MAX_LINES = 50
CANCELLABLE = {OrderStatus.PENDING_PAYMENT}
REFUNDABLE = {OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.READY_FOR_PICKUP, OrderStatus.COMPLETED}


class ShopError(PortalError):
    """A refused shop operation; the message says why, in the words of the person who asked."""


# --- Carts ---------------------------------------------------------------------------------------


def _quantity(value) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ShopError(_("The quantity must be a whole number."))
    if value < 1:
        raise ShopError(_("The quantity must be at least 1."))
    if value > MAX_QUANTITY:
        raise ShopError(_("You can buy at most %(max)s of one item at a time.") % {"max": MAX_QUANTITY})
    return value


def _member_of(user) -> Member | None:
    if user is None or not user.is_authenticated:
        return None
    return Member.objects.select_related("level").filter(user=user).first()


def _sku_for_sale(sku_id, member, *, with_points: bool) -> Sku:
    sku = (
        Sku.objects.select_related("product")
        .prefetch_related("product__levels", "product__level_rules")
        .filter(pk=sku_id if str(sku_id).isdigit() else None)
        .first()
    )
    if sku is None:
        raise ShopError(_("This product is not sold here."))
    product = sku.product
    reason = pricing.why_not_buyable(product, member, timezone.now())
    if reason:
        raise ShopError(reason)
    if not pricing.sold_in_cart(product):
        raise ShopError(
            _("“%(title)s” is bought with its own button on the product page.") % {"title": product.title}
        )
    if pricing.unit_price(product, sku, member, with_points=with_points) is None:
        message = (
            _("“%(title)s” cannot be bought with points.")
            if with_points
            else _("“%(title)s” is only for points.")
        )
        raise ShopError(message % {"title": product.title})
    if with_points and member is None:
        raise ShopError(_("Log in as a member to pay with points."))
    return sku


def cart_for(*, user=None, token: str = "") -> Cart:
    """The member's cart (made on first use), or the visitor's cart with this token, or a new one."""
    if user is not None and user.is_authenticated:
        cart, _created = Cart.objects.get_or_create(user=user)
        return cart
    found = Cart.objects.filter(token=token, user=None).first() if token else None
    return found or Cart.objects.create()


@transaction.atomic
def add_to_cart(cart: Cart, sku_id, quantity, *, with_points: bool = False, user=None) -> CartLine:
    """Put `quantity` more of a SKU in the cart (at most 99 of one SKU). Refused when the product
    is not for sale to this visitor, or there is not that much in stock."""
    quantity = _quantity(quantity)
    sku = _sku_for_sale(sku_id, _member_of(user), with_points=with_points)
    line = CartLine.objects.select_for_update().filter(cart=cart, sku=sku, with_points=with_points).first()
    wanted = quantity + (line.quantity if line else 0)
    if wanted > MAX_QUANTITY:
        raise ShopError(_("You can buy at most %(max)s of one item at a time.") % {"max": MAX_QUANTITY})
    if wanted > sku.stock:
        raise ShopError(_stock_message(sku))
    if line is None:
        line = CartLine.objects.create(cart=cart, sku=sku, quantity=wanted, with_points=with_points)
    else:
        CartLine.objects.filter(pk=line.pk).update(quantity=wanted)
        line.quantity = wanted
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    return line


@transaction.atomic
def set_cart_quantity(cart: Cart, line_id, quantity) -> CartLine | None:
    """Change a line's quantity; 0 removes it (returns None)."""
    line = (
        CartLine.objects.select_related("sku")
        .filter(cart=cart, pk=line_id if str(line_id).isdigit() else None)
        .first()
    )
    if line is None:
        raise ShopError(_("That item is no longer in your cart."))
    if str(quantity).strip() == "0":
        line.delete()
        return None
    quantity = _quantity(quantity)
    if quantity > line.sku.stock:
        raise ShopError(_stock_message(line.sku))
    CartLine.objects.filter(pk=line.pk).update(quantity=quantity)
    line.quantity = quantity
    return line


def remove_from_cart(cart: Cart, line_id) -> None:
    CartLine.objects.filter(cart=cart, pk=line_id if str(line_id).isdigit() else None).delete()


@transaction.atomic
def merge_carts(anonymous: Cart, user) -> Cart:
    """At log-in: the visitor's cart joins the member's own (quantities add up, at most 99 a line)
    and the anonymous cart is gone."""
    cart, _created = Cart.objects.get_or_create(user=user)
    if anonymous.pk == cart.pk:
        return cart
    for line in CartLine.objects.filter(cart=anonymous):
        existing = CartLine.objects.filter(
            cart=cart, sku_id=line.sku_id, with_points=line.with_points
        ).first()
        if existing is None:
            CartLine.objects.create(
                cart=cart, sku_id=line.sku_id, quantity=line.quantity, with_points=line.with_points
            )
        else:
            CartLine.objects.filter(pk=existing.pk).update(
                quantity=min(MAX_QUANTITY, existing.quantity + line.quantity)
            )
    anonymous.delete()
    return cart


def _stock_message(sku: Sku) -> str:
    if sku.stock <= 0:
        return _("“%(item)s” is sold out.") % {"item": str(sku)}
    return _("Only %(left)s of “%(item)s” left.") % {"left": sku.stock, "item": str(sku)}


# --- Checkout ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRequest:
    sku_id: int
    quantity: int
    with_points: bool = False


@dataclass
class CheckoutRequest:
    """What the checkout form sends. `confirmed_total_cents` and `confirmed_points` are what the
    customer saw when they confirmed: when the server's figures differ, the checkout stops."""

    lines: list[LineRequest]
    delivery: str = Delivery.SHIPPING
    recipient_name: str = ""
    recipient_phone: str = ""
    address: str = ""
    pickup_store: str = ""
    note: str = ""
    coupon_code: str = ""
    use_balance: bool = False
    payment_provider: str = ""
    confirmed_total_cents: int | None = None
    confirmed_points: int | None = None
    idempotency_key: str = ""
    start_group_buy: bool = False
    group_buy_id: int | None = None
    bargain_id: int | None = None
    from_cart: Cart | None = None


@dataclass
class Quote:
    """An order's figures before anything is written: what checkout will charge."""

    lines: list[tuple[Sku, int, bool, pricing.Price]]
    subtotal_cents: int
    shipping_cents: int
    points: int
    coupon_discount_cents: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents + self.shipping_cents - self.coupon_discount_cents


def shop_settings() -> ShopSettings:
    return ShopSettings.load()


def shipping_for(member, subtotal_cents: int, delivery: str, shop: ShopSettings) -> int:
    if delivery != Delivery.SHIPPING or subtotal_cents == 0:
        return 0
    if member is not None and member.level_id and member.level.free_shipping:
        return 0
    if shop.free_shipping_over_cents is not None and subtotal_cents >= shop.free_shipping_over_cents:
        return 0
    return shop.shipping_fee_cents


def _lines(request: CheckoutRequest) -> list[LineRequest]:
    if not request.lines:
        raise ShopError(_("Your cart is empty."))
    if len(request.lines) > MAX_LINES:
        raise ShopError(_("An order can hold at most %(max)s different items.") % {"max": MAX_LINES})
    merged: dict[tuple, int] = {}
    for line in request.lines:
        key = (line.sku_id, bool(line.with_points))
        merged[key] = _quantity(merged.get(key, 0) + _quantity(line.quantity))
    return [LineRequest(sku_id, quantity, with_points) for (sku_id, with_points), quantity in merged.items()]


def _check_delivery(request: CheckoutRequest, shop: ShopSettings) -> None:
    errors = []
    for name in ("recipient_name", "recipient_phone", "address", "pickup_store", "note"):
        setattr(request, name, str(getattr(request, name) or "").strip())
    if request.delivery == Delivery.SHIPPING:
        if not request.recipient_name:
            errors.append(_("Give the name of the person receiving the order."))
        if not request.recipient_phone:
            errors.append(_("Give a phone number for the delivery."))
        if len(request.address) < 5:
            errors.append(_("Give the full delivery address."))
        request.pickup_store = ""
    elif request.delivery == Delivery.PICKUP:
        if request.pickup_store not in shop.stores():
            errors.append(_("Choose the store you will pick the order up from."))
        request.address = ""
    else:
        errors.append(_("Choose delivery or pick-up in store."))
    if len(request.recipient_name) > 80 or len(request.recipient_phone) > 30 or len(request.address) > 300:
        errors.append(_("The name, phone or address is too long."))
    if len(request.note) > 300:
        errors.append(_("The note can be at most 300 characters."))
    if errors:
        raise ShopError(" ".join(errors))


def _skus_with_rules(ids) -> dict[int, Sku]:
    """SKUs with their products and level rules; the products' levels only when one of them is
    for some levels (most are for everyone, and checkout is a hot path)."""
    skus = {
        sku.pk: sku
        for sku in Sku.objects.select_related("product")
        .prefetch_related("product__level_rules")
        .filter(pk__in=[pk for pk in ids if str(pk).isdigit()])
    }
    products = [sku.product for sku in skus.values() if sku.product.visibility == Visibility.LEVELS]
    if products:
        prefetch_related_objects(products, "levels")
    return skus


def quote(
    lines: list[LineRequest], member, *, delivery: str = Delivery.SHIPPING, now=None, shop=None
) -> Quote:
    """The order's figures for these lines and this member, as checkout will charge them
    (coupon aside). Refused with ShopError for anything that cannot be bought."""
    now = now or timezone.now()
    lines = _lines(CheckoutRequest(lines=lines))
    skus = _skus_with_rules([line.sku_id for line in lines])
    return _price_lines(lines, skus, member, now, delivery, shop or shop_settings())


def _price_lines(lines, skus: dict, member, now, delivery: str, shop) -> Quote:
    priced, subtotal, points = [], 0, 0
    for line in lines:
        sku = skus.get(int(line.sku_id)) if str(line.sku_id).isdigit() else None
        if sku is None:
            raise ShopError(_("A product in your order is not sold here."))
        product = sku.product
        reason = pricing.why_not_buyable(product, member, now)
        if reason:
            raise ShopError(reason)
        if not pricing.sold_in_cart(product):
            raise ShopError(
                _("“%(title)s” is bought with its own button on the product page.") % {"title": product.title}
            )
        if line.with_points and member is None:
            raise ShopError(_("Log in as a member to pay with points."))
        price = pricing.unit_price(product, sku, member, with_points=line.with_points)
        if price is None:
            raise ShopError(_("“%(title)s” cannot be bought that way.") % {"title": product.title})
        priced.append((sku, line.quantity, line.with_points, price))
        subtotal += price.cents * line.quantity
        points += price.points * line.quantity
    return Quote(priced, subtotal, shipping_for(member, subtotal, delivery, shop), points)


def _special_quote(
    request: CheckoutRequest, member, now, shop
) -> tuple[Quote, GroupBuy | None, Bargain | None]:
    """A group-buy or bargain order: one unit of one SKU at the group's or the bargain's price."""
    if len(request.lines) != 1 or _quantity(request.lines[0].quantity) != 1 or request.lines[0].with_points:
        raise ShopError(_("A group-buy or bargain order is for one item."))
    sku = (
        Sku.objects.select_related("product")
        .prefetch_related("product__levels", "product__level_rules")
        .filter(pk=request.lines[0].sku_id if str(request.lines[0].sku_id).isdigit() else None)
        .first()
    )
    if sku is None:
        raise ShopError(_("A product in your order is not sold here."))
    product = sku.product
    reason = pricing.why_not_buyable(product, member, now)
    if reason:
        raise ShopError(reason)
    group = bargain = None
    if request.bargain_id is not None:
        if product.sale_mode != SaleMode.BARGAIN:
            raise ShopError(_("“%(title)s” is not sold by bargaining.") % {"title": product.title})
        bargain = (
            Bargain.objects.select_for_update().filter(pk=request.bargain_id, member=member, sku=sku).first()
        )
        if bargain is None:
            raise ShopError(_("This bargain is not yours, or it no longer exists."))
        if bargain.status != Bargain.Status.OPEN or bargain.expires_at <= now:
            raise ShopError(_("This bargain has ended."))
        price = pricing.Price(bargain.price_cents)
    else:
        if product.sale_mode != SaleMode.GROUP_BUY:
            raise ShopError(_("“%(title)s” is not sold as a group-buy.") % {"title": product.title})
        price = pricing.group_price(product)
        if request.group_buy_id is not None:
            group = GroupBuy.objects.filter(pk=request.group_buy_id, product=product).first()
            if group is None:
                raise ShopError(_("This group no longer exists."))
    shipping = shipping_for(member, price.cents, request.delivery, shop)
    return Quote([(sku, 1, False, price)], price.cents, shipping, 0), group, bargain


def place_order(member: Member, request: CheckoutRequest, *, acting_user) -> Order:
    """Check out: reserve stock, use the coupon, points and stored value, and create the order
    (paid at once when nothing is left to pay, else waiting for the chosen payment provider).

    The order number is random: in the rare case another checkout took the same one at the same
    moment, the unique constraint refuses it and the checkout runs again with a new number."""
    for attempt in range(3):
        try:
            return _place_order(member, request, acting_user=acting_user)
        except (IntegrityError, psycopg.errors.UniqueViolation) as error:  # the latter from prepared_cursor
            if "mall_order_number" not in str(error) or attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _place_order(member: Member, request: CheckoutRequest, *, acting_user) -> Order:
    key = str(request.idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise ShopError(_("This checkout form has expired; open the checkout again."))
    member, shop = _lock_checkout_member(member.pk)
    now = timezone.now()
    special = request.start_group_buy or request.group_buy_id is not None or request.bargain_id is not None
    group = bargain = None
    if special:
        existing = _placed_with_key(member, key)
        if existing is not None:
            return existing  # a double click or a retried request: the first order
        _check_delivery(request, shop)
        figures, group, bargain = _special_quote(request, member, now, shop)
    else:
        lines = _lines(CheckoutRequest(lines=request.lines))
        skus, placed = _skus_for_checkout(lines, member, key)
        if placed is not None:
            return Order.objects.get(pk=placed)  # a double click or a retried request: the first order
        _check_delivery(request, shop)
        figures = _price_lines(lines, skus, member, now, request.delivery, shop)
    for sku, quantity, _with_points, _price in figures.lines:
        if sku.stock < quantity:  # as read a moment ago: sold out fails before any write
            raise ShopError(_stock_message(sku))
    _check_limits(member, figures)
    # Lock order: the member, a group's seat, then the SKUs (cancelling takes them in this order
    # too). The SKUs are taken last, right before the commit, so a popular SKU's row is locked
    # for the shortest time: every other checkout of it waits only that long.
    if special and bargain is None:
        group = _take_group_seat(member, figures, group, now)
    number = new_order_number()
    coupon = None
    if str(request.coupon_code or "").strip():
        if figures.subtotal_cents == 0:
            raise ShopError(_("A coupon cannot be used on an order paid only with points."))
        try:
            redemption = coupons.redeem_coupon(
                request.coupon_code,
                member=member,
                order_total_cents=figures.subtotal_cents,
                order_reference=number,
                acting_user=acting_user,
            )
        except coupons.CouponError as refusal:
            raise ShopError(str(refusal)) from refusal
        coupon = redemption.coupon
        figures.coupon_discount_cents = min(redemption.discount_cents, figures.subtotal_cents)
    _check_confirmed(request, figures)
    total = figures.total_cents
    balance_paid = 0
    if request.use_balance and total > 0:
        balance_paid = min(member.balance_cents, total)
    due = total - balance_paid
    provider = None
    if due > 0:
        provider = payments.provider(request.payment_provider)
        if provider is None:
            raise ShopError(
                _("Choose how you will pay the %(due)s left to pay.") % {"due": format_money(due)}
            )
    paid_now = due == 0
    order = Order(
        number=number,
        member=member,
        status=OrderStatus.PAID if paid_now else OrderStatus.PENDING_PAYMENT,
        paid_at=now if paid_now else None,
        delivery=request.delivery,
        recipient_name=request.recipient_name,
        recipient_phone=request.recipient_phone,
        address=request.address,
        pickup_store=request.pickup_store,
        note=request.note,
        subtotal_cents=figures.subtotal_cents,
        shipping_cents=figures.shipping_cents,
        coupon=coupon,
        coupon_discount_cents=figures.coupon_discount_cents,
        total_cents=total,
        points_spent=figures.points,
        balance_paid_cents=balance_paid,
        amount_due_cents=due,
        payment_provider=provider.key if provider else "",
        idempotency_key=key,
        group_buy=group,
        bargain=bargain,
        created_at=now,
        pay_by=now + dt.timedelta(minutes=provider.minutes_to_pay(shop)) if provider else None,
    )
    history = [(OrderStatus.PENDING_PAYMENT, "", _("Order placed"))]
    if paid_now:
        history.append(
            (OrderStatus.PAID, OrderStatus.PENDING_PAYMENT, _("Paid with points and stored value"))
        )
    _insert_order(order, figures, history, acting_user)
    _pay_from_ledgers(order, member, acting_user)
    if bargain is not None:
        Bargain.objects.filter(pk=bargain.pk).update(status=Bargain.Status.ORDERED)
    placed = ("order.placed", member, {"order": order.pk, "number": order.number, "total_cents": total, "points": figures.points}, f"order.placed:{order.pk}")  # fmt: skip
    record_events([placed, _event_row("order.paid", order)] if paid_now else [placed])
    if paid_now:
        _after_paid(order, recorded=True)
    if request.from_cart is not None:
        for sku, _count, with_points, _price in figures.lines:
            CartLine.objects.filter(cart=request.from_cart, sku=sku, with_points=with_points).delete()
    _take_stock(figures)
    return order


# --- Checkout's statements -----------------------------------------------------------------------
# Checkout is the shop's hot path: its reads and the order's rows are a few fixed statements sent
# through core.db.prepared_cursor (prepared once per connection), as members' ledgers are, because
# building them through the ORM cost many times what the database spent running them
# (bench/checkout.py measures it against a raw-SQL transaction of the same shape).

LOCK_CHECKOUT_MEMBER_SQL = """
SELECT m.user_id, m.points, m.balance_cents, m.level_id, l.name, l.discount_percent, l.free_shipping,
       l.points_multiplier, s.id, s.pickup_stores, s.shipping_fee_cents, s.free_shipping_over_cents, s.payment_minutes,
       s.pay_in_store_hours, s.points_per_yuan
  FROM members_member m
  LEFT JOIN members_memberlevel l ON l.id = m.level_id
  LEFT JOIN (SELECT * FROM mall_shopsettings ORDER BY id LIMIT 1) s ON TRUE
 WHERE m.id = %s
   FOR UPDATE OF m
"""
# A statement of its own, after the lock: a subquery of the locking statement would read with
# the snapshot taken before it waited, and miss the order a double click's first request placed.
ORDER_WITH_KEY_SQL = "SELECT id FROM mall_order WHERE member_id = %s AND idempotency_key = %s"

# Sent after the member's lock, so it also finds (in its own, fresh snapshot) an order the member
# already placed with this idempotency key: on every row, and as the only row when no SKU matched.
CHECKOUT_SKUS_SQL = """
SELECT k.id, k.code, k.options, k.price_cents, k.points_price, k.points_cash_cents, k.stock,
       p.id, p.title, p.slug, p.is_published, p.visibility, p.sale_starts, p.sale_ends,
       p.member_discount, p.per_member_limit, p.sale_mode,
       r.id, r.discount_percent, r.purchase_limit, placed.id
  FROM (SELECT (SELECT id FROM mall_order WHERE member_id = %s AND idempotency_key = %s) AS id) placed
  LEFT JOIN mall_sku k ON k.id = ANY(%s)
  LEFT JOIN mall_product p ON p.id = k.product_id
  LEFT JOIN mall_productlevelrule r ON r.product_id = p.id AND r.level_id = %s
"""

INSERT_ORDER_SQL = """
WITH o AS (
    INSERT INTO mall_order (number, member_id, status, delivery, recipient_name, recipient_phone,
        address, pickup_store, note, subtotal_cents, shipping_cents, coupon_id, coupon_discount_cents,
        total_cents, points_spent, balance_paid_cents, amount_due_cents, payment_provider,
        points_earned, idempotency_key, group_buy_id, bargain_id, created_at, pay_by, paid_at,
        shipped_at, tracking_number, completed_at, cancelled_at, refunded_at, unpaid_reminder_sent)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::bigint, %s, %s, %s, %s, %s, %s, 0, %s,
            %s::bigint, %s::bigint, %s, %s::timestamptz, %s::timestamptz, NULL, '', NULL, NULL, NULL,
            FALSE)
    RETURNING id
), lines AS (
    INSERT INTO mall_orderline (order_id, sku_id, product_id, title, options, sku_code, quantity,
        unit_price_cents, unit_points, with_points)
    SELECT o.id, v.* FROM o, (VALUES {lines}) AS v
), history AS (
    INSERT INTO mall_orderhistory (order_id, from_status, to_status, note, acting_user_id, at)
    SELECT o.id, v.* FROM o, (VALUES {history}) AS v
), payment AS (
    INSERT INTO mall_payment (order_id, provider, reference, amount_cents, status, created_at,
        last_callback)
    SELECT o.id, %s, %s, %s, 'pending', %s, '{{}}'::jsonb FROM o WHERE %s
)
SELECT id FROM o
"""
LINE_VALUES = "(%s::bigint, %s::bigint, %s::text, %s::text, %s::text, %s::smallint, %s::bigint, %s::bigint, %s::boolean)"
HISTORY_VALUES = "(%s::text, %s::text, %s::text, %s::integer, %s::timestamptz)"
TAKE_STOCK_SQL = "UPDATE mall_sku SET stock = stock - %s WHERE id = %s AND stock >= %s"


def _lock_checkout_member(member_id: int) -> tuple[Member, ShopSettings]:
    """The member's row locked (their checkouts queue up), their level and the shop's settings:
    one statement."""
    with prepared_cursor() as cursor:
        cursor.execute(LOCK_CHECKOUT_MEMBER_SQL, [member_id])
        row = cursor.fetchone()
    if row is None:
        raise Member.DoesNotExist(f"No member {member_id}.")
    (user_id, points, balance, level_id, level_name, discount, free_shipping, multiplier, shop_id,
     stores, fee, free_over, minutes, store_hours, per_yuan) = row  # fmt: skip
    member = Member(pk=member_id, user_id=user_id, points=points, balance_cents=balance, level_id=level_id)
    if level_id is not None:
        member.level = MemberLevel(
            pk=level_id,
            name=level_name,
            discount_percent=discount,
            free_shipping=free_shipping,
            points_multiplier=multiplier,
        )
    if shop_id is None:
        shop = shop_settings()  # the brand never opened its shop settings: made with the defaults
    else:
        shop = ShopSettings(
            pk=shop_id,
            pickup_stores=stores,
            shipping_fee_cents=fee,
            free_shipping_over_cents=free_over,
            payment_minutes=minutes,
            pay_in_store_hours=store_hours,
            points_per_yuan=per_yuan,
        )
    return member, shop


def _placed_with_key(member: Member, key: str) -> Order | None:
    """The order `member` already placed with this idempotency key (read after their lock)."""
    with prepared_cursor() as cursor:
        cursor.execute(ORDER_WITH_KEY_SQL, [member.pk, key])
        found = cursor.fetchone()
    return Order.objects.get(pk=found[0]) if found else None


def _skus_for_checkout(lines, member: Member, key: str) -> tuple[dict[int, Sku], int | None]:
    """The SKUs of the lines with their products and this member's level rule, and the id of an
    order the member already placed with this idempotency key: one statement (and one more when a
    product is for some levels)."""
    ids = [int(line.sku_id) for line in lines if str(line.sku_id).isdigit()]
    with prepared_cursor() as cursor:
        cursor.execute(CHECKOUT_SKUS_SQL, [member.pk, key, ids, member.level_id])
        rows = cursor.fetchall()
    skus, products, placed = {}, [], None
    for (sku_id, code, options, price, points_price, points_cash, stock, product_id, title, slug, published,
         visibility, starts, ends, member_discount, limit, sale_mode, rule_id, rule_discount, rule_limit,
         found) in rows:  # fmt: skip
        placed = found
        if sku_id is None:
            continue  # no SKU matched: the row only says whether the order exists
        product = Product(
            pk=product_id,
            title=title,
            slug=slug,
            is_published=published,
            visibility=visibility,
            sale_starts=starts,
            sale_ends=ends,
            member_discount=member_discount,
            per_member_limit=limit,
            sale_mode=sale_mode,
        )
        rules = []
        if rule_id is not None:
            rules = [
                ProductLevelRule(
                    pk=rule_id,
                    product_id=product_id,
                    level_id=member.level_id,
                    discount_percent=rule_discount,
                    purchase_limit=rule_limit,
                )
            ]
        product._prefetched_objects_cache = {"level_rules": rules}
        if visibility == Visibility.LEVELS:
            products.append(product)
        skus[sku_id] = Sku(
            pk=sku_id,
            product=product,
            code=code,
            options=options,
            price_cents=price,
            points_price=points_price,
            points_cash_cents=points_cash,
            stock=stock,
        )
    if products:
        prefetch_related_objects(products, "levels")
    return skus, placed


def _insert_order(order: Order, figures: "Quote", history: list, acting_user) -> None:
    """The order, its lines, its history and its pending payment (when a provider is to be paid):
    one statement. Sets `order.pk`."""
    line_params = [
        value
        for sku, quantity, with_points, price in figures.lines
        for value in (
            sku.pk,
            sku.product.pk,
            sku.product.title,
            sku.options,
            sku.code,
            quantity,
            price.cents,
            price.points,
            with_points,
        )  # fmt: skip
    ]
    acting_user_id = acting_user.pk if acting_user is not None and acting_user.is_authenticated else None
    history_params = [
        value
        for to_status, from_status, note in history
        for value in (from_status, to_status, str(note)[:300], acting_user_id, order.created_at)
    ]
    pays_provider = order.amount_due_cents > 0
    statement = INSERT_ORDER_SQL.format(
        lines=", ".join([LINE_VALUES] * len(figures.lines)),
        history=", ".join([HISTORY_VALUES] * len(history)),
    )
    with prepared_cursor() as cursor:
        cursor.execute(
            statement,
            [
                order.number,
                order.member_id,
                order.status,
                order.delivery,
                order.recipient_name,
                order.recipient_phone,
                order.address,
                order.pickup_store,
                order.note,
                order.subtotal_cents,
                order.shipping_cents,
                order.coupon_id,
                order.coupon_discount_cents,
                order.total_cents,
                order.points_spent,
                order.balance_paid_cents,
                order.amount_due_cents,
                order.payment_provider,
                order.idempotency_key,
                order.group_buy_id,
                order.bargain_id,
                order.created_at,
                order.pay_by,
                order.paid_at,
                *line_params,
                *history_params,
                order.payment_provider,
                secrets.token_hex(32),
                order.amount_due_cents,
                order.created_at,
                pays_provider,
            ],  # fmt: skip
        )
        order.pk = cursor.fetchone()[0]
    order._state.adding, order._state.db = False, "default"


def _check_confirmed(request: CheckoutRequest, figures: Quote) -> None:
    """The price the customer confirmed is the price charged, or nothing happens."""
    total_moved = (
        request.confirmed_total_cents is not None and request.confirmed_total_cents != figures.total_cents
    )
    points_moved = request.confirmed_points is not None and request.confirmed_points != figures.points
    if total_moved or points_moved:
        raise ShopError(
            _(
                "Prices have changed since you looked: the order now comes to %(total)s and %(points)s points. Check it and confirm again."
            )
            % {"total": format_money(figures.total_cents), "points": f"{figures.points:,}"}
        )


def _check_limits(member: Member, figures: Quote) -> None:
    """Purchase limits per member, counting every order not cancelled or refunded. The member's
    row is locked, so two checkouts of one member cannot both squeeze under the limit."""
    wanted: dict[int, tuple[Product, int]] = {}
    for sku, quantity, _with_points, _price in figures.lines:
        product = sku.product
        wanted[product.pk] = (product, wanted.get(product.pk, (product, 0))[1] + quantity)
    limited = {
        pk: (product, quantity, pricing.purchase_limit(product, member))
        for pk, (product, quantity) in wanted.items()
    }
    limited = {pk: entry for pk, entry in limited.items() if entry[2] is not None}
    if not limited:
        return
    bought = dict(
        OrderLine.objects.filter(order__member=member, product_id__in=limited)
        .exclude(order__status__in=[OrderStatus.CANCELLED, OrderStatus.REFUNDED])
        .values_list("product_id")
        .annotate(total=Sum("quantity"))
        .values_list("product_id", "total")
    )
    for pk, (product, quantity, limit) in limited.items():
        already = bought.get(pk, 0)
        if already + quantity > limit:
            raise ShopError(
                _("Each member can buy %(limit)s of “%(title)s”; you have %(left)s left to buy.")
                % {"limit": limit, "title": product.title, "left": max(0, limit - already)}
            )


def _take_stock(figures: Quote) -> None:
    """Take each SKU's quantity from its stock in key order (the lock order), or stop."""
    needed: dict[int, tuple[Sku, int]] = {}
    for sku, quantity, _with_points, _price in figures.lines:
        needed[sku.pk] = (sku, needed.get(sku.pk, (sku, 0))[1] + quantity)
    for pk in sorted(needed):
        sku, quantity = needed[pk]
        with prepared_cursor() as cursor:
            cursor.execute(TAKE_STOCK_SQL, [quantity, pk, quantity])
            taken = cursor.rowcount
        if not taken:
            sku.refresh_from_db(fields=["stock"])
            raise ShopError(_stock_message(sku))


def _take_group_seat(member, figures: Quote, group: GroupBuy | None, now) -> GroupBuy:
    product = figures.lines[0][0].product
    if group is None:  # the member starts a group and takes its first seat
        return GroupBuy.objects.create(
            product=product,
            leader=member,
            size=product.group_size,
            price_cents=product.group_price_cents,
            joined=1,
            expires_at=now + dt.timedelta(hours=product.group_hours),
        )
    if Order.objects.filter(group_buy=group, member=member).exclude(status=OrderStatus.CANCELLED).exists():
        raise ShopError(_("You are already in this group."))
    seated = GroupBuy.objects.filter(
        pk=group.pk, status=GroupBuy.Status.OPEN, expires_at__gt=now, joined__lt=F("size")
    ).update(joined=F("joined") + 1)
    if not seated:
        group.refresh_from_db()
        if group.status != GroupBuy.Status.OPEN or group.expires_at <= now:
            raise ShopError(_("This group has closed; start a new one."))
        raise ShopError(_("This group is full; start a new one."))
    return group


def _pay_from_ledgers(order: Order, member: Member, acting_user) -> None:
    if order.points_spent:
        try:
            loyalty.spend_points(
                member,
                order.points_spent,
                reason=_("Order %(number)s") % {"number": order.number},
                idempotency_key=f"order:{order.number}:points",
                acting_user=acting_user,
            )
        except loyalty.InsufficientPoints as refusal:
            raise ShopError(
                _("This order needs %(needed)s points; you have %(held)s.")
                % {"needed": f"{order.points_spent:,}", "held": f"{member.points:,}"}
            ) from refusal
    if order.balance_paid_cents:
        loyalty.pay_with_balance(
            member,
            order.balance_paid_cents,
            reason=_("Order %(number)s") % {"number": order.number},
            idempotency_key=f"order:{order.number}:balance",
            acting_user=acting_user,
        )


def _history(order: Order, from_status: str, to_status: str, note: str, acting_user) -> None:
    OrderHistory.objects.create(
        order=order,
        from_status=from_status,
        to_status=to_status,
        note=str(note)[:300],
        acting_user=acting_user,
    )


def _set_status(order: Order, allowed: set, to_status: str, note: str, acting_user, **fields) -> Order:
    """Move a locked order from one of `allowed` to `to_status`, with its history row."""
    if order.status not in allowed:
        raise ShopError(
            _("Order %(number)s is %(status)s; it cannot be %(action)s.")
            % {
                "number": order.number,
                "status": order.get_status_display().lower(),
                "action": OrderStatus(to_status).label.lower(),
            }
        )
    previous = order.status
    Order.objects.filter(pk=order.pk).update(status=to_status, **fields)
    order.status = to_status
    for name, value in fields.items():
        setattr(order, name, value)
    _history(order, previous, to_status, note, acting_user)
    return order


def _locked(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("member", "member__level")
        .get(pk=order.pk)
    )


def _event_row(kind: str, order: Order, **data) -> tuple:
    data = {"order": order.pk, "number": order.number, "total": format_money(order.total_cents), **data}
    return (kind, order.member, data, f"{kind}:{order.pk}")


def _event(kind: str, order: Order, **data) -> None:
    record_events([_event_row(kind, order, **data)])


def _mark_paid(order: Order, acting_user, *, note: str) -> Order:
    order = _set_status(
        order, {OrderStatus.PENDING_PAYMENT}, OrderStatus.PAID, note, acting_user, paid_at=timezone.now()
    )
    _after_paid(order)
    return order


def _after_paid(order: Order, *, recorded: bool = False) -> None:
    """What a paid order sets off: its event (unless `recorded` with others), and a seat of its
    group counted as paid."""
    if not recorded:
        _event("order.paid", order)
    if order.group_buy_id:
        GroupBuy.objects.filter(pk=order.group_buy_id).update(paid=F("paid") + 1)
        completed = GroupBuy.objects.filter(
            pk=order.group_buy_id, status=GroupBuy.Status.OPEN, paid=F("size")
        ).update(status=GroupBuy.Status.SUCCEEDED, closed_at=timezone.now())
        if completed:
            group = GroupBuy.objects.get(pk=order.group_buy_id)
            record_event(
                "group_buy.succeeded",
                subject=group.leader,
                data={"group": group.pk, "product": group.product_id},
                idempotency_key=f"group_buy.succeeded:{group.pk}",
            )


# --- Payments ------------------------------------------------------------------------------------


@transaction.atomic
def new_payment_attempt(order: Order) -> Payment:
    """A fresh payment for an order still waiting for its money (the customer tries again)."""
    order = _locked(order)
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise ShopError(_("Order %(number)s does not need paying.") % {"number": order.number})
    pending = order.payments.filter(status=Payment.Status.PENDING).first()
    if pending is not None:
        return pending
    return Payment.objects.create(
        order=order, provider=order.payment_provider, amount_cents=order.amount_due_cents
    )


@transaction.atomic
def record_payment_result(
    provider_key: str, reference: str, *, succeeded: bool, amount_cents, payload=None
) -> Payment:
    """A provider says a payment succeeded or failed. Replays and late, out-of-order callbacks
    change nothing twice: a payment that succeeded stays succeeded, an order is paid once, and
    money arriving for an order cancelled meanwhile is handed straight back."""
    found = Payment.objects.filter(provider=provider_key, reference=str(reference or "")[:64]).first()
    if found is None:
        raise ShopError(_("No payment with this reference."))
    # The order's row first, then the payment's: cancelling and refunding lock in that order.
    order = _locked(found.order)
    payment = Payment.objects.select_for_update().get(pk=found.pk)
    if payment.status in (Payment.Status.SUCCEEDED, Payment.Status.REFUNDED):
        return payment  # already settled: a replay, or a failure reported after the success
    if not succeeded:
        if payment.status == Payment.Status.PENDING:
            Payment.objects.filter(pk=payment.pk).update(
                status=Payment.Status.FAILED, last_callback=payload or {}
            )
            payment.status = Payment.Status.FAILED
        return payment
    if amount_cents != payment.amount_cents:
        raise ShopError(
            _("The provider reports %(paid)s for a payment of %(asked)s; nothing was recorded.")
            % {"paid": format_money(int(amount_cents or 0)), "asked": format_money(payment.amount_cents)}
        )
    now = timezone.now()
    Payment.objects.filter(pk=payment.pk).update(
        status=Payment.Status.SUCCEEDED, settled_at=now, last_callback=payload or {}
    )
    payment.status, payment.settled_at = Payment.Status.SUCCEEDED, now
    if order.status == OrderStatus.PENDING_PAYMENT:
        _mark_paid(order, None, note=_("Paid: %(provider)s") % {"provider": payment.provider})
    else:
        # The order was cancelled (not paid in time) before the money came: give it back.
        _refund_payment(payment)
        _history(order, order.status, order.status, _("A late payment was refunded"), None)
    return payment


@transaction.atomic
def record_payment_in_store(order: Order, *, acting_user) -> Order:
    """Staff took the money at the till for an order waiting to be paid in store."""
    order = _locked(order)
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise ShopError(_("Order %(number)s does not need paying.") % {"number": order.number})
    if order.payment_provider != payments.PayInStore.key:
        raise ShopError(
            _("Order %(number)s is paid online; its payment is recorded when the provider confirms it.")
            % {"number": order.number}
        )
    now = timezone.now()
    Payment.objects.filter(order=order, status=Payment.Status.PENDING).update(
        status=Payment.Status.SUCCEEDED, settled_at=now
    )
    return _mark_paid(order, acting_user, note=_("Paid in store"))


def _refund_payment(payment: Payment) -> None:
    provider = payments.PROVIDERS.get(payment.provider)
    if provider is not None:
        try:
            provider.refund(payment)
        except payments.PaymentRefused as refusal:
            raise ShopError(
                _("The payment provider refused the refund: %(reason)s") % {"reason": refusal}
            ) from refusal
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.REFUNDED)
    payment.status = Payment.Status.REFUNDED


# --- Order status --------------------------------------------------------------------------------


def _check_group_done(order: Order) -> None:
    if (
        order.group_buy_id
        and not GroupBuy.objects.filter(pk=order.group_buy_id, status=GroupBuy.Status.SUCCEEDED).exists()
    ):
        raise ShopError(_("Order %(number)s waits for its group to fill.") % {"number": order.number})


@transaction.atomic
def ship_order(order: Order, *, tracking_number: str = "", acting_user) -> Order:
    order = _locked(order)
    if order.delivery != Delivery.SHIPPING:
        raise ShopError(
            _("Order %(number)s is picked up in store; mark it ready for pick-up.") % {"number": order.number}
        )
    _check_group_done(order)
    tracking_number = str(tracking_number or "").strip()[:60]
    order = _set_status(
        order,
        {OrderStatus.PAID},
        OrderStatus.SHIPPED,
        tracking_number,
        acting_user,
        shipped_at=timezone.now(),
        tracking_number=tracking_number,
    )
    _event("order.shipped", order, tracking_number=tracking_number)
    return order


@transaction.atomic
def mark_ready_for_pickup(order: Order, *, acting_user) -> Order:
    order = _locked(order)
    if order.delivery != Delivery.PICKUP:
        raise ShopError(_("Order %(number)s is delivered; ship it instead.") % {"number": order.number})
    _check_group_done(order)
    order = _set_status(
        order, {OrderStatus.PAID}, OrderStatus.READY_FOR_PICKUP, order.pickup_store, acting_user
    )
    _event("order.ready_for_pickup", order, store=order.pickup_store)
    return order


def points_for(order: Order, member: Member, shop: ShopSettings) -> int:
    """Points a completed order earns: per yuan paid (stored value and provider, not points or
    coupons), times the member's level multiplier, rounded down."""
    paid_cents = order.balance_paid_cents + order.amount_due_cents
    multiplier = member.level.points_multiplier if member.level_id else Decimal(1)
    return int(Decimal(paid_cents) * shop.points_per_yuan * multiplier // 100)


@transaction.atomic
def complete_order(order: Order, *, acting_user) -> Order:
    """Delivered or picked up: the order is done and earns its points."""
    order = _locked(order)
    order = _set_status(
        order,
        {OrderStatus.SHIPPED, OrderStatus.READY_FOR_PICKUP},
        OrderStatus.COMPLETED,
        "",
        acting_user,
        completed_at=timezone.now(),
    )
    earned = points_for(order, order.member, shop_settings())
    if earned > 0:
        loyalty.add_points(
            order.member,
            earned,
            reason=_("Order %(number)s") % {"number": order.number},
            source=LedgerSource.ORDER,
            idempotency_key=f"order:{order.number}:earned",
            acting_user=acting_user,
        )
        Order.objects.filter(pk=order.pk).update(points_earned=earned)
        order.points_earned = earned
    _event("order.completed", order, points_earned=earned)
    return order


def _give_back(order: Order, acting_user, *, restock: bool, reason: str) -> None:
    """Return what the order took from the member and, when asked, from the shelves."""
    member = order.member
    words = _("Order %(number)s: %(reason)s") % {"number": order.number, "reason": reason}
    if order.points_spent:
        loyalty.return_points(
            member,
            order.points_spent,
            reason=words,
            idempotency_key=f"order:{order.number}:points-back",
            acting_user=acting_user,
        )
    if order.balance_paid_cents:
        loyalty.refund_balance(
            member,
            order.balance_paid_cents,
            reason=words,
            idempotency_key=f"order:{order.number}:balance-back",
            acting_user=acting_user,
        )
    if restock:
        _restock(order)


def _restock(order: Order) -> None:
    for sku_id, quantity in sorted(order.lines.exclude(sku=None).values_list("sku_id", "quantity")):
        Sku.objects.filter(pk=sku_id).update(stock=F("stock") + quantity)


@transaction.atomic
def cancel_order(order: Order, *, reason: str, acting_user) -> Order:
    """An order not paid yet is cancelled (by the customer, staff, or the payment timeout):
    stock, coupon, points, stored value and group seat all come back."""
    order = _locked(order)
    reason = str(reason or "").strip()[:300] or _("Cancelled")
    order = _set_status(
        order, CANCELLABLE, OrderStatus.CANCELLED, reason, acting_user, cancelled_at=timezone.now()
    )
    Payment.objects.filter(order=order, status=Payment.Status.PENDING).update(status=Payment.Status.FAILED)
    if order.coupon_id:
        coupons.release_coupon(
            Coupon.objects.get(pk=order.coupon_id), order_reference=order.number, acting_user=acting_user
        )
    _give_back(order, acting_user, restock=False, reason=reason)
    # The group's row before the SKUs': checkout's lock order (member, group, SKUs).
    if order.group_buy_id:
        GroupBuy.objects.filter(pk=order.group_buy_id, joined__gt=0).update(joined=F("joined") - 1)
    if order.bargain_id:
        Bargain.objects.filter(pk=order.bargain_id, status=Bargain.Status.ORDERED).update(
            status=Bargain.Status.OPEN
        )
    _restock(order)
    _event("order.cancelled", order, reason=reason)
    return order


@transaction.atomic
def refund_order(order: Order, *, reason: str, acting_user) -> Order:
    """Money back for a paid order: stored value and points return, the provider refunds what it
    took, points the order earned are taken back, and goods not yet sent go back on the shelf."""
    order = _locked(order)
    reason = str(reason or "").strip()[:300]
    if not reason:
        raise ShopError(_("Give a reason for the refund."))
    shipped = order.status in (OrderStatus.SHIPPED, OrderStatus.COMPLETED)
    order = _set_status(
        order, REFUNDABLE, OrderStatus.REFUNDED, reason, acting_user, refunded_at=timezone.now()
    )
    for payment in order.payments.filter(status=Payment.Status.SUCCEEDED):
        _refund_payment(payment)
    _give_back(order, acting_user, restock=not shipped, reason=reason)
    if order.points_earned:
        loyalty.reverse_earned_points(
            order.member,
            order.points_earned,
            reason=_("Order %(number)s refunded") % {"number": order.number},
            idempotency_key=f"order:{order.number}:earned-back",
            acting_user=acting_user,
        )
    _event("order.refunded", order, reason=reason)
    return order


# --- Scheduled work ------------------------------------------------------------------------------


def cancel_unpaid_orders(now=None) -> dict[str, int]:
    """Every tick: orders past their pay-by time are cancelled (their stock returns); orders half
    way there get one reminder."""
    now = now or timezone.now()
    cancelled = 0
    for order in Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, pay_by__lt=now).order_by("pk"):
        try:
            cancel_order(order, reason=_("Not paid in time"), acting_user=None)
        except ShopError:
            continue  # paid meanwhile
        cancelled += 1
    reminded = 0
    for order in Order.objects.filter(
        status=OrderStatus.PENDING_PAYMENT, unpaid_reminder_sent=False, pay_by__gte=now
    ).order_by("pk"):
        if order.pay_by - now > (order.pay_by - order.created_at) / 2:
            continue
        with transaction.atomic():
            if Order.objects.filter(pk=order.pk, unpaid_reminder_sent=False).update(
                unpaid_reminder_sent=True
            ):
                _event("order.payment_reminder", order, pay_by=order.pay_by.isoformat())
                reminded += 1
    return {"cancelled": cancelled, "reminded": reminded}


def close_expired_group_buys(now=None) -> dict[str, int]:
    """Every tick: a group not filled in time fails; paid orders are refunded, unpaid ones cancelled."""
    now = now or timezone.now()
    failed = 0
    for group in GroupBuy.objects.filter(status=GroupBuy.Status.OPEN, expires_at__lte=now).order_by("pk"):
        with transaction.atomic():
            # The group's orders first, then the group: a payment callback locks an order and
            # then its group, so the other way round could deadlock with one.
            orders = list(Order.objects.select_for_update().filter(group_buy=group).order_by("pk"))
            if not GroupBuy.objects.filter(pk=group.pk, status=GroupBuy.Status.OPEN).update(
                status=GroupBuy.Status.FAILED, closed_at=now
            ):
                continue
            for order in orders:
                if order.status == OrderStatus.PENDING_PAYMENT:
                    cancel_order(order, reason=_("The group did not fill in time"), acting_user=None)
                elif order.status in REFUNDABLE:
                    refund_order(order, reason=_("The group did not fill in time"), acting_user=None)
            record_event(
                "group_buy.failed",
                subject=group.leader,
                data={"group": group.pk, "product": group.product_id},
                idempotency_key=f"group_buy.failed:{group.pk}",
            )
            failed += 1
    expired = Bargain.objects.filter(status=Bargain.Status.OPEN, expires_at__lte=now).update(
        status=Bargain.Status.EXPIRED
    )
    return {"groups_failed": failed, "bargains_expired": expired}


# --- Bargains ------------------------------------------------------------------------------------


@transaction.atomic
def start_bargain(member: Member, sku_id, *, acting_user=None) -> Bargain:
    """A member starts bargaining on a SKU of a bargain product (one open bargain per SKU: starting
    again returns it)."""
    if member is None:
        raise ShopError(_("Log in as a member to start a bargain."))
    sku = (
        Sku.objects.select_related("product")
        .prefetch_related("product__levels", "product__level_rules")
        .filter(pk=sku_id if str(sku_id).isdigit() else None)
        .first()
    )
    if sku is None:
        raise ShopError(_("This product is not sold here."))
    product = sku.product
    now = timezone.now()
    reason = pricing.why_not_buyable(product, member, now)
    if reason:
        raise ShopError(reason)
    if product.sale_mode != SaleMode.BARGAIN or sku.price_cents is None:
        raise ShopError(_("“%(title)s” is not sold by bargaining.") % {"title": product.title})
    Member.objects.select_for_update().filter(pk=member.pk).first()
    existing = Bargain.objects.filter(
        member=member, sku=sku, status=Bargain.Status.OPEN, expires_at__gt=now
    ).first()
    if existing is not None:
        return existing
    Bargain.objects.filter(member=member, sku=sku, status=Bargain.Status.OPEN).update(
        status=Bargain.Status.EXPIRED
    )
    floor = min(product.bargain_floor_cents, sku.price_cents)
    return Bargain.objects.create(
        product=product,
        sku=sku,
        member=member,
        start_price_cents=sku.price_cents,
        floor_cents=floor,
        price_cents=sku.price_cents,
        expires_at=now + dt.timedelta(hours=product.bargain_hours),
    )


@transaction.atomic
def cut_bargain(bargain: Bargain, friend, *, rng: random.Random | None = None) -> BargainCut:
    """A friend cuts the price once: a random amount between the product's smallest and largest
    cut, never below the floor (the last cut takes it exactly to the floor)."""
    if friend is None or not friend.is_authenticated:
        raise ShopError(_("Log in to help with this bargain."))
    bargain = (
        Bargain.objects.select_for_update().select_related("product", "member").filter(pk=bargain.pk).first()
    )
    if bargain is None:
        raise ShopError(_("This bargain no longer exists."))
    if bargain.member.user_id == friend.pk:
        raise ShopError(_("Invite friends to cut the price; you cannot cut your own."))
    if bargain.status != Bargain.Status.OPEN or bargain.expires_at <= timezone.now():
        raise ShopError(_("This bargain has ended."))
    if BargainCut.objects.filter(bargain=bargain, friend=friend).exists():
        raise ShopError(_("You have already cut this price; each friend cuts once."))
    room = bargain.price_cents - bargain.floor_cents
    if room <= 0:
        raise ShopError(
            _("The price is already at its lowest: %(price)s.") % {"price": format_money(bargain.price_cents)}
        )
    product = bargain.product
    amount = (rng or random.SystemRandom()).randint(
        product.bargain_min_cut_cents, product.bargain_max_cut_cents
    )
    amount = min(amount, room)
    cut = BargainCut.objects.create(bargain=bargain, friend=friend, amount_cents=amount)
    lowered = Bargain.objects.filter(pk=bargain.pk, price_cents__gte=F("floor_cents") + amount).update(
        price_cents=F("price_cents") - amount
    )
    if not lowered:  # unreachable under the row lock; the floor is a constraint too
        raise ShopError(_("The price is already at its lowest."))
    bargain.price_cents -= amount
    record_event(
        "bargain.cut",
        subject=bargain.member,
        data={"bargain": bargain.pk, "amount_cents": amount, "price_cents": bargain.price_cents},
        idempotency_key=f"bargain.cut:{cut.pk}",
    )
    return cut


def new_idempotency_key() -> str:
    return uuid.uuid4().hex
