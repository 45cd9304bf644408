"""Brand staff's side of notifications in the Wagtail admin, under "Messages", and each staff user's
own inbox. Each tenant's admin reads its own schema, so staff only ever see their brand's rows.

Every view states its permission:

| screen | needs |
|---|---|
| message templates list | any of `notifications.add_notificationtemplate`, `change_`, `delete_`, `view_` |
| new / edit / delete a template | `notifications.add_` / `change_` / `delete_notificationtemplate` |
| deliveries list, a delivery | `notifications.view_delivery` |
| send a failed delivery again | `notifications.change_delivery` (nothing else about a delivery changes) |
| Inbox | admin access only: each user sees and marks only their own messages |

A message template is staff's own wording of a kind in one language (notifications.services.wording
prefers it to the built-in one). It is checked and previewed with the kind's `sample` context, the
same keys its recipients function gives, so wording that would fail when sent is never saved.
"""

from django import forms
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import formats, timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_filters import ChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem as AdminMenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList, Panel
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from core import registry
from core.admin import (
    ReadOnlyViewSetMixin,
    SendAgainButtonMixin,
    SendAgainView,
    SendAgainViewSetMixin,
    failure_columns,
    model_permissions,
)
from core.language import tenant_default_language
from notifications import selectors, services
from notifications.models import CHANNELS, Delivery, NotificationTemplate

# --- Message templates ----------------------------------------------------------------------


def kind_choices() -> list[tuple[str, str]]:
    return sorted(
        ((key, str(kind.label)) for key, kind in registry.notification_kinds().items()),
        key=lambda choice: choice[1],
    )


def language_codes() -> list[str]:
    return [code for code, _name in NotificationTemplate._meta.get_field("language").choices]


def built_in_wording(kind: registry.NotificationKind, language: str) -> tuple[str, str]:
    """The kind's own (title, body) in `language`, else in English, else in its first language."""

    def pick(texts: dict) -> str:
        return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")

    return pick(kind.title), pick(kind.body)


def wording_error(text: str, kind: registry.NotificationKind, language: str) -> str | None:
    """What is wrong with `text` rendered with the kind's sample, or None."""
    try:
        with translation.override(language):
            return services.check_wording(text, "", kind.sample)
    except Exception as error:  # noqa: BLE001 - anything a template raises is shown, not a 500
        return f"{type(error).__name__}: {error}"


class NotificationTemplateForm(WagtailAdminModelForm):
    """The kind is one of the registered kinds; the title and body must render with its sample."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=kind_choices)

    def clean(self):
        cleaned_data = super().clean()
        kind = registry.notification_kinds().get(cleaned_data.get("kind"))
        language = cleaned_data.get("language") or tenant_default_language()
        if kind is None:
            return cleaned_data
        for name in ("title", "body"):
            text = cleaned_data.get(name)
            error = wording_error(text, kind, language) if text else None
            if error:
                self.add_error(name, _("This wording cannot be used: %(error)s") % {"error": error})
        return cleaned_data


class WordingPreviewPanel(Panel):
    """The title and body as the form holds them, rendered with the kind's sample context (on the
    server, as notify() renders them), and the names the wording may use."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "notifications/admin/wording_preview.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            kind = registry.notification_kinds().get(self.form["kind"].value() or "")
            language = self.form["language"].value() or tenant_default_language()
            context.update(kind=kind, title="", body="", error="")
            if kind is None:
                return context
            context["names"] = ["{{ %s }}" % name for name in kind.sample]  # noqa: UP031 - braces
            title, body = self.form["title"].value() or "", self.form["body"].value() or ""
            context["error"] = wording_error(title, kind, language) or wording_error(body, kind, language)
            if not context["error"]:
                with translation.override(language):
                    context.update(
                        title=services.render(title, kind.sample), body=services.render(body, kind.sample)
                    )
            return context


class NotificationTemplateCreateView(generic.CreateView):
    """Starts from the built-in wording of the kind and language in the query string (the form
    above it picks them), else of the first kind in the brand's language."""

    template_name = "notifications/admin/template_create.html"

    @cached_property
    def start(self) -> tuple[str, str]:
        kinds = dict(kind_choices())
        kind = self.request.GET.get("kind")
        language = self.request.GET.get("language")
        return (
            kind if kind in kinds else next(iter(kinds), ""),
            language if language in language_codes() else tenant_default_language(),
        )

    def get_initial(self):
        kind_key, language = self.start
        initial = {**super().get_initial(), "kind": kind_key, "language": language}
        kind = registry.notification_kinds().get(kind_key)
        if kind is not None:
            initial["title"], initial["body"] = built_in_wording(kind, language)
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            start_kind=self.start[0],
            start_language=self.start[1],
            kinds=kind_choices(),
            languages=NotificationTemplate._meta.get_field("language").choices,
            **kwargs,
        )


class NotificationTemplateIndexView(generic.IndexView):
    @cached_property
    def kinds(self) -> dict:
        return registry.notification_kinds()

    @cached_property
    def columns(self):
        title_column_class = self._get_title_column_class(TitleColumn)
        return [
            title_column_class(
                "kind",
                label=gettext_lazy("Kind"),
                accessor=lambda template: str(getattr(self.kinds.get(template.kind), "label", template.kind)),
                get_url=self.get_edit_url,
                sort_key="kind",
            ),
            Column("language", label=gettext_lazy("Language"), accessor="get_language_display"),
            Column("title", label=gettext_lazy("Title")),
        ]


class NotificationTemplateFilterSet(WagtailFilterSet):
    kind = ChoiceFilter(label=gettext_lazy("Kind"), choices=kind_choices, empty_label=gettext_lazy("All"))

    class Meta:
        model = NotificationTemplate
        fields = ["kind", "language"]


class NotificationTemplateViewSet(ModelViewSet):
    """Messages → Message templates: the brand's own wording per kind and language."""

    model = NotificationTemplate
    url_prefix = "notifications/templates"
    icon = "doc-full"
    menu_label = gettext_lazy("Message templates")
    add_to_reference_index = False  # nothing links to templates
    copy_view_enabled = False
    index_view_class = NotificationTemplateIndexView
    add_view_class = NotificationTemplateCreateView
    filterset_class = NotificationTemplateFilterSet
    search_fields = ["title", "body"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("kind"), FieldPanel("language")]),
            FieldPanel("title"),
            FieldPanel("body"),
            WordingPreviewPanel(heading=gettext_lazy("Preview")),
        ],
        base_form_class=NotificationTemplateForm,
    )

    def get_permissions_to_register(self):
        return model_permissions(self.model, ["add", "change", "delete", "view"])


# --- Deliveries -----------------------------------------------------------------------------


def local_time(value) -> str:
    """A time in the brand's time zone, in the staff's language's format (Wagtail's DateColumn
    says "Just now" for a time still to come, such as the next attempt)."""
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


class DeliveryFilterSet(WagtailFilterSet):
    status = ChoiceFilter(
        label=gettext_lazy("Status"), choices=Delivery.Status.choices, empty_label=gettext_lazy("All")
    )
    channel = ChoiceFilter(label=gettext_lazy("Channel"), choices=CHANNELS, empty_label=gettext_lazy("All"))

    class Meta:
        model = Delivery
        fields = ["status", "channel"]


class DeliveryIndexView(SendAgainButtonMixin, generic.IndexView):
    any_permission_required = ["view"]  # the list is for looking; sending again needs "change"
    page_title = gettext_lazy("Deliveries")
    default_ordering = "-pk"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("notification__recipient")

    @cached_property
    def columns(self):
        title_column_class = self._get_title_column_class(TitleColumn)
        return [
            title_column_class(
                "notification",
                label=gettext_lazy("Message"),
                accessor=lambda delivery: delivery.notification.title,
                get_url=self.get_inspect_url,
            ),
            Column(
                "recipient",
                label=gettext_lazy("Recipient"),
                accessor=lambda delivery: delivery.notification.recipient.get_username(),
            ),
            Column("channel", label=gettext_lazy("Channel"), accessor="get_channel_display"),
            Column("address", label=gettext_lazy("Sent to")),
            *failure_columns(),
            Column(
                "created_at",
                label=gettext_lazy("Written"),
                accessor=lambda delivery: local_time(delivery.notification.created_at),
            ),
            Column(
                "next_attempt_at",
                label=gettext_lazy("Last or next attempt"),
                accessor=lambda delivery: local_time(delivery.next_attempt_at),
                sort_key="next_attempt_at",
            ),
            Column(
                "sent_at",
                label=gettext_lazy("Sent at"),
                accessor=lambda delivery: local_time(delivery.sent_at),
                sort_key="sent_at",
            ),
        ]


class RetryDeliveryView(SendAgainView):
    """Send a failed delivery again (services.retry_failed_delivery)."""

    model = Delivery
    template_name = "notifications/admin/delivery_retry.html"
    index_label = gettext_lazy("Deliveries")
    not_failed_message = gettext_lazy("That delivery has not failed: there is nothing to send again.")

    def get_queryset(self):
        return Delivery.objects.select_related("notification__recipient")

    def subtitle(self, instance) -> str:
        return instance.notification.title

    def send_again(self, instance, user) -> str:
        services.retry_failed_delivery(instance, acting_user=user)
        return _("“%(title)s” will be sent again to %(address)s.") % {
            "title": instance.notification.title,
            "address": instance.address,
        }


class DeliveryViewSet(SendAgainViewSetMixin, ReadOnlyViewSetMixin, ModelViewSet):
    """Messages → Deliveries: each message on each channel, whether it went out, and why not."""

    model = Delivery
    url_prefix = "notifications/deliveries"
    icon = "mail"
    menu_label = gettext_lazy("Deliveries")
    index_view_class = DeliveryIndexView
    filterset_class = DeliveryFilterSet
    search_fields = ["address", "last_error"]
    send_again_view_class = RetryDeliveryView

    def get_permissions_to_register(self):
        return model_permissions(self.model, ["view", "change"])


class MessagesGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Messages")
    menu_icon = "mail"
    menu_order = 350
    items = (
        NotificationTemplateViewSet("notification_templates"),
        DeliveryViewSet("notification_deliveries"),
    )


# --- Each staff user's inbox ----------------------------------------------------------------


class StaffInboxView(WagtailAdminTemplateMixin, TemplateView):
    """The signed-in staff user's own messages (staff alerts such as a member's data downloaded):
    no permission beyond admin access, because it only ever reads and marks the user's own rows."""

    template_name = "notifications/admin/inbox.html"
    page_title = gettext_lazy("Inbox")
    header_icon = "mail"

    def get_context_data(self, **kwargs):
        messages_page = selectors.inbox_page(self.request.user, self.request.GET.get("p"))
        for message in messages_page:
            # Only a path on this site or a web address becomes a link (never "javascript:").
            message.link = message.url if message.url.startswith(("/", "https://", "http://")) else ""
        return super().get_context_data(
            messages_page=messages_page, unread=selectors.unread_count(self.request.user), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if "all" in request.POST:
            if services.mark_all_read(request.user):
                messages.success(request, _("All messages are marked as read."))
        elif request.POST.get("read", "").isdigit():
            services.mark_read(request.user, int(request.POST["read"]))
        return redirect(reverse("notifications_admin_inbox") + _page_query(request.POST.get("p")))


def _page_query(page) -> str:
    return f"?p={int(page)}" if str(page or "").isdigit() and int(page) > 1 else ""


class InboxMenuItem(AdminMenuItem):
    """ "Inbox", with the number of unread messages when there are any (one count query)."""

    def render_component(self, request):
        unread = selectors.unread_count(request.user)
        label = _("Inbox (%(count)s)") % {"count": unread} if unread else _("Inbox")
        return LinkMenuItemComponent(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


def admin_urls():
    return [path("inbox/", StaffInboxView.as_view(), name="notifications_admin_inbox")]
