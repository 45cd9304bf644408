"""Reads for event pages, blocks, the admin and GraphQL, each with its joins done once."""

import datetime as dt

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from events.models import (
    Audience,
    Campaign,
    CampaignGoal,
    DailyCheckIn,
    Draw,
    Event,
    EventSession,
    GoalReached,
    Invitation,
    Prize,
    Registration,
)
from members.models import Member
from members.selectors import audience_filter


def member_of(user) -> Member | None:
    if user is None or not user.is_authenticated:
        return None
    return Member.objects.select_related("level").filter(user=user).first()


def published_events():
    return (
        Event.objects.filter(is_published=True)
        .select_related("image")
        .prefetch_related(
            Prefetch("sessions", queryset=EventSession.objects.order_by("starts_at", "pk")),
            "levels",
            "questions",
        )
    )


def upcoming_events(member=None, *, now=None, public_only=False):
    """Published, not cancelled events with a session still to start, soonest first. Blocks pass
    `public_only` (everyone's events only) so a page body is the same for every visitor."""
    now = now or timezone.now()
    events = published_events().filter(cancelled_at__isnull=True, sessions__starts_at__gt=now)
    events = (
        events.filter(audience=Audience.EVERYONE) if public_only else events.filter(audience_filter(member))
    )
    from django.db.models import Min

    return (
        events.annotate(next_start=Min("sessions__starts_at", filter=Q(sessions__starts_at__gt=now)))
        .order_by("next_start", "pk")
        .distinct()
    )


def event_for(member, slug: str) -> Event | None:
    """The published event at `slug` (whoever may sign up: pages say who can)."""
    return published_events().filter(slug=slug).first()


def registrations_of(member, *, upcoming_only=False):
    if member is None:
        return Registration.objects.none()
    found = (
        Registration.objects.filter(member=member)
        .select_related("session__event")
        .order_by("-created_at", "-pk")
    )
    if upcoming_only:
        found = found.filter(session__ends_at__gt=timezone.now()).exclude(
            status=Registration.Status.CANCELLED
        )
    return found


def registration_of(member, ticket_code: str) -> Registration | None:
    if member is None:
        return None
    return (
        Registration.objects.filter(member=member, ticket_code=ticket_code)
        .select_related("session__event")
        .first()
    )


def attendance(event: Event) -> list[dict]:
    """Per session: seats, signed up, waitlisted and checked in, counted in one query."""
    rows = (
        EventSession.objects.filter(event=event)
        .order_by("starts_at", "pk")
        .annotate(
            signed_up=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)),
            waitlisted=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
            checked_in=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
        )
    )
    return [
        {
            "session": row,
            "capacity": row.capacity,
            "signed_up": row.signed_up,
            "waitlisted": row.waitlisted,
            "checked_in": row.checked_in,
        }
        for row in rows
    ]


def registrations_at(event: Event):
    """Every place at `event`, cancelled ones too, by session and then sign-up order, with the
    member's account and level joined once (the admin's attendance page and its CSV)."""
    return (
        Registration.objects.filter(session__event=event)
        .select_related("session", "member__user", "member__level")
        .order_by("session__starts_at", "session__pk", "created_at", "pk")
    )


def check_in_counts(event: Event) -> dict:
    """{"signed_up": seats taken, "checked_in": tickets checked in} at `event`, in one query (the
    check-in desk's live counts)."""
    return Registration.objects.filter(session__event=event).aggregate(
        signed_up=Count("pk", filter=Q(status=Registration.Status.REGISTERED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )


def check_in_calendar(member, *, today: dt.date, days: int = 7) -> list[dict]:
    """The last `days` local days ending today, each with the member's check-in (or None)."""
    start = today - dt.timedelta(days=days - 1)
    found = (
        {}
        if member is None
        else {c.day: c for c in DailyCheckIn.objects.filter(member=member, day__gte=start, day__lte=today)}
    )
    return [
        {"day": start + dt.timedelta(days=offset), "check_in": found.get(start + dt.timedelta(days=offset))}
        for offset in range(days)
    ]


def current_streak(member, *, today: dt.date) -> int:
    """Days in a row up to today (or up to yesterday when today's check-in is still to come)."""
    if member is None:
        return 0
    last = (
        DailyCheckIn.objects.filter(member=member, day__gte=today - dt.timedelta(days=1))
        .order_by("-day")
        .first()
    )
    return last.streak if last else 0


def campaign_invitations(campaign: Campaign):
    """The friends who came through `campaign`'s links, newest first, with inviter and friend."""
    return (
        Invitation.objects.filter(campaign=campaign)
        .select_related("inviter__user", "friend")
        .order_by("-signed_up_at", "-pk")
    )


def campaign_goals_reached(campaign: Campaign):
    """The goals members reached in `campaign` (their rewards given), newest first."""
    return (
        GoalReached.objects.filter(goal__campaign=campaign)
        .select_related("goal", "member__user")
        .order_by("-at", "-pk")
    )


def campaign_draws(campaign: Campaign):
    """The lottery draws of `campaign`, newest first, with the member and the prize."""
    return (
        Draw.objects.filter(campaign=campaign).select_related("member__user", "prize").order_by("-at", "-pk")
    )


def running_campaigns(*, now=None):
    now = now or timezone.now()
    return Campaign.objects.filter(is_published=True, starts_at__lte=now, ends_at__gt=now).prefetch_related(
        "goals", "prizes"
    )


def campaign_progress(campaign: Campaign, member) -> dict:
    if member is None:
        return {"invited": 0, "qualified": 0, "draws": []}
    invitations = Invitation.objects.filter(campaign=campaign, inviter=member)
    return {
        "invited": invitations.count(),
        "qualified": invitations.filter(qualified_at__isnull=False).count(),
        "draws": list(
            Draw.objects.filter(campaign=campaign, member=member).select_related("prize").order_by("number")
        ),
    }


# --- Reads shared by the page blocks and GraphQL -------------------------------------------------


def brand_zone():
    """The brand's time zone. Requests do not activate it (timezone.localdate() is UTC there), so
    blocks and GraphQL that speak of "today" or a day's sessions use this."""
    import zoneinfo

    from core.language import tenant_time_zone

    return zoneinfo.ZoneInfo(tenant_time_zone())


def brand_today(now=None) -> dt.date:
    """Today's date in the brand's time zone: the day a daily check-in counts for."""
    return timezone.localdate(now or timezone.now(), brand_zone())


def visible_to(event: Event, member) -> bool:
    """Whether `member` (None: a visitor) may see `event`, as audience_filter decides in queries
    (the event's levels prefetched: no query)."""
    if event.audience == Audience.EVERYONE:
        return True
    if member is None:
        return False
    if event.audience == Audience.MEMBERS:
        return True
    return member.level_id is not None and member.level_id in {level.pk for level in event.levels.all()}


def events_for(member, *, upcoming: bool = True, now=None):
    """Published events `member` (None: a visitor) may see. Upcoming: not cancelled, with a session
    still to start, soonest first. Otherwise every one, past and cancelled too, the latest session
    first."""
    if upcoming:
        return upcoming_events(member, now=now)
    from django.db.models import F, Max

    return (
        published_events()
        .filter(audience_filter(member))
        .annotate(last_start=Max("sessions__starts_at"))
        .order_by(F("last_start").desc(nulls_last=True), "-pk")
        .distinct()
    )


def public_sessions_between(start, end, *, limit: int = 100) -> list[EventSession]:
    """Sessions starting in [start, end) of published, not cancelled events for everyone, soonest
    first, with their events: one query (a page block's calendar, the same for every visitor)."""
    return list(
        EventSession.objects.filter(
            starts_at__gte=start,
            starts_at__lt=end,
            event__is_published=True,
            event__cancelled_at__isnull=True,
            event__audience=Audience.EVERYONE,
        )
        .select_related("event")
        .order_by("starts_at", "pk")[:limit]
    )


def campaign_at(slug: str) -> Campaign | None:
    """The published campaign at `slug` with its goals."""
    goals = CampaignGoal.objects.select_related("coupon").order_by("sort_order", "friends")
    return (
        Campaign.objects.filter(slug=slug, is_published=True)
        .prefetch_related(Prefetch("goals", goals))
        .first()
    )


def campaigns_progress(member, campaigns) -> dict[int, dict]:
    """{campaign id: {"invited", "counted", "draws_left", "reached": {goal ids}}} for `member` in
    each of `campaigns` (their goals prefetched): three queries however many campaigns."""
    ids = [campaign.pk for campaign in campaigns]
    empty = {"invited": 0, "counted": 0, "draws_left": 0, "reached": set()}
    if member is None or not ids:
        return {pk: dict(empty) for pk in ids}
    invited = {
        row["campaign_id"]: row
        for row in Invitation.objects.filter(campaign_id__in=ids, inviter=member)
        .order_by()
        .values("campaign_id")
        .annotate(invited=Count("pk"), counted=Count("pk", filter=Q(qualified_at__isnull=False)))
    }
    reached = set(
        GoalReached.objects.filter(member=member, goal__campaign_id__in=ids).values_list("goal_id", flat=True)
    )
    drawn = dict(
        Draw.objects.filter(member=member, campaign_id__in=ids)
        .order_by()
        .values("campaign_id")
        .annotate(count=Count("pk"))
        .values_list("campaign_id", "count")
    )
    progress = {}
    for campaign in campaigns:
        goals = {goal.pk: goal for goal in campaign.goals.all()}
        earned = sum(goal.draws for pk, goal in goals.items() if pk in reached)
        row = invited.get(campaign.pk, {})
        progress[campaign.pk] = {
            "invited": row.get("invited", 0),
            "counted": row.get("counted", 0),
            "draws_left": max(0, earned - drawn.get(campaign.pk, 0)),
            "reached": {pk for pk in goals if pk in reached},
        }
    return progress


def places_at(event: Event, member) -> list[Registration]:
    """The member's places (signed up or waitlisted) at any session of `event`."""
    if member is None:
        return []
    return list(
        Registration.objects.filter(member=member, session__event=event)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("session")
        .order_by("session__starts_at", "pk")
    )


def published_campaign(slug: str) -> Campaign | None:
    """The published campaign at `slug`, its goals (fewest friends first, with their coupons) and prizes."""
    return (
        Campaign.objects.filter(is_published=True, slug=slug)
        .select_related("image")
        .prefetch_related(
            Prefetch(
                "goals", queryset=CampaignGoal.objects.select_related("coupon").order_by("friends", "pk")
            ),
            Prefetch("prizes", queryset=Prize.objects.order_by("sort_order", "pk")),
        )
        .first()
    )


def goals_reached(campaign: Campaign, member) -> set[int]:
    """The ids of the campaign's goals whose rewards the member has received."""
    if member is None:
        return set()
    return set(
        GoalReached.objects.filter(goal__campaign=campaign, member=member).values_list("goal_id", flat=True)
    )
