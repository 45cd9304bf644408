"""Everything that changes the referral programme. Views, the admin, subscribers and the tick call
these; nothing else writes promoters' balances.

Money moves between a promoter's four balances only through `_move`, which locks the promoter's
row, checks the result, writes one `CommissionEntry` with the deltas and updates the balances in
the same transaction; the CheckConstraints on Promoter back it up (no balance below zero).

- an order a referred customer pays earns commission, *pending* (`commission_for_paid_order`);
- the order's completion starts the return window (`start_return_window`); when it ends, the tick
  *settles* the commission into the promoter's available balance (`settle_due_commissions`);
- a refund before then *reverses* it (`reverse_refunded_order`); after the window commission is final;
- a withdrawal moves an amount from available to *asked for* (`request_withdrawal`), and staff
  pay it (to *withdrawn*) or reject it (back to available), once (`pay_withdrawal`, `reject_withdrawal`).
"""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.invitations import remember_invitation
from core.errors import PortalError
from core.money import format_money
from core.outbox import record_event
from events.models import Campaign
from events.services import read_invite_token
from mall.models import Order, OrderStatus
from members.models import Member
from members.services import enrol_member
from referrals.models import (
    Commission,
    CommissionEntry,
    CommissionRule,
    Promoter,
    PromoterLevel,
    Referral,
    ReferralSettings,
    Withdrawal,
)

logger = logging.getLogger(__name__)

INVITATION_SOURCE = "referral"  # accounts.invitations: the cookie a referral link sets
MAX_CHAIN = 1000  # a referral chain longer than this is treated as a loop
MAX_WITHDRAWAL_CENTS = 100_000_000
SETTLE_BATCH = 500


class ReferralError(PortalError):
    """A refused referral operation; the message is for the person who asked."""


def programme() -> ReferralSettings:
    return ReferralSettings.load()


def normalised_code(code) -> str:
    return "".join(str(code or "").split()).upper()[:16]


def active_promoter_by_code(code) -> Promoter | None:
    code = normalised_code(code)
    if not code:
        return None
    return (
        Promoter.objects.filter(code=code, status=Promoter.Status.ACTIVE)
        .select_related("member__user", "level")
        .first()
    )


# --- Promoters ------------------------------------------------------------------------------------


@transaction.atomic
def become_promoter(member: Member) -> Promoter:
    """A member asks for their referral link: active at once, or waiting for staff when the brand
    approves promoters. Asking again after a refusal asks again; a suspended promoter stays so."""
    settings = programme()
    if not settings.enabled:
        raise ReferralError(_("The referral programme is closed."))
    status = Promoter.Status.APPLIED if settings.requires_approval else Promoter.Status.ACTIVE
    promoter, created = Promoter.objects.get_or_create(
        member=member, defaults={"status": status, "level": PromoterLevel.objects.order_by("rank").first()}
    )
    if not created and promoter.status == Promoter.Status.REJECTED:
        Promoter.objects.filter(pk=promoter.pk).update(status=status, decided_at=None)
        promoter.refresh_from_db()
        created = True
    if created:
        record_event(
            "referral.promoter_joined",
            subject=member,
            data={"promoter": promoter.pk, "code": promoter.code, "status": promoter.status},
            idempotency_key=f"referral.promoter_joined:{promoter.pk}:{timezone.now().timestamp()}",
        )
    return promoter


def _decide(promoter: Promoter, allowed: set, status: str, *, note: str = "") -> Promoter:
    changed = Promoter.objects.filter(pk=promoter.pk, status__in=allowed).update(
        status=status, decided_at=timezone.now(), **({"note": note[:300]} if note else {})
    )
    if not changed:
        promoter.refresh_from_db()
        raise ReferralError(
            _("Nothing was changed: this promoter is “%(status)s”.")
            % {"status": promoter.get_status_display()}
        )
    promoter.refresh_from_db()
    return promoter


@transaction.atomic
def approve_promoter(promoter: Promoter, *, acting_user) -> Promoter:
    promoter = _decide(promoter, {Promoter.Status.APPLIED, Promoter.Status.REJECTED}, Promoter.Status.ACTIVE)
    record_event(
        "referral.promoter_approved",
        subject=promoter.member,
        data={"promoter": promoter.pk, "code": promoter.code},
        idempotency_key=f"referral.promoter_approved:{promoter.pk}:{promoter.decided_at.timestamp()}",
    )
    return promoter


@transaction.atomic
def reject_promoter(promoter: Promoter, *, reason: str, acting_user) -> Promoter:
    return _decide(promoter, {Promoter.Status.APPLIED}, Promoter.Status.REJECTED, note=reason)


@transaction.atomic
def suspend_promoter(promoter: Promoter, *, reason: str, acting_user) -> Promoter:
    """A suspended promoter earns nothing new and brings no new referrals; what was settled stays
    theirs (staff still pay or reject an open withdrawal)."""
    return _decide(promoter, {Promoter.Status.ACTIVE}, Promoter.Status.SUSPENDED, note=reason)


@transaction.atomic
def reinstate_promoter(promoter: Promoter, *, acting_user) -> Promoter:
    return _decide(promoter, {Promoter.Status.SUSPENDED}, Promoter.Status.ACTIVE)


@transaction.atomic
def set_promoter_level(promoter: Promoter, level: PromoterLevel | None, *, acting_user) -> Promoter:
    """Staff move a promoter to another level: their next orders' commission follows its rules."""
    Promoter.objects.filter(pk=promoter.pk).update(level=level)
    promoter.level = level
    return promoter


# --- Attribution ----------------------------------------------------------------------------------


def remember_visit(request, response, promoter: Promoter, *, via: str) -> bool:
    """A visitor opened `promoter`'s link or QR poster: remembered for the brand's link window,
    first touch only (a visitor who already came through any invitation keeps that one). Logged-in
    customers are not remembered: they signed up already."""
    from accounts.invitations import has_invitation

    if request.user.is_authenticated or has_invitation(request) or not promoter.is_active:
        return False
    settings = programme()
    if not settings.enabled:
        return False
    token = f"{promoter.code}:{via}:{int(timezone.now().timestamp())}"
    remember_invitation(response, source=INVITATION_SOURCE, token=token, max_age=settings.link_days * 86400)
    return True


def _chain_reaches(promoter: Promoter, customer: Member) -> bool:
    """Whether `customer` is `promoter` or one of the people who (indirectly) referred them: making
    `promoter` the customer's referrer would close a loop."""
    member_id, seen = promoter.member_id, set()
    while member_id is not None and member_id not in seen and len(seen) < MAX_CHAIN:
        if member_id == customer.pk:
            return True
        seen.add(member_id)
        member_id = (
            Referral.objects.filter(customer_id=member_id)
            .values_list("promoter__member_id", flat=True)
            .first()
        )
    return member_id is not None


@transaction.atomic
def refer(customer: Member, promoter: Promoter, *, via: str, visited_at=None, now=None) -> Referral:
    """Make `promoter` the customer's referrer. Refused for oneself, for a loop (the customer
    referred the promoter, directly or through others), for an inactive promoter and for a customer
    who already has a referrer."""
    now = now or timezone.now()
    settings = programme()
    if not settings.enabled:
        raise ReferralError(_("The referral programme is closed."))
    if not promoter.is_active:
        raise ReferralError(_("This referral code is not active."))
    if promoter.member_id == customer.pk:
        raise ReferralError(_("You cannot use your own referral code."))
    # Lock the customer's and the promoter's member rows (in one order: no deadlock): two sign-up
    # paths for one customer (a link and a typed code) queue up here, and so do A becoming B's
    # referral while B becomes A's, which would otherwise both pass the loop check below.
    list(
        Member.objects.select_for_update()
        .filter(pk__in=[customer.pk, promoter.member_id])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if Referral.objects.filter(customer=customer).exists():
        raise ReferralError(_("You were already referred by someone; a customer has one referrer."))
    if _chain_reaches(promoter, customer):
        raise ReferralError(_("This code belongs to someone you referred: referrals cannot go in a circle."))
    orders_until = now + dt.timedelta(days=settings.order_days) if settings.order_days else None
    referral = Referral.objects.create(
        customer=customer,
        promoter=promoter,
        via=via,
        visited_at=visited_at,
        referred_at=now,
        orders_until=orders_until,
    )
    record_event(
        "referral.new",
        subject=promoter.member,
        data={"referral": referral.pk, "customer": customer.pk, "via": via},
        idempotency_key=f"referral.new:{customer.pk}",
    )
    return referral


def enter_code(customer: Member, code, *, now=None) -> Referral:
    """A new customer types the code of whoever recommended the brand (My account): allowed while
    they joined within the brand's link window and have no referrer yet."""
    now = now or timezone.now()
    if customer.joined_at < now - dt.timedelta(days=programme().link_days):
        raise ReferralError(_("A referral code can only be added in your first days as a member."))
    promoter = active_promoter_by_code(code)
    if promoter is None:
        raise ReferralError(
            _("There is no active referral code “%(code)s”.") % {"code": normalised_code(code)}
        )
    return refer(customer, promoter, via=Referral.Via.CODE, now=now)


def _read_referral_token(token: str):
    """(promoter code, via, visited at) from the cookie's token, or None."""
    code, via, at = (str(token).split(":") + ["", "", ""])[:3]
    if via not in (Referral.Via.LINK, Referral.Via.QR) or not at.isdigit():
        return None
    return code, via, dt.datetime.fromtimestamp(int(at), tz=dt.UTC)


def customer_signed_up(event) -> None:
    """customer.signed_up: the visitor came through a promoter's link or QR poster within the
    window, or through an invite campaign link of a member who is a promoter: they are that
    promoter's referral. Refusals (a loop, the window passed) are logged and change nothing."""
    invited = (event.data or {}).get("invited") or {}
    user = get_user_model().objects.filter(pk=event.subject_id).first()
    if user is None or invited.get("source") not in (INVITATION_SOURCE, "campaign"):
        return
    if invited["source"] == INVITATION_SOURCE:
        found = _read_referral_token(invited.get("token", ""))
        if found is None:
            return
        code, via, visited_at = found
        if event.created_at > visited_at + dt.timedelta(days=programme().link_days):
            return
        promoter = active_promoter_by_code(code)
    else:
        via, visited_at = Referral.Via.CAMPAIGN, None
        slug, _sep, token = str(invited.get("token", "")).partition(":")
        campaign = Campaign.objects.filter(slug=slug).first()
        inviter_id = read_invite_token(campaign, token) if campaign is not None else None
        promoter = Promoter.objects.filter(member_id=inviter_id, status=Promoter.Status.ACTIVE).first()
    if promoter is None:
        return
    try:
        with transaction.atomic():
            refer(enrol_member(user), promoter, via=via, visited_at=visited_at, now=event.created_at)
    except ReferralError as refused:
        logger.info("Referral of user %s to %s refused: %s", user.pk, promoter.code, refused)


# --- Commission -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineCommission:
    line_pk: int
    rule: CommissionRule
    base_cents: int
    first_cents: int
    second_cents: int


def _rule_for(line, rules: list[CommissionRule], level_id) -> CommissionRule | None:
    """The most specific active rule for the line: the product's, then its own category's, then its
    parent category's, then the shop's; at each of those a level's before every level's (the
    newest rule breaks a tie)."""
    product = line.product
    scope_of = {}  # what a rule covering this line is about -> how specific that is
    if product is not None:
        scope_of[("product", product.pk)] = 3
        if product.category_id:
            scope_of[("category", product.category_id)] = 2
            if product.category.parent_id:
                scope_of[("category", product.category.parent_id)] = 1
    fitting = []
    for rule in rules:
        if rule.level_id is not None and rule.level_id != level_id:
            continue
        if rule.product_id is not None:
            scope = scope_of.get(("product", rule.product_id))
        elif rule.category_id is not None:
            scope = scope_of.get(("category", rule.category_id))
        else:
            scope = 0
        if scope is not None:
            fitting.append(((scope, 1 if rule.level_id else 0, rule.pk), rule))
    return max(fitting, key=lambda found: found[0], default=(None, None))[1]


def _amount(rule: CommissionRule, value: Decimal, base_cents: int, quantity: int) -> int:
    """Whole cents, rounded down; a fixed amount never more than what was paid for the line."""
    if rule.kind == CommissionRule.Kind.PERCENT:
        return int((Decimal(base_cents) * value / 100).to_integral_value(rounding=ROUND_DOWN))
    return min(int(value * 100) * quantity, base_cents)


def coupon_shares(discount_cents: int, line_cents: list[int]) -> list[int]:
    """The coupon's discount shared across lines in proportion to what they cost, in whole cents
    that add up to the discount exactly (the cents rounding leaves over go to the first lines), so
    the lines' bases add up to what was paid for the goods, never more."""
    subtotal = sum(line_cents)
    discount_cents = min(max(discount_cents, 0), subtotal)
    if not subtotal:
        return [0] * len(line_cents)
    shares = [discount_cents * cents // subtotal for cents in line_cents]
    left = discount_cents - sum(shares)
    for index, cents in enumerate(line_cents):
        if not left:
            break
        if shares[index] < cents:
            shares[index] += 1
            left -= 1
    return shares


def line_commissions(order: Order, level_id) -> list[LineCommission]:
    """What each cash-paid line of `order` earns a promoter of `level_id` (and the second tier). A
    line's base is what was paid for it in money: its price times quantity, less its share of the
    coupon (delivery is not a sale, and points are not money)."""
    rules = list(CommissionRule.objects.filter(is_active=True))
    lines = list(order.lines.select_related("product__category"))
    shares = coupon_shares(order.coupon_discount_cents, [line.line_cents for line in lines])
    found = []
    for line, discount in zip(lines, shares, strict=True):
        rule = _rule_for(line, rules, level_id)
        if rule is None or not line.line_cents:
            continue
        base = line.line_cents - discount
        found.append(
            LineCommission(
                line.pk,
                rule,
                base,
                _amount(rule, rule.first_tier, base, line.quantity),
                _amount(rule, rule.second_tier, base, line.quantity),
            )
        )
    return found


def commission_for_paid_order(event) -> None:
    """order.paid: an order of a referred customer, placed within the referral's window, earns its
    promoter commission (and the promoter's own referrer the second tier), pending. Once per order."""
    order = Order.objects.filter(pk=(event.data or {}).get("order")).first()
    if order is None or not programme().enabled:
        return
    if order.status in (OrderStatus.REFUNDED, OrderStatus.CANCELLED):
        return  # refunded before this event was delivered (a retry): nothing was earned
    referral = Referral.objects.filter(customer_id=order.member_id).select_related("promoter").first()
    if referral is None or not referral.promoter.is_active:
        return
    if referral.orders_until is not None and order.created_at > referral.orders_until:
        return
    if order.created_at < referral.referred_at:
        return  # bought before being referred: not the promoter's sale
    promoter = referral.promoter
    lines = line_commissions(order, promoter.level_id)
    base = sum(line.base_cents for line in lines)
    earners = [(1, promoter, sum(line.first_cents for line in lines))]
    upper = (
        Referral.objects.filter(customer_id=promoter.member_id, promoter__status=Promoter.Status.ACTIVE)
        .select_related("promoter")
        .first()
    )
    if upper is not None:
        earners.append((2, upper.promoter, sum(line.second_cents for line in lines)))
    # Completed already (order.completed was delivered first, after a retry of this event): the
    # return window has started, so the commission must not wait for an event that has passed.
    settles_at = (
        order.completed_at + dt.timedelta(days=programme().return_days) if order.completed_at else None
    )
    with transaction.atomic():
        for tier, earner, cents in earners:
            if cents <= 0:
                continue
            # An event delivered twice at once: the second waits here, then sees the first's row.
            earner = _lock(earner.pk)
            if Commission.objects.filter(order=order, tier=tier).exists():
                continue
            commission = Commission.objects.create(
                promoter=earner,
                order=order,
                customer_id=order.member_id,
                tier=tier,
                base_cents=base,
                amount_cents=cents,
                created_at=event.created_at,
                settles_at=settles_at,
            )
            _move(
                earner,
                CommissionEntry.Kind.EARNED,
                cents,
                pending=cents,
                commission=commission,
                idempotency_key=f"earned:{commission.pk}",
                locked=True,
            )


def start_return_window(event) -> None:
    """order.completed: the order's pending commission settles when the return window ends."""
    order = Order.objects.filter(pk=(event.data or {}).get("order")).first()
    if order is None:
        return
    completed_at = order.completed_at or event.created_at
    Commission.objects.filter(order=order, status=Commission.Status.PENDING, settles_at__isnull=True).update(
        settles_at=completed_at + dt.timedelta(days=programme().return_days)
    )


def reverse_refunded_order(event) -> None:
    """order.refunded: commission still pending is reversed. Settled commission is final (the
    return window is there for refunds)."""
    order = Order.objects.filter(pk=(event.data or {}).get("order")).first()
    if order is None:
        return
    for commission in Commission.objects.filter(order=order, status=Commission.Status.PENDING):
        with transaction.atomic():
            _lock(commission.promoter_id)
            if not Commission.objects.filter(pk=commission.pk, status=Commission.Status.PENDING).update(
                status=Commission.Status.REVERSED, reversed_at=timezone.now()
            ):
                continue
            _move(
                commission.promoter,
                CommissionEntry.Kind.REVERSED,
                commission.amount_cents,
                pending=-commission.amount_cents,
                commission=commission,
                idempotency_key=f"reversed:{commission.pk}",
            )


def settle_due_commissions(*, now=None) -> dict[str, int]:
    """The tick: pending commission whose return window has ended becomes available. Each
    commission is settled once (a conditional UPDATE) with its ledger entry and event."""
    now = now or timezone.now()
    settled = 0
    # A refunded order's commission waits for order.refunded to reverse it, even when that event is
    # delivered late: settled commission is final, and nothing is earned on a refunded order.
    due = (
        Commission.objects.filter(status=Commission.Status.PENDING, settles_at__lte=now)
        .exclude(order__status=OrderStatus.REFUNDED)
        .order_by("settles_at", "pk")
    )
    for commission in due.select_related("order")[:SETTLE_BATCH]:
        with transaction.atomic():
            _lock(commission.promoter_id)
            if not Commission.objects.filter(pk=commission.pk, status=Commission.Status.PENDING).update(
                status=Commission.Status.SETTLED, settled_at=now
            ):
                continue
            promoter = _move(
                commission.promoter,
                CommissionEntry.Kind.SETTLED,
                commission.amount_cents,
                pending=-commission.amount_cents,
                available=commission.amount_cents,
                commission=commission,
                idempotency_key=f"settled:{commission.pk}",
            )
            record_event(
                "referral.commission_settled",
                subject=promoter.member,
                data={
                    "commission": commission.pk,
                    "order": commission.order.number,
                    "amount": format_money(commission.amount_cents),
                    "available": format_money(promoter.available_cents),
                },
                idempotency_key=f"referral.commission_settled:{commission.pk}",
            )
            settled += 1
    return {"settled": settled}


# --- Withdrawals ----------------------------------------------------------------------------------


@transaction.atomic
def request_withdrawal(
    promoter: Promoter, amount_cents: int, *, pay_to: str, idempotency_key: str
) -> Withdrawal:
    """Ask for `amount_cents` of the settled balance: at least the brand's minimum, at most what is
    available, one open request at a time. The amount is held until staff decide. The same
    idempotency key (a double click) returns the first request."""
    pay_to = " ".join(str(pay_to or "").split())[:200]
    key = str(idempotency_key or "")[:100]
    locked = _lock(promoter.pk)
    existing = Withdrawal.objects.filter(promoter=locked, idempotency_key=key).first() if key else None
    if existing is not None:
        return existing
    if locked.status not in (Promoter.Status.ACTIVE, Promoter.Status.SUSPENDED):
        raise ReferralError(_("Only promoters can withdraw commission."))
    if Withdrawal.objects.filter(promoter=locked, status=Withdrawal.Status.REQUESTED).exists():
        raise ReferralError(_("You already have a withdrawal waiting for staff."))
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ReferralError(_("Enter an amount above zero."))
    minimum = programme().minimum_withdrawal_cents
    if amount_cents < minimum:
        raise ReferralError(_("The smallest withdrawal is %(minimum)s.") % {"minimum": format_money(minimum)})
    most = min(locked.available_cents, MAX_WITHDRAWAL_CENTS)
    if amount_cents > most:
        raise ReferralError(_("You can withdraw at most %(available)s.") % {"available": format_money(most)})
    if not pay_to:
        raise ReferralError(_("Say where the money should go."))
    if not key:
        raise ReferralError(_("The form expired; please try again."))
    withdrawal = Withdrawal.objects.create(
        promoter=locked, amount_cents=amount_cents, pay_to=pay_to, idempotency_key=key
    )
    _move(
        locked,
        CommissionEntry.Kind.WITHDRAWAL_REQUESTED,
        amount_cents,
        available=-amount_cents,
        held=amount_cents,
        withdrawal=withdrawal,
        idempotency_key=f"withdrawal-requested:{withdrawal.pk}",
        locked=True,
    )
    record_event(
        "referral.withdrawal_requested",
        subject=locked.member,
        data={"withdrawal": withdrawal.pk, "amount": format_money(amount_cents), "code": locked.code},
        idempotency_key=f"referral.withdrawal_requested:{withdrawal.pk}",
    )
    return withdrawal


def _decide_withdrawal(
    withdrawal: Withdrawal, status: str, *, acting_user, **fields
) -> tuple[Withdrawal, Promoter]:
    """Decide an open request once, under its promoter's lock: (the request, the locked promoter,
    whose balances are the ones the money moves from; the caller's copy may be stale)."""
    now = timezone.now()
    promoter = _lock(withdrawal.promoter_id)
    if not Withdrawal.objects.filter(pk=withdrawal.pk, status=Withdrawal.Status.REQUESTED).update(
        status=status, decided_at=now, decided_by=acting_user, **fields
    ):
        withdrawal.refresh_from_db()
        raise ReferralError(
            _("This withdrawal is already %(status)s.") % {"status": withdrawal.get_status_display().lower()}
        )
    withdrawal.refresh_from_db()
    withdrawal.promoter = promoter
    return withdrawal, promoter


@transaction.atomic
def pay_withdrawal(withdrawal: Withdrawal, *, reference: str, acting_user) -> Withdrawal:
    """Staff paid the promoter (bank transfer, Alipay ...) and record the payout's reference. A
    request is paid once: a second click, or a second member of staff, is refused."""
    reference = " ".join(str(reference or "").split())[:120]
    if not reference:
        raise ReferralError(_("Enter the payout's reference (a transfer number), so it can be traced."))
    withdrawal, promoter = _decide_withdrawal(
        withdrawal, Withdrawal.Status.PAID, acting_user=acting_user, payout_reference=reference
    )
    promoter = _move(
        promoter,
        CommissionEntry.Kind.WITHDRAWAL_PAID,
        withdrawal.amount_cents,
        held=-withdrawal.amount_cents,
        withdrawn=withdrawal.amount_cents,
        withdrawal=withdrawal,
        acting_user=acting_user,
        idempotency_key=f"withdrawal-paid:{withdrawal.pk}",
        locked=True,
    )
    record_event(
        "referral.withdrawal_paid",
        subject=promoter.member,
        data={"withdrawal": withdrawal.pk, "amount": withdrawal.amount_text, "reference": reference},
        idempotency_key=f"referral.withdrawal_paid:{withdrawal.pk}",
    )
    return withdrawal


@transaction.atomic
def reject_withdrawal(withdrawal: Withdrawal, *, reason: str, acting_user) -> Withdrawal:
    """Staff refuse the request, saying why; the amount is available again."""
    reason = " ".join(str(reason or "").split())[:300]
    if not reason:
        raise ReferralError(_("Say why the withdrawal is rejected: the promoter is told."))
    withdrawal, promoter = _decide_withdrawal(
        withdrawal, Withdrawal.Status.REJECTED, acting_user=acting_user, reason=reason
    )
    promoter = _move(
        promoter,
        CommissionEntry.Kind.WITHDRAWAL_REJECTED,
        withdrawal.amount_cents,
        held=-withdrawal.amount_cents,
        available=withdrawal.amount_cents,
        withdrawal=withdrawal,
        acting_user=acting_user,
        idempotency_key=f"withdrawal-rejected:{withdrawal.pk}",
        locked=True,
    )
    record_event(
        "referral.withdrawal_rejected",
        subject=promoter.member,
        data={"withdrawal": withdrawal.pk, "amount": withdrawal.amount_text, "reason": reason},
        idempotency_key=f"referral.withdrawal_rejected:{withdrawal.pk}",
    )
    return withdrawal


# --- The ledger -----------------------------------------------------------------------------------


def _lock(promoter_pk: int) -> Promoter:
    return Promoter.objects.select_for_update(of=("self",)).select_related("member").get(pk=promoter_pk)


BALANCES = {
    "pending": "pending_cents",
    "available": "available_cents",
    "held": "held_cents",
    "withdrawn": "withdrawn_cents",
}


def _move(
    promoter: Promoter,
    kind: str,
    amount_cents: int,
    *,
    idempotency_key: str,
    commission: Commission | None = None,
    withdrawal: Withdrawal | None = None,
    acting_user=None,
    locked: bool = False,
    **deltas: int,
) -> Promoter:
    """Move commission between the promoter's balances (deltas by balance name) with one ledger
    entry. Must run in a transaction; locks the promoter's row unless the caller holds the lock."""
    if not locked:
        promoter = _lock(promoter.pk)
    for name, delta in deltas.items():
        column = BALANCES[name]
        if getattr(promoter, column) + delta < 0:
            raise ReferralError(_("That would take the promoter's balance below zero."))
    # Every writer of the promoter's entries holds this lock, so the check cannot race; any other
    # database error (a broken constraint) rolls the caller back rather than being taken for a replay.
    if CommissionEntry.objects.filter(promoter=promoter, idempotency_key=idempotency_key).exists():
        return promoter  # this movement happened already (a redelivered event)
    CommissionEntry.objects.create(
        promoter=promoter,
        kind=kind,
        amount_cents=amount_cents,
        commission=commission,
        withdrawal=withdrawal,
        acting_user=acting_user,
        idempotency_key=idempotency_key,
        **{f"{name}_delta": delta for name, delta in deltas.items()},
    )
    Promoter.objects.filter(pk=promoter.pk).update(
        **{BALANCES[name]: F(BALANCES[name]) + delta for name, delta in deltas.items()}
    )
    for name, delta in deltas.items():
        setattr(promoter, BALANCES[name], getattr(promoter, BALANCES[name]) + delta)
    return promoter


def ledger_drift(promoter: Promoter) -> dict[str, int]:
    """Each balance minus the sum of its ledger column: all zeros when the ledger and the cached
    balances agree (tests and the admin's promoter page check it)."""
    from django.db.models import Sum

    promoter.refresh_from_db()
    sums = CommissionEntry.objects.filter(promoter=promoter).aggregate(
        **{name: Sum(f"{name}_delta") for name in BALANCES}
    )
    return {name: getattr(promoter, column) - (sums[name] or 0) for name, column in BALANCES.items()}
