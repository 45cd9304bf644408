"""Points and stored value: exact balances, idempotent retries, bad input, concurrency."""

import datetime as dt

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from accounts.tests.factories import CustomerProfileFactory, UserFactory
from conftest import committed_tenant, run_in_threads
from core.models import OutboxEvent
from members import services
from members.models import BalanceEntry, LedgerSource, Member, PointsEntry
from members.tests.factories import MemberFactory, MemberLevelFactory


@pytest.fixture
def levels(make_tenant, in_tenant):
    tenant = make_tenant("lumen").tenant
    with in_tenant(tenant):
        MemberLevelFactory(name="Silver", threshold_points=0)
        MemberLevelFactory(name="Gold", threshold_points=2000, points_multiplier="1.5")
        MemberLevelFactory(name="Black", threshold_points=8000, points_multiplier="2")
        yield tenant


def events_of(member):
    return OutboxEvent.objects.filter(subject_type="member", subject_id=member.pk).order_by("pk")


def test_points_add_spend_and_keep_the_ledger(levels):
    member = MemberFactory()
    earned = services.add_points(
        member, 1500, reason="Order 1001", source=LedgerSource.ORDER, idempotency_key="o1001"
    )
    spent = services.spend_points(member, 400, reason="Free latte", idempotency_key="r1")

    member.refresh_from_db()
    assert (member.points, member.lifetime_points, member.level.name) == (1100, 1500, "Silver")
    assert list(
        PointsEntry.objects.filter(member=member).order_by("pk").values_list("delta", "balance_after")
    ) == [
        (1500, 1500),
        (-400, 1100),
    ]
    assert services.ledger_drift(member) == {"points": 0, "balance_cents": 0}
    # Recorded in the same transaction as the change (the outbox), with the entry they describe.
    assert list(events_of(member).values_list("kind", "idempotency_key", "data")) == [
        (
            "points.changed",
            f"points.changed:{earned.pk}",
            {"delta": 1500, "balance": 1500, "reason": "Order 1001", "entry": earned.pk},
        ),
        (
            "points.changed",
            f"points.changed:{spent.pk}",
            {"delta": -400, "balance": 1100, "reason": "Free latte", "entry": spent.pk},
        ),
    ]


def test_crossing_a_threshold_moves_the_member_up_and_records_it(levels):
    member = MemberFactory()
    services.add_points(member, 8500, reason="Big order", source=LedgerSource.ORDER, idempotency_key="o1")
    member.refresh_from_db()
    assert member.level.name == "Black"
    event = events_of(member).get(kind="level.changed")
    assert event.data == {"previous": "Silver", "level": "Black"}


def test_a_refused_change_records_no_event(levels):
    member = MemberFactory()
    with pytest.raises(services.InsufficientPoints):
        services.spend_points(member, 1, reason="Too much", idempotency_key="x")
    assert not events_of(member).exists()


def test_a_retry_with_the_same_key_changes_nothing(levels):
    member = MemberFactory()
    first = services.add_points(
        member, 100, reason="Check-in", source=LedgerSource.CHECK_IN, idempotency_key="day1"
    )
    again = services.add_points(
        member, 100, reason="Check-in", source=LedgerSource.CHECK_IN, idempotency_key="day1"
    )
    assert again.pk == first.pk
    member.refresh_from_db()
    assert member.points == 100
    assert PointsEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (0, "The amount must be more than 0 points."),
        (-5, "The amount must be more than 0 points."),
        (10_000_001, "The amount can be at most 10,000,000 points at a time."),
        (1.5, "The amount must be a whole number of points."),
        ("100", "The amount must be a whole number of points."),
        (True, "The amount must be a whole number of points."),
    ],
)
def test_bad_amounts_are_refused_and_change_nothing(levels, amount, message):
    member = MemberFactory()
    with pytest.raises(services.LoyaltyError, match=message):
        services.add_points(member, amount, reason="x", source=LedgerSource.ORDER, idempotency_key="k")
    member.refresh_from_db()
    assert (member.points, PointsEntry.objects.count()) == (0, 0)


def test_spending_more_than_there_is_is_refused(levels):
    member = MemberFactory()
    services.add_points(member, 50, reason="Gift", source=LedgerSource.MANUAL, idempotency_key="g")
    with pytest.raises(services.InsufficientPoints, match="Not enough points: 50 available, 80 asked for."):
        services.spend_points(member, 80, reason="Mug", idempotency_key="s")
    member.refresh_from_db()
    assert member.points == 50
    assert PointsEntry.objects.count() == 1


def test_staff_adjustments_need_a_reason_and_a_person(levels):
    member = MemberFactory()
    staff = UserFactory(username="staff", email="s@example.com", is_staff=True)
    with pytest.raises(services.LoyaltyError, match="Give a reason for the adjustment."):
        services.adjust_points(member, 10, reason=" ", idempotency_key="a", acting_user=staff)
    with pytest.raises(services.LoyaltyError, match="Adjustments are made by a staff member."):
        services.adjust_points(member, 10, reason="Goodwill", idempotency_key="a", acting_user=None)
    entry = services.adjust_points(member, 30, reason="Goodwill", idempotency_key="a", acting_user=staff)
    assert (entry.source, entry.acting_user, entry.reason) == ("manual", staff, "Goodwill")
    with pytest.raises(services.InsufficientPoints):
        services.adjust_points(member, -31, reason="Correction", idempotency_key="b", acting_user=staff)


def test_stored_value_top_up_and_pay(levels):
    member = MemberFactory()
    services.top_up_balance(member, 10_000, reason="Top-up at till", idempotency_key="t1")
    services.pay_with_balance(member, 2_550, reason="Order 7", idempotency_key="p1")
    with pytest.raises(
        services.InsufficientBalance, match="Not enough cents: 7,450 available, 9,000 asked for."
    ):
        services.pay_with_balance(member, 9_000, reason="Order 8", idempotency_key="p2")
    member.refresh_from_db()
    assert member.balance_cents == 7_450
    assert list(BalanceEntry.objects.order_by("pk").values_list("delta", flat=True)) == [10_000, -2_550]


def test_the_database_refuses_a_negative_balance_whatever_code_runs(levels):
    from django.db import IntegrityError, transaction

    member = MemberFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(points=-1)


@pytest.fixture(scope="module")
def committed_member(django_db_setup, django_db_blocker):
    """A member in a committed tenant, so that many threads (each on its own connection) see it."""
    with django_db_blocker.unblock(), committed_tenant("ledgers") as provisioned:
        schema = provisioned.tenant.schema_name
        with schema_context(schema):
            member = MemberFactory(user__username="racer")
            services.add_points(
                member, 1000, reason="Start", source=LedgerSource.MANUAL, idempotency_key="start"
            )
            services.top_up_balance(member, 1000, reason="Start", idempotency_key="start")
        yield schema, member.pk
        connection.set_schema_to_public()


def test_fifty_concurrent_spends_never_overdraw_and_never_lose_an_update(committed_member, django_db_blocker):
    schema, member_pk = committed_member

    def spend(index):
        with schema_context(schema):
            member = Member.objects.get(pk=member_pk)
            return services.spend_points(member, 30, reason=f"Race {index}", idempotency_key=f"race-{index}")

    with django_db_blocker.unblock():
        results = run_in_threads(50, spend)
        retries = run_in_threads(10, spend)  # the same keys again: nothing changes
        with schema_context(schema):
            member = Member.objects.get(pk=member_pk)
            spent = [r for r in results if isinstance(r, PointsEntry)]
            refused = [r for r in results if isinstance(r, services.InsufficientPoints)]
            assert len(spent) == 33  # 1000 // 30
            assert len(refused) == 17
            assert member.points == 1000 - 33 * 30
            assert sorted(r.pk for r in retries if isinstance(r, PointsEntry)) == sorted(
                e.pk for e in spent if int(e.reason.split()[1]) < 10
            )
            assert services.ledger_drift(member) == {"points": 0, "balance_cents": 0}


def test_fifty_concurrent_payments_from_stored_value(committed_member, django_db_blocker):
    schema, member_pk = committed_member

    def pay(index):
        with schema_context(schema):
            member = Member.objects.get(pk=member_pk)
            return services.pay_with_balance(
                member, 70, reason=f"Order {index}", idempotency_key=f"pay-{index}"
            )

    with django_db_blocker.unblock():
        results = run_in_threads(50, pay)
        with schema_context(schema):
            member = Member.objects.get(pk=member_pk)
            assert sum(isinstance(r, BalanceEntry) for r in results) == 14  # 1000 // 70
            assert member.balance_cents == 1000 - 14 * 70
            assert services.ledger_drift(member) == {"points": 0, "balance_cents": 0}


def test_points_expire_oldest_first_and_only_once(levels):
    import datetime as dt

    from django.utils import timezone

    member = MemberFactory()
    old, new = timezone.now() - dt.timedelta(days=400), timezone.now()
    services.add_points(member, 300, reason="Old order", source=LedgerSource.ORDER, idempotency_key="old")
    PointsEntry.objects.filter(idempotency_key="old").update(created_at=old)
    services.add_points(member, 200, reason="New order", source=LedgerSource.ORDER, idempotency_key="new")
    services.spend_points(member, 120, reason="Mug", idempotency_key="mug")  # comes out of the old points

    cutoff = new - dt.timedelta(days=30)
    assert services.points_due_to_expire(member, earned_before=cutoff) == 180
    entry = services.expire_points(member, earned_before=cutoff)
    assert (entry.delta, entry.source) == (-180, "expiry")
    assert services.expire_points(member, earned_before=cutoff) is None  # nothing left to expire
    member.refresh_from_db()
    assert (member.points, member.lifetime_points) == (200, 500)
    assert services.ledger_drift(member) == {"points": 0, "balance_cents": 0}


@pytest.mark.parametrize(
    ("today", "born", "celebrates"),
    [
        (dt.date(2026, 11, 25), dt.date(1990, 11, 25), True),
        (dt.date(2026, 11, 25), dt.date(1990, 11, 24), False),
        (dt.date(2028, 2, 29), dt.date(1992, 2, 29), True),  # a leap year: on the day itself
        (dt.date(2027, 2, 28), dt.date(1992, 2, 29), True),  # no 29 February this year: the 28th
        (dt.date(2028, 2, 28), dt.date(1992, 2, 29), False),  # a leap year: not on the 28th
        (dt.date(2027, 3, 1), dt.date(1992, 2, 29), False),
    ],
)
def test_birthdays_are_recorded_once_a_year_on_the_day(levels, today, born, celebrates):
    member = MemberFactory(user__username="birthday")
    CustomerProfileFactory(user=member.user, birthday=born)
    CustomerProfileFactory(user=MemberFactory(user__username="not-today").user, birthday=dt.date(1990, 6, 1))

    assert services.record_birthdays(today=today) == {"birthdays": int(celebrates)}
    services.record_birthdays(today=today)  # a rerun the same day records nothing new
    expected = [("member.birthday", {"day": today.isoformat()})] if celebrates else []
    assert list(events_of(member).values_list("kind", "data")) == expected


def test_returned_points_do_not_count_towards_a_level_and_reversed_ones_do(levels):
    member = MemberFactory()
    services.add_points(member, 2500, reason="Order 1", source=LedgerSource.ORDER, idempotency_key="o1")
    services.spend_points(member, 2000, reason="Order 2", idempotency_key="o2")
    services.return_points(member, 2000, reason="Order 2 cancelled", idempotency_key="o2-back")
    services.return_points(member, 2000, reason="Order 2 cancelled", idempotency_key="o2-back")  # a retry
    member.refresh_from_db()
    assert (member.points, member.lifetime_points, member.level.name) == (2500, 2500, "Gold")
    # Earned points taken back: lifetime falls too; the level stays (staff move levels by hand).
    services.spend_points(member, 2000, reason="Order 3", idempotency_key="o3")
    taken = services.reverse_earned_points(member, 2500, reason="Order 1 refunded", idempotency_key="o1-back")
    member.refresh_from_db()
    assert (taken.delta, member.points, member.lifetime_points, member.level.name) == (-500, 0, 2000, "Gold")
    assert services.reverse_earned_points(member, 10, reason="Again", idempotency_key="o1-again") is None
    assert PointsEntry.objects.filter(member=member, source=LedgerSource.REFUND).count() == 2
    assert services.ledger_drift(member) == {"points": 0, "balance_cents": 0}


def test_stored_value_refunded_to_a_member_is_a_refund_entry(levels):
    member = MemberFactory()
    services.top_up_balance(member, 5000, reason="Top-up", idempotency_key="t")
    services.pay_with_balance(member, 3000, reason="Order 1", idempotency_key="p")
    entry = services.refund_balance(member, 3000, reason="Order 1 refunded", idempotency_key="p-back")
    member.refresh_from_db()
    assert (entry.source, entry.balance_after, member.balance_cents) == (LedgerSource.REFUND, 5000, 5000)
    with pytest.raises(services.LoyaltyError, match="The amount must be more than 0 cents."):
        services.refund_balance(member, 0, reason="Nothing", idempotency_key="zero")
