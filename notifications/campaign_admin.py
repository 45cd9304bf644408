"""Campaigns in the Wagtail admin: write a message, pick an audience, send it now or schedule it,
and see how many it reached, how many deliveries failed and how many were read.

| screen | needs |
|---|---|
| list | `notifications.add_campaign` or `change_campaign` |
| new campaign | `notifications.add_campaign` |
| edit, "Send now" | `notifications.change_campaign` |

Writes go through notifications.campaigns (save_campaign, send_campaign).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet

from core import registry
from core.admin import model_permissions
from notifications import campaigns
from notifications.models import Campaign

SEND = "change"  # "Send now" is a change to the campaign


class CampaignForm(WagtailAdminModelForm):
    """The audience is one select built from the registry: `key`, or `key=value` for an audience
    with choices (one option per member level ...), split into the model's two fields."""

    target = forms.ChoiceField(label=gettext_lazy("Audience"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "---------"), *campaigns.target_choices()]
        if self.instance.pk:
            value = self.instance.audience_value
            self.initial["target"] = f"{self.instance.audience}={value}" if value else self.instance.audience

    def clean(self):
        cleaned = super().clean()
        key, value = campaigns.split_target(cleaned.get("target") or "")
        try:
            campaigns.check_audience(key, value)
        except ValidationError as error:
            self.add_error("target", error)
        try:
            campaigns.check_url(cleaned.get("url") or "")
        except ValidationError as error:
            self.add_error("url", error)
        self.instance.audience, self.instance.audience_value = key, value
        return cleaned


class SavedThroughServiceMixin:
    def save_instance(self):
        return campaigns.save_campaign(self.form.save(commit=False), acting_user=self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            # A rule broken between the form's check and the save (it started sending meanwhile).
            form.add_error(None, error)
            self.produced_error_message = error.messages[0]
            return self.form_invalid(form)


class CampaignCreateView(SavedThroughServiceMixin, generic.CreateView):
    pass


class CampaignEditView(SavedThroughServiceMixin, generic.EditView):
    pass


def count_column(name: str, label) -> Column:
    return Column(name, label=label, accessor=name, sort_key=name)


class CampaignIndexView(generic.IndexView):
    any_permission_required = ["add", "change"]
    send_url_name = None

    @cached_property
    def audiences(self) -> dict:
        return registry.campaign_audiences()  # once per listing

    def get_base_queryset(self):
        return campaigns.with_counts(super().get_base_queryset())

    @cached_property
    def columns(self):
        title_column_class = self._get_title_column_class(TitleColumn)
        return [
            title_column_class(
                "title", label=gettext_lazy("Title"), get_url=self.get_edit_url, sort_key="title"
            ),
            Column(
                "audience",
                label=gettext_lazy("Audience"),
                accessor=lambda campaign: campaigns.audience_label(campaign, self.audiences),
            ),
            StatusTagColumn(
                "status",
                label=gettext_lazy("Status"),
                accessor="get_status_display",
                primary=lambda campaign: campaign.status == Campaign.Status.SENT,
                sort_key="status",
            ),
            DateColumn("send_at", label=gettext_lazy("Scheduled for"), sort_key="send_at"),
            DateColumn("sent_at", label=gettext_lazy("Sent at"), sort_key="sent_at"),
            count_column("recipients", gettext_lazy("Recipients")),
            count_column("sent_count", gettext_lazy("Sent")),
            count_column("failed_count", gettext_lazy("Failed deliveries")),
            count_column("read_count", gettext_lazy("Read")),
        ]

    def get_edit_url(self, instance):
        if instance.status in campaigns.EDITABLE:
            return super().get_edit_url(instance)
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status in campaigns.EDITABLE and self.user_has_permission(SEND):
            buttons.append(
                MenuItem(
                    _("Send now"),
                    url=reverse(self.send_url_name, args=(instance.pk,)),
                    icon_name="mail",
                    priority=15,
                )
            )
        return buttons


class SendCampaignView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A GET says who it goes to and asks; a POST sends (campaigns.send_campaign)."""

    model = Campaign
    permission_required = SEND
    template_name = "notifications/admin/campaign_send.html"
    header_icon = "mail"
    index_url_name = None

    @cached_property
    def object(self):
        # Read after the permission check: a refused user learns nothing about the campaign.
        return get_object_or_404(Campaign, pk=self.kwargs["pk"])

    def get_page_title(self):
        return _("Send now")

    def get_page_subtitle(self):
        return self.object.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Campaigns")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        editable = self.object.status in campaigns.EDITABLE
        return super().get_context_data(
            object=self.object,
            editable=editable,
            audience=campaigns.audience_label(self.object),
            audience_size=campaigns.audience_of(self.object).count() if editable else 0,
            index_url=reverse(self.index_url_name),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if campaigns.send_campaign(self.object, acting_user=request.user):
            messages.success(request, _("“%(title)s” is being sent.") % {"title": self.object.title})
        else:
            messages.warning(
                request, _("“%(title)s” is already being sent or was sent.") % {"title": self.object.title}
            )
        return redirect(self.index_url_name)


class CampaignViewSet(ModelViewSet):
    """Campaigns: messages staff send to a group of customers, now or later."""

    model = Campaign
    url_prefix = "campaigns"
    icon = "mail"
    menu_label = gettext_lazy("Campaigns")
    add_to_admin_menu = True
    menu_order = 420
    add_to_reference_index = False  # nothing links to campaigns
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = CampaignIndexView
    add_view_class = CampaignCreateView
    edit_view_class = CampaignEditView
    search_fields = ["title", "body"]
    list_filter = ["status"]
    kept_urls = ("index", "index_results", "add", "edit", "send")
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("body"),
            FieldPanel("url"),
            FieldPanel("target"),
            FieldPanel("send_at"),
        ],
        base_form_class=CampaignForm,
    )

    def get_common_view_kwargs(self, **kwargs):
        # Kept as a record once sent: no delete, no history or usage screens.
        return super().get_common_view_kwargs(
            **{"delete_url_name": None, "history_url_name": None, "usage_url_name": None, **kwargs}
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(send_url_name=self.get_url_name("send"), **kwargs)

    @property
    def send_view(self):
        return self.construct_view(SendCampaignView, index_url_name=self.get_url_name("index"))

    def get_urlpatterns(self):
        kept = [pattern for pattern in super().get_urlpatterns() if pattern.name in self.kept_urls]
        return [*kept, path("send/<int:pk>/", self.send_view, name="send")]

    def get_permissions_to_register(self):
        return model_permissions(Campaign, ["add", "change"])
