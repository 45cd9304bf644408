"""What members are told, through the notifications app (registered in members/wagtail_hooks.py):
points and stored value changes, a new level, and birthday wishes."""

from django.utils.translation import gettext_lazy as _

from core.money import format_money
from core.registry import NotificationKind
from members.models import Member


def _member(event):
    return Member.objects.select_related("user").filter(pk=event.subject_id).first()


def _told(event, context: dict) -> list:
    member = _member(event)
    if member is None or member.user is None:
        return []
    return [(member.user, {"member": member.code, **context})]


def points_changed(event):
    delta = event.data["delta"]
    return _told(
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
    return _told(
        event,
        {
            "added": delta > 0,
            "amount": format_money(abs(delta)),
            "balance": format_money(event.data["balance"]),
            "reason": event.data["reason"],
        },
    )


def level_changed(event):
    return _told(event, {"level": event.data["level"], "previous": event.data.get("previous") or ""})


def birthday(event):
    return _told(event, {})


NOTIFICATION_KINDS = [
    NotificationKind(
        key="points.changed",
        label=_("Points changed"),
        event="points.changed",
        recipients=points_changed,
        url="/account/",
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
        title={"en": "Welcome to {{ level }}", "zh-hans": "恭喜您成为{{ level }}会员"},
        body={
            "en": "Your member level is now {{ level }}. See what it gives you in My account.",
            "zh-hans": "您的会员等级已变为{{ level }}。在“我的账户”中查看新等级的权益。",
        },
    ),
    NotificationKind(
        key="member.birthday",
        label=_("Birthday wishes"),
        event="member.birthday",
        recipients=birthday,
        marketing=True,
        url="/account/",
        title={"en": "Happy birthday!", "zh-hans": "生日快乐！"},
        body={
            "en": "Happy birthday from all of us. Come and see us this month.",
            "zh-hans": "祝您生日快乐！本月欢迎常来。",
        },
    ),
]
