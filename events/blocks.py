"""Events blocks for page bodies: upcoming events, a four-week calendar, one featured event, the
daily check-in and an invite campaign's card.

A page body is cached once for every visitor unless a block in it is `personal`
(builder/fragments.py). The event blocks list only published events for everyone, so a body with
them stays cacheable (seats left may be up to the cache's lifetime old; signing up always checks
again); the daily check-in and the campaign card show the member's own days and progress, so they
are `personal`. Each block costs a fixed number of queries however many events it shows.

Imported while builder.models builds the page body (core.registry.app_blocks): the models are read
inside the blocks' methods, never at import time.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.messages import get_messages
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLInt, GraphQLString
from wagtail import blocks

from blocks.base import BaseBlock, fail

# The card picture, 1x and 2x: the crops GraphQL also offers (GRAPPLE["ALLOWED_IMAGE_FILTERS"]).
CARD_RENDITIONS = ("fill-400x300", "fill-800x600")
MAX_EVENTS = 12
CALENDAR_DAYS = 28
CALENDAR_SESSIONS = 100
CHECK_IN_DAYS = 7
MESSAGE_TAG = "events"  # events.views tags its messages so; the check-in block shows only those


@dataclass(frozen=True)
class EventCard:
    """An event as a block shows it to every visitor: its next session and the seats left there,
    with the events list's price wording (events.views.price_text)."""

    event: object
    next_session: object  # None when no session is still to come
    price: str
    more_sessions: int  # sessions still to come after the next one


def event_card(event, now) -> EventCard:
    from events.views import price_text

    coming = [session for session in event.sessions.all() if session.starts_at > now]
    return EventCard(
        event=event,
        next_session=coming[0] if coming else None,
        price=price_text(event),
        more_sessions=max(0, len(coming) - 1),
    )


def _with_pictures(events):
    """Each event's picture with its card renditions, so a card costs no query of its own."""
    from django.db.models import Prefetch
    from wagtail.images import get_image_model

    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=CARD_RENDITIONS)
    return events.prefetch_related(Prefetch("image__renditions", queryset=renditions))


def _time_zone() -> str:
    from core.language import tenant_time_zone

    return tenant_time_zone()


def _request(parent_context):
    return (parent_context or {}).get("request")


def _login_url(request) -> str:
    from urllib.parse import quote

    path = request.get_full_path() if request is not None else "/"
    return f"{reverse('login')}?next={quote(path)}"


class EventSlugBlock(blocks.CharBlock):
    """An event's or a campaign's slug (its address after /events/ or /events/campaigns/)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=120, **kwargs)


@register_streamfield_block
class UpcomingEventsBlock(BaseBlock):
    """The next events anyone may sign up for, soonest first, each with its date, place and seats left."""

    heading = blocks.CharBlock(required=False, max_length=120)
    count = blocks.IntegerBlock(min_value=1, max_value=MAX_EVENTS, default=4, label=_("How many events"))

    graphql_fields = [GraphQLString("heading"), GraphQLInt("count"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "date"
        template = "events/blocks/upcoming_events.html"
        label = _("Upcoming events")
        description = _("The next events, with their dates, places and seats left")
        preview_value = {"heading": "近期活动 · Coming up", "count": 4}

    def get_context(self, value, parent_context=None):
        from events import selectors

        context = super().get_context(value, parent_context)
        count = max(1, min(int(value.get("count") or 4), MAX_EVENTS))
        now = timezone.now()
        events = _with_pictures(selectors.upcoming_events(now=now, public_only=True))[:count]
        context["cards"] = [event_card(event, now) for event in events]
        context["more_url"] = reverse("events:event_list")
        context["time_zone"] = _time_zone()
        return context


@register_streamfield_block
class EventCalendarBlock(BaseBlock):
    """The sessions of the next four weeks, day by day, of events anyone may sign up for."""

    heading = blocks.CharBlock(required=False, max_length=120)

    graphql_fields = [GraphQLString("heading"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "calendar-alt"
        template = "events/blocks/event_calendar.html"
        label = _("Event calendar")
        description = _("The next four weeks' events, day by day")
        preview_value = {"heading": "活动日历 · Calendar"}

    def get_context(self, value, parent_context=None):
        from events import selectors

        context = super().get_context(value, parent_context)
        now, zone = timezone.now(), selectors.brand_zone()
        today = timezone.localdate(now, zone)
        # Up to the end of the 28th day, the brand's midnight.
        end = dt.datetime.combine(today + dt.timedelta(days=CALENDAR_DAYS), dt.time(), tzinfo=zone)
        days = {}
        for session in selectors.public_sessions_between(now, end, limit=CALENDAR_SESSIONS):
            days.setdefault(timezone.localdate(session.starts_at, zone), []).append(session)
        context["days"] = [{"day": day, "sessions": sessions} for day, sessions in days.items()]
        context["until"] = today + dt.timedelta(days=CALENDAR_DAYS - 1)
        context["more_url"] = reverse("events:event_list")
        context["time_zone"] = zone.key
        return context


@register_streamfield_block
class FeaturedEventBlock(BaseBlock):
    """One event, large: its picture, summary, next session and a sign-up button."""

    event = EventSlugBlock(
        label=_("Event"),
        help_text=_("The event's slug (its address after /events/). Only events for everyone are shown."),
    )
    heading = blocks.CharBlock(
        required=False, max_length=120, help_text=_("Leave empty to show the event's title.")
    )
    button_text = blocks.CharBlock(required=False, max_length=40, help_text=_("Default: “Sign up”."))

    graphql_fields = [
        GraphQLString("event"),
        GraphQLString("heading"),
        GraphQLString("button_text"),
        *BaseBlock.graphql_fields,
    ]

    class Meta:
        icon = "pick"
        template = "events/blocks/featured_event.html"
        label = _("Featured event")
        description = _("One event with its picture and a sign-up button")
        preview_value = {"event": "", "heading": "本月推荐 · Don't miss", "button_text": "Sign up"}

    def clean(self, value):
        from events.models import Audience, Event

        slug = (value.get("event") or "").strip()
        if not slug:
            fail({"event": _("Give the event's slug.")})
        event = Event.objects.filter(slug=slug).only("title", "audience").first()
        if event is None:
            fail({"event": _("There is no event “%(slug)s”.") % {"slug": slug}})
        if event.audience != Audience.EVERYONE:
            fail(
                {
                    "event": _(
                        "“%(title)s” is not for everyone; a page block shows only events anyone may sign up for."
                    )
                    % {"title": event.title}
                }
            )
        value = super().clean(value)
        value["event"] = slug
        return value

    def get_context(self, value, parent_context=None):
        from events import selectors
        from events.models import Audience

        context = super().get_context(value, parent_context)
        slug = (value.get("event") or "").strip()
        event = (
            _with_pictures(
                selectors.published_events().filter(
                    slug=slug, audience=Audience.EVERYONE, cancelled_at__isnull=True
                )
            ).first()
            if slug
            else None
        )
        context["card"] = event_card(event, timezone.now()) if event is not None else None
        context["time_zone"] = _time_zone()
        return context


def check_in_outlook(settings, calendar: list[dict]) -> dict:
    """Today's check-in as the block tells it: checked in or not, the streak, today's points (earned,
    or to earn) and the next streak bonus after today."""
    from events import services

    today, yesterday = calendar[-1]["check_in"], calendar[-2]["check_in"] if len(calendar) > 1 else None
    if today is not None:
        streak, points = today.streak, today.points
    else:
        streak = (yesterday.streak if yesterday else 0) + 1  # the day today's check-in would be
        points = services.points_for_day(settings, streak)
    try:
        bonuses = settings.bonuses()
    except ValueError:
        bonuses = {}
    upcoming = None
    for days_ahead in range(1, settings.cycle_days + 1):
        day_in_cycle = (streak + days_ahead - 1) % settings.cycle_days + 1
        if bonuses.get(day_in_cycle):
            upcoming = {"day": day_in_cycle, "points": bonuses[day_in_cycle], "in_days": days_ahead}
            break
    return {
        "checked_in": today is not None,
        "streak": streak if today is not None else streak - 1,
        "points_today": points,
        "next_bonus": upcoming,
    }


@register_streamfield_block
class DailyCheckInBlock(BaseBlock):
    """签到: the member's last seven days, today's points, the next streak bonus and a Check in button."""

    heading = blocks.CharBlock(required=False, max_length=80)
    text = blocks.CharBlock(required=False, max_length=200)

    graphql_fields = [GraphQLString("heading"), GraphQLString("text"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "calendar-check"
        template = "events/blocks/daily_check_in.html"
        label = _("Daily check-in")
        description = _("Members check in once a day for points; streaks earn bonuses")
        # The member's own days and a form with a CSRF token: the body holding it is never cached
        # for everyone (builder/fragments.py). Visitors all get the same log-in invitation.
        personal = True
        preview_value = {"heading": "每日签到 · Daily check-in", "text": "Check in every day for points."}

    def get_context(self, value, parent_context=None):
        from events import selectors
        from events.models import DailyCheckInSettings

        context = super().get_context(value, parent_context)
        request = _request(parent_context)
        user = getattr(request, "user", None)
        settings = DailyCheckInSettings.load(request_or_site=request)
        member = selectors.member_of(user)
        context["enabled"] = settings.enabled
        context["member"] = member
        context["logged_in"] = bool(user is not None and user.is_authenticated)
        context["points_per_day"] = settings.points_per_day
        if settings.enabled and member is not None:
            calendar = selectors.check_in_calendar(member, today=selectors.brand_today(), days=CHECK_IN_DAYS)
            context["calendar"] = calendar
            context.update(check_in_outlook(settings, calendar))
            # Only for members, so a visitor's page sets no cookie and stays cacheable.
            context["csrf_token"] = get_token(request) if request is not None else ""
            # The check-in view says how it went in a message tagged "events" and comes back to
            # this block (next#anchor), so the message is on screen here.
            context["event_messages"] = (
                [message for message in get_messages(request) if MESSAGE_TAG in message.tags]
                if request is not None
                else []
            )
        context["anchor"] = context["anchor"] or "daily-check-in"
        context["next_url"] = request.get_full_path() if request is not None else "/"
        context["login_url"] = _login_url(request)
        return context


def goal_rewards(goal) -> list[str]:
    """What reaching a goal gives: points, a coupon, lottery draws."""
    rewards = []
    if goal.points:
        rewards.append(
            ngettext("%(points)s point", "%(points)s points", goal.points) % {"points": f"{goal.points:,}"}
        )
    if goal.coupon_id:
        rewards.append(goal.coupon.name)
    if goal.draws:
        rewards.append(
            ngettext("%(draws)s lottery draw", "%(draws)s lottery draws", goal.draws) % {"draws": goal.draws}
        )
    return rewards


@register_streamfield_block
class CampaignCardBlock(BaseBlock):
    """An invite-a-friend campaign: its goals and rewards, the member's progress, and a link to it."""

    campaign = EventSlugBlock(
        label=_("Campaign"), help_text=_("The campaign's slug (its address after /events/campaigns/).")
    )
    heading = blocks.CharBlock(
        required=False, max_length=120, help_text=_("Leave empty to show the campaign's title.")
    )

    graphql_fields = [GraphQLString("campaign"), GraphQLString("heading"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "group"
        template = "events/blocks/campaign_card.html"
        label = _("Invite campaign")
        description = _("A campaign's goals and rewards, with the member's progress")
        # Shows how many friends the member has invited and the goals they reached.
        personal = True
        preview_value = {"campaign": "", "heading": "邀请好友 · Invite friends"}

    def clean(self, value):
        from events.models import Campaign

        slug = (value.get("campaign") or "").strip()
        if not slug:
            fail({"campaign": _("Give the campaign's slug.")})
        if not Campaign.objects.filter(slug=slug).exists():
            fail({"campaign": _("There is no campaign “%(slug)s”.") % {"slug": slug}})
        value = super().clean(value)
        value["campaign"] = slug
        return value

    def get_context(self, value, parent_context=None):
        from events import selectors

        context = super().get_context(value, parent_context)
        request = _request(parent_context)
        user = getattr(request, "user", None)
        slug = (value.get("campaign") or "").strip()
        campaign = selectors.campaign_at(slug) if slug else None
        context["campaign"] = campaign
        context["logged_in"] = bool(user is not None and user.is_authenticated)
        context["login_url"] = _login_url(request)
        if campaign is not None:
            now = timezone.now()
            member = selectors.member_of(user)
            progress = selectors.campaigns_progress(member, [campaign])[campaign.pk]
            context["member"] = member
            context["progress"] = progress
            context["running"] = campaign.is_running(now)
            context["ended"] = campaign.ends_at <= now
            context["goals"] = [
                {"goal": goal, "rewards": goal_rewards(goal), "reached": goal.pk in progress["reached"]}
                for goal in campaign.goals.all()
            ]
        context["time_zone"] = _time_zone()
        return context


PORTAL_BLOCKS = [
    ("upcoming_events", UpcomingEventsBlock()),
    ("event_calendar", EventCalendarBlock()),
    ("featured_event", FeaturedEventBlock()),
    ("daily_check_in", DailyCheckInBlock()),
    ("campaign_card", CampaignCardBlock()),
]
