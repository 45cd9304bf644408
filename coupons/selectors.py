"""Reads of coupons and templates, each with its joins done once (a fixed number of queries)."""

from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from coupons import rules
from coupons.models import Coupon, CouponTemplate


class MemberCoupons(NamedTuple):
    """A member's coupons as the member sees them: usable (soonest to expire first), used (latest
    first) and expired (latest first). "Expired" is an unused coupon whose end has passed."""

    usable: list[Coupon]
    used: list[Coupon]
    expired: list[Coupon]


def coupons_for(member, *, now=None) -> MemberCoupons:
    """All of `member`'s coupons, with their templates, in one query:
    `usable, used, expired = coupons_for(member)`."""
    now = now or timezone.now()
    split = {"usable": [], "used": [], "expired": []}
    for coupon in Coupon.objects.filter(member=member).select_related("template"):
        split[coupon.state(now)].append(coupon)
    split["usable"].sort(key=lambda coupon: (coupon.expires_at, coupon.pk))
    split["used"].sort(key=lambda coupon: (coupon.redeemed_at, coupon.pk), reverse=True)
    split["expired"].sort(key=lambda coupon: (coupon.expires_at, coupon.pk), reverse=True)
    return MemberCoupons(**split)


def coupon_count_for(member) -> int:
    """How many coupons `member` can still use (the number on a member card's coupon badge)."""
    return Coupon.objects.usable().filter(member=member).count()


def claimable_templates_for(member, *, now=None):
    """Templates `member` could claim right now (one query): claimable, on, not ended, not sold
    out, for their level, and under their per-member limit. With no member (an anonymous
    visitor): those any member could claim, ignoring level and limit."""
    now = now or timezone.now()
    templates = CouponTemplate.objects.filter(claimable=True, is_active=True, valid_until__gt=now).filter(
        Q(total_quantity__isnull=True) | Q(issued_count__lt=F("total_quantity"))
    )
    if member is None:
        return templates
    restricted = CouponTemplate.levels.through.objects.filter(coupontemplate=OuterRef("pk"))
    held = (
        Coupon.objects.filter(template=OuterRef("pk"), member=member)
        .order_by()
        .values("template")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        templates.annotate(held=Coalesce(Subquery(held, output_field=IntegerField()), Value(0)))
        .filter(held__lt=F("per_member_limit"))
        .filter(~Exists(restricted) | Exists(restricted.filter(memberlevel=member.level_id)))
    )


def expiring_coupons(within_days: int, *, now=None):
    """Unused coupons that expire in the next `within_days` days, soonest first, with their member
    and template: what a "your coupon is about to expire" notification goes through."""
    if not isinstance(within_days, int) or isinstance(within_days, bool) or within_days < 0:
        raise ValueError("within_days must be a whole number of days, 0 or more.")
    now = now or timezone.now()
    return (
        Coupon.objects.usable(now)
        .filter(expires_at__lte=now + timedelta(days=within_days))
        .select_related("member", "template")
        .order_by("expires_at", "pk")
    )


@dataclass(frozen=True)
class ClaimOffer:
    """A claimable template as one visitor sees it in the claim block."""

    template: CouponTemplate
    can_claim: bool
    reason: str = ""  # why not, when they cannot
    held: int = 0  # how many of it the member has had


def claim_offer_for(template_id, member, *, now=None) -> ClaimOffer | None:
    """The claim block's view of one template for one visitor (member or None), in at most three
    queries; None when there is no such claimable template. For display only: claiming goes
    through services.claim_coupon, which checks again under its locks."""
    template = (
        CouponTemplate.objects.prefetch_related("levels").filter(pk=template_id, claimable=True).first()
    )
    if template is None:
        return None
    if member is None:
        return ClaimOffer(template, can_claim=False)
    now = now or timezone.now()
    held = Coupon.objects.filter(template=template, member=member).count()
    reason = rules.why_not_issuable(template, member, held=held, now=now)
    if reason and held >= template.per_member_limit:
        reason = _("You have claimed this coupon.")
    return ClaimOffer(template, can_claim=reason is None, reason=reason or "", held=held)
