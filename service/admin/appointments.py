"""Appointments in the brand admin (Wagtail), under "Service": the staff calendar (a day or a week
of one location, in the location's time zone), the appointments list, an appointment's page with
its actions (mark completed or no-show, cancel with a reason, move to a free slot), locations with
their opening hours and closed days, staff and resources, bookable services, and the evaluations
report. Each tenant's admin reads its own schema, so staff only ever see their brand's bookings.

Every view states its permission:

| screen | needs |
|---|---|
| calendar (day, week), appointments list, an appointment's page | `service.view_appointment` or `service.manage_appointment` |
| an appointment's actions (completed, no-show, cancel: POST only), the move page and its POST | `service.manage_appointment` |
| locations list / new / edit / delete | any of `service.*_location` / `add_` / `change_` / `delete_` |
| staff and resources list / new / edit / delete | any of `service.*_provider` / `add_` / `change_` / `delete_` |
| bookable services list / new / edit / delete | any of `service.*_bookableservice` / `add_` / `change_` / `delete_` |
| evaluations report | `service.view_evaluation` |

The actions call service.services, which lock the appointment (and the providers), check its
status and record the outbox event; a refusal (BookingError) comes back as an error message and
changes nothing. Staff may cancel or move a booking at any time: the cancellation window is the
customer's. Times are read in the location's time zone (Location.zone()): 09:00 on the calendar is
09:00 on the shop's clock, on the days the clocks change too.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import TemplateView, View
from django_filters import ChoiceFilter, DateFromToRangeFilter, ModelChoiceFilter
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry, register_permission_policy

from core.admin import (
    ModelAndCustomPermissionPolicy,
    ProtectedDeleteView,
    ReadOnlyViewSetMixin,
    RefreshesPortalCache,
    model_permissions,
)
from core.language import tenant_time_zone
from core.models import OutboxEvent
from core.money import format_money
from knowledge.analytics import brand_time, brand_zone
from service import services
from service.models import (
    Appointment,
    Attachment,
    BookableService,
    ClosedDay,
    Evaluation,
    Location,
    OpeningHours,
    Provider,
)

MANAGE = "manage_appointment"  # service.manage_appointment (Appointment.Meta.permissions)
SEE_APPOINTMENTS = ["view", MANAGE]
RECENT_EVALUATIONS = 20
DEFAULT_HOURS = (9, 17)  # the calendar's rows when the location has no hours that day

register_permission_policy(Appointment, ModelAndCustomPermissionPolicy(Appointment))


# --- Times in the location's zone ---------------------------------------------------------------


def local_midnight(day: dt.date, zone) -> dt.datetime:
    """The moment `day` begins in `zone` (a day is 23 or 25 hours long when the clocks change)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def wall_time(value: dt.datetime, zone) -> str:
    """ "09:00": the time on the location's clock."""
    return timezone.localtime(value, zone).strftime("%H:%M")


def local_datetime(value: dt.datetime | None, zone) -> str:
    """A moment as staff of the location read it, in the admin's format."""
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value, zone), "SHORT_DATETIME_FORMAT")


def visit_time(starts_at: dt.datetime, ends_at: dt.datetime, zone) -> str:
    """ "Fri, Nov. 27, 2026, 10:00–11:00" on the location's clock."""
    start = timezone.localtime(starts_at, zone)
    day = f"{formats.date_format(start, 'D')}, {formats.date_format(start, 'DATE_FORMAT')}"
    return f"{day}, {start:%H:%M}–{wall_time(ends_at, zone)}"


def short_time(value: dt.datetime, zone) -> str:
    """ "11/27/2026 10:00" on the location's clock (the lists' format, with the 24-hour time)."""
    local = timezone.localtime(value, zone)
    return f"{formats.date_format(local, 'SHORT_DATE_FORMAT')} {local:%H:%M}"


def day_from(text: str | None, zone) -> dt.date:
    """The day asked for (YYYY-MM-DD), or today at the location."""
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2200:  # also keeps the week's end inside datetime's range
        return timezone.localtime(timezone.now(), zone).date()
    return day


def clocks_change_on(day: dt.date, zone) -> bool:
    return (
        local_midnight(day, zone).utcoffset() != local_midnight(day + dt.timedelta(days=1), zone).utcoffset()
    )


def customer_text(appointment: Appointment) -> str:
    return appointment.name or appointment.phone or _("(no name)")


def average(total, count) -> Decimal | None:
    """Exact to two places (half up): 13 stars over 3 evaluations is 4.33."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def with_query(url: str, **params) -> str:
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


class PagesViewSet(ViewSet):
    """A viewset of pages of its own (not a model's listing), in the menu for staff who may open
    them (`any_permission_required` on `model`, as a ModelViewSet's menu item checks)."""

    model = None
    any_permission_required = ()
    permissions_to_register = ()

    @cached_property
    def menu_item_class(self):
        viewset = self

        def is_shown(_item, request):
            policy = policy_registry.get_by_type(viewset.model)
            return policy.user_has_any_permission(request.user, viewset.any_permission_required)

        return type(f"{type(self).__name__}MenuItem", (MenuItem,), {"is_shown": is_shown})

    def on_register(self):
        super().on_register()
        if self.permissions_to_register:
            hooks.register(
                "register_permissions", lambda: model_permissions(self.model, self.permissions_to_register)
            )


# --- The calendar --------------------------------------------------------------------------------


def hours_text(day: dt.date, hours: dict, closed: dict) -> str:
    """ "09:00–17:00", or why the location is closed that day."""
    if day in closed:
        return (
            _("Closed: %(reason)s") % {"reason": closed[day]}
            if closed[day]
            else pgettext("opening hours", "Closed")
        )
    rows = hours.get(day.weekday(), [])
    if not rows:
        return pgettext("opening hours", "Closed")
    return ", ".join(f"{row.opens:%H:%M}–{row.closes:%H:%M}" for row in rows)


def day_hours_text(day: dt.date, hours: dict, closed: dict) -> str:
    if day in closed or not hours.get(day.weekday()):
        return hours_text(day, hours, closed)
    return _("Open %(hours)s") % {"hours": hours_text(day, hours, closed)}


@dataclass
class CalendarEntry:
    appointment: Appointment
    url: str
    starts: str
    ends: str
    starts_iso: str
    customer: str
    service: str
    provider: str

    @property
    def status(self) -> str:
        return self.appointment.status

    @property
    def status_label(self) -> str:
        return self.appointment.get_status_display()


@dataclass
class CalendarColumn:
    key: object
    label: str
    sublabel: str = ""
    note: str = ""
    closed: bool = False
    is_today: bool = False
    cells: list = field(default_factory=list)


class CalendarView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """One location's appointments, for a day (a column per provider) or a week (a column per
    day), in rows of an hour on the location's clock. Five queries whatever the number of
    appointments: locations, providers, opening hours, closed days, appointments."""

    model = Appointment
    any_permission_required = SEE_APPOINTMENTS
    template_name = "service/admin/appointments/calendar.html"
    header_icon = "calendar-alt"
    page_title = gettext_lazy("Calendar")
    week = False
    day_url_name = None
    week_url_name = None
    detail_url_name = None
    locations_url_name = None

    def get_page_subtitle(self):
        return str(self.location or "")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    @cached_property
    def locations(self) -> list[Location]:
        # `works_here`: staff who are a provider somewhere open their own location's calendar.
        works_here = Exists(Provider.objects.filter(location=OuterRef("pk"), user=self.request.user.pk))
        return list(Location.objects.annotate(works_here=works_here).order_by("name", "pk"))

    @cached_property
    def location(self) -> Location | None:
        wanted = self.request.GET.get("location", "")
        chosen = next((row for row in self.locations if str(row.pk) == wanted), None)
        own = next((row for row in self.locations if row.works_here), None)
        return chosen or own or (self.locations[0] if self.locations else None)

    def get_context_data(self, **kwargs):
        if self.location is None:
            locations_url = ""
            policy = policy_registry.get_by_type(Location)
            if self.locations_url_name and policy.user_has_permission(self.request.user, "add"):
                locations_url = reverse(self.locations_url_name)
            return super().get_context_data(location=None, locations_url=locations_url, **kwargs)
        location, get = self.location, self.request.GET
        zone = location.zone()
        day = day_from(get.get("date"), zone)
        today = timezone.localtime(timezone.now(), zone).date()
        first = day - dt.timedelta(days=day.weekday()) if self.week else day
        days = [first + dt.timedelta(days=offset) for offset in range(7 if self.week else 1)]
        start, end = local_midnight(days[0], zone), local_midnight(days[-1] + dt.timedelta(days=1), zone)

        providers = list(Provider.objects.filter(location=location).order_by("name", "pk"))
        provider = next((row for row in providers if str(row.pk) == get.get("provider", "")), None)
        shown = [provider] if provider else providers
        appointments = list(
            Appointment.objects.filter(
                provider_id__in=[row.pk for row in shown], starts_at__gte=start, starts_at__lt=end
            )
            .select_related("service")
            .order_by("starts_at", "pk")
        )
        hours = {}
        for row in OpeningHours.objects.filter(location=location).order_by("opens", "pk"):
            hours.setdefault(row.weekday, []).append(row)
        closed = dict(ClosedDay.objects.filter(location=location, date__in=days).values_list("date", "name"))

        names = {row.pk: row.name for row in providers}
        entries = []
        for appointment in appointments:
            local_start = timezone.localtime(appointment.starts_at, zone)
            entry = CalendarEntry(
                appointment=appointment,
                url=reverse(self.detail_url_name, args=(appointment.pk,)),
                starts=local_start.strftime("%H:%M"),
                ends=wall_time(appointment.ends_at, zone),
                starts_iso=local_start.isoformat(),
                customer=customer_text(appointment),
                service=appointment.service.name,
                provider=names.get(appointment.provider_id, ""),
            )
            key = local_start.date() if self.week else appointment.provider_id
            entries.append((key, local_start.hour, entry))

        rows = self.hour_rows(days, hours, closed, [hour for _key, hour, _entry in entries])
        keys = {key for key, _hour, _entry in entries} | ({provider.pk} if provider else set())
        columns = self.columns(days, shown, hours, closed, today, keys)
        index = {column.key: column for column in columns}
        for column in columns:
            column.cells = [[] for _hour in rows]
        for key, hour, entry in entries:
            if key in index:
                index[key].cells[rows.index(hour)].append(entry)

        step = dt.timedelta(days=7 if self.week else 1)
        here = {"location": location.pk, "provider": provider.pk if provider else ""}
        url_name = self.week_url_name if self.week else self.day_url_name
        return super().get_context_data(
            location=location,
            locations=self.locations,
            providers=providers,
            provider=provider,
            week=self.week,
            day=day,
            day_hours="" if self.week else day_hours_text(day, hours, closed),
            days=days,
            zone=str(zone),
            clocks_change=[shown_day for shown_day in days if clocks_change_on(shown_day, zone)],
            rows=[
                {"label": f"{hour:02d}:00", "cells": [column.cells[index_] for column in columns]}
                for index_, hour in enumerate(rows)
            ],
            columns=columns,
            count=len(appointments),
            previous_url=with_query(reverse(url_name), date=(day - step).isoformat(), **here),
            next_url=with_query(reverse(url_name), date=(day + step).isoformat(), **here),
            today_url=with_query(reverse(url_name), date=today.isoformat(), **here),
            day_url=with_query(reverse(self.day_url_name), date=day.isoformat(), **here),
            week_url=with_query(reverse(self.week_url_name), date=day.isoformat(), **here),
            form_url=reverse(url_name),
            **kwargs,
        )

    @staticmethod
    def hour_rows(days, hours, closed, entry_hours) -> list[int]:
        """The hours from the earliest opening to the latest closing of the days shown, stretched to
        hold every appointment."""
        starts, ends = [], []
        for day in days:
            if day in closed:
                continue
            for row in hours.get(day.weekday(), []):
                starts.append(row.opens.hour)
                ends.append(row.closes.hour if row.closes.minute else row.closes.hour - 1)
        if not starts:  # closed all along: a working day's rows, for the bookings made before
            starts, ends = [DEFAULT_HOURS[0]], [DEFAULT_HOURS[1] - 1]
        first, last = min([*starts, *entry_hours]), max([*ends, *entry_hours])
        return list(range(first, max(first, last) + 1))

    def columns(self, days, providers, hours, closed, today, keys_with_entries) -> list[CalendarColumn]:
        if self.week:
            return [
                CalendarColumn(
                    key=day,
                    label=formats.date_format(day, "D"),
                    sublabel=formats.date_format(day, "MONTH_DAY_FORMAT"),
                    note=hours_text(day, hours, closed),
                    closed=day in closed or not hours.get(day.weekday()),
                    is_today=day == today,
                )
                for day in days
            ]
        return [
            CalendarColumn(
                key=provider.pk,
                label=provider.name,
                note="" if provider.is_active else _("Not taking bookings"),
            )
            for provider in providers
            # Staff who no longer take bookings show on the days they still have some (or when chosen).
            if provider.is_active or provider.pk in keys_with_entries
        ]


class CalendarViewSet(PagesViewSet):
    """Service → Calendar: a day and a week of each location."""

    model = Appointment
    any_permission_required = SEE_APPOINTMENTS
    url_prefix = "service/calendar"
    icon = "calendar-alt"
    menu_label = gettext_lazy("Calendar")
    detail_url_name = "service_appointments:detail"
    locations_url_name = "service_locations:add"

    def calendar_view(self, week: bool):
        return CalendarView.as_view(
            week=week,
            day_url_name=self.get_url_name("day"),
            week_url_name=self.get_url_name("week"),
            detail_url_name=self.detail_url_name,
            locations_url_name=self.locations_url_name,
        )

    def get_urlpatterns(self):
        return [
            path("", self.calendar_view(week=False), name="day"),
            path("week/", self.calendar_view(week=True), name="week"),
        ]


# --- Appointments list ---------------------------------------------------------------------------


class AppointmentFilterSet(WagtailFilterSet):
    starts = DateFromToRangeFilter(
        label=gettext_lazy("Date"), widget=DateRangePickerWidget, method="filter_starts"
    )
    location = ModelChoiceFilter(
        label=gettext_lazy("Location"),
        queryset=Location.objects.order_by("name"),
        field_name="provider__location",
        empty_label=gettext_lazy("All"),
    )
    provider = ModelChoiceFilter(
        label=gettext_lazy("With"),
        queryset=Provider.objects.select_related("location"),
        empty_label=gettext_lazy("All"),
    )
    service = ModelChoiceFilter(
        label=gettext_lazy("Service"),
        queryset=BookableService.objects.order_by("sort_order", "name"),
        empty_label=gettext_lazy("All"),
    )
    status = ChoiceFilter(
        label=gettext_lazy("Status"), choices=Appointment.Status.choices, empty_label=gettext_lazy("All")
    )

    class Meta:
        model = Appointment
        fields = ["provider", "service", "status"]

    def filter_starts(self, queryset, name, value):
        """Whole days on the clock of the location chosen (the brand's clock for all locations)."""
        location = self.form.cleaned_data.get("location")
        zone = location.zone() if location else brand_zone()
        if value.start is not None:
            queryset = queryset.filter(starts_at__gte=local_midnight(value.start.date(), zone))
        if value.stop is not None:
            queryset = queryset.filter(
                starts_at__lt=local_midnight(value.stop.date() + dt.timedelta(days=1), zone)
            )
        return queryset


def appointment_time(appointment: Appointment) -> str:
    return short_time(appointment.starts_at, appointment.provider.location.zone())


class AppointmentIndexView(generic.IndexView):
    """Appointments, latest first, with their time on their location's clock."""

    any_permission_required = SEE_APPOINTMENTS
    page_title = gettext_lazy("Appointments")
    default_ordering = "-starts_at"
    detail_url_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("service", "provider__location")

    def get_detail_url(self, appointment) -> str:
        return reverse(self.detail_url_name, args=(appointment.pk,))

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "starts_at",
                label=gettext_lazy("When"),
                accessor=appointment_time,
                get_url=self.get_detail_url,
                sort_key="starts_at",
            ),
            Column("customer", label=gettext_lazy("Customer"), accessor=customer_text),
            Column("service", label=gettext_lazy("Service"), accessor=lambda row: row.service.name),
            Column("provider", label=gettext_lazy("With"), accessor=lambda row: row.provider.name),
            Column(
                "location", label=gettext_lazy("Location"), accessor=lambda row: row.provider.location.name
            ),
            StatusTagColumn(
                "status",
                label=gettext_lazy("Status"),
                accessor="get_status_display",
                primary=lambda row: row.status in (Appointment.Status.BOOKED, Appointment.Status.COMPLETED),
                sort_key="status",
            ),
            Column("code", label=gettext_lazy("Booking code")),
        ]


# --- An appointment's page and its actions -----------------------------------------------------


@dataclass(frozen=True)
class AppointmentAction:
    """A button on the appointment's page: the service it calls and when it is offered."""

    name: str
    label: str
    run: Callable  # (appointment, text, acting_user) -> Appointment, or raises BookingError
    offered: Callable[[Appointment, dt.datetime], bool]
    field: str = ""
    field_label: str = ""
    destructive: bool = False


def _visit_started(appointment: Appointment, now) -> bool:
    return appointment.status == Appointment.Status.BOOKED and appointment.starts_at <= now


APPOINTMENT_ACTIONS = [
    AppointmentAction(
        "complete",
        gettext_lazy("Mark completed"),
        lambda appointment, text, user: services.mark_appointment(
            appointment, Appointment.Status.COMPLETED, acting_user=user
        ),
        _visit_started,
    ),
    AppointmentAction(
        "no-show",
        gettext_lazy("Mark no-show"),
        lambda appointment, text, user: services.mark_appointment(
            appointment, Appointment.Status.NO_SHOW, acting_user=user
        ),
        _visit_started,
    ),
    AppointmentAction(
        "cancel",
        gettext_lazy("Cancel booking"),
        lambda appointment, text, user: services.cancel_appointment(
            appointment, reason=text, acting_user=user
        ),
        lambda appointment, now: appointment.status == Appointment.Status.BOOKED,
        field="reason",
        field_label=gettext_lazy("Reason (the customer is told)"),
        destructive=True,
    ),
]


class AppointmentPageMixin(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    """A page about one appointment, under Appointments in the breadcrumbs."""

    model = Appointment
    header_icon = "calendar-check"
    index_url_name = None
    detail_url_name = None

    @cached_property
    def appointment(self) -> Appointment:
        # Read after the permission check, so a refused user learns nothing about the booking.
        return get_object_or_404(
            Appointment.objects.select_related("service", "provider__location", "user"), pk=self.kwargs["pk"]
        )

    @cached_property
    def zone(self):
        return self.appointment.provider.location.zone()

    def get_page_subtitle(self):
        return f"{self.appointment.service.name} · {customer_text(self.appointment)}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Appointments")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]


class AppointmentDetailView(AppointmentPageMixin, TemplateView):
    """A booking: when, where, with whom, the customer and their note, what happened to it (from the
    outbox), the customer's evaluation, and the actions its status allows for staff who may
    manage appointments."""

    any_permission_required = SEE_APPOINTMENTS
    template_name = "service/admin/appointments/detail.html"
    action_url_names: dict[str, str] = {}
    reschedule_url_name = None
    calendar_url_name = None

    def get_page_title(self):
        return _("Appointment %(code)s") % {"code": self.appointment.code}

    def get_context_data(self, **kwargs):
        appointment, zone, now = self.appointment, self.zone, timezone.now()
        manage = self.user_has_permission(MANAGE)
        actions = [
            (action, reverse(self.action_url_names[action.name], args=(appointment.pk,)))
            for action in APPOINTMENT_ACTIONS
            if manage and action.offered(appointment, now)
        ]
        evaluation = (
            Evaluation.objects.filter(appointment=appointment)
            .prefetch_related(Prefetch("photos", queryset=Attachment.objects.order_by("pk")))
            .first()
        )
        history = OutboxEvent.objects.filter(
            subject_type=Appointment._meta.model_name,
            subject_id=appointment.pk,
            kind__startswith="appointment.",
        ).order_by("created_at", "pk")
        local_start = timezone.localtime(appointment.starts_at, zone)
        return super().get_context_data(
            appointment=appointment,
            location=appointment.provider.location,
            zone=str(zone),
            when=visit_time(appointment.starts_at, appointment.ends_at, zone),
            booked=local_datetime(appointment.created_at, zone),
            cancelled=local_datetime(appointment.cancelled_at, zone),
            marked=local_datetime(appointment.marked_at, zone),
            price=format_money(appointment.price_cents) if appointment.price_cents else "",
            customer=customer_text(appointment),
            account=appointment.user,
            evaluation=evaluation,
            aspects=sorted((evaluation.aspects or {}).items()) if evaluation else [],
            evaluated=local_datetime(evaluation.created_at, zone) if evaluation else "",
            history=[
                {
                    "label": event.kind_label,
                    "at": local_datetime(event.created_at, zone),
                    "note": self.history_note(event, zone),
                }
                for event in history
            ],
            actions=actions,
            may_manage=manage,
            not_started=manage
            and appointment.status == Appointment.Status.BOOKED
            and appointment.starts_at > now,
            reschedule_url=(
                reverse(self.reschedule_url_name, args=(appointment.pk,))
                if manage and appointment.status == Appointment.Status.BOOKED
                else ""
            ),
            calendar_url=with_query(
                reverse(self.calendar_url_name),
                location=appointment.provider.location_id,
                date=local_start.date().isoformat(),
            ),
            **kwargs,
        )

    @staticmethod
    def history_note(event: OutboxEvent, zone) -> str:
        data = event.data or {}
        if event.kind == "appointment.cancelled":
            by = _("by staff") if data.get("by_staff") else _("by the customer")
            return f"{by}: {data['reason']}" if data.get("reason") else by
        if event.kind == "appointment.rescheduled" and data.get("old_starts_at"):
            try:
                old = dt.datetime.fromisoformat(data["old_starts_at"])
            except ValueError:
                return ""
            return _("from %(old)s") % {"old": local_datetime(old, zone)}
        return ""


class AppointmentActionView(PermissionCheckedMixin, View):
    """One action on an appointment (POST only): its service makes the change, or refuses and
    nothing changes."""

    model = Appointment
    permission_required = MANAGE
    http_method_names = ["post"]
    action: AppointmentAction | None = None
    detail_url_name = None

    def post(self, request, pk):
        appointment = get_object_or_404(Appointment, pk=pk)
        text = request.POST.get(self.action.field, "").strip() if self.action.field else ""
        try:
            appointment = self.action.run(appointment, text, request.user)
        except services.BookingError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("Appointment %(code)s is now “%(status)s”.")
                % {"code": appointment.code, "status": appointment.get_status_display()},
            )
        return redirect(self.detail_url_name, pk)


def slot_from_key(key: str) -> tuple[dt.datetime, int] | None:
    """A slot picker's value ("2030-05-01T02:00:00+00:00|7": the start in UTC and the provider)."""
    start, _bar, provider = (key or "").partition("|")
    try:
        starts_at = dt.datetime.fromisoformat(start)
        provider_id = int(provider)
    except ValueError:
        return None
    if starts_at.tzinfo is None:
        return None
    return starts_at, provider_id


class RescheduleView(AppointmentPageMixin, TemplateView):
    """Move a booking: the free slots of its service at its location on a chosen day
    (services.available_slots, the booking's own time left out of the way), and the move itself
    (services.reschedule_appointment, which checks the slot again under the providers' locks)."""

    permission_required = MANAGE
    template_name = "service/admin/appointments/reschedule.html"
    page_title = gettext_lazy("Move appointment")
    reschedule_url_name = None

    def get_context_data(self, **kwargs):
        appointment, zone = self.appointment, self.zone
        today = timezone.localtime(timezone.now(), zone).date()
        default = max(timezone.localtime(appointment.starts_at, zone).date(), today)
        day = day_from(self.request.GET.get("day") or default.isoformat(), zone)
        movable = appointment.status == Appointment.Status.BOOKED
        slots = (
            services.available_slots(
                appointment.service,
                day,
                day,
                location_id=appointment.provider.location_id,
                exclude_appointment=appointment.pk,
            )
            if movable
            else []
        )
        names = dict(
            Provider.objects.filter(pk__in={slot.provider_id for slot in slots}).values_list("pk", "name")
        )
        here = reverse(self.reschedule_url_name, args=(appointment.pk,))
        return super().get_context_data(
            appointment=appointment,
            location=appointment.provider.location,
            zone=str(zone),
            movable=movable,
            current=visit_time(appointment.starts_at, appointment.ends_at, zone),
            day=day,
            slots=[
                {
                    "key": slot.key,
                    "time": f"{wall_time(slot.starts_at, zone)}–{wall_time(slot.ends_at, zone)}",
                    "provider": names.get(slot.provider_id, ""),
                    "current": slot.provider_id == appointment.provider_id
                    and slot.starts_at == appointment.starts_at,
                }
                for slot in slots
            ],
            action_url=here,
            previous_url=with_query(here, day=(day - dt.timedelta(days=1)).isoformat()),
            next_url=with_query(here, day=(day + dt.timedelta(days=1)).isoformat()),
            detail_url=reverse(self.detail_url_name, args=(appointment.pk,)),
            **kwargs,
        )

    def post(self, request, pk):
        appointment = self.appointment
        chosen = slot_from_key(request.POST.get("slot", ""))
        back = with_query(reverse(self.reschedule_url_name, args=(pk,)), day=request.POST.get("day", ""))
        if chosen is None:
            messages.error(request, _("Choose a free time."))
            return redirect(back)
        starts_at, provider_id = chosen
        try:
            moved = services.reschedule_appointment(
                appointment, starts_at, provider_id=provider_id, acting_user=request.user
            )
        except services.BookingError as refusal:
            messages.error(request, str(refusal))
            return redirect(back)
        messages.success(
            request,
            _("Appointment %(code)s moved to %(when)s with %(provider)s.")
            % {
                "code": moved.code,
                "when": visit_time(moved.starts_at, moved.ends_at, self.zone),
                "provider": moved.provider.name,
            },
        )
        return redirect(self.detail_url_name, pk)


class AppointmentViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """Service → Appointments. Bookings are made by customers and change only through the services
    (the actions on an appointment's page), so there is no add, edit or delete here."""

    model = Appointment
    url_prefix = "service/appointments"
    icon = "calendar-check"
    menu_label = gettext_lazy("Appointments")
    inspect_view_enabled = False  # the appointment's own page shows more, with its actions
    kept_urls = ("index", "index_results")
    index_view_class = AppointmentIndexView
    filterset_class = AppointmentFilterSet
    search_fields = ["code", "name", "phone", "user__email"]
    search_backend_name = None
    calendar_url_name = "service_calendar:day"

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(detail_url_name=self.get_url_name("detail"), **kwargs)

    def page_kwargs(self) -> dict:
        return {"index_url_name": self.get_url_name("index"), "detail_url_name": self.get_url_name("detail")}

    @property
    def detail_view(self):
        return AppointmentDetailView.as_view(
            action_url_names={action.name: self.get_url_name(action.name) for action in APPOINTMENT_ACTIONS},
            reschedule_url_name=self.get_url_name("reschedule"),
            calendar_url_name=self.calendar_url_name,
            **self.page_kwargs(),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/", self.detail_view, name="detail"),
            path(
                "<int:pk>/move/",
                RescheduleView.as_view(
                    reschedule_url_name=self.get_url_name("reschedule"), **self.page_kwargs()
                ),
                name="reschedule",
            ),
            *(
                path(
                    f"<int:pk>/{action.name}/",
                    AppointmentActionView.as_view(action=action, detail_url_name=self.get_url_name("detail")),
                    name=action.name,
                )
                for action in APPOINTMENT_ACTIONS
            ),
        ]

    def get_permissions_to_register(self):
        return model_permissions(Appointment, ["view", MANAGE])


# --- Locations, staff and resources, bookable services -------------------------------------------


def location_zone(location: Location) -> str:
    return location.time_zone or _("%(zone)s (the brand's)") % {"zone": tenant_time_zone()}


class LocationIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(provider_count=Count("providers"))


class LocationCreateView(RefreshesPortalCache, generic.CreateView):
    pass


class LocationEditView(RefreshesPortalCache, generic.EditView):
    pass


class LocationDeleteView(ProtectedDeleteView):
    refreshes_portal_cache = True
    protected_message = gettext_lazy(
        "“%(name)s” has staff or resources, so it is kept: move or delete them first, or untick "
        "“open for bookings”."
    )


class LocationViewSet(ModelViewSet):
    """Service → Locations: edited with Location.panels (opening hours and closed days inline)."""

    model = Location
    url_prefix = "service/locations"
    icon = "site"
    menu_label = gettext_lazy("Locations")
    add_to_reference_index = False
    index_view_class = LocationIndexView
    add_view_class = LocationCreateView
    edit_view_class = LocationEditView
    delete_view_class = LocationDeleteView
    # A copy's form would carry the first location's opening hours and closed days as its own rows.
    copy_view_enabled = False
    search_fields = ["name", "address"]
    search_backend_name = None
    list_filter = ["is_active"]
    list_display = [
        "name",
        "address",
        Column("zone", label=gettext_lazy("Time zone"), accessor=location_zone),
        Column("provider_count", label=gettext_lazy("Staff and resources"), sort_key="provider_count"),
        BooleanColumn("is_active", label=gettext_lazy("Open for bookings")),
    ]

    def get_permissions_to_register(self):
        return model_permissions(Location, ["add", "change", "delete", "view"])


def staff_users():
    """Users who may use the admin: a provider's account is one of them, never a customer's."""
    permission = Permission.objects.filter(codename="access_admin", content_type__app_label="wagtailadmin")
    return (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True) | Q(groups__permissions__in=permission) | Q(user_permissions__in=permission),
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


class ProviderForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_users()
        self.fields["location"].queryset = Location.objects.order_by("name")


class ProviderIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("location", "user")
            .annotate(service_count=Count("services", distinct=True))
        )


class ProviderDeleteView(ProtectedDeleteView):
    protected_message = gettext_lazy(
        "“%(name)s” has appointments, so it is kept: untick “taking bookings” instead."
    )


class ProviderViewSet(ModelViewSet):
    """Service → Staff and resources: who or what is booked (a stylist, a room, a bay)."""

    model = Provider
    url_prefix = "service/providers"
    icon = "user"
    menu_label = gettext_lazy("Staff and resources")
    add_to_reference_index = False
    copy_view_enabled = False
    index_view_class = ProviderIndexView
    delete_view_class = ProviderDeleteView
    search_fields = ["name", "location__name"]
    search_backend_name = None
    list_filter = ["location", "is_active"]
    list_display = [
        "name",
        Column("location", label=gettext_lazy("Location"), accessor=lambda row: row.location.name),
        Column("user", label=gettext_lazy("Staff account"), accessor=lambda row: row.user or "—"),
        Column("service_count", label=gettext_lazy("Services"), sort_key="service_count"),
        BooleanColumn("is_active", label=gettext_lazy("Taking bookings")),
    ]

    def get_edit_handler(self):
        panels = [FieldPanel("name"), FieldPanel("location"), FieldPanel("user"), FieldPanel("is_active")]
        return ObjectList(panels, base_form_class=ProviderForm).bind_to_model(Provider)

    def get_permissions_to_register(self):
        return model_permissions(Provider, ["add", "change", "delete", "view"])


class BookableServiceForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each provider's label names its location: read them in the same query.
        self.fields["providers"].queryset = Provider.objects.select_related("location").order_by(
            "location__name", "name"
        )


class BookableServiceIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(provider_count=Count("providers", distinct=True))


class BookableServiceCreateView(RefreshesPortalCache, generic.CreateView):
    pass


class BookableServiceEditView(RefreshesPortalCache, generic.EditView):
    pass


class BookableServiceDeleteView(ProtectedDeleteView):
    refreshes_portal_cache = True
    protected_message = gettext_lazy(
        "“%(name)s” has appointments, so it is kept: untick “bookable” to stop new bookings."
    )


def duration_text(service: BookableService) -> str:
    return _("%(minutes)s min") % {"minutes": service.duration_minutes}


def price_text(service: BookableService) -> str:
    return format_money(service.price_cents) if service.price_cents else _("Free")


class BookableServiceViewSet(ModelViewSet):
    """Service → Bookable services: edited with BookableService.panels (time, price, who gives it,
    booking rules, evaluation aspects)."""

    model = BookableService
    url_prefix = "service/services"
    icon = "tasks"
    menu_label = gettext_lazy("Bookable services")
    add_to_reference_index = False
    copy_view_enabled = False  # the slug is unique: a copy could not be saved as it is
    index_view_class = BookableServiceIndexView
    add_view_class = BookableServiceCreateView
    edit_view_class = BookableServiceEditView
    delete_view_class = BookableServiceDeleteView
    search_fields = ["name", "slug", "summary"]
    search_backend_name = None
    list_filter = ["is_active", "members_only"]
    list_display = [
        "name",
        Column(
            "duration", label=gettext_lazy("Duration"), accessor=duration_text, sort_key="duration_minutes"
        ),
        Column("price", label=gettext_lazy("Price"), accessor=price_text, sort_key="price_cents"),
        Column("provider_count", label=gettext_lazy("Staff and resources"), sort_key="provider_count"),
        BooleanColumn("members_only", label=gettext_lazy("Members only")),
        BooleanColumn("is_active", label=gettext_lazy("Bookable")),
        Column("sort_order", label=gettext_lazy("Order"), sort_key="sort_order"),
    ]

    def get_edit_handler(self):
        return ObjectList(BookableService.panels, base_form_class=BookableServiceForm).bind_to_model(
            BookableService
        )

    def get_permissions_to_register(self):
        return model_permissions(BookableService, ["add", "change", "delete", "view"])


# --- Evaluations report --------------------------------------------------------------------------


class EvaluationFilterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    location = forms.ModelChoiceField(
        label=gettext_lazy("Location"),
        queryset=Location.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All locations"),
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Service"),
        queryset=BookableService.objects.order_by("sort_order", "name"),
        required=False,
        empty_label=gettext_lazy("All services"),
    )


def aspect_figures(evaluations) -> list[dict]:
    """Per service and aspect: how many rated it and their stars in all. Aspects are a JSON object
    ({"Skill": 5}), unfolded by PostgreSQL (jsonb_each_text) for the evaluations `evaluations`
    selects; a value that is not 1 to 5 stars is left out."""
    ids_sql, params = evaluations.order_by().values("pk").query.sql_with_params()
    sql = (
        "SELECT appointment.service_id, service.name, aspect.key, COUNT(*), SUM(aspect.value::integer) "  # noqa: S608 - table names from the models; values are parameters
        f"FROM {Evaluation._meta.db_table} evaluation "
        f"JOIN {Appointment._meta.db_table} appointment ON appointment.id = evaluation.appointment_id "
        f"JOIN {BookableService._meta.db_table} service ON service.id = appointment.service_id "
        "CROSS JOIN LATERAL jsonb_each_text(CASE WHEN jsonb_typeof(evaluation.aspects) = 'object' "
        "THEN evaluation.aspects ELSE '{}'::jsonb END) AS aspect(key, value) "
        f"WHERE evaluation.id IN ({ids_sql}) AND aspect.value ~ '^[1-5]$' "
        "GROUP BY appointment.service_id, service.name, aspect.key "
        "ORDER BY service.name, appointment.service_id, aspect.key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        {"service": name, "aspect": aspect, "count": count, "average": average(total, count)}
        for _service_id, name, aspect, count, total in rows
    ]


class EvaluationReportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Customers' evaluations of their visits: the average overall stars and how many, in all, per
    service, per provider and per aspect of each service, then the latest evaluations with their
    comments and photos. Six queries whatever the number of evaluations."""

    model = Evaluation
    permission_required = "view"
    template_name = "service/admin/evaluations/report.html"
    page_title = gettext_lazy("Evaluations")
    header_icon = "comment"
    detail_url_name = None

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def evaluations(self, form):
        evaluations = Evaluation.objects.all()
        if not form.is_valid():
            return evaluations
        data, zone = form.cleaned_data, brand_zone()
        if data["start"]:
            evaluations = evaluations.filter(created_at__gte=local_midnight(data["start"], zone))
        if data["end"]:
            evaluations = evaluations.filter(
                created_at__lt=local_midnight(data["end"] + dt.timedelta(days=1), zone)
            )
        if data["location"]:
            evaluations = evaluations.filter(appointment__provider__location=data["location"])
        if data["service"]:
            evaluations = evaluations.filter(appointment__service=data["service"])
        return evaluations

    def get_context_data(self, **kwargs):
        form = EvaluationFilterForm(self.request.GET or None)
        evaluations = self.evaluations(form)
        stars = [Count("pk", filter=Q(stars=count)) for count in range(1, 6)]
        overall = evaluations.aggregate(
            count=Count("pk"), total=Sum("stars"), **{f"stars_{n}": stars[n - 1] for n in range(1, 6)}
        )
        by_service = (
            evaluations.values("appointment__service_id", "appointment__service__name")
            .annotate(count=Count("pk"), total=Sum("stars"))
            .order_by("appointment__service__name", "appointment__service_id")
        )
        by_provider = (
            evaluations.values(
                "appointment__provider_id",
                "appointment__provider__name",
                "appointment__provider__location__name",
            )
            .annotate(count=Count("pk"), total=Sum("stars"))
            .order_by("appointment__provider__name", "appointment__provider_id")
        )
        recent = (
            evaluations.select_related("appointment__service", "appointment__provider__location")
            .prefetch_related(Prefetch("photos", queryset=Attachment.objects.order_by("pk")))
            .order_by("-created_at", "-pk")[:RECENT_EVALUATIONS]
        )
        count = overall["count"]
        may_open = policy_registry.get_by_type(Appointment).user_has_any_permission(
            self.request.user, SEE_APPOINTMENTS
        )
        return super().get_context_data(
            form=form,
            overall={
                "count": count,
                "average": average(overall["total"], count),
                "stars": [(n, overall[f"stars_{n}"]) for n in range(5, 0, -1)],
            },
            by_service=[
                {
                    "service": row["appointment__service__name"],
                    "count": row["count"],
                    "average": average(row["total"], row["count"]),
                }
                for row in by_service
            ],
            by_provider=[
                {
                    "provider": row["appointment__provider__name"],
                    "location": row["appointment__provider__location__name"],
                    "count": row["count"],
                    "average": average(row["total"], row["count"]),
                }
                for row in by_provider
            ],
            by_aspect=aspect_figures(evaluations),
            recent=[
                {
                    "evaluation": evaluation,
                    "appointment": evaluation.appointment,
                    "url": reverse(self.detail_url_name, args=(evaluation.appointment_id,))
                    if may_open
                    else "",
                    "at": brand_time(evaluation.created_at),
                    "aspects": sorted((evaluation.aspects or {}).items()),
                    "photos": list(evaluation.photos.all()),
                }
                for evaluation in recent
            ],
            time_zone=tenant_time_zone(),
            **kwargs,
        )


class EvaluationReportViewSet(PagesViewSet):
    """Service → Evaluations."""

    model = Evaluation
    any_permission_required = ["view"]
    permissions_to_register = ["view"]
    url_prefix = "service/evaluations"
    icon = "comment"
    menu_label = gettext_lazy("Evaluations")

    def get_urlpatterns(self):
        view = EvaluationReportView.as_view(detail_url_name="service_appointments:detail")
        return [path("", view, name="report")]


APPOINTMENT_VIEWSETS = (
    CalendarViewSet("service_calendar"),
    AppointmentViewSet("service_appointments"),
    LocationViewSet("service_locations"),
    ProviderViewSet("service_providers"),
    BookableServiceViewSet("service_services"),
    EvaluationReportViewSet("service_evaluations"),
)
