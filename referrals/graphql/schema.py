"""Referrals in GraphQL: `viewer { referral { ... } }`, the logged-in customer's promoter account:
their link and code, status and level, who referred them (masked), their figures, and their
commission, withdrawals and referred customers, each paged.

`referral` is null for a customer who is not a promoter (and `viewer` itself for a visitor): the
API tells nobody else's figures. Referred customers are named as the dashboard names them, masked
(“W**”, accounts.selectors.masked_name); money is in integer cents, with the brand's formatted
text beside each commission and withdrawal amount (core.money.format_money).

Every field costs a fixed number of queries however many rows it returns: the promoter once, the
figures in two, `referredBy` and each page in one (`commissions` with their orders, `referrals`
with the customers' profiles). Every type lists its fields explicitly: staff notes, the ledger's
idempotency keys and who decided a withdrawal are never in the API.
"""

from types import SimpleNamespace

import graphene
from django.db.models import Q
from django.urls import reverse
from graphql import GraphQLError

from accounts.selectors import masked_name
from core.money import format_money
from core.paging import DEFAULT_FIRST, MAX_FIRST, position_cursor, position_from_cursor
from referrals import selectors
from referrals.models import Referral
from referrals.views import link_for

# --- Paging --------------------------------------------------------------------------------------


def checked_first(first) -> int:
    """A page size the API answers, or a clear error (never a silently different page)."""
    if first is None:
        return DEFAULT_FIRST
    if isinstance(first, bool) or not isinstance(first, int) or not 1 <= first <= MAX_FIRST:
        raise GraphQLError(f"`first` must be between 1 and {MAX_FIRST}; it was {first}.")
    return first


def _page(rows, first: int, after, kind: str, at: str):
    """`first` rows after the cursor `after`, newest first by (`at`, pk), as the other domains page:
    {items, endCursor, hasNextPage}. A cursor the API did not make is past the end."""
    if after:
        position = position_from_cursor(kind, after)
        if position is None:
            return {"items": [], "end_cursor": None, "has_next_page": False}
        moment, pk = position
        rows = rows.filter(Q(**{f"{at}__lt": moment}) | Q(**{at: moment, "pk__lt": pk}))
    page = list(rows.order_by(f"-{at}", "-pk")[: first + 1])
    items = page[:first]
    end = items[-1] if items else None
    return {
        "items": items,
        "end_cursor": position_cursor(kind, SimpleNamespace(created_at=getattr(end, at), pk=end.pk))
        if end is not None
        else None,
        "has_next_page": len(page) > first,
    }


FIRST_ARGUMENTS = {
    "first": graphene.Int(default_value=DEFAULT_FIRST, description=f"Rows per page, 1 to {MAX_FIRST}"),
    "after": graphene.String(description="The `endCursor` of the page before"),
}


def _link(info, promoter, *, qr: bool) -> str | None:
    """The promoter's link as the dashboard shows it (referrals.views.link_for): on the host asked,
    QR codes with ?via=qr. Only an active promoter's link brings referrals."""
    if not promoter.is_active:
        return None
    request = info.context
    if not hasattr(request, "build_absolute_uri"):  # schema.execute outside a request
        return reverse("referrals:link", args=[promoter.code]) + ("?via=qr" if qr else "")
    return link_for(request, promoter, qr=qr)


# --- Types ---------------------------------------------------------------------------------------


class ReferralStatsType(graphene.ObjectType):
    class Meta:
        name = "ReferralStats"
        description = "The promoter's figures; money in cents"

    referred = graphene.Int(required=True, description="Customers who came through the promoter")
    ordering_customers = graphene.Int(
        required=True, description="Of those, the ones whose orders earned commission"
    )
    orders = graphene.Int(required=True, description="Orders that earned commission (refunded ones left out)")
    pending_cents = graphene.Int(required=True, description="Earned, waiting for the return window to end")
    available_cents = graphene.Int(required=True, description="Settled: can be withdrawn")
    held_cents = graphene.Int(required=True, description="Asked to withdraw, waiting for staff")
    withdrawn_cents = graphene.Int(required=True, description="Paid out")
    earned_cents = graphene.Int(required=True, description="Settled ever: available + held + withdrawn")


class ReferralCommissionType(graphene.ObjectType):
    class Meta:
        name = "ReferralCommission"
        description = "What one order of a referred customer earned the promoter"

    order_number = graphene.String(required=True)
    amount_cents = graphene.Int(required=True)
    amount_text = graphene.String(required=True, description="The amount as the brand writes money")
    status = graphene.String(
        required=True, description="pending, settled or reversed (the order was refunded)"
    )
    tier = graphene.Int(
        required=True, description="1: the promoter's own customer; 2: a customer of a promoter they brought"
    )
    earned_at = graphene.DateTime(required=True)
    settles_at = graphene.DateTime(
        description="When pending commission settles; null until the order is completed"
    )
    settled_at = graphene.DateTime()

    @staticmethod
    def resolve_order_number(commission, info):
        return commission.order.number

    @staticmethod
    def resolve_amount_text(commission, info):
        return format_money(commission.amount_cents)

    @staticmethod
    def resolve_earned_at(commission, info):
        return commission.created_at


class ReferralWithdrawalType(graphene.ObjectType):
    class Meta:
        name = "ReferralWithdrawal"
        description = "A withdrawal the promoter asked for"

    amount_cents = graphene.Int(required=True)
    amount_text = graphene.String(required=True, description="The amount as the brand writes money")
    status = graphene.String(required=True, description="requested (waiting for staff), paid or rejected")
    pay_to = graphene.String(required=True, description="Where the promoter asked the money to go")
    requested_at = graphene.DateTime(required=True)
    decided_at = graphene.DateTime(description="When staff paid or rejected it")
    reason = graphene.String(required=True, description="Why staff rejected it; empty otherwise")
    payout_reference = graphene.String(required=True, description="The payout's reference once paid")

    @staticmethod
    def resolve_amount_text(withdrawal, info):
        return format_money(withdrawal.amount_cents)


class ReferredCustomerType(graphene.ObjectType):
    class Meta:
        name = "ReferredCustomer"
        description = "A customer the promoter brought, named as other customers see them"

    name = graphene.String(required=True, description="Masked: the first character and two stars")
    referred_at = graphene.DateTime(required=True)
    via = graphene.String(required=True, description="link, qr, code, campaign or staff")

    @staticmethod
    def resolve_name(referral, info):
        return masked_name(referral.customer.user)


def _page_type(name: str, item_type) -> type:
    return type(
        name,
        (graphene.ObjectType,),
        {
            "items": graphene.List(graphene.NonNull(item_type), required=True),
            "end_cursor": graphene.String(description="Pass as `after` for the next page"),
            "has_next_page": graphene.Boolean(required=True),
        },
    )


ReferralCommissionPageType = _page_type("ReferralCommissionPage", ReferralCommissionType)
ReferralWithdrawalPageType = _page_type("ReferralWithdrawalPage", ReferralWithdrawalType)
ReferredCustomerPageType = _page_type("ReferredCustomerPage", ReferredCustomerType)


class ReferralType(graphene.ObjectType):
    class Meta:
        name = "Referral"
        description = "The viewer's promoter account"

    code = graphene.String(required=True, description="The referral code friends may type in")
    link = graphene.String(description="The referral link to share; null unless the status is active")
    qr_link = graphene.String(description="What the QR poster carries; null unless the status is active")
    status = graphene.String(
        required=True,
        description="active, applied (waiting for approval), rejected or suspended (no new referrals)",
    )
    level = graphene.String(description="The promoter level's name; null: none")
    referred_by = graphene.String(description="The masked name of whoever referred the viewer; null: nobody")
    stats = graphene.Field(ReferralStatsType, required=True)
    commissions = graphene.Field(
        ReferralCommissionPageType,
        required=True,
        description="Commission earned, newest first",
        **FIRST_ARGUMENTS,
    )
    withdrawals = graphene.Field(
        ReferralWithdrawalPageType,
        required=True,
        description="Withdrawals asked for, newest first",
        **FIRST_ARGUMENTS,
    )
    referrals = graphene.Field(
        ReferredCustomerPageType,
        required=True,
        description="Customers the promoter brought, newest first",
        **FIRST_ARGUMENTS,
    )

    @staticmethod
    def resolve_link(promoter, info):
        return _link(info, promoter, qr=False)

    @staticmethod
    def resolve_qr_link(promoter, info):
        return _link(info, promoter, qr=True)

    @staticmethod
    def resolve_level(promoter, info):
        return promoter.level.name if promoter.level_id else None

    @staticmethod
    def resolve_referred_by(promoter, info):
        referral = (
            Referral.objects.select_related("promoter__member__user__profile")
            .filter(customer_id=promoter.member_id)
            .first()
        )
        return masked_name(referral.promoter.member.user) if referral is not None else None

    @staticmethod
    def resolve_stats(promoter, info):
        return selectors.stats(promoter)

    @staticmethod
    def resolve_commissions(promoter, info, first=DEFAULT_FIRST, after=None):
        first = checked_first(first)
        rows = selectors.commissions_of(promoter).select_related(None).select_related("order")
        return _page(rows, first, after, "commission", "created_at")

    @staticmethod
    def resolve_withdrawals(promoter, info, first=DEFAULT_FIRST, after=None):
        first = checked_first(first)
        return _page(selectors.withdrawals_of(promoter), first, after, "withdrawal", "requested_at")

    @staticmethod
    def resolve_referrals(promoter, info, first=DEFAULT_FIRST, after=None):
        first = checked_first(first)
        return _page(selectors.referrals_of(promoter), first, after, "referral", "referred_at")


def resolve_referral(user, info):
    return selectors.promoter_for_user(user)


VIEWER_FIELDS = {
    "referral": (
        graphene.Field(
            ReferralType,
            description="The customer's promoter account: link, figures, commission, withdrawals and "
            "referred customers; null when they are not a promoter",
        ),
        resolve_referral,
    ),
}
