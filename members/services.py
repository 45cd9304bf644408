"""Every write to members, levels and ledgers.

Each balance change locks the member's row (SELECT ... FOR UPDATE), so concurrent changes to one
member queue up and none is lost; the ledger entry and the new balance are written in the same
transaction; a retry with the same idempotency key returns the first entry and changes nothing.
"""

import calendar
import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from core.db import prepared_cursor
from core.errors import PortalError
from core.outbox import record_event
from members.models import BalanceEntry, LedgerSource, Member, MemberLevel, PointsEntry

# No single operation moves more than this; anything larger is a typo or an attack.
MAX_POINTS_PER_OPERATION = 10_000_000
MAX_CENTS_PER_OPERATION = 100_000_000  # ¥1,000,000.00


class LoyaltyError(PortalError):
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
    "points.changed",
    InsufficientPoints,
    "points",
)
BALANCE = Ledger(
    BalanceEntry,
    "balance_cents",
    MAX_CENTS_PER_OPERATION,
    "balance.changed",
    InsufficientBalance,
    "cents",
)


@transaction.atomic
def enrol_member(user, *, acting_user=None) -> Member:
    """Give `user` a member card at the entry level (once: enrolling again returns the card)."""
    member, _ = Member.objects.get_or_create(user=user, defaults={"level": MemberLevel.objects.first()})
    return member


@transaction.atomic
def set_member_level(member: Member, level: MemberLevel | None, *, acting_user) -> Member:
    """Staff move a member to `level` by hand (up or down); recorded as level.changed with who did it."""
    locked = Member.objects.select_for_update(of=("self",)).select_related("level").get(pk=member.pk)
    if locked.level_id == (level.pk if level is not None else None):
        return locked
    previous = locked.level.name if locked.level_id else None
    Member.objects.filter(pk=locked.pk).update(level=level)
    locked.level = level
    record_event(
        "level.changed",
        subject=locked,
        data={
            "previous": previous,
            "level": level.name if level is not None else None,
            "by": getattr(acting_user, "pk", None),
        },
        idempotency_key=f"level.changed:{locked.pk}:{uuid.uuid4().hex}",
    )
    return locked


@transaction.atomic
def record_data_export(member: Member, *, acting_user) -> None:
    """Staff downloaded the customer's data (on their request): kept on the member's timeline."""
    record_event(
        "member.data_exported",
        subject=member,
        data={"by": getattr(acting_user, "pk", None)},
        idempotency_key=f"member.data_exported:{member.pk}:{uuid.uuid4().hex}",
    )


def enrol_new_customer(event) -> None:
    """Outbox subscriber for customer.signed_up: every new customer joins the programme."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=event.subject_id).first()
    if user is not None and user.is_active:
        enrol_member(user)


@transaction.atomic
def create_member_level(*, name: str, threshold_points: int, acting_user=None, **benefits) -> MemberLevel:
    """A new level of the programme (starter portals, the admin). ValidationError on bad input."""
    level = MemberLevel(name=name, threshold_points=threshold_points, **benefits)
    level.full_clean()
    level.save()
    return level


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


def return_points(member, amount, *, reason, idempotency_key, acting_user=None) -> PointsEntry:
    """Give back points a member spent (a cancelled or refunded order): the balance grows, lifetime
    points do not (they were never spent from there), so no level is earned by a refund."""
    return _change(
        POINTS,
        member,
        _checked(POINTS, amount),
        reason,
        LedgerSource.REFUND,
        idempotency_key,
        acting_user,
        lifetime=False,
    )


def reverse_earned_points(member, amount, *, reason, idempotency_key, acting_user=None) -> PointsEntry | None:
    """Take back points earned on an order that was refunded: lifetime points fall by the same
    amount (the level stays; staff move levels by hand). A member who has spent some of them loses
    what they hold, never more (balances stay at zero or above); None when they hold none."""
    _checked(POINTS, amount)
    with transaction.atomic():
        held = Member.objects.select_for_update().values_list("points", flat=True).get(pk=member.pk)
        taken = min(amount, held)
        if taken <= 0:
            return None
        return _change(
            POINTS, member, -taken, reason, LedgerSource.REFUND, idempotency_key, acting_user, lifetime=True
        )


def refund_balance(member, cents, *, reason, idempotency_key, acting_user=None) -> BalanceEntry:
    """Stored value paid for an order comes back (the order was cancelled or refunded)."""
    return _change(
        BALANCE, member, _checked(BALANCE, cents), reason, LedgerSource.REFUND, idempotency_key, acting_user
    )


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


# Every points and balance change runs these few fixed statements: lock the member, insert the
# entry and update the balance (one statement), then the outbox event. They are SQL because building them through
# the ORM cost more CPU than the database spent running them (bench/ledger.py measures the service
# against a raw transaction of the same shape). The constraints on the tables still decide.
LOCK_MEMBER_SQL = """
SELECT points, lifetime_points, balance_cents, level_id, NULL, NULL, NULL
  FROM members_member WHERE id = %s FOR UPDATE
"""
# Earning may lift the member to the next level: also read where that level starts.
LOCK_EARNING_MEMBER_SQL = """
SELECT m.points, m.lifetime_points, m.balance_cents, m.level_id, l.threshold_points, l.name,
       (SELECT min(n.threshold_points) FROM members_memberlevel n
         WHERE n.threshold_points > COALESCE(l.threshold_points, -1))
  FROM members_member m LEFT JOIN members_memberlevel l ON l.id = m.level_id
 WHERE m.id = %s
   FOR UPDATE OF m
"""
# The entry and the new balance in one statement: the balance moves only when the entry went in
# (a retry with a used idempotency key inserts nothing, so it updates nothing and returns no row).
APPLY_CHANGE_SQL = """
WITH entry AS (
    INSERT INTO {entries} (member_id, delta, balance_after, reason, source, idempotency_key,
                           acting_user_id, created_at)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (member_id, idempotency_key) DO NOTHING
    RETURNING id
)
UPDATE members_member SET {balances}
 WHERE id = %s AND EXISTS (SELECT 1 FROM entry)
RETURNING (SELECT id FROM entry)
"""
APPLY_POINTS_SQL = APPLY_CHANGE_SQL.format(
    entries="members_pointsentry", balances="points = %s, lifetime_points = %s"
)
APPLY_BALANCE_SQL = APPLY_CHANGE_SQL.format(entries="members_balanceentry", balances="balance_cents = %s")


LEDGER_SOURCES = frozenset(LedgerSource.values)


@dataclass(frozen=True)
class LockedMember:
    """A member's balances and level as they are under the row lock."""

    points: int
    lifetime_points: int
    balance_cents: int
    level_id: int | None
    level_threshold: int | None  # these three are read only when earning
    level_name: str | None
    next_level_at: int | None  # the lifetime points at which the next level starts


@transaction.atomic
def _change(ledger: Ledger, member, delta, reason, source, idempotency_key, acting_user, *, lifetime=None):
    """`lifetime`: whether lifetime points move with this change. None (the default): they grow with
    points earned and stay when points are spent."""
    reason = (reason or "").strip()
    if not reason:
        raise LoyaltyError("Give a reason.")
    if not idempotency_key:
        raise LoyaltyError("An idempotency key is required.")
    if source not in LEDGER_SOURCES:
        raise LoyaltyError(f"Unknown source {source!r}.")
    earning = ledger is POINTS and delta > 0 and lifetime is not False
    moves_lifetime = earning or (ledger is POINTS and lifetime is True)
    with prepared_cursor() as cursor:
        cursor.execute(LOCK_EARNING_MEMBER_SQL if earning else LOCK_MEMBER_SQL, [member.pk])
        row = cursor.fetchone()
        if row is None:
            raise Member.DoesNotExist(f"No member {member.pk}.")
        locked = LockedMember(*row)
        held = getattr(locked, ledger.field)
        balance = held + delta
        if balance < 0:
            existing = ledger.entry_model.objects.filter(
                member_id=member.pk, idempotency_key=idempotency_key
            ).first()
            if existing is not None:
                return existing  # a retry of a change that was applied while there was enough
            raise ledger.insufficient(f"Not enough {ledger.unit}: {held:,} available, {-delta:,} asked for.")
        # In the order of APPLY_CHANGE_SQL's columns.
        values = {
            "member_id": member.pk,
            "delta": delta,
            "balance_after": balance,
            "reason": reason[:200],
            "source": source,
            "idempotency_key": idempotency_key,
            "acting_user_id": acting_user.pk if acting_user is not None else None,
            "created_at": timezone.now(),
        }
        lifetime_points = max(0, locked.lifetime_points + (delta if moves_lifetime else 0))
        if ledger is POINTS:
            cursor.execute(APPLY_POINTS_SQL, [*values.values(), balance, lifetime_points, member.pk])
        else:
            cursor.execute(APPLY_BALANCE_SQL, [*values.values(), balance, member.pk])
        inserted = cursor.fetchone()
        if inserted is None:  # a retry: applied once already
            return ledger.entry_model.objects.get(member_id=member.pk, idempotency_key=idempotency_key)
    entry = ledger.entry_model(pk=inserted[0], **values)
    setattr(member, ledger.field, balance)
    if ledger is POINTS:
        member.lifetime_points = lifetime_points
    record_event(
        ledger.event,
        subject=member,
        data={"delta": delta, "balance": balance, "reason": reason, "entry": entry.pk},
        idempotency_key=f"{ledger.event}:{entry.pk}",
    )
    if earning and locked.next_level_at is not None and lifetime_points >= locked.next_level_at:
        _promote(member, entry, previous=locked)
    return entry


def _promote(member: Member, entry: PointsEntry, *, previous: LockedMember) -> None:
    """Move the member to the highest level their lifetime points reach (levels never go down here)."""
    level = (
        MemberLevel.objects.filter(threshold_points__lte=member.lifetime_points)
        .order_by("-threshold_points")
        .first()
    )
    current = previous.level_threshold if previous.level_id else -1
    if level is not None and level.threshold_points > current:
        Member.objects.filter(pk=member.pk).update(level=level)
        member.level = level
        record_event(
            "level.changed",
            subject=member,
            data={"previous": previous.level_name, "level": level.name},
            idempotency_key=f"level.changed:{entry.pk}",
        )


def ledger_drift(member: Member) -> dict[str, int]:
    """Balance minus ledger sum, for points and stored value: both are 0 unless something is broken."""
    member.refresh_from_db()
    points = PointsEntry.objects.filter(member=member).aggregate(total=Sum("delta"))["total"] or 0
    cents = BalanceEntry.objects.filter(member=member).aggregate(total=Sum("delta"))["total"] or 0
    return {"points": member.points - points, "balance_cents": member.balance_cents - cents}


def points_due_to_expire(member: Member, *, earned_before) -> int:
    """Points earned before `earned_before` that are still unspent, spending the oldest first.

    With first-in-first-out spending, whatever has left the balance (spent, taken, expired) came
    from the oldest points, so the old points still held are: earned before the cut-off minus all
    points that ever left, if that is positive."""
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


def expire_last_years_points(*, today: dt.date) -> dict[str, int]:
    """Scheduled once a year: points earned before 1 January of last year (midnight in the tenant's
    time zone, which the schedule makes current) and not spent since expire. Each member once per
    cut-off (the entry's idempotency key names the day)."""
    cutoff = dt.datetime(today.year - 1, 1, 1, tzinfo=timezone.get_current_timezone())
    expired = sum(
        1
        for member in Member.objects.filter(points__gt=0).order_by("pk").iterator()
        if expire_points(member, earned_before=cutoff)
    )
    return {"members": expired}


@transaction.atomic
def set_member_tags(member: Member, names, *, acting_user) -> Member:
    """Staff group members with words (VIP, wholesale): the member's tags become exactly `names`,
    and the change is on their timeline (member.tags_changed) when there was one."""
    names = sorted({str(name).strip() for name in names if str(name).strip()})
    before = sorted(member.tags.names())
    if names != before:
        member.tags.set(names)
        record_event(
            "member.tags_changed",
            subject=member,
            data={"before": before, "after": names, "by": getattr(acting_user, "pk", None)},
            idempotency_key=f"member.tags_changed:{member.pk}:{uuid.uuid4().hex}",
        )
    return member


EXPIRY_REMINDER_FROM = (12, 1)  # month, day: reminders of the 1 January expiry start then


def record_expiring_points(*, today: dt.date) -> dict[str, int]:
    """Scheduled daily, from 1 December: a points.expiring event for each member holding points
    that expire on the coming 1 January (earned before 1 January of this year and unspent), once
    per member and year; notifications tell them. A December day the schedule missed is made up
    the next day."""
    if (today.month, today.day) < EXPIRY_REMINDER_FROM:
        return {"points_expiring": 0}
    cutoff = dt.datetime(today.year, 1, 1, tzinfo=timezone.get_current_timezone())
    expires_on = dt.date(today.year + 1, 1, 1)
    recorded = 0
    with transaction.atomic():
        for member in Member.objects.filter(points__gt=0).order_by("pk"):
            amount = min(points_due_to_expire(member, earned_before=cutoff), member.points)
            if amount <= 0:
                continue
            record_event(
                "points.expiring",
                subject=member,
                data={"points": amount, "expires_on": expires_on.isoformat()},
                idempotency_key=f"points.expiring:{member.pk}:{expires_on.year}",
            )
            recorded += 1
    return {"points_expiring": recorded}


def birthdays_on(today: dt.date) -> Q:
    """Customers whose birthday is `today`; those born on 29 February celebrate on 28 February
    in years without one."""
    born_today = Q(user__profile__birthday__month=today.month, user__profile__birthday__day=today.day)
    if (today.month, today.day) == (2, 28) and not calendar.isleap(today.year):
        born_today |= Q(user__profile__birthday__month=2, user__profile__birthday__day=29)
    return born_today


def record_birthdays(*, today: dt.date) -> dict[str, int]:
    """Scheduled daily: a member.birthday event for each active member whose birthday is today
    (once per member and year, whatever reruns the job)."""
    recorded = 0
    with transaction.atomic():
        for member in Member.objects.filter(birthdays_on(today), user__is_active=True).order_by("pk"):
            record_event(
                "member.birthday",
                subject=member,
                data={"day": today.isoformat()},
                idempotency_key=f"member.birthday:{member.pk}:{today.year}",
            )
            recorded += 1
    return {"birthdays": recorded}
