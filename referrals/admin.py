"""The referral programme in the brand admin (Wagtail), under "Referrals": promoters (the list with
its CSV, and each promoter's page: their figures, referred customers, commission and ledger, with
approve / refuse / suspend / reinstate / change level), the withdrawal queue (pay with the payout's
reference or reject saying why; CSV), the commission ledger (read only; CSV), commission rules and
promoter levels. The programme's settings are a generic setting (Settings → Referrals, registered
in models.py), which Wagtail opens only with `referrals.change_referralsettings`. Each tenant's
admin reads its own schema, so staff only ever see their brand's promoters.

Every view states its permission (the programme's permission policy knows `pay_withdrawal` and
`export_commission`, declared once on Promoter, for the promoters, the ledger and the queue):

| screen | needs |
|---|---|
| promoters list, a promoter's page | `referrals.view_promoter` or `referrals.change_promoter` |
| approve, refuse, suspend, reinstate, change level (POST only) | `referrals.change_promoter` |
| withdrawal queue, a withdrawal's page | `referrals.view_withdrawal` or `referrals.pay_withdrawal` |
| pay or reject a withdrawal (POST only) | `referrals.pay_withdrawal` |
| commission ledger | `referrals.view_commissionentry` (no add, edit or delete: it is append-only) |
| commission rules list / new / edit, deactivate / delete | any of `referrals.*_commissionrule` / `add_` / `change_` / `delete_` |
| promoter levels list / new / edit / delete | any of `referrals.*_promoterlevel` / `add_` / `change_` / `delete_` |
| every CSV (promoters, ledger, withdrawals) | the list's permission and `referrals.export_commission` |

Every change to a promoter or a withdrawal goes through referrals.services (which lock the
promoter's row and write the ledger); a refusal (ReferralError) comes back as an error message and
changes nothing. Rules and levels are the programme's configuration, edited with model forms.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.generic import TemplateView
from django_filters import CharFilter, ChoiceFilter, ModelChoiceFilter
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log
from wagtail.permissions import register_permission_policy

from core.admin import (
    ModelAndCustomPermissionPolicy,
    ProtectedDeleteView,
    ReadOnlyViewSetMixin,
    model_permissions,
)
from core.csv import CsvOnlyExportMixin, SafeCSVExportMixin
from core.money import format_money
from knowledge.analytics import brand_time, brand_zone
from referrals import selectors, services
from referrals.models import (
    CommissionEntry,
    CommissionRule,
    Promoter,
    PromoterLevel,
    Withdrawal,
)
from referrals.services import ReferralError

PAY = "pay_withdrawal"  # referrals.pay_withdrawal (Promoter.Meta.permissions)
EXPORT = "export_commission"  # referrals.export_commission (Promoter.Meta.permissions)
PROGRAMME_PERMISSIONS = (PAY, EXPORT)
SEE_PROMOTERS = ("view", "change")
SEE_WITHDRAWALS = ("view", PAY)
PAGE_SIZE = 50  # rows per section of a promoter's page

# The viewsets' names: their URL names are "<name>:index", "<name>:detail" ...
PROMOTERS = "referrals_promoters"
WITHDRAWALS = "referrals_withdrawals"
LEDGER = "referrals_ledger"
RULES = "referrals_rules"
LEVELS = "referrals_levels"


class ProgrammePermissionPolicy(ModelAndCustomPermissionPolicy):
    """ModelAndCustomPermissionPolicy for a model of the programme that also knows the programme's
    own permissions: they are declared once, on Promoter, and asked for on the withdrawal queue and
    the ledger too (`referrals.pay_withdrawal`, not `referrals.pay_withdrawal_withdrawal`)."""

    def _get_permission_codename(self, action):
        if action in PROGRAMME_PERMISSIONS:
            return action
        return super()._get_permission_codename(action)

    def _get_users_with_any_permission_codenames_filter(self, permission_codenames):
        # The programme's permission rows belong to Promoter's content type, not this model's.
        promoter_type = ContentType.objects.get_for_model(Promoter)
        permissions = Permission.objects.filter(
            Q(content_type=self._content_type, codename__in=permission_codenames)
            | Q(
                content_type=promoter_type,
                codename__in=set(permission_codenames) & set(PROGRAMME_PERMISSIONS),
            )
        )
        return (
            Q(is_superuser=True)
            | Q(user_permissions__in=permissions)
            | Q(groups__permissions__in=permissions)
        ) & Q(is_active=True)


# Registered at import, before Wagtail makes its fallback policies (wagtail_hooks imports this module).
promoter_policy = ProgrammePermissionPolicy(Promoter)
register_permission_policy(Promoter, promoter_policy)
withdrawal_policy = ProgrammePermissionPolicy(Withdrawal)
register_permission_policy(Withdrawal, withdrawal_policy)
ledger_policy = ProgrammePermissionPolicy(CommissionEntry)
register_permission_policy(CommissionEntry, ledger_policy)


def units(cents: int) -> Decimal:
    """Cents as a number in currency units for spreadsheets: 1250 -> 12.50, -500 -> -5.00 (a number,
    so a negative movement is not mistaken for a formula)."""
    return Decimal(int(cents)).scaleb(-2)


def csv_time(value) -> str:
    """A moment in the brand's time zone for spreadsheets: "2030-05-01 14:00"."""
    if value is None:
        return ""
    return timezone.localtime(value, brand_zone()).strftime("%Y-%m-%d %H:%M")


def money_heading(label: str) -> str:
    return _("%(label)s (%(currency)s)") % {"label": label, "currency": settings.PORTAL_CURRENCY}


def time_heading(label: str) -> str:
    return _("%(label)s (%(zone)s)") % {"label": label, "zone": brand_zone()}


def email_of(member) -> str:
    return member.user.email or member.user.get_username()


def staff_name(user) -> str:
    if user is None:
        return ""
    full_name = user.get_full_name()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


def delta_text(cents: int) -> str:
    """A ledger movement: "+¥5.00", "-¥5.00", or "" when the balance did not move."""
    if not cents:
        return ""
    return f"+{format_money(cents)}" if cents > 0 else format_money(cents)


def page_of(request, rows, param: str):
    """One page of `rows` for a section of a page (?<param>=n), with links that keep the other
    sections' pages."""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))

    def link(number):
        query = request.GET.copy()
        query[param] = number
        return "?" + query.urlencode()

    page.previous_url = link(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = link(page.next_page_number()) if page.has_next() else ""
    return page


class CommissionCSVMixin(CsvOnlyExportMixin, SafeCSVExportMixin):
    """A listing's CSV download (`?export=csv`: its filters and search applied, every page) for staff
    who may open the listing and hold `referrals.export_commission`. CSV only (the stock mixin offers
    XLSX too); amounts are numbers in currency units, times are the brand's."""

    FORMATS = ("csv",)

    def get(self, request, *args, **kwargs):
        if self.is_export and not self.may_export:
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    @cached_property
    def may_export(self) -> bool:
        return promoter_policy.user_has_permission(self.request.user, EXPORT)


# --- Promoters ------------------------------------------------------------------------------------


class PromoterFilterSet(WagtailFilterSet):
    status = ChoiceFilter(
        label=gettext_lazy("Status"), choices=Promoter.Status.choices, empty_label=gettext_lazy("All")
    )
    level = ModelChoiceFilter(
        label=gettext_lazy("Level"),
        queryset=lambda request: PromoterLevel.objects.order_by("rank"),
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = Promoter
        fields = ["status", "level"]


def level_name(promoter) -> str:
    return promoter.level.name if promoter.level_id else ""


class PromoterIndexView(CommissionCSVMixin, generic.IndexView):
    """Promoters, the newest first, with how many customers each brought and their balances."""

    any_permission_required = list(SEE_PROMOTERS)
    page_title = gettext_lazy("Promoters")
    list_export = [
        "email",
        "code",
        "level",
        "status",
        "referred",
        "pending",
        "available",
        "held",
        "withdrawn",
        "since",
    ]

    @cached_property
    def export_headings(self):
        return {
            "email": _("Member e-mail"),
            "code": _("Referral code"),
            "level": _("Level"),
            "status": _("Status"),
            "referred": _("Customers referred"),
            "pending": money_heading(pgettext("commission", "Pending")),
            "available": money_heading(_("Available")),
            "held": money_heading(_("Asked to withdraw")),
            "withdrawn": money_heading(_("Withdrawn")),
            "since": time_heading(_("Promoter since")),
        }

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("member__user", "level")
            .annotate(referred=Count("referrals"))
        )

    def to_row_dict(self, item):
        return {
            "email": email_of(item.member),
            "code": item.code,
            "level": level_name(item),
            "status": item.get_status_display(),
            "referred": item.referred,
            "pending": units(item.pending_cents),
            "available": units(item.available_cents),
            "held": units(item.held_cents),
            "withdrawn": units(item.withdrawn_cents),
            "since": csv_time(item.created_at),
        }

    def get_detail_url(self, promoter) -> str:
        return reverse(f"{PROMOTERS}:detail", args=(promoter.pk,))

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "email",
                label=gettext_lazy("Member e-mail"),
                accessor=lambda promoter: email_of(promoter.member),
                get_url=self.get_detail_url,
                sort_key="member__user__email",
            ),
            Column("code", label=gettext_lazy("Code"), sort_key="code"),
            Column("level", label=gettext_lazy("Level"), accessor=level_name, sort_key="level__rank"),
            StatusTagColumn(
                "status",
                label=gettext_lazy("Status"),
                accessor="get_status_display",
                primary=lambda promoter: promoter.is_active,
                sort_key="status",
            ),
            Column("referred", label=gettext_lazy("Referred"), sort_key="referred"),
            Column(
                "pending",
                label=pgettext_lazy("commission", "Pending"),
                accessor=lambda promoter: format_money(promoter.pending_cents),
                sort_key="pending_cents",
            ),
            Column(
                "available",
                label=gettext_lazy("Available"),
                accessor=lambda promoter: format_money(promoter.available_cents),
                sort_key="available_cents",
            ),
            Column(
                "withdrawn",
                label=gettext_lazy("Withdrawn"),
                accessor=lambda promoter: format_money(promoter.withdrawn_cents),
                sort_key="withdrawn_cents",
            ),
            Column(
                "since",
                label=gettext_lazy("Since"),
                accessor=lambda promoter: brand_time(promoter.created_at),
                sort_key="created_at",
            ),
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept on the promoter's page as a staff note."),
    )


class RefuseForm(ReasonForm):
    def __init__(self, *args, promoter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Why is the application refused?")


class SuspendForm(ReasonForm):
    def __init__(self, *args, promoter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Why is the promoter suspended?")
        self.fields["reason"].help_text = _(
            "A suspended promoter earns no new commission and brings no new customers; what was "
            "settled stays theirs. Kept on the promoter's page as a staff note."
        )


class ConfirmForm(forms.Form):
    def __init__(self, *args, promoter=None, **kwargs):
        super().__init__(*args, **kwargs)


class LevelForm(forms.Form):
    level = forms.ModelChoiceField(
        label=gettext_lazy("Level"),
        queryset=PromoterLevel.objects.none(),
        required=False,
        empty_label=gettext_lazy("No level"),
    )

    def __init__(self, *args, promoter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = PromoterLevel.objects.order_by("rank")
        if promoter is not None:
            self.fields["level"].initial = promoter.level_id


def _approve(promoter, data, user) -> str:
    services.approve_promoter(promoter, acting_user=user)
    return _("%(code)s is approved: their referral link works now.") % {"code": promoter.code}


def _refuse(promoter, data, user) -> str:
    services.reject_promoter(promoter, reason=data["reason"], acting_user=user)
    return _("The application of %(code)s is refused.") % {"code": promoter.code}


def _suspend(promoter, data, user) -> str:
    services.suspend_promoter(promoter, reason=data["reason"], acting_user=user)
    return _("%(code)s is suspended.") % {"code": promoter.code}


def _reinstate(promoter, data, user) -> str:
    services.reinstate_promoter(promoter, acting_user=user)
    return _("%(code)s is active again.") % {"code": promoter.code}


def _set_level(promoter, data, user) -> str:
    level = data["level"]
    services.set_promoter_level(promoter, level, acting_user=user)
    if level is None:
        return _("%(code)s has no level now.") % {"code": promoter.code}
    return _("%(code)s is now at the level “%(level)s”.") % {"code": promoter.code, "level": level.name}


@dataclass(frozen=True)
class PromoterAction:
    """A form on the promoter's page: its service call (which returns the success message or raises
    ReferralError) and when it is offered. The service has the last word: an action posted when it
    is no longer offered is refused by the service, with its message."""

    name: str
    form_class: type[forms.Form]
    run: object  # (promoter, cleaned_data, user) -> str
    submit_label: str
    offered: object = lambda promoter: True
    danger: bool = False


Status = Promoter.Status
PROMOTER_ACTIONS = [
    PromoterAction(
        "approve",
        ConfirmForm,
        _approve,
        gettext_lazy("Approve"),
        lambda promoter: promoter.status in (Status.APPLIED, Status.REJECTED),
    ),
    PromoterAction(
        "refuse",
        RefuseForm,
        _refuse,
        gettext_lazy("Refuse the application"),
        lambda promoter: promoter.status == Status.APPLIED,
        danger=True,
    ),
    PromoterAction(
        "suspend",
        SuspendForm,
        _suspend,
        gettext_lazy("Suspend"),
        lambda promoter: promoter.status == Status.ACTIVE,
        danger=True,
    ),
    PromoterAction(
        "reinstate",
        ConfirmForm,
        _reinstate,
        gettext_lazy("Reinstate"),
        lambda promoter: promoter.status == Status.SUSPENDED,
    ),
    PromoterAction("level", LevelForm, _set_level, gettext_lazy("Change level")),
]


def make_promoter_form(action: PromoterAction, promoter: Promoter, data=None) -> forms.Form:
    return action.form_class(data, prefix=action.name, promoter=promoter)


class ProgrammeAdminView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A page of the programme under its list in the breadcrumbs."""

    header_icon = "group"
    index_url_name = ""
    index_label = ""

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": self.index_label},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]


class PromoterDetailView(ProgrammeAdminView):
    """A promoter: their figures (and a warning when the balances and the ledger disagree), who
    referred them, the customers they referred (with e-mail: this is staff), the commission each
    order earned, their withdrawals and every ledger movement; and, for staff who may change
    promoters, the forms that do."""

    model = Promoter
    any_permission_required = list(SEE_PROMOTERS)
    template_name = "referrals/admin/promoter.html"
    index_url_name = f"{PROMOTERS}:index"
    index_label = gettext_lazy("Promoters")

    @cached_property
    def promoter(self) -> Promoter:
        # Read after the permission check, so a refused user learns nothing about the promoter.
        return get_object_or_404(
            Promoter.objects.select_related("member__user", "level"), pk=self.kwargs["pk"]
        )

    def get_page_title(self):
        return _("Promoter %(code)s") % {"code": self.promoter.code}

    def get_page_subtitle(self):
        return email_of(self.promoter.member)

    def drift(self) -> list[tuple[str, str]]:
        labels = {
            "pending": pgettext("commission", "Pending"),
            "available": _("Available"),
            "held": _("Asked to withdraw"),
            "withdrawn": _("Withdrawn"),
        }
        return [
            (labels[name], format_money(cents))
            for name, cents in services.ledger_drift(self.promoter).items()
            if cents
        ]

    def get_context_data(self, bound_forms=None, **kwargs):
        promoter, request = self.promoter, self.request
        drift = self.drift()  # refreshes the promoter's balances from the database first
        bound_forms = bound_forms or {}
        forms_shown = []
        if self.user_has_permission("change"):
            forms_shown = [
                {
                    "action": action,
                    "form": bound_forms.get(action.name) or make_promoter_form(action, promoter),
                    "url": reverse(f"{PROMOTERS}:{action.name}", args=(promoter.pk,)),
                }
                for action in PROMOTER_ACTIONS
                if action.offered(promoter) or action.name in bound_forms
            ]
        referrals = page_of(request, selectors.referrals_of(promoter), "referrals_page")
        earned = selectors.earned_by_customer(promoter, [referral.customer_id for referral in referrals])
        commissions = page_of(request, selectors.commissions_of(promoter), "commissions_page")
        ledger = page_of(request, selectors.ledger_of(promoter).select_related("acting_user"), "ledger_page")
        withdrawals = page_of(request, selectors.withdrawals_of(promoter), "withdrawals_page")
        may_see_withdrawals = withdrawal_policy.user_has_any_permission(request.user, SEE_WITHDRAWALS)
        referrer = selectors.referrer_of(promoter.member)
        return super().get_context_data(
            promoter=promoter,
            email=email_of(promoter.member),
            stats=selectors.stats(promoter),
            money={
                "pending": format_money(promoter.pending_cents),
                "available": format_money(promoter.available_cents),
                "held": format_money(promoter.held_cents),
                "withdrawn": format_money(promoter.withdrawn_cents),
                "earned": format_money(promoter.earned_cents),
            },
            since=brand_time(promoter.created_at),
            decided=brand_time(promoter.decided_at),
            referred_by=(
                {"code": referrer.promoter.code, "email": email_of(referrer.promoter.member)}
                if referrer
                else None
            ),
            drift=drift,
            referrals=referrals,
            referral_rows=[
                {
                    "email": email_of(referral.customer),
                    "via": referral.get_via_display(),
                    "referred": brand_time(referral.referred_at),
                    "orders": earned.get(referral.customer_id, (0, 0))[0],
                    "commission": format_money(earned.get(referral.customer_id, (0, 0))[1]),
                }
                for referral in referrals
            ],
            commissions=commissions,
            commission_rows=[
                {
                    "order": commission.order.number,
                    "customer": email_of(commission.customer),
                    "tier": commission.tier,
                    "base": format_money(commission.base_cents),
                    "amount": commission.amount_text,
                    "status": commission.get_status_display(),
                    "earned": brand_time(commission.created_at),
                    "settles": brand_time(commission.settled_at or commission.settles_at),
                }
                for commission in commissions
            ],
            ledger=ledger,
            ledger_rows=[ledger_row(entry) for entry in ledger],
            withdrawals=withdrawals,
            withdrawal_rows=[
                {
                    "amount": withdrawal.amount_text,
                    "status": withdrawal.get_status_display(),
                    "asked": brand_time(withdrawal.requested_at),
                    "decided": brand_time(withdrawal.decided_at),
                    "url": reverse(f"{WITHDRAWALS}:detail", args=(withdrawal.pk,))
                    if may_see_withdrawals
                    else "",
                }
                for withdrawal in withdrawals
            ],
            forms=forms_shown,
            time_zone=str(brand_zone()),
            **kwargs,
        )


def ledger_row(entry: CommissionEntry) -> dict:
    return {
        "entry": entry,
        "when": brand_time(entry.created_at),
        "kind": entry.get_kind_display(),
        "amount": entry.amount_text,
        "pending": delta_text(entry.pending_delta),
        "available": delta_text(entry.available_delta),
        "held": delta_text(entry.held_delta),
        "withdrawn": delta_text(entry.withdrawn_delta),
        "order": entry.commission.order.number if entry.commission_id else "",
        "withdrawal": entry.withdrawal_id or "",
        "by": staff_name(entry.acting_user),
    }


class PromoterActionView(PromoterDetailView):
    """One form of the promoter's page (POST only): its service makes the change, or refuses with a
    message and nothing changes; the page comes back with what was typed."""

    any_permission_required = None
    permission_required = "change"
    http_method_names = ["post"]
    action: PromoterAction | None = None

    def post(self, request, pk):
        action, promoter = self.action, self.promoter
        form = make_promoter_form(action, promoter, request.POST)
        if form.is_valid():
            try:
                done = action.run(promoter, form.cleaned_data, request.user)
            except ReferralError as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, done)
                return redirect(f"{PROMOTERS}:detail", pk)
        else:
            messages.error(request, _("Nothing was changed: check the form."))
        return self.render_to_response(self.get_context_data(bound_forms={action.name: form}))


class PromoterViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """Referrals → Promoters. Members become promoters themselves (My account) and balances move
    only through the services, so there is no add, edit or delete here; a promoter's own page has
    the actions."""

    model = Promoter
    url_prefix = "referrals/promoters"
    icon = "group"
    menu_label = gettext_lazy("Promoters")
    inspect_view_enabled = False  # the promoter's own page shows more, with its forms
    kept_urls = ("index", "index_results")
    index_view_class = PromoterIndexView
    filterset_class = PromoterFilterSet
    search_fields = ["code", "member__user__email"]
    search_backend_name = None  # as typed (icontains): part of an e-mail address or a code
    export_filename = "promoters"
    list_per_page = 50

    def action_view(self, action: PromoterAction):
        return PromoterActionView.as_view(action=action)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/", PromoterDetailView.as_view(), name="detail"),
            *(
                path(f"<int:pk>/{action.name}/", self.action_view(action), name=action.name)
                for action in PROMOTER_ACTIONS
            ),
        ]

    def get_permissions_to_register(self):
        return model_permissions(Promoter, ["view", "change", PAY, EXPORT])


# --- Withdrawal queue -----------------------------------------------------------------------------


class WithdrawalFilterSet(WagtailFilterSet):
    status = ChoiceFilter(
        label=gettext_lazy("Status"), choices=Withdrawal.Status.choices, empty_label=gettext_lazy("All")
    )

    class Meta:
        model = Withdrawal
        fields = ["status"]


def is_open(withdrawal) -> bool:
    return withdrawal.status == Withdrawal.Status.REQUESTED


def decision_text(withdrawal) -> str:
    return withdrawal.payout_reference or withdrawal.reason


class WithdrawalIndexView(CommissionCSVMixin, generic.IndexView):
    """The queue: requests waiting for staff first, the oldest first (paid in the order asked), then
    those decided, the latest decision first."""

    any_permission_required = list(SEE_WITHDRAWALS)
    page_title = gettext_lazy("Withdrawals")
    list_export = [
        "number",
        "asked",
        "email",
        "code",
        "amount",
        "pay_to",
        "status",
        "decided",
        "by",
        "reference",
        "reason",
    ]

    @cached_property
    def export_headings(self):
        return {
            "number": _("Number"),
            "asked": time_heading(_("Asked")),
            "email": _("Member e-mail"),
            "code": _("Referral code"),
            "amount": money_heading(_("Amount")),
            "pay_to": _("Pay to"),
            "status": _("Status"),
            "decided": time_heading(_("Decided")),
            "by": _("Decided by"),
            "reference": _("Payout reference"),
            "reason": _("Reason"),
        }

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("promoter__member__user", "decided_by")

    def order_queryset(self, queryset):
        open_first = Case(
            When(status=Withdrawal.Status.REQUESTED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        asked_if_open = Case(When(status=Withdrawal.Status.REQUESTED, then=F("requested_at")))
        return queryset.order_by(
            open_first, asked_if_open.asc(nulls_last=True), F("decided_at").desc(nulls_last=True), "-pk"
        )

    def to_row_dict(self, item):
        return {
            "number": item.pk,
            "asked": csv_time(item.requested_at),
            "email": email_of(item.promoter.member),
            "code": item.promoter.code,
            "amount": units(item.amount_cents),
            "pay_to": item.pay_to,
            "status": item.get_status_display(),
            "decided": csv_time(item.decided_at),
            "by": item.decided_by.get_username() if item.decided_by_id else "",
            "reference": item.payout_reference,
            "reason": item.reason,
        }

    def get_detail_url(self, withdrawal) -> str:
        return reverse(f"{WITHDRAWALS}:detail", args=(withdrawal.pk,))

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "asked",
                label=gettext_lazy("Asked"),
                accessor=lambda withdrawal: brand_time(withdrawal.requested_at),
                get_url=self.get_detail_url,
            ),
            Column(
                "email", label=gettext_lazy("Member e-mail"), accessor=lambda w: email_of(w.promoter.member)
            ),
            Column("code", label=gettext_lazy("Code"), accessor=lambda withdrawal: withdrawal.promoter.code),
            Column("amount", label=gettext_lazy("Amount"), accessor="amount_text"),
            Column("pay_to", label=gettext_lazy("Pay to")),
            StatusTagColumn(
                "status", label=gettext_lazy("Status"), accessor="get_status_display", primary=is_open
            ),
            Column("decided", label=gettext_lazy("Decided"), accessor=lambda w: brand_time(w.decided_at)),
            Column("decision", label=gettext_lazy("Reference or reason"), accessor=decision_text),
        ]


class PayForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Payout reference"),
        max_length=120,
        help_text=gettext_lazy(
            "The transfer number from the bank or Alipay, so the payment can be traced. The promoter is told."
        ),
    )


class RejectWithdrawalForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it rejected?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("The promoter is told, and the amount is theirs to withdraw again."),
    )


@dataclass(frozen=True)
class WithdrawalDecision:
    name: str
    form_class: type[forms.Form]
    submit_label: str
    danger: bool = False


WITHDRAWAL_DECISIONS = [
    WithdrawalDecision("pay", PayForm, gettext_lazy("Mark as paid")),
    WithdrawalDecision("reject", RejectWithdrawalForm, gettext_lazy("Reject"), danger=True),
]


class WithdrawalDetailView(ProgrammeAdminView):
    """A withdrawal: who asked, how much, where to pay it, the promoter's balances; and, while it is
    waiting and for staff who may pay, the forms to pay it or reject it."""

    model = Withdrawal
    any_permission_required = list(SEE_WITHDRAWALS)
    template_name = "referrals/admin/withdrawal.html"
    header_icon = "doc-full"
    index_url_name = f"{WITHDRAWALS}:index"
    index_label = gettext_lazy("Withdrawals")

    @cached_property
    def withdrawal(self) -> Withdrawal:
        # Read after the permission check, so a refused user learns nothing about the request.
        return get_object_or_404(
            Withdrawal.objects.select_related("promoter__member__user", "promoter__level", "decided_by"),
            pk=self.kwargs["pk"],
        )

    def get_page_title(self):
        return _("Withdrawal %(number)s") % {"number": self.withdrawal.pk}

    def get_page_subtitle(self):
        return self.withdrawal.amount_text

    def get_context_data(self, bound_forms=None, **kwargs):
        withdrawal, user = self.withdrawal, self.request.user
        promoter = withdrawal.promoter
        bound_forms = bound_forms or {}
        forms_shown = []
        if is_open(withdrawal) and self.user_has_permission(PAY):
            forms_shown = [
                {
                    "action": decision,
                    "form": bound_forms.get(decision.name) or decision.form_class(prefix=decision.name),
                    "url": reverse(f"{WITHDRAWALS}:{decision.name}", args=(withdrawal.pk,)),
                }
                for decision in WITHDRAWAL_DECISIONS
            ]
        may_see_promoter = promoter_policy.user_has_any_permission(user, SEE_PROMOTERS)
        return super().get_context_data(
            withdrawal=withdrawal,
            promoter=promoter,
            email=email_of(promoter.member),
            promoter_url=reverse(f"{PROMOTERS}:detail", args=(promoter.pk,)) if may_see_promoter else "",
            asked=brand_time(withdrawal.requested_at),
            decided=brand_time(withdrawal.decided_at),
            decided_by=staff_name(withdrawal.decided_by),
            money={
                "available": format_money(promoter.available_cents),
                "held": format_money(promoter.held_cents),
                "withdrawn": format_money(promoter.withdrawn_cents),
            },
            forms=forms_shown,
            time_zone=str(brand_zone()),
            **kwargs,
        )


class WithdrawalDecisionView(WithdrawalDetailView):
    """Pay or reject (POST only) through services.pay_withdrawal / reject_withdrawal: a request is
    decided once; a second decision (a second click, a colleague) gets the service's refusal as an
    error message and changes nothing."""

    any_permission_required = None
    permission_required = PAY
    http_method_names = ["post"]
    decision: WithdrawalDecision | None = None

    def post(self, request, pk):
        decision, withdrawal = self.decision, self.withdrawal
        form = decision.form_class(request.POST, prefix=decision.name)
        if not form.is_valid():
            messages.error(request, _("Nothing was changed: check the form."))
            return self.render_to_response(self.get_context_data(bound_forms={decision.name: form}))
        try:
            if decision.name == "pay":
                services.pay_withdrawal(
                    withdrawal, reference=form.cleaned_data["reference"], acting_user=request.user
                )
                done = _("Withdrawal %(number)s of %(amount)s is paid; the promoter is told.")
            else:
                services.reject_withdrawal(
                    withdrawal, reason=form.cleaned_data["reason"], acting_user=request.user
                )
                done = _("Withdrawal %(number)s of %(amount)s is rejected; the promoter is told.")
        except ReferralError as refusal:
            messages.error(request, str(refusal))
            return redirect(f"{WITHDRAWALS}:detail", pk)
        messages.success(request, done % {"number": withdrawal.pk, "amount": withdrawal.amount_text})
        return redirect(f"{WITHDRAWALS}:index")


class WithdrawalViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """Referrals → Withdrawals. Promoters ask in My account; staff pay or reject on the request's
    page. Nothing is added, edited or deleted here: a request is the record of a payout."""

    model = Withdrawal
    url_prefix = "referrals/withdrawals"
    icon = "doc-full"
    menu_label = gettext_lazy("Withdrawals")
    inspect_view_enabled = False
    kept_urls = ("index", "index_results")
    index_view_class = WithdrawalIndexView
    filterset_class = WithdrawalFilterSet
    search_fields = ["promoter__code", "promoter__member__user__email", "payout_reference"]
    search_backend_name = None
    export_filename = "withdrawals"
    list_per_page = 50

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/", WithdrawalDetailView.as_view(), name="detail"),
            *(
                path(
                    f"<int:pk>/{decision.name}/",
                    WithdrawalDecisionView.as_view(decision=decision),
                    name=decision.name,
                )
                for decision in WITHDRAWAL_DECISIONS
            ),
        ]

    def get_permissions_to_register(self):
        return model_permissions(Withdrawal, ["view"])


# --- Commission ledger ----------------------------------------------------------------------------


class LedgerFilterSet(WagtailFilterSet):
    kind = ChoiceFilter(
        label=gettext_lazy("What"), choices=CommissionEntry.Kind.choices, empty_label=gettext_lazy("All")
    )
    code = CharFilter(label=gettext_lazy("Promoter code"), method="filter_code")

    class Meta:
        model = CommissionEntry
        fields = ["kind"]

    def filter_code(self, queryset, name, value):
        code = services.normalised_code(value)
        return queryset.filter(promoter__code=code) if code else queryset


class LedgerIndexView(CommissionCSVMixin, generic.IndexView):
    """Every movement of commission, the newest first: what moved between whose balances, for which
    order or withdrawal, and who acted."""

    any_permission_required = ["view"]
    page_title = gettext_lazy("Commission ledger")
    list_export = [
        "when",
        "code",
        "email",
        "kind",
        "amount",
        "pending",
        "available",
        "held",
        "withdrawn",
        "order",
        "withdrawal",
        "by",
    ]

    @cached_property
    def export_headings(self):
        return {
            "when": time_heading(_("When")),
            "code": _("Referral code"),
            "email": _("Member e-mail"),
            "kind": _("What"),
            "amount": money_heading(_("Amount")),
            "pending": money_heading(_("Pending change")),
            "available": money_heading(_("Available change")),
            "held": money_heading(_("Asked-to-withdraw change")),
            "withdrawn": money_heading(_("Withdrawn change")),
            "order": _("Order number"),
            "withdrawal": _("Withdrawal number"),
            "by": _("By"),
        }

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("promoter__member__user", "commission__order", "acting_user")
            .order_by("-created_at", "-pk")
        )

    def order_queryset(self, queryset):
        return queryset.order_by("-created_at", "-pk")  # a ledger reads newest first, always

    def to_row_dict(self, item):
        return {
            "when": csv_time(item.created_at),
            "code": item.promoter.code,
            "email": email_of(item.promoter.member),
            "kind": item.get_kind_display(),
            "amount": units(item.amount_cents),
            "pending": units(item.pending_delta),
            "available": units(item.available_delta),
            "held": units(item.held_delta),
            "withdrawn": units(item.withdrawn_delta),
            "order": item.commission.order.number if item.commission_id else "",
            "withdrawal": item.withdrawal_id or "",
            "by": item.acting_user.get_username() if item.acting_user_id else "",
        }

    @cached_property
    def columns(self):
        def promoter_url(entry):
            if promoter_policy.user_has_any_permission(self.request.user, SEE_PROMOTERS):
                return reverse(f"{PROMOTERS}:detail", args=(entry.promoter_id,))
            return None

        return [
            Column("when", label=gettext_lazy("When"), accessor=lambda entry: brand_time(entry.created_at)),
            TitleColumn(
                "code",
                label=gettext_lazy("Promoter"),
                accessor=lambda entry: entry.promoter.code,
                get_url=promoter_url,
            ),
            Column("kind", label=gettext_lazy("What"), accessor="get_kind_display"),
            Column("amount", label=gettext_lazy("Amount"), accessor="amount_text"),
            Column(
                "pending",
                label=pgettext_lazy("commission", "Pending"),
                accessor=lambda e: delta_text(e.pending_delta),
            ),
            Column(
                "available", label=gettext_lazy("Available"), accessor=lambda e: delta_text(e.available_delta)
            ),
            Column(
                "held", label=gettext_lazy("Asked to withdraw"), accessor=lambda e: delta_text(e.held_delta)
            ),
            Column(
                "withdrawn", label=gettext_lazy("Withdrawn"), accessor=lambda e: delta_text(e.withdrawn_delta)
            ),
            Column(
                "order",
                label=gettext_lazy("Order"),
                accessor=lambda entry: entry.commission.order.number if entry.commission_id else "",
            ),
            Column("by", label=gettext_lazy("By"), accessor=lambda entry: staff_name(entry.acting_user)),
        ]


class LedgerViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """Referrals → Commission ledger: read only (the services append to it; nothing edits it)."""

    model = CommissionEntry
    url_prefix = "referrals/ledger"
    icon = "list-ul"
    menu_label = gettext_lazy("Commission ledger")
    inspect_view_enabled = False
    kept_urls = ("index", "index_results")
    index_view_class = LedgerIndexView
    filterset_class = LedgerFilterSet
    export_filename = "commission-ledger"
    list_per_page = 50

    def get_permissions_to_register(self):
        return model_permissions(CommissionEntry, ["view"])


# --- Commission rules -----------------------------------------------------------------------------


class CommissionRuleForm(WagtailAdminModelForm):
    """The rule's numbers are checked here, each on its field, so staff read why a rule is refused
    (the database's constraints are the backstop)."""

    def clean(self):
        cleaned = super().clean()
        percent = cleaned.get("kind") == CommissionRule.Kind.PERCENT
        tiers = {name: cleaned.get(name) for name in ("first_tier", "second_tier")}
        fine = True
        for name, value in tiers.items():
            if value is None:
                fine = False
            elif value < 0:
                self.add_error(name, _("Enter 0 or more."))
                fine = False
            elif percent and value > 100:
                self.add_error(name, _("A percentage is at most 100."))
                fine = False
        if percent and fine and tiers["first_tier"] + tiers["second_tier"] > 100:
            self.add_error(
                "second_tier",
                _("Together the two tiers are at most 100%% of the price; now they are %(total)s%%.")
                % {"total": percent_text(tiers["first_tier"] + tiers["second_tier"])},
            )
        if cleaned.get("product") and cleaned.get("category"):
            self.add_error(
                "category",
                _("Choose a product or a category, not both (leave both empty for the whole shop)."),
            )
        return cleaned


RULE_PANELS = [
    FieldPanel("name"),
    MultiFieldPanel(
        [FieldPanel("kind"), FieldPanel("first_tier"), FieldPanel("second_tier")],
        heading=gettext_lazy("Commission"),
    ),
    MultiFieldPanel(
        [FieldPanel("product"), FieldPanel("category"), FieldPanel("level")],
        heading=gettext_lazy("Applies to"),
    ),
    FieldPanel("is_active"),
]


def percent_text(value: Decimal) -> str:
    """Decimal("10.50") -> "10.5", Decimal("10.00") -> "10"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def tier_text(rule: CommissionRule, value: Decimal) -> str:
    if rule.kind == CommissionRule.Kind.PERCENT:
        return f"{percent_text(value)}%"
    return format_money(int(value * 100))


def commission_text(rule: CommissionRule) -> str:
    """ "10% · second tier 2%", "¥5.00 per item"."""
    text = tier_text(rule, rule.first_tier)
    if rule.kind == CommissionRule.Kind.FIXED:
        text = _("%(amount)s per item") % {"amount": text}
    if rule.second_tier:
        text = _("%(first)s · second tier %(second)s") % {
            "first": text,
            "second": tier_text(rule, rule.second_tier),
        }
    return text


def applies_to_text(rule: CommissionRule) -> str:
    if rule.product_id:
        return rule.product.title
    if rule.category_id:
        return _("Category: %(name)s") % {"name": rule.category.name}
    return _("Whole shop")


class CommissionRuleFilterSet(WagtailFilterSet):
    is_active = ChoiceFilter(
        label=gettext_lazy("Active"),
        choices=[("true", gettext_lazy("Active")), ("false", gettext_lazy("Deactivated"))],
        method="filter_active",
        empty_label=gettext_lazy("All"),
    )
    kind = ChoiceFilter(
        label=gettext_lazy("Commission"), choices=CommissionRule.Kind.choices, empty_label=gettext_lazy("All")
    )
    level = ModelChoiceFilter(
        label=gettext_lazy("Level"),
        queryset=lambda request: PromoterLevel.objects.order_by("rank"),
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = CommissionRule
        fields = ["kind", "level"]

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "true") if value in ("true", "false") else queryset


class CommissionRuleIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("product", "category", "level")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_active and self.user_has_permission("change"):
            buttons.append(
                MenuItem(
                    _("Deactivate"),
                    url=reverse(f"{RULES}:deactivate", args=(instance.pk,)),
                    icon_name="cross",
                    priority=15,
                )
            )
        return buttons


class DeactivateRuleView(ProgrammeAdminView):
    """Switch a rule off (a GET asks, a POST does): orders paid from then on no longer earn
    commission under it; commission already earned is kept. Ticking "active" in the rule's edit
    form switches it on again."""

    model = CommissionRule
    permission_required = "change"
    template_name = "referrals/admin/deactivate_rule.html"
    page_title = gettext_lazy("Deactivate rule")
    header_icon = "cross"
    index_url_name = f"{RULES}:index"
    index_label = gettext_lazy("Commission rules")

    @cached_property
    def rule(self) -> CommissionRule:
        return get_object_or_404(CommissionRule, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.rule.name

    def get_context_data(self, **kwargs):
        return super().get_context_data(rule=self.rule, commission=commission_text(self.rule), **kwargs)

    def post(self, request, pk):
        rule = self.rule
        if not CommissionRule.objects.filter(pk=rule.pk, is_active=True).update(is_active=False):
            messages.warning(request, _("“%(name)s” is already off.") % {"name": rule.name})
        else:
            rule.is_active = False
            log(instance=rule, action="wagtail.edit", user=request.user, content_changed=True)
            messages.success(
                request,
                _("“%(name)s” is off: new orders no longer earn commission under it.") % {"name": rule.name},
            )
        return redirect(self.index_url_name)


class CommissionRuleViewSet(ModelViewSet):
    """Referrals → Commission rules: what referred customers' orders earn. The most specific
    active rule for an order line wins (services._rule_for)."""

    model = CommissionRule
    url_prefix = "referrals/rules"
    icon = "form"
    menu_label = gettext_lazy("Commission rules")
    copy_view_enabled = False
    index_view_class = CommissionRuleIndexView
    filterset_class = CommissionRuleFilterSet
    search_fields = ["name"]
    search_backend_name = None
    list_display = [
        "name",
        Column("commission", label=gettext_lazy("Commission"), accessor=commission_text),
        Column("applies_to", label=gettext_lazy("Applies to"), accessor=applies_to_text),
        Column(
            "level",
            label=gettext_lazy("Level"),
            accessor=lambda rule: rule.level.name if rule.level_id else _("Every level"),
        ),
        BooleanColumn("is_active", label=gettext_lazy("Active")),
    ]

    def get_edit_handler(self):
        return ObjectList(RULE_PANELS, base_form_class=CommissionRuleForm).bind_to_model(CommissionRule)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("deactivate/<int:pk>/", DeactivateRuleView.as_view(), name="deactivate"),
        ]

    def get_permissions_to_register(self):
        return model_permissions(CommissionRule, ["add", "change", "delete", "view"])


# --- Promoter levels ------------------------------------------------------------------------------


class PromoterLevelIndexView(generic.IndexView):
    default_ordering = "rank"  # Meta.ordering is dropped from a GROUP BY query (the counts)

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(
                promoter_count=Count("promoters", distinct=True), rule_count=Count("rules", distinct=True)
            )
        )


class PromoterLevelDeleteView(ProtectedDeleteView):
    """A level promoters hold or rules name stays: the promoters would lose their level (PROTECT
    refuses that) and the rules would be deleted with it (CASCADE), silently changing commission."""

    protected_message = gettext_lazy(
        "Promoters or commission rules use the level “%(name)s”, so it is kept: move the promoters "
        "to another level and change or delete its rules first."
    )

    def form_valid(self, form):
        if self.object.promoters.exists() or self.object.rules.exists():
            messages.error(self.request, self.protected_message % {"name": str(self.object)})
            return redirect(self.index_url_name)
        return super().form_valid(form)


class PromoterLevelViewSet(ModelViewSet):
    """Referrals → Promoter levels (bronze, silver, gold ...): new promoters get the lowest rank."""

    model = PromoterLevel
    url_prefix = "referrals/levels"
    icon = "pick"
    menu_label = gettext_lazy("Promoter levels")
    copy_view_enabled = False  # name and rank are unique
    index_view_class = PromoterLevelIndexView
    delete_view_class = PromoterLevelDeleteView
    form_fields = ["name", "rank", "description"]
    list_display = [
        "name",
        "rank",
        "description",
        Column("promoter_count", label=gettext_lazy("Promoters"), sort_key="promoter_count"),
        Column("rule_count", label=gettext_lazy("Commission rules"), sort_key="rule_count"),
    ]

    def get_permissions_to_register(self):
        return model_permissions(PromoterLevel, ["add", "change", "delete", "view"])


# --- The menu -------------------------------------------------------------------------------------


class ReferralsGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Referrals")
    menu_icon = "group"
    menu_order = 345
    items = (
        PromoterViewSet(PROMOTERS),
        WithdrawalViewSet(WITHDRAWALS),
        LedgerViewSet(LEDGER),
        CommissionRuleViewSet(RULES),
        PromoterLevelViewSet(LEVELS),
    )


@hooks.register("register_admin_viewset")
def register_referrals_admin():
    return ReferralsGroup()
