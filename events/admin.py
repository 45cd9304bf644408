"""Events in the brand admin (Wagtail), under "Events": events with their sessions and sign-up
questions, each event's attendance (with a CSV of its registrations), "Cancel event", "Tell
attendees about a change", the on-site check-in desk, and invite campaigns with their
invitations, goals reached and auditable lottery draws. Daily check-in is a generic setting
(Settings → Daily check-in), which needs `events.change_dailycheckinsettings`. Each tenant's
admin reads its own schema, so staff only ever see their brand's events.

Every view states its permission (the event's and the campaign's permission policies):

| screen | needs |
|---|---|
| events list | any of `events.*_event` or `events.check_in_attendee` |
| new event / edit / delete | `events.add_event` / `events.change_event` / `events.delete_event` |
| attendance, registrations CSV | `events.view_event` |
| cancel event, tell attendees about a change | `events.change_event` |
| check-in desk and its live counts | `events.check_in_attendee` |
| campaigns list / new / edit / delete | any of `events.*_campaign` / `add_` / `change_` / `delete_` |
| a campaign's invitations and draws | `events.view_campaign` |

Seats taken (`EventSession.registered`), a prize's draws (`Prize.given`) and an event's
cancellation are not form fields, but a model form's save writes every column with the value
read when the request began. So an edit locks the event (or campaign) and its sessions (or
prizes) and saves them with the values in the database (keep_seats_taken, keep_prizes_given):
a sign-up, a draw or a cancellation made meanwhile is kept, and seats or prizes below what is
already taken are refused on their field.
"""

import csv
import io
import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.admin.utils import quote
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q, Sum
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView, View
from django_filters import ChoiceFilter
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from core.admin import ModelAndCustomPermissionPolicy, ProtectedDeleteView, model_permissions
from core.csv import safe_row
from core.language import tenant_time_zone
from events import selectors, services
from events.models import (
    Campaign,
    CampaignGoal,
    Event,
    EventSession,
    GoalReached,
    Prize,
    Registration,
)
from knowledge.analytics import brand_time, brand_zone

CHECK_IN = "check_in_attendee"  # events.check_in_attendee (Event.Meta.permissions)
REGISTRATIONS_PAGE_SIZE = 100
CAMPAIGN_PAGE_SIZE = 50

event_permission_policy = ModelAndCustomPermissionPolicy(Event)
register_permission_policy(Event, event_permission_policy)


def session_label(session: EventSession) -> str:
    """ "Morning · 2030-05-01 14:00" (its name, if any, and its start in the brand's time zone)."""
    start = brand_time(session.starts_at)
    return f"{session.title} · {start}" if session.title else start


def csv_time(value) -> str:
    """A moment in the brand's time zone for spreadsheets: "2030-05-01 14:00"."""
    if value is None:
        return ""
    return timezone.localtime(value, brand_zone()).strftime("%Y-%m-%d %H:%M")


def answers_text(answers) -> str:
    return "; ".join(f"{label}: {value}" for label, value in (answers or {}).items())


# --- Event form: seats already taken are kept, and never cut below -------------------------------


class SeatsTaken(Exception):
    """An edit refused under the lock (errors are on the form); nothing was saved."""


def seats_taken_message(count: int) -> str:
    return ngettext(
        "%(count)s person has a seat at this session: it needs at least %(count)s seat.",
        "%(count)s people have a seat at this session: it needs at least %(count)s seats.",
        count,
    ) % {"count": count}


class SessionForm(WagtailAdminModelForm):
    """A session in the event form. Its seats may not go below the seats already taken, read from
    the database (the form never holds `registered`: sign-ups move it meanwhile)."""

    def clean(self):
        cleaned = super().clean()
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity is not None:
            taken = (
                EventSession.objects.filter(pk=self.instance.pk).values_list("registered", flat=True).first()
            ) or 0
            if capacity < taken:
                self.add_error("capacity", seats_taken_message(taken))
        return cleaned


class SessionInlinePanel(InlinePanel):
    """The model's sessions InlinePanel, with SessionForm as the form of each session."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = SessionForm
        return options


def removed_forms(formset) -> list:
    """The forms of existing rows that staff marked for removal."""
    removed = []
    for form in formset.forms:
        form.is_valid()  # cleans it once (cached); DELETE is read from its cleaned data
        if form.instance.pk and formset.can_delete and formset._should_delete_form(form):
            removed.append(form)
    return removed


def sessions_with_sign_ups(session_pks) -> set[int]:
    return set(
        Registration.objects.filter(session_id__in=session_pks)
        .values_list("session_id", flat=True)
        .distinct()
    )


def sign_ups_kept_message(session: EventSession) -> str:
    return _(
        "People signed up for the session %(session)s (even if they cancelled since), so it stays: "
        "change its date and tell the attendees, or cancel the event."
    ) % {"session": session_label(session)}


class EventAdminForm(WagtailAdminModelForm):
    """Event.panels' form: a session people signed up for (even if they cancelled since: their
    registrations keep it) cannot be removed."""

    def clean(self):
        cleaned = super().clean()
        removed = [form.instance for form in removed_forms(self.formsets["sessions"])]
        kept = sessions_with_sign_ups([session.pk for session in removed])
        for session in removed:
            if session.pk in kept:
                self.add_error(None, sign_ups_kept_message(session))
        return cleaned


def event_panels() -> list:
    """Event.panels, the sessions' InlinePanel made a SessionInlinePanel with the same options."""
    return [
        SessionInlinePanel(**panel.clone_kwargs())
        if isinstance(panel, InlinePanel) and panel.relation_name == "sessions"
        else panel
        for panel in Event.panels
    ]


def keep_seats_taken(form) -> None:
    """Save the sessions with the seats the database holds, under a lock, and refuse seats below them.

    The sessions were read when the request began; sign-ups and cancellations since then moved
    `registered`, and the session's save writes that column back (a lost update: seats sold twice,
    or the constraint failing). Lock order as in services.cancel_event: the event, then its sessions
    (a sign-up's conditional UPDATE waits for the save and then counts from the saved capacity).
    The event's cancellation is kept the same way: a form shown before "Cancel event" must not bring
    the event back. Raises SeatsTaken, with the errors on the form, when the edit must be refused."""
    event = form.instance
    locked = Event.objects.select_for_update().only("cancelled_at").get(pk=event.pk)
    event.cancelled_at = locked.cancelled_at
    formset = form.formsets["sessions"]
    current = dict(
        EventSession.objects.select_for_update()
        .filter(event=event.pk)
        .order_by("pk")
        .values_list("pk", "registered")
    )
    removed = removed_forms(formset)
    refused = False
    kept = sessions_with_sign_ups([removed_form.instance.pk for removed_form in removed])
    for removed_form in removed:
        if removed_form.instance.pk in kept:
            form.add_error(None, sign_ups_kept_message(removed_form.instance))
            refused = True
    for session_form in formset.forms:
        session = session_form.instance
        if session.pk is None or session.pk not in current or session_form in removed:
            continue
        session.registered = current[session.pk]
        if session.capacity < session.registered:
            session_form.add_error("capacity", seats_taken_message(session.registered))
            refused = True
    if refused:
        raise SeatsTaken


class BrandTimeZoneMixin:
    """Dates and times typed and shown in this form are the brand's local times (Asia/Shanghai for
    most brands), as every list and page of events shows them; Wagtail would otherwise read them in
    the server's zone (UTC), and "14:00" would start at 22:00 in Shanghai. The response is rendered
    here, inside the zone, so the form shows the saved times in it too."""

    def dispatch(self, request, *args, **kwargs):
        with timezone.override(brand_zone()):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response


class RefusedUnderLockMixin:
    """An edit whose save (run in Wagtail's transaction) may refuse: the form comes back with its
    errors and nothing is saved."""

    refusal = SeatsTaken

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except self.refusal:
            self.produced_error_message = self.get_error_message()  # as Wagtail's post() sets it
            return self.form_invalid(form)


class EventHeaderButtonsMixin:
    """The event's own pages (attendance, the check-in desk) as buttons on its edit page."""

    attendance_url_name = None
    desk_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        pk = quote(self.object.pk)
        if self.attendance_url_name and self.user_has_permission("view"):
            buttons.append(
                HeaderButton(
                    _("Attendance"),
                    url=reverse(self.attendance_url_name, args=(pk,)),
                    icon_name="list-ul",
                    priority=10,
                )
            )
        if self.desk_url_name and self.user_has_permission(CHECK_IN):
            buttons.append(
                HeaderButton(
                    _("Check-in desk"),
                    url=reverse(self.desk_url_name, args=(pk,)),
                    icon_name="tick",
                    priority=20,
                )
            )
        return buttons


class EventCreateView(BrandTimeZoneMixin, generic.CreateView):
    pass


class EventEditView(BrandTimeZoneMixin, EventHeaderButtonsMixin, RefusedUnderLockMixin, generic.EditView):
    def save_instance(self):
        keep_seats_taken(self.form)  # in Wagtail's transaction: the locks hold until the save commits
        return super().save_instance()


class EventDeleteView(ProtectedDeleteView):
    protected_message = gettext_lazy(
        "People signed up for “%(name)s”, so it is kept: cancel it instead (they are told and their "
        "points come back), or untick “published”."
    )


# --- Events list ---------------------------------------------------------------------------------


class EventFilterSet(WagtailFilterSet):
    when = ChoiceFilter(
        label=gettext_lazy("When"),
        choices=[
            ("upcoming", gettext_lazy("Upcoming")),
            ("past", gettext_lazy("Past")),
            ("cancelled", gettext_lazy("Cancelled")),
        ],
        method="filter_when",
        empty_label=gettext_lazy("All"),
    )
    kind = ChoiceFilter(
        label=gettext_lazy("Where"), choices=Event.Kind.choices, empty_label=gettext_lazy("All")
    )

    class Meta:
        model = Event
        fields = ["is_published", "kind"]

    def filter_when(self, queryset, name, value):
        # Subqueries, not joins: a join on sessions here would multiply the list's sums of seats.
        still_on = EventSession.objects.filter(ends_at__gt=timezone.now()).values("event_id")
        if value == "upcoming":
            return queryset.filter(cancelled_at__isnull=True, pk__in=still_on)
        if value == "past":
            return queryset.filter(cancelled_at__isnull=True).exclude(pk__in=still_on)
        if value == "cancelled":
            return queryset.filter(cancelled_at__isnull=False)
        return queryset


def next_session_text(event) -> str:
    return brand_time(event.next_start) if event.next_start else "—"


def seats_text(event) -> str:
    return f"{event.seats_taken or 0} / {event.seats_total or 0}"


@dataclass(frozen=True)
class EventPage:
    """A page of an event beyond Wagtail's (attendance, desk ...): its URL name and what it needs."""

    name: str
    label: str
    permission: str
    icon: str
    priority: int
    shown: Callable[[Event], bool] = lambda event: True


EVENT_PAGES = [
    EventPage("attendance", gettext_lazy("Attendance"), "view", "list-ul", 5),
    EventPage("desk", gettext_lazy("Check-in desk"), CHECK_IN, "tick", 6),
    EventPage(
        "announce",
        gettext_lazy("Tell attendees about a change"),
        "change",
        "mail",
        15,
        lambda event: not event.is_cancelled,
    ),
    EventPage(
        "cancel", gettext_lazy("Cancel event"), "change", "cross", 25, lambda event: not event.is_cancelled
    ),
]


class EventIndexView(generic.IndexView):
    # Desk staff find their event here (and its desk) without seeing or changing anything else.
    any_permission_required = [*generic.IndexView.any_permission_required, CHECK_IN]
    page_url_names: dict[str, str] = {}

    def get_base_queryset(self):
        now = timezone.now()
        return (
            super()
            .get_base_queryset()
            .annotate(
                next_start=Min("sessions__starts_at", filter=Q(sessions__starts_at__gt=now)),
                seats_taken=Sum("sessions__registered"),
                seats_total=Sum("sessions__capacity"),
            )
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for page in EVENT_PAGES:
            if (
                page.name in self.page_url_names
                and page.shown(instance)
                and self.user_has_permission(page.permission)
            ):
                buttons.append(
                    MenuItem(
                        page.label,
                        url=reverse(self.page_url_names[page.name], args=(instance.pk,)),
                        icon_name=page.icon,
                        priority=page.priority,
                    )
                )
        return buttons


# --- An event's pages: attendance, CSV, cancel, announce, desk ------------------------------------


class EventAdminView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A page about one event, under Events in the breadcrumbs."""

    model = Event
    header_icon = "date"
    index_url_name = None
    page_url_names: dict[str, str] = {}

    @cached_property
    def event(self) -> Event:
        # Read after the permission check, so a refused user learns nothing about the event.
        return get_object_or_404(Event, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.event.title

    def get_breadcrumbs_items(self):
        index = [{"url": reverse(self.index_url_name), "label": _("Events")}] if self.index_url_name else []
        return [
            *self.breadcrumbs_items,
            *index,
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def page_url(self, name: str) -> str:
        """The URL of another page of this event, when the user may open it ("" otherwise)."""
        page = next(page for page in EVENT_PAGES if page.name == name)
        if (
            name in self.page_url_names
            and page.shown(self.event)
            and self.user_has_permission(page.permission)
        ):
            return reverse(self.page_url_names[name], args=(self.event.pk,))
        return ""


class AttendanceView(EventAdminView):
    """Per session: seats, signed up, waitlisted, checked in; and every registration with the
    member's e-mail, level, status, answers and check-in time."""

    permission_required = "view"
    template_name = "events/admin/attendance.html"
    page_title = gettext_lazy("Attendance")
    csv_url_name = None

    def get_context_data(self, **kwargs):
        sessions = selectors.attendance(self.event)
        totals = {
            key: sum(row[key] for row in sessions)
            for key in ("capacity", "signed_up", "waitlisted", "checked_in")
        }
        page = Paginator(selectors.registrations_at(self.event), REGISTRATIONS_PAGE_SIZE).get_page(
            self.request.GET.get("p")
        )
        return super().get_context_data(
            event=self.event,
            sessions=[{**row, "label": session_label(row["session"])} for row in sessions],
            totals=totals,
            registrations=page,
            rows=[
                {
                    "registration": registration,
                    "email": registration.member.user.email,
                    "level": registration.member.level.name if registration.member.level else "",
                    "session": session_label(registration.session),
                    "signed_up": brand_time(registration.created_at),
                    "checked_in": brand_time(registration.checked_in_at),
                    "answers": answers_text(registration.answers),
                }
                for registration in page
            ],
            time_zone=tenant_time_zone(),
            csv_url=reverse(self.csv_url_name, args=(self.event.pk,)) if self.csv_url_name else "",
            desk_url=self.page_url("desk"),
            announce_url=self.page_url("announce"),
            cancel_url=self.page_url("cancel"),
            cancelled_at=brand_time(self.event.cancelled_at),
            **kwargs,
        )


class RegistrationsCSVView(PermissionCheckedMixin, View):
    """The event's registrations as a CSV (cancelled ones too, with their status), safe to open
    in a spreadsheet (core.csv: members choose their e-mail addresses and answers)."""

    model = Event
    permission_required = "view"
    http_method_names = ["get"]

    def get(self, request, pk):
        event = get_object_or_404(Event, pk=pk)
        registrations = list(selectors.registrations_at(event))
        labels = list(event.questions.order_by("sort_order", "pk").values_list("label", flat=True))
        for registration in registrations:  # answers to questions renamed or removed since
            labels += [label for label in (registration.answers or {}) if label not in labels]
        zone = tenant_time_zone()
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow(
            safe_row(
                [
                    _("Session"),
                    _("Session starts (%(zone)s)") % {"zone": zone},
                    _("Member e-mail"),
                    _("Member code"),
                    _("Level"),
                    _("Status"),
                    _("Signed up (%(zone)s)") % {"zone": zone},
                    _("Checked in (%(zone)s)") % {"zone": zone},
                    _("Points paid"),
                    *labels,
                ]
            )
        )
        for registration in registrations:
            member, answers = registration.member, registration.answers or {}
            writer.writerow(
                safe_row(
                    [
                        registration.session.title,
                        csv_time(registration.session.starts_at),
                        member.user.email,
                        member.code,
                        member.level.name if member.level else "",
                        registration.get_status_display(),
                        csv_time(registration.created_at),
                        csv_time(registration.checked_in_at),
                        registration.points_paid,
                        *(answers.get(label, "") for label in labels),
                    ]
                )
            )
        # A byte-order mark, so spreadsheet programs read Chinese names and answers as UTF-8.
        response = HttpResponse("\ufeff" + output.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{event.slug}-registrations.csv"
        )
        return response


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the event cancelled?"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Everyone signed up or on the waitlist is told this."),
    )


class AnnounceChangeForm(forms.Form):
    what = forms.CharField(
        label=gettext_lazy("What changed?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For example: “The workshop moves to 15:00.” Everyone signed up or on the waitlist is told."
        ),
    )
    # Made when the form is shown: sending the same form twice tells attendees once.
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].initial = uuid.uuid4().hex


class EventFormView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """A form about one event whose POST calls a service; an EventError comes back on the field."""

    model = Event
    permission_required = "change"
    header_icon = "date"
    index_url_name = None
    action_url_name = None
    field = ""
    submit_label = ""
    active_label = ""

    @cached_property
    def event(self) -> Event:
        return get_object_or_404(Event, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.event.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Events")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        counts = Registration.objects.filter(session__event=self.event).aggregate(
            signed_up=Count("pk", filter=Q(status=Registration.Status.REGISTERED)),
            waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        )
        return super().get_context_data(
            event=self.event,
            counts=counts,
            action_url=reverse(self.action_url_name, args=(self.event.pk,)),
            submit_button_label=self.submit_label,
            submit_button_active_label=self.active_label,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            told = self.run(form.cleaned_data[self.field])
        except services.EventError as refusal:
            form.add_error(self.field, str(refusal))
            return self.form_invalid(form)
        messages.success(self.request, self.done_message(told))
        return redirect(self.index_url_name)

    def run(self, text: str) -> int:
        raise NotImplementedError

    def done_message(self, told: int) -> str:
        raise NotImplementedError


class CancelEventView(EventFormView):
    """Call the event off (services.cancel_event): every place is cancelled, points paid come back
    and everyone is told the reason."""

    form_class = CancelEventForm
    template_name = "events/admin/cancel_event.html"
    page_title = gettext_lazy("Cancel event")
    field = "reason"
    submit_label = gettext_lazy("Cancel the event")
    active_label = gettext_lazy("Cancelling…")

    def run(self, text: str) -> int:
        return services.cancel_event(self.event, reason=text, acting_user=self.request.user)

    def done_message(self, told: int) -> str:
        return ngettext(
            "“%(title)s” is cancelled; %(count)s person is told and gets any points back.",
            "“%(title)s” is cancelled; %(count)s people are told and get any points back.",
            told,
        ) % {"title": self.event.title, "count": told}


class AnnounceChangeView(EventFormView):
    """Tell everyone signed up or waitlisted what changed (services.announce_change)."""

    form_class = AnnounceChangeForm
    template_name = "events/admin/announce_change.html"
    page_title = gettext_lazy("Tell attendees about a change")
    field = "what"
    submit_label = gettext_lazy("Tell them")
    active_label = gettext_lazy("Sending…")

    def form_valid(self, form):
        self.change_key = form.cleaned_data.get("key") or ""
        return super().form_valid(form)

    def run(self, text: str) -> int:
        return services.announce_change(
            self.event, what=text, acting_user=self.request.user, key=self.change_key
        )

    def done_message(self, told: int) -> str:
        return ngettext(
            "%(count)s person signed up for “%(title)s” is told.",
            "%(count)s people signed up for “%(title)s” are told.",
            told,
        ) % {"title": self.event.title, "count": told}


def ticket_from_scan(text: str) -> str:
    """What a scanner or the camera read: the ticket code itself, or a link ending with it."""
    text = str(text or "").strip()[:300]
    if "/" in text:
        text = next((part for part in reversed(text.split("?")[0].split("/")) if part), "")
    return text


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


class CheckInDeskView(EventAdminView):
    """At the door: a scanner (or the camera, or the keyboard) enters a ticket code; the ticket is
    checked in once (services.check_in, which refuses another event's or a used ticket) and the
    page says who it is, with the event's live counts. desk.js posts without reloading the page
    (JSON) and refreshes the counts every 10 seconds; without it the form posts as usual."""

    permission_required = CHECK_IN
    template_name = "events/admin/desk.html"
    page_title = gettext_lazy("Check-in desk")
    header_icon = "tick"
    counts_url_name = None
    desk_url_name = None

    def get_context_data(self, result=None, **kwargs):
        return super().get_context_data(
            event=self.event,
            counts=selectors.check_in_counts(self.event),
            result=result,
            desk_url=reverse(self.desk_url_name, args=(self.event.pk,)),
            counts_url=reverse(self.counts_url_name, args=(self.event.pk,)),
            attendance_url=self.page_url("attendance"),
            **kwargs,
        )

    def check_in(self, code: str) -> dict:
        # "Already checked in at 10:02": the brand's clock, as the staff at the door read it.
        with timezone.override(zoneinfo.ZoneInfo(tenant_time_zone())):
            try:
                registration = services.check_in(code, event=self.event, acting_user=self.request.user)
            except services.EventError as refusal:
                return {"ok": False, "message": str(refusal)}
        member = registration.member
        return {
            "ok": True,
            "message": _("Checked in."),
            "email": member.user.email,
            "level": member.level.name if member.level_id else "",
            "session": session_label(registration.session),
        }

    def post(self, request, *args, **kwargs):
        result = self.check_in(ticket_from_scan(request.POST.get("code", "")))
        if wants_json(request):
            return JsonResponse({**result, "counts": selectors.check_in_counts(self.event)})
        return self.render_to_response(self.get_context_data(result=result))


class CheckInCountsView(PermissionCheckedMixin, View):
    """The desk's live counts as JSON: {"signed_up": n, "checked_in": n}."""

    model = Event
    permission_required = CHECK_IN
    http_method_names = ["get"]

    def get(self, request, pk):
        return JsonResponse(selectors.check_in_counts(get_object_or_404(Event, pk=pk)))


class EventViewSet(ModelViewSet):
    """Events → Events: edited with Event.panels (sessions and sign-up questions inline)."""

    model = Event
    url_prefix = "events"
    icon = "date"
    menu_label = gettext_lazy("Events")
    # A copy would repeat the slug (unique) and the sessions' seats taken: "Add" is one click away.
    copy_view_enabled = False
    index_view_class = EventIndexView
    add_view_class = EventCreateView
    edit_view_class = EventEditView
    delete_view_class = EventDeleteView
    filterset_class = EventFilterSet
    search_fields = ["title", "summary", "venue"]
    search_backend_name = None  # the words as typed (icontains), not whole words of the index
    list_display = [
        "title",
        Column(
            "next_start",
            label=gettext_lazy("Next session"),
            accessor=next_session_text,
            sort_key="next_start",
        ),
        Column("seats", label=gettext_lazy("Seats taken / total"), accessor=seats_text),
        BooleanColumn("is_published", label=gettext_lazy("Published")),
        BooleanColumn("is_cancelled", label=gettext_lazy("Cancelled")),
    ]

    def get_edit_handler(self):
        return ObjectList(event_panels(), base_form_class=EventAdminForm).bind_to_model(Event)

    def page_url_names(self) -> dict[str, str]:
        return {page.name: self.get_url_name(page.name) for page in EVENT_PAGES}

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(page_url_names=self.page_url_names(), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(
            attendance_url_name=self.get_url_name("attendance"),
            desk_url_name=self.get_url_name("desk"),
            **kwargs,
        )

    def event_view(self, view_class, **kwargs):
        return self.construct_view(
            view_class,
            index_url_name=self.get_url_name("index"),
            page_url_names=self.page_url_names(),
            **kwargs,
        )

    def get_urlpatterns(self):
        desk_urls = {
            "desk_url_name": self.get_url_name("desk"),
            "counts_url_name": self.get_url_name("desk_counts"),
        }
        return [
            *super().get_urlpatterns(),
            path(
                "<int:pk>/attendance/",
                self.event_view(AttendanceView, csv_url_name=self.get_url_name("csv")),
                name="attendance",
            ),
            path("<int:pk>/attendance/csv/", RegistrationsCSVView.as_view(), name="csv"),
            path(
                "<int:pk>/cancel/",
                self.event_view(CancelEventView, action_url_name=self.get_url_name("cancel")),
                name="cancel",
            ),
            path(
                "<int:pk>/announce/",
                self.event_view(AnnounceChangeView, action_url_name=self.get_url_name("announce")),
                name="announce",
            ),
            path("<int:pk>/desk/", self.event_view(CheckInDeskView, **desk_urls), name="desk"),
            path("<int:pk>/desk/counts/", CheckInCountsView.as_view(), name="desk_counts"),
        ]

    def get_permissions_to_register(self):
        return model_permissions(Event, ["add", "change", "delete", "view", CHECK_IN])


# --- Invite campaigns: prizes already drawn are kept ----------------------------------------------


class PrizesGiven(Exception):
    """A campaign edit refused under the lock (errors are on the form); nothing was saved."""


def prizes_given_message(given: int) -> str:
    return ngettext(
        "%(count)s of this prize was already won: the quantity cannot be lower.",
        "%(count)s of this prize were already won: the quantity cannot be lower.",
        given,
    ) % {"count": given}


class PrizeForm(WagtailAdminModelForm):
    """A prize in the campaign form: its quantity may not go below the draws already won, read from
    the database (the form never holds `given`: draws move it meanwhile)."""

    def clean(self):
        cleaned = super().clean()
        quantity = cleaned.get("quantity")
        if self.instance.pk and quantity is not None:
            given = Prize.objects.filter(pk=self.instance.pk).values_list("given", flat=True).first() or 0
            if quantity < given:
                self.add_error("quantity", prizes_given_message(given))
        return cleaned


class PrizeInlinePanel(InlinePanel):
    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = PrizeForm
        return options


def campaign_panels() -> list:
    """Campaign.panels, the prizes' InlinePanel made a PrizeInlinePanel with the same options."""
    return [
        PrizeInlinePanel(**panel.clone_kwargs())
        if isinstance(panel, InlinePanel) and panel.relation_name == "prizes"
        else panel
        for panel in Campaign.panels
    ]


def kept_rows_problems(form) -> list[str]:
    """Goals members reached and prizes already won stay: their rewards and draws are the
    campaign's record (a goal's removal would delete who reached it; a draw keeps its prize)."""
    problems = []
    goals = [f.instance for f in removed_forms(form.formsets["goals"])]
    reached = set(
        GoalReached.objects.filter(goal__in=[goal.pk for goal in goals]).values_list("goal_id", flat=True)
    )
    problems += [
        _("Members reached the goal of %(friends)s friends, so it stays.") % {"friends": goal.friends}
        for goal in goals
        if goal.pk in reached
    ]
    prizes = [f.instance for f in removed_forms(form.formsets["prizes"])]
    won = set(
        Prize.objects.filter(pk__in=[prize.pk for prize in prizes], given__gt=0).values_list("pk", flat=True)
    )
    problems += [
        _("“%(prize)s” was already won, so it stays.") % {"prize": prize.name}
        for prize in prizes
        if prize.pk in won
    ]
    return problems


class CampaignAdminForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        for problem in kept_rows_problems(self):
            self.add_error(None, problem)
        return cleaned


def keep_prizes_given(form) -> None:
    """Save the prizes with the draws the database holds, under a lock (as keep_seats_taken does
    for seats): lock the campaign, then its prizes in services.draw's order; a quantity below the
    prizes already won is refused on its field. Raises PrizesGiven when the edit is refused."""
    campaign = form.instance
    list(Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk"))
    current = dict(
        Prize.objects.select_for_update()
        .filter(campaign=campaign.pk)
        .order_by("pk")
        .values_list("pk", "given")
    )
    problems = kept_rows_problems(form)
    for problem in problems:
        form.add_error(None, problem)
    refused = bool(problems)
    formset = form.formsets["prizes"]
    removed = removed_forms(formset)
    for prize_form in formset.forms:
        prize = prize_form.instance
        if prize.pk is None or prize.pk not in current or prize_form in removed:
            continue
        prize.given = current[prize.pk]
        if prize.quantity < prize.given:
            prize_form.add_error("quantity", prizes_given_message(prize.given))
            refused = True
    if refused:
        raise PrizesGiven


class CampaignCreateView(BrandTimeZoneMixin, generic.CreateView):
    pass


class CampaignEditView(BrandTimeZoneMixin, RefusedUnderLockMixin, generic.EditView):
    refusal = PrizesGiven
    report_url_name = None

    def save_instance(self):
        keep_prizes_given(self.form)
        return super().save_instance()

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.report_url_name and self.user_has_permission("view"):
            buttons.append(
                HeaderButton(
                    _("Invitations and draws"),
                    url=reverse(self.report_url_name, args=(quote(self.object.pk),)),
                    icon_name="list-ul",
                    priority=10,
                )
            )
        return buttons


class CampaignDeleteView(ProtectedDeleteView):
    """A campaign with invitations or draws is the record of rewards given: it is kept."""

    protected_message = gettext_lazy(
        "Friends were invited through “%(name)s”, so it is kept as the record of its rewards and "
        "draws: untick “published” instead."
    )

    def form_valid(self, form):
        if self.object.invitations.exists() or self.object.draws.exists():
            messages.error(self.request, self.protected_message % {"name": str(self.object)})
            return redirect(self.index_url_name)
        return super().form_valid(form)


class CampaignIndexView(generic.IndexView):
    report_url_name = None

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(
                invited=Count("invitations", distinct=True),
                counted=Count(
                    "invitations", filter=Q(invitations__qualified_at__isnull=False), distinct=True
                ),
                draw_count=Count("draws", distinct=True),
            )
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.report_url_name and self.user_has_permission("view"):
            buttons.append(
                MenuItem(
                    _("Invitations and draws"),
                    url=reverse(self.report_url_name, args=(instance.pk,)),
                    icon_name="list-ul",
                    priority=5,
                )
            )
        return buttons


def masked_friend(user) -> str:
    """A friend as the staff list shows them: "m***@example.com" (enough to tell friends apart)."""
    email = (user.email or "").strip()
    if "@" in email:
        local, _at, domain = email.partition("@")
        return f"{local[:1]}***@{domain}"
    name = user.get_username() or ""
    return f"{name[:1]}***"


def odds_text(odds, prize_names: dict) -> str:
    """ "Mug 3 · Tote bag 1 · No prize 6 (of 10)"."""
    rows, total = [], 0
    for prize_pk, weight in odds or []:
        name = _("No prize") if prize_pk is None else prize_names.get(prize_pk, f"#{prize_pk}")
        rows.append(f"{name} {weight}")
        total += weight
    return _("%(odds)s (of %(total)s)") % {"odds": " · ".join(rows), "total": total} if rows else "—"


class CampaignReportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A campaign's invitations (who invited whom, and whether the friend counts yet), the goals
    members reached, and every lottery draw with its seed and odds, replayed (services.replay) to
    show that it gives the prize recorded."""

    model = Campaign
    permission_required = "view"
    template_name = "events/admin/campaign_report.html"
    page_title = gettext_lazy("Invitations and draws")
    header_icon = "group"
    index_url_name = None

    @cached_property
    def campaign(self) -> Campaign:
        return get_object_or_404(Campaign, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.campaign.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Invite campaigns")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        campaign, get = self.campaign, self.request.GET
        prize_names = dict(Prize.objects.filter(campaign=campaign).values_list("pk", "name"))
        invitations = Paginator(selectors.campaign_invitations(campaign), CAMPAIGN_PAGE_SIZE).get_page(
            get.get("invitations_page")
        )
        reached = Paginator(selectors.campaign_goals_reached(campaign), CAMPAIGN_PAGE_SIZE).get_page(
            get.get("goals_page")
        )
        draws = Paginator(selectors.campaign_draws(campaign), CAMPAIGN_PAGE_SIZE).get_page(
            get.get("draws_page")
        )
        return super().get_context_data(
            campaign=campaign,
            invitations=invitations,
            invitation_rows=[
                {
                    "inviter": invitation.inviter.user.email,
                    "inviter_code": invitation.inviter.code,
                    "friend": masked_friend(invitation.friend),
                    "signed_up": brand_time(invitation.signed_up_at),
                    "counted": brand_time(invitation.qualified_at),
                }
                for invitation in invitations
            ],
            reached=reached,
            reached_rows=[
                {
                    "member": row.member.user.email,
                    "goal": row.goal,
                    "at": brand_time(row.at),
                }
                for row in reached
            ],
            draws=draws,
            draw_rows=[
                {
                    "draw": draw,
                    "member": draw.member.user.email,
                    "at": brand_time(draw.at),
                    "odds": odds_text(draw.odds, prize_names),
                    "prize": draw.prize.name if draw.prize else _("No prize"),
                    "matches": services.replay(draw) == draw.prize_id,
                }
                for draw in draws
            ],
            goals=list(CampaignGoal.objects.filter(campaign=campaign).order_by("friends")),
            prizes=list(Prize.objects.filter(campaign=campaign).order_by("sort_order", "pk")),
            **kwargs,
        )


def campaign_dates(campaign) -> str:
    return f"{brand_time(campaign.starts_at)} – {brand_time(campaign.ends_at)}"


class CampaignViewSet(ModelViewSet):
    """Events → Invite campaigns: edited with Campaign.panels (goals and prizes inline)."""

    model = Campaign
    url_prefix = "events/campaigns"
    icon = "group"
    menu_label = gettext_lazy("Invite campaigns")
    copy_view_enabled = False  # the slug is unique and a prize's draws would be copied
    index_view_class = CampaignIndexView
    add_view_class = CampaignCreateView
    edit_view_class = CampaignEditView
    delete_view_class = CampaignDeleteView
    search_fields = ["title", "summary"]
    list_filter = ["is_published"]
    list_display = [
        "title",
        Column("dates", label=gettext_lazy("Runs"), accessor=campaign_dates, sort_key="starts_at"),
        Column("invited", label=gettext_lazy("Friends invited"), sort_key="invited"),
        Column("counted", label=gettext_lazy("Friends counted")),
        Column("draw_count", label=gettext_lazy("Draws")),
        BooleanColumn("is_published", label=gettext_lazy("Published")),
    ]

    def get_edit_handler(self):
        return ObjectList(campaign_panels(), base_form_class=CampaignAdminForm).bind_to_model(Campaign)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(report_url_name=self.get_url_name("report"), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(report_url_name=self.get_url_name("report"), **kwargs)

    def get_urlpatterns(self):
        report = self.construct_view(CampaignReportView, index_url_name=self.get_url_name("index"))
        return [*super().get_urlpatterns(), path("<int:pk>/report/", report, name="report")]

    def get_permissions_to_register(self):
        return model_permissions(Campaign, ["add", "change", "delete", "view"])


# --- The menu ------------------------------------------------------------------------------------


class EventsGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Events")
    menu_icon = "date"
    menu_order = 340
    items = (EventViewSet("events_event"), CampaignViewSet("events_campaign"))


@hooks.register("register_admin_viewset")
def register_events_admin():
    return EventsGroup()
