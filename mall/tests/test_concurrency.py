"""The shop never oversells: real concurrent checkouts, payments, group seats, bargain cuts and
coupon use, each thread on its own database connection, in a committed tenant.

PostgreSQL here allows about 100 connections, shared with whoever else is testing, so the calls
run as work items on a pool of POOL threads (run_on_pool): the threads are released together by a
barrier and each takes the next item until none is left, so at most POOL calls race at any moment
and every call races with others. "200 simultaneous checkouts" below means 200 checkouts of 200
members pushed through those POOL threads at once.
"""

import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import translation
from django_tenants.utils import schema_context

from accounts.tests.factories import UserFactory
from conftest import committed_tenant
from core.models import OutboxEvent
from coupons import services as coupon_services
from coupons.models import Coupon
from coupons.tests.factories import CouponTemplateFactory
from mall import services
from mall.models import (
    Bargain,
    BargainCut,
    GroupBuy,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    SaleMode,
    Sku,
)
from mall.tests.factories import ProductFactory, line, place
from members import services as loyalty
from members.models import BalanceEntry, LedgerSource, Member, PointsEntry
from members.tests.factories import MemberFactory

POOL = 40
RACERS = 200
STOCK = 50
PRICE = 10_000
START_BALANCE = 20_000
START_POINTS = 500
NO_DRIFT = {"points": 0, "balance_cents": 0}


def run_on_pool(count: int, work, *, threads: int = POOL) -> list:
    """work(index) for every index in range(count) on a concurrent.futures pool of `threads`
    threads, released together by a barrier; each thread takes the next index until none is left
    and closes its own database connection at the end. Returns what each call returned or raised,
    by index."""
    threads = min(threads, count)
    results, barrier, todo = [None] * count, threading.Barrier(threads), queue.SimpleQueue()
    for index in range(count):
        todo.put(index)

    def worker():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            while True:
                try:
                    index = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    with translation.override("en"):
                        results[index] = work(index)
                except Exception as error:  # noqa: BLE001 - the test inspects what each call got
                    results[index] = error
        finally:
            thread_connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(worker) for _ in range(threads)]:
            future.result()
    return results


def funded_member(index: int, *, balance: int = START_BALANCE, points: int = START_POINTS) -> Member:
    """A member with points and stored value, each through its ledger."""
    member = MemberFactory(user__username=f"shopper{index}")
    loyalty.add_points(
        member, points, reason="Welcome", source=LedgerSource.MANUAL, idempotency_key="welcome"
    )
    loyalty.top_up_balance(member, balance, reason="Top-up", idempotency_key="top-up")
    return member


def own_member(pk: int) -> Member:
    """The member loaded on this thread's connection."""
    return Member.objects.select_related("user", "level").get(pk=pk)


@pytest.fixture(scope="module")
def race_tenant(django_db_setup, django_db_blocker):
    """A committed tenant with RACERS members, each holding START_POINTS points and START_BALANCE
    cents of stored value; the tests make their own products (and any other members they need)."""
    with django_db_blocker.unblock(), committed_tenant("mallrace") as provisioned:
        schema = provisioned.tenant.schema_name
        with schema_context(schema):
            member_pks = [funded_member(i).pk for i in range(RACERS)]
        yield schema, member_pks
        connection.set_schema_to_public()


@pytest.fixture
def race(race_tenant, django_db_blocker):
    """(schema, member pks) with database access open and the tenant's schema active."""
    schema, member_pks = race_tenant
    with django_db_blocker.unblock(), schema_context(schema), translation.override("en"):
        yield schema, member_pks


def test_the_pool_runs_its_threads_at_once_and_returns_each_result_by_index(db):
    """What the tests below rest on: POOL calls are in flight at the same moment (they all pass a
    barrier of POOL inside the work, which would time out otherwise), and each result or error comes
    back at its index. (Asking for `db` also makes pytest-django create the test database when this
    file runs alone: it sets databases up only for tests that ask for one, and the committed tenant
    below needs it.)"""
    inside = threading.Barrier(POOL, timeout=30)

    def work(index):
        if index < POOL:
            inside.wait()
        if index % 7 == 0:
            raise services.ShopError(f"refused {index}")
        return index * 2

    results = run_on_pool(RACERS, work)

    assert [str(r) if isinstance(r, Exception) else r for r in results] == [
        f"refused {i}" if i % 7 == 0 else i * 2 for i in range(RACERS)
    ]


def test_two_hundred_checkouts_for_fifty_units_sell_exactly_fifty(race):
    """200 members each buy 1 of a SKU with 50 in stock, paying with stored value, through POOL
    threads at once (see the module docstring); a watcher thread reads the stock all along."""
    schema, member_pks = race
    product = ProductFactory(
        title="Limited beans", member_discount=False, skus=[{"price_cents": PRICE, "stock": STOCK}]
    )
    sku = product.skus.get()
    seen_stock, stop = [], threading.Event()

    def watch():
        try:
            with schema_context(schema):
                while not stop.is_set():
                    seen_stock.append(Sku.objects.values_list("stock", flat=True).get(pk=sku.pk))
                    time.sleep(0.002)
        finally:
            connection.close()

    def checkout(index):
        with schema_context(schema):
            return place(
                own_member(member_pks[index]),
                line(sku, 1),
                use_balance=True,
                payment_provider="",
                confirmed_total_cents=PRICE,
            )

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        results = run_on_pool(RACERS, checkout)
    finally:
        stop.set()
        watcher.join()

    orders = [r for r in results if isinstance(r, Order)]
    refusals = [r for r in results if isinstance(r, services.ShopError)]
    assert (len(orders), len(refusals)) == (STOCK, RACERS - STOCK)
    assert {str(r) for r in refusals} == {"“Limited beans” is sold out."}
    assert Sku.objects.get(pk=sku.pk).stock == 0
    assert len(seen_stock) > 0
    assert min(seen_stock) >= 0
    assert seen_stock == sorted(seen_stock, reverse=True)  # stock only ever went down
    assert Order.objects.filter(lines__sku=sku).count() == STOCK
    assert OrderLine.objects.filter(sku=sku).aggregate(total=Sum("quantity"))["total"] == STOCK
    assert set(Order.objects.filter(lines__sku=sku).values_list("status", flat=True)) == {OrderStatus.PAID}
    order_pks = [order.pk for order in orders]
    assert OutboxEvent.objects.filter(kind="order.paid", data__order__in=order_pks).count() == STOCK

    winners = {order.member_id for order in orders}
    assert len(winners) == STOCK  # one order each: nobody was served twice
    for pk in member_pks:
        member = Member.objects.get(pk=pk)
        if pk in winners:
            assert (member.balance_cents, member.points) == (START_BALANCE - PRICE, START_POINTS)
            assert list(
                BalanceEntry.objects.filter(member=member).order_by("pk").values_list("delta", flat=True)
            ) == [START_BALANCE, -PRICE]
        else:
            assert (member.balance_cents, member.points) == (START_BALANCE, START_POINTS)
            assert BalanceEntry.objects.filter(member=member).count() == 1
            assert not Order.objects.filter(member=member).exists()
        assert PointsEntry.objects.filter(member=member).count() == 1
        assert loyalty.ledger_drift(member) == NO_DRIFT


def test_a_member_clicking_buy_twenty_times_stops_at_the_purchase_limit(race):
    schema, _member_pks = race
    member = funded_member(1001)
    product = ProductFactory(
        title="One per customer, well three", member_discount=False, per_member_limit=3, skus=[{"stock": 100}]
    )
    sku = product.skus.get()

    def checkout(index):
        with schema_context(schema):
            return place(own_member(member.pk), line(sku, 1), confirmed_total_cents=PRICE)

    results = run_on_pool(20, checkout)

    orders = [r for r in results if isinstance(r, Order)]
    refusals = [r for r in results if isinstance(r, services.ShopError)]
    assert (len(orders), len(refusals)) == (3, 17)
    assert {str(r) for r in refusals} == {
        "Each member can buy 3 of “One per customer, well three”; you have 0 left to buy."
    }
    assert Order.objects.filter(member=member).count() == 3
    assert OrderLine.objects.filter(order__member=member).aggregate(total=Sum("quantity"))["total"] == 3
    assert Sku.objects.get(pk=sku.pk).stock == 97
    assert Payment.objects.filter(order__member=member).count() == 3


def test_one_checkout_submitted_twenty_times_at_once_is_one_order_charged_once(race):
    schema, _member_pks = race
    member = funded_member(1002, points=1_000)
    mug = ProductFactory(
        title="Mug",
        member_discount=False,
        skus=[{"price_cents": 5_000, "points_price": 300, "points_cash_cents": 0}],
    )
    beans = ProductFactory(title="Beans", member_discount=False, skus=[{"price_cents": 8_800}])

    def checkout(index):
        with schema_context(schema):
            return place(
                own_member(member.pk),
                line(mug.skus.get(), 1, with_points=True),
                line(beans.skus.get(), 2),
                use_balance=True,
                payment_provider="",
                confirmed_total_cents=17_600,
                confirmed_points=300,
                idempotency_key="checkout-form-7f3a",
            )

    results = run_on_pool(20, checkout)

    assert all(isinstance(r, Order) for r in results), {type(r).__name__: str(r) for r in results}
    assert {r.pk for r in results} == {Order.objects.get(member=member).pk}
    order = Order.objects.get(member=member)
    assert (order.status, order.points_spent, order.balance_paid_cents, order.amount_due_cents) == (
        OrderStatus.PAID,
        300,
        17_600,
        0,
    )
    member.refresh_from_db()
    assert (member.points, member.balance_cents) == (700, START_BALANCE - 17_600)
    assert list(PointsEntry.objects.filter(member=member).order_by("pk").values_list("delta", flat=True)) == [
        1_000,
        -300,
    ]
    assert list(
        BalanceEntry.objects.filter(member=member).order_by("pk").values_list("delta", flat=True)
    ) == [
        START_BALANCE,
        -17_600,
    ]
    assert loyalty.ledger_drift(member) == NO_DRIFT
    assert (Sku.objects.get(pk=mug.skus.get().pk).stock, Sku.objects.get(pk=beans.skus.get().pk).stock) == (
        9,
        8,
    )
    assert OutboxEvent.objects.filter(kind="order.placed", data__order=order.pk).count() == 1
    assert OutboxEvent.objects.filter(kind="order.paid", data__order=order.pk).count() == 1


def test_payment_callbacks_racing_each_other_pay_the_order_once(race):
    schema, _member_pks = race
    member = funded_member(1003)
    sku = ProductFactory(member_discount=False).skus.get()
    order = place(member, line(sku, 1), confirmed_total_cents=PRICE)
    payment = order.payments.get()
    successes, failures = 20, 10

    def callback(index):
        with schema_context(schema):
            return services.record_payment_result(
                "sandbox",
                payment.reference,
                succeeded=index % 3 != 2,  # 20 successes and 10 failures, interleaved
                amount_cents=PRICE,
                payload={"callback": index},
            )

    results = run_on_pool(successes + failures, callback)

    assert all(isinstance(r, Payment) for r in results), {type(r).__name__: str(r) for r in results}
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == (OrderStatus.PAID, Payment.Status.SUCCEEDED)
    assert payment.last_callback["callback"] % 3 != 2  # the success that settled it is what is kept
    assert order.payments.count() == 1
    assert OutboxEvent.objects.filter(kind="order.paid", data__order=order.pk).count() == 1
    assert list(order.history.values_list("from_status", "to_status")) == [
        ("", "pending_payment"),
        ("pending_payment", "paid"),
    ]


def test_twenty_members_joining_a_group_of_three_fill_exactly_two_seats(race):
    """The leader pays at once; the joiners pay ¥20.00 from stored value and the rest online, so
    the group stays open (and every late joiner finds it full) until their payments arrive."""
    schema, _member_pks = race
    leader = funded_member(1004)
    joiners = [funded_member(1100 + i, balance=2_000) for i in range(20)]
    product = ProductFactory(
        title="Team coffee",
        member_discount=False,
        sale_mode=SaleMode.GROUP_BUY,
        group_size=3,
        group_price_cents=5_000,
        skus=[{"price_cents": PRICE, "stock": 100}],
    )
    sku = product.skus.get()
    first = place(
        leader,
        line(sku, 1),
        start_group_buy=True,
        use_balance=True,
        payment_provider="",
        confirmed_total_cents=5_000,
    )
    group = first.group_buy

    def join(index):
        with schema_context(schema):
            return place(
                own_member(joiners[index].pk),
                line(sku, 1),
                group_buy_id=group.pk,
                use_balance=True,
                confirmed_total_cents=5_000,
            )

    results = run_on_pool(len(joiners), join)

    joined = [r for r in results if isinstance(r, Order)]
    refusals = [r for r in results if isinstance(r, services.ShopError)]
    assert (len(joined), len(refusals)) == (2, 18)
    assert {str(r) for r in refusals} == {"This group is full; start a new one."}
    group.refresh_from_db()
    assert (group.joined, group.paid, group.status, group.leader_id) == (
        3,
        1,
        GroupBuy.Status.OPEN,
        leader.pk,
    )
    assert sorted(Order.objects.filter(group_buy=group).values_list("member_id", flat=True)) == sorted(
        [leader.pk, *(order.member_id for order in joined)]
    )
    assert Sku.objects.get(pk=sku.pk).stock == 97
    seated = {order.member_id for order in joined}
    for joiner in joiners:
        joiner.refresh_from_db()
        assert joiner.balance_cents == (0 if joiner.pk in seated else 2_000)
        assert loyalty.ledger_drift(joiner) == NO_DRIFT

    for order in joined:
        payment = order.payments.get()
        assert payment.amount_cents == 3_000
        services.record_payment_result("sandbox", payment.reference, succeeded=True, amount_cents=3_000)
    group.refresh_from_db()
    assert (group.joined, group.paid, group.status) == (3, 3, GroupBuy.Status.SUCCEEDED)
    assert OutboxEvent.objects.filter(kind="group_buy.succeeded", data__group=group.pk).count() == 1


def test_thirty_friends_cutting_at_once_stop_exactly_at_the_floor(race):
    schema, _member_pks = race
    member = funded_member(1005)
    friends = [UserFactory(username=f"friend{i}") for i in range(30)]
    product = ProductFactory(
        title="Bargain grinder",
        sale_mode=SaleMode.BARGAIN,
        bargain_floor_cents=5_000,
        bargain_min_cut_cents=1_000,
        bargain_max_cut_cents=2_000,
        skus=[{"price_cents": PRICE}],
    )
    bargain = services.start_bargain(member, product.skus.get().pk, acting_user=member.user)

    def cut(index):
        with schema_context(schema):
            return services.cut_bargain(Bargain.objects.get(pk=bargain.pk), friends[index])

    results = run_on_pool(len(friends), cut)

    cuts = [r for r in results if isinstance(r, BargainCut)]
    refusals = [r for r in results if isinstance(r, services.ShopError)]
    assert len(cuts) + len(refusals) == len(friends)
    assert {str(r) for r in refusals} == {"The price is already at its lowest: ¥50.00."}
    assert 3 <= len(cuts) <= 5  # 5,000 cents to cut, 1,000 to 2,000 a cut, the last one clipped
    bargain.refresh_from_db()
    assert (bargain.start_price_cents, bargain.floor_cents, bargain.price_cents) == (PRICE, 5_000, 5_000)
    assert BargainCut.objects.filter(bargain=bargain).count() == len(cuts)
    amounts = list(BargainCut.objects.filter(bargain=bargain).values_list("amount_cents", flat=True))
    assert sorted(amounts) == sorted(c.amount_cents for c in cuts)
    assert sum(amounts) == bargain.start_price_cents - bargain.price_cents == 5_000
    assert all(0 < amount <= 2_000 for amount in amounts)
    assert sum(amount < 1_000 for amount in amounts) <= 1  # only the cut that reached the floor
    assert OutboxEvent.objects.filter(kind="bargain.cut", data__bargain=bargain.pk).count() == len(cuts)


def test_one_coupon_used_by_ten_checkouts_at_once_goes_on_one_order(race):
    schema, _member_pks = race
    member = funded_member(1006)
    coupon = coupon_services.issue_coupon(CouponTemplateFactory(amount_cents=1_000), member, acting_user=None)
    sku = ProductFactory(member_discount=False, skus=[{"stock": 100}]).skus.get()

    def checkout(index):
        with schema_context(schema):
            return place(
                own_member(member.pk), line(sku, 1), coupon_code=coupon.code, confirmed_total_cents=9_000
            )

    results = run_on_pool(10, checkout)

    orders = [r for r in results if isinstance(r, Order)]
    refusals = [r for r in results if isinstance(r, services.ShopError)]
    assert (len(orders), len(refusals)) == (1, 9)
    (winner,) = orders
    assert all(
        str(r).startswith(f"The coupon {coupon.code} was already used on ")
        and str(r).endswith(f"(order {winner.number}).")
        for r in refusals
    ), [str(r) for r in refusals]
    assert list(
        Order.objects.filter(member=member).values_list("pk", "coupon_id", "coupon_discount_cents")
    ) == [(winner.pk, coupon.pk, 1_000)]
    coupon.refresh_from_db()
    assert (coupon.status, coupon.redeemed_order_reference, coupon.discount_cents) == (
        Coupon.Status.REDEEMED,
        winner.number,
        1_000,
    )
    assert Sku.objects.get(pk=sku.pk).stock == 99
