"""How referrals plug into the platform (core.registry): events, subscribers, the tick, what
promoters and staff are told, customer data, My account, GraphQL and the admin."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core import registry
from members.selectors import member_for
from referrals import (
    admin,  # noqa: F401 - the admin's viewsets and menu register their own hooks
    selectors,
    services,
)
from referrals.graphql.schema import VIEWER_FIELDS
from referrals.models import Promoter, Withdrawal
from referrals.notifications import NOTIFICATION_KINDS
from referrals.tasks import EVERY_TICK


@hooks.register(registry.EVENT_KINDS)
def event_kinds():
    return {
        "referral.promoter_joined": _("Became a promoter"),
        "referral.promoter_approved": _("Promoter approved"),
        "referral.new": _("New referral"),
        "referral.commission_settled": _("Commission settled"),
        "referral.withdrawal_requested": _("Withdrawal asked"),
        "referral.withdrawal_paid": _("Withdrawal paid"),
        "referral.withdrawal_rejected": _("Withdrawal rejected"),
    }


@hooks.register(registry.EVENT_SUBSCRIBERS)
def event_subscribers():
    return {
        "customer.signed_up": [services.customer_signed_up],
        "order.paid": [services.commission_for_paid_order],
        "order.completed": [services.start_return_window],
        "order.refunded": [services.reverse_refunded_order],
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


def _export(user) -> dict:
    member = member_for(user)
    promoter = selectors.promoter_of(member)
    referral = selectors.referrer_of(member) if member is not None else None
    found = {"referred_by": referral.promoter.code if referral else None, "promoter": None}
    if promoter is not None:
        found["promoter"] = {
            "code": promoter.code,
            "status": promoter.status,
            "since": promoter.created_at.isoformat(),
            "pending_cents": promoter.pending_cents,
            "available_cents": promoter.available_cents,
            "withdrawn_cents": promoter.withdrawn_cents,
            "commissions": [
                {
                    "order": commission.order.number,
                    "amount_cents": commission.amount_cents,
                    "status": commission.status,
                    "earned_at": commission.created_at.isoformat(),
                }
                for commission in selectors.commissions_of(promoter)
            ],
            "withdrawals": [
                {
                    "amount_cents": withdrawal.amount_cents,
                    "status": withdrawal.status,
                    "pay_to": withdrawal.pay_to,
                    "requested_at": withdrawal.requested_at.isoformat(),
                }
                for withdrawal in selectors.withdrawals_of(promoter)
            ],
        }
    return found


def _erase(user) -> None:
    """A deleted account's link stops working (the promoter is suspended); where they asked to be
    paid goes, except for a request still open (staff still pay what is theirs); the amounts stay
    for the brand's books."""
    promoter = selectors.promoter_for_user(user)
    if promoter is not None:
        Promoter.objects.filter(pk=promoter.pk, status=Promoter.Status.ACTIVE).update(
            status=Promoter.Status.SUSPENDED, note=_("The customer deleted their account.")
        )
        promoter.withdrawals.exclude(status=Withdrawal.Status.REQUESTED).update(pay_to="")


@hooks.register(registry.CUSTOMER_DATA)
def customer_data():
    return [registry.CustomerData("referrals", _export, _erase)]


@hooks.register(registry.ACCOUNT_SECTIONS)
def account_sections():
    """My account: the member's referral code, friends referred and commission, or how to get a link;
    with a link to the referral dashboard (/account/referral/)."""
    from referrals.views import account_summary

    return [registry.AccountSection("referral", "referrals/account_referral.html", account_summary, order=80)]
