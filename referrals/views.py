"""Customer pages of the referral programme: a promoter's link (/r/<code>/), the dashboard in My
account (becoming a promoter, the link, code, QR code and share text, figures, referred customers,
the orders that earned commission, the history, withdrawals), the printable poster, and the form a
new customer uses to name whoever recommended the brand.

Every write goes through referrals.services; a refusal (ReferralError, worded for customers) is
shown on the page and changes nothing. Dates are the brand's local ones.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from wagtail.models import Site

from accounts.selectors import masked_name
from core.money import format_money
from core.redirects import local_path
from events.views import in_brand_time
from members.models import Member
from members.qr import text_qr_svg as qr_svg
from members.selectors import member_for
from referrals import selectors, services
from referrals.forms import ReferrerCodeForm, WithdrawalForm
from referrals.models import Promoter, Referral, ReferralSettings

MESSAGE_TAG = "referrals"  # the referral pages show only these messages
LOGIN_URL = "/accounts/login/"
PAGE_SIZE = 10
DASHBOARD = "referrals:dashboard"


def _say(request, level, text) -> None:
    messages.add_message(request, level, text, extra_tags=MESSAGE_TAG)


def _member(request) -> Member | None:
    if not hasattr(request, "_referrals_member"):
        request._referrals_member = member_for(request.user)
    return request._referrals_member


def _programme(request) -> ReferralSettings:
    """The brand's settings, read once per request."""
    return ReferralSettings.load(request_or_site=request)


def brand_name(request) -> str:
    site = Site.find_for_request(request)  # kept on the request by the page cache middleware
    return (site.site_name if site else "") or getattr(getattr(request, "tenant", None), "name", "")


def link_for(request, promoter: Promoter, *, qr: bool = False) -> str:
    """The promoter's link on the host the customer is on; QR codes carry ?via=qr."""
    url = request.build_absolute_uri(reverse("referrals:link", args=[promoter.code]))
    return f"{url}?{urlencode({'via': 'qr'})}" if qr else url


def share_text_for(request, programme: ReferralSettings) -> str:
    return programme.share_text or _(
        "I shop at %(brand)s and I think you'll like it too. Join through my link:"
    ) % {"brand": brand_name(request)}


# --- The link ---------------------------------------------------------------------------------------


def _landing(request) -> str:
    """Where the link leads: a local path from ?next= (never another site), else the home page."""
    return local_path(str(request.GET.get("next", "") or "")[:500], "/")


@require_safe
@never_cache  # a cached redirect would skip the cookie: every visit reaches the view
def link(request, code: str):
    """A promoter's link: the visit is remembered (first touch, not for logged-in customers), then
    the visitor goes on to the portal. An unknown or inactive code just goes on."""
    response = redirect(_landing(request))
    promoter = services.active_promoter_by_code(code)
    if promoter is not None:
        via = Referral.Via.QR if request.GET.get("via") == "qr" else Referral.Via.LINK
        services.remember_visit(request, response, promoter, via=via)
    return response


# --- The dashboard ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferredCustomer:
    name: str
    joined_at: object
    via: str
    orders: int
    commission: str


def _referred_customers(promoter: Promoter, page_number):
    page = Paginator(selectors.referrals_of(promoter), PAGE_SIZE).get_page(page_number)
    referrals = list(page.object_list)
    earned = selectors.earned_by_customer(promoter, [referral.customer_id for referral in referrals])
    rows = []
    for referral in referrals:
        orders, cents = earned.get(referral.customer_id, (0, 0))
        rows.append(
            ReferredCustomer(
                name=masked_name(referral.customer.user),
                joined_at=referral.customer.joined_at,
                via=referral.get_via_display(),
                orders=orders,
                commission=format_money(cents),
            )
        )
    return page, rows


def _promoter_context(request, promoter: Promoter, programme: ReferralSettings, form) -> dict:
    pages = request.GET
    customers_page, customers = _referred_customers(promoter, pages.get("customers"))
    open_withdrawal = selectors.open_withdrawal(promoter)
    if form is None and open_withdrawal is None:
        form = WithdrawalForm(initial={"idempotency_key": uuid.uuid4().hex})
    context = {
        "stats": selectors.stats(promoter),
        "customers_page": customers_page,
        "customers": customers,
        "orders": Paginator(selectors.commissions_of(promoter), PAGE_SIZE).get_page(pages.get("orders")),
        "history": Paginator(selectors.ledger_of(promoter), PAGE_SIZE).get_page(pages.get("history")),
        "withdrawals": Paginator(selectors.withdrawals_of(promoter), PAGE_SIZE).get_page(
            pages.get("withdrawals")
        ),
        "open_withdrawal": open_withdrawal,
        "withdrawal_form": form,
        "can_withdraw": promoter.available_cents >= programme.minimum_withdrawal_cents,
        "shows_link": promoter.is_active and programme.enabled,
    }
    if context["shows_link"]:
        link_url = link_for(request, promoter)
        share_text = share_text_for(request, programme)
        context.update(
            link=link_url,
            qr_svg=qr_svg(link_for(request, promoter, qr=True)),
            share_text=share_text,
            share_message=f"{share_text} {link_url}",
        )
    return context


def _dashboard(request, *, withdrawal_form=None, status=200):
    member = _member(request)
    programme = _programme(request)
    context = {"member": member, "programme": programme}
    if member is None:  # staff, or a sign-up not yet delivered to the programme
        return render(request, "referrals/dashboard.html", context, status=status)
    promoter = selectors.promoter_of(member)
    referral = selectors.referrer_of(member)
    joined_recently = member.joined_at >= timezone.now() - dt.timedelta(days=programme.link_days)
    context.update(
        promoter=promoter,
        referred_by=masked_name(referral.promoter.member.user) if referral is not None else "",
        can_enter_code=referral is None and programme.enabled and joined_recently,
        code_form=ReferrerCodeForm(),
        minimum=format_money(programme.minimum_withdrawal_cents),
        is_shareable=promoter is not None
        and promoter.status in (Promoter.Status.ACTIVE, Promoter.Status.SUSPENDED),
    )
    if context["is_shareable"]:
        context.update(_promoter_context(request, promoter, programme, withdrawal_form))
    return render(request, "referrals/dashboard.html", context, status=status)


@login_required(login_url=LOGIN_URL)
@require_safe
@in_brand_time
def dashboard(request):
    return _dashboard(request)


def _refuse_visitor(request):
    return redirect_to_login(reverse(DASHBOARD), login_url=LOGIN_URL)


@require_POST
def become_promoter(request):
    """ "Get my referral link" (or "Apply to become a promoter" when staff approve promoters)."""
    if not request.user.is_authenticated:
        return _refuse_visitor(request)
    member = _member(request)
    if member is None:
        _say(request, messages.ERROR, _("Only members of the programme can recommend us."))
        return redirect(DASHBOARD)
    before = selectors.promoter_of(member)
    try:
        promoter = services.become_promoter(member)
    except services.ReferralError as refusal:
        _say(request, messages.ERROR, str(refusal))
        return redirect(DASHBOARD)
    if before is not None and before.status == promoter.status:
        pass  # a second click: the page already says where they stand
    elif promoter.status == Promoter.Status.ACTIVE:
        _say(request, messages.SUCCESS, _("Your referral link is ready. Share it with friends!"))
    elif promoter.status == Promoter.Status.APPLIED:
        _say(request, messages.SUCCESS, _("Thank you! We'll let you know when your application is approved."))
    return redirect(DASHBOARD)


@require_POST
@in_brand_time
def withdraw(request):
    """Ask for settled commission: amount in yuan, where to pay it; a hidden key makes a double click
    one request. A refusal shows the dashboard again with the reason, nothing asked."""
    if not request.user.is_authenticated:
        return _refuse_visitor(request)
    promoter = selectors.promoter_for_user(request.user)
    if promoter is None:
        _say(request, messages.ERROR, _("Only promoters can withdraw commission."))
        return redirect(DASHBOARD)
    form = WithdrawalForm(request.POST)
    if not form.is_valid():
        return _dashboard(request, withdrawal_form=form, status=400)
    try:
        withdrawal = services.request_withdrawal(
            promoter,
            form.cleaned_data["amount"],
            pay_to=form.cleaned_data["pay_to"],
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except services.ReferralError as refusal:
        form.add_error(None, str(refusal))
        return _dashboard(request, withdrawal_form=form, status=400)
    _say(
        request,
        messages.SUCCESS,
        _("You asked to withdraw %(amount)s. We'll let you know when it is paid.")
        % {"amount": withdrawal.amount_text},
    )
    return redirect(f"{reverse(DASHBOARD)}#withdrawals")


@require_POST
def enter_code(request):
    """A new customer names whoever recommended the brand by their code."""
    if not request.user.is_authenticated:
        return _refuse_visitor(request)
    member = _member(request)
    form = ReferrerCodeForm(request.POST)
    if member is None:
        _say(request, messages.ERROR, _("Only members of the programme can add a referral code."))
    elif not form.is_valid():
        _say(request, messages.ERROR, " ".join(form.errors["code"]))
    else:
        try:
            referral = services.enter_code(member, form.cleaned_data["code"])
        except services.ReferralError as refusal:
            _say(request, messages.ERROR, str(refusal))
        else:
            _say(
                request,
                messages.SUCCESS,
                _("Thank you! %(name)s recommended us to you.")
                % {"name": masked_name(referral.promoter.member.user)},
            )
    return redirect(DASHBOARD)


# --- The poster -------------------------------------------------------------------------------------


@login_required(login_url=LOGIN_URL)
@require_safe
def poster(request):
    """A page to print: the brand, a large QR code of the link (?via=qr), the code and the share text."""
    programme = _programme(request)
    promoter = selectors.promoter_for_user(request.user)
    if promoter is None or not promoter.is_active or not programme.enabled:
        _say(request, messages.INFO, _("Your poster is ready once you have an active referral link."))
        return redirect(DASHBOARD)
    context = {
        "promoter": promoter,
        "brand": brand_name(request),
        "link": link_for(request, promoter),
        "qr_svg": qr_svg(link_for(request, promoter, qr=True)),
        "share_text": share_text_for(request, programme),
    }
    return render(request, "referrals/poster.html", context)


# --- My account -------------------------------------------------------------------------------------


def account_summary(request, member) -> dict | None:
    """My account's referral section: where the member stands, or nothing when the programme is
    closed to them."""
    programme = _programme(request)
    promoter = selectors.promoter_of(member)
    if promoter is None and not programme.enabled:
        return None
    found = {"promoter": promoter, "programme": programme}
    if promoter is not None and promoter.status in (Promoter.Status.ACTIVE, Promoter.Status.SUSPENDED):
        found["stats"] = selectors.stats(promoter)
    return found
