"""Brand staff's side: member list (search, filters, CSV), member detail with ledgers and timeline,
points adjustments with a reason, the till's scan page, and level management.

Every view states its permission (members' permission policy below):

| screen | needs |
|---|---|
| member list, CSV export, inspect, ledgers page | `members.view_member` (or `change_member`) |
| a member's level and tags | `members.change_member` |
| points form on the ledgers page, the scan page and its menu item | `members.adjust_points` |
| stored-value top-up form | `members.top_up_stored_value` |
| levels | `members.add_memberlevel` / `change_memberlevel` / `delete_memberlevel` |
"""

import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from django_filters import ChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

from accounts.views import customer_data_download
from core.admin import ModelAndCustomPermissionPolicy, model_permissions
from core.csv import SafeCSVExportMixin
from core.money import format_money
from members import qr, selectors, services
from members.audiences import tag_choices
from members.forms import TopUpForm, units_text
from members.models import LedgerSource, Member, MemberLevel

ADJUST_POINTS = "adjust_points"  # members.adjust_points (Member.Meta.permissions)
EXPORT_DATA = "export_customer_data"  # members.export_customer_data
TOP_UP = "top_up_stored_value"  # members.top_up_stored_value
SEE_LEDGERS = ("view", "change")  # what the ledgers page asks for (any of them)

member_permission_policy = ModelAndCustomPermissionPolicy(Member)
register_permission_policy(Member, member_permission_policy)


class PointsForm(forms.Form):
    """Add (positive) or take (negative) points, always with a reason. The hidden key makes a double
    submit count once."""

    points = forms.IntegerField(label=_("Points (+ to add, − to take)"))
    reason = forms.CharField(max_length=200)
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = uuid.uuid4().hex


def apply_points(request, member, form) -> bool:
    data = form.cleaned_data
    try:
        if data["points"] > 0:
            services.add_points(
                member,
                data["points"],
                reason=data["reason"],
                source=LedgerSource.MANUAL,
                idempotency_key=data["idempotency_key"],
                acting_user=request.user,
            )
        else:
            services.adjust_points(
                member,
                data["points"],
                reason=data["reason"],
                idempotency_key=data["idempotency_key"],
                acting_user=request.user,
            )
    except services.LoyaltyError as error:
        form.add_error("points", str(error))
        return False
    messages.success(request, _("Points updated for %(code)s.") % {"code": member.code})
    return True


class MemberAdminView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    model = Member
    header_icon = "user"
    index_url_name = None

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Members")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]


class MemberLedgersView(MemberAdminView):
    """A member's points and stored-value ledgers and timeline; a POST adds or takes points."""

    any_permission_required = list(SEE_LEDGERS)
    template_name = "members/admin/member_detail.html"
    detail_url_name = None
    top_up_url_name = None

    @cached_property
    def member(self):
        # Read after the permission check, so a refused user learns nothing about the member.
        return get_object_or_404(Member.objects.select_related("user", "level"), pk=self.kwargs["pk"])

    @cached_property
    def may_adjust_points(self) -> bool:
        return self.user_has_permission(ADJUST_POINTS)

    @cached_property
    def may_export_data(self) -> bool:
        return self.user_has_permission(EXPORT_DATA)

    @cached_property
    def may_top_up(self) -> bool:
        return self.user_has_permission(TOP_UP)

    def get_page_title(self):
        return f"{self.member.user} · {self.member.code}"

    def get_context_data(self, form=None, **kwargs):
        member = self.member
        return super().get_context_data(
            member=member,
            form=(form if form is not None else PointsForm()) if self.may_adjust_points else None,
            progress=selectors.level_progress(member),
            points=selectors.points_history(member, self.request.GET.get("points_page")),
            balance=selectors.balance_history(member, self.request.GET.get("balance_page")),
            events=selectors.member_timeline(member),
            data_url=reverse("members_member:data", args=(quote(member.pk),)) if self.may_export_data else "",
            top_up_url=reverse(self.top_up_url_name, args=(quote(member.pk),)) if self.may_top_up else "",
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.may_adjust_points:
            raise PermissionDenied
        form = PointsForm(request.POST)
        if form.is_valid() and apply_points(request, self.member, form):
            return redirect(self.detail_url_name, quote(self.member.pk))
        return self.render_to_response(self.get_context_data(form=form))


class MemberTopUpView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Staff add stored value to a member's card: an amount in currency units and a reason,
    through services.top_up_balance (the ledger entry records who did it)."""

    model = Member
    permission_required = TOP_UP
    form_class = TopUpForm
    template_name = "members/admin/top_up.html"
    header_icon = "user"
    index_url_name = None
    detail_url_name = None
    top_up_url_name = None

    @cached_property
    def member(self):
        # Read after the permission check, so a refused user learns nothing about the member.
        return get_object_or_404(Member.objects.select_related("user"), pk=self.kwargs["pk"])

    @cached_property
    def may_see_ledgers(self) -> bool:
        return self.user_has_any_permission(SEE_LEDGERS)

    def get_page_title(self):
        return _("Top up stored value")

    def get_page_subtitle(self):
        return f"{self.member.user} · {self.member.code}"

    def get_breadcrumbs_items(self):
        items = [{"url": reverse(self.index_url_name), "label": _("Members")}] if self.may_see_ledgers else []
        return [
            *self.breadcrumbs_items,
            *items,
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            member=self.member,
            balance_text=format_money(self.member.balance_cents),
            action_url=reverse(self.top_up_url_name, args=(quote(self.member.pk),)),
            submit_button_label=_("Top up"),
            submit_button_active_label=_("Topping up…"),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            entry = services.top_up_balance(
                self.member,
                data["amount"],
                reason=data["reason"],
                idempotency_key=f"top-up:{data['idempotency_key']}",
                acting_user=self.request.user,
            )
        except services.LoyaltyError as error:
            form.add_error("amount", str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(amount)s added to the stored value of %(code)s; the balance is now %(balance)s.")
            % {
                "amount": format_money(entry.delta),
                "code": self.member.code,
                "balance": format_money(entry.balance_after),
            },
        )
        if self.may_see_ledgers:
            return redirect(self.detail_url_name, quote(self.member.pk))
        return redirect(self.top_up_url_name, quote(self.member.pk))


class MemberDataView(MemberAdminView):
    """A customer asked for their data: everything each domain holds about them, as the JSON file
    they can download themselves from their profile (accounts.services.export_customer_data)."""

    permission_required = EXPORT_DATA

    def get(self, request, *args, **kwargs):
        member = get_object_or_404(Member.objects.select_related("user"), pk=self.kwargs["pk"])
        services.record_data_export(member, acting_user=request.user)  # on the member's timeline
        return customer_data_download(member.user, request)


class ScanView(MemberAdminView):
    """At the till: scan or type a member code, see the member, add or take points with a reason."""

    permission_required = ADJUST_POINTS
    template_name = "members/admin/scan.html"
    scan_url_name = None

    def get_page_title(self):
        return _("Scan a member card")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    @cached_property
    def found(self) -> tuple[Member | None, str]:
        code_text = self.request.GET.get("code", "")
        if not code_text:
            return None, ""
        try:
            code = qr.member_code_from_scan(code_text)
        except qr.MalformedMemberCode as malformed:
            return None, str(malformed)
        member = Member.objects.select_related("user", "level").filter(code=code).first()
        if member is None:
            return None, _("No member has the code %(code)s.") % {"code": code}
        return member, ""

    def get_context_data(self, form=None, **kwargs):
        member, error = self.found
        return super().get_context_data(
            code=self.request.GET.get("code", ""),
            member=member,
            error=error,
            form=form if form is not None else PointsForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        member, _error = self.found
        form = PointsForm(request.POST)
        if member is not None and form.is_valid() and apply_points(request, member, form):
            return redirect(reverse(self.scan_url_name) + f"?code={member.code}")
        return self.render_to_response(self.get_context_data(form=form))


class ScanMenuItem(MenuItem):
    """Shown only to staff who may adjust points: the scan page is for that."""

    def is_shown(self, request):
        return member_permission_policy.user_has_permission(request.user, ADJUST_POINTS)


class LedgerLinkColumn(Column):
    """A member's figure (points, stored value) linking to their ledgers page, for staff who may
    open it; plain text for the others."""

    cell_template_name = "members/admin/ledger_link_cell.html"

    def __init__(self, name, *, get_url, **kwargs):
        super().__init__(name, **kwargs)
        self.get_url = get_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["url"] = self.get_url(instance)
        return context


class MemberIndexView(SafeCSVExportMixin, generic.IndexView):
    """The member list; its CSV export is safe to open in a spreadsheet (customers choose their
    e-mail address and name, core.csv). Points and stored value link to the member's ledgers."""

    detail_url_name = None
    top_up_url_name = None
    # Spreadsheets get stored value as a number in currency units (200.00), summable, with the
    # currency in the heading; the list shows it formatted (¥200.00).
    custom_field_preprocess = {
        "balance_cents": {"csv": units_text, "xlsx": lambda cents: Decimal(int(cents)).scaleb(-2)}
    }

    @cached_property
    def export_headings(self):
        return {"balance_cents": _("Stored value (%(currency)s)") % {"currency": settings.PORTAL_CURRENCY}}

    @cached_property
    def may_see_ledgers(self) -> bool:
        return self.user_has_any_permission(SEE_LEDGERS)

    @cached_property
    def may_top_up(self) -> bool:
        return self.user_has_permission(TOP_UP)

    def get_ledgers_url(self, instance) -> str:
        if self.detail_url_name and self.may_see_ledgers:
            return reverse(self.detail_url_name, args=(quote(instance.pk),))
        return ""

    @cached_property
    def columns(self):
        columns = super().columns
        figures = {
            "points": LedgerLinkColumn(
                "points", label=_("Points"), get_url=self.get_ledgers_url, sort_key="points"
            ),
            "balance_cents": LedgerLinkColumn(
                "balance_cents",
                label=_("Stored value"),
                accessor=lambda member: format_money(member.balance_cents),
                get_url=self.get_ledgers_url,
                sort_key="balance_cents",
            ),
        }
        return [figures.get(column.name, column) for column in columns]

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if ledgers_url := self.get_ledgers_url(instance):
            buttons.append(
                ListingMenuItem(
                    _("Points and stored value"), url=ledgers_url, icon_name="list-ul", priority=5
                )
            )
        if self.top_up_url_name and self.may_top_up:
            buttons.append(
                ListingMenuItem(
                    _("Top up stored value"),
                    url=reverse(self.top_up_url_name, args=(quote(instance.pk),)),
                    icon_name="plus",
                    priority=6,
                )
            )
        return buttons


class MemberHeaderButtonsMixin:
    """The member's other pages as buttons in the header of their edit and inspect pages: the
    ledgers (points and stored value) and the top-up form, each for staff who may open it."""

    detail_url_name = None
    top_up_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        pk = quote(self.object.pk)
        if self.detail_url_name and self.user_has_any_permission(SEE_LEDGERS):
            buttons.append(
                HeaderButton(
                    _("Points and stored value"),
                    url=reverse(self.detail_url_name, args=(pk,)),
                    icon_name="list-ul",
                    priority=10,
                )
            )
        if self.top_up_url_name and self.user_has_permission(TOP_UP):
            buttons.append(
                HeaderButton(
                    _("Top up stored value"),
                    url=reverse(self.top_up_url_name, args=(pk,)),
                    icon_name="plus",
                    priority=20,
                )
            )
        return buttons


class MemberEditView(MemberHeaderButtonsMixin, generic.EditView):
    """Staff move a member to another level through the service, which records level.changed, and
    set the member's tags through the service, which records tags.changed."""

    def save_instance(self):
        level = self.form.cleaned_data["level"]
        member = services.set_member_level(self.object, level, acting_user=self.request.user)
        return services.set_member_tags(member, self.form.cleaned_data["tags"], acting_user=self.request.user)


class MemberInspectView(MemberHeaderButtonsMixin, generic.InspectView):
    """A member's fields, with stored value in the brand's currency."""

    def get_balance_cents_display_value(self):
        return format_money(self.object.balance_cents)

    def get_field_label(self, field_name, field):
        if field_name == "balance_cents":
            return _("Stored value")
        return super().get_field_label(field_name, field)


class MemberFilterSet(WagtailFilterSet):
    # Choices are read when the list is shown, in the current brand's schema.
    tag = ChoiceFilter(label=_("Tag"), field_name="tags__name", choices=tag_choices, empty_label=_("All"))

    class Meta:
        model = Member
        fields = {"level": ["exact"], "joined_at": ["gte", "lte"], "points": ["gte", "lte"]}


class MemberViewSet(ModelViewSet):
    """Members are enrolled at sign-up and their balances change through the ledgers, so there is no
    add or delete here (ledger rows keep a member), and the edit form sets only the level and tags."""

    model = Member
    icon = "user"
    menu_label = _("Members")
    add_to_admin_menu = True
    menu_order = 300
    index_view_class = MemberIndexView
    edit_view_class = MemberEditView
    inspect_view_class = MemberInspectView
    list_display = ["code", "user", "level", "points", "balance_cents", "joined_at"]
    filterset_class = MemberFilterSet
    search_fields = ["code", "user__email", "user__username", "user__first_name", "user__last_name"]
    list_export = [
        "code",
        "email",
        "level_name",
        "points",
        "lifetime_points",
        "balance_cents",
        "joined_at",
    ]
    export_filename = "members"
    form_fields = ["level", "tags"]  # everything else changes through the ledgers, with a reason
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Member.objects.select_related("user", "level")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(add_url_name=None, delete_url_name=None, **kwargs)

    def member_page_url_names(self) -> dict[str, str]:
        """The member's own pages beyond Wagtail's: its ledgers and the top-up form."""
        return {
            "detail_url_name": self.get_url_name("detail"),
            "top_up_url_name": self.get_url_name("top_up"),
        }

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(**self.member_page_url_names(), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(**self.member_page_url_names(), **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(**self.member_page_url_names(), **kwargs)

    @property
    def detail_view(self):
        return self.construct_view(
            MemberLedgersView, index_url_name=self.get_url_name("index"), **self.member_page_url_names()
        )

    @property
    def top_up_view(self):
        return self.construct_view(
            MemberTopUpView, index_url_name=self.get_url_name("index"), **self.member_page_url_names()
        )

    @property
    def data_view(self):
        return self.construct_view(MemberDataView, index_url_name=self.get_url_name("index"))

    @property
    def scan_view(self):
        return self.construct_view(
            ScanView, index_url_name=self.get_url_name("index"), scan_url_name=self.get_url_name("scan")
        )

    def get_urlpatterns(self):
        kept = [pattern for pattern in super().get_urlpatterns() if pattern.name not in ("add", "delete")]
        return [
            *kept,
            path("<str:pk>/ledgers/", self.detail_view, name="detail"),
            path("<str:pk>/data/", self.data_view, name="data"),
            path("<str:pk>/top-up/", self.top_up_view, name="top_up"),
            path("scan/", self.scan_view, name="scan"),
        ]

    def get_permissions_to_register(self):
        return model_permissions(Member, ["view", "change", ADJUST_POINTS, EXPORT_DATA, TOP_UP])


class MemberLevelViewSet(ModelViewSet):
    model = MemberLevel
    icon = "pick"
    menu_label = _("Member levels")
    add_to_admin_menu = True
    menu_order = 301
    list_display = ["name", "threshold_points", "points_multiplier", "discount_percent", "free_shipping"]
    form_fields = [
        "name",
        "badge",
        "threshold_points",
        "points_multiplier",
        "discount_percent",
        "free_shipping",
        "monthly_coupon",
        "benefits",
    ]
    copy_view_enabled = False
