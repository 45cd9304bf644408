"""What members are told about their coupons (registered in coupons/wagtail_hooks.py)."""

import datetime as dt
import zoneinfo

from django.utils.translation import gettext_lazy as _

from core.language import tenant_time_zone
from core.registry import NotificationKind
from members.notifications import SAMPLE_MEMBER, tell_member

# The keys _told gives every coupon kind's context.
SAMPLE = {
    "member": SAMPLE_MEMBER,
    "coupon": "¥20 off your next visit",
    "code": "K7QM2X9PRT",
    "expires": dt.date(2030, 12, 31),
}


def _told(event) -> list:
    # The brand's local date; written out in the customer's language when the message is rendered.
    expires = dt.datetime.fromisoformat(event.data["expires_at"]).astimezone(
        zoneinfo.ZoneInfo(tenant_time_zone())
    )
    return tell_member(
        event, {"coupon": event.data["name"], "code": event.data["code"], "expires": expires.date()}
    )


NOTIFICATION_KINDS = [
    NotificationKind(
        key="coupon.issued",
        label=_("New coupon"),
        event="coupon.issued",
        recipients=_told,
        url="/account/#coupons",
        sample=SAMPLE,
        title={"en": "A coupon for you: {{ coupon }}", "zh-hans": "您收到一张优惠券：{{ coupon }}"},
        body={
            "en": "Coupon {{ code }} is in My account. Use it by {{ expires }}.",
            "zh-hans": "优惠券 {{ code }} 已放入“我的账户”，请在 {{ expires }} 前使用。",
        },
    ),
    NotificationKind(
        key="coupon.expiring",
        label=_("Coupon about to expire"),
        event="coupon.expiring",
        recipients=_told,
        url="/account/#coupons",
        sample=SAMPLE,
        title={"en": "Your coupon expires soon: {{ coupon }}", "zh-hans": "您的优惠券即将到期：{{ coupon }}"},
        body={
            "en": "Coupon {{ code }} can be used until {{ expires }}.",
            "zh-hans": "优惠券 {{ code }} 的有效期至 {{ expires }}。",
        },
    ),
]
