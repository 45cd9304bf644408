"""Customer pages: My account (card, level, points and balance history, coupons)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from members import qr, selectors, services


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
            "coupon_groups": _coupon_groups(selectors.coupons_of(member)),
            "coupon_count": selectors.usable_coupon_count(member),
        },
    )


def _coupon_groups(coupons):
    """[(label, coupons)] for the usable, used and expired lists, or [] without the coupons app."""
    if coupons is None:
        return []
    return [(_("Usable"), coupons.usable), (_("Used"), coupons.used), (_("Expired"), coupons.expired)]
