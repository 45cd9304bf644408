"""Events in GraphQL: `events` and `event(slug)`, and the viewer's `registrations`,
`checkInStreak`, `checkedInToday` and `campaigns`.

Everything answers for the customer who asks (the session's or the bearer token's, or nobody):
events for everyone to anyone, members' events to members, level events to members of those
levels (events.selectors.audience_filter, visible_to); anything else is left out of `events` and
is null from `event`, as if it did not exist. Anonymous answers are cached per tenant
(builder.graphql.views), so seats left there may be up to the cache's lifetime old; signing up
always counts again.

Lists cost a fixed number of queries however many items they hold: sessions, levels and pictures
with their renditions are prefetched once per page; the viewer's member card is read once per
request (`MemberByUserLoader`). Every type lists its fields explicitly: the online link, sign-up
answers and who checked a ticket in are never in the API.
"""

import graphene
from django.db.models import Prefetch
from grapple.settings import grapple_settings
from grapple.types.images import get_image_type
from wagtail import hooks

from core.paging import DEFAULT_FIRST, MAX_FIRST, offset_cursor, offset_from_cursor, page_size, request_memo
from events import selectors

# --- Per-request loaders -------------------------------------------------------------------------


def _request_memo(info) -> dict:
    return request_memo(info, "_events_graphql")


class MemberByUserLoader:
    """The user's member card (None for a visitor or a user without one), once per request."""

    @staticmethod
    def load(info, user):
        memo = _request_memo(info)
        key = ("member", getattr(user, "pk", None))
        if key not in memo:
            memo[key] = selectors.member_of(user)
        return memo[key]


def viewer_member(info):
    return MemberByUserLoader.load(info, getattr(info.context, "user", None))


def image_specs() -> list[str]:
    """The renditions GraphQL may make (builder.graphql.images): prefetched with the pictures, so
    finding an existing one costs no query per picture."""
    allowed = grapple_settings.ALLOWED_IMAGE_FILTERS
    return list(allowed) if isinstance(allowed, list | tuple) else []


def _with_pictures(events):
    from wagtail.images import get_image_model

    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=image_specs())
    return events.prefetch_related(Prefetch("image__renditions", queryset=renditions))


# --- Cursors -------------------------------------------------------------------------------------


def event_cursor(offset: int) -> str:
    return offset_cursor("events", offset)


# --- Events --------------------------------------------------------------------------------------


class EventSessionType(graphene.ObjectType):
    class Meta:
        name = "EventSession"
        description = "One date and time of an event, with its own seats"

    id = graphene.ID(required=True)
    title = graphene.String(required=True, description="The session's name, e.g. Morning; may be empty")
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    capacity = graphene.Int(required=True, description="Seats in all")
    seats_left = graphene.Int(required=True, description="Seats not taken (0: full)")

    @staticmethod
    def resolve_id(session, info):
        return session.pk

    @staticmethod
    def resolve_seats_left(session, info):
        return session.seats_left


class EventType(graphene.ObjectType):
    class Meta:
        name = "Event"
        description = "A published event this viewer may see"

    slug = graphene.String(required=True, description="Pass to `event(slug:)`")
    title = graphene.String(required=True)
    summary = graphene.String(required=True)
    url = graphene.String(required=True, description="The event's page on this site")
    image = graphene.Field(lambda: get_image_type())
    kind = graphene.String(required=True, description="offline (at a venue) or online")
    venue = graphene.String(required=True)
    address = graphene.String(required=True)
    map_url = graphene.String(required=True, description="A map link; may be empty")
    audience = graphene.String(required=True, description="Who may sign up: everyone, members or levels")
    levels = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="The member levels that may sign up when `audience` is levels",
    )
    signup_opens = graphene.DateTime(description="Null: open now")
    signup_closes = graphene.DateTime(description="Null: until the session starts")
    price_cents = graphene.Int(description="Paid at the door, in cents; null: free")
    points_price = graphene.Int(description="Points taken when signing up; null: none")
    waitlist = graphene.Boolean(required=True, description="Whether a full session takes a waitlist")
    sessions = graphene.List(graphene.NonNull(EventSessionType), required=True, description="Soonest first")
    is_cancelled = graphene.Boolean(required=True)

    @staticmethod
    def resolve_levels(event, info):
        return [level.name for level in event.levels.all()]

    @staticmethod
    def resolve_sessions(event, info):
        return list(event.sessions.all())

    @staticmethod
    def resolve_is_cancelled(event, info):
        return event.is_cancelled


class EventPageType(graphene.ObjectType):
    class Meta:
        name = "EventPage"

    items = graphene.List(graphene.NonNull(EventType), required=True)
    total = graphene.Int(required=True, description="Events matching, on every page")
    end_cursor = graphene.String(description="Pass as `after` for the next page")
    has_next_page = graphene.Boolean(required=True)


def resolve_events(root, info, upcoming=True, first=DEFAULT_FIRST, after=None):
    first = page_size(first)
    offset = offset_from_cursor("events", after) if after else 0
    events = selectors.events_for(viewer_member(info), upcoming=upcoming is not False)
    total = events.count()
    items = list(_with_pictures(events)[offset : offset + first]) if offset < total else []
    return {
        "items": items,
        "total": total,
        "end_cursor": event_cursor(offset + len(items)) if items else None,
        "has_next_page": total > offset + len(items),
    }


def resolve_event(root, info, slug):
    event = _with_pictures(selectors.published_events().filter(slug=str(slug)[:120])).first()
    if event is None or not selectors.visible_to(event, viewer_member(info)):
        return None
    return event


class EventsQuery:
    events = graphene.Field(
        EventPageType,
        required=True,
        upcoming=graphene.Boolean(
            default_value=True,
            description="true: events still to come, soonest first; false: every event, latest first",
        ),
        first=graphene.Int(default_value=DEFAULT_FIRST, description=f"Events per page, at most {MAX_FIRST}"),
        after=graphene.String(description="The `endCursor` of the page before"),
        resolver=resolve_events,
        description="Events this viewer may see",
    )
    event = graphene.Field(
        EventType,
        slug=graphene.String(required=True),
        resolver=resolve_event,
        description="One published event this viewer may see, with the seats left per session; null otherwise",
    )


@hooks.register("register_schema_query")
def add_events_queries(query_mixins):
    query_mixins.append(EventsQuery)


# --- viewer { registrations checkInStreak checkedInToday campaigns } -----------------------------


class RegisteredEventType(graphene.ObjectType):
    class Meta:
        name = "RegisteredEvent"

    slug = graphene.String(required=True)
    title = graphene.String(required=True)
    url = graphene.String(required=True)
    kind = graphene.String(required=True)
    venue = graphene.String(required=True)
    is_cancelled = graphene.Boolean(required=True)

    @staticmethod
    def resolve_is_cancelled(event, info):
        return event.is_cancelled


class RegistrationType(graphene.ObjectType):
    class Meta:
        name = "Registration"
        description = "The viewer's place at a session"

    ticket_code = graphene.String(required=True, description="What the ticket's QR code carries")
    status = graphene.String(required=True, description="registered, waitlisted or cancelled")
    event = graphene.Field(RegisteredEventType, required=True)
    session = graphene.Field(EventSessionType, required=True)
    signed_up_at = graphene.DateTime(required=True)
    checked_in_at = graphene.DateTime(description="When the ticket was checked in at the event")
    points_paid = graphene.Int(required=True)

    @staticmethod
    def resolve_event(registration, info):
        return registration.session.event

    @staticmethod
    def resolve_signed_up_at(registration, info):
        return registration.created_at


def resolve_registrations(user, info, upcoming=False):
    member = MemberByUserLoader.load(info, user)
    return list(selectors.registrations_of(member, upcoming_only=bool(upcoming)))


def _today_check_in(info, user):
    """The member's streak and today's check-in (the brand's date), read once per request."""
    memo = _request_memo(info)
    if "check_in" not in memo:
        member = MemberByUserLoader.load(info, user)
        calendar = selectors.check_in_calendar(member, today=selectors.brand_today(), days=2)
        today, yesterday = calendar[1]["check_in"], calendar[0]["check_in"]
        last = today or yesterday
        memo["check_in"] = {"streak": last.streak if last else 0, "today": today is not None}
    return memo["check_in"]


def resolve_check_in_streak(user, info):
    return _today_check_in(info, user)["streak"]


def resolve_checked_in_today(user, info):
    return _today_check_in(info, user)["today"]


class CampaignGoalType(graphene.ObjectType):
    class Meta:
        name = "CampaignGoal"

    friends = graphene.Int(required=True, description="Friends who must count")
    points = graphene.Int(required=True)
    draws = graphene.Int(required=True, description="Lottery draws it gives")
    reached = graphene.Boolean(required=True, description="Whether the viewer reached it")


class ViewerCampaignType(graphene.ObjectType):
    class Meta:
        name = "ViewerCampaign"
        description = "A running invite campaign with the viewer's progress"

    slug = graphene.String(required=True)
    title = graphene.String(required=True)
    summary = graphene.String(required=True)
    url = graphene.String(required=True, description="The campaign's page, with the viewer's share link")
    ends_at = graphene.DateTime(required=True)
    invited = graphene.Int(required=True, description="Friends who came through the viewer's link")
    counted = graphene.Int(required=True, description="Of those, the ones who count towards the goals")
    draws_left = graphene.Int(required=True)
    goals = graphene.List(graphene.NonNull(CampaignGoalType), required=True)


def resolve_campaigns(user, info):
    member = MemberByUserLoader.load(info, user)
    campaigns = list(selectors.running_campaigns().order_by("ends_at", "pk"))
    progress = selectors.campaigns_progress(member, campaigns)
    return [
        {
            "slug": campaign.slug,
            "title": campaign.title,
            "summary": campaign.summary,
            "url": campaign.url,
            "ends_at": campaign.ends_at,
            "invited": progress[campaign.pk]["invited"],
            "counted": progress[campaign.pk]["counted"],
            "draws_left": progress[campaign.pk]["draws_left"],
            "goals": [
                {
                    "friends": goal.friends,
                    "points": goal.points,
                    "draws": goal.draws,
                    "reached": goal.pk in progress[campaign.pk]["reached"],
                }
                for goal in campaign.goals.all()
            ],
        }
        for campaign in campaigns
    ]


VIEWER_FIELDS = {
    "registrations": (
        graphene.List(
            graphene.NonNull(RegistrationType),
            required=True,
            upcoming=graphene.Boolean(
                default_value=False,
                description="true: only places (not cancelled) at sessions not over yet",
            ),
            description="The customer's places at events, newest first",
        ),
        resolve_registrations,
    ),
    "checkInStreak": (
        graphene.Int(
            required=True,
            description="Daily check-ins in a row up to today (or yesterday, when today's is still to come)",
        ),
        resolve_check_in_streak,
    ),
    "checkedInToday": (
        graphene.Boolean(
            required=True, description="Whether the customer checked in today (the brand's date)"
        ),
        resolve_checked_in_today,
    ),
    "campaigns": (
        graphene.List(
            graphene.NonNull(ViewerCampaignType),
            required=True,
            description="Running invite campaigns with the customer's progress, ending soonest first",
        ),
        resolve_campaigns,
    ),
}
