"""Two brands' referral programmes never meet: promoters, codes, referrals and commission of one
tenant are invisible in another, another brand's code is unknown here, and a referral cookie
signed on another brand's portal is ignored at sign-up here, even where a promoter has the same code."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts.invitations import COOKIE
from accounts.tests.factories import PASSWORD
from mall.tests.factories import ProductFactory
from members.models import Member
from members.tests.factories import MemberFactory, MemberRowFactory
from referrals import selectors, services
from referrals.models import Commission, CommissionEntry, Promoter, Referral, Withdrawal
from referrals.tests.factories import (
    complete,
    deliver,
    line,
    own_rules_only,
    paid_order,
    promoter,
    rule,
    settled,
)


@pytest.fixture
def brands(make_tenant, in_tenant):
    found = (
        make_tenant("refa", default_language="en").tenant,
        make_tenant("refb", default_language="en").tenant,
    )
    for tenant in found:
        with in_tenant(tenant):
            own_rules_only()
    return found


def cookie_for(promoter_) -> str:
    """The invitation cookie a visitor's browser keeps after opening the promoter's link."""
    request = RequestFactory().get(f"/r/{promoter_.code}/")
    request.user = AnonymousUser()
    response = HttpResponse()
    assert services.remember_visit(request, response, promoter_, via="link") is True
    return response.cookies[COOKIE].value


def sign_up_with_cookie(host, email, cookie) -> Member:
    client = Client()
    client.cookies[COOKIE] = cookie
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}, HTTP_HOST=host
    )
    assert response.status_code == 302
    deliver()
    return Member.objects.get(user__email=email)


def sku():
    return ProductFactory(skus=[{"price_cents": 10_000}]).skus.get()


def everything() -> tuple:
    return tuple(
        model.objects.count() for model in (Promoter, Referral, Commission, CommissionEntry, Withdrawal)
    )


def test_one_brands_programme_is_invisible_in_anothers(brands, in_tenant):
    a, b = brands
    with in_tenant(a):
        rule()
        ambassador = settled(promoter(), 10_000)
        services.request_withdrawal(ambassador, 5_000, pay_to="Alipay", idempotency_key="ask")
        customer = Referral.objects.get().customer
        complete(paid_order(customer, line(sku())))
        in_a = everything()
        assert in_a == (1, 1, 2, 4, 1)
    with in_tenant(b):
        assert everything() == (0, 0, 0, 0, 0)
        assert selectors.top_promoters() == []
        assert services.active_promoter_by_code(ambassador.code) is None
        assert Promoter.objects.filter(code=ambassador.code).count() == 0
        stranger = MemberFactory()
        with pytest.raises(
            services.ReferralError, match=f"^There is no active referral code “{ambassador.code}”.$"
        ):
            services.enter_code(stranger, ambassador.code)
        # The tick here settles nothing of the other brand's, however late it runs.
        assert services.settle_due_commissions(now=timezone.now() + dt.timedelta(days=365)) == {"settled": 0}
        # A customer here with the same member number as the referred customer there buys: no commission.
        twin = Member.objects.filter(pk=customer.pk).first() or MemberRowFactory(id=customer.pk)
        rule()
        paid_order(twin, line(sku()))
        assert everything() == (0, 0, 0, 0, 0)
    with in_tenant(a):
        assert everything() == in_a
        ambassador.refresh_from_db()
        assert (ambassador.pending_cents, ambassador.available_cents, ambassador.held_cents) == (
            1_000,
            5_000,
            5_000,
        )
        assert services.ledger_drift(ambassador) == {"pending": 0, "available": 0, "held": 0, "withdrawn": 0}


def test_a_referral_cookie_from_another_brand_is_ignored_at_sign_up(brands, in_tenant):
    a, b = brands
    with in_tenant(a):
        theirs = promoter()
        foreign_cookie = cookie_for(theirs)
    with in_tenant(b):
        # A promoter here with the very same code: only the cookie's signature, bound to the brand,
        # tells the two apart.
        ours = promoter()
        Promoter.objects.filter(pk=ours.pk).update(code=theirs.code)
        ours.refresh_from_db()

        stranger = sign_up_with_cookie("refb.localhost", "lin@example.com", foreign_cookie)
        assert Referral.objects.count() == 0
        friend = sign_up_with_cookie("refb.localhost", "mei@example.com", cookie_for(ours))
        assert list(Referral.objects.values_list("customer", "promoter", "via")) == [
            (friend.pk, ours.pk, "link")
        ]
        assert stranger.pk != friend.pk
    with in_tenant(a):
        assert Referral.objects.count() == 0
