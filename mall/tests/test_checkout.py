"""Checkout, payment and order status through mall.services, in a provisioned tenant."""

import pytest

from core.models import OutboxEvent
from coupons import services as coupon_services
from coupons.tests.factories import CouponTemplateFactory
from mall import services
from mall.models import Order, OrderStatus, Payment, ProductLevelRule, Sku, Visibility
from mall.tests.factories import ProductFactory, line, place
from members import services as loyalty
from members.models import LedgerSource
from members.tests.factories import MemberFactory, MemberLevelFactory, MemberRowFactory


@pytest.fixture
def shop(make_tenant, in_tenant):
    provisioned = make_tenant("shop")
    with in_tenant(provisioned.tenant):
        yield provisioned


def test_an_order_paid_online_takes_stock_and_is_paid_once(shop):
    member = MemberFactory()
    product = ProductFactory(title="Beans")
    sku = product.skus.get()
    order = place(member, line(sku, 3), confirmed_total_cents=30_000)
    assert (order.status, order.subtotal_cents, order.total_cents, order.amount_due_cents) == (
        OrderStatus.PENDING_PAYMENT,
        30_000,
        30_000,
        30_000,
    )
    assert Sku.objects.get(pk=sku.pk).stock == 7
    payment = order.payments.get()
    for _replay in range(3):
        services.record_payment_result("sandbox", payment.reference, succeeded=True, amount_cents=30_000)
    services.record_payment_result("sandbox", payment.reference, succeeded=False, amount_cents=30_000)
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == (OrderStatus.PAID, Payment.Status.SUCCEEDED)
    assert OutboxEvent.objects.filter(kind="order.paid").count() == 1
    assert list(order.history.values_list("from_status", "to_status")) == [
        ("", "pending_payment"),
        ("pending_payment", "paid"),
    ]


def test_points_and_stored_value_pay_the_whole_order(shop):
    member = MemberFactory()
    loyalty.add_points(member, 500, reason="Welcome", source=LedgerSource.MANUAL, idempotency_key="w")
    loyalty.top_up_balance(member, 20_000, reason="Top-up", idempotency_key="t")
    mug = ProductFactory(skus=[{"price_cents": 5_000, "points_price": 300, "points_cash_cents": 0}])
    beans = ProductFactory(skus=[{"price_cents": 8_800}])
    order = place(
        member,
        line(mug.skus.get(), 1, with_points=True),
        line(beans.skus.get(), 2),
        use_balance=True,
        payment_provider="",
        confirmed_total_cents=17_600,
        confirmed_points=300,
    )
    member.refresh_from_db()
    assert (order.status, order.points_spent, order.balance_paid_cents, order.amount_due_cents) == (
        OrderStatus.PAID,
        300,
        17_600,
        0,
    )
    assert (member.points, member.balance_cents) == (200, 2_400)
    assert loyalty.ledger_drift(member) == {"points": 0, "balance_cents": 0}


def test_a_changed_price_stops_the_checkout_and_changes_nothing(shop):
    member = MemberFactory()
    sku = ProductFactory().skus.get()
    with pytest.raises(
        services.ShopError, match="Prices have changed since you looked: the order now comes to"
    ):
        place(member, line(sku, 1), confirmed_total_cents=9_000)
    assert (Order.objects.count(), Sku.objects.get(pk=sku.pk).stock) == (0, 10)


def test_member_price_limit_and_visibility_follow_the_level(shop):
    gold = MemberLevelFactory(name="Gold", discount_percent=10)
    member = MemberRowFactory(level=gold)
    silver_member = MemberRowFactory(level=MemberLevelFactory(name="Silver"))
    product = ProductFactory(per_member_limit=5, visibility=Visibility.LEVELS)
    product.levels.add(gold)
    product.save()
    ProductLevelRule.objects.create(product=product, level=gold, discount_percent=20, purchase_limit=2)
    sku = product.skus.get()
    order = place(member, line(sku, 2), confirmed_total_cents=16_000)
    assert order.lines.get().unit_price_cents == 8_000
    with pytest.raises(services.ShopError, match="Each member can buy 2 of “.*”; you have 0 left to buy."):
        place(member, line(sku, 1))
    with pytest.raises(services.ShopError, match="Only for Gold members."):
        place(silver_member, line(sku, 1))
    assert Sku.objects.get(pk=sku.pk).stock == 8


def test_cancelling_an_unpaid_order_gives_everything_back(shop):
    member = MemberFactory()
    loyalty.top_up_balance(member, 3_000, reason="Top-up", idempotency_key="t")
    template = CouponTemplateFactory(amount_cents=1_000)
    coupon = coupon_services.issue_coupon(template, member, acting_user=None)
    sku = ProductFactory().skus.get()
    order = place(
        member, line(sku, 2), coupon_code=coupon.code, use_balance=True, confirmed_total_cents=19_000
    )
    assert (order.coupon_discount_cents, order.balance_paid_cents, order.amount_due_cents) == (
        1_000,
        3_000,
        16_000,
    )
    services.cancel_order(order, reason="Changed my mind", acting_user=member.user)
    member.refresh_from_db()
    coupon.refresh_from_db()
    assert (member.balance_cents, coupon.status, Sku.objects.get(pk=sku.pk).stock) == (3_000, "issued", 10)
    assert order.payments.get().status == Payment.Status.FAILED


def test_completion_earns_points_and_a_refund_takes_them_back(shop):
    member = MemberRowFactory(level=MemberLevelFactory(points_multiplier=2))
    sku = ProductFactory().skus.get()
    order = place(member, line(sku, 1))
    services.record_payment_result(
        "sandbox", order.payments.get().reference, succeeded=True, amount_cents=10_000
    )
    services.ship_order(order, tracking_number="SF1", acting_user=None)
    services.complete_order(order, acting_user=None)
    member.refresh_from_db()
    assert member.points == 200
    services.refund_order(order, reason="Broken on arrival", acting_user=None)
    member.refresh_from_db()
    order.refresh_from_db()
    assert (member.points, order.status, order.payments.get().status) == (0, "refunded", "refunded")
    assert Sku.objects.get(pk=sku.pk).stock == 9  # shipped goods do not go back on the shelf


def test_the_member_is_told_when_the_order_is_paid_shipped_and_refunded(shop):
    from django.test import TestCase

    from core.outbox import deliver_due_events
    from notifications.models import Notification

    member = MemberFactory()
    sku = ProductFactory().skus.get()
    order = place(member, line(sku, 1))
    services.record_payment_result(
        "sandbox", order.payments.get().reference, succeeded=True, amount_cents=10_000
    )
    services.ship_order(order, tracking_number="SF1234", acting_user=None)
    services.refund_order(order, reason="Lost in the post", acting_user=None)
    with TestCase.captureOnCommitCallbacks(execute=True):
        deliver_due_events()
    told = list(
        Notification.objects.filter(recipient=member.user).order_by("pk").values_list("kind", "title", "body")
    )
    number = order.number
    # In the brand's language (the member chose none).
    assert told == [
        (
            "order.paid",
            f"订单 {number} 已支付",
            f"感谢您的购买：订单 {number} 已收到 ¥100.00，我们正在为您备货。",
        ),
        ("order.shipped", f"订单 {number} 已发货", f"订单 {number} 已发货。运单号：SF1234。"),
        (
            "order.refunded",
            f"订单 {number} 已退款",
            f"订单 {number}（¥100.00）已退款：Lost in the post。储值和积分已退回您的账户，其他支付方式按原路退回。",
        ),
    ]


def test_bad_input_is_refused_with_a_message_and_changes_nothing(shop):
    import datetime as dt

    from django.utils import timezone

    member = MemberFactory()
    loyalty.top_up_balance(member, 5_000, reason="Top-up", idempotency_key="t")
    sku = ProductFactory().skus.get()
    refusals = {}
    cases = {
        "negative": {"lines": [services.LineRequest(sku.pk, -1)]},
        "too many": {"lines": [services.LineRequest(sku.pk, 100)]},
        "not a number": {"lines": [services.LineRequest(sku.pk, "two")]},
        "unknown sku": {"lines": [services.LineRequest(sku.pk + 1000, 1)]},
        "empty": {"lines": []},
        "no address": {"lines": [line(sku)], "address": ""},
        "pick-up elsewhere": {"lines": [line(sku)], "delivery": "pickup", "pickup_store": "Mars"},
        "no payment": {"lines": [line(sku)], "payment_provider": "bitcoin"},
        "points for a cash sku": {"lines": [line(sku, with_points=True)]},
    }
    for name, fields in cases.items():
        with pytest.raises(services.ShopError) as refusal:
            place(member, *fields.pop("lines"), use_balance=True, **fields)
        refusals[name] = str(refusal.value)
    template = CouponTemplateFactory(valid_from=timezone.now() - dt.timedelta(days=2))
    coupon = coupon_services.issue_coupon(template, member, acting_user=None)
    coupon.__class__.objects.filter(pk=coupon.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(services.ShopError) as expired:
        place(member, line(sku), coupon_code=coupon.code, use_balance=True)
    assert refusals == {
        "negative": "The quantity must be at least 1.",
        "too many": "You can buy at most 99 of one item at a time.",
        "not a number": "The quantity must be a whole number.",
        "unknown sku": "A product in your order is not sold here.",
        "empty": "Your cart is empty.",
        "no address": "Give the full delivery address.",
        "pick-up elsewhere": "Choose the store you will pick the order up from.",
        "no payment": "Choose how you will pay the ¥50.00 left to pay.",
        "points for a cash sku": f"“{sku.product.title}” cannot be bought that way.",
    }
    assert str(expired.value).startswith(f"The coupon {coupon.code} expired on ")
    member.refresh_from_db()
    coupon.refresh_from_db()
    assert (Order.objects.count(), Sku.objects.get(pk=sku.pk).stock, member.balance_cents, coupon.status) == (
        0,
        10,
        5_000,
        "issued",
    )


def test_a_customers_orders_are_in_their_data_and_deleting_the_account_clears_the_address(shop):
    from accounts import services as accounts

    member = MemberFactory()
    order = place(member, line(ProductFactory(title="Beans").skus.get(), 2))
    exported = accounts.export_customer_data(member.user)["orders"]
    assert exported == [
        {
            "number": order.number,
            "status": "pending_payment",
            "placed": order.created_at.isoformat(),
            "total_cents": 20_000,
            "points_spent": 0,
            "delivery": "shipping",
            "recipient_name": "Wang Fang",
            "recipient_phone": "13800000000",
            "address": "88 Yuyuan Road, Shanghai",
            "pickup_store": "",
            "lines": [
                {"title": "Beans", "options": "", "quantity": 2, "unit_price_cents": 10_000, "unit_points": 0}
            ],
        }
    ]
    accounts.delete_account(member.user, acting_user=member.user)
    order.refresh_from_db()
    assert (order.recipient_name, order.recipient_phone, order.address, order.total_cents) == (
        "",
        "",
        "",
        20_000,
    )


def test_a_product_cannot_take_the_address_of_a_shop_page(shop):
    from django.core.exceptions import ValidationError

    product = ProductFactory.build(slug="checkout", title="Checkout")
    with pytest.raises(ValidationError) as refusal:
        product.full_clean()
    assert refusal.value.message_dict["slug"] == [
        "“checkout” is a page of the shop itself; choose another address."
    ]


def test_an_order_number_taken_at_the_same_moment_is_drawn_again(shop, monkeypatch):
    from mall import models as mall_models

    member = MemberFactory()
    sku = ProductFactory().skus.get()
    first = place(member, line(sku))
    numbers = iter([first.number, "20990101-00000001"])
    monkeypatch.setattr(services, "new_order_number", lambda: next(numbers))
    second = place(member, line(sku))
    assert (second.number, Order.objects.count(), Sku.objects.get(pk=sku.pk).stock) == (
        "20990101-00000001",
        2,
        8,
    )
    assert mall_models.Order.objects.get(pk=second.pk).lines.count() == 1
