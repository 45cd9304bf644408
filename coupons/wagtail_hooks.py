"""How the coupons domain plugs into the platform (core.registry) and into members' card."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from core import registry
from coupons.admin import CouponsGroup
from coupons.graphql.schema import VIEWER_FIELDS
from coupons.notifications import NOTIFICATION_KINDS
from coupons.selectors import coupon_count_for, coupons_for
from coupons.tasks import SCHEDULED_JOBS
from members.selectors import MEMBER_CARD_FIGURES, CardFigure, member_for


@hooks.register("register_admin_viewset")
def register_coupon_viewsets():
    return CouponsGroup()


@hooks.register(registry.VIEWER_FIELDS)
def viewer_fields():
    return VIEWER_FIELDS


@hooks.register(registry.EVENT_KINDS)
def event_kinds():
    return {
        "coupon.issued": gettext_lazy("Coupon issued"),
        "coupon.expiring": gettext_lazy("Coupon expiring"),
    }


@hooks.register(registry.SCHEDULED_JOBS)
def scheduled_jobs():
    return SCHEDULED_JOBS


@hooks.register(MEMBER_CARD_FIGURES)
def usable_coupons_on_the_card(member):
    return [CardFigure(_("Coupons"), str(coupon_count_for(member)))]


def _my_coupons(request, member):
    coupons = coupons_for(member)
    return {
        "coupon_groups": [
            (_("Usable"), coupons.usable),
            (_("Used"), coupons.used),
            (_("Expired"), coupons.expired),
        ]
    }


def _export_coupons(user) -> list[dict]:
    member = member_for(user)
    if member is None:
        return []
    return [
        {
            "code": coupon.code,
            "name": coupon.template.name,
            "status": status,
            "issued_at": coupon.issued_at,
            "expires_at": coupon.expires_at,
            "used_at": coupon.redeemed_at,
            "order": coupon.redeemed_order_reference,
        }
        for status, coupons in coupons_for(member)._asdict().items()
        for coupon in coupons
    ]


def _keep_coupons(user) -> None:
    """Coupons stay with the member card (the brand's issued and used counts must add up); they
    identify no one once the account is anonymised."""


@hooks.register(registry.CUSTOMER_DATA)
def customer_data():
    return [registry.CustomerData("coupons", _export_coupons, _keep_coupons)]


@hooks.register(registry.ACCOUNT_SECTIONS)
def account_sections():
    return [registry.AccountSection("coupons", "coupons/account_coupons.html", _my_coupons, order=100)]


@hooks.register(registry.NOTIFICATION_KINDS)
def notification_kinds():
    return NOTIFICATION_KINDS
