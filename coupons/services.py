"""Every write to coupon templates and coupons.

- Issuing locks the member's row first (so one member's issues queue up: the per-member limit
  counts what is really there, and a retry with the same idempotency key finds the first coupon),
  then takes one from the template's stock with a conditional UPDATE (`issued_count < total`), so
  50 people claiming the last 5 coupons get exactly 5. Lock order is always member, then template.
- Redeeming locks the coupon's row (SELECT ... FOR UPDATE) and moves it from issued to redeemed
  with an UPDATE that also requires `status = 'issued'`: a coupon is used exactly once.
- A refusal raises CouponError with a message for the person who asked, and changes nothing.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_money
from core.outbox import record_event
from coupons import rules
from coupons.models import (
    MAX_ORDER_CENTS,
    Coupon,
    CouponTemplate,
    new_coupon_code,
    normalise_code,
)
from coupons.selectors import expiring_coupons
from members.models import Member
from members.services import LoyaltyError


class CouponError(LoyaltyError):
    """A refused coupon operation; the message says why, in the words of the person who asked."""


@dataclass(frozen=True)
class Redemption:
    """A used coupon and what it took off the order (cents), or the free item it gives."""

    coupon: Coupon
    discount_cents: int
    free_item: str = ""


@dataclass
class IssueReport:
    """What issuing to many members did: how many got one, and why the others did not."""

    issued: int = 0
    already_issued: int = 0  # retries with the same key: these members had theirs already
    skipped: Counter = field(default_factory=Counter)  # reason -> number of members

    @property
    def skipped_count(self) -> int:
        return sum(self.skipped.values())


# --- Templates ------------------------------------------------------------------------------

# What a brand's staff may change on a template. `issued_count` is never among them: saving a form
# loaded a minute ago must not put back the count it showed then (a lost update of the stock).
EDITABLE_TEMPLATE_FIELDS = [
    "name",
    "kind",
    "amount_cents",
    "percent",
    "free_item",
    "minimum_spend_cents",
    "valid_from",
    "valid_until",
    "per_member_limit",
    "total_quantity",
    "is_active",
    "claimable",
]


@transaction.atomic
def save_coupon_template(template: CouponTemplate, *, levels=None, acting_user) -> CouponTemplate:
    """Create or update a template after checking it (ValidationError on bad input, nothing saved).
    `levels` (MemberLevels; None leaves them as they are) restricts who may get it."""
    if template.pk is None:
        template.full_clean()
        template.save()
    else:
        # The stock may have moved since the form was loaded: check the new total against the
        # count as it is now, under the row lock, and write only the editable fields.
        locked = CouponTemplate.objects.select_for_update().get(pk=template.pk)
        template.issued_count = locked.issued_count
        template.full_clean()
        template.save(update_fields=EDITABLE_TEMPLATE_FIELDS)
    if levels is not None:
        template.levels.set(levels)
    return template


# --- Issuing --------------------------------------------------------------------------------


def issue_coupon(
    template: CouponTemplate, member: Member, *, acting_user, idempotency_key: str = ""
) -> Coupon:
    """Give `member` one coupon of `template` (staff or system). Refused with CouponError when the
    template is off, ended, sold out, not for the member's level, or the member has their limit.
    With an idempotency key, a retry returns the first coupon and changes nothing."""
    coupon, _created = _issue(template, member, acting_user=acting_user, idempotency_key=idempotency_key)
    return coupon


def claim_coupon(template: CouponTemplate, member: Member, *, acting_user=None, idempotency_key: str = ""):
    """A member takes a coupon themselves (the claim block): only templates marked claimable.
    Recorded as issued by `acting_user`, or by the member's own user when None."""
    coupon, _created = _issue(
        template, member, acting_user=acting_user, idempotency_key=idempotency_key, claiming=True
    )
    return coupon


def issue_coupon_to_level(
    template: CouponTemplate, level, *, acting_user, idempotency_key: str = ""
) -> IssueReport:
    """One coupon to every member of `level` (as they are now)."""
    return issue_coupon_to_members(
        template, Member.objects.filter(level=level), acting_user=acting_user, idempotency_key=idempotency_key
    )


def issue_coupon_to_members(
    template: CouponTemplate, members, *, acting_user, idempotency_key: str = ""
) -> IssueReport:
    """One coupon to each member of a segment (any queryset of members); returns an IssueReport.

    Each member is issued in their own transaction rather than all in one: a level can hold
    thousands of members, and one long transaction would hold the template's row (its stock) for
    the whole run, making every member's claim wait. Pass an idempotency key (the admin form does)
    so that running the same batch again, after a failure or a double click, completes it
    without giving anyone a second coupon.
    """
    report = IssueReport()
    for member in members.order_by("pk"):
        try:
            _coupon, created = _issue(
                template, member, acting_user=acting_user, idempotency_key=idempotency_key
            )
        except CouponError as refusal:
            report.skipped[str(refusal)] += 1
        else:
            if created:
                report.issued += 1
            else:
                report.already_issued += 1
    return report


@transaction.atomic
def _issue(template, member, *, acting_user, idempotency_key, claiming=False) -> tuple[Coupon, bool]:
    if member is None or member.pk is None:
        raise CouponError(_("Choose a member to give the coupon to."))
    idempotency_key = (idempotency_key or "").strip()
    if len(idempotency_key) > 100:
        raise CouponError(_("The idempotency key can be at most 100 characters."))
    locked_member = Member.objects.select_for_update().get(pk=member.pk)
    if idempotency_key:
        existing = Coupon.objects.filter(member=locked_member, idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.template_id != template.pk:
                raise CouponError(_("This idempotency key was already used for another coupon."))
            return existing, False  # a retry: issued once already
    # The template as it is now, not the caller's copy (staff may have switched it off meanwhile).
    current = CouponTemplate.objects.prefetch_related("levels").filter(pk=template.pk).first()
    if current is None:
        raise CouponError(_("This coupon no longer exists."))
    if claiming and not current.claimable:
        raise CouponError(_("“%(name)s” cannot be claimed; the brand gives it out.") % {"name": current.name})
    now = timezone.now()
    held = Coupon.objects.filter(template=current, member=locked_member).count()
    reason = rules.why_not_issuable(current, locked_member, held=held, now=now)
    if reason:
        raise CouponError(reason)
    # Take one from the stock and re-check "on and not ended" in the same statement: no
    # read-then-write on the count (PostgreSQL re-evaluates the WHERE after waiting for the row).
    taken = (
        CouponTemplate.objects.filter(pk=current.pk, is_active=True, valid_until__gt=now)
        .filter(Q(total_quantity__isnull=True) | Q(issued_count__lt=F("total_quantity")))
        .update(issued_count=F("issued_count") + 1)
    )
    if not taken:
        current.refresh_from_db()
        raise CouponError(
            rules.why_not_issuable(current, locked_member, held=held, now=now)
            or _("All of “%(name)s” have been given out.") % {"name": current.name}
        )
    issued_by_id = (
        acting_user.pk if acting_user is not None else (locked_member.user_id if claiming else None)
    )
    coupon = _create_coupon(current, locked_member, issued_by_id, idempotency_key, now)
    record_event(
        "coupon.issued",
        subject=locked_member,
        data={
            "coupon": coupon.pk,
            "code": coupon.code,
            "template": current.pk,
            "name": current.name,
            "value": str(current.value_text),
            "expires_at": coupon.expires_at.isoformat(),
        },
        idempotency_key=f"coupon.issued:{coupon.pk}",
    )
    return coupon, True


def _create_coupon(template, member, issued_by_id, idempotency_key, now) -> Coupon:
    for attempt in range(5):
        try:
            with transaction.atomic():  # a savepoint: a code clash undoes only this insert
                return Coupon.objects.create(
                    template=template,
                    member=member,
                    code=new_coupon_code(),
                    issued_at=now,
                    expires_at=template.valid_until,
                    issued_by_id=issued_by_id,
                    idempotency_key=idempotency_key,
                )
        except IntegrityError as error:
            if "coupon_code_unique" not in str(error) or attempt == 4:
                raise
    raise AssertionError("unreachable")


# --- Redeeming ------------------------------------------------------------------------------


@transaction.atomic
def redeem_coupon(code, *, member: Member, order_total_cents, order_reference, acting_user) -> Redemption:
    """Use the coupon `code` of `member` on an order, exactly once; returns the discount.

    Fixed: the amount, at most the order total. Percent: floor(total * percent / 100). Free item:
    0 cents and the item's name. Refused with CouponError (nothing changes) for an unknown code,
    another member's coupon, a used, expired or not yet valid one, or an order below the minimum
    spend. Asking again for the same order (same member and order reference) returns the first
    redemption: a retried checkout does not fail on its own coupon.
    """
    if member is None or member.pk is None:
        raise CouponError(_("Say which member is using the coupon."))
    if not isinstance(order_total_cents, int) or isinstance(order_total_cents, bool):
        raise CouponError(_("The order total must be a whole number of cents."))
    if order_total_cents < 0:
        raise CouponError(_("The order total cannot be negative."))
    if order_total_cents > MAX_ORDER_CENTS:
        raise CouponError(
            _("The order total can be at most %(limit)s.") % {"limit": format_money(MAX_ORDER_CENTS)}
        )
    order_reference = (order_reference or "").strip()
    if not order_reference:
        raise CouponError(_("Give the order reference the coupon is used on."))
    if len(order_reference) > 100:
        raise CouponError(_("The order reference can be at most 100 characters."))
    typed = normalise_code(code)
    if not typed:
        raise CouponError(_("Enter a coupon code."))

    # Lock only the coupon's row (not its template's: that would queue redemptions behind claims).
    coupon = (
        Coupon.objects.select_for_update(of=("self",)).select_related("template").filter(code=typed).first()
    )
    if coupon is None:
        shown = typed if len(typed) <= 20 else typed[:20] + "…"
        raise CouponError(_("No coupon with the code %(code)s.") % {"code": shown})
    template = coupon.template
    if (
        coupon.status == Coupon.Status.REDEEMED
        and coupon.member_id == member.pk
        and coupon.redeemed_order_reference == order_reference
    ):
        return Redemption(coupon, coupon.discount_cents or 0, template.free_item)
    now = timezone.now()
    reason = rules.why_not_redeemable(coupon, member=member, order_total_cents=order_total_cents, now=now)
    if reason:
        raise CouponError(reason)
    discount = rules.discount_for(template, order_total_cents)
    # The row is locked, so this always matches; the status condition is the backstop should a
    # code path ever skip the lock.
    used = Coupon.objects.filter(pk=coupon.pk, status=Coupon.Status.ISSUED).update(
        status=Coupon.Status.REDEEMED,
        redeemed_at=now,
        redeemed_order_reference=order_reference,
        discount_cents=discount.cents,
        redeemed_by=acting_user,
    )
    if not used:
        raise CouponError(_("The coupon %(code)s was already used.") % {"code": coupon.code})
    coupon.status, coupon.redeemed_at = Coupon.Status.REDEEMED, now
    coupon.redeemed_order_reference, coupon.discount_cents = order_reference, discount.cents
    coupon.redeemed_by = acting_user
    return Redemption(coupon, discount.cents, discount.free_item)


@transaction.atomic
def release_coupon(coupon: Coupon, *, order_reference, acting_user) -> bool:
    """Give a coupon back to its member when the order it was used on is cancelled before payment
    (a timed-out or abandoned checkout). Only the order that used it can release it; releasing
    twice does nothing the second time. True when it was released."""
    released = Coupon.objects.filter(
        pk=coupon.pk, status=Coupon.Status.REDEEMED, redeemed_order_reference=order_reference
    ).update(
        status=Coupon.Status.ISSUED,
        redeemed_at=None,
        redeemed_order_reference="",
        discount_cents=None,
        redeemed_by=None,
    )
    if released:
        coupon.status, coupon.redeemed_at = Coupon.Status.ISSUED, None
        coupon.redeemed_order_reference, coupon.discount_cents = "", None
    return bool(released)


# --- Reminders ------------------------------------------------------------------------------

EXPIRY_REMINDER_DAYS = 3


def record_expiring_coupons(*, today) -> dict[str, int]:
    """Scheduled daily: a coupon.expiring event for each unused coupon that ends within 3 days
    (once per coupon, whatever reruns the job), where notifications pick it up."""
    recorded = 0
    with transaction.atomic():
        for coupon in expiring_coupons(EXPIRY_REMINDER_DAYS):
            record_event(
                "coupon.expiring",
                subject=coupon.member,
                data={
                    "coupon": coupon.pk,
                    "code": coupon.code,
                    "name": coupon.template.name,
                    "expires_at": coupon.expires_at.isoformat(),
                },
                idempotency_key=f"coupon.expiring:{coupon.pk}",
            )
            recorded += 1
    return {"coupons_expiring": recorded}
