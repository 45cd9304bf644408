"""Customer pages: My account (card, level, points and balance history, coupons)."""

from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coupons.selectors import coupon_count_for, coupons_for
from members import qr, selectors, services, tokens


@login_required(login_url="/accounts/login/")
def my_account(request):
    member = selectors.member_for(request.user)
    if member is None:
        # Staff and customers who signed up before the programme existed get their card now.
        member = services.enrol_member(request.user)
        member = selectors.member_for(request.user)
    return render(
        request,
        "members/my_account.html",
        {
            "member": member,
            "progress": selectors.level_progress(member),
            "qr_svg": qr.qr_svg(member.code),
            "points": selectors.points_history(member, request.GET.get("points_page")),
            "balance": selectors.balance_history(member, request.GET.get("balance_page")),
            "coupon_groups": _coupon_groups(coupons_for(member)),
            "coupon_count": coupon_count_for(member),
        },
    )


def _coupon_groups(coupons):
    """[(label, coupons)] for the usable, used and expired lists."""
    return [(_("Usable"), coupons.usable), (_("Used"), coupons.used), (_("Expired"), coupons.expired)]


@csrf_exempt  # an API for apps: no session, no cookie; credentials in the body
@require_POST
def issue_api_token(request):
    """Apps and mini-programs swap a customer's e-mail (or phone) and password for a bearer token
    for /graphql/. Failed attempts count towards the same lock-out as the log-in page."""
    login, password = request.POST.get("login", ""), request.POST.get("password", "")
    if not login or not password:
        return JsonResponse({"error": "Send login and password."}, status=400)
    user = authenticate(request, username=login, email=login, password=password)
    if user is None or not user.is_active:
        return JsonResponse({"error": "Wrong login or password."}, status=400)
    token = tokens.issue_customer_token(user, name=request.POST.get("name", "app"))
    return JsonResponse({"token": token, "token_type": "Bearer"})
