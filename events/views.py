"""Customer pages of events: the list, an event with its sign-up form, the member's tickets in My
account, the daily check-in, and invite campaigns with their share links and lottery draws.

Every write goes through events.services; a refusal (EventError) becomes a message for the customer
and changes nothing. Times are shown, and "today" is counted, in the brand's time zone.
"""

import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.invitations import has_invitation, remember_invitation
from accounts.selectors import masked_name
from blocks.base import anchor_validator
from core.language import tenant_time_zone
from core.money import format_money
from events import selectors, services
from events.forms import SignUpForm
from events.models import Audience, Event, Registration
from members.models import Member
from members.qr import text_qr_svg as qr_svg

MESSAGE_TAG = "events"  # the events pages (and the daily check-in block) show only these messages
LOGIN_URL = "/accounts/login/"
SIGNUP_URL = "/accounts/signup/"
CARD_IMAGE = "fill-640x360"


def in_brand_time(view):
    """Dates on the page, and the day a check-in counts for, are the brand's local ones."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with timezone.override(tenant_time_zone()):
            return view(request, *args, **kwargs)

    return wrapped


def _say(request, level, text) -> None:
    messages.add_message(request, level, text, extra_tags=MESSAGE_TAG)


def _member(request) -> Member | None:
    """The visitor's member card (None: anonymous, or an account without one), read once per request."""
    if not hasattr(request, "_events_member"):
        request._events_member = selectors.member_of(request.user)
    return request._events_member


def price_text(event: Event) -> str:
    """The price as customers read it: "Free", "¥80.00 at the door", "200 points", or both."""
    parts = []
    if event.points_price:
        parts.append(_("%(points)s points") % {"points": f"{event.points_price:,}"})
    if event.price_cents:
        parts.append(_("%(price)s at the door") % {"price": format_money(event.price_cents)})
    return " + ".join(parts) if parts else _("Free")


def audience_text(event: Event) -> str:
    if event.audience == Audience.MEMBERS:
        return _("Members of the programme")
    if event.audience == Audience.LEVELS:
        return _("%(levels)s members") % {"levels": ", ".join(level.name for level in event.levels.all())}
    return _("Everyone")


def _next_session(event: Event, now):
    return next((session for session in event.sessions.all() if session.starts_at > now), None)


# --- The list ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventCard:
    event: Event
    next_session: object
    price: str


@require_safe
@in_brand_time
def event_list(request):
    """Upcoming events the viewer may see, soonest first."""
    member = _member(request)
    now = timezone.now()
    events = selectors.upcoming_events(member, now=now).prefetch_related("image__renditions")
    cards = [EventCard(event, _next_session(event, now), price_text(event)) for event in events]
    return render(request, "events/event_list.html", {"cards": cards, "card_image": CARD_IMAGE})


# --- An event and its sign-up form ------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    session: object
    started: bool
    full: bool
    waitlist: bool  # full, and the event keeps a waitlist
    my_place: Registration | None

    @property
    def can_choose(self) -> bool:
        return not self.started and (not self.full or self.waitlist)


def _event_or_404(slug: str) -> Event:
    event = selectors.event_for(None, slug)
    if event is None:
        raise Http404
    return event


def _event_page(request, event: Event, *, form: SignUpForm | None = None, errors=(), status=200):
    member = _member(request)
    now = timezone.now()
    places = selectors.places_at(event, member)
    place_of = {place.session_id: place for place in places}
    rows = [
        SessionRow(
            session=session,
            started=session.starts_at <= now,
            full=session.seats_left <= 0,
            waitlist=session.seats_left <= 0 and event.waitlist,
            my_place=place_of.get(session.pk),
        )
        for session in event.sessions.all()
    ]
    choosable = [row for row in rows if row.can_choose]
    if form is None:
        form = SignUpForm(event=event, sessions=[row.session for row in choosable])
    chosen = form.chosen_session()
    if not chosen:
        first_open = next((row for row in choosable if not row.my_place), None)
        chosen = str(first_open.session.pk) if first_open else ""
    reason = None if event.is_cancelled else services.why_not_open(event, member, now)
    context = {
        "event": event,
        "member": member,
        "sessions": rows,
        "choosable": choosable,
        "chosen_session": chosen,
        "form": form,
        "questions": [
            (question, question.choice_list(), form.posted_answers().get(str(question.pk), ""))
            for question in form.questions
        ],
        "errors": list(errors),
        "reason": reason,
        "places": places,
        "is_registered": any(place.status == Registration.Status.REGISTERED for place in places),
        "price": price_text(event),
        "audience": audience_text(event),
        "time_zone": tenant_time_zone(),
        "has_required": any(question.required for question in form.questions),
        "max_answer_length": services.MAX_ANSWER_LENGTH,
        "login_url": f"{LOGIN_URL}?{urlencode({'next': event.url})}",
        "signup_url": f"{SIGNUP_URL}?{urlencode({'next': event.url})}",
    }
    return render(request, "events/event.html", context, status=status)


@require_safe
@in_brand_time
def event(request, slug: str):
    return _event_page(request, _event_or_404(slug))


@require_POST
@in_brand_time
def sign_up(request, slug: str):
    """POST session and answer_<question id>: services.sign_up, then the ticket; or the event's page
    again with the reason and what the customer typed."""
    found = _event_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(found.url)
    member = _member(request)
    now = timezone.now()
    open_sessions = [session for session in found.sessions.all() if session.starts_at > now]
    form = SignUpForm(request.POST, event=found, sessions=open_sessions)
    if member is None:
        return _event_page(
            request, found, form=form, errors=[_("Log in as a member to sign up.")], status=400
        )
    if not form.is_valid():
        return _event_page(request, found, form=form, errors=form.problems(), status=400)
    session = next(session for session in open_sessions if session.pk == form.cleaned_data["session"])
    try:
        place = services.sign_up(member, session, answers=form.answers(), acting_user=request.user)
    except services.EventError as refusal:
        return _event_page(request, found, form=form, errors=[str(refusal)], status=400)
    if place.created_at < now:
        _say(request, messages.INFO, _("You already have a place at this session."))
    elif place.status == Registration.Status.REGISTERED:
        _say(request, messages.SUCCESS, _("You're signed up. Show this ticket at the event."))
    else:
        _say(
            request,
            messages.SUCCESS,
            _("You're on the waitlist. We'll tell you as soon as a seat is yours."),
        )
    return redirect("events:ticket", place.ticket_code)


# --- My events and tickets --------------------------------------------------------------------------


@login_required(login_url=LOGIN_URL)
@require_safe
@in_brand_time
def my_events(request):
    """The member's places: sessions still to come first (soonest first), then past ones (latest first)."""
    now = timezone.now()
    registrations = list(selectors.registrations_of(_member(request)))
    upcoming = sorted(
        (each for each in registrations if each.session.ends_at > now),
        key=lambda each: (each.session.starts_at, each.pk),
    )
    past = sorted(
        (each for each in registrations if each.session.ends_at <= now),
        key=lambda each: (each.session.starts_at, each.pk),
        reverse=True,
    )
    return render(request, "events/my_events.html", {"upcoming": upcoming, "past": past})


def _ticket_or_404(request, code: str) -> Registration:
    registration = selectors.registration_of(_member(request), services.normalise_ticket(code)[:12])
    if registration is None:
        raise Http404
    return registration


@login_required(login_url=LOGIN_URL)
@require_safe
@in_brand_time
def ticket(request, code: str):
    """One of the member's own tickets (anyone else's is a 404)."""
    registration = _ticket_or_404(request, code)
    session, now = registration.session, timezone.now()
    status = registration.status
    context = {
        "registration": registration,
        "session": session,
        "event": session.event,
        "status_label": Registration.Status(status).label,
        "qr_svg": qr_svg(registration.ticket_code) if status == Registration.Status.REGISTERED else "",
        "can_cancel": status != Registration.Status.CANCELLED
        and registration.checked_in_at is None
        and session.ends_at > now
        and not session.event.is_cancelled,
        "show_online_link": status == Registration.Status.REGISTERED and bool(session.event.online_url),
    }
    return render(request, "events/ticket.html", context)


@require_POST
@in_brand_time
def cancel(request, code: str):
    """The member gives up their place (refused once the ticket was used)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("events:ticket", args=[code]))
    registration = _ticket_or_404(request, code)
    try:
        services.cancel_registration(
            registration, acting_user=request.user, reason=_("Cancelled by the member")
        )
    except services.EventError as refusal:
        _say(request, messages.ERROR, str(refusal))
    else:
        _say(request, messages.SUCCESS, _("Your place is cancelled."))
    return redirect("events:ticket", registration.ticket_code)


# --- Daily check-in ---------------------------------------------------------------------------------


def _back(request) -> str:
    """Where the check-in came from (`next`, else the referring page), never another site, scrolled
    to the block that sent it (its anchor id) so the message is on screen."""
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    anchor = request.POST.get("anchor") or ""
    if anchor_validator.regex.fullmatch(anchor):  # only an id a block can have reaches the URL
        target = f"{target.split('#', 1)[0]}#{anchor}"
    return target


@require_POST
@in_brand_time
def daily_check_in(request):
    back = _back(request)
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    member = _member(request)
    if member is None:
        _say(request, messages.ERROR, _("Log in as a member to check in."))
        return redirect(back)
    try:
        check = services.check_in_today(member, today=timezone.localdate(), acting_user=request.user)
    except services.EventError as refusal:
        _say(request, messages.ERROR, str(refusal))
    else:
        _say(
            request,
            messages.SUCCESS,
            _("Checked in: +%(points)s points, day %(day)s of your streak.")
            % {"points": f"{check.points:,}", "day": check.streak},
        )
    return redirect(back)


# --- Invite campaigns -------------------------------------------------------------------------------


def _campaign_or_404(slug: str):
    found = selectors.published_campaign(slug)
    if found is None:
        raise Http404
    return found


def _inviter(request, campaign) -> Member | None:
    """The member whose share link a visitor (not logged in) followed: ?by=<token>, checked
    against this campaign and tenant; anything forged is ignored."""
    token = str(request.GET.get("by", "") or "")[:300]
    if not token or request.user.is_authenticated:
        return None
    inviter_id = services.read_invite_token(campaign, token)
    if inviter_id is None:
        return None
    return Member.objects.select_related("user__profile").filter(pk=inviter_id).first()


@require_safe
@in_brand_time
def campaign(request, slug: str):
    found = _campaign_or_404(slug)
    member = _member(request)
    now = timezone.now()
    running = found.is_running(now)
    inviter = _inviter(request, found) if running else None
    context = {
        "campaign": found,
        "member": member,
        "running": running,
        "not_started": now < found.starts_at,
        "goals": list(found.goals.all()),
        "prizes": [(prize, max(0, prize.quantity - prize.given)) for prize in found.prizes.all()],
        "inviter_name": masked_name(inviter.user) if inviter is not None else "",
        "signup_url": f"{SIGNUP_URL}?{urlencode({'next': found.url})}",
        "login_url": f"{LOGIN_URL}?{urlencode({'next': found.url})}",
    }
    if member is not None:
        share_url = request.build_absolute_uri(
            f"{found.url}?{urlencode({'by': services.invite_token(found, member)})}"
        )
        progress = selectors.campaign_progress(found, member)
        reached = selectors.goals_reached(found, member)
        context.update(
            share_url=share_url,
            share_qr=qr_svg(share_url),
            progress=progress,
            reached=[(goal, goal.pk in reached) for goal in context["goals"]],
            reached_count=len(reached),
            draws_left=services.draws_left(found, member),
        )
    response = render(request, "events/campaign.html", context)
    if inviter is not None and not has_invitation(request):
        # The first invitation stays: a later link does not replace who invited the visitor first.
        remember_invitation(response, source="campaign", token=f"{found.slug}:{request.GET['by'][:300]}")
    return response


@require_POST
@in_brand_time
def draw(request, slug: str):
    found = _campaign_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(found.url)
    member = _member(request)
    if member is None:
        _say(request, messages.ERROR, _("Log in as a member to draw."))
        return redirect(found.url)
    try:
        result = services.draw(found, member, acting_user=request.user)
    except services.EventError as refusal:
        _say(request, messages.ERROR, str(refusal))
    else:
        prize = next((prize for prize in found.prizes.all() if prize.pk == result.prize_id), None)
        if prize is None:
            _say(request, messages.INFO, _("No prize this time. Thank you for playing!"))
        else:
            _say(request, messages.SUCCESS, _("You won: %(prize)s!") % {"prize": prize.name})
    return redirect(found.url)
