"""Test data for referrals, made through referrals.services (write to the current schema: call
inside `in_tenant(tenant)`). Orders go through the real checkout (mall.tests.factories.place) and
their events through the real outbox (`deliver`), so commission is what the subscribers make it."""

import datetime as dt

from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from core.outbox import deliver_due_events
from mall import services as mall
from mall.tests.factories import ProductFactory, line, place
from members.models import Member
from members.tests.factories import MemberFactory
from referrals import services
from referrals.models import CommissionRule, PromoterLevel, Referral, ReferralSettings


def own_rules_only() -> None:
    """Remove what a starter portal sets up in the programme (a whole-shop rule, a promoter level):
    each test states the rules and levels its sums rest on."""
    CommissionRule.objects.all().delete()
    PromoterLevel.objects.filter(promoters__isnull=True).delete()


def promoter(member=None):
    """An active promoter (a new member unless `member` is given)."""
    return services.become_promoter(member or MemberFactory())


def referred(promoter_, customer=None, via=Referral.Via.LINK):
    """A customer (a new member unless given) referred by `promoter_`."""
    customer = customer or MemberFactory()
    services.refer(customer, promoter_, via=via)
    return customer


def rule(**fields) -> CommissionRule:
    """A commission rule for the whole shop: 10% for the promoter, 2% for the second tier, unless told."""
    return CommissionRule.objects.create(
        **{
            "name": "Whole shop",
            "kind": CommissionRule.Kind.PERCENT,
            "first_tier": 10,
            "second_tier": 2,
            **fields,
        }
    )


def programme(**fields) -> ReferralSettings:
    """The brand's referral settings, with `fields` saved as staff would set them."""
    settings = ReferralSettings.load()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def deliver() -> None:
    """Deliver every due outbox event, as the worker does after each commit; a subscriber that
    fails fails the test (its writes would be retried, not silently lost)."""
    while True:
        counts = deliver_due_events()
        assert (counts["retrying"], counts["failed"]) == (0, 0), counts
        if not counts["delivered"]:
            return


def sign_up(invited: dict | None, *, username=None) -> Member:
    """A visitor signs up carrying the invitation `invited` (what accounts.invitations read from
    their cookie): their customer.signed_up event is delivered and their member card returned."""
    user = UserFactory(**({"username": username} if username else {}))
    accounts.register_customer(user, preferred_language="en", invited=invited)
    deliver()
    return Member.objects.get(user=user)


def paid_order(member, *lines, **fields):
    """`member` checks out `lines` (a SKU: `line(sku, quantity)`) and pays online; order.paid is
    delivered. Returns the order."""
    order = place(member, *lines, **fields)
    payment = order.payments.filter(status="pending").first()
    if payment is not None:
        mall.record_payment_result(
            payment.provider, payment.reference, succeeded=True, amount_cents=payment.amount_cents
        )
    deliver()
    order.refresh_from_db()
    return order


def complete(order):
    """The order is shipped and received; order.completed is delivered."""
    mall.ship_order(order, tracking_number="SF1", acting_user=None)
    mall.complete_order(order, acting_user=None)
    deliver()
    order.refresh_from_db()
    return order


def refund(order, reason="Returned"):
    mall.refund_order(order, reason=reason, acting_user=None)
    deliver()
    order.refresh_from_db()
    return order


__all__ = ["line", "place"]


def settled(promoter_, cents: int):
    """Give `promoter_` `cents` of settled (available) commission the way it is earned: a referred
    customer buys a product that earns 100% under its own rule, the order is completed and the
    tick runs after the return window. Returns the promoter, refreshed."""
    sku = ProductFactory(skus=[{"price_cents": cents}]).skus.get()
    rule(name=f"All of {sku.product.title}", product=sku.product, first_tier=100, second_tier=0)
    complete(paid_order(referred(promoter_), line(sku)))
    services.settle_due_commissions(
        now=timezone.now() + dt.timedelta(days=services.programme().return_days, hours=1)
    )
    promoter_.refresh_from_db()
    return promoter_
