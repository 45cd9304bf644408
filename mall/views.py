"""Customer pages of the shop: product list and page, cart, checkout, paying, group-buys,
bargains, and the member's orders in My account.

Every write goes through mall.services; a refusal (ShopError) becomes a message for the customer
and changes nothing. Prices on these pages come from mall.pricing with the viewer's member card, so
the price shown is the price checkout charges, and checkout stops when they differ.
"""

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from taggit.models import Tag

from accounts.selectors import masked_name
from core.money import format_money
from core.redirects import local_path
from coupons import rules as coupon_rules
from coupons.models import normalise_code
from coupons.selectors import coupons_for
from mall import payments, pricing, selectors, services
from mall.forms import CheckoutForm
from mall.models import (
    Bargain,
    BargainCut,
    Cart,
    Delivery,
    GroupBuy,
    Order,
    OrderStatus,
    Payment,
    SaleMode,
    ShopSettings,
    Sku,
)
from mall.services import ShopError

PRODUCTS_PER_PAGE = 24
ORDERS_PER_PAGE = 10
CARD_IMAGE = "fill-480x480"  # the spec mall/product_card.html asks for
CART_COOKIE = "shop_cart"
CART_COOKIE_AGE = 60 * 24 * 3600
MESSAGE_TAG = "shop"  # the shop's pages show only the shop's messages
LOGIN_URL = "/accounts/login/"


def _say(request, level, text) -> None:
    messages.add_message(request, level, text, extra_tags=MESSAGE_TAG)


def _member(request):
    """The visitor's member card (None: anonymous, or an account without one), read once per request."""
    if not hasattr(request, "_shop_member"):
        request._shop_member = selectors.member_of(request.user)
    return request._shop_member


# --- Carts: the member's own, or an anonymous visitor's behind a cookie ---------------------------


def _cart(request, *, create: bool = False) -> Cart | None:
    """The visitor's cart. At the first cart access after log-in the visitor's cookie cart joins
    the member's (services.merge_carts) and the cookie goes; `_with_cart_cookie` sets or deletes it."""
    token = str(request.COOKIES.get(CART_COOKIE, ""))[:64]
    user = request.user
    if user.is_authenticated:
        if token:
            request._shop_cart_cookie = "delete"
            anonymous = selectors.cart_of(token=token)
            if anonymous is not None:
                return services.merge_carts(anonymous, user)
        cart = selectors.cart_of(user=user)
        if cart is None and create:
            cart = services.cart_for(user=user)
        return cart
    cart = selectors.cart_of(token=token) if token else None
    if cart is None and create:
        cart = services.cart_for()
    if cart is not None and create:
        request._shop_cart_cookie = cart.token  # set again: 60 days from the last addition
    return cart


def _with_cart_cookie(request, response):
    action = getattr(request, "_shop_cart_cookie", None)
    if action == "delete":
        response.delete_cookie(CART_COOKIE, samesite="Lax")
    elif action:
        response.set_cookie(
            CART_COOKIE,
            action,
            max_age=CART_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


# --- Product list ---------------------------------------------------------------------------------


def _tags_in_shop(member) -> list[str]:
    """The tags of the products this viewer may see, for the list's tag filter (one query)."""
    visible = selectors.visible_products(member).order_by().values("pk")
    return list(
        Tag.objects.filter(mall_taggedproduct_items__content_object__in=visible)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()[:50]
    )


def _with_card_images(products):
    """Each card's picture with its rendition read in one query, so 24 cards cost what 1 does."""
    return products.prefetch_related(selectors.renditions_of("images__image__renditions", [CARD_IMAGE]))


@require_safe
def product_list(request, slug: str | None = None):
    """/shop/ and /shop/category/<slug>/: ?tag=, ?sort=new|price|-price|title, ?page=."""
    member = _member(request)
    categories = selectors.categories()
    category = None
    if slug is not None:
        category = next((each for each in categories if each.slug == slug), None)
        if category is None:
            raise Http404
    tag = request.GET.get("tag", "").strip()[:100]
    sort = request.GET.get("sort", "new")
    sort = sort if sort in selectors.SORTS else "new"
    products = selectors.products_for(
        member,
        category=category,
        tag=tag,
        sort=sort,
        query=_with_card_images(selectors.visible_products(member)),
    )
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    top = [each for each in categories if each.parent_id is None]
    current_top = None
    if category is not None:
        current_top = category if category.parent_id is None else category.parent
    context = {
        "category": category,
        "top_categories": top,
        "current_top": current_top,
        "subcategories": [each for each in categories if current_top and each.parent_id == current_top.pk],
        "tags": _tags_in_shop(member),
        "tag": tag,
        "sort": sort,
        "sorts": [
            ("new", _("Newest")),
            ("price", _("Price: low to high")),
            ("-price", _("Price: high to low")),
            ("title", _("Name")),
        ],
        "listing": page,
        "cards": selectors.cards_for(page.object_list, member),
    }
    return render(request, "mall/product_list.html", context)


# --- Product page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkuChoice:
    """One SKU as the product page offers it to this viewer."""

    sku: Sku
    price: pricing.Price | None
    points_price: pricing.Price | None

    @property
    def sold_out(self) -> bool:
        return self.sku.stock <= 0


def _not_for_viewer(request, slug: str):
    """A product this viewer may not see: a visitor is asked to log in, a member is told which
    levels it is for (403); an unknown product is a 404."""
    product = selectors.product_exists(slug)
    if product is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(
        request,
        "mall/not_for_you.html",
        {"product": product, "audience": pricing.audience_text(product)},
        status=403,
    )


@require_safe
def product(request, slug: str):
    member = _member(request)
    found = selectors.product_for(member, slug)
    if found is None:
        return _not_for_viewer(request, slug)
    now = timezone.now()
    skus = [
        SkuChoice(
            sku,
            pricing.unit_price(found, sku, member),
            pricing.unit_price(found, sku, member, with_points=True),
        )
        for sku in found.skus.all()
    ]
    first_in_stock = next((choice.sku.pk for choice in skus if not choice.sold_out), None)
    context = {
        "product": found,
        "member": member,
        "skus": skus,
        "chosen_sku": first_in_stock,
        "images": list(found.images.all()),
        "tags": list(found.tags.all()),
        "reason": pricing.why_not_buyable(found, member, now),
        "has_points": any(choice.points_price for choice in skus),
        "has_cash": any(choice.price for choice in skus),
        "limit": pricing.purchase_limit(found, member),
        "max_quantity": services.MAX_QUANTITY,
    }
    if found.sale_mode == SaleMode.GROUP_BUY:
        context["group_price"] = pricing.group_price(found)
        context["groups"] = [
            (group, masked_name(group.leader.user)) for group in selectors.open_groups(found)
        ]
    elif found.sale_mode == SaleMode.BARGAIN:
        bargain = selectors.open_bargain(member, [choice.sku.pk for choice in skus])
        context["my_bargain"] = bargain
        context["my_bargain_url"] = bargain_url(bargain) if bargain else ""
    return render(request, "mall/product.html", context)


# --- Cart -----------------------------------------------------------------------------------------


@require_POST
def add_to_cart(request):
    """POST sku, quantity, with_points: into the cart, then back to the product page."""
    back = local_path(request.POST.get("next"), reverse("mall:product_list"))
    with_points = request.POST.get("with_points") in ("1", "on", "true")
    quantity = str(request.POST.get("quantity", "1")).strip()[:12]
    sku_id = str(request.POST.get("sku", "")).strip()[:20]
    if not sku_id:
        _say(request, messages.ERROR, _("Choose one of the options first."))
        return redirect(back)
    _cart(request)  # a visitor's cart joins the member's after log-in, before anything is added
    cookie_after_merge = getattr(request, "_shop_cart_cookie", None)
    try:
        with transaction.atomic():  # a refused addition leaves no new empty cart behind
            cart = _cart(request, create=True)
            line = services.add_to_cart(cart, sku_id, quantity, with_points=with_points, user=request.user)
    except ShopError as refusal:
        request._shop_cart_cookie = cookie_after_merge  # no cookie for a cart that was rolled back
        _say(request, messages.ERROR, str(refusal))
        return _with_cart_cookie(request, redirect(back))
    _say(
        request,
        messages.SUCCESS,
        _("Added to your cart: %(item)s (%(quantity)s in the cart).")
        % {"item": str(line.sku), "quantity": line.quantity},
    )
    return _with_cart_cookie(request, redirect(back))


@dataclass
class CartRow:
    line: object
    price: pricing.Price | None
    problem: str

    @property
    def total(self) -> pricing.Price | None:
        if self.price is None:
            return None
        return pricing.Price(self.price.cents * self.line.quantity, self.price.points * self.line.quantity)


def _cart_rows(lines, member) -> list[CartRow]:
    now = timezone.now()
    rows = []
    for line in lines:
        product, sku = line.sku.product, line.sku
        price = pricing.unit_price(product, sku, member, with_points=line.with_points)
        problem = pricing.why_not_buyable(product, member, now) or ""
        if not problem and price is None:
            problem = _("This option cannot be bought that way any more; remove it.")
        elif not problem and sku.stock < line.quantity:
            problem = _stock_message(sku)
        rows.append(CartRow(line, price, problem))
    return rows


def _stock_message(sku) -> str:
    if sku.stock <= 0:
        return _("“%(item)s” is sold out.") % {"item": str(sku)}
    return _("Only %(left)s of “%(item)s” left.") % {"left": sku.stock, "item": str(sku)}


def _lines_of(lines) -> list[services.LineRequest]:
    return [services.LineRequest(line.sku_id, line.quantity, line.with_points) for line in lines]


@require_http_methods(["GET", "POST"])
def cart(request):
    """The cart: change a quantity, remove a line, see the totals, go to checkout."""
    if request.method == "POST":
        return _change_cart(request)
    member = _member(request)
    cart = _cart(request)
    lines = selectors.cart_lines(cart)
    rows = _cart_rows(lines, member)
    figures, problem = None, ""
    if rows and not any(row.problem for row in rows):
        try:
            figures = services.quote(_lines_of(lines), member)
        except ShopError as refusal:
            problem = str(refusal)
    context = {
        "rows": rows,
        "figures": figures,
        "problem": problem,
        "member": member,
        "checkout_url": reverse("mall:checkout"),
        "login_url": f"{LOGIN_URL}?{urlencode({'next': reverse('mall:checkout')})}",
        "max_quantity": services.MAX_QUANTITY,
    }
    return _with_cart_cookie(request, render(request, "mall/cart.html", context))


def _change_cart(request):
    cart = _cart(request)
    line_id = str(request.POST.get("line", "")).strip()[:20]
    action = request.POST.get("action", "update")
    if cart is None:
        _say(request, messages.ERROR, _("That item is no longer in your cart."))
    elif action == "remove":
        services.remove_from_cart(cart, line_id)
        _say(request, messages.SUCCESS, _("Removed from your cart."))
    else:
        try:
            line = services.set_cart_quantity(
                cart, line_id, str(request.POST.get("quantity", "")).strip()[:12]
            )
        except ShopError as refusal:
            _say(request, messages.ERROR, str(refusal))
        else:
            _say(
                request,
                messages.SUCCESS,
                _("Removed from your cart.") if line is None else _("Quantity changed."),
            )
    return _with_cart_cookie(request, redirect("mall:cart"))


# --- Checkout -------------------------------------------------------------------------------------


@dataclass
class BuyNow:
    """A group-buy or bargain checkout: one unit of one SKU at the group's or the bargain's price."""

    sku: Sku
    group: str = ""  # "start", or a group's id
    group_buy: GroupBuy | None = None
    bargain: Bargain | None = None

    @property
    def price(self) -> pricing.Price:
        if self.bargain is not None:
            return pricing.Price(self.bargain.price_cents)
        return pricing.group_price(self.sku.product)

    def request_fields(self) -> dict:
        return {
            "lines": [services.LineRequest(self.sku.pk, 1)],
            "start_group_buy": self.group == "start",
            "group_buy_id": self.group_buy.pk if self.group_buy else None,
            "bargain_id": self.bargain.pk if self.bargain else None,
        }


def _buy_now(source, member) -> BuyNow | None:
    """The group-buy or bargain the checkout is for (?sku=&group=start|<id>, or ?bargain=<id>),
    None for a cart checkout. ShopError when it does not exist or is not this member's."""
    bargain_id, group, sku_id = (
        str(source.get(name, "")).strip()[:20] for name in ("bargain", "group", "sku")
    )
    if bargain_id:
        bargain = (
            Bargain.objects.select_related("sku__product")
            .prefetch_related("sku__product__levels", "sku__product__level_rules")
            .filter(pk=bargain_id if bargain_id.isdigit() else None, member=member)
            .first()
        )
        if bargain is None:
            raise ShopError(_("This bargain is not yours, or it no longer exists."))
        if bargain.sku.product.sale_mode != SaleMode.BARGAIN:
            raise ShopError(
                _("“%(title)s” is not sold by bargaining.") % {"title": bargain.sku.product.title}
            )
        return BuyNow(bargain.sku, bargain=bargain)
    if not group:
        return None
    sku = (
        Sku.objects.select_related("product")
        .prefetch_related("product__levels", "product__level_rules")
        .filter(pk=sku_id if sku_id.isdigit() else None)
        .first()
    )
    if sku is None:
        raise ShopError(_("This product is not sold here."))
    if sku.product.sale_mode != SaleMode.GROUP_BUY:
        raise ShopError(_("“%(title)s” is not sold as a group-buy.") % {"title": sku.product.title})
    if group == "start":
        return BuyNow(sku, group="start")
    group_buy = GroupBuy.objects.filter(pk=group if group.isdigit() else None, product=sku.product_id).first()
    if group_buy is None:
        raise ShopError(_("This group no longer exists."))
    return BuyNow(sku, group=str(group_buy.pk), group_buy=group_buy)


@dataclass
class CheckoutFigures:
    quote: services.Quote
    coupon: object = None
    coupon_problem: str = ""
    balance_cents: int = 0

    @property
    def total_cents(self) -> int:
        return self.quote.total_cents

    @property
    def due_cents(self) -> int:
        return self.total_cents - self.balance_cents


def _figures(lines, buy_now, member, *, delivery, coupon_code, use_balance, usable, shop) -> CheckoutFigures:
    """What the page shows and the hidden confirmed total carries: the service's quote, the chosen
    coupon's discount (coupons.rules, as redeem_coupon computes it), stored value used."""
    now = timezone.now()
    if buy_now is None:
        quote = services.quote(lines, member, delivery=delivery, now=now)
    else:
        product = buy_now.sku.product
        reason = pricing.why_not_buyable(product, member, now)
        if reason:
            raise ShopError(reason)
        if buy_now.bargain is not None and (
            buy_now.bargain.status != Bargain.Status.OPEN or buy_now.bargain.expires_at <= now
        ):
            raise ShopError(_("This bargain has ended."))
        group = buy_now.group_buy
        if group is not None and (group.status != GroupBuy.Status.OPEN or group.expires_at <= now):
            raise ShopError(_("This group has closed; start a new one."))
        if group is not None and group.seats_left <= 0:
            raise ShopError(_("This group is full; start a new one."))
        price = buy_now.price
        shipping = services.shipping_for(member, price.cents, delivery, shop)
        quote = services.Quote([(buy_now.sku, 1, False, price)], price.cents, shipping, 0)
    figures = CheckoutFigures(quote)
    code = normalise_code(coupon_code)
    if code:
        coupon = next((each for each in usable if each.code == code), None)
        if quote.subtotal_cents == 0:
            figures.coupon_problem = _("A coupon cannot be used on an order paid only with points.")
        elif coupon is None:
            figures.coupon_problem = _("No coupon with the code %(code)s.") % {"code": code[:20]}
        else:
            problem = coupon_rules.why_not_redeemable(
                coupon, member=member, order_total_cents=quote.subtotal_cents, now=now
            )
            if problem:
                figures.coupon_problem = problem
            else:
                figures.coupon = coupon
                discount = coupon_rules.discount_for(coupon.template, quote.subtotal_cents).cents
                quote.coupon_discount_cents = min(discount, quote.subtotal_cents)
    if use_balance and figures.total_cents > 0:
        figures.balance_cents = min(member.balance_cents, figures.total_cents)
    return figures


def _last_delivery(member) -> dict:
    """The member's last delivery details, so a returning customer does not type them again."""
    last = (
        Order.objects.filter(member=member, delivery=Delivery.SHIPPING)
        .order_by("-created_at", "-pk")
        .values("recipient_name", "recipient_phone", "address")
        .first()
    )
    return last or {}


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request):
    """GET: the order's figures and the form. POST with action=apply: the same page with the chosen
    delivery and coupon priced. POST with action=place: services.place_order, or the page again with
    the reason and what the customer typed."""
    member = _member(request)
    if member is None:
        return render(request, "mall/members_only.html", status=403)
    source = request.POST if request.method == "POST" else request.GET
    try:
        buy_now = _buy_now(source, member)
    except ShopError as refusal:
        _say(request, messages.ERROR, str(refusal))
        return redirect("mall:product_list")
    cart, lines = None, []
    placed = _already_placed(member, request)
    if placed is not None:  # a second click on "Place order": the order the first one placed
        return _after_placing(placed)
    if buy_now is None:
        cart = _cart(request)
        lines = _lines_of(selectors.cart_lines(cart))
        if not lines:
            _say(request, messages.INFO, _("Your cart is empty."))
            return _with_cart_cookie(request, redirect("mall:cart"))
    shop = ShopSettings.load()
    stores = shop.stores()
    providers = payments.enabled_providers()
    usable = coupons_for(member).usable
    initial = {
        "delivery": Delivery.SHIPPING.value,
        "payment_provider": providers[0].key if providers else "",
        "idempotency_key": services.new_idempotency_key(),
        **_last_delivery(member),
    }
    form = CheckoutForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        stores=stores,
        providers=providers,
    )
    delivery = form.value_of("delivery") or Delivery.SHIPPING.value
    status, errors = 200, []
    if request.method == "POST" and request.POST.get("action") == "place":
        outcome = _place(request, member, form, cart, buy_now)
        if not isinstance(outcome, str):
            return _with_cart_cookie(request, outcome)
        errors.append(outcome)
        status = 400
    figures, problem = None, ""
    try:
        figures = _figures(
            lines,
            buy_now,
            member,
            delivery=delivery,
            coupon_code=form.value_of("coupon_code"),
            use_balance=form.ticked("use_balance"),
            usable=usable,
            shop=shop,
        )
    except ShopError as refusal:
        problem = str(refusal)
    if figures is not None and figures.coupon_problem and figures.coupon_problem not in errors:
        errors.append(figures.coupon_problem)
    key = form.value_of("idempotency_key") if form.is_bound else initial["idempotency_key"]
    chosen_coupon = normalise_code(form.value_of("coupon_code"))
    context = {
        "form": form,
        "figures": figures,
        "problem": problem,
        "errors": errors,
        "member": member,
        "buy_now": buy_now,
        "usable_coupons": usable,
        "chosen_coupon": chosen_coupon,
        "chosen_is_usable": any(coupon.code == chosen_coupon for coupon in usable),
        "delivery": delivery,
        "stores": stores,
        "chosen_store": form.value_of("pickup_store"),
        "providers": providers,
        "chosen_provider": form.value_of("payment_provider"),
        "use_balance": form.ticked("use_balance"),
        "idempotency_key": key if 0 < len(key) <= 100 else services.new_idempotency_key(),
    }
    return _with_cart_cookie(request, render(request, "mall/checkout.html", context, status=status))


def _place(request, member, form, cart, buy_now):
    """The order placed (a redirect), or the reason it was not (a string)."""
    if not form.is_valid():
        if "confirmed_total_cents" in form.errors or "confirmed_points" in form.errors:
            return _("The order's total is missing or wrong; check it and confirm again.")
        return " ".join(str(error) for errors in form.errors.values() for error in errors)
    data = form.cleaned_data
    fields = (
        buy_now.request_fields() if buy_now is not None else {"lines": _lines_of(selectors.cart_lines(cart))}
    )
    checkout_request = services.CheckoutRequest(
        **fields,
        delivery=data["delivery"],
        recipient_name=data["recipient_name"],
        recipient_phone=data["recipient_phone"],
        address=data["address"],
        pickup_store=data["pickup_store"],
        note=data["note"],
        coupon_code=data["coupon_code"],
        use_balance=data["use_balance"],
        payment_provider=data["payment_provider"],
        confirmed_total_cents=data["confirmed_total_cents"],
        confirmed_points=data["confirmed_points"],
        idempotency_key=data["idempotency_key"],
        from_cart=cart,
    )
    try:
        order = services.place_order(member, checkout_request, acting_user=request.user)
    except ShopError as refusal:
        return str(refusal)
    _say(
        request, messages.SUCCESS, _("Thank you! Your order %(number)s is placed.") % {"number": order.number}
    )
    return _after_placing(order)


def _after_placing(order):
    if order.status == OrderStatus.PENDING_PAYMENT and order.amount_due_cents > 0:
        return redirect("mall:pay", order.number)
    return redirect("mall:order", order.number)


def _already_placed(member, request) -> Order | None:
    if request.method != "POST" or request.POST.get("action") != "place":
        return None
    key = str(request.POST.get("idempotency_key", "")).strip()
    if not key or len(key) > 100:
        return None
    return Order.objects.filter(member=member, idempotency_key=key).first()


# --- Paying ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def pay(request, number: str):
    """The member's own order waiting for payment: an online provider's button (POST: a payment
    attempt, then the provider's page), or how to pay in store."""
    order = selectors.order_of(_member(request), number)
    if order is None:
        raise Http404
    if order.status != OrderStatus.PENDING_PAYMENT:
        _say(request, messages.INFO, _("Order %(number)s does not need paying.") % {"number": order.number})
        return redirect("mall:order", order.number)
    provider = payments.PROVIDERS.get(order.payment_provider)
    if request.method == "POST":
        try:
            payment = services.new_payment_attempt(order)
        except ShopError as refusal:
            _say(request, messages.ERROR, str(refusal))
            return redirect("mall:order", order.number)
        url = provider.pay_url(payment) if provider is not None else None
        if url:
            return HttpResponseRedirect(url)
        return redirect("mall:pay", order.number)
    return render(request, "mall/pay.html", {"order": order, "provider": provider})


def _sandbox_enabled() -> bool:
    return "sandbox" in settings.MALL_PAYMENT_PROVIDERS


@login_required
@require_http_methods(["GET", "POST"])
def sandbox_pay(request, reference: str):
    """The sandbox provider's page (development and tests): "Pay" or "Fail". Only the order's
    member sees it."""
    if not _sandbox_enabled():
        raise Http404
    payment = (
        Payment.objects.select_related("order")
        .filter(provider="sandbox", reference=reference[:64], order__member=_member(request))
        .first()
    )
    if payment is None:
        raise Http404
    if request.method == "POST":
        succeeded = request.POST.get("outcome") == "succeeded"
        try:
            services.record_payment_result(
                "sandbox",
                payment.reference,
                succeeded=succeeded,
                amount_cents=payment.amount_cents,
                payload={"outcome": "succeeded" if succeeded else "failed", "via": "sandbox page"},
            )
        except ShopError as refusal:
            _say(request, messages.ERROR, str(refusal))
        else:
            _say(
                request,
                messages.SUCCESS if succeeded else messages.ERROR,
                _("Payment received. Thank you!")
                if succeeded
                else _("The payment failed. You can try again before the order's pay-by time."),
            )
        return redirect("mall:order", payment.order.number)
    return render(request, "mall/sandbox_pay.html", {"payment": payment, "order": payment.order})


@csrf_exempt
@require_POST
def sandbox_callback(request):
    """How the sandbox provider's server reports a payment: POST JSON {reference, outcome,
    amount_cents} signed in X-Sandbox-Signature (payments.sign_callback; bound to the tenant).
    Replays change nothing twice (services.record_payment_result)."""
    if not _sandbox_enabled():
        raise Http404
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"error": "The body is not JSON."}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": "The body is not a JSON object."}, status=400)
    if not payments.callback_is_signed(payload, request.headers.get("X-Sandbox-Signature", "")):
        return JsonResponse({"error": "Bad signature."}, status=400)
    outcome, amount = payload.get("outcome"), payload.get("amount_cents")
    if outcome not in ("succeeded", "failed") or not isinstance(amount, int) or isinstance(amount, bool):
        return JsonResponse({"error": "Give outcome (succeeded or failed) and amount_cents."}, status=400)
    try:
        payment = services.record_payment_result(
            "sandbox",
            str(payload.get("reference", "")),
            succeeded=outcome == "succeeded",
            amount_cents=amount,
            payload=payload,
        )
    except ShopError as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    return JsonResponse({"status": payment.status})


# --- Group-buys -----------------------------------------------------------------------------------


def _visible_product_or_refusal(request, product_slug: str):
    """(product, None) when the viewer may see it, else (None, the refusal's response)."""
    found = selectors.product_for(_member(request), product_slug)
    if found is None:
        return None, _not_for_viewer(request, product_slug)
    return found, None


@require_safe
def group_buy(request, group_id: int):
    group = get_object_or_404(GroupBuy.objects.select_related("product"), pk=group_id)
    found, refusal = _visible_product_or_refusal(request, group.product.slug)
    if refusal is not None:
        return refusal
    member = _member(request)
    seats = list(
        Order.objects.filter(group_buy=group)
        .exclude(status=OrderStatus.CANCELLED)
        .select_related("member__user__profile")
        .order_by("created_at", "pk")
    )
    now = timezone.now()
    is_open = group.status == GroupBuy.Status.OPEN and group.expires_at > now
    context = {
        "group": group,
        "product": found,
        "skus": [(sku, sku.stock > 0) for sku in found.skus.all()],
        "joined": [masked_name(order.member.user) for order in seats],
        "is_open": is_open,
        "can_join": is_open and group.seats_left > 0,
        "is_in": member is not None and any(order.member_id == member.pk for order in seats),
        "share_url": request.build_absolute_uri(reverse("mall:group_buy", args=[group.pk])),
        "price": pricing.group_price(found),
    }
    return render(request, "mall/group_buy.html", context)


# --- Bargains -------------------------------------------------------------------------------------


def _bargain_salt() -> str:
    # Bound to the tenant: a bargain link from one brand opens nothing on another.
    return f"mall.bargain:{connection.schema_name}"


def bargain_token(bargain) -> str:
    return signing.dumps(bargain.pk, salt=_bargain_salt())


def bargain_url(bargain) -> str:
    return reverse("mall:bargain", args=[bargain_token(bargain)])


def _bargain_of(token: str) -> Bargain:
    try:
        pk = signing.loads(token, salt=_bargain_salt())
    except signing.BadSignature as bad:
        raise Http404 from bad
    if not isinstance(pk, int):
        raise Http404
    return get_object_or_404(
        Bargain.objects.select_related("product", "sku", "member__user").prefetch_related(
            Prefetch("cuts", queryset=BargainCut.objects.select_related("friend__profile"))
        ),
        pk=pk,
    )


@login_required
@require_POST
def start_bargain(request):
    """POST sku: the member starts (or returns to) their bargain on a SKU, then its page."""
    member = _member(request)
    back = local_path(request.POST.get("next"), reverse("mall:product_list"))
    try:
        found = services.start_bargain(
            member, str(request.POST.get("sku", "")).strip()[:20], acting_user=request.user
        )
    except ShopError as refusal:
        _say(request, messages.ERROR, str(refusal))
        return redirect(back)
    return redirect(bargain_url(found))


@require_http_methods(["GET", "POST"])
def bargain(request, token: str):
    """A bargain's page: its prices and cuts; the owner shares it and buys at its price, a
    logged-in friend cuts the price once (POST)."""
    found = _bargain_of(token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            cut = services.cut_bargain(found, request.user)
        except ShopError as refusal:
            _say(request, messages.ERROR, str(refusal))
        else:
            _say(
                request,
                messages.SUCCESS,
                _("You cut %(amount)s off. The price is now %(price)s.")
                % {
                    "amount": format_money(cut.amount_cents),
                    "price": format_money(found.price_cents - cut.amount_cents),
                },
            )
        return redirect(request.path)
    now = timezone.now()
    is_owner = request.user.is_authenticated and found.member.user_id == request.user.pk
    context = {
        "bargain": found,
        "is_owner": is_owner,
        "is_open": found.status == Bargain.Status.OPEN and found.expires_at > now,
        "cut_off_cents": found.start_price_cents - found.price_cents,
        "cuts": [(masked_name(cut.friend), cut) for cut in found.cuts.all()],
        "has_cut": request.user.is_authenticated
        and any(cut.friend_id == request.user.pk for cut in found.cuts.all()),
        "share_url": request.build_absolute_uri(request.path),
        "login_url": f"{LOGIN_URL}?{urlencode({'next': request.path})}",
    }
    return render(request, "mall/bargain.html", context)


# --- My orders ------------------------------------------------------------------------------------


@login_required
@require_safe
def order_list(request):
    member = _member(request)
    status = request.GET.get("status", "")
    status = status if status in OrderStatus.values else ""
    orders = selectors.orders_of(member, status=status) if member is not None else Order.objects.none()
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "listing": page,
        "status": status,
        "statuses": OrderStatus.choices,
        "member": member,
    }
    return render(request, "mall/order_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def order_detail(request, number: str):
    """One of the member's own orders (anyone else's is a 404); POST action=cancel cancels it
    while it waits for payment (stock, coupon, points and stored value come back)."""
    order = selectors.order_of(_member(request), number)
    if order is None:
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            try:
                services.cancel_order(order, reason=_("Cancelled by the customer"), acting_user=request.user)
            except ShopError as refusal:
                _say(request, messages.ERROR, str(refusal))
            else:
                _say(
                    request, messages.SUCCESS, _("Order %(number)s is cancelled.") % {"number": order.number}
                )
        return redirect("mall:order", order.number)
    payments_made = [each for each in order.payments.all() if each.status == Payment.Status.SUCCEEDED]
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "history": [(OrderStatus(entry.to_status).label, entry) for entry in order.history.all()],
        "paid_online_cents": sum(each.amount_cents for each in payments_made),
        "is_pending": order.status == OrderStatus.PENDING_PAYMENT,
        "provider": payments.PROVIDERS.get(order.payment_provider),
        "status_label": OrderStatus(order.status).label,
    }
    return render(request, "mall/order_detail.html", context)
