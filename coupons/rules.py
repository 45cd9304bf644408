"""Who may get a coupon, and what a coupon takes off an order: pure functions, no queries.

services.py applies them under its locks; the claim block applies them to fresh reads only to
choose what to show (a visitor's click still goes through the service and its locks).
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_money
from coupons.models import Coupon, CouponTemplate


def when(moment: datetime) -> str:
    """A moment as members read it, in the site's time zone; the same in every language."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def why_not_issuable(template: CouponTemplate, member, *, held: int, now: datetime) -> str | None:
    """The reason `member` cannot get one more of `template`, or None when they can.

    `held` is how many of this template the member has ever been given (used ones count: the
    per-member limit is on coupons received, or a member could use one and claim another). The
    levels must be prefetched or cached by the caller. A coupon may be issued before its window
    opens (members collect it ahead of a campaign), never after it has closed.
    """
    if not template.is_active:
        return _("“%(name)s” is not being given out at the moment.") % {"name": template.name}
    if template.valid_until <= now:
        return _("“%(name)s” ended on %(date)s.") % {
            "name": template.name,
            "date": when(template.valid_until),
        }
    levels = list(template.levels.all())
    if levels and member.level_id not in {level.pk for level in levels}:
        names = ", ".join(level.name for level in levels)
        return _("“%(name)s” is only for %(levels)s members.") % {"name": template.name, "levels": names}
    if held >= template.per_member_limit:
        return _("Each member can get “%(name)s” %(limit)s time(s) at most.") % {
            "name": template.name,
            "limit": template.per_member_limit,
        }
    if template.sold_out:
        return _("All %(total)s of “%(name)s” have been given out.") % {
            "total": template.total_quantity,
            "name": template.name,
        }
    return None


@dataclass(frozen=True)
class Discount:
    """What a coupon takes off an order: cents off, or a free item (0 cents off)."""

    cents: int
    free_item: str = ""


def discount_for(template: CouponTemplate, order_total_cents: int) -> Discount:
    if template.kind == CouponTemplate.Kind.FIXED:
        # Never more than the order: a ¥50 coupon on a ¥30 order takes ¥30 off, with no change given.
        return Discount(min(template.amount_cents, order_total_cents))
    if template.kind == CouponTemplate.Kind.PERCENT:
        # Rounded down, in the brand's favour and the same at every till: floor, in integers.
        return Discount(order_total_cents * template.percent // 100)
    return Discount(0, template.free_item)


def why_not_redeemable(coupon: Coupon, *, member, order_total_cents: int, now: datetime) -> str | None:
    """The reason `coupon` cannot be used by `member` on this order, or None when it can."""
    template = coupon.template
    if coupon.member_id != member.pk:
        return _("The coupon %(code)s belongs to another member.") % {"code": coupon.code}
    if coupon.status == Coupon.Status.REDEEMED:
        return _("The coupon %(code)s was already used on %(date)s (order %(order)s).") % {
            "code": coupon.code,
            "date": when(coupon.redeemed_at),
            "order": coupon.redeemed_order_reference,
        }
    if coupon.is_expired(now):
        return _("The coupon %(code)s expired on %(date)s.") % {
            "code": coupon.code,
            "date": when(coupon.expires_at),
        }
    if template.valid_from > now:
        return _("The coupon %(code)s can be used from %(date)s.") % {
            "code": coupon.code,
            "date": when(template.valid_from),
        }
    if order_total_cents < template.minimum_spend_cents:
        return _("The coupon %(code)s needs an order of at least %(minimum)s; this order is %(total)s.") % {
            "code": coupon.code,
            "minimum": format_money(template.minimum_spend_cents),
            "total": format_money(order_total_cents),
        }
    return None
