"""Commission through the real checkout and outbox: which rule a line follows, what it earns in
whole cents, the second tier, orders outside the referral, replays, and the whole story from an
order to a paid withdrawal with a refund in between, every balance and ledger entry checked."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import OutboxEvent
from coupons import services as coupon_services
from coupons.tests.factories import CouponTemplateFactory
from mall import services as mall
from mall.tests.factories import ProductCategoryFactory, ProductFactory
from members import services as loyalty
from members.models import LedgerSource
from members.tests.factories import MemberFactory
from referrals import services
from referrals.models import Commission, CommissionEntry, CommissionRule, Promoter, PromoterLevel, Referral
from referrals.tests.factories import (
    complete,
    deliver,
    line,
    own_rules_only,
    paid_order,
    place,
    programme,
    promoter,
    referred,
    refund,
    rule,
)

NO_DRIFT = {"pending": 0, "available": 0, "held": 0, "withdrawn": 0}


@pytest.fixture
def tenant(make_tenant, in_tenant):
    provisioned = make_tenant("earn", default_language="en")
    with in_tenant(provisioned.tenant):
        own_rules_only()
        yield provisioned.tenant


def sku(price_cents, **product):
    return ProductFactory(skus=[{"price_cents": price_cents, "stock": 100}], **product).skus.get()


def balances(promoter_):
    promoter_.refresh_from_db()
    return {
        "pending": promoter_.pending_cents,
        "available": promoter_.available_cents,
        "held": promoter_.held_cents,
        "withdrawn": promoter_.withdrawn_cents,
    }


def ledger(promoter_):
    """(kind, amount, pending, available, held, withdrawn deltas) of each entry, oldest first."""
    return list(
        CommissionEntry.objects.filter(promoter=promoter_)
        .order_by("pk")
        .values_list(
            "kind", "amount_cents", "pending_delta", "available_delta", "held_delta", "withdrawn_delta"
        )
    )


def earned(order):
    return sorted(
        Commission.objects.filter(order=order).values_list("tier", "promoter", "base_cents", "amount_cents")
    )


# --- Which rule ------------------------------------------------------------------------------------


@pytest.fixture
def shelves(tenant):
    """Coffee (with a Beans sub-category) and Tea; a bronze (entry) and a gold promoter level."""
    coffee = ProductCategoryFactory(name="Coffee")
    return {
        "coffee": coffee,
        "beans": ProductCategoryFactory(name="Beans", parent=coffee),
        "tea": ProductCategoryFactory(name="Tea"),
        "bronze": PromoterLevel.objects.create(name="Bronze", rank=1),
        "gold": PromoterLevel.objects.create(name="Gold", rank=2),
    }


def test_the_most_specific_rule_wins(shelves):
    special = sku(10_000, category=shelves["beans"])
    beans = sku(5_000, category=shelves["beans"])
    ground = sku(4_000, category=shelves["coffee"])
    tea = sku(10_000, category=shelves["tea"])
    loose = sku(2_000)
    rule(name="Shop", first_tier=1, second_tier=0)
    rule(name="Coffee", category=shelves["coffee"], first_tier=5, second_tier=0)
    rule(
        name="Coffee for gold", category=shelves["coffee"], level=shelves["gold"], first_tier=8, second_tier=0
    )
    rule(name="Special", product=special.product, first_tier=20, second_tier=0)
    rule(name="Tea for gold", category=shelves["tea"], level=shelves["gold"], first_tier=3, second_tier=0)
    rule(name="Switched off", first_tier=50, second_tier=0, is_active=False)

    bronze = promoter()
    gold = promoter()
    services.set_promoter_level(gold, shelves["gold"], acting_user=None)
    assert bronze.level == shelves["bronze"]  # new promoters start at the lowest level
    lines = (line(special), line(beans, 2), line(ground), line(tea), line(loose))
    bronze_order = paid_order(referred(bronze), *lines)
    gold_order = paid_order(referred(gold), *lines)

    def rules_of(order, level):
        return [
            (found.rule.name, found.base_cents, found.first_cents)
            for found in services.line_commissions(order, level.pk)
        ]

    # The product's rule before its (parent) category's; a sub-category follows its parent's rule;
    # a level's rule before every level's; the shop's rule for the rest.
    assert rules_of(bronze_order, shelves["bronze"]) == [
        ("Special", 10_000, 2_000),
        ("Coffee", 10_000, 500),
        ("Coffee", 4_000, 200),
        ("Shop", 10_000, 100),
        ("Shop", 2_000, 20),
    ]
    assert rules_of(gold_order, shelves["gold"]) == [
        ("Special", 10_000, 2_000),
        ("Coffee for gold", 10_000, 800),
        ("Coffee for gold", 4_000, 320),
        ("Tea for gold", 10_000, 300),
        ("Shop", 2_000, 20),
    ]
    assert earned(bronze_order) == [(1, bronze.pk, 36_000, 2_820)]
    assert earned(gold_order) == [(1, gold.pk, 36_000, 3_440)]


def test_a_sub_categorys_own_rule_comes_before_its_parents(shelves):
    beans = sku(5_000, category=shelves["beans"])
    rule(name="Beans", category=shelves["beans"], first_tier=6, second_tier=0)
    rule(name="Coffee", category=shelves["coffee"], first_tier=5, second_tier=0)  # newer, less specific
    order = paid_order(referred(promoter()), line(beans))
    assert [found.rule.name for found in services.line_commissions(order, None)] == ["Beans"]
    assert Commission.objects.get(order=order).amount_cents == 300


def test_no_rule_earns_no_commission(shelves):
    tea = sku(10_000, category=shelves["tea"])
    beans = sku(5_000, category=shelves["beans"])
    rule(name="Coffee", category=shelves["coffee"], first_tier=5, second_tier=0)
    ambassador = promoter()
    customer = referred(ambassador)
    tea_only = paid_order(customer, line(tea))
    mixed = paid_order(customer, line(tea), line(beans))
    assert earned(tea_only) == []
    assert earned(mixed) == [(1, ambassador.pk, 5_000, 250)]  # the base is what earned: the beans
    assert ledger(ambassador) == [("earned", 250, 250, 0, 0, 0)]


# --- How much --------------------------------------------------------------------------------------


def test_percentages_and_fixed_amounts_are_whole_cents_rounded_down_and_capped(tenant):
    odd = sku(999)
    cheap = sku(300)
    rule(name="Odd", product=odd.product, first_tier=3, second_tier="0.5")
    rule(
        name="Cheap", product=cheap.product, kind=CommissionRule.Kind.FIXED, first_tier="2.50", second_tier=5
    )
    upper = promoter()
    ambassador = promoter(referred(upper))
    customer = referred(ambassador)

    order = paid_order(customer, line(odd, 3), line(cheap, 2))

    assert [
        (found.base_cents, found.first_cents, found.second_cents)
        for found in services.line_commissions(order, None)
    ] == [
        (2_997, 89, 14),  # 3% of ¥29.97 is 89.91 cents, 0.5% is 14.985
        (600, 500, 600),  # ¥2.50 × 2; ¥5 × 2 is more than the ¥6.00 paid: capped at it
    ]
    assert earned(order) == [(1, ambassador.pk, 3_597, 589), (2, upper.pk, 3_597, 614)]


def test_a_coupon_is_shared_across_the_lines_to_the_cent(tenant):
    skus = [sku(3_333), sku(3_333), sku(3_334)]
    rule(first_tier=100, second_tier=0)
    ambassador = promoter()
    customer = referred(ambassador)
    coupon = coupon_services.issue_coupon(
        CouponTemplateFactory(amount_cents=1_000), customer, acting_user=None
    )

    order = paid_order(customer, *(line(found) for found in skus), coupon_code=coupon.code)

    assert (order.subtotal_cents, order.coupon_discount_cents) == (10_000, 1_000)
    assert [found.base_cents for found in services.line_commissions(order, None)] == [2_999, 3_000, 3_001]
    assert earned(order) == [(1, ambassador.pk, 9_000, 9_000)]  # exactly what was paid for the goods
    assert services.coupon_shares(1_000, [6_000, 0, 4_000]) == [600, 0, 400]
    assert services.coupon_shares(2, [1, 1, 1]) == [1, 1, 0]
    assert services.coupon_shares(500, [300]) == [300]


def test_lines_paid_with_points_earn_only_on_their_cash(tenant):
    rule()
    mug = ProductFactory(
        skus=[{"price_cents": 5_000, "points_price": 300, "points_cash_cents": 0}]
    ).skus.get()
    cup = ProductFactory(
        skus=[{"price_cents": 5_000, "points_price": 100, "points_cash_cents": 1_000}]
    ).skus.get()
    beans = sku(8_800)
    ambassador = promoter()
    customer = referred(ambassador)
    loyalty.add_points(customer, 1_000, reason="Welcome", source=LedgerSource.MANUAL, idempotency_key="w")

    only_points = paid_order(customer, line(mug, with_points=True), payment_provider="")
    mixed = paid_order(customer, line(mug, with_points=True), line(cup, with_points=True), line(beans))

    assert (only_points.status, only_points.total_cents) == ("paid", 0)
    assert earned(only_points) == []
    assert earned(mixed) == [(1, ambassador.pk, 9_800, 980)]


# --- Who earns -------------------------------------------------------------------------------------


def test_the_promoters_own_referrer_earns_the_second_tier(tenant):
    rule(first_tier=10, second_tier=2)
    beans = sku(10_000)
    upper = promoter()
    ambassador = promoter(referred(upper))
    customer = referred(ambassador)

    order = paid_order(customer, line(beans))
    assert earned(order) == [(1, ambassador.pk, 10_000, 1_000), (2, upper.pk, 10_000, 200)]
    assert (balances(ambassador)["pending"], balances(upper)["pending"]) == (1_000, 200)
    assert services.ledger_drift(ambassador) == services.ledger_drift(upper) == NO_DRIFT

    services.suspend_promoter(upper, reason="Spam", acting_user=None)
    second = paid_order(customer, line(beans))
    assert earned(second) == [(1, ambassador.pk, 10_000, 1_000)]

    services.suspend_promoter(ambassador, reason="Spam", acting_user=None)
    services.reinstate_promoter(upper, acting_user=None)
    assert earned(paid_order(customer, line(beans))) == []


def test_orders_before_the_referral_or_after_its_window_earn_nothing(tenant):
    rule()
    beans = sku(10_000)
    ambassador = promoter()
    customer = MemberFactory()
    before = place(customer, line(beans))  # placed, paid only after the customer typed the code
    services.enter_code(customer, ambassador.code)
    mall.record_payment_result(
        "sandbox", before.payments.get().reference, succeeded=True, amount_cents=before.total_cents
    )
    deliver()
    assert earned(before) == []

    in_time = paid_order(customer, line(beans))
    Referral.objects.filter(customer=customer).update(orders_until=timezone.now())
    too_late = paid_order(customer, line(beans))
    assert earned(in_time) == [(1, ambassador.pk, 10_000, 1_000)]
    assert earned(too_late) == []


def test_a_referral_made_with_no_order_window_earns_on_every_order(tenant):
    programme(order_days=0)
    rule()
    ambassador = promoter()
    customer = referred(ambassador)
    assert Referral.objects.get(customer=customer).orders_until is None
    assert earned(paid_order(customer, line(sku(10_000)))) == [(1, ambassador.pk, 10_000, 1_000)]


def test_with_referrals_turned_off_orders_earn_nothing(tenant):
    rule()
    ambassador = promoter()
    customer = referred(ambassador)
    programme(enabled=False)
    assert earned(paid_order(customer, line(sku(10_000)))) == []
    assert balances(ambassador) == {"pending": 0, "available": 0, "held": 0, "withdrawn": 0}


def test_order_paid_delivered_twice_earns_once(tenant):
    rule()
    upper = promoter()
    ambassador = promoter(referred(upper))
    order = paid_order(referred(ambassador), line(sku(10_000)))
    event = OutboxEvent.objects.get(kind="order.paid")

    OutboxEvent.objects.filter(pk=event.pk).update(status="pending", next_attempt_at=timezone.now())
    deliver()
    services.commission_for_paid_order(event)

    assert earned(order) == [(1, ambassador.pk, 10_000, 1_000), (2, upper.pk, 10_000, 200)]
    assert ledger(ambassador) == [("earned", 1_000, 1_000, 0, 0, 0)]
    assert ledger(upper) == [("earned", 200, 200, 0, 0, 0)]
    assert (balances(ambassador)["pending"], balances(upper)["pending"]) == (1_000, 200)


def test_events_delivered_out_of_order_still_settle_or_earn_nothing(tenant):
    """order.paid's delivery failed and was retried after order.completed (or order.refunded):
    the commission still settles when the window ends, and a refunded order earns nothing."""
    programme(return_days=7)
    rule(second_tier=0)
    ambassador = promoter()
    customer = referred(ambassador)
    beans = sku(10_000)

    completed = place(customer, line(beans))
    mall.record_payment_result(
        "sandbox", completed.payments.get().reference, succeeded=True, amount_cents=10_000
    )
    mall.ship_order(completed, acting_user=None)
    completed = mall.complete_order(completed, acting_user=None)
    refunded = place(customer, line(beans))
    mall.record_payment_result(
        "sandbox", refunded.payments.get().reference, succeeded=True, amount_cents=10_000
    )
    mall.refund_order(refunded, reason="Changed my mind", acting_user=None)
    events = {
        (event.kind, event.data["order"]): event
        for event in OutboxEvent.objects.filter(kind__startswith="order.")
    }

    services.start_return_window(events["order.completed", completed.pk])
    services.reverse_refunded_order(events["order.refunded", refunded.pk])
    services.commission_for_paid_order(events["order.paid", completed.pk])
    services.commission_for_paid_order(events["order.paid", refunded.pk])

    commission = Commission.objects.get()
    assert (commission.order, commission.settles_at) == (
        completed,
        completed.completed_at + dt.timedelta(days=7),
    )
    assert services.settle_due_commissions(now=commission.settles_at) == {"settled": 1}
    assert balances(ambassador) == {"pending": 0, "available": 1_000, "held": 0, "withdrawn": 0}


def test_a_refund_delivered_late_is_never_settled_first(tenant):
    programme(return_days=0)
    rule(second_tier=0)
    ambassador = promoter()
    order = complete(paid_order(referred(ambassador), line(sku(10_000))))
    mall.refund_order(order, reason="Broken", acting_user=None)  # its event not delivered yet

    assert services.settle_due_commissions(now=timezone.now() + dt.timedelta(days=1)) == {"settled": 0}
    deliver()
    assert Commission.objects.get().status == Commission.Status.REVERSED
    assert balances(ambassador) == {"pending": 0, "available": 0, "held": 0, "withdrawn": 0}
    assert services.ledger_drift(ambassador) == NO_DRIFT


# --- The whole story -------------------------------------------------------------------------------


def test_from_an_order_to_a_paid_withdrawal_with_a_refund_in_between(tenant):
    programme(return_days=7, minimum_withdrawal_cents=1_000)
    rule(first_tier=10, second_tier=0)
    beans = sku(8_800)
    cup = sku(4_999)
    staff = UserFactory(is_staff=True)
    ambassador = promoter()
    customer = referred(ambassador)

    def check(expected_balances, expected_ledger):
        assert balances(ambassador) == expected_balances
        assert ledger(ambassador) == expected_ledger
        assert services.ledger_drift(ambassador) == NO_DRIFT

    first = paid_order(customer, line(beans, 2))
    first_commission = Commission.objects.get(order=first)
    entries = [("earned", 1_760, 1_760, 0, 0, 0)]
    check({"pending": 1_760, "available": 0, "held": 0, "withdrawn": 0}, entries)
    assert (first_commission.status, first_commission.base_cents, first_commission.settles_at) == (
        "pending",
        17_600,
        None,
    )

    second = paid_order(customer, line(cup))
    entries.append(("earned", 499, 499, 0, 0, 0))
    check({"pending": 2_259, "available": 0, "held": 0, "withdrawn": 0}, entries)

    first = complete(first)
    first_commission.refresh_from_db()
    settles_at = first.completed_at + dt.timedelta(days=7)
    assert first_commission.settles_at == settles_at
    assert Commission.objects.get(order=second).settles_at is None

    assert services.settle_due_commissions(now=settles_at - dt.timedelta(seconds=1)) == {"settled": 0}
    check({"pending": 2_259, "available": 0, "held": 0, "withdrawn": 0}, entries)

    refund(second)
    entries.append(("reversed", 499, -499, 0, 0, 0))
    check({"pending": 1_760, "available": 0, "held": 0, "withdrawn": 0}, entries)
    reversed_commission = Commission.objects.get(order=second)
    assert (reversed_commission.status, reversed_commission.reversed_at is not None) == ("reversed", True)

    assert services.settle_due_commissions(now=settles_at) == {"settled": 1}
    assert services.settle_due_commissions(now=settles_at + dt.timedelta(days=1)) == {"settled": 0}
    entries.append(("settled", 1_760, -1_760, 1_760, 0, 0))
    check({"pending": 0, "available": 1_760, "held": 0, "withdrawn": 0}, entries)
    first_commission.refresh_from_db()
    assert (first_commission.status, first_commission.settled_at) == ("settled", settles_at)
    assert OutboxEvent.objects.get(kind="referral.commission_settled").data == {
        "commission": first_commission.pk,
        "order": first.number,
        "amount": "¥17.60",
        "available": "¥17.60",
    }

    refund(first)  # after the return window: settled commission is final
    check({"pending": 0, "available": 1_760, "held": 0, "withdrawn": 0}, entries)

    withdrawal = services.request_withdrawal(
        ambassador, 1_500, pay_to="Alipay 13800000000", idempotency_key="ask-1"
    )
    entries.append(("withdrawal_requested", 1_500, 0, -1_500, 1_500, 0))
    check({"pending": 0, "available": 260, "held": 1_500, "withdrawn": 0}, entries)

    withdrawal = services.pay_withdrawal(withdrawal, reference="ALI-2026-0001", acting_user=staff)
    entries.append(("withdrawal_paid", 1_500, 0, 0, -1_500, 1_500))
    check({"pending": 0, "available": 260, "held": 0, "withdrawn": 1_500}, entries)
    assert (withdrawal.status, withdrawal.payout_reference, withdrawal.decided_by) == (
        "paid",
        "ALI-2026-0001",
        staff,
    )
    assert Promoter.objects.get(pk=ambassador.pk).earned_cents == 1_760
