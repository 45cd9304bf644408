"""Every write to members, levels and ledgers.

Each balance change locks the member's row (SELECT ... FOR UPDATE), so concurrent changes to one
member queue up and none is lost; the ledger entry and the new balance are written in the same
transaction; a retry with the same idempotency key returns the first entry and changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from members.models import BalanceEntry, LedgerSource, Member, MemberEvent, MemberLevel, PointsEntry

# No single operation moves more than this; anything larger is a typo or an attack.
MAX_POINTS_PER_OPERATION = 10_000_000
MAX_CENTS_PER_OPERATION = 100_000_000  # ¥1,000,000.00


class LoyaltyError(Exception):
    """Bad input or a refused operation; the message is meant for the person who asked."""


class InsufficientPoints(LoyaltyError):
    pass


class InsufficientBalance(LoyaltyError):
    pass


@dataclass(frozen=True)
class Ledger:
    entry_model: type
    field: str  # the Member column the ledger sums to
    limit: int
    event: str
    insufficient: type
    unit: str


POINTS = Ledger(
    PointsEntry,
    "points",
    MAX_POINTS_PER_OPERATION,
    MemberEvent.Kind.POINTS_CHANGED,
    InsufficientPoints,
    "points",
)
BALANCE = Ledger(
    BalanceEntry,
    "balance_cents",
    MAX_CENTS_PER_OPERATION,
    MemberEvent.Kind.BALANCE_CHANGED,
    InsufficientBalance,
    "cents",
)

# Functions called with every recorded MemberEvent after its transaction commits (notifications
# subscribe here). Kept as a plain list: one small, explicit hook.
member_event_listeners: list[Callable[[MemberEvent], None]] = []


def enrol_member(user, *, acting_user=None) -> Member:
    member, _ = Member.objects.get_or_create(user=user, defaults={"level": MemberLevel.objects.first()})
    return member


def add_points(member, amount, *, reason, source, idempotency_key, acting_user=None) -> PointsEntry:
    """Give points; lifetime points grow too and may lift the member to a higher level."""
    return _change(POINTS, member, _checked(POINTS, amount), reason, source, idempotency_key, acting_user)


def spend_points(
    member, amount, *, reason, source=LedgerSource.REDEMPTION, idempotency_key, acting_user=None
):
    """Take points; refused (nothing changes) when the member has fewer than `amount`."""
    return _change(POINTS, member, -_checked(POINTS, amount), reason, source, idempotency_key, acting_user)


def top_up_balance(member, cents, *, reason, idempotency_key, acting_user=None) -> BalanceEntry:
    return _change(
        BALANCE, member, _checked(BALANCE, cents), reason, LedgerSource.TOP_UP, idempotency_key, acting_user
    )


def pay_with_balance(member, cents, *, reason, source=LedgerSource.ORDER, idempotency_key, acting_user=None):
    return _change(BALANCE, member, -_checked(BALANCE, cents), reason, source, idempotency_key, acting_user)


def adjust_points(member, delta, *, reason, idempotency_key, acting_user) -> PointsEntry:
    """A staff correction, up or down: needs a reason and a staff member; audited by its entry."""
    if not (reason or "").strip():
        raise LoyaltyError("Give a reason for the adjustment.")
    if acting_user is None:
        raise LoyaltyError("Adjustments are made by a staff member.")
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0:
        raise LoyaltyError("The adjustment must be a whole number of points other than 0.")
    _checked(POINTS, abs(delta))
    return _change(POINTS, member, delta, reason, LedgerSource.MANUAL, idempotency_key, acting_user)


def _checked(ledger: Ledger, amount) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise LoyaltyError(f"The amount must be a whole number of {ledger.unit}.")
    if amount <= 0:
        raise LoyaltyError(f"The amount must be more than 0 {ledger.unit}.")
    if amount > ledger.limit:
        raise LoyaltyError(f"The amount can be at most {ledger.limit:,} {ledger.unit} at a time.")
    return amount


@transaction.atomic
def _change(ledger: Ledger, member, delta, reason, source, idempotency_key, acting_user):
    reason = (reason or "").strip()
    if not reason:
        raise LoyaltyError("Give a reason.")
    if not idempotency_key:
        raise LoyaltyError("An idempotency key is required.")
    if source not in LedgerSource.values:
        raise LoyaltyError(f"Unknown source {source!r}.")
    locked = Member.objects.select_for_update().get(pk=member.pk)
    existing = ledger.entry_model.objects.filter(member=locked, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing  # a retry: already applied once
    balance = getattr(locked, ledger.field) + delta
    if balance < 0:
        raise ledger.insufficient(
            f"Not enough {ledger.unit}: {getattr(locked, ledger.field):,} available, {-delta:,} asked for."
        )
    entry = ledger.entry_model.objects.create(
        member=locked,
        delta=delta,
        balance_after=balance,
        reason=reason[:200],
        source=source,
        idempotency_key=idempotency_key,
        acting_user=acting_user,
    )
    setattr(locked, ledger.field, balance)
    update_fields = [ledger.field]
    if ledger is POINTS and delta > 0:
        locked.lifetime_points += delta
        update_fields.append("lifetime_points")
    locked.save(update_fields=update_fields)
    record_member_event(locked, ledger.event, delta=delta, balance=balance, reason=reason, entry=entry.pk)
    if ledger is POINTS and delta > 0:
        _promote(locked)
    for name in update_fields:
        setattr(member, name, getattr(locked, name))
    member.level_id = locked.level_id
    return entry


def _promote(member: Member) -> None:
    """Move the member to the highest level their lifetime points reach (levels never go down here)."""
    level = (
        MemberLevel.objects.filter(threshold_points__lte=member.lifetime_points)
        .order_by("-threshold_points")
        .first()
    )
    current = member.level.threshold_points if member.level_id else -1
    if level is not None and level.threshold_points > current:
        previous = member.level.name if member.level_id else None
        member.level = level
        member.save(update_fields=["level"])
        record_member_event(member, MemberEvent.Kind.LEVEL_CHANGED, previous=previous, level=level.name)


def record_member_event(member: Member, kind: str, **data) -> None:
    """Record `kind` on the member's timeline once the transaction commits, then tell the listeners."""

    def record():
        event = MemberEvent.objects.create(member_id=member.pk, kind=kind, data=data)
        for listener in member_event_listeners:
            listener(event)

    transaction.on_commit(record)


def ledger_drift(member: Member) -> dict[str, int]:
    """Balance minus ledger sum, for points and stored value: both are 0 unless something is broken."""
    from django.db.models import Sum

    member.refresh_from_db()
    points = PointsEntry.objects.filter(member=member).aggregate(total=Sum("delta"))["total"] or 0
    cents = BalanceEntry.objects.filter(member=member).aggregate(total=Sum("delta"))["total"] or 0
    return {"points": member.points - points, "balance_cents": member.balance_cents - cents}


def points_due_to_expire(member: Member, *, earned_before) -> int:
    """Points earned before `earned_before` that are still unspent, spending the oldest first.

    With first-in-first-out spending, whatever has left the balance (spent, taken, expired) came
    from the oldest points, so the old points still held are: earned before the cut-off minus all
    points that ever left, if that is positive."""
    from django.db.models import Q, Sum

    totals = PointsEntry.objects.filter(member=member).aggregate(
        earned_before=Sum("delta", filter=Q(delta__gt=0, created_at__lt=earned_before)),
        left=Sum("delta", filter=Q(delta__lt=0)),
    )
    return max(0, (totals["earned_before"] or 0) + (totals["left"] or 0))


def expire_points(member: Member, *, earned_before, acting_user=None) -> PointsEntry | None:
    """Take away the points earned before `earned_before` and not spent since (once per cut-off)."""
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        amount = min(points_due_to_expire(locked, earned_before=earned_before), locked.points)
        if amount <= 0:
            return None
        return _change(
            POINTS,
            locked,
            -amount,
            f"Points earned before {earned_before:%Y-%m-%d} expired",
            LedgerSource.EXPIRY,
            f"expiry:{earned_before:%Y-%m-%d}",
            acting_user,
        )


def record_daily_events(*, today) -> dict[str, int]:
    """Once a day per tenant: a birthday event for members born on this day, and a coupon-expiring
    event for each coupon that ends within 3 days (each recorded once: the data names the day)."""
    from coupons.selectors import expiring_coupons

    counts = {"birthday": 0, "coupon_expiring": 0}
    with transaction.atomic():
        born_today = Member.objects.filter(
            user__profile__birthday__month=today.month,
            user__profile__birthday__day=today.day,
            user__is_active=True,
        )
        for member in born_today:
            if not MemberEvent.objects.filter(
                member=member, kind=MemberEvent.Kind.BIRTHDAY, data__day=str(today)
            ).exists():
                record_member_event(member, MemberEvent.Kind.BIRTHDAY, day=str(today))
                counts["birthday"] += 1
        for coupon in expiring_coupons(3):
            already = MemberEvent.objects.filter(
                member_id=coupon.member_id, kind=MemberEvent.Kind.COUPON_EXPIRING, data__coupon=coupon.code
            ).exists()
            if not already:
                record_member_event(
                    coupon.member,
                    MemberEvent.Kind.COUPON_EXPIRING,
                    coupon=coupon.code,
                    name=coupon.template.name,
                    expires_at=coupon.expires_at.isoformat(),
                )
                counts["coupon_expiring"] += 1
    return counts
