"""Customer pages of bookings: the services to book, a service's day picker and free times, the
confirmation form, and the customer's appointments in My account (details with the booking code's
QR code, cancel, move, and the evaluation after the visit).

Every write goes through service.services; a refusal (BookingError, or another PortalError for a
photo) becomes a message and changes nothing. Times are shown, and days counted, in the location's
own time zone (`Location.zone()`). Anything a customer can type into an address (a day, a slot, a
location or a provider) that does not fit is a message on the page, never a server error.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import PortalError
from core.money import format_money
from members.qr import text_qr_svg as qr_svg
from members.selectors import member_for
from service import selectors, services
from service.forms_booking import MAX_ID, MAX_PHOTOS, BookingForm, EvaluationForm, parse_slot, slot_value
from service.models import Appointment, BookableService, Evaluation, Location, Provider

MESSAGE_TAG = "service"  # the booking pages show only these messages
LOGIN_URL = "/accounts/login/"
DAYS_SHOWN = 14
PAST_PER_PAGE = 20


def _say(request, level, text) -> None:
    messages.add_message(request, level, text, extra_tags=MESSAGE_TAG)


def price_text(service: BookableService) -> str:
    return format_money(service.price_cents) if service.price_cents else _("Free")


def duration_text(minutes: int) -> str:
    """45 -> "45 min", 60 -> "1 h", 90 -> "1 h 30 min"."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("%(minutes)d min") % {"minutes": rest}
    if not rest:
        return ngettext("%(hours)d h", "%(hours)d h", hours) % {"hours": hours}
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}


def _int_param(value) -> int | None:
    """A positive id from the address, None when absent; ValueError when it is not one."""
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise ValueError(text)
    return int(text)


def _providers_of(service: BookableService) -> list[Provider]:
    """Who gives `service` and takes bookings, at open locations, with their locations (one query)."""
    return list(
        service.providers.filter(is_active=True, location__is_active=True)
        .select_related("location")
        .order_by("location__name", "location_id", "name", "pk")
    )


# --- The day picker ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayChoice:
    date: dt.date
    times: int  # how many start times are free
    chosen: bool
    url: str


@dataclass(frozen=True)
class TimeChoice:
    starts_at: dt.datetime
    value: str  # forms_booking.slot_value
    url: str  # the confirmation form (booking) or "" (moving: the button posts)
    current: bool  # the booking being moved starts here


@dataclass
class Picker:
    """What the customer has chosen so far on a service's page (or a booking's move page), and the
    free times of the chosen day."""

    service: BookableService
    locations: list[Location]
    location: Location | None
    providers: list[Provider]  # at the chosen location
    provider: Provider | None  # None: any staff
    days: list[DayChoice]
    day: dt.date | None
    times: list[TimeChoice]
    slots: list  # services.Slot of the chosen day (every provider's, before any staff collapses them)
    base_url: str
    several_locations: bool  # the service is given at more than one location

    @property
    def zone(self):
        return self.location.zone() if self.location else timezone.get_current_timezone()

    def url(self, **changes) -> str:
        params = {
            "day": self.day.isoformat() if self.day else "",
            "location": self.location.pk if self.location and len(self.locations) > 1 else "",
            "provider": self.provider.pk if self.provider else "",
        }
        params.update(changes)
        query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
        return f"{self.base_url}?{query}" if query else self.base_url

    def location_links(self) -> list[tuple[Location, str, bool]]:
        return [
            (location, self.url(location=location.pk, provider="", day=""), location == self.location)
            for location in self.locations
        ]

    def provider_links(self) -> list[tuple[Provider | None, str, bool]]:
        links = [(None, self.url(provider=""), self.provider is None)]
        links += [
            (provider, self.url(provider=provider.pk), provider == self.provider)
            for provider in self.providers
        ]
        return links

    def free_slot(self, starts_at: dt.datetime, provider_id: int | None):
        """The chosen day's slot starting at `starts_at` (with that provider, or anyone's), if free."""
        return next(
            (
                slot
                for slot in self.slots
                if slot.starts_at == starts_at and (provider_id is None or slot.provider_id == provider_id)
            ),
            None,
        )


def _picker(
    service: BookableService,
    providers: list[Provider],
    params,
    *,
    base_url: str,
    errors: list[str],
    fixed_location_id: int | None = None,
    exclude: Appointment | None = None,
    confirm_links: bool = True,
    day: dt.date | None = None,
    now=None,
) -> Picker:
    """Read ?location, ?provider and ?day (each refused with a message when it does not fit, and
    left at its default), then the free slots of the next DAYS_SHOWN days at that location: one
    services.available_slots call for all of them, so the days without a free time show as such."""
    now = now or timezone.now()
    locations = list({provider.location_id: provider.location for provider in providers}.values())
    several_locations = len(locations) > 1
    if fixed_location_id is not None:
        locations = [location for location in locations if location.pk == fixed_location_id]
    location = locations[0] if locations else None
    provider = None
    try:
        provider_id = _int_param(params.get("provider"))
    except ValueError:
        provider_id = None
        errors.append(_("We could not find that member of staff. Choose another, or anyone."))
    if provider_id is not None:
        provider = next(
            (each for each in providers if each.pk == provider_id and each.location in locations), None
        )
        if provider is None:
            errors.append(_("We could not find that member of staff. Choose another, or anyone."))
        else:
            location = provider.location
    try:
        location_id = _int_param(params.get("location"))
    except ValueError:
        location_id = -1
    if location_id is not None and provider is None:
        chosen = next((each for each in locations if each.pk == location_id), None)
        if chosen is None:
            errors.append(_("We could not find that location. Choose one of ours."))
        else:
            location = chosen
    here = [each for each in providers if location is not None and each.location_id == location.pk]
    picker = Picker(
        service, locations, location, here, provider, [], None, [], [], base_url, several_locations
    )
    if location is None:
        return picker
    zone = location.zone()
    today = now.astimezone(zone).date()
    dates = [today + dt.timedelta(days=offset) for offset in range(DAYS_SHOWN)]
    if day is None and params.get("day"):
        try:
            day = dt.date.fromisoformat(str(params.get("day"))[:10])
        except ValueError:
            errors.append(_("That is not a date. Choose one of the days below."))
    if day is not None and day not in dates:
        errors.append(
            _("Bookings open for the next %(days)d days: choose one of them.") % {"days": DAYS_SHOWN}
        )
        day = None
    slots = services.available_slots(
        service,
        dates[0],
        dates[-1],
        location_id=location.pk,
        provider_id=provider.pk if provider else None,
        exclude_appointment=exclude.pk if exclude else None,
        now=now,
    )
    by_day = {}
    for slot in slots:
        by_day.setdefault(slot.starts_at.astimezone(zone).date(), []).append(slot)
    if day is None:
        day = next((date for date in dates if by_day.get(date)), dates[0])
    picker.day = day
    picker.slots = by_day.get(day, [])
    picker.days = [
        DayChoice(date, _count_starts(by_day.get(date, [])), date == day, picker.url(day=date.isoformat()))
        for date in dates
    ]
    seen = set()
    for slot in picker.slots:
        if slot.starts_at in seen:  # any staff: one button per start time
            continue
        seen.add(slot.starts_at)
        value = slot_value(slot.starts_at, provider.pk if provider else None)
        picker.times.append(
            TimeChoice(
                starts_at=slot.starts_at,
                value=value,
                url=picker.url(slot=value) if confirm_links else "",
                current=exclude is not None
                and slot.starts_at == exclude.starts_at
                and (provider is None or provider.pk == exclude.provider_id),
            )
        )
    return picker


def _count_starts(slots) -> int:
    return len({slot.starts_at for slot in slots})


# --- The list ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceCard:
    service: BookableService
    price: str
    duration: str


@require_safe
def service_list(request):
    """The services this visitor may book, in the brand's order."""
    found = selectors.bookable_services(request.user)
    prefetch_related_objects([each for each in found if each.image_id], "image__renditions")
    cards = [ServiceCard(each, price_text(each), duration_text(each.duration_minutes)) for each in found]
    return render(request, "service/service_list.html", {"cards": cards})


# --- A service: days, times, the confirmation form, booking ---------------------------------------


def _service_or_404(slug: str) -> BookableService:
    found = selectors.bookable_service_by_slug(slug)
    if found is None:
        raise Http404
    return found


def _members_only_refusal(request, found: BookableService) -> str:
    """Why this customer cannot book a members-only service ("" when they can)."""
    if not found.members_only:
        return ""
    if not request.user.is_authenticated:
        return _("“%(name)s” is for members only: log in with your member account to book.") % {
            "name": found.name
        }
    if member_for(request.user) is None:
        return _("“%(name)s” is for members only.") % {"name": found.name}
    return ""


def _initial_contact(user) -> dict:
    profile = getattr(user, "profile", None)
    name = (getattr(profile, "display_name", "") or "").strip() or user.get_full_name().strip()
    return {"name": name, "phone": getattr(profile, "phone", "") or ""}


def _service_page(request, found: BookableService, *, params, errors, day=None, status=200):
    providers = _providers_of(found)
    refusal = _members_only_refusal(request, found)
    picker = None
    if not (refusal and request.user.is_authenticated):  # visitors still see the times
        picker = _picker(found, providers, params, base_url=found.url, errors=errors, day=day)
    chosen, form = None, None
    if picker is not None and params.get("slot"):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=LOGIN_URL)
        chosen = _chosen_slot(picker, params.get("slot"), errors)
        if chosen is not None:
            form = BookingForm(
                initial={
                    "slot": params.get("slot"),
                    "location": picker.location.pk,
                    "idempotency_key": uuid.uuid4().hex,
                    **_initial_contact(request.user),
                }
            )
    errors = list(dict.fromkeys(errors))  # a re-shown page may find the same problem again
    if errors and status == 200:
        status = 400
    context = {
        "service": found,
        "price": price_text(found),
        "duration": duration_text(found.duration_minutes),
        "refusal": refusal,
        "picker": picker,
        "chosen": chosen,
        # Booking may need less notice than changing: say before booking until when it can change.
        "changes_until": chosen.starts_at - dt.timedelta(hours=float(found.cancellation_hours))
        if chosen
        else None,
        "changes_closed": bool(chosen)
        and chosen.starts_at - dt.timedelta(hours=float(found.cancellation_hours)) <= timezone.now(),
        "form": form,
        "errors": errors,
        "login_url": f"{LOGIN_URL}?{urlencode({'next': request.get_full_path()})}",
    }
    with timezone.override(picker.zone if picker and picker.location else timezone.get_current_timezone()):
        return render(request, "service/service_detail.html", context, status=status)


def _chosen_slot(picker: Picker, value, errors: list[str]):
    """The free slot the customer picked (value from a time button), or None with the reason."""
    try:
        starts_at, provider_id = parse_slot(value)
    except ValueError:
        errors.append(_("That is not one of the times we offer. Choose a time below."))
        return None
    if provider_id is not None and all(provider_id != each.pk for each in picker.providers):
        errors.append(_("We could not find that member of staff. Choose another, or anyone."))
        return None
    if starts_at.astimezone(picker.zone).date() != picker.day:
        errors.append(_("That time is not free. Please choose another."))
        return None
    slot = picker.free_slot(starts_at, provider_id)
    if slot is None:
        errors.append(_("That time is not free. Please choose another."))
    return slot


@require_http_methods(["GET", "HEAD", "POST"])
def service(request, slug: str):
    """GET: the service with its days and free times (?location, ?provider, ?day); with ?slot the
    confirmation form (logged-in customers; visitors are sent to log in). POST: book."""
    found = _service_or_404(slug)
    if request.method != "POST":
        return _service_page(request, found, params=request.GET, errors=[])
    if not request.user.is_authenticated:
        return redirect_to_login(found.url, login_url=LOGIN_URL)
    return _book(request, found)


def _book(request, found: BookableService):
    form = BookingForm(request.POST)
    errors = []
    refusal = _members_only_refusal(request, found)
    if refusal:
        return _service_page(request, found, params={}, errors=[refusal], status=403)
    if not form.is_valid():
        return _service_page(request, found, params={}, errors=form.problems(), status=400)
    data = form.cleaned_data
    try:
        starts_at, provider_id = parse_slot(data["slot"])
    except ValueError:
        errors.append(_("That is not one of the times we offer. Choose a time below."))
        return _service_page(request, found, params={}, errors=errors, status=400)
    params = {"location": data["location"] or "", "provider": provider_id or ""}
    providers = _providers_of(found)
    day = _local_day(providers, params, starts_at)
    picker = _picker(found, providers, params, base_url=found.url, errors=errors, day=day)
    if errors or picker.location is None:
        if picker.location is None:
            errors.append(_("Nobody gives “%(name)s” at the moment.") % {"name": found.name})
        return _service_page(request, found, params=params, errors=errors, day=day, status=400)
    started = timezone.now()
    refused = None
    for candidate in _candidates(picker, found, starts_at, provider_id):
        try:
            appointment = services.book_appointment(
                found,
                starts_at,
                user=request.user,
                provider_id=candidate,
                name=data["name"],
                phone=data["phone"],
                note=data["note"],
                idempotency_key=data["idempotency_key"],
                acting_user=request.user,
            )
        except services.BookingError as refusal_error:
            refused = refusal_error
            continue
        if appointment.created_at < started:
            _say(request, messages.INFO, _("You had already booked this time."))
        else:
            _say(
                request,
                messages.SUCCESS,
                _("Booked! Your booking code is %(code)s.") % {"code": appointment.code},
            )
        return redirect("service:appointment", appointment.code)
    return _service_page(request, found, params=params, errors=[str(refused)], day=picker.day, status=409)


def _local_day(providers: list[Provider], params, starts_at: dt.datetime) -> dt.date | None:
    """The day `starts_at` falls on at the location the form names (or the first one)."""
    location_id = params.get("location") or None
    provider_id = params.get("provider") or None
    for provider in providers:
        if provider.pk == provider_id or (
            provider_id is None and location_id in (None, provider.location_id)
        ):
            return starts_at.astimezone(provider.location.zone()).date()
    return None


def _candidates(picker: Picker, found: BookableService, starts_at, provider_id) -> list[int | None]:
    """Provider ids to try, in order, for a booking at `starts_at` at the chosen location.
    services.book_appointment picks the first free provider itself (provider None) among every
    location's; when the service is given at several locations, this location's providers free at
    that time are tried one by one instead (so "any staff" never books another location)."""
    if provider_id is not None:
        return [provider_id]
    if not picker.several_locations:
        return [None]
    free = sorted({slot.provider_id for slot in picker.slots if slot.starts_at == starts_at})
    # Nobody free any more: ask with the location's first provider, whose refusal names it.
    return free or [picker.providers[0].pk]


# --- My appointments --------------------------------------------------------------------------------


@login_required(login_url=LOGIN_URL)
@require_safe
def my_appointments(request):
    """The customer's bookings: still to come first (soonest first), then past ones (latest first)."""
    now = timezone.now()
    mine = list(selectors.appointments_of(request.user))
    upcoming = sorted(
        (each for each in mine if each.ends_at > now), key=lambda each: (each.starts_at, each.pk)
    )
    past = [each for each in mine if each.ends_at <= now]  # the selector's order: latest first
    past_page = Paginator(past, PAST_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "service/my_appointments.html", {"upcoming": upcoming, "past": past_page, "now": now}
    )


def _appointment_or_404(request, code: str) -> Appointment:
    cleaned = str(code or "").strip().upper()[:12]
    found = selectors.customer_appointment(request.user, cleaned) if cleaned else None
    if found is None:
        raise Http404
    return found


def _evaluation_of(appointment: Appointment) -> Evaluation | None:
    try:
        return appointment.evaluation
    except Evaluation.DoesNotExist:
        return None


def _appointment_page(request, appointment, *, picker=None, evaluation_form=None, errors=(), status=200):
    now = timezone.now()
    location = appointment.provider.location
    evaluation = _evaluation_of(appointment)
    aspects = appointment.service.aspect_list()
    can_evaluate = appointment.status == Appointment.Status.COMPLETED and evaluation is None
    if can_evaluate and evaluation_form is None:
        evaluation_form = EvaluationForm(aspects=aspects)
    changeable = appointment.changeable(now)
    window = dt.timedelta(hours=float(appointment.service.cancellation_hours))
    context = {
        "appointment": appointment,
        "service": appointment.service,
        "location": location,
        "zone": location.zone(),
        "price": format_money(appointment.price_cents) if appointment.price_cents else _("Free"),
        "qr_svg": qr_svg(appointment.code) if appointment.status == Appointment.Status.BOOKED else "",
        "changeable": changeable,
        "change_deadline": appointment.starts_at - window,
        "too_late_to_change": appointment.is_upcoming and not changeable,
        "picker": picker,
        "evaluation": evaluation,
        "evaluation_photos": list(evaluation.photos.order_by("pk")) if evaluation else [],
        "evaluation_aspects": [(aspect, (evaluation.aspects or {}).get(aspect)) for aspect in aspects]
        if evaluation
        else [],
        "can_evaluate": can_evaluate,
        "evaluation_form": evaluation_form,
        "max_photos": MAX_PHOTOS,
        "errors": list(errors),
    }
    with timezone.override(location.zone()):
        return render(request, "service/appointment_detail.html", context, status=status)


@login_required(login_url=LOGIN_URL)
@require_safe
def appointment(request, code: str):
    """One of the customer's own bookings (anyone else's is a 404)."""
    return _appointment_page(request, _appointment_or_404(request, code))


def _login_then(request, code: str):
    return redirect_to_login(reverse("service:appointment", args=[code]), login_url=LOGIN_URL)


@require_POST
def cancel(request, code: str):
    if not request.user.is_authenticated:
        return _login_then(request, code)
    found = _appointment_or_404(request, code)
    try:
        services.cancel_appointment(found, reason=_("Cancelled by the customer"), acting_user=request.user)
    except services.BookingError as refusal:
        _say(request, messages.ERROR, str(refusal))
    else:
        _say(request, messages.SUCCESS, _("Your booking is cancelled."))
    return redirect("service:appointment", found.code)


def _move_picker(request, found: Appointment, params, errors, *, day=None) -> Picker:
    """Days and free times at the booking's own location, its own time counted as free."""
    return _picker(
        found.service,
        _providers_of(found.service),
        params,
        base_url=reverse("service:reschedule_appointment", args=[found.code]),
        errors=errors,
        fixed_location_id=found.provider.location_id,
        exclude=found,
        confirm_links=False,
        day=day,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def reschedule(request, code: str):
    """GET: days and free times to move the booking to (?day, ?provider). POST slot: move it."""
    if not request.user.is_authenticated:
        return _login_then(request, code)
    found = _appointment_or_404(request, code)
    errors = []
    if not found.changeable():
        _say(request, messages.ERROR, _change_refusal(found))
        return redirect("service:appointment", found.code)
    if request.method != "POST":
        picker = _move_picker(request, found, request.GET, errors)
        return _appointment_page(request, found, picker=picker, errors=errors, status=400 if errors else 200)
    try:
        starts_at, provider_id = parse_slot(request.POST.get("slot"))
    except ValueError:
        errors.append(_("That is not one of the times we offer. Choose a time below."))
        picker = _move_picker(request, found, {}, [])
        return _appointment_page(request, found, picker=picker, errors=errors, status=400)
    params = {"provider": provider_id or ""}
    day = starts_at.astimezone(found.provider.location.zone()).date()
    picker = _move_picker(request, found, params, errors, day=day)
    if errors:
        return _appointment_page(request, found, picker=picker, errors=errors, status=400)
    refused = None
    for candidate in _candidates(picker, found.service, starts_at, provider_id):
        try:
            moved = services.reschedule_appointment(
                found, starts_at, provider_id=candidate, acting_user=request.user
            )
        except services.BookingError as refusal:
            refused = refusal
            continue
        _say(request, messages.SUCCESS, _("Your booking is moved."))
        return redirect("service:appointment", moved.code)
    return _appointment_page(request, found, picker=picker, errors=[str(refused)], status=409)


def _change_refusal(found: Appointment) -> str:
    if found.status != Appointment.Status.BOOKED:
        return _("This booking is %(status)s.") % {"status": found.get_status_display()}
    return _("Bookings can be changed or cancelled up to %(hours)s hours before; please call us.") % {
        "hours": f"{float(found.service.cancellation_hours):g}"
    }


@require_POST
def evaluate(request, code: str):
    """The evaluation of a completed visit: stars, stars per aspect, comment, up to 5 photos."""
    if not request.user.is_authenticated:
        return _login_then(request, code)
    found = _appointment_or_404(request, code)
    form = EvaluationForm(request.POST, aspects=found.service.aspect_list())
    photos = request.FILES.getlist("photos")
    if not form.is_valid():
        return _appointment_page(request, found, evaluation_form=form, errors=form.problems(), status=400)
    if len(photos) > MAX_PHOTOS:
        problem = _("Send at most %(count)d photos.") % {"count": MAX_PHOTOS}
        return _appointment_page(request, found, evaluation_form=form, errors=[problem], status=400)
    try:
        services.evaluate_appointment(
            found,
            form.cleaned_data["stars"],
            aspects=form.aspect_stars(),
            comment=form.cleaned_data["comment"],
            photos=photos,
            acting_user=request.user,
        )
    except PortalError as refusal:
        found = _appointment_or_404(request, code)  # as stored: the refused evaluation is not on it
        return _appointment_page(request, found, evaluation_form=form, errors=[str(refusal)], status=400)
    _say(request, messages.SUCCESS, _("Thank you for your evaluation!"))
    return redirect("service:appointment", found.code)
