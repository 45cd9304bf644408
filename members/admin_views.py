"""Brand staff's side: member list (search, filters, CSV), member detail with ledgers and timeline,
points adjustments with a reason, the till's scan page, and level management."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from members import qr, selectors, services
from members.models import LedgerSource, Member, MemberLevel


class MemberViewSet(ModelViewSet):
    model = Member
    icon = "user"
    menu_label = _("Members")
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["code", "user", "level", "points", "balance_cents", "joined_at"]
    list_filter = {"level": ["exact"], "joined_at": ["gte", "lte"], "points": ["gte", "lte"]}
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
    form_fields = ["level"]  # everything else changes through the ledgers, with a reason
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Member.objects.select_related("user", "level")

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<str:pk>/ledgers/", member_detail, name="detail"),
            path("scan/", scan, name="scan"),
        ]


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


class PointsForm(forms.Form):
    """Add (positive) or take (negative) points, always with a reason. The hidden key makes a double
    submit count once."""

    points = forms.IntegerField(label=_("Points (+ to add, − to take)"))
    reason = forms.CharField(max_length=200)
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = uuid.uuid4().hex


def _apply_points(request, member, form) -> bool:
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


def member_detail(request, pk):
    member = get_object_or_404(Member.objects.select_related("user", "level"), pk=pk)
    form = PointsForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _apply_points(request, member, form):
        return redirect("members_member:detail", quote(member.pk))
    return TemplateResponse(
        request,
        "members/admin/member_detail.html",
        {
            "page_title": f"{member.user} · {member.code}",
            "member": member,
            "form": form,
            "progress": selectors.level_progress(member),
            "points": selectors.points_history(member, request.GET.get("points_page")),
            "balance": selectors.balance_history(member, request.GET.get("balance_page")),
            "events": selectors.member_timeline(member),
        },
    )


def scan(request):
    """At the till: scan or type a member code, see the member, add or take points with a reason."""
    code_text = request.GET.get("code", "")
    member, error = None, ""
    if code_text:
        try:
            member = (
                Member.objects.select_related("user", "level")
                .filter(code=qr.member_code_from_scan(code_text))
                .first()
            )
            if member is None:
                error = _("No member has the code %(code)s.") % {"code": qr.member_code_from_scan(code_text)}
        except qr.MalformedMemberCode as malformed:
            error = str(malformed)
    form = PointsForm(request.POST or None)
    if (
        request.method == "POST"
        and member is not None
        and form.is_valid()
        and _apply_points(request, member, form)
    ):
        return redirect(reverse("members_member:scan") + f"?code={member.code}")
    return TemplateResponse(
        request,
        "members/admin/scan.html",
        {
            "page_title": _("Scan a member card"),
            "code": code_text,
            "member": member,
            "error": error,
            "form": form,
        },
    )
