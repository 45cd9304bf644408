"""Customer pages: My account (card, level, points and balance history, coupons)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core import registry
from members import qr, selectors


@login_required(login_url="/accounts/login/")
def my_account(request):
    """The member card, level progress, points and balance history, then what other domains add
    (coupons, orders, ...) as sections registered through `portal_account_sections`."""
    member = selectors.member_for(request.user)
    if member is None:
        # Staff, and a customer whose sign-up has not been delivered to the programme yet (the
        # outbox does that right after sign-up): nothing to show, and a GET writes nothing.
        return render(request, "members/no_member_card.html", status=200)
    sections = []
    for section in registry.account_sections():
        context = section.context(request, member)
        if context is not None:
            sections.append((section.template, context))
    return render(
        request,
        "members/my_account.html",
        {
            "member": member,
            "progress": selectors.level_progress(member),
            "card_figures": selectors.card_figures(member),
            "qr_svg": qr.qr_svg(member.code),
            "points": selectors.points_history(member, request.GET.get("points_page")),
            "balance": selectors.balance_history(member, request.GET.get("balance_page")),
            "sections": sections,
        },
    )
