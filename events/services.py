"""Every write to events, sign-ups, check-ins, daily check-ins and invite campaigns.

Lock order everywhere: the member's row, then the registration, then the session's row. A seat is
taken with a conditional UPDATE (`registered < capacity`), so 100 sign-ups for 20 seats register
exactly 20; a cancellation hands its seat to the first on the waitlist in the same transaction.
A refusal raises EventError with a message for the person who asked; nothing changes.
"""

import datetime as dt
import random
import secrets
import uuid
import zoneinfo

from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import PortalError
from core.language import tenant_time_zone
from core.outbox import record_event
from coupons import services as coupons
from coupons.services import CouponError
from events.models import (
    TICKET_ALPHABET,
    Audience,
    Campaign,
    CampaignGoal,
    DailyCheckIn,
    DailyCheckInSettings,
    Draw,
    Event,
    EventSession,
    GoalReached,
    Invitation,
    Prize,
    Registration,
)
from members import services as loyalty
from members.models import LedgerSource, Member

MAX_ANSWER_LENGTH = 300


class EventError(PortalError):
    """A refused operation; the message says why, in the words of the person who asked."""


def brand_zone() -> zoneinfo.ZoneInfo:
    """The brand's time zone: days and times customers read are the brand's, wherever the code runs
    (a page, GraphQL, a task)."""
    return zoneinfo.ZoneInfo(tenant_time_zone())


def _when(moment) -> str:
    return timezone.localtime(moment, brand_zone()).strftime("%Y-%m-%d %H:%M")


def why_not_open(event: Event, member, now) -> str | None:
    """Why `member` (None: a visitor who is not a member) cannot sign up for `event` now."""
    if not event.is_published or event.is_cancelled:
        return _("“%(title)s” is not open for sign-up.") % {"title": event.title}
    if member is None:
        return _("Log in as a member to sign up.")
    if event.audience == Audience.LEVELS:
        levels = list(event.levels.all())
        if member.level_id not in {level.pk for level in levels}:
            return _("“%(title)s” is only for %(levels)s members.") % {
                "title": event.title,
                "levels": ", ".join(level.name for level in levels),
            }
    if event.signup_opens and now < event.signup_opens:
        return _("Sign-up opens on %(date)s.") % {"date": _when(event.signup_opens)}
    if event.signup_closes and now >= event.signup_closes:
        return _("Sign-up closed on %(date)s.") % {"date": _when(event.signup_closes)}
    return None


def clean_answers(event: Event, answers: dict) -> dict:
    """The answers to the event's questions, checked one by one (EventError naming each problem)."""
    answers = answers if isinstance(answers, dict) else {}
    cleaned, problems = {}, []
    for question in event.questions.all():
        value = str(answers.get(str(question.pk), "") or "").strip()
        choices = question.choice_list()
        if not value:
            if question.required:
                problems.append(_("Answer “%(question)s”.") % {"question": question.label})
            continue
        if len(value) > MAX_ANSWER_LENGTH:
            problems.append(_("The answer to “%(question)s” is too long.") % {"question": question.label})
        elif choices and value not in choices:
            problems.append(_("Choose one of the answers to “%(question)s”.") % {"question": question.label})
        else:
            cleaned[question.label] = value
    if problems:
        raise EventError(" ".join(problems))
    return cleaned


@transaction.atomic
def sign_up(member: Member, session: EventSession, *, answers=None, acting_user=None) -> Registration:
    """Take a seat at `session` (or a place on the waitlist when it is full and the event has one).
    Signing up again for the same session returns the existing place."""
    if member is None:
        raise EventError(_("Log in as a member to sign up."))
    member = Member.objects.select_for_update(of=("self",)).select_related("level").get(pk=member.pk)
    session = (
        EventSession.objects.select_related("event")
        .prefetch_related("event__levels", "event__questions")
        .get(pk=session.pk)
    )
    event, now = session.event, timezone.now()
    existing = (
        Registration.objects.filter(session=session, member=member)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )
    if existing is not None:
        return existing  # a double click, or signing up twice
    reason = why_not_open(event, member, now)
    if reason:
        raise EventError(reason)
    if session.starts_at <= now:
        raise EventError(_("This session has already started."))
    cleaned = clean_answers(event, answers or {})
    seated = EventSession.objects.filter(pk=session.pk, registered__lt=F("capacity")).update(
        registered=F("registered") + 1
    )
    if not seated and not event.waitlist:
        raise EventError(_("This session is full."))
    status = Registration.Status.REGISTERED if seated else Registration.Status.WAITLISTED
    registration = _create_registration(session, member, status, cleaned, now)
    if event.points_price:
        try:
            loyalty.spend_points(
                member,
                event.points_price,
                reason=event.title,
                idempotency_key=f"event:{registration.pk}",
                acting_user=acting_user,
            )
        except loyalty.InsufficientPoints as refusal:
            raise EventError(
                _("Signing up takes %(needed)s points; you have %(held)s.")
                % {"needed": f"{event.points_price:,}", "held": f"{member.points:,}"}
            ) from refusal
        Registration.objects.filter(pk=registration.pk).update(points_paid=event.points_price)
        registration.points_paid = event.points_price
    _registration_event("event.registered" if seated else "event.waitlisted", registration)
    return registration


def _create_registration(session, member, status, answers, now) -> Registration:
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Registration.objects.create(
                    session=session, member=member, status=status, answers=answers, created_at=now
                )
        except IntegrityError as error:
            if "ticket_code" not in str(error) or attempt == 4:
                raise
    raise AssertionError("unreachable")


def _registration_event(kind: str, registration: Registration, **data) -> None:
    session = registration.session
    record_event(
        kind,
        subject=registration.member,
        data={
            "registration": registration.pk,
            "event": session.event.title,
            "slug": session.event.slug,
            "starts_at": session.starts_at.isoformat(),
            "venue": session.event.venue,
            "ticket": registration.ticket_code,
            **data,
        },
        idempotency_key=f"{kind}:{registration.pk}:{data.get('key', '')}".rstrip(":"),
    )


@transaction.atomic
def cancel_registration(registration: Registration, *, acting_user, reason: str = "") -> Registration:
    """The member (or staff) gives up a place: points come back, and a freed seat goes to the
    first on the waitlist."""
    member = Member.objects.select_for_update().get(pk=registration.member_id)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("session__event")
        .get(pk=registration.pk)
    )
    if registration.status == Registration.Status.CANCELLED:
        return registration
    if registration.checked_in_at is not None:
        raise EventError(_("This ticket was already used at the event."))
    was_seated = registration.status == Registration.Status.REGISTERED
    now = timezone.now()
    Registration.objects.filter(pk=registration.pk).update(
        status=Registration.Status.CANCELLED, cancelled_at=now
    )
    registration.status, registration.cancelled_at = Registration.Status.CANCELLED, now
    if registration.points_paid:
        loyalty.return_points(
            member,
            registration.points_paid,
            reason=registration.session.event.title,
            idempotency_key=f"event:{registration.pk}:back",
            acting_user=acting_user,
        )
    if was_seated:
        session = EventSession.objects.select_for_update().get(pk=registration.session_id)
        promoted = (
            Registration.objects.select_for_update(skip_locked=False)
            .filter(session=session, status=Registration.Status.WAITLISTED)
            .order_by("created_at", "pk")
            .first()
        )
        if promoted is not None and session.starts_at > now:
            Registration.objects.filter(pk=promoted.pk).update(
                status=Registration.Status.REGISTERED, promoted_at=now
            )
            promoted.status = Registration.Status.REGISTERED
            promoted.session = session
            _registration_event("event.waitlist_promoted", promoted)
        else:
            EventSession.objects.filter(pk=session.pk, registered__gt=0).update(
                registered=F("registered") - 1
            )
    _registration_event("event.registration_cancelled", registration, reason=reason[:200])
    return registration


def normalise_ticket(code) -> str:
    return "".join(str(code or "").split()).replace("-", "").upper()[:20]


@transaction.atomic
def check_in(code, *, event: Event, acting_user) -> Registration:
    """Staff scan or type a ticket at `event`: marked attended once; the event's attendance points
    go to the member once."""
    typed = normalise_ticket(code)
    if not typed or any(character not in TICKET_ALPHABET for character in typed):
        raise EventError(_("That is not a ticket code."))
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("session__event", "member__user")
        .filter(ticket_code=typed)
        .first()
    )
    if registration is None:
        raise EventError(_("No ticket with the code %(code)s.") % {"code": typed})
    other = registration.session.event
    if other.pk != event.pk:
        raise EventError(_("This ticket is for “%(event)s”, not this event.") % {"event": other.title})
    if registration.status == Registration.Status.CANCELLED:
        raise EventError(_("This ticket was cancelled."))
    if registration.status == Registration.Status.WAITLISTED:
        raise EventError(_("This ticket is on the waitlist: it has no seat."))
    if registration.checked_in_at is not None:
        raise EventError(_("Already checked in at %(time)s.") % {"time": _when(registration.checked_in_at)})
    now = timezone.now()
    Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
        checked_in_at=now, checked_in_by=acting_user
    )
    registration.checked_in_at, registration.checked_in_by = now, acting_user
    if event.checkin_points:
        loyalty.add_points(
            registration.member,
            event.checkin_points,
            reason=event.title,
            source=LedgerSource.CHECK_IN,
            idempotency_key=f"event-attended:{registration.pk}",
            acting_user=acting_user,
        )
    _registration_event("event.checked_in", registration)
    return registration


@transaction.atomic
def cancel_event(event: Event, *, reason: str, acting_user) -> int:
    """Staff call an event off: every place is cancelled, points come back, everyone is told."""
    reason = str(reason or "").strip()[:200]
    if not reason:
        raise EventError(_("Say why the event is cancelled: the people signed up are told."))
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.cancelled_at is not None:
        raise EventError(_("This event was already cancelled."))
    Event.objects.filter(pk=event.pk).update(cancelled_at=timezone.now())
    told = 0
    for registration in (
        Registration.objects.filter(session__event=event)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("session__event")
        .order_by("pk")
    ):
        if registration.points_paid:
            loyalty.return_points(
                registration.member,
                registration.points_paid,
                reason=event.title,
                idempotency_key=f"event:{registration.pk}:back",
                acting_user=acting_user,
            )
        Registration.objects.filter(pk=registration.pk).update(
            status=Registration.Status.CANCELLED, cancelled_at=timezone.now()
        )
        _registration_event("event.cancelled", registration, reason=reason)
        told += 1
    EventSession.objects.filter(event=event).update(registered=0)
    return told


@transaction.atomic
def announce_change(event: Event, *, what: str, acting_user, key: str = "") -> int:
    """Staff changed the time or place: everyone signed up or waitlisted is told `what` changed.
    The same `key` (the admin form's, made when it was shown) tells nobody twice: a double click
    or a resent form records the same events, which the outbox keeps once."""
    what = str(what or "").strip()[:300]
    if not what:
        raise EventError(_("Say what changed."))
    key = (
        "".join(character for character in str(key or "") if character.isalnum())[:32]
        or uuid.uuid4().hex[:12]
    )
    told = 0
    for registration in (
        Registration.objects.filter(session__event=event)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("session__event")
    ):
        _registration_event("event.changed", registration, what=what, key=key)
        told += 1
    return told


REMINDER_HOURS = 24


def remind_upcoming(now=None) -> dict[str, int]:
    """Every tick: one reminder per seat for sessions starting within 24 hours."""
    now = now or timezone.now()
    reminded = 0
    with transaction.atomic():
        for registration in Registration.objects.filter(
            status=Registration.Status.REGISTERED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + dt.timedelta(hours=REMINDER_HOURS),
            session__event__cancelled_at__isnull=True,
        ).select_related("session__event", "member"):
            _registration_event("event.reminder", registration)
            reminded += 1
    return {"reminders": reminded}


# --- Daily check-in ----------------------------------------------------------------------------


def points_for_day(settings: DailyCheckInSettings, streak: int) -> int:
    day_in_cycle = (streak - 1) % settings.cycle_days + 1
    return settings.points_per_day + settings.bonuses().get(day_in_cycle, 0)


@transaction.atomic
def check_in_today(member: Member, *, today: dt.date | None = None, acting_user=None) -> DailyCheckIn:
    """签到: once per member and local day. A streak continues from yesterday's check-in; the
    streak's day in its cycle decides the bonus."""
    if member is None:
        raise EventError(_("Log in as a member to check in."))
    settings = DailyCheckInSettings.load()
    if not settings.enabled:
        raise EventError(_("Daily check-in is not on at the moment."))
    today = today or timezone.localdate(timezone=brand_zone())
    member = Member.objects.select_for_update().get(pk=member.pk)
    if DailyCheckIn.objects.filter(member=member, day=today).exists():
        raise EventError(_("You have already checked in today. Come back tomorrow!"))
    yesterday = DailyCheckIn.objects.filter(member=member, day=today - dt.timedelta(days=1)).first()
    streak = yesterday.streak + 1 if yesterday else 1
    points = points_for_day(settings, streak)
    check = DailyCheckIn.objects.create(member=member, day=today, streak=streak, points=points)
    if points:
        loyalty.add_points(
            member,
            points,
            reason=_("Daily check-in, day %(day)s") % {"day": streak},
            source=LedgerSource.CHECK_IN,
            idempotency_key=f"check-in:{today.isoformat()}",
            acting_user=acting_user,
        )
    return check


# --- Invite campaigns --------------------------------------------------------------------------


def _invite_salt(campaign_pk: int) -> str:
    return f"events.invite:{connection.schema_name}:{campaign_pk}"


def invite_token(campaign: Campaign, member: Member) -> str:
    """What the member's share link carries: the campaign and the inviter, signed for this tenant."""
    return signing.dumps(
        {"campaign": campaign.pk, "inviter": member.pk}, salt=_invite_salt(campaign.pk), compress=True
    )


def read_invite_token(campaign: Campaign, token: str) -> int | None:
    """The inviter's member id from a share link of `campaign`, or None (forged, another campaign
    or tenant)."""
    try:
        found = signing.loads(str(token or "")[:300], salt=_invite_salt(campaign.pk))
    except signing.BadSignature:
        return None
    if (
        not isinstance(found, dict)
        or found.get("campaign") != campaign.pk
        or not isinstance(found.get("inviter"), int)
    ):
        return None
    return found["inviter"]


@transaction.atomic
def record_invitation(campaign: Campaign, inviter: Member, friend, *, now=None) -> Invitation | None:
    """A friend signed up through `inviter`'s link. Refused (None) for oneself or outside the
    campaign's dates; a friend counts for one inviter only."""
    now = now or timezone.now()
    if friend is None or inviter.user_id == friend.pk or not campaign.is_running(now):
        return None
    invitation, created = Invitation.objects.get_or_create(
        campaign=campaign, friend=friend, defaults={"inviter": inviter, "signed_up_at": now}
    )
    if created and not campaign.needs_first_order:
        qualify(invitation, now=now)
    return invitation if invitation.inviter_id == inviter.pk else None


@transaction.atomic
def qualify(invitation: Invitation, *, now=None) -> bool:
    """The friend now counts (signed up, or paid a first order): the inviter moves towards the goals."""
    now = now or timezone.now()
    if not Invitation.objects.filter(pk=invitation.pk, qualified_at__isnull=True).update(qualified_at=now):
        return False
    invitation.qualified_at = now
    _reach_goals(invitation.campaign, invitation.inviter_id)
    return True


def _reach_goals(campaign: Campaign, inviter_id: int) -> None:
    inviter = Member.objects.select_for_update().get(pk=inviter_id)
    qualified = Invitation.objects.filter(
        campaign=campaign, inviter=inviter, qualified_at__isnull=False
    ).count()
    for goal in (
        CampaignGoal.objects.filter(campaign=campaign, friends__lte=qualified)
        .select_related("coupon")
        .order_by("friends")
    ):
        if GoalReached.objects.filter(goal=goal, member=inviter).exists():
            continue
        GoalReached.objects.create(goal=goal, member=inviter)
        if goal.points:
            loyalty.add_points(
                inviter,
                goal.points,
                reason=_("%(campaign)s: %(friends)s friends")
                % {"campaign": campaign.title, "friends": goal.friends},
                source=LedgerSource.REFERRAL,
                idempotency_key=f"campaign-goal:{goal.pk}",
            )
        if goal.coupon_id:
            try:
                coupons.issue_coupon(
                    goal.coupon, inviter, acting_user=None, idempotency_key=f"campaign-goal:{goal.pk}"
                )
            except CouponError:
                pass  # the coupon ran out or ended: the points and draws still count
        record_event(
            "campaign.goal_reached",
            subject=inviter,
            data={
                "campaign": campaign.title,
                "friends": goal.friends,
                "points": goal.points,
                "draws": goal.draws,
            },
            idempotency_key=f"campaign.goal_reached:{goal.pk}:{inviter.pk}",
        )


def draws_left(campaign: Campaign, member: Member) -> int:
    earned = (
        GoalReached.objects.filter(goal__campaign=campaign, member=member).aggregate(
            total=Sum("goal__draws")
        )["total"]
        or 0
    )
    return max(0, earned - Draw.objects.filter(campaign=campaign, member=member).count())


def pick(seed: str, odds: list) -> int | None:
    """The outcome of a draw: a weighted choice over `odds` ([[prize id or None, weight], ...])
    with a generator seeded by `seed`: the same seed and odds always give the same prize."""
    total = sum(weight for _prize, weight in odds)
    if total <= 0:
        return None
    roll = random.Random(seed).randrange(total)  # noqa: S311 - the seed comes from secrets; recorded to audit
    for prize, weight in odds:
        if roll < weight:
            return prize
        roll -= weight
    return None


@transaction.atomic
def draw(campaign: Campaign, member: Member, *, acting_user=None) -> Draw:
    """One lottery draw for a member with draws left. The campaign's prizes are locked while the
    odds are read and the prize is taken, so a prize is never given more times than its quantity;
    the seed and odds are recorded, so anyone can replay the draw and get the same prize."""
    if member is None:
        raise EventError(_("Log in as a member to draw."))
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not campaign.is_running():
        raise EventError(_("“%(title)s” is not running.") % {"title": campaign.title})
    if draws_left(campaign, member) <= 0:
        raise EventError(_("You have no draws left: invite more friends to earn some."))
    prizes = list(Prize.objects.select_for_update().filter(campaign=campaign).order_by("pk"))
    odds = [[prize.pk, prize.chance] for prize in prizes if prize.given < prize.quantity]
    if campaign.no_prize_chance:
        odds.append([None, campaign.no_prize_chance])
    seed = secrets.token_hex(16)
    won = pick(seed, odds)
    if won is not None:
        taken = Prize.objects.filter(pk=won, given__lt=F("quantity")).update(given=F("given") + 1)
        if not taken:  # impossible under the lock; the constraint is the backstop
            raise EventError(_("The draw could not be made; please try again."))
    number = Draw.objects.filter(campaign=campaign, member=member).count() + 1
    result = Draw.objects.create(
        campaign=campaign, member=member, number=number, seed=seed, odds=odds, prize_id=won
    )
    prize = next((prize for prize in prizes if prize.pk == won), None)
    if prize is not None and prize.points:
        loyalty.add_points(
            member,
            prize.points,
            reason=prize.name,
            source=LedgerSource.REFERRAL,
            idempotency_key=f"draw:{result.pk}",
        )
    record_event(
        "campaign.draw",
        subject=member,
        data={"campaign": campaign.title, "draw": result.pk, "prize": prize.name if prize else ""},
        idempotency_key=f"campaign.draw:{result.pk}",
    )
    return result


def replay(result: Draw) -> int | None:
    """The prize a recorded draw gives when replayed from its seed and odds (an audit)."""
    return pick(result.seed, result.odds)


# --- Outbox subscribers ------------------------------------------------------------------------


def invited_customer_signed_up(event) -> None:
    """customer.signed_up with an invitation from a campaign link: record it for the inviter."""
    from django.contrib.auth import get_user_model

    invited = (event.data or {}).get("invited") or {}
    if invited.get("source") != "campaign":
        return
    slug, _sep, token = str(invited.get("token", "")).partition(":")
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        return
    inviter_id = read_invite_token(campaign, token)
    inviter = Member.objects.filter(pk=inviter_id).first() if inviter_id else None
    friend = get_user_model().objects.filter(pk=event.subject_id).first()
    if inviter is not None:
        record_invitation(campaign, inviter, friend, now=event.created_at)


def invited_friend_paid_an_order(event) -> None:
    """order.paid: a friend's first paid order makes their invitation count where campaigns ask for it."""
    member = Member.objects.filter(pk=event.subject_id).first()
    if member is None:
        return
    for invitation in Invitation.objects.filter(
        friend_id=member.user_id, qualified_at__isnull=True, campaign__needs_first_order=True
    ).select_related("campaign"):
        if invitation.campaign.is_running(event.created_at):
            qualify(invitation, now=event.created_at)
