"""The shop's customer pages: list, product, cart, checkout, paying, orders, sandbox callbacks."""

import io
import json
import re
import uuid

import pytest
from django.contrib.messages import get_messages
from django.core.files.images import ImageFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import get_public_schema_name, schema_context
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.rich_text import RichText

from accounts.tests.factories import UserFactory
from core.models import OutboxEvent
from coupons import services as coupon_services
from coupons.models import Coupon
from coupons.rules import when
from coupons.tests.factories import CouponTemplateFactory
from mall import payments, services
from mall.models import (
    Cart,
    CartLine,
    Order,
    OrderStatus,
    Payment,
    ProductImage,
    ShopSettings,
    Sku,
    Visibility,
)
from mall.tests.factories import ProductCategoryFactory, ProductFactory, line, place
from members import services as loyalty
from members.tests.factories import MemberFactory, MemberLevelFactory, MemberRowFactory

HOST = {"HTTP_HOST": "shop.localhost"}
# An anonymous /shop/ (the portal's chrome comes from its cache): the schema, categories, count,
# tags, products, SKUs, pictures with their images, level rules, levels, renditions.
QUERIES_FOR_THE_LIST = 10


@pytest.fixture
def shop(make_tenant, in_tenant):
    tenant = make_tenant("shop", default_language="en").tenant
    with in_tenant(tenant):
        yield tenant


def in_public():
    return schema_context(get_public_schema_name())  # tenants are made from the public schema


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:  # the session row lives in the tenant's schema (the test is in it)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def get(client, path, **extra):
    client.cookies.pop("messages", None)  # messages_of(response) reads this request's messages only
    return client.get(path, **HOST, **extra)


def post(client, path, data=None, **extra):
    client.cookies.pop("messages", None)
    return client.post(path, data or {}, **HOST, **extra)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def titles(response) -> list[str]:
    return re.findall(r'class="product-card-title">([^<]*)<', response.content.decode())


def hidden(response, name) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', response.content.decode()).group(1)


# --- Product list ------------------------------------------------------------------------------


def test_the_list_filters_by_category_and_tag_and_sorts(shop):
    coffee = ProductCategoryFactory(name="Coffee", slug="coffee")
    beans = ProductCategoryFactory(name="Beans", slug="beans", parent=coffee)
    gifts = ProductCategoryFactory(name="Gifts", slug="gifts")
    ethiopia = ProductFactory(title="Ethiopia", category=beans, skus=[{"price_cents": 5_000}])
    ethiopia.tags.add("organic")
    ethiopia.save()
    ProductFactory(title="Dripper", category=coffee, skus=[{"price_cents": 3_000}])
    mug = ProductFactory(title="Mug", category=gifts, skus=[{"price_cents": 8_000}])
    mug.tags.add("organic")
    mug.save()
    ProductFactory(title="Retired", category=coffee, is_published=False)
    ProductFactory(title="Members blend", category=coffee, visibility=Visibility.MEMBERS)
    visitor = client_for()

    assert titles(get(visitor, "/shop/")) == ["Mug", "Dripper", "Ethiopia"]
    assert titles(get(visitor, "/shop/?sort=price")) == ["Dripper", "Ethiopia", "Mug"]
    assert titles(get(visitor, "/shop/?sort=-price")) == ["Mug", "Ethiopia", "Dripper"]
    assert titles(get(visitor, "/shop/?sort=title")) == ["Dripper", "Ethiopia", "Mug"]
    assert titles(get(visitor, "/shop/category/coffee/")) == ["Dripper", "Ethiopia"]
    assert titles(get(visitor, "/shop/category/beans/")) == ["Ethiopia"]
    assert titles(get(visitor, "/shop/?tag=organic&sort=title")) == ["Ethiopia", "Mug"]
    assert titles(get(visitor, "/shop/category/coffee/?tag=organic")) == ["Ethiopia"]
    assert titles(get(visitor, "/shop/?sort=nonsense")) == ["Mug", "Dripper", "Ethiopia"]
    assert get(visitor, "/shop/category/nowhere/").status_code == 404
    member = MemberFactory()
    assert titles(get(client_for(member.user), "/shop/?sort=title")) == [
        "Dripper",
        "Ethiopia",
        "Members blend",
        "Mug",
    ]
    html = get(visitor, "/shop/category/beans/").content.decode()
    assert '<a href="/shop/category/coffee/" aria-current="true">Coffee</a>' in html
    assert '<a href="/shop/category/beans/" aria-current="page">Beans</a>' in html
    assert '<option value="organic">organic</option>' in html


def test_the_list_pages_by_24(shop):
    for number in range(26):
        ProductFactory(title=f"Item {number:02d}")
    visitor = client_for()
    first, second = get(visitor, "/shop/?sort=title"), get(visitor, "/shop/?sort=title&page=2")
    assert titles(first) == [f"Item {number:02d}" for number in range(24)]
    assert titles(second) == ["Item 24", "Item 25"]
    assert 'href="?sort=title&amp;page=2">Next</a>' in first.content.decode()
    assert "26 products" in first.content.decode()


def _picture(title) -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (60, 60), "#6b3e26").save(buffer, "PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{uuid.uuid4().hex[:12]}.png"))


def test_the_list_costs_the_same_queries_however_many_products(shop):
    level = MemberLevelFactory(discount_percent=5)
    member = MemberRowFactory(level=level)
    category = ProductCategoryFactory(slug="beans")

    def add_products(count):
        for _number in range(count):
            product = ProductFactory(
                category=category, skus=[{"price_cents": 5_000}, {"price_cents": 8_000, "points_price": 400}]
            )
            product.tags.add("roast")
            product.save()
            ProductImage.objects.create(product=product, image=_picture("Beans"))

    def queries(client):
        get(client, "/shop/category/beans/?tag=roast")  # renditions are made once, on the first view
        with CaptureQueriesContext(connection) as captured:
            response = get(client, "/shop/category/beans/?tag=roast")
        assert response.status_code == 200
        return len(captured)

    add_products(2)
    visitor, logged_in = client_for(), client_for(member.user)
    few = (queries(visitor), queries(logged_in))
    add_products(7)
    assert (queries(visitor), queries(logged_in)) == few
    assert len(titles(get(visitor, "/shop/category/beans/"))) == 9


def test_query_count_of_the_list_is_pinned(shop, django_assert_num_queries):
    for _number in range(5):
        ProductImage.objects.create(product=ProductFactory(), image=_picture("Beans"))
    visitor = client_for()
    get(visitor, "/shop/")
    with django_assert_num_queries(QUERIES_FOR_THE_LIST):
        get(visitor, "/shop/")


# --- Product page --------------------------------------------------------------------------------


def test_members_see_their_price_and_visitors_the_list_price(shop):
    gold = MemberLevelFactory(name="Gold", discount_percent=10)
    member = MemberRowFactory(level=gold)
    ProductFactory(
        title="Tea set",
        slug="tea-set",
        skus=[{"price_cents": 10_000, "points_price": 500, "options": "Blue"}],
    )
    for_member = get(client_for(member.user), "/shop/tea-set/").content.decode()
    for_visitor = get(client_for(), "/shop/tea-set/").content.decode()
    assert '<s class="list-price"><span class="visually-hidden">List price </span>¥100.00</s>' in for_member
    assert '<strong class="price-now">¥90.00</strong>' in for_member
    assert '<span class="points-price">or 500 points</span>' in for_member
    assert '<strong class="price-now">¥100.00</strong>' in for_visitor
    assert "list-price" not in for_visitor
    assert "Log in as a member to pay with points." in for_visitor
    listed = get(client_for(member.user), "/shop/").content.decode()
    assert '<s class="list-price"><span class="visually-hidden">List price </span>¥100.00</s>' in listed


def test_a_level_only_product_is_for_its_levels_alone(shop):
    gold, silver = MemberLevelFactory(name="Gold"), MemberLevelFactory(name="Silver")
    product = ProductFactory(title="Gold tea", slug="gold-tea", visibility=Visibility.LEVELS)
    product.levels.add(gold)
    product.save()
    anonymous = get(client_for(), "/shop/gold-tea/")
    assert (anonymous.status_code, anonymous["Location"]) == (302, "/accounts/login/?next=/shop/gold-tea/")
    refused = get(client_for(MemberRowFactory(level=silver).user), "/shop/gold-tea/")
    assert refused.status_code == 403
    assert '<p class="shop-notice">Only for Gold members.</p>' in refused.content.decode()
    allowed = get(client_for(MemberRowFactory(level=gold).user), "/shop/gold-tea/")
    assert allowed.status_code == 200
    assert '<h1 class="page-title" id="product-title">Gold tea</h1>' in allowed.content.decode()
    assert get(client_for(), "/shop/no-such-thing/").status_code == 404
    assert titles(get(client_for(MemberRowFactory(level=silver).user), "/shop/")) == []


def test_the_product_page_offers_skus_with_price_and_stock_and_escapes_staff_text(shop):
    picture = _picture("Bag")
    ProductFactory(
        title="<b>Beans</b>",
        slug="beans",
        summary="Roasted <script>",
        description=[
            ("text", RichText("<p>Fresh <b>roast</b></p>")),
            ("image", {"image": picture, "caption": "The <bag>"}),
        ],
        skus=[
            {"options": "250 g", "price_cents": 5_000, "stock": 4},
            {"options": "1 kg", "price_cents": 16_000, "stock": 0},
        ],
    )
    html = get(client_for(), "/shop/beans/").content.decode()
    sku_ids = list(Sku.objects.order_by("sort_order").values_list("pk", flat=True))
    assert "&lt;b&gt;Beans&lt;/b&gt;" in html
    assert "<b>Beans</b>" not in html
    assert "Roasted &lt;script&gt;" in html
    assert f'value="{sku_ids[0]}" checked required>' in html
    assert f'value="{sku_ids[1]}" disabled required>' in html
    assert '<span class="sku-stock">4 in stock</span>' in html
    assert '<span class="sku-stock">Sold out</span>' in html
    assert "Add to cart" in html
    assert "<p>Fresh <b>roast</b></p>" in html
    assert re.search(r'<img alt="The &lt;bag&gt;" [^>]*><figcaption>The &lt;bag&gt;</figcaption>', html)


def test_shop_forms_need_their_csrf_token(shop):
    sku = ProductFactory().skus.get()
    member = MemberFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    for path, data in (
        ("/shop/cart/add/", {"sku": sku.pk, "quantity": "1"}),
        ("/shop/checkout/", {"action": "place"}),
        ("/shop/bargains/start/", {"sku": sku.pk}),
    ):
        assert post(client, path, data).status_code == 403
    assert (Cart.objects.count(), Order.objects.count()) == (0, 0)


# --- Cart ----------------------------------------------------------------------------------------


def test_a_visitor_adds_changes_and_removes_cart_lines(shop):
    product = ProductFactory(title="Beans", slug="beans")
    sku = product.skus.get()
    visitor = client_for()
    added = post(visitor, "/shop/cart/add/", {"sku": sku.pk, "quantity": "2", "next": "/shop/beans/"})
    assert (added.status_code, added["Location"]) == (302, "/shop/beans/")
    assert messages_of(added) == ["Added to your cart: Beans (2 in the cart)."]
    cookie = added.cookies["shop_cart"]
    cart = Cart.objects.get()
    assert (cookie.value, cookie["httponly"], cookie["samesite"], cookie["max-age"]) == (
        cart.token,
        True,
        "Lax",
        60 * 24 * 3600,
    )
    page = get(visitor, "/shop/cart/").content.decode()
    assert '<dt class="total">Total</dt><dd class="total">¥200.00</dd>' in page
    cart_line = CartLine.objects.get()
    changed = post(visitor, "/shop/cart/", {"line": cart_line.pk, "quantity": "3", "action": "update"})
    assert messages_of(changed) == ["Quantity changed."]
    assert CartLine.objects.get().quantity == 3
    for bad, message in (
        ("-1", "The quantity must be at least 1."),
        ("100", "You can buy at most 99 of one item at a time."),
        ("11", "Only 10 of “Beans” left."),
        ("two", "The quantity must be a whole number."),
    ):
        refused = post(visitor, "/shop/cart/", {"line": cart_line.pk, "quantity": bad, "action": "update"})
        assert messages_of(refused) == [message]
        assert CartLine.objects.get().quantity == 3
    removed = post(visitor, "/shop/cart/", {"line": cart_line.pk, "action": "remove"})
    assert messages_of(removed) == ["Removed from your cart."]
    assert CartLine.objects.count() == 0
    assert "Your cart is empty." in get(visitor, "/shop/cart/").content.decode()


def test_bad_additions_to_the_cart_are_refused_and_change_nothing(shop, make_tenant, in_tenant):
    ProductFactory(slug="beans")
    members_only = ProductFactory(title="Members blend", visibility=Visibility.MEMBERS)
    group_buy = ProductFactory(
        title="Group tea", sale_mode="group_buy", group_size=3, group_price_cents=5_000
    )
    cash_only = ProductFactory(title="Cup")
    visitor = client_for()
    cases = [
        ({"sku": members_only.skus.get().pk, "quantity": "1"}, "For members only."),
        ({"sku": "999999", "quantity": "1"}, "This product is not sold here."),
        ({"sku": "1; drop table", "quantity": "1"}, "This product is not sold here."),
        ({"sku": cash_only.skus.get().pk, "quantity": "-2"}, "The quantity must be at least 1."),
        (
            {"sku": cash_only.skus.get().pk, "quantity": "100000"},
            "You can buy at most 99 of one item at a time.",
        ),
        (
            {"sku": group_buy.skus.get().pk, "quantity": "1"},
            "“Group tea” is bought with its own button on the product page.",
        ),
        (
            {"sku": cash_only.skus.get().pk, "quantity": "1", "with_points": "1"},
            "“Cup” cannot be bought with points.",
        ),
    ]
    for data, message in cases:
        response = post(visitor, "/shop/cart/add/", {**data, "next": "/shop/beans/"})
        assert messages_of(response) == [message]
        assert "shop_cart" not in response.cookies
    assert (Cart.objects.count(), CartLine.objects.count()) == (0, 0)


def test_a_visitors_cart_joins_the_members_at_log_in(shop):
    sku = ProductFactory(title="Beans").skus.get()
    cup = ProductFactory(title="Cup").skus.get()
    member = MemberFactory()
    services.add_to_cart(Cart.objects.create(user=member.user), sku.pk, 1, user=member.user)
    visitor = client_for()
    post(visitor, "/shop/cart/add/", {"sku": sku.pk, "quantity": "2"})
    post(visitor, "/shop/cart/add/", {"sku": cup.pk, "quantity": "1"})
    visitor.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    response = get(visitor, "/shop/cart/")
    assert response.cookies["shop_cart"].value == ""
    assert response.cookies["shop_cart"]["max-age"] == 0
    cart = Cart.objects.get()
    assert cart.user == member.user
    assert sorted(CartLine.objects.filter(cart=cart).values_list("sku__product__title", "quantity")) == [
        ("Beans", 3),
        ("Cup", 1),
    ]
    assert '<dt class="total">Total</dt><dd class="total">¥400.00</dd>' in response.content.decode()


# --- Checkout ------------------------------------------------------------------------------------


@pytest.fixture
def buyer(shop):
    """A member with ¥50 stored value, a ¥5 coupon, and 2 × ¥100 beans in the cart; delivery ¥10."""
    settings = ShopSettings.load()
    settings.shipping_fee_cents = 1_000
    settings.pickup_stores = "Jing'an store\nXuhui store"
    settings.save()
    member = MemberFactory()
    loyalty.top_up_balance(member, 5_000, reason="Top-up", idempotency_key="top-up")
    coupon = coupon_services.issue_coupon(CouponTemplateFactory(amount_cents=500), member, acting_user=None)
    sku = ProductFactory(title="Beans", slug="beans").skus.get()
    client = client_for(member.user)
    post(client, "/shop/cart/add/", {"sku": sku.pk, "quantity": "2"})
    return member, coupon, sku, client


DELIVERY = {
    "delivery": "shipping",
    "recipient_name": "Wang Fang",
    "recipient_phone": "13800000000",
    "address": "88 Yuyuan Road, Shanghai",
    "payment_provider": "sandbox",
}


def test_checkout_places_the_order_the_customer_confirmed(buyer):
    member, coupon, sku, client = buyer
    page = get(client, "/shop/checkout/")
    assert hidden(page, "confirmed_total_cents") == "21000"
    key = hidden(page, "idempotency_key")
    applied = post(
        client,
        "/shop/checkout/",
        {
            **DELIVERY,
            "coupon_code": coupon.code,
            "use_balance": "on",
            "idempotency_key": key,
            "action": "apply",
        },
    )
    assert hidden(applied, "confirmed_total_cents") == "20500"
    assert "<dt>Left to pay</dt><dd>¥155.00</dd>" in applied.content.decode()
    assert Order.objects.count() == 0
    placed = post(
        client,
        "/shop/checkout/",
        {
            **DELIVERY,
            "coupon_code": coupon.code,
            "use_balance": "on",
            "idempotency_key": key,
            "confirmed_total_cents": "20500",
            "confirmed_points": "0",
            "action": "place",
        },
    )
    order = Order.objects.get()
    assert (placed.status_code, placed["Location"]) == (302, f"/shop/pay/{order.number}/")
    assert messages_of(placed) == [f"Thank you! Your order {order.number} is placed."]
    assert (
        order.status,
        order.subtotal_cents,
        order.shipping_cents,
        order.coupon_discount_cents,
        order.total_cents,
        order.balance_paid_cents,
        order.amount_due_cents,
        order.payment_provider,
        order.recipient_name,
        order.address,
    ) == (
        OrderStatus.PENDING_PAYMENT,
        20_000,
        1_000,
        500,
        20_500,
        5_000,
        15_500,
        "sandbox",
        "Wang Fang",
        "88 Yuyuan Road, Shanghai",
    )
    member.refresh_from_db()
    coupon.refresh_from_db()
    assert (member.balance_cents, coupon.status, Sku.objects.get(pk=sku.pk).stock) == (0, "redeemed", 8)
    assert CartLine.objects.count() == 0
    again = post(
        client,
        "/shop/checkout/",
        {**DELIVERY, "idempotency_key": key, "confirmed_total_cents": "20500", "confirmed_points": "0"}
        | {"action": "place"},
    )  # a second click: the order the first one placed
    assert (again["Location"], Order.objects.count()) == (f"/shop/pay/{order.number}/", 1)


def test_picking_up_in_store_is_free_and_the_stored_value_pays_all(buyer):
    member, _coupon, _sku, client = buyer
    loyalty.top_up_balance(member, 20_000, reason="Top-up", idempotency_key="more")
    page = post(client, "/shop/checkout/", {"delivery": "pickup", "action": "apply"})
    assert hidden(page, "confirmed_total_cents") == "20000"
    placed = post(
        client,
        "/shop/checkout/",
        {
            "delivery": "pickup",
            "pickup_store": "Xuhui store",
            "use_balance": "on",
            "idempotency_key": hidden(page, "idempotency_key"),
            "confirmed_total_cents": "20000",
            "confirmed_points": "0",
            "action": "place",
        },
    )
    order = Order.objects.get()
    assert placed["Location"] == f"/account/orders/{order.number}/"
    assert (order.status, order.pickup_store, order.balance_paid_cents, order.amount_due_cents) == (
        OrderStatus.PAID,
        "Xuhui store",
        20_000,
        0,
    )


def _refused_checkout(client, data, message):
    page = get(client, "/shop/checkout/")
    fields = {
        **DELIVERY,
        "idempotency_key": hidden(page, "idempotency_key"),
        "confirmed_total_cents": hidden(page, "confirmed_total_cents"),
        "confirmed_points": "0",
        "use_balance": "on",
        "action": "place",
        **data,
    }
    response = post(client, "/shop/checkout/", fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<p class="message error" role="alert">{message}</p>' in html, re.findall(
        r'role="alert">([^<]*)<', html
    )
    assert 'value="Wang Fang"' in html  # what the customer typed is kept


def test_checkout_refusals_change_nothing(buyer):
    member, coupon, sku, client = buyer
    expired = coupon_services.issue_coupon(CouponTemplateFactory(amount_cents=300), member, acting_user=None)
    yesterday = expired.expires_at.replace(year=expired.expires_at.year - 1)
    Coupon.objects.filter(pk=expired.pk).update(expires_at=yesterday)
    _refused_checkout(
        client,
        {"confirmed_total_cents": "20999"},
        "Prices have changed since you looked: the order now comes to ¥210.00 and 0 points. "
        "Check it and confirm again.",
    )
    _refused_checkout(
        client,
        {"confirmed_total_cents": "-5"},
        "The order&#x27;s total is missing or wrong; check it and confirm again.",
    )
    _refused_checkout(
        client,
        {"coupon_code": expired.code, "confirmed_total_cents": "21000"},
        f"The coupon {expired.code} expired on {when(yesterday)}.",
    )
    _refused_checkout(
        client,
        {"recipient_phone": "", "address": "x"},
        "Give a phone number for the delivery. Give the full delivery address.",
    )
    _refused_checkout(
        client,
        {"delivery": "pickup", "pickup_store": "Nowhere"},
        "Choose the store you will pick the order up from.",
    )
    CartLine.objects.update(quantity=11)
    _refused_checkout(client, {"confirmed_total_cents": "111000"}, "Only 10 of “Beans” left.")
    member.refresh_from_db()
    coupon.refresh_from_db()
    assert (Order.objects.count(), Sku.objects.get(pk=sku.pk).stock, member.balance_cents, coupon.status) == (
        0,
        10,
        5_000,
        "issued",
    )
    assert list(CartLine.objects.values_list("sku_id", "quantity")) == [(sku.pk, 11)]


def test_checkout_of_a_foreign_or_unknown_sku_or_group_is_refused(buyer):
    _member, _coupon, _sku, client = buyer
    plain = ProductFactory(title="Cup")
    for query, message in (
        (f"?sku={plain.skus.get().pk}&group=start", "“Cup” is not sold as a group-buy."),
        ("?sku=999999&group=start", "This product is not sold here."),
        ("?bargain=999999", "This bargain is not yours, or it no longer exists."),
    ):
        response = get(client, f"/shop/checkout/{query}")
        assert (response["Location"], messages_of(response)) == ("/shop/", [message])
    assert Order.objects.count() == 0


def test_checkout_needs_a_logged_in_member(shop):
    response = get(client_for(), "/shop/checkout/")
    assert response["Location"] == "/accounts/login/?next=/shop/checkout/"
    staff = client_for(UserFactory(is_staff=True))
    assert get(staff, "/shop/checkout/").status_code == 403


def test_a_group_buy_is_started_and_joined_from_its_pages(shop):
    product = ProductFactory(
        title="Group tea", slug="group-tea", sale_mode="group_buy", group_size=2, group_price_cents=6_000
    )
    sku = product.skus.get()
    leader, friend = MemberFactory(), MemberFactory()
    leader_client, friend_client = client_for(leader.user), client_for(friend.user)
    start = get(leader_client, f"/shop/checkout/?sku={sku.pk}&group=start")
    assert hidden(start, "confirmed_total_cents") == "6000"
    placed = post(
        leader_client,
        "/shop/checkout/",
        {
            **DELIVERY,
            "sku": sku.pk,
            "group": "start",
            "idempotency_key": hidden(start, "idempotency_key"),
            "confirmed_total_cents": "6000",
            "confirmed_points": "0",
            "action": "place",
        },
    )
    order = Order.objects.get()
    assert placed["Location"] == f"/shop/pay/{order.number}/"
    group = order.group_buy
    page = get(friend_client, f"/shop/groups/{group.pk}/").content.decode()
    assert "<dt>Seats left</dt><dd>1</dd>" in page
    assert "Join this group" in page
    product_page = get(friend_client, "/shop/group-tea/").content.decode()
    assert f'name="group" value="{group.pk}"' in product_page
    join = get(friend_client, f"/shop/checkout/?sku={sku.pk}&group={group.pk}")
    post(
        friend_client,
        "/shop/checkout/",
        {
            **DELIVERY,
            "sku": sku.pk,
            "group": str(group.pk),
            "idempotency_key": hidden(join, "idempotency_key"),
            "confirmed_total_cents": "6000",
            "confirmed_points": "0",
            "action": "place",
        },
    )
    group.refresh_from_db()
    assert (group.joined, Order.objects.filter(group_buy=group).count()) == (2, 2)
    assert "You are in this group." in get(friend_client, f"/shop/groups/{group.pk}/").content.decode()


def test_bargain_pages_cut_the_price_once_per_friend_and_refuse_other_tenants_links(
    shop, make_tenant, in_tenant
):
    product = ProductFactory(
        title="Kettle",
        slug="kettle",
        sale_mode="bargain",
        bargain_floor_cents=6_000,
        bargain_min_cut_cents=500,
        bargain_max_cut_cents=500,
    )
    sku = product.skus.get()
    owner, friend = MemberFactory(), MemberFactory()
    owner_client, friend_client = client_for(owner.user), client_for(friend.user)
    started = post(owner_client, "/shop/bargains/start/", {"sku": sku.pk, "next": "/shop/kettle/"})
    link = started["Location"]
    assert link.startswith("/shop/bargains/")
    assert "Buy at ¥100.00" in get(owner_client, link).content.decode()
    cut = post(friend_client, link)
    assert messages_of(cut) == ["You cut ¥5.00 off. The price is now ¥95.00."]
    again = post(friend_client, link)
    assert messages_of(again) == ["You have already cut this price; each friend cuts once."]
    own = post(owner_client, link)
    assert messages_of(own) == ["Invite friends to cut the price; you cannot cut your own."]
    anonymous = post(client_for(), link)
    assert anonymous["Location"] == f"/accounts/login/?next={link.replace(':', '%3A')}"
    assert "Buy at ¥95.00" in get(owner_client, link).content.decode()
    assert get(owner_client, link[:-3] + "xx/").status_code == 404
    with in_public():
        other = make_tenant("other", default_language="en").tenant
    with in_tenant(other):
        other_owner = MemberFactory()
        other_sku = ProductFactory(sale_mode="bargain", bargain_floor_cents=1_000).skus.get()
        other_bargain = services.start_bargain(other_owner, other_sku.pk)
        from mall.views import bargain_url

        other_link = bargain_url(other_bargain)
    assert get(owner_client, other_link).status_code == 404


# --- Orders --------------------------------------------------------------------------------------


def test_members_see_only_their_own_orders(shop):
    mine, theirs = MemberFactory(), MemberFactory()
    sku = ProductFactory(title="Beans").skus.get()
    first = place(mine, line(sku, 1))
    second = place(mine, line(sku, 2))
    services.cancel_order(second, reason="Changed my mind", acting_user=None)
    other = place(theirs, line(sku, 1))
    client = client_for(mine.user)
    listed = get(client, "/account/orders/").content.decode()
    assert re.findall(r'class="order-number" href="/account/orders/([^/]+)/"', listed) == [
        second.number,
        first.number,
    ]
    pending = get(client, "/account/orders/?status=pending_payment").content.decode()
    assert re.findall(r'class="order-number" href="/account/orders/([^/]+)/"', pending) == [first.number]
    assert get(client, f"/account/orders/{other.number}/").status_code == 404
    assert get(client, f"/shop/pay/{other.number}/").status_code == 404
    refused = post(client, f"/account/orders/{other.number}/", {"action": "cancel"})
    other.refresh_from_db()
    assert (refused.status_code, other.status) == (404, OrderStatus.PENDING_PAYMENT)
    detail = get(client, f"/account/orders/{first.number}/").content.decode()
    assert "<dt>Left to pay</dt><dd>¥100.00 (Test payment (sandbox))</dd>" in detail
    assert "Pay now" in detail
    assert "Cancel order" in detail
    assert get(client_for(), "/account/orders/")["Location"] == "/accounts/login/?next=/account/orders/"
    account = get(client, "/account/").content.decode()
    assert re.findall(r'class="order-number" href="/account/orders/([^/]+)/"', account) == [
        second.number,
        first.number,
    ]


def test_cancelling_from_the_order_page_returns_the_stock(shop):
    member = MemberFactory()
    sku = ProductFactory(title="Beans").skus.get()
    order = place(member, line(sku, 4))
    assert Sku.objects.get(pk=sku.pk).stock == 6
    client = client_for(member.user)
    response = post(client, f"/account/orders/{order.number}/", {"action": "cancel"})
    assert messages_of(response) == [f"Order {order.number} is cancelled."]
    order.refresh_from_db()
    assert (order.status, Sku.objects.get(pk=sku.pk).stock) == (OrderStatus.CANCELLED, 10)
    assert list(order.history.values_list("to_status", "note")) == [
        ("pending_payment", "Order placed"),
        ("cancelled", "Cancelled by the customer"),
    ]
    again = post(client, f"/account/orders/{order.number}/", {"action": "cancel"})
    assert messages_of(again) == [f"Order {order.number} is cancelled; it cannot be cancelled."]


# --- Paying --------------------------------------------------------------------------------------


def test_the_sandbox_page_pays_the_order(shop):
    member = MemberFactory()
    order = place(member, line(ProductFactory().skus.get(), 1))
    payment = order.payments.get()
    client = client_for(member.user)
    pay_page = get(client, f"/shop/pay/{order.number}/").content.decode()
    assert "Pay with Test payment (sandbox)" in pay_page
    to_provider = post(client, f"/shop/pay/{order.number}/")
    assert to_provider["Location"] == f"/shop/pay/sandbox/{payment.reference}/"
    assert Payment.objects.count() == 1
    assert get(client_for(MemberFactory().user), to_provider["Location"]).status_code == 404
    sandbox = get(client, to_provider["Location"]).content.decode()
    assert '<dt>Amount</dt><dd class="total">¥100.00</dd>' in sandbox
    paid = post(client, to_provider["Location"], {"outcome": "succeeded"})
    assert (paid["Location"], messages_of(paid)) == (
        f"/account/orders/{order.number}/",
        ["Payment received. Thank you!"],
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert get(client, f"/shop/pay/{order.number}/")["Location"] == f"/account/orders/{order.number}/"


def test_paying_in_store_shows_the_till_instructions(shop):
    member = MemberFactory()
    order = place(member, line(ProductFactory().skus.get(), 1), payment_provider="in_store")
    page = get(client_for(member.user), f"/shop/pay/{order.number}/").content.decode()
    assert f"Pay at the till with order number {order.number} by " in page


def _callback(client, payload, signature):
    return client.post(
        "/shop/payments/sandbox/callback/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_X_SANDBOX_SIGNATURE=signature,
        **HOST,
    )


def test_a_signed_callback_replayed_pays_once(shop):
    order = place(MemberFactory(), line(ProductFactory().skus.get(), 1))
    payment = order.payments.get()
    payload = {"reference": payment.reference, "outcome": "succeeded", "amount_cents": 10_000}
    client = Client(enforce_csrf_checks=True)
    for _replay in range(2):
        response = _callback(client, payload, payments.sign_callback(payload))
        assert (response.status_code, response.json()) == (200, {"status": "succeeded"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert OutboxEvent.objects.filter(kind="order.paid").count() == 1
    wrong_amount = {**payload, "amount_cents": 1}
    order2 = place(MemberFactory(), line(ProductFactory().skus.get(), 1))
    wrong_amount["reference"] = order2.payments.get().reference
    refused = _callback(client, wrong_amount, payments.sign_callback(wrong_amount))
    assert (refused.status_code, refused.json()) == (
        400,
        {"error": "The provider reports ¥0.01 for a payment of ¥100.00; nothing was recorded."},
    )


def test_bad_callbacks_are_refused_and_change_nothing(shop, make_tenant, in_tenant):
    order = place(MemberFactory(), line(ProductFactory().skus.get(), 1))
    payment = order.payments.get()
    payload = {"reference": payment.reference, "outcome": "succeeded", "amount_cents": 10_000}
    client = Client()
    bad = _callback(client, payload, "0" * 64)
    assert (bad.status_code, bad.json()) == (400, {"error": "Bad signature."})
    not_json = client.post("/shop/payments/sandbox/callback/", "{", content_type="application/json", **HOST)
    assert (not_json.status_code, not_json.json()) == (400, {"error": "The body is not JSON."})
    unknown = {**payload, "reference": "nope"}
    assert _callback(client, unknown, payments.sign_callback(unknown)).json() == {
        "error": "No payment with this reference."
    }
    with in_public():
        other = make_tenant("other", default_language="en").tenant
    with in_tenant(other):
        signed_elsewhere = payments.sign_callback(payload)
    with in_tenant(shop):
        refused = _callback(client, payload, signed_elsewhere)
        assert (refused.status_code, refused.json()) == (400, {"error": "Bad signature."})
        payment.refresh_from_db()
        order.refresh_from_db()
        assert (payment.status, order.status) == (Payment.Status.PENDING, OrderStatus.PENDING_PAYMENT)
