"""What members are told, through the notifications app (registered in members/wagtail_hooks.py):
points and stored value changes, a new level, and birthday wishes; and what brand staff are told:
a member's data was downloaded.

Each kind's `sample` has exactly the keys its recipients function puts in the context: the admin
previews and checks staff's own wording with it."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.money import format_money
from core.registry import NotificationKind
from members.models import Member


def tell_member(event, context: dict) -> list:
    """The recipients of an event whose subject is a member: the member's user, with `context`
    and the member's code (other domains' member events use it too)."""
    member = Member.objects.select_related("user").filter(pk=event.subject_id).first()
    if member is None or member.user is None:
        return []
    return [(member.user, {"member": member.code, **context})]


def points_changed(event):
    delta = event.data["delta"]
    return tell_member(
        event,
        {
            "earned": delta > 0,
            "points": abs(delta),
            "balance": event.data["balance"],
            "reason": event.data["reason"],
        },
    )


def balance_changed(event):
    delta = event.data["delta"]
    return tell_member(
        event,
        {
            "added": delta > 0,
            "amount": format_money(abs(delta)),
            "balance": format_money(event.data["balance"]),
            "reason": event.data["reason"],
        },
    )


def level_changed(event):
    return tell_member(event, {"level": event.data["level"], "previous": event.data.get("previous") or ""})


def points_expiring(event):
    return tell_member(
        event, {"points": event.data["points"], "expires": dt.date.fromisoformat(event.data["expires_on"])}
    )


def birthday(event):
    return tell_member(event, {})


def data_exported(event):
    """Every active staff user and superuser of the brand: a customer's data left the portal (staff
    download it on the customer's request), so each of them can see who did it and for whom."""
    member = Member.objects.filter(pk=event.subject_id).only("code").first()
    if member is None:
        return []
    users = get_user_model().objects
    by = users.filter(pk=event.data.get("by")).first() if event.data.get("by") else None
    staff = users.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True).order_by("pk")
    context = {"member": member.code, "by": by.get_username() if by else ""}
    return [(user, dict(context)) for user in staff]


SAMPLE_MEMBER = "3F9A1C07B2D4E856"


NOTIFICATION_KINDS = [
    NotificationKind(
        key="points.changed",
        label=_("Points changed"),
        event="points.changed",
        recipients=points_changed,
        url="/account/",
        sample={
            "member": SAMPLE_MEMBER,
            "earned": True,
            "points": 120,
            "balance": 1320,
            "reason": "Order 1001",
        },
        title={
            "en": "{% if earned %}You earned {{ points }} points{% else %}{{ points }} points used{% endif %}",
            "zh-hans": "{% if earned %}您获得了 {{ points }} 积分{% else %}已使用 {{ points }} 积分{% endif %}",
        },
        body={
            "en": "{{ reason }}. You now have {{ balance }} points.",
            "zh-hans": "{{ reason }}。您现在有 {{ balance }} 积分。",
        },
    ),
    NotificationKind(
        key="balance.changed",
        label=_("Stored value changed"),
        event="balance.changed",
        recipients=balance_changed,
        url="/account/",
        sample={
            "member": SAMPLE_MEMBER,
            "added": True,
            "amount": "¥200.00",
            "balance": "¥350.00",
            "reason": "Top-up at the counter",
        },
        title={
            "en": "{% if added %}{{ amount }} added to your balance{% else %}{{ amount }} paid from your balance{% endif %}",
            "zh-hans": "{% if added %}储值增加 {{ amount }}{% else %}储值支付 {{ amount }}{% endif %}",
        },
        body={
            "en": "{{ reason }}. Your balance is now {{ balance }}.",
            "zh-hans": "{{ reason }}。当前储值余额 {{ balance }}。",
        },
    ),
    NotificationKind(
        key="level.changed",
        label=_("New member level"),
        event="level.changed",
        recipients=level_changed,
        url="/account/",
        sample={"member": SAMPLE_MEMBER, "level": "Gold", "previous": "Silver"},
        title={"en": "Welcome to {{ level }}", "zh-hans": "恭喜您成为{{ level }}会员"},
        body={
            "en": "Your member level is now {{ level }}. See what it gives you in My account.",
            "zh-hans": "您的会员等级已变为{{ level }}。在“我的账户”中查看新等级的权益。",
        },
    ),
    NotificationKind(
        key="points.expiring",
        label=_("Points about to expire"),
        event="points.expiring",
        recipients=points_expiring,
        url="/account/",
        sample={"member": SAMPLE_MEMBER, "points": 320, "expires": dt.date(2031, 1, 1)},
        title={
            "en": "{{ points }} points expire on {{ expires }}",
            "zh-hans": "您有 {{ points }} 积分将于 {{ expires }} 到期",
        },
        body={
            "en": "Use them before {{ expires }}: points earned before this year expire then.",
            "zh-hans": "请在 {{ expires }} 前使用：今年以前获得的积分届时将过期。",
        },
    ),
    NotificationKind(
        key="member.birthday",
        label=_("Birthday wishes"),
        event="member.birthday",
        recipients=birthday,
        marketing=True,
        url="/account/",
        sample={"member": SAMPLE_MEMBER},
        title={"en": "Happy birthday!", "zh-hans": "生日快乐！"},
        body={
            "en": "Happy birthday from all of us. Come and see us this month.",
            "zh-hans": "祝您生日快乐！本月欢迎常来。",
        },
    ),
    NotificationKind(
        key="staff.member_data_exported",
        label=_("Member data downloaded (staff)"),
        event="member.data_exported",
        recipients=data_exported,
        audience="staff",
        channels=("inbox",),
        url="/admin/members_member/?q={{ member }}",
        sample={"member": SAMPLE_MEMBER, "by": "admin@brand.example"},
        title={
            "en": "Member data downloaded: {{ member }}",
            "zh-hans": "会员数据已下载：{{ member }}",
        },
        body={
            "en": "{% if by %}{{ by }}{% else %}A staff member{% endif %} downloaded the data of member "
            "{{ member }} at the customer's request.",
            "zh-hans": "{% if by %}{{ by }}{% else %}一位员工{% endif %}应顾客要求下载了会员 {{ member }} 的数据。",
        },
    ),
]
