"""Who referred a customer: a promoter's link or QR poster (the invitation cookie read back at
sign-up), an invite campaign link of a member who is a promoter, or a code typed in; the window,
self-referral, loops, one referrer, inactive promoters and a closed programme."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from accounts.invitations import COOKIE, invitation_from
from core.models import OutboxEvent
from events import services as events
from events.models import Invitation
from events.tests.factories import CampaignFactory
from members.tests.factories import MemberFactory
from referrals import services
from referrals.models import Promoter, Referral
from referrals.tests.factories import own_rules_only, programme, promoter, referred, sign_up

CLOSED = "The referral programme is closed."
OWN_CODE = "You cannot use your own referral code."
LOOP = "This code belongs to someone you referred: referrals cannot go in a circle."
ONE_REFERRER = "You were already referred by someone; a customer has one referrer."
TOO_LATE = "A referral code can only be added in your first days as a member."


@pytest.fixture
def tenant(make_tenant, in_tenant):
    provisioned = make_tenant("refer", default_language="en")
    with in_tenant(provisioned.tenant):
        own_rules_only()
        yield provisioned.tenant


def visit(promoter_, via=Referral.Via.LINK, *, cookies=None, user=None):
    """A visitor opens the promoter's link (or scans the poster): (whether it was remembered, the
    response, the invitation the browser then carries at sign-up, read back from its cookie)."""
    request = RequestFactory().get(f"/r/{promoter_.code}/")
    request.COOKIES.update(cookies or {})
    request.user = user or AnonymousUser()
    response = HttpResponse()
    remembered = services.remember_visit(request, response, promoter_, via=via)
    later = RequestFactory().get("/accounts/signup/")
    if COOKIE in response.cookies:
        later.COOKIES[COOKIE] = response.cookies[COOKIE].value
    return remembered, response, invitation_from(later)


def referral_token(promoter_, via="link", *, at):
    return {"source": services.INVITATION_SOURCE, "token": f"{promoter_.code}:{via}:{int(at.timestamp())}"}


def signed_up_event(member):
    return OutboxEvent.objects.get(kind="customer.signed_up", subject_id=member.user_id)


def new_referral_events():
    return list(OutboxEvent.objects.filter(kind="referral.new").values_list("subject_id", "data"))


@pytest.mark.parametrize("via", [Referral.Via.LINK, Referral.Via.QR])
def test_a_visitor_through_the_link_or_poster_who_signs_up_is_the_promoters_referral(tenant, via):
    programme(link_days=14, order_days=90)
    ambassador = promoter()
    before = timezone.now().replace(microsecond=0)
    remembered, response, invited = visit(ambassador, via)
    assert remembered is True
    assert response.cookies[COOKIE]["max-age"] == 14 * 86400
    assert invited["source"] == "referral"
    assert invited["token"].startswith(f"{ambassador.code}:{via}:")

    customer = sign_up(invited)

    referral = Referral.objects.get()
    referred_at = signed_up_event(customer).created_at
    assert (referral.customer, referral.promoter, referral.via) == (customer, ambassador, via)
    assert before <= referral.visited_at <= referred_at
    assert referral.visited_at.microsecond == 0  # the cookie keeps whole seconds
    assert (referral.referred_at, referral.orders_until) == (referred_at, referred_at + dt.timedelta(days=90))
    assert new_referral_events() == [
        (ambassador.member_id, {"referral": referral.pk, "customer": customer.pk, "via": via})
    ]


def test_the_first_link_is_kept_and_customers_already_signed_up_are_not_remembered(tenant):
    first, second = promoter(), promoter()
    _remembered, response, invited = visit(first)
    remembered, later_response, _invited = visit(second, cookies={COOKIE: response.cookies[COOKIE].value})
    assert (remembered, COOKIE in later_response.cookies) == (False, False)
    remembered, logged_in_response, _invited = visit(first, user=MemberFactory().user)
    assert (remembered, COOKIE in logged_in_response.cookies) == (False, False)

    customer = sign_up(invited)
    assert Referral.objects.get().promoter == first
    assert Referral.objects.get().customer == customer


def test_an_invite_campaign_link_of_an_active_promoter_makes_a_referral(tenant):
    campaign = CampaignFactory(slug="bring-a-friend", goals=[{"friends": 1, "points": 10}])
    ambassador = promoter()
    plain_member = MemberFactory()

    friend = sign_up(
        {"source": "campaign", "token": f"bring-a-friend:{events.invite_token(campaign, ambassador.member)}"}
    )
    other_friend = sign_up(
        {"source": "campaign", "token": f"bring-a-friend:{events.invite_token(campaign, plain_member)}"}
    )
    forged = sign_up({"source": "campaign", "token": "bring-a-friend:forged"})

    referral = Referral.objects.get()
    assert (referral.customer, referral.promoter, referral.via, referral.visited_at) == (
        friend,
        ambassador,
        Referral.Via.CAMPAIGN,
        None,
    )
    # The campaign counted both friends for their inviters as well: each domain reads its own link.
    assert sorted(Invitation.objects.values_list("inviter_id", "friend_id")) == sorted(
        [(ambassador.member_id, friend.user_id), (plain_member.pk, other_friend.user_id)]
    )
    assert not Referral.objects.filter(customer__in=[other_friend, forged]).exists()


def test_a_visit_older_than_the_link_window_refers_no_one(tenant):
    programme(link_days=7)
    ambassador = promoter()
    now = timezone.now()
    late = sign_up(referral_token(ambassador, at=now - dt.timedelta(days=7, minutes=1)))
    in_time = sign_up(referral_token(ambassador, "qr", at=now - dt.timedelta(days=6, hours=23)))
    assert list(Referral.objects.values_list("customer", "via")) == [(in_time.pk, "qr")]
    assert not Referral.objects.filter(customer=late).exists()


@pytest.mark.parametrize(
    "token",
    ["", "NOSUCHCODE:link:1700000000", "{code}:staff:1700000000", "{code}:link:yesterday", "{code}"],
)
def test_a_token_that_names_no_promoter_or_no_visit_refers_no_one(tenant, token):
    ambassador = promoter()
    sign_up({"source": "referral", "token": token.format(code=ambassador.code)})  # enrolled all the same
    assert Referral.objects.count() == 0


def test_a_code_typed_in_within_the_window_refers_the_customer(tenant):
    programme(link_days=10)
    ambassador = promoter()
    customer = MemberFactory()
    now = customer.joined_at + dt.timedelta(days=10)

    referral = services.enter_code(
        customer, f"  {ambassador.code[:4].lower()} {ambassador.code[4:]} ", now=now
    )

    assert (
        referral.customer,
        referral.promoter,
        referral.via,
        referral.visited_at,
        referral.referred_at,
    ) == (
        customer,
        ambassador,
        Referral.Via.CODE,
        None,
        now,
    )
    assert referral.orders_until == now + dt.timedelta(days=365)


def test_a_code_typed_in_after_the_window_or_unknown_is_refused(tenant):
    programme(link_days=10)
    ambassador = promoter()
    customer = MemberFactory()
    with pytest.raises(services.ReferralError, match=f"^{TOO_LATE}$"):
        services.enter_code(
            customer, ambassador.code, now=customer.joined_at + dt.timedelta(days=10, seconds=1)
        )
    with pytest.raises(services.ReferralError, match="^There is no active referral code “NOPE2345”.$"):
        services.enter_code(customer, "nope 2345")
    with pytest.raises(services.ReferralError, match="^There is no active referral code “”.$"):
        services.enter_code(customer, "   ")
    assert (Referral.objects.count(), new_referral_events()) == (0, [])


def test_a_promoter_cannot_refer_themselves(tenant):
    ambassador = promoter()
    with pytest.raises(services.ReferralError, match=f"^{OWN_CODE}$"):
        services.enter_code(ambassador.member, ambassador.code)
    with pytest.raises(services.ReferralError, match=f"^{OWN_CODE}$"):
        services.refer(ambassador.member, ambassador, via=Referral.Via.LINK)
    assert Referral.objects.count() == 0


def test_referrals_cannot_go_in_a_circle(tenant):
    a = promoter()
    b = promoter(sign_up(visit(a)[2]))
    assert Referral.objects.get(customer=b.member).promoter == a

    with pytest.raises(services.ReferralError, match=f"^{LOOP}$"):
        services.enter_code(a.member, b.code)

    c = promoter(referred(b))
    with pytest.raises(services.ReferralError, match=f"^{LOOP}$"):
        services.enter_code(a.member, c.code)
    # Nor through a sign-up event: A's own sign-up cannot be made C's referral either.
    with pytest.raises(services.ReferralError, match=f"^{LOOP}$"):
        services.refer(a.member, c, via=Referral.Via.LINK)

    assert sorted(Referral.objects.values_list("customer", "promoter")) == sorted(
        [(b.member_id, a.pk), (c.member_id, b.pk)]
    )


def test_a_customer_has_one_referrer(tenant):
    first, second = promoter(), promoter()
    customer = sign_up(visit(first)[2])
    with pytest.raises(services.ReferralError, match=f"^{ONE_REFERRER}$"):
        services.enter_code(customer, second.code)
    with pytest.raises(services.ReferralError, match=f"^{ONE_REFERRER}$"):
        services.refer(customer, second, via=Referral.Via.STAFF)
    referral = Referral.objects.get()
    assert (referral.customer, referral.promoter, referral.via) == (customer, first, Referral.Via.LINK)
    assert len(new_referral_events()) == 1


@pytest.mark.parametrize("status", ["applied", "suspended", "rejected"])
def test_the_link_of_a_promoter_who_is_not_active_does_nothing(tenant, status):
    ambassador = promoter()
    invited = referral_token(ambassador, at=timezone.now())
    Promoter.objects.filter(pk=ambassador.pk).update(status=status)
    ambassador.refresh_from_db()

    remembered, response, _invited = visit(ambassador)
    assert (remembered, COOKIE in response.cookies) == (False, False)
    customer = sign_up(invited)  # a cookie set while the promoter was active
    with pytest.raises(
        services.ReferralError, match=f"^There is no active referral code “{ambassador.code}”.$"
    ):
        services.enter_code(MemberFactory(), ambassador.code)
    with pytest.raises(services.ReferralError, match="^This referral code is not active.$"):
        services.refer(customer, ambassador, via=Referral.Via.STAFF)
    assert Referral.objects.count() == 0


def test_a_promoter_waiting_for_approval_refers_no_one_until_approved(tenant):
    programme(requires_approval=True)
    applicant = promoter()
    assert applicant.status == Promoter.Status.APPLIED
    sign_up(referral_token(applicant, at=timezone.now()))
    assert Referral.objects.count() == 0
    services.approve_promoter(applicant, acting_user=None)
    customer = sign_up(referral_token(applicant, at=timezone.now()))
    assert list(Referral.objects.values_list("customer", "promoter")) == [(customer.pk, applicant.pk)]


def test_with_referrals_turned_off_nothing_is_remembered_or_referred(tenant):
    ambassador = promoter()
    invited = referral_token(ambassador, at=timezone.now())
    programme(enabled=False)

    remembered, response, _invited = visit(ambassador)
    assert (remembered, COOKIE in response.cookies) == (False, False)
    customer = sign_up(invited)
    with pytest.raises(services.ReferralError, match=f"^{CLOSED}$"):
        services.enter_code(customer, ambassador.code)
    with pytest.raises(services.ReferralError, match=f"^{CLOSED}$"):
        services.become_promoter(MemberFactory())
    assert (Referral.objects.count(), Promoter.objects.count(), new_referral_events()) == (0, 1, [])
