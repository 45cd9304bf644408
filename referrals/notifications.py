"""What promoters and staff are told about referrals (registered in referrals/wagtail_hooks.py).

Promoters hear of a new customer through their link (named masked, as the dashboard names them),
commission settled, a withdrawal paid or rejected, and their approval. Staff hear of an
application to approve (everyone holding `referrals.change_promoter`) and of a withdrawal to pay
(everyone holding `referrals.pay_withdrawal`); superusers hold every permission. All are
transactional: they are about the customer's own money and account.

Each kind's `sample` has exactly the keys its recipients function puts in the context: the admin
previews and checks staff's own wording with it."""

from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext_lazy as _

from accounts.selectors import masked_name
from core.registry import NotificationKind
from members.models import Member
from members.notifications import SAMPLE_MEMBER, tell_member
from referrals.models import Promoter, Referral, Withdrawal

CHANGE_PROMOTER = "referrals.change_promoter"
PAY_WITHDRAWAL = "referrals.pay_withdrawal"
ACCOUNT_URL = "/account/referral/"
# The admin's promoter and withdrawal pages (referrals.admin's viewsets).
PROMOTER_ADMIN_URL = "/admin/referrals/promoters/{{ promoter }}/"
WITHDRAWAL_ADMIN_URL = "/admin/referrals/withdrawals/{{ withdrawal }}/"

PROMOTER_SAMPLE = {
    "member": SAMPLE_MEMBER,
    "name": "W**",
    "via": "link",
    "order": "20300501-0042",
    "amount": "¥12.80",
    "available": "¥86.40",
    "reference": "ALIPAY-20300501-3318",
    "reason": "The account name does not match yours.",
    "code": "K7QM2X9P",
}
STAFF_SAMPLE = {
    "name": "Wang Fang",
    "code": "K7QM2X9P",
    "amount": "¥100.00",
    "pay_to": "Alipay wang@example.com",
}


def _referral_new(event) -> list:
    referral = (
        Referral.objects.select_related("customer__user__profile").filter(pk=event.data["referral"]).first()
    )
    if referral is None:
        return []
    return tell_member(event, {"name": masked_name(referral.customer.user), "via": event.data.get("via", "")})


def _commission_settled(event) -> list:
    data = event.data
    return tell_member(
        event, {"order": data["order"], "amount": data["amount"], "available": data["available"]}
    )


def _withdrawal_paid(event) -> list:
    return tell_member(event, {"amount": event.data["amount"], "reference": event.data["reference"]})


def _withdrawal_rejected(event) -> list:
    return tell_member(event, {"amount": event.data["amount"], "reason": event.data["reason"]})


def _promoter_approved(event) -> list:
    return tell_member(event, {"code": event.data["code"]})


def staff_name(user) -> str:
    """How staff see a customer: the name they gave, else their e-mail or user name."""
    profile = getattr(user, "profile", None)
    return (
        (getattr(profile, "display_name", "") or "").strip()
        or user.get_full_name().strip()
        or user.email
        or user.get_username()
    )


def _holding(permission: str, context: dict) -> list:
    staff = ModelBackend().with_perm(permission, is_active=True, include_superusers=True).order_by("pk")
    return [(user, dict(context)) for user in staff]


def _promoter_applied(event) -> list:
    """Only an application waiting for approval: a member who became a promoter at once needs nobody."""
    if event.data.get("status") != Promoter.Status.APPLIED:
        return []
    member = Member.objects.select_related("user__profile").filter(pk=event.subject_id).first()
    if member is None:
        return []
    context = {
        "name": staff_name(member.user),
        "code": event.data["code"],
        "promoter": event.data["promoter"],
    }
    return _holding(CHANGE_PROMOTER, context)


def _withdrawal_requested(event) -> list:
    withdrawal = (
        Withdrawal.objects.select_related("promoter__member__user__profile")
        .filter(pk=event.data["withdrawal"])
        .first()
    )
    if withdrawal is None:
        return []
    context = {
        "name": staff_name(withdrawal.promoter.member.user),
        "code": event.data["code"],
        "amount": event.data["amount"],
        "pay_to": withdrawal.pay_to,
        "withdrawal": withdrawal.pk,
    }
    return _holding(PAY_WITHDRAWAL, context)


def _promoter_kind(key, label, recipients, title, body) -> NotificationKind:
    return NotificationKind(
        key=key,
        label=label,
        event=key,
        recipients=recipients,
        url=ACCOUNT_URL,
        sample=PROMOTER_SAMPLE,
        title=title,
        body=body,
    )


def _staff_kind(key, label, event, recipients, url, title, body) -> NotificationKind:
    return NotificationKind(
        key=key,
        label=label,
        event=event,
        recipients=recipients,
        audience="staff",
        channels=("inbox", "email"),
        url=url,
        sample=STAFF_SAMPLE,
        title=title,
        body=body,
    )


NOTIFICATION_KINDS = [
    _promoter_kind(
        "referral.new",
        _("New referral"),
        _referral_new,
        {
            "en": "{% if via == 'code' %}{{ name }} used your referral code{% elif via == 'staff' %}"
            "{{ name }} is now your referral{% else %}{{ name }} joined through your link{% endif %}",
            "zh-hans": "{% if via == 'code' %}{{ name }} 使用了您的推荐码{% elif via == 'staff' %}"
            "{{ name }} 已成为您推荐的顾客{% else %}{{ name }} 通过您的推荐链接加入了{% endif %}",
        },
        {
            "en": "A new customer is yours: you earn commission on what they buy.",
            "zh-hans": "您又推荐了一位新顾客：他们购物，您就能获得佣金。",
        },
    ),
    _promoter_kind(
        "referral.commission_settled",
        _("Commission settled"),
        _commission_settled,
        {"en": "{{ amount }} commission is yours", "zh-hans": "{{ amount }} 佣金已到账"},
        {
            "en": "The commission on order {{ order }} is settled. You can withdraw {{ available }} now.",
            "zh-hans": "订单 {{ order }} 的佣金已结算。您现在可提现 {{ available }}。",
        },
    ),
    _promoter_kind(
        "referral.withdrawal_paid",
        _("Withdrawal paid"),
        _withdrawal_paid,
        {"en": "Your withdrawal of {{ amount }} is paid", "zh-hans": "您提现的 {{ amount }} 已支付"},
        {
            "en": "We approved your withdrawal and sent {{ amount }}. Payout reference: {{ reference }}.",
            "zh-hans": "您的提现已批准，{{ amount }} 已转出。付款凭证号：{{ reference }}。",
        },
    ),
    _promoter_kind(
        "referral.withdrawal_rejected",
        _("Withdrawal rejected"),
        _withdrawal_rejected,
        {
            "en": "Your withdrawal of {{ amount }} was not approved",
            "zh-hans": "您提现的 {{ amount }} 未获批准",
        },
        {
            "en": "{{ reason }} The {{ amount }} is back in your balance: you can ask again.",
            "zh-hans": "{{ reason }} {{ amount }} 已退回您的可提现余额，您可以重新申请。",
        },
    ),
    _promoter_kind(
        "referral.promoter_approved",
        _("Promoter approved"),
        _promoter_approved,
        {"en": "You're a promoter now", "zh-hans": "您已成为推广员"},
        {
            "en": "Your referral link is ready (code {{ code }}). Share it: you earn commission on what your friends buy.",
            "zh-hans": "您的推荐链接已生成（推荐码 {{ code }}）。分享给好友，好友购物您就能获得佣金。",
        },
    ),
    _staff_kind(
        "staff.promoter_applied",
        _("Promoter application (staff)"),
        "referral.promoter_joined",
        _promoter_applied,
        PROMOTER_ADMIN_URL,
        {"en": "{{ name }} asks to become a promoter", "zh-hans": "{{ name }} 申请成为推广员"},
        {
            "en": "Approve or refuse the application of {{ name }} (code {{ code }}) in Referrals → Promoters.",
            "zh-hans": "请在“推荐 → 推广员”中批准或拒绝 {{ name }}（推荐码 {{ code }}）的申请。",
        },
    ),
    _staff_kind(
        "staff.withdrawal_requested",
        _("Withdrawal to pay (staff)"),
        "referral.withdrawal_requested",
        _withdrawal_requested,
        WITHDRAWAL_ADMIN_URL,
        {"en": "Withdrawal to pay: {{ amount }}", "zh-hans": "待支付提现：{{ amount }}"},
        {
            "en": "{{ name }} (code {{ code }}) asks to withdraw {{ amount }} to {{ pay_to }}. Pay or reject it in Referrals → Withdrawals.",
            "zh-hans": "{{ name }}（推荐码 {{ code }}）申请提现 {{ amount }}，收款账户：{{ pay_to }}。请在“推荐 → 提现”中支付或拒绝。",
        },
    ),
]
