"""How the shop plugs into the platform (core.registry): events, the schedule tick, what customers
are told, the search box, My account, customer data, GraphQL and the admin."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core import registry
from mall import (
    admin,  # noqa: F401 - the admin's viewsets and menu register their own hooks
    selectors,
)
from mall.graphql.schema import VIEWER_FIELDS
from mall.models import Order, Product
from mall.notifications import NOTIFICATION_KINDS
from mall.tasks import EVERY_TICK


@hooks.register(registry.EVENT_KINDS)
def event_kinds():
    return {
        "order.placed": _("Order placed"),
        "order.paid": _("Order paid"),
        "order.shipped": _("Order shipped"),
        "order.ready_for_pickup": _("Order ready for pick-up"),
        "order.completed": _("Order completed"),
        "order.cancelled": _("Order cancelled"),
        "order.refunded": _("Order refunded"),
        "order.payment_reminder": _("Order waiting for payment"),
        "group_buy.succeeded": _("Group-buy filled"),
        "group_buy.failed": _("Group-buy failed"),
        "bargain.cut": _("Bargain price cut"),
    }


@hooks.register(registry.EVERY_TICK)
def every_tick():
    return EVERY_TICK


@hooks.register(registry.NOTIFICATION_KINDS)
def notification_kinds():
    return NOTIFICATION_KINDS


@hooks.register(registry.VIEWER_FIELDS)
def viewer_fields():
    return VIEWER_FIELDS


def _products(user, locale_id):
    return (
        Product.objects.filter(is_published=True)
        .filter(selectors.visibility_filter(selectors.member_of(user)))
        .distinct()
    )


def _product_hit(product: Product) -> registry.SearchHit:
    return registry.SearchHit(product.title, product.url, f"{product.summary} {product.search_text()}")


@hooks.register(registry.SEARCH_TYPES)
def search_types():
    return [registry.SearchType("products", _("Products"), _products, _product_hit, order=20)]


def _export_orders(user) -> list[dict]:
    member = selectors.member_of(user)
    if member is None:
        return []
    return [
        {
            "number": order.number,
            "status": order.status,
            "placed": order.created_at.isoformat(),
            "total_cents": order.total_cents,
            "points_spent": order.points_spent,
            "delivery": order.delivery,
            "recipient_name": order.recipient_name,
            "recipient_phone": order.recipient_phone,
            "address": order.address,
            "pickup_store": order.pickup_store,
            "lines": [
                {
                    "title": line.title,
                    "options": line.options,
                    "quantity": line.quantity,
                    "unit_price_cents": line.unit_price_cents,
                    "unit_points": line.unit_points,
                }
                for line in order.lines.all()
            ],
        }
        for order in selectors.orders_of(member)
    ]


def _erase_orders(user) -> None:
    """Orders stay for the brand's accounts; who they went to and where does not."""
    member = selectors.member_of(user)
    if member is not None:
        Order.objects.filter(member=member).update(recipient_name="", recipient_phone="", address="", note="")


@hooks.register(registry.CUSTOMER_DATA)
def customer_data():
    return [registry.CustomerData("orders", _export_orders, _erase_orders)]


@hooks.register(registry.ACCOUNT_SECTIONS)
def account_sections():
    """My account: the member's 3 most recent orders and a link to all of them (/account/orders/)."""
    return [
        registry.AccountSection(
            "orders",
            "mall/account_orders.html",
            lambda request, member: {"orders": list(selectors.orders_of(member)[:3])},
            order=50,
        )
    ]
