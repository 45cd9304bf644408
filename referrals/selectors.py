"""Reads of the referral programme: a promoter's figures, referrals, commission and withdrawals,
and the brand's top promoters."""

from dataclasses import dataclass

from django.db.models import Count, Sum

from members.models import Member
from referrals.models import Commission, CommissionEntry, Promoter, Referral, Withdrawal


def promoter_of(member: Member | None) -> Promoter | None:
    if member is None:
        return None
    return Promoter.objects.select_related("level", "member__user").filter(member=member).first()


def promoter_for_user(user) -> Promoter | None:
    if user is None or not user.is_authenticated:
        return None
    return Promoter.objects.select_related("level", "member__user").filter(member__user=user).first()


def referrer_of(member: Member) -> Referral | None:
    return Referral.objects.select_related("promoter__member__user").filter(customer=member).first()


@dataclass(frozen=True)
class PromoterStats:
    referred: int
    ordering_customers: int
    orders: int
    pending_cents: int
    available_cents: int
    held_cents: int
    withdrawn_cents: int

    @property
    def earned_cents(self) -> int:
        return self.available_cents + self.held_cents + self.withdrawn_cents


def stats(promoter: Promoter) -> PromoterStats:
    """The dashboard's figures in two queries: referrals, and the orders that earned commission."""
    referred = Referral.objects.filter(promoter=promoter).count()
    orders = Commission.objects.filter(promoter=promoter, tier=1).exclude(status=Commission.Status.REVERSED)
    counted = orders.aggregate(orders=Count("pk"), customers=Count("customer", distinct=True))
    return PromoterStats(
        referred=referred,
        ordering_customers=counted["customers"] or 0,
        orders=counted["orders"] or 0,
        pending_cents=promoter.pending_cents,
        available_cents=promoter.available_cents,
        held_cents=promoter.held_cents,
        withdrawn_cents=promoter.withdrawn_cents,
    )


def referrals_of(promoter: Promoter):
    """The promoter's referred customers, newest first."""
    return Referral.objects.filter(promoter=promoter).select_related("customer__user__profile")


def earned_by_customer(promoter: Promoter, customer_ids) -> dict[int, tuple[int, int]]:
    """{customer id: (orders, commission cents)} for the promoter's first-tier commission from these
    customers, reversed commission left out: one query for a page of referrals."""
    rows = (
        Commission.objects.filter(promoter=promoter, tier=1, customer_id__in=list(customer_ids))
        .exclude(status=Commission.Status.REVERSED)
        .values("customer_id")
        .annotate(orders=Count("pk"), cents=Sum("amount_cents"))
    )
    return {row["customer_id"]: (row["orders"], row["cents"] or 0) for row in rows}


def commissions_of(promoter: Promoter):
    """The promoter's commissions (the orders that earned them), newest first."""
    return Commission.objects.filter(promoter=promoter).select_related("order", "customer__user__profile")


def ledger_of(promoter: Promoter):
    return CommissionEntry.objects.filter(promoter=promoter).select_related("commission__order", "withdrawal")


def withdrawals_of(promoter: Promoter):
    return Withdrawal.objects.filter(promoter=promoter)


def open_withdrawal(promoter: Promoter) -> Withdrawal | None:
    return Withdrawal.objects.filter(promoter=promoter, status=Withdrawal.Status.REQUESTED).first()


def top_promoters(limit: int = 10) -> list[Promoter]:
    """The active promoters who brought the most customers (ties: the earlier promoter first)."""
    return list(
        Promoter.objects.filter(status=Promoter.Status.ACTIVE)
        .annotate(referred=Count("referrals"))
        .filter(referred__gt=0)
        .select_related("member__user__profile")
        .order_by("-referred", "created_at", "pk")[:limit]
    )
