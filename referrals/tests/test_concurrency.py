"""Real concurrency in a committed tenant, each thread on its own database connection: withdrawal
requests sent at once never take more than the settled balance, one request is paid once however
many staff click, the tick running twice settles each commission once, an order.paid handled twice
at once earns once, and refunds delivered while the tick runs are reversed, never settled.

PostgreSQL allows about 100 connections and other test runs share it: at most RACERS threads."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import translation
from django_tenants.utils import schema_context

from accounts.tests.factories import UserFactory
from conftest import committed_tenant, run_in_threads
from core.models import OutboxEvent
from mall import services as mall
from mall.tests.factories import ProductFactory
from members.models import Member
from members.tests.factories import MemberFactory
from referrals import services
from referrals.models import Commission, CommissionEntry, CommissionRule, Promoter, Referral, Withdrawal
from referrals.tests.factories import (
    complete,
    line,
    own_rules_only,
    paid_order,
    programme,
    promoter,
    referred,
    rule,
    settled,
)

RACERS = 20
NO_DRIFT = {"pending": 0, "available": 0, "held": 0, "withdrawn": 0}
WAITING = "You already have a withdrawal waiting for staff."


@pytest.fixture(scope="module")
def race(django_db_setup, django_db_blocker):
    """A committed tenant whose smallest withdrawal is ¥50.00 and whose return window is 7 days."""
    with django_db_blocker.unblock(), committed_tenant("refrace", default_language="en") as provisioned:
        schema = provisioned.tenant.schema_name
        with schema_context(schema):
            own_rules_only()
            programme(minimum_withdrawal_cents=5_000, return_days=7)
        yield schema
        connection.set_schema_to_public()


@pytest.fixture
def schema(race, django_db_blocker):
    """The race tenant with database access open and its schema active; the rules an earlier test
    made are switched off (each test makes its own)."""
    with django_db_blocker.unblock(), schema_context(race), translation.override("en"):
        CommissionRule.objects.update(is_active=False)
        yield race


def in_schema(schema, work):
    """work(index) in the tenant's schema, in English (a thread starts with no language active)."""

    def run(index):
        with schema_context(schema), translation.override("en"):
            return work(index)

    return run


def outcomes(results) -> list:
    """Each thread's outcome: "ok" or the refusal's message (anything else shows as itself)."""
    return [
        f"{type(result).__name__}: {result}" if isinstance(result, Exception) else "ok" for result in results
    ]


def balances(promoter_):
    promoter_.refresh_from_db()
    return (
        promoter_.pending_cents,
        promoter_.available_cents,
        promoter_.held_cents,
        promoter_.withdrawn_cents,
    )


def test_withdrawal_requests_sent_at_once_hold_one_amount(schema):
    ambassador = settled(promoter(), 8_000)

    def ask(index):
        return services.request_withdrawal(
            Promoter.objects.get(pk=ambassador.pk), 5_000, pay_to="Alipay", idempotency_key=f"first-{index}"
        )

    results = outcomes(run_in_threads(RACERS, in_schema(schema, ask)))

    assert sorted(results) == sorted(["ok"] + [f"ReferralError: {WAITING}"] * (RACERS - 1))
    [open_request] = Withdrawal.objects.filter(promoter=ambassador)
    assert (open_request.idempotency_key, open_request.amount_cents) == (
        f"first-{results.index('ok')}",
        5_000,
    )
    assert balances(ambassador) == (0, 3_000, 5_000, 0)

    services.reject_withdrawal(open_request, reason="Wrong account", acting_user=None)

    def ask_for_everything(index):
        return services.request_withdrawal(
            Promoter.objects.get(pk=ambassador.pk), 8_000, pay_to="Bank", idempotency_key=f"second-{index}"
        )

    results = outcomes(run_in_threads(RACERS, in_schema(schema, ask_for_everything)))

    assert sorted(results) == sorted(["ok"] + [f"ReferralError: {WAITING}"] * (RACERS - 1))
    assert Withdrawal.objects.filter(promoter=ambassador, status="requested").get().amount_cents == 8_000
    assert balances(ambassador) == (0, 0, 8_000, 0)
    assert services.ledger_drift(ambassador) == NO_DRIFT


def test_one_form_sent_many_times_at_once_asks_once(schema):
    ambassador = settled(promoter(), 6_000)

    def ask(index):
        return services.request_withdrawal(
            Promoter.objects.get(pk=ambassador.pk), 6_000, pay_to="Alipay", idempotency_key="the-form"
        ).pk

    results = run_in_threads(RACERS, in_schema(schema, ask))

    [withdrawal] = Withdrawal.objects.filter(promoter=ambassador)
    assert results == [withdrawal.pk] * RACERS
    assert balances(ambassador) == (0, 0, 6_000, 0)
    assert services.ledger_drift(ambassador) == NO_DRIFT


def test_staff_paying_one_request_at_once_pay_it_once(schema):
    ambassador = settled(promoter(), 9_000)
    withdrawal = services.request_withdrawal(ambassador, 7_000, pay_to="Alipay", idempotency_key="ask")
    desk = [UserFactory(is_staff=True) for _ in range(RACERS)]

    def pay(index):
        return services.pay_withdrawal(
            Withdrawal.objects.get(pk=withdrawal.pk), reference=f"ALI-{index}", acting_user=desk[index]
        )

    results = outcomes(run_in_threads(RACERS, in_schema(schema, pay)))

    assert sorted(results) == sorted(
        ["ok"] + ["ReferralError: This withdrawal is already paid."] * (RACERS - 1)
    )
    winner = results.index("ok")
    withdrawal.refresh_from_db()
    assert (withdrawal.status, withdrawal.payout_reference, withdrawal.decided_by_id) == (
        "paid",
        f"ALI-{winner}",
        desk[winner].pk,
    )
    assert balances(ambassador) == (0, 2_000, 0, 7_000)
    assert CommissionEntry.objects.filter(promoter=ambassador, kind="withdrawal_paid").count() == 1
    assert (
        OutboxEvent.objects.filter(kind="referral.withdrawal_paid", data__withdrawal=withdrawal.pk).count()
        == 1
    )
    assert services.ledger_drift(ambassador) == NO_DRIFT


def test_paying_and_rejecting_at_once_decide_once(schema):
    ambassador = settled(promoter(), 5_000)
    withdrawal = services.request_withdrawal(ambassador, 5_000, pay_to="Alipay", idempotency_key="ask")

    def decide(index):
        found = Withdrawal.objects.get(pk=withdrawal.pk)
        if index % 2:
            return services.pay_withdrawal(found, reference=f"ALI-{index}", acting_user=None)
        return services.reject_withdrawal(found, reason=f"No {index}", acting_user=None)

    results = outcomes(run_in_threads(RACERS, in_schema(schema, decide)))

    withdrawal.refresh_from_db()
    assert results.count("ok") == 1
    assert (results.index("ok") % 2 == 1) == (withdrawal.status == "paid")
    assert set(results) - {"ok"} == {f"ReferralError: This withdrawal is already {withdrawal.status}."}
    assert balances(ambassador) == ((0, 0, 0, 5_000) if withdrawal.status == "paid" else (0, 5_000, 0, 0))
    assert services.ledger_drift(ambassador) == NO_DRIFT


def test_the_tick_running_twice_at_once_settles_each_commission_once(schema):
    rule(name="Tick race", first_tier=10, second_tier=5)
    upper = promoter()
    promoters = [promoter(referred(upper)) for _ in range(3)]
    sku = ProductFactory(skus=[{"price_cents": 10_000, "stock": 100}]).skus.get()
    orders = [complete(paid_order(referred(found), line(sku))) for found in promoters for _ in range(4)]
    commissions = Commission.objects.filter(order__in=orders)
    assert commissions.count() == 24  # 12 orders: the promoter's 10% and the upper's 5% each
    later = max(order.completed_at for order in orders) + dt.timedelta(days=7)

    results = run_in_threads(8, in_schema(schema, lambda index: services.settle_due_commissions(now=later)))

    assert sum(result["settled"] for result in results) == 24, results
    assert set(commissions.values_list("status", flat=True)) == {"settled"}
    settled_entries = CommissionEntry.objects.filter(commission__in=commissions, kind="settled")
    assert settled_entries.count() == 24
    assert (
        OutboxEvent.objects.filter(
            kind="referral.commission_settled",
            data__commission__in=list(commissions.values_list("pk", flat=True)),
        ).count()
        == 24
    )
    assert [balances(found) for found in promoters] == [(0, 4_000, 0, 0)] * 3
    assert balances(upper) == (0, 6_000, 0, 0)
    for found in [upper, *promoters]:
        assert services.ledger_drift(found) == NO_DRIFT


def test_order_paid_handled_twice_at_once_earns_once(schema):
    rule(name="Replay race", first_tier=10, second_tier=0)
    ambassador = promoter()
    customer = referred(ambassador)
    sku = ProductFactory(skus=[{"price_cents": 10_000}]).skus.get()
    order = paid_order(customer, line(sku))
    event = OutboxEvent.objects.get(kind="order.paid", data__order=order.pk)

    results = outcomes(
        run_in_threads(8, in_schema(schema, lambda index: services.commission_for_paid_order(event)))
    )

    assert results == ["ok"] * 8
    assert list(Commission.objects.filter(order=order).values_list("tier", "amount_cents")) == [(1, 1_000)]
    assert balances(ambassador) == (1_000, 0, 0, 0)
    assert services.ledger_drift(ambassador) == NO_DRIFT


def test_refunds_delivered_while_the_tick_runs_reverse_and_the_rest_settle(schema, monkeypatch):
    rule(name="Refund race", first_tier=10, second_tier=0)
    ambassador = promoter()
    customer = referred(ambassador)
    sku = ProductFactory(skus=[{"price_cents": 10_000, "stock": 100}]).skus.get()
    orders = [complete(paid_order(customer, line(sku))) for _ in range(12)]
    kept, returned = orders[:6], orders[6:]
    with monkeypatch.context() as later_delivery:  # the worker has not delivered the refunds yet
        later_delivery.setattr("core.outbox.schedule_delivery", lambda: None)
        for order in returned:
            mall.refund_order(order, reason="Returned", acting_user=None)
    refunds = list(
        OutboxEvent.objects.filter(kind="order.refunded", data__order__in=[o.pk for o in returned])
    )
    assert [event.status for event in refunds] == ["pending"] * 6
    later = max(order.completed_at for order in orders) + dt.timedelta(days=7)

    def work(index):
        if index < len(refunds):
            return services.reverse_refunded_order(refunds[index])
        return services.settle_due_commissions(now=later)

    results = run_in_threads(len(refunds) + 4, in_schema(schema, work))

    assert [result for result in results if isinstance(result, Exception)] == []
    assert sum(result["settled"] for result in results[len(refunds) :]) == 6
    assert set(Commission.objects.filter(order__in=kept).values_list("status", flat=True)) == {"settled"}
    assert set(Commission.objects.filter(order__in=returned).values_list("status", flat=True)) == {"reversed"}
    assert balances(ambassador) == (0, 6_000, 0, 0)
    kinds = list(CommissionEntry.objects.filter(promoter=ambassador).values_list("kind", flat=True))
    assert sorted(kinds) == sorted(["earned"] * 12 + ["settled"] * 6 + ["reversed"] * 6)
    assert services.ledger_drift(ambassador) == NO_DRIFT


def test_two_customers_referring_each_other_at_once_make_one_referral(schema):
    pairs = [(promoter(), promoter()) for _ in range(RACERS // 2)]

    def refer(index):
        a, b = pairs[index // 2]
        mine, theirs = (a, b) if index % 2 else (b, a)
        return services.refer(
            Member.objects.get(pk=mine.member_id), Promoter.objects.get(pk=theirs.pk), via="code"
        )

    results = outcomes(run_in_threads(RACERS, in_schema(schema, refer)))

    loop = "ReferralError: This code belongs to someone you referred: referrals cannot go in a circle."
    for number, (a, b) in enumerate(pairs):
        assert sorted(results[2 * number : 2 * number + 2]) == sorted(["ok", loop])
        assert Referral.objects.filter(customer__in=[a.member_id, b.member_id]).count() == 1


def test_one_customer_referred_through_two_paths_at_once_keeps_one_referrer(schema):
    customer = MemberFactory()
    ambassadors = [promoter() for _ in range(6)]

    def refer(index):
        return services.refer(
            Member.objects.get(pk=customer.pk), Promoter.objects.get(pk=ambassadors[index].pk), via="code"
        )

    results = outcomes(run_in_threads(6, in_schema(schema, refer)))

    one = "ReferralError: You were already referred by someone; a customer has one referrer."
    assert sorted(results) == sorted(["ok"] + [one] * 5)
    assert Referral.objects.get(customer=customer).promoter_id == ambassadors[results.index("ok")].pk


def test_each_thread_has_its_own_connection(db):
    """What the tests above rest on. It also makes this module ask for `db`: pytest-django sets the
    test database up only when a collected test asks for it, and the tests above use the committed
    tenant instead (conftest.committed_tenant refuses any other database)."""

    def backend(index):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    backends = run_in_threads(5, backend)
    assert len(set(backends)) == 5
