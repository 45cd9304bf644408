"""The brand admin's coupon screens (Wagtail): templates (list, search, create, edit, issue to a
level) and a read-only list of issued coupons. Each tenant's admin reads its own schema, so staff
only ever see their brand's coupons.

Every view states its permission (the coupon template's permission policy below):

| screen | needs |
|---|---|
| coupon templates list | any of `coupons.view_coupontemplate`, `add_`, `change_` |
| new template / edit template | `coupons.add_coupontemplate` / `coupons.change_coupontemplate` |
| issue to a level | `coupons.issue_coupon` |
| issued coupons list | `coupons.view_coupon` |

Saves go through coupons.services, like every other write: the generic views' own save would
write every column, `issued_count` included, with the value the form was loaded with.

Money is typed in currency units ("20" or "20.00") and kept in cents (members.forms.MoneyField);
dates in the lists are the dates themselves, future ones included (Wagtail's DateColumn says
"Just now" for any date that has not come yet).
"""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from django_filters import ChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log
from wagtail.permissions import register_permission_policy

from core.admin import ModelAndCustomPermissionPolicy, model_permissions
from coupons import services
from coupons.models import MAX_COUPON_AMOUNT_CENTS, MAX_ORDER_CENTS, Coupon, CouponTemplate
from members.forms import MoneyField
from members.models import MemberLevel

ISSUE_COUPON = "issue_coupon"  # coupons.issue_coupon (CouponTemplate.Meta.permissions)

register_permission_policy(CouponTemplate, ModelAndCustomPermissionPolicy(CouponTemplate))

# --- Coupon templates -----------------------------------------------------------------------


def local_date(value) -> str:
    """A date or time as the date in the brand's time zone, in the staff's language's format
    ("Jan. 31, 2027", "2027年1月31日"): never "Just now" for a date still to come."""
    if value is None:
        return ""
    return formats.date_format(timezone.localdate(value), "DATE_FORMAT")


class LocalDateColumn(Column):
    def __init__(self, name, **kwargs):
        super().__init__(name, accessor=lambda row: local_date(getattr(row, name)), **kwargs)


class CouponTemplateForm(WagtailAdminModelForm):
    """Amounts in currency units; the model keeps cents (and its validators check them again)."""

    amount_cents = MoneyField(
        label=gettext_lazy("Amount off"), required=False, allow_zero=False, max_cents=MAX_COUPON_AMOUNT_CENTS
    )
    minimum_spend_cents = MoneyField(
        label=gettext_lazy("Minimum spend"), required=False, max_cents=MAX_ORDER_CENTS
    )

    def clean_minimum_spend_cents(self):
        return self.cleaned_data["minimum_spend_cents"] or 0  # empty: no minimum

    def _update_errors(self, errors):
        # The model's cross-field rules (CouponTemplate.clean) see a refused amount as missing and
        # would add "Give the amount off." under "Use at most 2 decimal places.": a field that has
        # its own error gets no second one from them.
        if hasattr(errors, "error_dict"):
            for field in [name for name in errors.error_dict if name in self._errors]:
                del errors.error_dict[field]
        super()._update_errors(errors)


class SavedThroughServiceMixin:
    """Create and edit save with services.save_coupon_template. A rule broken between the form's
    check and the save (coupons issued meanwhile) comes back as a form error, nothing saved."""

    log_action = None

    def save_instance(self):
        instance = self.form.save(commit=False)
        services.save_coupon_template(
            instance, levels=self.form.cleaned_data.get("levels"), acting_user=self.request.user
        )
        log(instance=instance, action=self.log_action, user=self.request.user, content_changed=True)
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            # What Wagtail's is_valid() sets for an invalid form; form_invalid reads it.
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class CouponTemplateCreateView(SavedThroughServiceMixin, generic.CreateView):
    log_action = "wagtail.create"


class CouponTemplateEditView(SavedThroughServiceMixin, generic.EditView):
    log_action = "wagtail.edit"


class CouponTemplateIndexView(generic.IndexView):
    # Staff who may only issue coupons find the template to issue here.
    any_permission_required = [*generic.IndexView.any_permission_required, ISSUE_COUPON]
    issue_url_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("levels")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.issue_url_name and self.user_has_permission(ISSUE_COUPON):
            buttons.append(
                MenuItem(
                    _("Issue to a level"),
                    url=reverse(self.issue_url_name, args=(instance.pk,)),
                    icon_name="group",
                    priority=15,
                )
            )
        return buttons


def stock_text(template: CouponTemplate) -> str:
    return f"{template.issued_count} / {template.total_quantity or '∞'}"


def levels_text(template: CouponTemplate) -> str:
    return ", ".join(level.name for level in template.levels.all()) or _("All")


class IssueToLevelForm(forms.Form):
    level = forms.ModelChoiceField(queryset=MemberLevel.objects.all(), label=gettext_lazy("Member level"))
    # New for each form shown: submitting the same form twice (a double click, a reload) issues
    # once; a later, separate issue to the same level gives everyone another coupon.
    batch = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex, max_length=40)


class IssueToLevelView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Give one coupon of a template to every member of a level (services.issue_coupon_to_level)."""

    model = CouponTemplate
    permission_required = ISSUE_COUPON
    form_class = IssueToLevelForm
    template_name = "coupons/admin/issue_to_level.html"
    header_icon = "tag"
    index_url_name = None
    issue_url_name = None

    @cached_property
    def object(self):
        return get_object_or_404(CouponTemplate, pk=self.kwargs["pk"])

    def get_page_title(self):
        return _("Issue to a level")

    def get_page_subtitle(self):
        return self.object.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Coupon templates")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.object.name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            action_url=reverse(self.issue_url_name, args=(self.object.pk,)),
            submit_button_label=_("Issue"),
            submit_button_active_label=_("Issuing…"),
        )
        return context

    def form_valid(self, form):
        report = services.issue_coupon_to_level(
            self.object,
            form.cleaned_data["level"],
            acting_user=self.request.user,
            idempotency_key=f"level:{form.cleaned_data['batch']}",
        )
        summary = _("%(issued)s member(s) of %(level)s got “%(name)s”.") % {
            "issued": report.issued,
            "level": form.cleaned_data["level"].name,
            "name": self.object.name,
        }
        if report.already_issued:
            summary += " " + _("%(count)s already had it from this same issue.") % {
                "count": report.already_issued
            }
        reasons = [f"{count} × {reason}" for reason, count in report.skipped.most_common()]
        if reasons:
            messages.warning(self.request, summary + " " + _("Not issued: %s") % " ".join(reasons))
        else:
            messages.success(self.request, summary)
        return redirect(self.index_url_name)


class CouponTemplateViewSet(ModelViewSet):
    model = CouponTemplate
    url_prefix = "coupons/templates"
    icon = "tag"
    menu_label = gettext_lazy("Coupon templates")
    add_to_reference_index = False  # nothing links to templates from content; spare the writes
    copy_view_enabled = False  # a copy would bypass the service; "Add" is one click away
    index_view_class = CouponTemplateIndexView
    add_view_class = CouponTemplateCreateView
    edit_view_class = CouponTemplateEditView
    search_fields = ["name"]
    list_filter = ["kind", "is_active", "claimable"]
    list_display = [
        "name",
        Column("value_text", label=gettext_lazy("Value")),
        Column("stock", label=gettext_lazy("Issued / total"), accessor=stock_text),
        Column("levels", label=gettext_lazy("Levels"), accessor=levels_text),
        LocalDateColumn("valid_until", label=gettext_lazy("Valid until"), sort_key="valid_until"),
        BooleanColumn("is_active", label=gettext_lazy("Active")),
        BooleanColumn("claimable", label=gettext_lazy("Claimable")),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            MultiFieldPanel(
                [
                    FieldPanel("kind"),
                    FieldRowPanel(
                        [FieldPanel("amount_cents"), FieldPanel("percent"), FieldPanel("free_item")]
                    ),
                    FieldPanel("minimum_spend_cents"),
                ],
                heading=gettext_lazy("What it gives"),
            ),
            FieldRowPanel(
                [FieldPanel("valid_from"), FieldPanel("valid_until")], heading=gettext_lazy("When")
            ),
            MultiFieldPanel(
                [
                    FieldPanel("levels", widget=forms.CheckboxSelectMultiple),
                    FieldRowPanel([FieldPanel("per_member_limit"), FieldPanel("total_quantity")]),
                ],
                heading=gettext_lazy("Who and how many"),
            ),
            FieldRowPanel([FieldPanel("is_active"), FieldPanel("claimable")], heading=gettext_lazy("Status")),
        ],
        base_form_class=CouponTemplateForm,
    )

    def get_common_view_kwargs(self, **kwargs):
        # Templates are switched off (Active unticked), not deleted: issued coupons point at them.
        return super().get_common_view_kwargs(delete_url_name=None, **kwargs)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(issue_url_name=self.get_url_name("issue"), **kwargs)

    @property
    def issue_view(self):
        return self.construct_view(
            IssueToLevelView,
            index_url_name=self.get_url_name("index"),
            issue_url_name=self.get_url_name("issue"),
        )

    def get_urlpatterns(self):
        kept = [pattern for pattern in super().get_urlpatterns() if pattern.name != "delete"]
        return [*kept, path("issue/<int:pk>/", self.issue_view, name="issue")]

    def get_permissions_to_register(self):
        # No delete (templates are switched off); "view" lets staff look without changing anything.
        return model_permissions(CouponTemplate, ["add", "change", "view", ISSUE_COUPON])


# --- Issued coupons (read only) -------------------------------------------------------------


class CouponFilterSet(WagtailFilterSet):
    state = ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=[
            ("usable", gettext_lazy("Usable")),
            ("used", gettext_lazy("Used")),
            ("expired", gettext_lazy("Expired")),
        ],
        method="filter_state",
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = Coupon
        fields = ["template"]

    def filter_state(self, queryset, name, value):
        if value == "usable":
            return queryset.usable()
        if value == "used":
            return queryset.redeemed()
        if value == "expired":
            return queryset.expired()
        return queryset


class CouponIndexView(generic.IndexView):
    any_permission_required = ["view"]  # the only thing anyone does here

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("template", "member__user")


def state_label(coupon: Coupon) -> str:
    return {"usable": _("Usable"), "used": _("Used"), "expired": _("Expired")}[coupon.state()]


class CouponViewSet(ModelViewSet):
    """Issued coupons, to look up and filter. Coupons are issued and used only through the
    services (issue to a level, claims, checkout), so this listing has no add, edit or delete."""

    model = Coupon
    url_prefix = "coupons/issued"
    icon = "tag"
    menu_label = gettext_lazy("Issued coupons")
    add_to_reference_index = False  # one row per coupon would be written to the index for nothing
    copy_view_enabled = False
    index_view_class = CouponIndexView
    form_fields = []  # never used: there is no add or edit view
    search_fields = ["code", "redeemed_order_reference"]
    filterset_class = CouponFilterSet
    list_display = [
        "code",
        Column("member", label=gettext_lazy("Member")),
        Column("template", label=gettext_lazy("Coupon")),
        StatusTagColumn(
            "state",
            label=gettext_lazy("Status"),
            accessor=state_label,
            primary=lambda coupon: coupon.state() == "usable",
        ),
        DateColumn("issued_at", label=gettext_lazy("Issued"), sort_key="issued_at"),
        LocalDateColumn("expires_at", label=gettext_lazy("Expires"), sort_key="expires_at"),
        DateColumn("redeemed_at", label=gettext_lazy("Used"), sort_key="redeemed_at"),
        Column("redeemed_order_reference", label=gettext_lazy("Order")),
    ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None, edit_url_name=None, delete_url_name=None, **kwargs
        )

    def get_urlpatterns(self):
        return [
            pattern for pattern in super().get_urlpatterns() if pattern.name in ("index", "index_results")
        ]

    def get_permissions_to_register(self):
        return model_permissions(Coupon, ["view"])


class CouponsGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Coupons")
    menu_icon = "tag"
    menu_order = 300
    items = (CouponTemplateViewSet("coupon_templates"), CouponViewSet("issued_coupons"))
