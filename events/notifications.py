"""What members are told about their events (registered in events/wagtail_hooks.py)."""

import datetime as dt
import zoneinfo

from django.utils.translation import gettext_lazy as _

from core.language import tenant_time_zone
from core.registry import NotificationKind
from members.notifications import SAMPLE_MEMBER, tell_member

SAMPLE = {
    "member": SAMPLE_MEMBER,
    "event": "Latte art workshop",
    "starts": "2030-05-01 14:00",
    "venue": "Jing'an store",
    "ticket": "K7QM2X9PRT",
    "what": "The workshop moves to 15:00.",
    "reason": "The barista is ill.",
    "friends": 3,
    "points": 100,
}


def _event_told(event) -> list:
    data = event.data
    starts = dt.datetime.fromisoformat(data["starts_at"]).astimezone(zoneinfo.ZoneInfo(tenant_time_zone()))
    return tell_member(
        event,
        {
            "event": data["event"],
            "starts": starts.strftime("%Y-%m-%d %H:%M"),
            "venue": data.get("venue", ""),
            "ticket": data.get("ticket", ""),
            "what": data.get("what", ""),
            "reason": data.get("reason", ""),
        },
    )


def _goal_told(event) -> list:
    return tell_member(
        event,
        {"event": event.data["campaign"], "friends": event.data["friends"], "points": event.data["points"]},
    )


def _kind(key, label, title, body, recipients=_event_told, url="/account/events/") -> NotificationKind:
    return NotificationKind(
        key=key, label=label, event=key, recipients=recipients, url=url, sample=SAMPLE, title=title, body=body
    )


NOTIFICATION_KINDS = [
    _kind(
        "event.registered",
        _("Event sign-up confirmed"),
        {"en": "You're signed up: {{ event }}", "zh-hans": "报名成功：{{ event }}"},
        {
            "en": "See you on {{ starts }}{% if venue %} at {{ venue }}{% endif %}. Your ticket {{ ticket }} is in My account.",
            "zh-hans": "{{ starts }}{% if venue %}在{{ venue }}{% endif %}见。电子票 {{ ticket }} 在“我的账户”中。",
        },
    ),
    _kind(
        "event.waitlisted",
        _("On an event's waitlist"),
        {"en": "You're on the waitlist: {{ event }}", "zh-hans": "已加入候补：{{ event }}"},
        {
            "en": "The session on {{ starts }} is full. We'll tell you as soon as a seat is yours.",
            "zh-hans": "{{ starts }} 的场次已满，一有空位我们会立即通知您。",
        },
    ),
    _kind(
        "event.waitlist_promoted",
        _("A seat from the waitlist"),
        {"en": "A seat is yours: {{ event }}", "zh-hans": "候补成功：{{ event }}"},
        {
            "en": "A seat came free for {{ starts }}. Your ticket {{ ticket }} is in My account.",
            "zh-hans": "{{ starts }} 的场次有了空位，已为您保留。电子票 {{ ticket }} 在“我的账户”中。",
        },
    ),
    _kind(
        "event.reminder",
        _("Event reminder"),
        {"en": "Tomorrow: {{ event }}", "zh-hans": "活动提醒：{{ event }}"},
        {
            "en": "{{ event }} starts on {{ starts }}{% if venue %} at {{ venue }}{% endif %}. Show ticket {{ ticket }} at the door.",
            "zh-hans": "{{ event }} 将于 {{ starts }}{% if venue %}在{{ venue }}{% endif %}开始，入场请出示电子票 {{ ticket }}。",
        },
    ),
    _kind(
        "event.changed",
        _("Event changed"),
        {"en": "Change to {{ event }}", "zh-hans": "活动变更：{{ event }}"},
        {"en": "{{ what }}", "zh-hans": "{{ what }}"},
    ),
    _kind(
        "event.cancelled",
        _("Event cancelled"),
        {"en": "Cancelled: {{ event }}", "zh-hans": "活动取消：{{ event }}"},
        {
            "en": "We're sorry: {{ event }} on {{ starts }} is cancelled. {{ reason }} Any points you used are back in your account.",
            "zh-hans": "很抱歉，{{ starts }} 的 {{ event }} 已取消。{{ reason }} 报名使用的积分已退回您的账户。",
        },
    ),
    _kind(
        "campaign.goal_reached",
        _("Invite campaign goal reached"),
        {
            "en": "{{ friends }} friends joined: thank you!",
            "zh-hans": "已邀请 {{ friends }} 位好友，谢谢您！",
        },
        {
            "en": "Your reward for {{ event }} is in your account{% if points %}: {{ points }} points{% endif %}.",
            "zh-hans": "{{ event }} 的奖励已发放{% if points %}：{{ points }} 积分{% endif %}。",
        },
        recipients=_goal_told,
        url="/account/",
    ),
]
