"""What promoters and staff are told, through the real outbox delivery: each referral event makes
exactly one message for the right person, word for word; staff alerts go to those holding the
permission (and the brand's superuser), nobody else."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.outbox import deliver_due_events
from core.registry import notification_kinds
from mall import services as shop
from mall.tests.factories import ProductFactory
from members.tests.factories import MemberFactory
from notifications.models import Notification
from notifications.services import check_wording
from referrals import services
from referrals.models import Referral, ReferralSettings
from referrals.notifications import NOTIFICATION_KINDS
from referrals.tests import factories
from referrals.tests.test_graphql import paid_order, person

ADMIN = "admin@refnote.example"  # the brand's superuser, made when the tenant is provisioned
DASHBOARD = "/account/referral/"


@pytest.fixture
def tenant(make_tenant, in_tenant):
    provisioned = make_tenant("refnote", default_language="en")
    with in_tenant(provisioned.tenant):
        settings = ReferralSettings.load()
        settings.return_days, settings.minimum_withdrawal_cents = 0, 1000
        settings.save()
        factories.own_rules_only()
        factories.rule(first_tier=10, second_tier=0)
        yield provisioned.tenant


def staff(username, *permissions):
    user = get_user_model().objects.create_user(username, f"{username}@staff.example", "pw", is_staff=True)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


class Told:
    """The messages written since it was made (set-up's own messages left out)."""

    def __init__(self):
        deliver_due_events()  # what set-up set off is told before the test's own step
        self.since = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def __call__(self):
        deliver_due_events()
        return list(
            Notification.objects.filter(pk__gt=self.since)
            .order_by("pk")
            .values_list("recipient__username", "kind", "title", "body", "url")
        )


def settled_commission(promoter, customer_name: str):
    """`customer_name` (referred by `promoter` through the link) buys ¥100; the order is completed
    and, the return window being 0 days, the tick settles the ¥10.00 commission. Returns the order."""
    customer = factories.referred(promoter, person(customer_name, customer_name.title()))
    order = paid_order(customer, ProductFactory().skus.get(), 1)
    deliver_due_events()
    shop.ship_order(order, tracking_number="SF1", acting_user=None)
    shop.complete_order(order, acting_user=None)
    deliver_due_events()
    return order


# --- Promoters ------------------------------------------------------------------------------------


def test_a_new_referral_tells_the_promoter_the_customers_masked_name(tenant):
    tao = factories.promoter(person("tao", "Tao"))
    told = Told()
    factories.referred(tao, person("ning", "Ning"), via=Referral.Via.LINK)
    assert told() == [
        (
            "tao",
            "referral.new",
            "N** joined through your link",
            "A new customer is yours: you earn commission on what they buy.",
            DASHBOARD,
        )
    ]
    told = Told()
    services.enter_code(person("bo", "Bo"), tao.code)
    services.refer(person("xia", "Xia"), tao, via=Referral.Via.STAFF)
    assert [(who, title) for who, _kind, title, _body, _url in told()] == [
        ("tao", "B** used your referral code"),
        ("tao", "X** is now your referral"),
    ]


def test_settled_commission_tells_the_promoter_the_amount_the_order_and_what_is_available(tenant):
    tao = factories.promoter(person("tao", "Tao"))
    order = settled_commission(tao, "ning")
    told = Told()
    assert services.settle_due_commissions(now=timezone.now()) == {"settled": 1}
    assert told() == [
        (
            "tao",
            "referral.commission_settled",
            "¥10.00 commission is yours",
            f"The commission on order {order.number} is settled. You can withdraw ¥10.00 now.",
            DASHBOARD,
        )
    ]


def test_a_paid_or_rejected_withdrawal_tells_the_promoter_and_a_request_tells_who_pays(tenant):
    cashier = staff("cashier", "referrals.pay_withdrawal")
    staff("approver", "referrals.change_promoter")  # approves promoters, pays nothing: not told
    staff("bystander")
    tao = factories.promoter(
        MemberFactory(user=UserFactory(username="tao", first_name="Tao", last_name="Li"))
    )
    settled_commission(tao, "ning")
    services.settle_due_commissions(now=timezone.now())
    tao.refresh_from_db()

    told = Told()
    asked = services.request_withdrawal(tao, 1000, pay_to="Alipay tao@example.com", idempotency_key="w1")
    desk = f"/admin/referrals/withdrawals/{asked.pk}/"
    body = f"Tao Li (code {tao.code}) asks to withdraw ¥10.00 to Alipay tao@example.com. Pay or reject it in Referrals → Withdrawals."
    assert told() == [
        (ADMIN, "staff.withdrawal_requested", "Withdrawal to pay: ¥10.00", body, desk),
        ("cashier", "staff.withdrawal_requested", "Withdrawal to pay: ¥10.00", body, desk),
    ]

    told = Told()
    services.reject_withdrawal(asked, reason="The account name does not match yours.", acting_user=cashier)
    assert told() == [
        (
            "tao",
            "referral.withdrawal_rejected",
            "Your withdrawal of ¥10.00 was not approved",
            "The account name does not match yours. The ¥10.00 is back in your balance: you can ask again.",
            DASHBOARD,
        )
    ]

    again = services.request_withdrawal(tao, 1000, pay_to="Alipay tao@example.com", idempotency_key="w2")
    told = Told()
    services.pay_withdrawal(again, reference="ALIPAY-20300501-3318", acting_user=cashier)
    assert told() == [
        (
            "tao",
            "referral.withdrawal_paid",
            "Your withdrawal of ¥10.00 is paid",
            "We approved your withdrawal and sent ¥10.00. Payout reference: ALIPAY-20300501-3318.",
            DASHBOARD,
        )
    ]


# --- Applications ---------------------------------------------------------------------------------


def test_an_application_tells_who_approves_promoters_and_approval_tells_the_member(tenant):
    approver = staff("approver", "referrals.change_promoter")
    staff("cashier", "referrals.pay_withdrawal")  # pays withdrawals, approves nobody: not told
    staff("bystander")

    # Without approval a member is a promoter at once: nobody at the brand needs to act.
    told = Told()
    factories.promoter(person("tao", "Tao"))
    assert told() == []

    settings = ReferralSettings.load()
    settings.requires_approval = True
    settings.save()
    told = Told()
    wen = services.become_promoter(
        MemberFactory(user=UserFactory(username="wen", first_name="Wen", last_name="Li"))
    )
    assert wen.status == "applied"
    page = f"/admin/referrals/promoters/{wen.pk}/"
    body = f"Approve or refuse the application of Wen Li (code {wen.code}) in Referrals → Promoters."
    assert told() == [
        (ADMIN, "staff.promoter_applied", "Wen Li asks to become a promoter", body, page),
        ("approver", "staff.promoter_applied", "Wen Li asks to become a promoter", body, page),
    ]

    told = Told()
    services.approve_promoter(wen, acting_user=approver)
    assert told() == [
        (
            "wen",
            "referral.promoter_approved",
            "You're a promoter now",
            f"Your referral link is ready (code {wen.code}). Share it: you earn commission on what your friends buy.",
            DASHBOARD,
        )
    ]


# --- The kinds themselves -------------------------------------------------------------------------


def test_every_kind_is_registered_transactional_and_renders_its_sample_in_both_languages():
    registered = notification_kinds()
    assert [kind.key for kind in NOTIFICATION_KINDS] == [
        "referral.new",
        "referral.commission_settled",
        "referral.withdrawal_paid",
        "referral.withdrawal_rejected",
        "referral.promoter_approved",
        "staff.promoter_applied",
        "staff.withdrawal_requested",
    ]
    for kind in NOTIFICATION_KINDS:
        assert registered[kind.key] is kind
        assert kind.marketing is False, kind.key
        assert set(kind.title) == set(kind.body) == {"en", "zh-hans"}, kind.key
        for language in ("en", "zh-hans"):
            assert check_wording(kind.title[language], kind.body[language], kind.sample) is None
    assert [kind.audience for kind in NOTIFICATION_KINDS] == ["customer"] * 5 + ["staff"] * 2
