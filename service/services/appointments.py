"""Slots and bookings: which times a service can be booked, and every write to appointments.

A slot is a start time at which one of the service's providers is free: inside the location's
opening hours on a day it is open, at least the lead time ahead and at most the horizon ahead, and
with the service's buffers clear of the provider's other appointments. Times are walked in the
location's own time zone, so "9:00" stays 9:00 across a daylight-saving change, and a local time
that does not exist that day (the hour skipped in spring) is never offered.

Booking locks the provider's row, checks the slot again inside the lock and inserts: 50 customers
asking for one slot at once give exactly one appointment (the others are told it was just taken).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import PortalError
from core.outbox import record_event
from service.models import Appointment, BookableService, ClosedDay, Evaluation, OpeningHours, Provider
from service.services.tickets import _attach

MAX_SEARCH_DAYS = 62


class BookingError(PortalError):
    """A refused booking, change or evaluation; the message says why."""


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    provider_id: int
    location_id: int

    @property
    def key(self) -> str:
        """What a booking form posts back: the start (UTC, ISO) and the provider."""
        return f"{self.starts_at.astimezone(dt.UTC).isoformat()}|{self.provider_id}"


def _local_starts(day: dt.date, opens: dt.time, closes: dt.time, step: int, duration: dt.timedelta, zone):
    """Aware start times on `day` from `opens` every `step` minutes whose appointment ends by `closes`,
    skipping wall times that do not exist in `zone` that day."""
    closing = dt.datetime.combine(day, closes, tzinfo=zone)
    minutes = opens.hour * 60 + opens.minute
    while minutes < 24 * 60:
        wall = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
        start = wall.replace(tzinfo=zone)
        # A wall time in the spring gap comes back from UTC as another wall time: it does not exist.
        if start.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == wall:
            if (start.astimezone(dt.UTC) + duration) > closing.astimezone(dt.UTC):
                break
            yield start.astimezone(dt.UTC)
        minutes += step


def available_slots(
    service: BookableService,
    first_day: dt.date,
    last_day: dt.date,
    *,
    provider_id: int | None = None,
    location_id: int | None = None,
    exclude_appointment: int | None = None,
    now=None,
) -> list[Slot]:
    """Every free slot of `service` between two local dates (inclusive), soonest first. Four queries
    whatever the range: providers, opening hours, closed days, the appointments in the way."""
    now = now or timezone.now()
    if not service.is_active:
        return []
    last_day = min(last_day, first_day + dt.timedelta(days=MAX_SEARCH_DAYS))
    providers = [
        provider
        for provider in service.providers.select_related("location").filter(
            is_active=True, location__is_active=True
        )
        if (provider_id is None or provider.pk == provider_id)
        and (location_id is None or provider.location_id == location_id)
    ]
    if not providers:
        return []
    locations = {provider.location_id: provider.location for provider in providers}
    hours = {}
    for row in OpeningHours.objects.filter(location_id__in=locations).order_by("opens"):
        hours.setdefault((row.location_id, row.weekday), []).append(row)
    closed = set(ClosedDay.objects.filter(location_id__in=locations).values_list("location_id", "date"))
    earliest = now + dt.timedelta(hours=float(service.lead_time_hours))
    latest = now + dt.timedelta(days=service.horizon_days)
    before = dt.timedelta(minutes=service.buffer_before_minutes)
    after = dt.timedelta(minutes=service.buffer_after_minutes)
    duration = service.duration
    # Wide enough for any zone's local days (UTC-12 to UTC+14) plus buffers.
    window_start = dt.datetime.combine(first_day, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=1)
    window_end = dt.datetime.combine(last_day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(days=2)
    busy = {}
    taken = Appointment.objects.filter(
        provider__in=[provider.pk for provider in providers],
        status=Appointment.Status.BOOKED,
        blocked_until__gt=window_start,
        blocked_from__lt=window_end,
    )
    if exclude_appointment:
        taken = taken.exclude(pk=exclude_appointment)
    for provider, blocked_from, blocked_until in taken.values_list(
        "provider_id", "blocked_from", "blocked_until"
    ):
        busy.setdefault(provider, []).append((blocked_from, blocked_until))
    slots = []
    for provider in providers:
        zone = locations[provider.location_id].zone()
        day = first_day
        while day <= last_day:
            if (provider.location_id, day) not in closed:
                for row in hours.get((provider.location_id, day.weekday()), []):
                    for start in _local_starts(
                        day, row.opens, row.closes, service.slot_step_minutes, duration, zone
                    ):
                        if start < earliest or start > latest:
                            continue
                        end = start + duration
                        if any(
                            start - before < until and end + after > since
                            for since, until in busy.get(provider.pk, ())
                        ):
                            continue
                        slots.append(Slot(start, end, provider.pk, provider.location_id))
            day += dt.timedelta(days=1)
    # set(): opening rows of one day that overlap (09:00–17:00 and 12:00–20:00) offer a time once.
    return sorted(set(slots), key=lambda slot: (slot.starts_at, slot.provider_id))


def _free_slot(service, provider: Provider, starts_at, *, exclude_appointment=None, now=None) -> Slot | None:
    """The slot starting at `starts_at` with `provider`, if it is on offer right now."""
    local_day = starts_at.astimezone(provider.location.zone()).date()
    for slot in available_slots(
        service,
        local_day,
        local_day,
        provider_id=provider.pk,
        exclude_appointment=exclude_appointment,
        now=now,
    ):
        if slot.starts_at == starts_at:
            return slot
    return None


def _providers_for(
    service: BookableService, provider_id: int | None, location_id: int | None
) -> list[Provider]:
    providers = service.providers.filter(is_active=True).order_by("pk")
    if provider_id is not None:
        providers = providers.filter(pk=provider_id)
    if location_id is not None:  # "anyone at this store" never books someone at another one
        providers = providers.filter(location_id=location_id)
    return list(providers)


def _event(event_kind: str, appointment: Appointment, key: str, **data) -> None:
    record_event(
        event_kind,
        subject=appointment,
        data={
            "appointment": appointment.pk,
            "code": appointment.code,
            "service": appointment.service.name,
            "starts_at": appointment.starts_at.isoformat(),
            "location": appointment.provider.location.name,
            "provider": appointment.provider.name,
            **data,
        },
        idempotency_key=f"{event_kind}:{appointment.pk}:{key}",
    )


def book_appointment(
    service: BookableService,
    starts_at: dt.datetime,
    *,
    user,
    provider_id: int | None = None,
    location_id: int | None = None,
    name: str = "",
    phone: str = "",
    note: str = "",
    idempotency_key: str = "",
    now=None,
    acting_user=None,
) -> Appointment:
    """Book `starts_at` with the given provider, or with the first free one (at `location_id`, when
    given). Exactly once: the provider's row is locked while the slot is checked and the
    appointment written."""
    if user is None or not user.is_authenticated:
        raise BookingError(_("Log in to book."))
    if service.members_only and not hasattr(user, "member"):
        raise BookingError(_("“%(name)s” is for members only.") % {"name": service.name})
    if idempotency_key:
        existing = Appointment.objects.filter(user=user, idempotency_key=idempotency_key[:100]).first()
        if existing is not None:
            return existing
    candidates = _providers_for(service, provider_id, location_id)
    if not candidates:
        raise BookingError(_("Nobody gives “%(name)s” at the moment.") % {"name": service.name})
    for candidate in candidates:
        try:
            with transaction.atomic():
                provider = (
                    Provider.objects.select_for_update().select_related("location").get(pk=candidate.pk)
                )
                # The same form sent twice at once: the other request may have booked while this one
                # waited for the lock (its slot is then taken, so look before checking the slot).
                if idempotency_key:
                    existing = Appointment.objects.filter(
                        user=user, idempotency_key=idempotency_key[:100]
                    ).first()
                    if existing is not None:
                        return existing
                slot = _free_slot(service, provider, starts_at, now=now)
                if slot is None:
                    continue
                appointment = Appointment.objects.create(
                    service=service,
                    provider=provider,
                    user=user,
                    name=(name or user.get_full_name() or user.get_username()).strip()[:100],
                    phone=phone.strip()[:30],
                    note=note.strip()[:500],
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    blocked_from=slot.starts_at - dt.timedelta(minutes=service.buffer_before_minutes),
                    blocked_until=slot.ends_at + dt.timedelta(minutes=service.buffer_after_minutes),
                    price_cents=service.price_cents,
                    idempotency_key=idempotency_key[:100],
                )
                _event("appointment.booked", appointment, "booked")
                return appointment
        except IntegrityError:
            # The same form twice at once: the other request booked it.
            existing = Appointment.objects.filter(user=user, idempotency_key=idempotency_key[:100]).first()
            if idempotency_key and existing is not None:
                return existing
            raise
    raise BookingError(_("That time was just taken. Please choose another."))


def _check_changeable(appointment: Appointment, acting_user, now) -> None:
    by_staff = acting_user is not None and acting_user.pk != appointment.user_id
    if appointment.status != Appointment.Status.BOOKED:
        raise BookingError(_("This booking is %(status)s.") % {"status": appointment.get_status_display()})
    if not by_staff and not appointment.changeable(now):
        raise BookingError(
            _("Bookings can be changed or cancelled up to %(hours)s hours before; please call us.")
            % {"hours": f"{float(appointment.service.cancellation_hours):g}"}
        )


def reschedule_appointment(
    appointment: Appointment,
    starts_at: dt.datetime,
    *,
    provider_id: int | None = None,
    location_id: int | None = None,
    now=None,
    acting_user,
) -> Appointment:
    """Move a booking to another free slot (same service), within the cancellation window unless
    staff move it."""
    now = now or timezone.now()
    service = appointment.service
    candidates = _providers_for(service, provider_id, location_id)
    for candidate in candidates:
        with transaction.atomic():
            # Lock order: providers by key, then the appointment.
            locked_ids = sorted({candidate.pk, appointment.provider_id})
            providers = {
                provider.pk: provider
                for provider in Provider.objects.select_for_update()
                .select_related("location")
                .filter(pk__in=locked_ids)
                .order_by("pk")
            }
            current = (
                Appointment.objects.select_for_update()
                .select_related("service", "provider__location")
                .get(pk=appointment.pk)
            )
            _check_changeable(current, acting_user, now)
            provider = providers[candidate.pk]
            slot = _free_slot(service, provider, starts_at, exclude_appointment=current.pk, now=now)
            if slot is None:
                continue
            old = current.starts_at
            current.provider = provider
            current.starts_at, current.ends_at = slot.starts_at, slot.ends_at
            current.blocked_from = slot.starts_at - dt.timedelta(minutes=service.buffer_before_minutes)
            current.blocked_until = slot.ends_at + dt.timedelta(minutes=service.buffer_after_minutes)
            current.reminded_at = None
            current.save()
            _event(
                "appointment.rescheduled", current, f"moved:{now.timestamp()}", old_starts_at=old.isoformat()
            )
            return current
    raise BookingError(_("That time is not free. Please choose another."))


@transaction.atomic
def cancel_appointment(appointment: Appointment, *, reason: str = "", now=None, acting_user) -> Appointment:
    """Cancel a booking: the customer within the cancellation window, staff at any time."""
    now = now or timezone.now()
    current = (
        Appointment.objects.select_for_update()
        .select_related("service", "provider__location")
        .get(pk=appointment.pk)
    )
    _check_changeable(current, acting_user, now)
    current.status = Appointment.Status.CANCELLED
    current.cancelled_at = now
    current.cancelled_by_staff = acting_user is not None and acting_user.pk != current.user_id
    current.save(update_fields=["status", "cancelled_at", "cancelled_by_staff"])
    _event(
        "appointment.cancelled",
        current,
        "cancelled",
        reason=reason[:300],
        by_staff=current.cancelled_by_staff,
    )
    return current


@transaction.atomic
def mark_appointment(appointment: Appointment, status: str, *, now=None, acting_user) -> Appointment:
    """After (or at) the visit, staff mark it completed (the customer is asked to evaluate it) or a
    no-show."""
    if status not in (Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW):
        raise BookingError(_("Mark a visit as completed or as a no-show."))
    now = now or timezone.now()
    current = (
        Appointment.objects.select_for_update()
        .select_related("service", "provider__location")
        .get(pk=appointment.pk)
    )
    if current.status != Appointment.Status.BOOKED:
        raise BookingError(_("This booking is %(status)s.") % {"status": current.get_status_display()})
    if current.starts_at > now:
        raise BookingError(_("The visit has not started yet."))
    current.status = status
    current.marked_at = now
    current.save(update_fields=["status", "marked_at"])
    if status == Appointment.Status.COMPLETED:
        _event("appointment.completed", current, "completed")
    return current


def evaluate_appointment(
    appointment: Appointment,
    stars: int,
    *,
    aspects: dict | None = None,
    comment: str = "",
    photos=(),
    acting_user,
) -> Evaluation:
    """The customer's evaluation of a completed visit, once."""
    if acting_user is None or acting_user.pk != appointment.user_id:
        raise BookingError(_("Only the customer who came can evaluate this visit."))
    if appointment.status != Appointment.Status.COMPLETED:
        raise BookingError(_("You can evaluate a visit after it has taken place."))
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise BookingError(_("Choose from 1 to 5 stars."))
    allowed = appointment.service.aspect_list()
    aspects = aspects or {}
    for aspect, value in aspects.items():
        if aspect not in allowed:
            raise BookingError(
                _("“%(aspect)s” is not something this service is rated on.") % {"aspect": aspect}
            )
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise BookingError(_("Rate “%(aspect)s” from 1 to 5 stars.") % {"aspect": aspect})
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                appointment=appointment, stars=stars, aspects=aspects, comment=(comment or "").strip()[:2000]
            )
            _attach(photos, evaluation=evaluation)
    except IntegrityError:
        raise BookingError(_("You have already evaluated this visit. Thank you!")) from None
    return evaluation


def remind_upcoming_appointments(*, now=None, today=None) -> int:
    """Schedule tick: one reminder per booking starting within 24 hours (claimed by a conditional
    UPDATE, so it is sent once)."""
    now = now or timezone.now()
    due = Appointment.objects.filter(
        status=Appointment.Status.BOOKED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(hours=24),
    ).select_related("service", "provider__location")
    count = 0
    for appointment in due.order_by("starts_at", "pk")[:1000]:
        with transaction.atomic():
            if not Appointment.objects.filter(pk=appointment.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            _event("appointment.reminder", appointment, f"reminder:{appointment.starts_at.isoformat()}")
            count += 1
    return count
