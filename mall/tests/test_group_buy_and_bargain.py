"""Group-buys and bargains through mall.services."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from core.models import OutboxEvent
from mall import services
from mall.models import Bargain, BargainCut, GroupBuy, Order, OrderStatus, SaleMode, Sku
from mall.tests.factories import ProductFactory, line, place
from members import services as loyalty
from members.tests.factories import MemberFactory


@pytest.fixture
def shop(make_tenant, in_tenant):
    provisioned = make_tenant("groups")
    with in_tenant(provisioned.tenant):
        yield provisioned


def _group_product(size=3):
    return ProductFactory(
        sale_mode=SaleMode.GROUP_BUY,
        group_size=size,
        group_price_cents=6_000,
        group_hours=24,
        skus=[{"price_cents": 10_000}],
    )


def _pay(order):
    services.record_payment_result(
        "sandbox", order.payments.get().reference, succeeded=True, amount_cents=order.amount_due_cents
    )


def test_a_group_succeeds_when_every_seat_is_paid(shop):
    sku = _group_product(size=2).skus.get()
    leader, friend = MemberFactory(), MemberFactory()
    first = place(leader, line(sku), start_group_buy=True, confirmed_total_cents=6_000)
    group = first.group_buy
    second = place(friend, line(sku), group_buy_id=group.pk)
    _pay(first)
    assert GroupBuy.objects.get(pk=group.pk).status == GroupBuy.Status.OPEN
    _pay(second)
    group.refresh_from_db()
    assert (group.status, group.joined, group.paid) == (GroupBuy.Status.SUCCEEDED, 2, 2)
    assert OutboxEvent.objects.filter(kind="group_buy.succeeded").count() == 1
    # Only now can the orders be shipped.
    services.ship_order(first, tracking_number="SF9", acting_user=None)


def test_a_full_group_refuses_more_members_and_one_member_joins_once(shop):
    sku = _group_product(size=2).skus.get()
    leader, friend, late = MemberFactory(), MemberFactory(), MemberFactory()
    group = place(leader, line(sku), start_group_buy=True).group_buy
    with pytest.raises(services.ShopError, match="You are already in this group."):
        place(leader, line(sku), group_buy_id=group.pk)
    place(friend, line(sku), group_buy_id=group.pk)
    with pytest.raises(services.ShopError, match="This group is full; start a new one."):
        place(late, line(sku), group_buy_id=group.pk)
    assert (GroupBuy.objects.get(pk=group.pk).joined, Order.objects.filter(group_buy=group).count()) == (2, 2)


def test_an_unpaid_cancelled_seat_is_given_back(shop):
    sku = _group_product(size=2).skus.get()
    leader, friend, other = MemberFactory(), MemberFactory(), MemberFactory()
    group = place(leader, line(sku), start_group_buy=True).group_buy
    order = place(friend, line(sku), group_buy_id=group.pk)
    services.cancel_order(order, reason="Changed my mind", acting_user=None)
    assert GroupBuy.objects.get(pk=group.pk).joined == 1
    place(other, line(sku), group_buy_id=group.pk)
    assert GroupBuy.objects.get(pk=group.pk).joined == 2


def test_a_group_not_filled_in_time_fails_and_refunds_everyone(shop):
    sku = _group_product(size=3).skus.get()
    leader, friend = MemberFactory(), MemberFactory()
    loyalty.top_up_balance(leader, 6_000, reason="Top-up", idempotency_key="t")
    paid = place(leader, line(sku), start_group_buy=True, use_balance=True, payment_provider="")
    unpaid = place(friend, line(sku), group_buy_id=paid.group_buy_id)
    assert paid.status == OrderStatus.PAID
    report = services.close_expired_group_buys(now=timezone.now() + dt.timedelta(hours=25))
    assert report == {"groups_failed": 1, "bargains_expired": 0}
    paid.refresh_from_db()
    unpaid.refresh_from_db()
    leader.refresh_from_db()
    assert (paid.status, unpaid.status, leader.balance_cents) == (
        OrderStatus.REFUNDED,
        OrderStatus.CANCELLED,
        6_000,
    )
    assert GroupBuy.objects.get(pk=paid.group_buy_id).status == GroupBuy.Status.FAILED
    assert Sku.objects.get(pk=sku.pk).stock == 10
    # Running it again finds nothing to do.
    assert (
        services.close_expired_group_buys(now=timezone.now() + dt.timedelta(hours=26))["groups_failed"] == 0
    )


def test_friends_cut_a_bargain_once_each_never_below_the_floor(shop):
    product = ProductFactory(
        sale_mode=SaleMode.BARGAIN,
        bargain_floor_cents=7_000,
        bargain_min_cut_cents=1_000,
        bargain_max_cut_cents=2_000,
        skus=[{"price_cents": 10_000}],
    )
    owner = MemberFactory()
    bargain = services.start_bargain(owner, product.skus.get().pk)
    assert services.start_bargain(owner, product.skus.get().pk) == bargain
    friends = [MemberFactory().user for _ in range(4)]
    rng = random.Random(7)
    cuts, refusals = [], []
    for friend in friends[:3]:
        try:
            cuts.append(services.cut_bargain(bargain, friend, rng=rng))
        except services.ShopError as refusal:
            refusals.append(str(refusal))
    assert set(refusals) <= {"The price is already at its lowest: ¥70.00."}
    with pytest.raises(services.ShopError, match="You have already cut this price; each friend cuts once."):
        services.cut_bargain(bargain, friends[0], rng=rng)
    with pytest.raises(services.ShopError, match="you cannot cut your own"):
        services.cut_bargain(bargain, owner.user, rng=rng)
    bargain.refresh_from_db()
    assert bargain.price_cents >= 7_000
    assert bargain.start_price_cents - bargain.price_cents == sum(
        BargainCut.objects.filter(bargain=bargain).values_list("amount_cents", flat=True)
    )
    assert all(1 <= cut.amount_cents <= 2_000 for cut in cuts)
    order = place(
        owner, line(product.skus.get()), bargain_id=bargain.pk, confirmed_total_cents=bargain.price_cents
    )
    assert (order.total_cents, Bargain.objects.get(pk=bargain.pk).status) == (
        bargain.price_cents,
        Bargain.Status.ORDERED,
    )
    with pytest.raises(services.ShopError, match="This bargain has ended."):
        services.cut_bargain(bargain, friends[3], rng=rng)


def test_unpaid_orders_get_one_reminder_then_time_out(shop):
    member = MemberFactory()
    sku = ProductFactory().skus.get()
    order = place(member, line(sku, 2))
    halfway = order.pay_by - dt.timedelta(minutes=10)
    assert services.cancel_unpaid_orders(now=halfway) == {"cancelled": 0, "reminded": 1}
    assert services.cancel_unpaid_orders(now=halfway) == {"cancelled": 0, "reminded": 0}
    assert services.cancel_unpaid_orders(now=order.pay_by + dt.timedelta(seconds=1)) == {
        "cancelled": 1,
        "reminded": 0,
    }
    order.refresh_from_db()
    assert (order.status, Sku.objects.get(pk=sku.pk).stock) == (OrderStatus.CANCELLED, 10)
    assert OutboxEvent.objects.filter(kind="order.payment_reminder").count() == 1
    # Money arriving after the cancellation is handed back, and the order stays cancelled.
    payment = order.payments.get()
    services.record_payment_result(
        "sandbox", payment.reference, succeeded=True, amount_cents=payment.amount_cents
    )
    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, order.status) == ("refunded", OrderStatus.CANCELLED)
