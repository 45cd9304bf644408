"""What customers are told about their orders (registered in mall/wagtail_hooks.py)."""

from django.utils.translation import gettext_lazy as _

from core.registry import NotificationKind
from members.notifications import SAMPLE_MEMBER, tell_member

SAMPLE = {
    "member": SAMPLE_MEMBER,
    "number": "20261126-49302117",
    "total": "¥128.00",
    "tracking_number": "SF1234567890",
    "store": "Jing'an store, 88 Yuyuan Road",
    "reason": "Changed my mind",
}


def _order_told(event) -> list:
    data = event.data
    return tell_member(
        event,
        {
            "number": data["number"],
            "total": data["total"],
            "tracking_number": data.get("tracking_number", ""),
            "store": data.get("store", ""),
            "reason": data.get("reason", ""),
        },
    )


def _order_url(event) -> str:
    return f"/account/orders/{event.data['number']}/"


def _kind(key, label, title, body) -> NotificationKind:
    return NotificationKind(
        key=key,
        label=label,
        event=key,
        recipients=_order_told,
        url="/account/orders/",
        sample=SAMPLE,
        title=title,
        body=body,
    )


NOTIFICATION_KINDS = [
    _kind(
        "order.paid",
        _("Order paid"),
        {"en": "Order {{ number }} is paid", "zh-hans": "订单 {{ number }} 已支付"},
        {
            "en": "Thank you: we received {{ total }} for order {{ number }} and are preparing it.",
            "zh-hans": "感谢您的购买：订单 {{ number }} 已收到 {{ total }}，我们正在为您备货。",
        },
    ),
    _kind(
        "order.shipped",
        _("Order shipped"),
        {"en": "Order {{ number }} is on its way", "zh-hans": "订单 {{ number }} 已发货"},
        {
            "en": "Order {{ number }} has shipped.{% if tracking_number %} Tracking number: {{ tracking_number }}.{% endif %}",
            "zh-hans": "订单 {{ number }} 已发货。{% if tracking_number %}运单号：{{ tracking_number }}。{% endif %}",
        },
    ),
    _kind(
        "order.ready_for_pickup",
        _("Order ready for pick-up"),
        {"en": "Order {{ number }} is ready for pick-up", "zh-hans": "订单 {{ number }} 可以取货了"},
        {
            "en": "Pick up order {{ number }} at {{ store }}; show the order number at the counter.",
            "zh-hans": "请到 {{ store }} 领取订单 {{ number }}，在柜台出示订单号即可。",
        },
    ),
    _kind(
        "order.refunded",
        _("Order refunded"),
        {"en": "Order {{ number }} is refunded", "zh-hans": "订单 {{ number }} 已退款"},
        {
            "en": "We refunded order {{ number }} ({{ total }}): {{ reason }}. Stored value and points are back in your account; other payments return the way you paid.",
            "zh-hans": "订单 {{ number }}（{{ total }}）已退款：{{ reason }}。储值和积分已退回您的账户，其他支付方式按原路退回。",
        },
    ),
    _kind(
        "order.payment_reminder",
        _("Order waiting for payment"),
        {"en": "Order {{ number }} is waiting for payment", "zh-hans": "订单 {{ number }} 待支付"},
        {
            "en": "Order {{ number }} ({{ total }}) is not paid yet. Pay soon, or it is cancelled and its items go back on sale.",
            "zh-hans": "订单 {{ number }}（{{ total }}）尚未支付。请尽快支付，逾期订单将自动取消，商品重新上架。",
        },
    ),
]
