"""A promoter's part of their data download, and what deleting the account does to it."""

import pytest

from accounts import services as accounts
from referrals import services
from referrals.models import Promoter, Withdrawal
from referrals.tests.factories import own_rules_only, programme, promoter, referred, settled


@pytest.fixture
def tenant(make_tenant, in_tenant):
    provisioned = make_tenant("data", default_language="en")
    with in_tenant(provisioned.tenant):
        own_rules_only()
        yield provisioned.tenant


def test_the_download_lists_the_referrer_the_code_commission_and_withdrawals(tenant):
    upper = promoter()
    ambassador = promoter(referred(upper))
    settled(ambassador, 8_000)
    programme(minimum_withdrawal_cents=1_000)
    services.request_withdrawal(ambassador, 3_000, pay_to="Alipay 138", idempotency_key="k")

    part = accounts.export_customer_data(ambassador.member.user)["referrals"]

    ambassador.refresh_from_db()
    assert part["referred_by"] == upper.code
    assert {key: part["promoter"][key] for key in ("code", "status", "pending_cents", "available_cents")} == {
        "code": ambassador.code,
        "status": "active",
        "pending_cents": 0,
        "available_cents": 5_000,
    }
    assert [(row["amount_cents"], row["status"]) for row in part["promoter"]["commissions"]] == [
        (8_000, "settled")
    ]
    assert [
        (row["amount_cents"], row["status"], row["pay_to"]) for row in part["promoter"]["withdrawals"]
    ] == [(3_000, "requested", "Alipay 138")]


def test_deleting_the_account_stops_the_link_and_forgets_where_paid_requests_went(tenant):
    ambassador = promoter()
    settled(ambassador, 8_000)
    programme(minimum_withdrawal_cents=1_000)
    paid = services.request_withdrawal(ambassador, 3_000, pay_to="Alipay 138", idempotency_key="a")
    services.pay_withdrawal(paid, reference="T-1", acting_user=None)
    waiting = services.request_withdrawal(ambassador, 2_000, pay_to="Bank 4471", idempotency_key="b")

    accounts.delete_account(ambassador.member.user, acting_user=ambassador.member.user)

    ambassador.refresh_from_db()
    assert ambassador.status == Promoter.Status.SUSPENDED
    assert services.active_promoter_by_code(ambassador.code) is None
    assert dict(Withdrawal.objects.values_list("pk", "pay_to")) == {paid.pk: "", waiting.pk: "Bank 4471"}
    assert (ambassador.withdrawn_cents, ambassador.held_cents, ambassador.available_cents) == (
        3_000,
        2_000,
        3_000,
    )
