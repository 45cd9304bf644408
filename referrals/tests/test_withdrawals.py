"""Withdrawals through referrals.services: bad requests refused with their exact message and
nothing changed, a double click, staff paying or rejecting once (with a reference or a reason),
and a suspended promoter taking out what was settled."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from core.models import OutboxEvent
from referrals import services
from referrals.models import CommissionEntry, Promoter, Withdrawal
from referrals.tests.factories import own_rules_only, programme, promoter, settled

NO_DRIFT = {"pending": 0, "available": 0, "held": 0, "withdrawn": 0}
ABOVE_ZERO = "Enter an amount above zero."
WAITING = "You already have a withdrawal waiting for staff."


@pytest.fixture
def tenant(make_tenant, in_tenant):
    provisioned = make_tenant("payout", default_language="en")
    with in_tenant(provisioned.tenant):
        own_rules_only()
        yield provisioned.tenant


@pytest.fixture
def ambassador(tenant):
    """A promoter with ¥80.00 settled; the smallest withdrawal is ¥50.00."""
    programme(minimum_withdrawal_cents=5_000)
    return settled(promoter(), 8_000)


@pytest.fixture
def staff(tenant):
    return UserFactory(is_staff=True)


def balances(promoter_):
    promoter_.refresh_from_db()
    return (
        promoter_.pending_cents,
        promoter_.available_cents,
        promoter_.held_cents,
        promoter_.withdrawn_cents,
    )


def state(promoter_):
    """Everything a withdrawal can change: balances, requests, ledger entries and events."""
    return (
        balances(promoter_),
        list(Withdrawal.objects.order_by("pk").values_list("pk", "status", "amount_cents")),
        list(CommissionEntry.objects.order_by("pk").values_list("kind", "amount_cents")),
        list(OutboxEvent.objects.filter(kind__startswith="referral.withdrawal").values_list("kind", "data")),
        services.ledger_drift(promoter_),
    )


def ask(promoter_, amount=5_000, *, pay_to="Alipay 13800000000", key="ask-1"):
    return services.request_withdrawal(promoter_, amount, pay_to=pay_to, idempotency_key=key)


def test_a_request_holds_the_amount_until_staff_decide(ambassador):
    withdrawal = ask(ambassador, 6_000, pay_to="  Alipay\n 138 0000 0000 ")
    assert (withdrawal.status, withdrawal.amount_cents, withdrawal.pay_to) == (
        "requested",
        6_000,
        "Alipay 138 0000 0000",
    )
    assert balances(ambassador) == (0, 2_000, 6_000, 0)
    assert services.ledger_drift(ambassador) == NO_DRIFT
    assert list(
        OutboxEvent.objects.filter(kind="referral.withdrawal_requested").values_list("data", flat=True)
    ) == [{"withdrawal": withdrawal.pk, "amount": "¥60.00", "code": ambassador.code}]


@pytest.mark.parametrize(
    ("amount", "fields", "message"),
    [
        (4_999, {}, "The smallest withdrawal is ¥50.00."),
        (8_001, {}, "You can withdraw at most ¥80.00."),
        (10**30, {}, "You can withdraw at most ¥80.00."),
        (0, {}, ABOVE_ZERO),
        (-6_000, {}, ABOVE_ZERO),
        (6_000.0, {}, ABOVE_ZERO),
        (Decimal("6000"), {}, ABOVE_ZERO),
        ("6000", {}, ABOVE_ZERO),
        (None, {}, ABOVE_ZERO),
        (True, {}, ABOVE_ZERO),
        (6_000, {"pay_to": " \n "}, "Say where the money should go."),
        (6_000, {"pay_to": None}, "Say where the money should go."),
        (6_000, {"key": ""}, "The form expired; please try again."),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(ambassador, amount, fields, message):
    before = state(ambassador)
    with pytest.raises(services.ReferralError, match=f"^{message}$"):
        ask(ambassador, amount, **fields)
    assert state(ambassador) == before
    assert Withdrawal.objects.count() == 0


def test_one_open_request_at_a_time(ambassador, staff):
    first = ask(ambassador, 5_000, key="ask-1")
    before = state(ambassador)
    with pytest.raises(services.ReferralError, match=f"^{WAITING}$"):
        ask(ambassador, 5_000, key="ask-2")
    with pytest.raises(services.ReferralError, match=f"^{WAITING}$"):
        ask(ambassador, 1, key="ask-3")  # the open request is the reason, whatever the amount
    assert state(ambassador) == before
    services.reject_withdrawal(first, reason="Wrong account", acting_user=staff)
    second = ask(ambassador, 8_000, key="ask-2")
    assert (second.status, balances(ambassador)) == ("requested", (0, 0, 8_000, 0))


def test_the_same_key_returns_the_first_request(ambassador):
    first = ask(ambassador, 5_000, key="double-click")
    again = ask(ambassador, 7_000, pay_to="Bank", key="double-click")
    assert (again.pk, again.amount_cents, again.pay_to) == (first.pk, 5_000, "Alipay 13800000000")
    assert balances(ambassador) == (0, 3_000, 5_000, 0)
    assert list(
        CommissionEntry.objects.filter(kind="withdrawal_requested").values_list("amount_cents", flat=True)
    ) == [5_000]


def test_staff_pay_once_with_a_reference(ambassador, staff):
    withdrawal = ask(ambassador)
    before = state(ambassador)
    with pytest.raises(
        services.ReferralError,
        match="^Enter the payout's reference \\(a transfer number\\), so it can be traced.$",
    ):
        services.pay_withdrawal(withdrawal, reference=" \t ", acting_user=staff)
    assert state(ambassador) == before

    paid = services.pay_withdrawal(withdrawal, reference=" ALI 2026 0001 ", acting_user=staff)
    assert (paid.status, paid.payout_reference, paid.decided_by, paid.decided_at is not None) == (
        "paid",
        "ALI 2026 0001",
        staff,
        True,
    )
    assert balances(ambassador) == (0, 3_000, 0, 5_000)
    after = state(ambassador)
    with pytest.raises(services.ReferralError, match="^This withdrawal is already paid.$"):
        services.pay_withdrawal(withdrawal, reference="ALI-2", acting_user=staff)
    with pytest.raises(services.ReferralError, match="^This withdrawal is already paid.$"):
        services.reject_withdrawal(withdrawal, reason="Oops", acting_user=staff)
    assert state(ambassador) == after
    assert Withdrawal.objects.get().payout_reference == "ALI 2026 0001"
    assert list(
        OutboxEvent.objects.filter(kind="referral.withdrawal_paid").values_list("data", flat=True)
    ) == [{"withdrawal": withdrawal.pk, "amount": "¥50.00", "reference": "ALI 2026 0001"}]


def test_a_rejected_request_gives_the_amount_back_once(ambassador, staff):
    withdrawal = ask(ambassador, 6_000)
    before = state(ambassador)
    with pytest.raises(
        services.ReferralError, match="^Say why the withdrawal is rejected: the promoter is told.$"
    ):
        services.reject_withdrawal(withdrawal, reason="  ", acting_user=staff)
    assert state(ambassador) == before

    rejected = services.reject_withdrawal(
        withdrawal, reason="The account name does not match", acting_user=staff
    )
    assert (rejected.status, rejected.reason, rejected.decided_by) == (
        "rejected",
        "The account name does not match",
        staff,
    )
    assert balances(ambassador) == (0, 8_000, 0, 0)
    after = state(ambassador)
    with pytest.raises(services.ReferralError, match="^This withdrawal is already rejected.$"):
        services.reject_withdrawal(withdrawal, reason="Again", acting_user=staff)
    with pytest.raises(services.ReferralError, match="^This withdrawal is already rejected.$"):
        services.pay_withdrawal(withdrawal, reference="ALI-1", acting_user=staff)
    assert state(ambassador) == after
    assert list(
        CommissionEntry.objects.filter(promoter=ambassador).order_by("pk").values_list("kind", flat=True)
    ) == [
        "earned",
        "settled",
        "withdrawal_requested",
        "withdrawal_rejected",
    ]
    assert list(
        OutboxEvent.objects.filter(kind="referral.withdrawal_rejected").values_list("data", flat=True)
    ) == [{"withdrawal": withdrawal.pk, "amount": "¥60.00", "reason": "The account name does not match"}]


def test_a_stale_copy_of_the_request_cannot_pay_twice(ambassador, staff):
    """Two members of staff opened the request; the second pays from a copy loaded before the first paid."""
    withdrawal = ask(ambassador)
    stale = Withdrawal.objects.select_related("promoter").get(pk=withdrawal.pk)
    services.pay_withdrawal(withdrawal, reference="ALI-1", acting_user=staff)
    with pytest.raises(services.ReferralError, match="^This withdrawal is already paid.$"):
        services.pay_withdrawal(stale, reference="ALI-2", acting_user=UserFactory(is_staff=True))
    assert balances(ambassador) == (0, 3_000, 0, 5_000)
    assert services.ledger_drift(ambassador) == NO_DRIFT


def test_a_suspended_promoter_can_still_withdraw_what_was_settled(ambassador, staff):
    services.suspend_promoter(ambassador, reason="Spam in the group chat", acting_user=staff)
    withdrawal = ask(ambassador, 8_000)
    services.pay_withdrawal(withdrawal, reference="BANK-7", acting_user=staff)
    assert balances(ambassador) == (0, 0, 0, 8_000)
    assert services.ledger_drift(ambassador) == NO_DRIFT


@pytest.mark.parametrize("status", ["applied", "rejected"])
def test_only_promoters_withdraw(tenant, status):
    applicant = promoter()
    Promoter.objects.filter(pk=applicant.pk).update(status=status)
    with pytest.raises(services.ReferralError, match="^Only promoters can withdraw commission.$"):
        ask(applicant)
    assert Withdrawal.objects.count() == 0
