"""The platform's own admin screens, under Settings: the event outbox (read only, with "send again"
for failed events) and the record of scheduled job runs (read only). Each tenant's admin reads its
own schema, so brand staff only ever see their brand's events and runs.

Also the permission policy domains use for admin actions of their own (adjusting points, issuing
coupons): every admin view states the permission it needs (CONVENTIONS.md).
"""

from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_filters import ChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from core import outbox, registry
from core.cache import bump_generation
from core.models import JobRun, OutboxEvent


class ModelAndCustomPermissionPolicy(ModelPermissionPolicy):
    """Wagtail's ModelPermissionPolicy, plus the model's own `Meta.permissions` as actions named by
    their codename: `user_has_permission(user, "adjust_points")` asks for `members.adjust_points`,
    where the stock policy would ask for `members.adjust_points_member`, which nobody has.

    Register it before Wagtail makes its fallback policy for the model (at import of the app's
    admin module, which its wagtail_hooks imports at the top)."""

    def _get_permission_codename(self, action):
        # Wagtail builds every codename here (user_has_permission, users_with_any_permission ...).
        if action in {codename for codename, _name in self.auth_model._meta.permissions}:
            return action
        return super()._get_permission_codename(action)


def model_permissions(model, actions):
    """The model's Permission rows for `actions` (Wagtail's `add`, `change`, `view`, ... or a
    codename from its Meta.permissions). A viewset's `get_permissions_to_register` returns these,
    so the group editor offers the permissions its screens check, and no other."""
    opts = model._meta
    custom = {codename for codename, _name in opts.permissions}
    codenames = [action if action in custom else get_permission_codename(action, opts) for action in actions]
    return Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(model), codename__in=codenames
    )


class ReadOnlyViewSetMixin:
    """A ModelViewSet with only a listing and an inspect page: nothing is added, edited or deleted
    here (the outbox and the schedule write these tables)."""

    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False  # nothing links to these rows; spare the index writes
    form_fields = []  # never used: there is no add or edit view
    kept_urls = ("index", "index_results", "inspect")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": None,
                "delete_url_name": None,
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in self.kept_urls]


# --- Event outbox ---------------------------------------------------------------------------


def kind_choices():
    return sorted(((kind, str(label)) for kind, label in registry.event_kinds().items()), key=lambda c: c[1])


class OutboxEventFilterSet(WagtailFilterSet):
    status = ChoiceFilter(
        label=gettext_lazy("Status"), choices=OutboxEvent.Status.choices, empty_label=gettext_lazy("All")
    )
    kind = ChoiceFilter(label=gettext_lazy("Kind"), choices=kind_choices, empty_label=gettext_lazy("All"))

    class Meta:
        model = OutboxEvent
        fields = ["status", "kind"]


def subject_text(event: OutboxEvent) -> str:
    return f"{event.subject_type} #{event.subject_id}" if event.subject_type else "—"


def short_error(text: str) -> str:
    return Truncator(text).chars(80) if text else ""


# --- "Send again" for rows that failed (outbox events, notification deliveries) ---------------

FAILED = "failed"


def failure_columns() -> list:
    """Status (highlighted unless failed), attempts and the last error, for rows that can fail and be
    sent again."""
    return [
        StatusTagColumn(
            "status",
            label=gettext_lazy("Status"),
            accessor="get_status_display",
            primary=lambda row: row.status != FAILED,
            sort_key="status",
        ),
        Column("attempts", label=gettext_lazy("Attempts"), sort_key="attempts"),
        Column(
            "last_error", label=gettext_lazy("Last error"), accessor=lambda row: short_error(row.last_error)
        ),
    ]


class SendAgainButtonMixin:
    """An index view's "Send again" item on each failed row, for staff who may change them."""

    retry_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status == FAILED and self.user_has_permission("change"):
            buttons.append(
                MenuItem(
                    _("Send again"),
                    url=reverse(self.retry_url_name, args=(instance.pk,)),
                    icon_name="resubmit",
                    priority=15,
                )
            )
        return buttons


class SendAgainView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A failed row sent again: a GET asks, a POST does. Subclasses name the listing
    (`index_label`), what a row is called (`subtitle`), the service that retries it (`send_again`,
    which returns the success message) and the warning when the row has not failed."""

    permission_required = "change"
    header_icon = "resubmit"
    index_url_name = None
    index_label = ""
    not_failed_message = ""

    def get_queryset(self):
        return self.model.objects.all()

    @cached_property
    def object(self):
        # Read after the permission check: a refused user learns nothing, not even whether it exists.
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_page_title(self):
        return _("Send again")

    def get_page_subtitle(self):
        return self.subtitle(self.object)

    def subtitle(self, instance) -> str:
        return str(instance)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": self.index_label},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object=self.object,
            failed=self.object.status == FAILED,
            index_url=reverse(self.index_url_name),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if self.object.status != FAILED:
            messages.warning(request, self.not_failed_message)
        else:
            messages.success(request, self.send_again(self.object, request.user))
        return redirect(self.index_url_name)

    def send_again(self, instance, user) -> str:
        raise NotImplementedError


class SendAgainViewSetMixin:
    """A read-only viewset's retry/<pk>/ URL and its index view's buttons."""

    send_again_view_class = None
    kept_urls = (*ReadOnlyViewSetMixin.kept_urls, "retry")

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(retry_url_name=self.get_url_name("retry"), **kwargs)

    @property
    def retry_view(self):
        return self.construct_view(self.send_again_view_class, index_url_name=self.get_url_name("index"))

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("retry/<int:pk>/", self.retry_view, name="retry")]


class OutboxEventIndexView(SendAgainButtonMixin, generic.IndexView):
    # The list is for looking: `view`, not Wagtail's "any of add, change, delete or view".
    any_permission_required = ["view"]
    page_title = gettext_lazy("Event outbox")

    @cached_property
    def kinds(self) -> dict:
        return registry.event_kinds()  # once per listing, not once per row

    @cached_property
    def columns(self):
        # The first column links to the event, like Wagtail's title column, and reads the kind's label.
        title_column_class = self._get_title_column_class(TitleColumn)
        return [
            title_column_class(
                "kind",
                label=gettext_lazy("Kind"),
                accessor=lambda event: str(self.kinds.get(event.kind, event.kind)),
                get_url=self.get_inspect_url,
                sort_key="kind",
            ),
            Column("subject", label=gettext_lazy("Subject"), accessor=subject_text),
            *failure_columns(),
            DateColumn("created_at", label=gettext_lazy("Recorded"), sort_key="created_at"),
        ]


class RetryOutboxEventView(SendAgainView):
    """Send a failed event round again (core.outbox.retry_failed_event)."""

    model = OutboxEvent
    template_name = "core/admin/outbox_retry.html"
    index_label = gettext_lazy("Event outbox")
    not_failed_message = gettext_lazy("That event has not failed: there is nothing to send again.")

    def subtitle(self, instance) -> str:
        return str(instance.kind_label)

    def send_again(self, instance, user) -> str:
        event = outbox.retry_failed_event(instance, acting_user=user)
        return _("“%(kind)s” will be delivered again.") % {"kind": event.kind_label}


class OutboxEventViewSet(SendAgainViewSetMixin, ReadOnlyViewSetMixin, ModelViewSet):
    """Settings → Event outbox: what the domains recorded and whether it was delivered."""

    model = OutboxEvent
    url_prefix = "outbox"
    icon = "mail"
    menu_label = gettext_lazy("Event outbox")
    add_to_settings_menu = True
    menu_order = 900
    index_view_class = OutboxEventIndexView
    filterset_class = OutboxEventFilterSet
    search_fields = ["kind", "last_error"]
    inspect_view_fields_exclude = ["idempotency_key"]
    send_again_view_class = RetryOutboxEventView

    def get_permissions_to_register(self):
        return model_permissions(self.model, ["view", "change"])


# --- Scheduled job runs ---------------------------------------------------------------------


class JobRunFilterSet(WagtailFilterSet):
    outcome = ChoiceFilter(
        label=gettext_lazy("Outcome"),
        choices=[
            ("done", gettext_lazy("Done")),
            ("failed", gettext_lazy("Failed")),
            ("running", gettext_lazy("Running")),
        ],
        method="filter_outcome",
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = JobRun
        fields = []

    def filter_outcome(self, queryset, name, value):
        if value == "failed":
            return queryset.exclude(error="")
        if value == "running":
            return queryset.filter(finished_at__isnull=True, error="")
        if value == "done":
            return queryset.filter(finished_at__isnull=False, error="")
        return queryset


def outcome_label(run: JobRun) -> str:
    if run.error:
        return _("Failed")
    return _("Done") if run.finished_at else _("Running")


class JobRunIndexView(generic.IndexView):
    any_permission_required = ["view"]
    page_title = gettext_lazy("Scheduled job runs")


class JobRunViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """Settings → Scheduled job runs: each job's run per period, and the error of those that failed."""

    model = JobRun
    url_prefix = "job-runs"
    icon = "time"
    menu_label = gettext_lazy("Scheduled job runs")
    add_to_settings_menu = True
    menu_order = 901
    index_view_class = JobRunIndexView
    filterset_class = JobRunFilterSet
    search_fields = ["job", "error"]
    list_display = [
        "job",
        "period",
        StatusTagColumn(
            "outcome",
            label=gettext_lazy("Outcome"),
            accessor=outcome_label,
            primary=lambda run: not run.error,
        ),
        DateColumn("started_at", label=gettext_lazy("Started"), sort_key="started_at"),
        DateColumn("finished_at", label=gettext_lazy("Finished"), sort_key="finished_at"),
        Column("error", label=gettext_lazy("Error"), accessor=lambda run: short_error(run.error)),
    ]

    def get_permissions_to_register(self):
        return model_permissions(self.model, ["view"])


class RefreshesPortalCache:
    """For a model whose rows show in cached page bodies or anonymous GraphQL answers (products,
    bookable services): a save makes the tenant's cached pages stale (core.cache), once it commits."""

    def form_valid(self, form):
        transaction.on_commit(bump_generation)  # dropped with the transaction if the save fails
        return super().form_valid(form)


class ProtectedDeleteView(generic.DeleteView):
    """A delete refused by the database's PROTECT (rows that must keep pointing at this one) is
    told to staff as `protected_message`, with nothing deleted, rather than a server error. With
    `refreshes_portal_cache`, a delete that happens makes cached pages stale once it commits."""

    protected_message = ""
    refreshes_portal_cache = False

    def form_valid(self, form):
        try:
            with transaction.atomic():
                if self.refreshes_portal_cache:
                    transaction.on_commit(bump_generation)  # dropped with the savepoint if refused
                return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, self.protected_message % {"name": str(self.object)})
            return redirect(self.index_url_name)
