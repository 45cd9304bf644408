"""Requests in the brand admin (Wagtail), under "Service": the queue of requests (filters, search,
bulk assign and close, CSV), a request's page (the whole conversation with internal notes and
attachments, the customer's answers and contact, the history and the service level due times,
with forms to reply, add a note, change the status, assign, set the priority and tags, and
escalate), "New request" for staff taking a request by phone, WeChat or in store, the
satisfaction (CSAT) report, request types (their form fields and service level targets inline)
and teams. Each tenant's admin reads its own schema, so staff only ever see their brand's requests.

Every view states its permission (the ticket's permission policy knows `work_ticket`):

| screen | needs |
|---|---|
| requests queue, a request's page | `service.view_ticket` or `service.work_ticket` |
| queue CSV (the queue's filters and search applied) | `service.view_ticket` |
| a request's forms (reply, note, status, assign, priority, tags, escalate: POST only) | `service.work_ticket` |
| bulk assign and close (POST only), new request | `service.work_ticket` |
| satisfaction report (and its menu item) | `service.view_ticket` |
| request types list / new / edit / delete | any of `service.*_requesttype` / `add_` / `change_` / `delete_` |
| teams list / new / edit / delete | any of `service.*_team` / `add_` / `change_` / `delete_` |

Every change to a request goes through service.services, which lock the ticket, write its history
(TicketEvent, with the acting staff member) and tell whoever is to be told through the outbox; a
refusal (TicketError) comes back as an error message and changes nothing. Notifications link staff
to a request's page: /admin/service/tickets/<pk>/.

The satisfaction report's figures are aggregate queries (GROUP BY in the database) over the
ratings of the last 12 months, whose months are the brand's (core.language.tenant_time_zone).
"""

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Func, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView, View
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BaseColumn, BooleanColumn, Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from core.admin import (
    ModelAndCustomPermissionPolicy,
    ProtectedDeleteView,
    ReadOnlyViewSetMixin,
    RefreshesPortalCache,
    model_permissions,
)
from core.csv import CsvOnlyExportMixin, SafeCSVExportMixin
from knowledge.analytics import (
    CHART_HEIGHT,
    CHART_LABELS,
    CHART_WIDTH,
    NO_VALUE,
    brand_time,
    brand_zone,
    number,
)
from service import selectors, services
from service.models import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENTS_PER_MESSAGE,
    Priority,
    RequestType,
    Team,
    Ticket,
    TicketEvent,
)
from service.services import TicketError
from service.services.tickets import TRANSITIONS

WORK_TICKET = "work_ticket"  # service.work_ticket (Ticket.Meta.permissions)
Status = Ticket.Status
SOLVED = (Status.RESOLVED, Status.CLOSED)
CSAT_MONTHS = 12
RECENT_RATINGS = 20

ticket_policy = ModelAndCustomPermissionPolicy(Ticket)
register_permission_policy(Ticket, ticket_policy)


def staff_users():
    """Who requests can be assigned to: active staff (services.assign_ticket refuses anyone else)."""
    return (
        get_user_model()
        .objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
        .order_by("username", "pk")
    )


def staff_name(user) -> str:
    if user is None:
        return ""
    full_name = user.get_full_name()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return staff_name(obj)


def overdue_condition(now) -> Q:
    """Ticket.overdue() as a query: still open, and no first answer by its due time or not resolved
    by its due time."""
    late = Q(first_responded_at__isnull=True, first_response_due_at__lt=now) | Q(resolution_due_at__lt=now)
    return late & ~Q(status__in=SOLVED)


def assigned_text(ticket: Ticket) -> str:
    """ "Li Wei (liwei) · After-sales", either part alone, or a dash."""
    parts = [
        staff_name(ticket.assignee) if ticket.assignee_id else "",
        ticket.team.name if ticket.team_id else "",
    ]
    return " · ".join(part for part in parts if part) or "—"


# --- Request types and teams ---------------------------------------------------------------------


class RequestTypeDeleteView(ProtectedDeleteView):
    refreshes_portal_cache = True  # request form blocks and the service entry show the types
    protected_message = gettext_lazy(
        "“%(name)s” has requests, so it is kept: untick “accepting requests” to stop new ones."
    )


def sla_duplicates_message(priority: str) -> str:
    return _("There is more than one target for the priority “%(priority)s”: keep one.") % {
        "priority": Priority(priority).label
    }


class RequestTypeAdminForm(WagtailAdminModelForm):
    """RequestType.panels' form: one service level target per priority (the database's unique
    constraint; the inline forms do not check it, since the type is not one of their fields)."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets["sla_targets"]
        seen = set()
        for form in formset.forms:
            form.is_valid()  # cleans it once (cached): the formset is validated after this form
            data = getattr(form, "cleaned_data", None) or {}
            priority = data.get("priority")
            if not priority or data.get("DELETE"):
                continue
            if priority in seen:
                form.add_error("priority", sla_duplicates_message(priority))
            seen.add(priority)
        return cleaned


class RequestTypeCreateView(RefreshesPortalCache, generic.CreateView):
    pass


class RequestTypeEditView(RefreshesPortalCache, generic.EditView):
    pass


class RequestTypeViewSet(ModelViewSet):
    """Service → Request types: the forms customers send (RequestType.panels: form fields and
    service level targets inline)."""

    model = RequestType
    url_prefix = "service/request-types"
    icon = "form"
    menu_label = gettext_lazy("Request types")
    add_to_reference_index = False
    copy_view_enabled = False  # the slug is unique: a copy could not be saved as it is
    delete_view_class = RequestTypeDeleteView
    add_view_class = RequestTypeCreateView
    edit_view_class = RequestTypeEditView
    search_fields = ["name", "slug"]
    list_filter = ["kind", "is_active"]
    list_display = [
        "name",
        Column("kind", label=gettext_lazy("Kind"), accessor="get_kind_display", sort_key="kind"),
        Column("audience", label=gettext_lazy("Who may send it"), accessor="get_audience_display"),
        BooleanColumn("is_active", label=gettext_lazy("Accepting requests")),
    ]

    def get_edit_handler(self):
        return ObjectList(RequestType.panels, base_form_class=RequestTypeAdminForm).bind_to_model(RequestType)

    def get_permissions_to_register(self):
        return model_permissions(RequestType, ["add", "change", "delete", "view"])


class TeamAdminForm(WagtailAdminModelForm):
    """A team's members are staff (and whoever is in it already, so an edit never drops them
    silently)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = Q(is_staff=True) | Q(is_superuser=True)
        if self.instance.pk:
            members |= Q(pk__in=self.instance.members.all())
        self.fields["members"].queryset = (
            get_user_model().objects.filter(members, is_active=True).order_by("username", "pk")
        )


def team_panels() -> list:
    """Team.panels, the members as checkboxes."""
    return [
        FieldPanel("members", widget=forms.CheckboxSelectMultiple)
        if isinstance(panel, FieldPanel) and panel.field_name == "members"
        else panel
        for panel in Team.panels
    ]


class TeamIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(member_count=Count("members", distinct=True))


class TeamViewSet(ModelViewSet):
    """Service → Teams: groups of staff requests go to (a request type's team, escalations)."""

    model = Team
    url_prefix = "service/teams"
    icon = "group"
    menu_label = gettext_lazy("Teams")
    add_to_reference_index = False
    copy_view_enabled = False  # the name is unique
    index_view_class = TeamIndexView
    search_fields = ["name"]
    list_display = ["name", Column("member_count", label=gettext_lazy("Staff"), sort_key="member_count")]

    def get_edit_handler(self):
        return ObjectList(team_panels(), base_form_class=TeamAdminForm).bind_to_model(Team)

    def get_permissions_to_register(self):
        return model_permissions(Team, ["add", "change", "delete", "view"])


# --- The queue ------------------------------------------------------------------------------------


def tag_choices():
    """Every tag in use, once, in order (one query)."""
    tags = (
        Ticket.objects.annotate(tag=Func(F("tags"), function="unnest"))
        .values_list("tag", flat=True)
        .distinct()
        .order_by("tag")
    )
    return [(tag, tag) for tag in tags]


OPEN_ANY = "unsolved"


class TicketFilterSet(WagtailFilterSet):
    assigned = ChoiceFilter(
        label=gettext_lazy("Assigned"),
        choices=[("me", gettext_lazy("To me")), ("nobody", gettext_lazy("To nobody"))],
        method="filter_assigned",
        empty_label=gettext_lazy("Anyone or nobody"),
    )
    overdue = ChoiceFilter(
        label=gettext_lazy("Service level"),
        choices=[("yes", gettext_lazy("Overdue")), ("no", gettext_lazy("On time"))],
        method="filter_overdue",
        empty_label=gettext_lazy("All"),
    )
    status = ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=[(OPEN_ANY, gettext_lazy("Not solved yet")), *Status.choices],
        method="filter_status",
        empty_label=gettext_lazy("All"),
    )
    priority = ChoiceFilter(
        label=gettext_lazy("Priority"), choices=Priority.choices, empty_label=gettext_lazy("All")
    )
    request_type = ModelChoiceFilter(
        label=gettext_lazy("Request type"),
        queryset=RequestType.objects.order_by("sort_order", "name"),
        empty_label=gettext_lazy("All"),
    )
    team = ModelChoiceFilter(
        label=gettext_lazy("Team"), queryset=Team.objects.order_by("name"), empty_label=gettext_lazy("All")
    )
    tag = ChoiceFilter(
        label=gettext_lazy("Tag"), choices=tag_choices, method="filter_tag", empty_label=gettext_lazy("All")
    )

    class Meta:
        model = Ticket
        fields = ["priority", "request_type", "team"]

    def filter_assigned(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assignee=self.request.user)
        if value == "nobody":
            return queryset.filter(assignee__isnull=True)
        return queryset

    def filter_overdue(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(overdue_condition(timezone.now()))
        if value == "no":
            return queryset.exclude(overdue_condition(timezone.now()))
        return queryset

    def filter_status(self, queryset, name, value):
        if value == OPEN_ANY:
            return queryset.exclude(status__in=SOLVED)
        return queryset.filter(status=value) if value else queryset

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__contains=[value]) if value else queryset


class CheckboxColumn(BaseColumn):
    """A checkbox per row that belongs to the bulk form below the list (its `form` attribute), so
    the list's filters can refresh the rows without losing the form."""

    header_template_name = "service/admin/tickets/select_all_cell.html"
    cell_template_name = "service/admin/tickets/checkbox_cell.html"


class OverdueColumn(Column):
    cell_template_name = "service/admin/tickets/overdue_cell.html"


def yes_no(value: bool) -> str:
    return _("Yes") if value else ""


def csv_time(value) -> str:
    """A moment in the brand's time zone for spreadsheets: "2030-05-01 14:00"."""
    if value is None:
        return ""
    return timezone.localtime(value, brand_zone()).strftime("%Y-%m-%d %H:%M")


class TicketIndexView(CsvOnlyExportMixin, SafeCSVExportMixin, generic.IndexView):
    """The queue, the last updated first. The CSV download (`?export=csv`) holds the requests the
    filters and search give, every page of them, for staff who may view requests."""

    any_permission_required = ["view", WORK_TICKET]
    page_title = gettext_lazy("Requests")
    default_ordering = "-updated_at"
    detail_url_name = None
    bulk_url_name = None
    new_url_name = None
    FORMATS = ("csv",)
    list_export = [
        "number",
        "created",
        "updated",
        "type",
        "subject",
        "status",
        "priority",
        "channel",
        "name",
        "email",
        "phone",
        "account",
        "assignee",
        "team",
        "tags",
        "order_number",
        "first_response_due",
        "first_responded",
        "resolution_due",
        "resolved",
        "overdue",
        "rating",
    ]

    @cached_property
    def export_headings(self):
        zone = str(brand_zone())
        return {
            "number": _("Number"),
            "created": _("Received (%(zone)s)") % {"zone": zone},
            "updated": _("Updated (%(zone)s)") % {"zone": zone},
            "type": _("Request type"),
            "subject": _("Subject"),
            "status": _("Status"),
            "priority": _("Priority"),
            "channel": _("Channel"),
            "name": _("Name"),
            "email": _("E-mail"),
            "phone": _("Phone"),
            "account": _("Customer account"),
            "assignee": _("Assignee"),
            "team": _("Team"),
            "tags": _("Tags"),
            "order_number": _("Order number"),
            "first_response_due": _("First response due (%(zone)s)") % {"zone": zone},
            "first_responded": _("First response (%(zone)s)") % {"zone": zone},
            "resolution_due": _("Resolution due (%(zone)s)") % {"zone": zone},
            "resolved": _("Resolved (%(zone)s)") % {"zone": zone},
            "overdue": _("Overdue"),
            "rating": _("Satisfaction (1–5)"),
        }

    def get(self, request, *args, **kwargs):
        if self.is_export and not self.may_export:
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    @cached_property
    def may_export(self) -> bool:
        return self.user_has_permission("view")

    @cached_property
    def may_work(self) -> bool:
        return self.user_has_permission(WORK_TICKET)

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.new_url_name and self.may_work:
            buttons.append(
                HeaderButton(_("New request"), url=reverse(self.new_url_name), icon_name="plus", priority=10)
            )
        return buttons

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("request_type", "user", "assignee", "team")

    def search_queryset(self, queryset):
        """Subject, the customer's name, e-mail, phone or account, the order number, or the request's
        number ("#12" or "12")."""
        if not self.is_searching:
            return queryset
        text = self.search_query.strip()
        condition = Q()
        for field in (
            "subject",
            "name",
            "email",
            "phone",
            "order_number",
            "user__email",
            "user__username",
        ):
            condition |= Q(**{f"{field}__icontains": text})
        digits = text.removeprefix("#")
        if digits.isdigit() and len(digits) <= 12:
            condition |= Q(pk=int(digits))
        return queryset.filter(condition)

    @cached_property
    def now(self):
        """One moment for the whole listing: every row's "Overdue" is judged at the same time."""
        return timezone.now()

    def to_row_dict(self, item):
        return {
            "number": item.number,
            "created": csv_time(item.created_at),
            "updated": csv_time(item.updated_at),
            "type": item.request_type.name,
            "subject": item.subject,
            "status": item.get_status_display(),
            "priority": item.get_priority_display(),
            "channel": item.get_channel_display(),
            "name": item.name,
            "email": item.email,
            "phone": item.phone,
            "account": item.user.get_username() if item.user_id else "",
            "assignee": item.assignee.get_username() if item.assignee_id else "",
            "team": item.team.name if item.team_id else "",
            "tags": ", ".join(item.tags),
            "order_number": item.order_number,
            "first_response_due": csv_time(item.first_response_due_at),
            "first_responded": csv_time(item.first_responded_at),
            "resolution_due": csv_time(item.resolution_due_at),
            "resolved": csv_time(item.resolved_at),
            "overdue": yes_no(item.overdue(self.now)),
            "rating": item.rating if item.rating is not None else "",
        }

    def get_detail_url(self, ticket) -> str:
        return reverse(self.detail_url_name, args=(ticket.pk,))

    @cached_property
    def columns(self):
        now = self.now
        checkbox = [CheckboxColumn("select", label=_("Select"))] if self.may_work else []
        return [
            *checkbox,
            TitleColumn(
                "number",
                label=gettext_lazy("Number"),
                get_url=self.get_detail_url,
                sort_key="id",
                accessor="number",
            ),
            Column("subject", label=gettext_lazy("Subject")),
            Column("type", label=gettext_lazy("Type"), accessor=lambda ticket: ticket.request_type.name),
            Column("customer", label=gettext_lazy("Customer"), accessor="contact"),
            StatusTagColumn(
                "status",
                label=gettext_lazy("Status"),
                accessor="get_status_display",
                primary=lambda ticket: ticket.is_open,
                sort_key="status",
            ),
            Column("priority", label=gettext_lazy("Priority"), accessor="get_priority_display"),
            Column("assigned", label=gettext_lazy("Assignee / team"), accessor=assigned_text),
            Column(
                "updated_at",
                label=gettext_lazy("Updated"),
                accessor=lambda ticket: brand_time(ticket.updated_at),
                sort_key="updated_at",
            ),
            OverdueColumn(
                "overdue",
                label=gettext_lazy("Service level"),
                accessor=lambda ticket: ticket.overdue(now),
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.may_work and self.bulk_url_name and not self.results_only:
            context["bulk_url"] = reverse(self.bulk_url_name)
            context["assignees"] = [(user.pk, staff_name(user)) for user in staff_users()]
        return context


# --- Bulk assign and close -------------------------------------------------------------------------


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[("assign", "assign"), ("close", "close")])
    ticket = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)
    assignee = StaffChoiceField(queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()
        self.fields["ticket"].choices = [(value, value) for value in self.data.getlist("ticket")]

    def clean_ticket(self):
        pks = self.cleaned_data["ticket"]
        if not pks:
            raise forms.ValidationError(_("Select at least one request."))
        return pks

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") == "assign"
            and not cleaned.get("assignee")
            and "assignee" not in self.errors
        ):
            self.add_error("assignee", _("Choose who the requests go to."))
        return cleaned


class BulkTicketView(PermissionCheckedMixin, View):
    """Assign the chosen requests to a member of staff (services.bulk_assign_tickets), or close them
    (services.bulk_close_tickets). POST only; each request keeps its own history."""

    model = Ticket
    permission_required = WORK_TICKET
    http_method_names = ["post"]
    index_url_name = None

    def post(self, request):
        form = BulkForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return self.back()
        tickets = list(Ticket.objects.filter(pk__in=form.cleaned_data["ticket"]).order_by("pk"))
        if not tickets:
            messages.error(request, _("Select at least one request."))
            return self.back()
        try:
            if form.cleaned_data["action"] == "assign":
                assignee = form.cleaned_data["assignee"]
                count = services.bulk_assign_tickets(tickets, assignee=assignee, acting_user=request.user)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s request assigned to %(name)s.",
                        "%(count)s requests assigned to %(name)s.",
                        count,
                    )
                    % {"count": count, "name": staff_name(assignee)},
                )
            else:
                count = services.bulk_close_tickets(tickets, acting_user=request.user)
                messages.success(
                    request,
                    ngettext("%(count)s request closed.", "%(count)s requests closed.", count)
                    % {"count": count},
                )
        except TicketError as refusal:
            messages.error(request, str(refusal))
        return self.back()

    def back(self):
        target = self.request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return redirect(target)
        return redirect(self.index_url_name)


# --- A request's page and its forms -----------------------------------------------------------------


class ReplyForm(forms.Form):
    THEN = [
        ("", gettext_lazy("Keep the status")),
        (Status.WAITING, gettext_lazy("Waiting on customer")),
        (Status.RESOLVED, gettext_lazy("Resolved")),
    ]

    body = forms.CharField(
        label=gettext_lazy("Reply to the customer"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    then = forms.ChoiceField(label=gettext_lazy("Then set the status"), choices=THEN, required=False)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Internal note"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Only staff see it."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Status.choices)

    def __init__(self, *args, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        if ticket is not None:
            allowed = {ticket.status, *TRANSITIONS[Status(ticket.status)]}
            self.fields["status"].choices = [choice for choice in Status.choices if choice[0] in allowed]
            self.fields["status"].initial = ticket.status


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label=gettext_lazy("Assignee"), queryset=None, required=False, empty_label=gettext_lazy("Nobody")
    )
    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"), queryset=None, required=False, empty_label=gettext_lazy("No team")
    )

    def __init__(self, *args, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()
        self.fields["team"].queryset = Team.objects.order_by("name")
        if ticket is not None:
            self.fields["assignee"].initial = ticket.assignee_id
            self.fields["team"].initial = ticket.team_id


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), choices=Priority.choices)

    def __init__(self, *args, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        if ticket is not None:
            self.fields["priority"].initial = ticket.priority


class TagsForm(forms.Form):
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Separated by commas, e.g. “zip, warranty”."),
    )

    def __init__(self, *args, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        if ticket is not None:
            self.fields["tags"].initial = ", ".join(ticket.tags)


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why escalate?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept as an internal note; the escalation team is alerted."),
    )


def _reply(ticket, data, request) -> str:
    services.reply_to_ticket(
        ticket,
        data["body"],
        files=request.FILES.getlist("files"),
        status=data["then"] or None,
        acting_user=request.user,
    )
    return _("Your reply to %(number)s is sent.") % {"number": ticket.number}


def _note(ticket, data, request) -> str:
    services.add_note(ticket, data["body"], files=request.FILES.getlist("files"), acting_user=request.user)
    return _("Note added to %(number)s.") % {"number": ticket.number}


def _status(ticket, data, request) -> str:
    ticket = services.change_ticket_status(ticket, data["status"], acting_user=request.user)
    return _("Request %(number)s is now “%(status)s”.") % {
        "number": ticket.number,
        "status": ticket.get_status_display(),
    }


def _assign(ticket, data, request) -> str:
    ticket = services.assign_ticket(
        ticket, assignee=data["assignee"], team=data["team"], acting_user=request.user
    )
    return _("Request %(number)s: %(assigned)s.") % {
        "number": ticket.number,
        "assigned": assigned_text(ticket),
    }


def _priority(ticket, data, request) -> str:
    ticket = services.set_ticket_priority(ticket, data["priority"], acting_user=request.user)
    return _("Request %(number)s is now of “%(priority)s” priority.") % {
        "number": ticket.number,
        "priority": ticket.get_priority_display(),
    }


def _tags(ticket, data, request) -> str:
    services.set_ticket_tags(ticket, data["tags"], acting_user=request.user)
    return _("Tags of %(number)s saved.") % {"number": ticket.number}


def _escalate(ticket, data, request) -> str:
    services.escalate_ticket(ticket, data["reason"], acting_user=request.user)
    return _("Request %(number)s is escalated.") % {"number": ticket.number}


@dataclass(frozen=True)
class TicketAction:
    """A form on the request's page: its service call (which returns the success message or raises
    TicketError) and when it is offered."""

    name: str
    form_class: type[forms.Form]
    run: Callable  # (ticket, cleaned_data, request) -> str
    submit_label: str
    offered: Callable[[Ticket], bool] = lambda ticket: True
    with_ticket: bool = False  # the form takes the ticket for its choices and initial values
    with_files: bool = False


TICKET_ACTIONS = [
    TicketAction(
        "reply",
        ReplyForm,
        _reply,
        gettext_lazy("Send reply"),
        lambda ticket: ticket.status != Status.CLOSED,
        with_files=True,
    ),
    TicketAction("note", NoteForm, _note, gettext_lazy("Add note"), with_files=True),
    TicketAction(
        "status",
        StatusForm,
        _status,
        gettext_lazy("Change status"),
        lambda ticket: bool(TRANSITIONS[Status(ticket.status)]),
        with_ticket=True,
    ),
    TicketAction("assign", AssignForm, _assign, gettext_lazy("Assign"), with_ticket=True),
    TicketAction("priority", PriorityForm, _priority, gettext_lazy("Set priority"), with_ticket=True),
    TicketAction("tags", TagsForm, _tags, gettext_lazy("Save tags"), with_ticket=True),
    TicketAction(
        "escalate", EscalateForm, _escalate, gettext_lazy("Escalate"), lambda ticket: ticket.is_open
    ),
]
ACTIONS_BY_NAME = {action.name: action for action in TICKET_ACTIONS}


def make_form(action: TicketAction, ticket: Ticket, data=None) -> forms.Form:
    kwargs = {"ticket": ticket} if action.with_ticket else {}
    return action.form_class(data, prefix=action.name, **kwargs)


def history_value(event: TicketEvent, value: str) -> str:
    labels = {
        TicketEvent.Action.CREATED: Status,
        TicketEvent.Action.STATUS: Status,
        TicketEvent.Action.PRIORITY: Priority,
    }.get(event.action)
    if labels is not None and value in labels.values:
        return str(labels(value).label)
    return value


def message_author(message, ticket: Ticket) -> str:
    if message.from_staff:
        return staff_name(message.author) or _("Staff")
    return ticket.contact or _("Customer")


class TicketDetailView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A request: the conversation with internal notes and attachments, the customer's answers and
    contact, the service level due times, the history, and for staff who work requests, the forms
    that change it."""

    model = Ticket
    any_permission_required = ["view", WORK_TICKET]
    template_name = "service/admin/tickets/detail.html"
    header_icon = "help"
    index_url_name = None
    action_url_names: dict[str, str] = {}

    @cached_property
    def ticket(self) -> Ticket:
        # Read after the permission check, so a refused user learns nothing about the request.
        ticket = selectors.staff_ticket(self.kwargs["pk"])
        if ticket is None:
            raise Http404
        return ticket

    def get_page_title(self):
        return _("Request %(number)s") % {"number": self.ticket.number}

    def get_page_subtitle(self):
        return self.ticket.subject

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Requests")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, bound_forms=None, **kwargs):
        ticket, now = self.ticket, timezone.now()
        bound_forms = bound_forms or {}
        forms_shown = []
        if self.user_has_permission(WORK_TICKET):
            forms_shown = [
                {
                    "action": action,
                    "form": bound_forms.get(action.name) or make_form(action, ticket),
                    "url": reverse(self.action_url_names[action.name], args=(ticket.pk,)),
                }
                for action in TICKET_ACTIONS
                if action.name in self.action_url_names and action.offered(ticket)
            ]
        return super().get_context_data(
            ticket=ticket,
            conversation=[
                {
                    "message": message,
                    "author": message_author(message, ticket),
                    "at": brand_time(message.created_at),
                    "attachments": list(message.attachments.all()),
                }
                for message in ticket.messages.all()
            ],
            answers=[
                {"label": answer.get("label", ""), "value": answer.get("value", "")}
                for answer in ticket.answers or []
                if isinstance(answer, dict)
            ],
            assigned=assigned_text(ticket),
            assignee=staff_name(ticket.assignee) if ticket.assignee_id else "",
            account=ticket.user.get_username() if ticket.user_id else "",
            received=brand_time(ticket.created_at),
            updated=brand_time(ticket.updated_at),
            sla={
                "first_response_due": brand_time(ticket.first_response_due_at),
                "first_responded": brand_time(ticket.first_responded_at),
                "first_response_late": bool(
                    ticket.first_responded_at is None
                    and ticket.first_response_due_at
                    and ticket.first_response_due_at < now
                ),
                "resolution_due": brand_time(ticket.resolution_due_at),
                "resolved": brand_time(ticket.resolved_at),
                "resolution_late": bool(
                    ticket.is_open and ticket.resolution_due_at and ticket.resolution_due_at < now
                ),
                "closed": brand_time(ticket.closed_at),
                "escalated": brand_time(ticket.escalated_at),
            },
            overdue=ticket.overdue(now),
            rated=brand_time(ticket.rated_at),
            history=[
                {
                    "event": event,
                    "at": brand_time(event.created_at),
                    "actor": staff_name(event.actor) if event.actor_id else "",
                    "old": history_value(event, event.old_value),
                    "new": history_value(event, event.new_value),
                }
                for event in ticket.events.all()
            ],
            forms=forms_shown,
            max_files=ATTACHMENTS_PER_MESSAGE,
            max_file_mb=ATTACHMENT_MAX_BYTES // (1024 * 1024),
            time_zone=str(brand_zone()),
            **kwargs,
        )


class TicketActionView(TicketDetailView):
    """One form of the request's page (POST only): its service makes the change, or refuses with a
    message and nothing changes; the page comes back with what was typed."""

    any_permission_required = None
    permission_required = WORK_TICKET
    http_method_names = ["post"]
    action: TicketAction | None = None
    detail_url_name = None

    def post(self, request, pk):
        action, ticket = self.action, self.ticket
        form = make_form(action, ticket, request.POST)
        if not action.offered(ticket):
            messages.error(request, _("Request %(number)s cannot take that now.") % {"number": ticket.number})
            return redirect(self.detail_url_name, pk)
        if form.is_valid():
            try:
                done = action.run(ticket, form.cleaned_data, request)
            except TicketError as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, done)
                return redirect(self.detail_url_name, pk)
        else:
            messages.error(request, _("Nothing was changed: check the form."))
        return self.render_to_response(self.get_context_data(bound_forms={action.name: form}))


# --- New request (taken by phone, WeChat, in store ...) ---------------------------------------------


class NewRequestForm(forms.Form):
    request_type = forms.ModelChoiceField(label=gettext_lazy("Request type"), queryset=None)
    channel = forms.ChoiceField(
        label=gettext_lazy("Received by"),
        choices=[choice for choice in Ticket.Channel.choices if choice[0] != Ticket.Channel.PORTAL],
        initial=Ticket.Channel.PHONE,
    )
    customer = forms.CharField(
        label=gettext_lazy("Customer's account"),
        max_length=254,
        required=False,
        help_text=gettext_lazy(
            "Their e-mail address or username, if they have an account: they then follow the request "
            "in My account."
        ),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False)
    order_number = forms.CharField(label=gettext_lazy("Order number"), max_length=40, required=False)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    message = forms.CharField(
        label=gettext_lazy("What the customer asked"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    # Made when the form is shown: the same form sent twice for a customer with an account is one request.
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request_type"].queryset = RequestType.objects.order_by("sort_order", "name")
        self.fields["key"].initial = uuid.uuid4().hex

    def clean_customer(self):
        text = self.cleaned_data["customer"].strip()
        if not text:
            return None
        matches = list(
            get_user_model()
            .objects.filter(Q(email__iexact=text) | Q(username__iexact=text), is_active=True)
            .order_by("pk")[:2]
        )
        if not matches:
            raise forms.ValidationError(_("No customer account has this e-mail address or username."))
        if len(matches) > 1:
            raise forms.ValidationError(_("More than one account matches: give the username."))
        return matches[0]

    def clean(self):
        cleaned = super().clean()
        if "customer" in cleaned and not (
            cleaned.get("customer") or cleaned.get("email") or cleaned.get("phone")
        ):
            self.add_error(
                None, _("Find the customer's account, or give their e-mail address or phone number.")
            )
        return cleaned


class NewRequestView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """A request staff take on the customer's behalf (services.submit_request with the channel and
    the staff member as the one who acted)."""

    model = Ticket
    permission_required = WORK_TICKET
    form_class = NewRequestForm
    template_name = "service/admin/tickets/new.html"
    page_title = gettext_lazy("New request")
    header_icon = "plus"
    index_url_name = None
    detail_url_name = None

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Requests")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=self.request.path,
            submit_button_label=_("Add to the queue"),
            submit_button_active_label=_("Adding…"),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        customer = data["customer"]
        try:
            ticket = services.submit_request(
                data["request_type"],
                subject=data["subject"],
                message=data["message"],
                user=customer,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                order_number=data["order_number"],
                channel=data["channel"],
                idempotency_key=f"staff:{data['key']}" if customer and data["key"] else "",
                acting_user=self.request.user,
            )
        except TicketError as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        messages.success(self.request, _("Request %(number)s is in the queue.") % {"number": ticket.number})
        return redirect(self.detail_url_name, ticket.pk)


class TicketViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """Service → Requests. Requests come in from the portal (or "New request") and change only
    through the services (the forms on a request's page, the bulk actions), so there is no add,
    edit or delete here."""

    model = Ticket
    url_prefix = "service/tickets"
    icon = "help"
    menu_label = gettext_lazy("Requests")
    inspect_view_enabled = False  # the request's own page shows more, with its forms
    kept_urls = ("index", "index_results")
    index_view_class = TicketIndexView
    index_template_name = "service/admin/tickets/index.html"
    filterset_class = TicketFilterSet
    search_fields = ["subject", "name", "email"]  # and more: TicketIndexView.search_queryset
    search_backend_name = None
    export_filename = "requests"

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            detail_url_name=self.get_url_name("detail"),
            bulk_url_name=self.get_url_name("bulk"),
            new_url_name=self.get_url_name("new"),
            **kwargs,
        )

    def action_urls(self) -> dict[str, str]:
        return {action.name: self.get_url_name(action.name) for action in TICKET_ACTIONS}

    @property
    def detail_view(self):
        return TicketDetailView.as_view(
            index_url_name=self.get_url_name("index"), action_url_names=self.action_urls()
        )

    def action_view(self, action: TicketAction):
        return TicketActionView.as_view(
            action=action,
            index_url_name=self.get_url_name("index"),
            action_url_names=self.action_urls(),
            detail_url_name=self.get_url_name("detail"),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/", self.detail_view, name="detail"),
            *(
                path(f"<int:pk>/{action.name}/", self.action_view(action), name=action.name)
                for action in TICKET_ACTIONS
            ),
            path("bulk/", BulkTicketView.as_view(index_url_name=self.get_url_name("index")), name="bulk"),
            path(
                "new/",
                NewRequestView.as_view(
                    index_url_name=self.get_url_name("index"), detail_url_name=self.get_url_name("detail")
                ),
                name="new",
            ),
        ]

    def get_permissions_to_register(self):
        return model_permissions(Ticket, ["view", WORK_TICKET])


# --- Satisfaction (CSAT) report ---------------------------------------------------------------------


def average_text(total: int, count: int) -> str:
    """The average rating to one decimal ("4.3"), rounded half up; a dash without ratings."""
    if not count:
        return NO_VALUE
    return str((Decimal(total) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class RatingRow:
    label: str
    ratings: int
    total: int

    @property
    def average(self) -> str:
        return average_text(self.total, self.ratings)


@dataclass(frozen=True)
class MonthBar:
    month: dt.date
    label: str
    short_label: str
    ratings: int
    average: str
    title: str
    x: str
    width: str
    y: str
    height: str
    slot_x: str
    slot_width: str
    label_x: str


@dataclass(frozen=True)
class RatingChart:
    bars: list[MonthBar]
    description: str
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    full_height: int = CHART_HEIGHT + CHART_LABELS

    @property
    def label_y(self) -> int:
        return self.full_height - 4


def months_ending(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the last `count` months, this one included, oldest first."""
    year, month, firsts = today.year, today.month, []
    for _index in range(count):
        firsts.append(dt.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return firsts[::-1]


def month_text(month: dt.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def rating_chart(months: list[tuple[dt.date, RatingRow]]) -> RatingChart:
    """One bar per month, its height the month's average against 5 stars; each bar's <title>
    says its numbers."""
    slot = CHART_WIDTH / max(len(months), 1)
    bars = []
    for index, (month, row) in enumerate(months):
        height = (Decimal(row.total) / row.ratings) * CHART_HEIGHT / 5 if row.ratings else 0
        label = month_text(month)
        bars.append(
            MonthBar(
                month=month,
                label=label,
                short_label=formats.date_format(month, "M"),
                ratings=row.ratings,
                average=row.average,
                title=ngettext(
                    "%(month)s: %(average)s from %(count)s rating",
                    "%(month)s: %(average)s from %(count)s ratings",
                    row.ratings,
                )
                % {"month": label, "average": row.average, "count": row.ratings}
                if row.ratings
                else _("%(month)s: no ratings") % {"month": label},
                x=number(index * slot + slot * 0.15),
                width=number(slot * 0.7),
                y=number(CHART_HEIGHT - float(height)),
                height=number(float(height)),
                slot_x=number(index * slot),
                slot_width=number(slot),
                label_x=number(index * slot + slot / 2),
            )
        )
    ratings = sum(row.ratings for _month, row in months)
    description = ngettext(
        "Average satisfaction per month from %(first)s to %(last)s (%(count)s rating), out of 5.",
        "Average satisfaction per month from %(first)s to %(last)s (%(count)s ratings), out of 5.",
        ratings,
    ) % {"first": bars[0].label if bars else "", "last": bars[-1].label if bars else "", "count": ratings}
    return RatingChart(bars, description)


@dataclass(frozen=True)
class CsatReport:
    since: dt.date
    overall: RatingRow
    stars: list[tuple[int, int]]  # (stars, ratings), 5 down to 1
    by_type: list[RatingRow]
    by_agent: list[RatingRow]
    by_month: list[tuple[dt.date, RatingRow]]
    recent: list[Ticket]

    @cached_property
    def chart(self) -> RatingChart:
        return rating_chart(self.by_month)


def _rated_counts() -> dict:
    return {"ratings": Count("pk"), "total": Sum("rating")}


def csat_report(now=None) -> CsatReport:
    """Ratings given in the last CSAT_MONTHS months of the brand's calendar: five aggregate queries
    and one for the latest ratings, however many there are."""
    zone = brand_zone()
    months = months_ending(timezone.localtime(now or timezone.now(), zone).date(), CSAT_MONTHS)
    start = dt.datetime.combine(months[0], dt.time.min, tzinfo=zone)
    rated = Ticket.objects.filter(rated_at__gte=start, rating__isnull=False).order_by()
    overall = rated.aggregate(
        **_rated_counts(), **{f"stars_{stars}": Count("pk", filter=Q(rating=stars)) for stars in range(1, 6)}
    )
    by_type = [
        RatingRow(row["request_type__name"], row["ratings"], row["total"])
        for row in rated.values("request_type_id", "request_type__name")
        .annotate(**_rated_counts())
        .order_by("request_type__name", "request_type_id")
    ]
    by_agent = [
        RatingRow(
            _("Nobody")
            if row["assignee_id"] is None
            else staff_name(
                get_user_model()(
                    username=row["assignee__username"],
                    first_name=row["assignee__first_name"],
                    last_name=row["assignee__last_name"],
                )
            ),
            row["ratings"],
            row["total"],
        )
        for row in rated.values(
            "assignee_id", "assignee__username", "assignee__first_name", "assignee__last_name"
        )
        .annotate(**_rated_counts())
        .order_by(F("assignee__username").asc(nulls_last=True))
    ]
    per_month = {
        timezone.localtime(row["month"], zone).date(): RatingRow("", row["ratings"], row["total"])
        for row in rated.annotate(month=TruncMonth("rated_at", tzinfo=zone))
        .values("month")
        .annotate(**_rated_counts())
        .order_by("month")
    }
    recent = list(
        rated.select_related("request_type", "assignee").order_by("-rated_at", "-pk")[:RECENT_RATINGS]
    )
    return CsatReport(
        since=months[0],
        overall=RatingRow(_("All requests"), overall["ratings"], overall["total"] or 0),
        stars=[(stars, overall[f"stars_{stars}"]) for stars in range(5, 0, -1)],
        by_type=by_type,
        by_agent=by_agent,
        by_month=[(month, per_month.get(month, RatingRow(month_text(month), 0, 0))) for month in months],
        recent=recent,
    )


class CsatReportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Service → Satisfaction: the average rating and count per request type, per agent and per
    month, and the latest ratings with their comments."""

    permission_policy = ticket_policy
    permission_required = "view"
    template_name = "service/admin/csat/report.html"
    page_title = gettext_lazy("Satisfaction")
    header_icon = "pick"
    detail_url_name = None

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        report = csat_report()
        return super().get_context_data(
            report=report,
            since=month_text(report.since),
            time_zone=str(brand_zone()),
            recent=[
                {
                    "ticket": ticket,
                    "url": reverse(self.detail_url_name, args=(ticket.pk,)) if self.detail_url_name else "",
                    "rated": brand_time(ticket.rated_at),
                    "assignee": staff_name(ticket.assignee) if ticket.assignee_id else "",
                }
                for ticket in report.recent
            ],
            **kwargs,
        )


class CsatMenuItem(MenuItem):
    """Shown only to staff who may open the report."""

    def is_shown(self, request):
        return ticket_policy.user_has_permission(request.user, "view")


class CsatReportViewSet(ViewSet):
    name = "service_csat"
    url_prefix = "service/satisfaction"
    icon = "pick"
    menu_label = gettext_lazy("Satisfaction")
    menu_item_class = CsatMenuItem
    detail_url_name = None

    def get_urlpatterns(self):
        return [path("", CsatReportView.as_view(detail_url_name=self.detail_url_name), name="index")]


# --- The menu: Service → Requests, Satisfaction, Request types, Teams (service/admin/__init__.py) ---

tickets = TicketViewSet("service_tickets")

TICKET_VIEWSETS = (
    tickets,
    CsatReportViewSet(detail_url_name=tickets.get_url_name("detail")),
    RequestTypeViewSet("service_request_types"),
    TeamViewSet("service_teams"),
)
