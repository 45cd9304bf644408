"""Customer pages of requests (tickets): the service home ("how can we help"), a request type's
form, the customer's requests in My account, one request with its conversation (reply, close,
rate), the same through a visitor's follow link, and the attachments' files.

Every write goes through service.services; a refusal (TicketError) becomes a message for the
customer and changes nothing. Times are shown in the brand's time zone. A request reached through
its follow link (a visitor's) is the link's key: whoever holds it may read, answer, close and rate
that request, and open its files (`?key=`); a request of a customer with an account is only ever
shown to them, logged in.
"""

import datetime as dt
import functools
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.language import tenant_time_zone
from core.money import format_money
from mall import selectors as mall_selectors
from members.selectors import member_for
from service import selectors, services
from service.chat import chat_embed
from service.forms import RatingForm, ReplyForm, RequestForm
from service.models import Attachment, Audience, OpeningHours, Ticket

MESSAGE_TAG = "service"  # the service pages show only these messages
LOGIN_URL = "/accounts/login/"
TICKETS_PER_PAGE = 20
ORDERS_LISTED = 50  # an "order" field offers the customer's latest orders
PRODUCTS_LISTED = 200
CLOSED_DAYS_AHEAD = 30
# A visitor's request has no account to hang the idempotency key on (services keys it per user):
# the key of a form already sent leads back to its follow link for this long.
VISITOR_SENT_SECONDS = 3600
INLINE_TYPES = ("application/pdf",)  # and every image/*

Status = Ticket.Status


def in_brand_time(view):
    """Dates on the page are the brand's local ones."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with timezone.override(tenant_time_zone()):
            return view(request, *args, **kwargs)

    return wrapped


def _say(request, level, text) -> None:
    messages.add_message(request, level, text, extra_tags=MESSAGE_TAG)


# --- The service home ----------------------------------------------------------------------------


def week_hours(location) -> list[tuple[str, str]]:
    """(day, "09:00–12:00, 13:00–18:00" or "Closed") for Monday to Sunday."""
    rows = sorted(location.opening_hours.all(), key=lambda row: (row.weekday, row.opens))
    week = []
    for day in OpeningHours.Weekday:
        spans = [f"{row.opens:%H:%M}–{row.closes:%H:%M}" for row in rows if row.weekday == day.value]
        week.append((day.label, ", ".join(spans) if spans else pgettext("opening hours", "Closed")))
    return week


def closed_days_ahead(location) -> list:
    today = timezone.now().astimezone(location.zone()).date()
    until = today + dt.timedelta(days=CLOSED_DAYS_AHEAD)
    return sorted(
        (day for day in location.closed_days.all() if today <= day.date <= until), key=lambda day: day.date
    )


@require_safe
@in_brand_time
def service_home(request):
    """How can we help: the brand's channels, the requests this visitor may send, booking."""
    member = member_for(request.user)
    entry = selectors.service_entry()
    location = entry.hours_location
    chat = chat_embed(entry.chat_provider, entry.chat_id)
    context = {
        "entry": entry,
        "location": location,
        "hours": week_hours(location) if location is not None else [],
        "closed_days": closed_days_ahead(location) if location is not None else [],
        "chat_link": chat.get("link", "") if chat else "",
        "request_types": selectors.request_types_for(request.user, member),
        "can_book": bool(selectors.bookable_services(request.user)),
    }
    return render(request, "service/home.html", context)


# --- A request type's form -----------------------------------------------------------------------


def _order_choices(member) -> list[tuple[str, str]]:
    """The customer's own latest orders as (number, "Order … · date · total")."""
    if member is None:
        return []
    orders = mall_selectors.orders_of(member).prefetch_related(None)[:ORDERS_LISTED]
    return [
        (
            order.number,
            _("Order %(number)s · %(date)s · %(total)s")
            % {
                "number": order.number,
                "date": timezone.localtime(order.created_at).date().isoformat(),
                "total": format_money(order.total_cents),
            },
        )
        for order in orders
    ]


def _product_choices() -> list[tuple[str, str]]:
    """Published products everyone may see, by title (what the visitor's member card unlocks is
    left out: the list is the same for every visitor)."""
    products = (
        mall_selectors.visible_products(None)
        .prefetch_related(None)
        .select_related(None)
        .order_by("title", "pk")
        .values_list("slug", "title")
    )
    return list(products[:PRODUCTS_LISTED])


def _request_form(request, request_type, member, data=None, files=None) -> RequestForm:
    kinds = {field.kind for field in request_type.fields.all()}
    return RequestForm(
        data,
        files,
        request_type=request_type,
        user=request.user,
        orders=_order_choices(member) if "order" in kinds else (),
        products=_product_choices() if "product" in kinds else (),
        initial={"idempotency_key": secrets.token_urlsafe(18)},
    )


def _visitor_sent_key(idempotency_key: str) -> str:
    return f"service-request-sent:{idempotency_key}"  # the cache's keys carry the tenant's schema


@require_http_methods(["GET", "POST"])
@in_brand_time
def request_form(request, slug: str):
    """GET: the form of the request type at `slug`. POST: services.submit_request, then the
    customer's request (My account, or the visitor's follow link); or the form again with each
    field's problem and what was typed (nothing written)."""
    request_type = selectors.request_type_by_slug(slug)
    if request_type is None or not request_type.is_active:
        raise Http404
    user = request.user
    member = member_for(user)
    refusal = services.why_not_allowed(request_type, member, user)
    if refusal:
        if not user.is_authenticated and request_type.audience != Audience.EVERYONE:
            return redirect_to_login(request.get_full_path(), login_url=LOGIN_URL)
        context = {"request_type": request_type, "refusal": refusal}
        return render(request, "service/request_form.html", context, status=403)
    if request.method == "GET":
        return _form_page(request, request_type, _request_form(request, request_type, member))
    form = _request_form(request, request_type, member, request.POST, request.FILES)
    key = str(request.POST.get("idempotency_key", "") or "")[:100]
    if not user.is_authenticated and key:
        sent = cache.get(_visitor_sent_key(key))
        if sent:  # the same form sent again (a double tap): the request the first one sent
            return redirect("service:follow", sent)
    if not form.is_valid():
        return _form_page(request, request_type, form, status=400)
    data = form.cleaned_data
    customer = user if user.is_authenticated else None
    try:
        ticket = services.submit_request(
            request_type,
            subject=data["subject"],
            message=data["message"],
            answers=form.answers(),
            files=form.uploads(),
            user=customer,
            name=data.get("name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            order_number=form.order_number(),
            language=translation.get_language() or "",
            idempotency_key=data.get("idempotency_key") or "",
            acting_user=customer,
        )
    except services.TicketError as problem:
        form.add_error(None, str(problem))
        return _form_page(request, request_type, form, status=400)
    if customer is not None:
        _say(
            request,
            messages.SUCCESS,
            _("Thank you! Your request %(number)s is sent. We will answer you here and let you know.")
            % {"number": ticket.number},
        )
        return redirect("service:my_request", ticket.pk)
    if key:
        cache.set(_visitor_sent_key(key), ticket.follow_key, VISITOR_SENT_SECONDS)
    if ticket.email:
        text = _(
            "Thank you! Your request %(number)s is sent. Keep the address of this page: it is your link "
            "to follow the request and answer us. We have also sent it to %(email)s."
        ) % {"number": ticket.number, "email": ticket.email}
    else:
        text = _(
            "Thank you! Your request %(number)s is sent. Keep the address of this page (bookmark it): it "
            "is your only link to follow the request and answer us."
        ) % {"number": ticket.number}
    _say(request, messages.SUCCESS, text)
    return redirect("service:follow", ticket.follow_key)


def _form_page(request, request_type, form: RequestForm, *, status=200):
    key = form.data.get("idempotency_key", "") if form.is_bound else form.initial["idempotency_key"]
    key = str(key or "")
    # Help-centre articles suggested while the subject is typed (knowledge's help.js reads these).
    form.fields["subject"].widget.attrs.update(
        {
            "data-suggest": reverse("knowledge:suggest"),
            "data-suggest-types": "articles",
            "autocomplete": "off",
        }
    )
    context = {
        "request_type": request_type,
        "form": form,
        "rows": form.rows(),
        "idempotency_key": key if 0 < len(key) <= 100 else secrets.token_urlsafe(18),
        "has_required": any(field.required for field in form.type_fields),
        "has_files": any(field.kind == "file" for field in form.type_fields),
    }
    return render(request, "service/request_form.html", context, status=status)


# --- My requests -----------------------------------------------------------------------------------


@login_required(login_url=LOGIN_URL)
@require_safe
@in_brand_time
def my_requests(request):
    """The customer's requests, newest first, a page at a time."""
    page = Paginator(selectors.tickets_of(request.user), TICKETS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "service/my_requests.html", {"listing": page})


# --- One request: the customer's (logged in) or a visitor's (follow link) ------------------------------


def _own_or_404(request, pk: int) -> Ticket:
    ticket = selectors.customer_ticket(request.user, pk)
    if ticket is None:
        raise Http404
    return ticket


def _followed_or_404(key: str) -> Ticket:
    ticket = selectors.ticket_by_follow_key(key)
    if ticket is None:
        raise Http404
    return ticket


def _urls(ticket: Ticket, key: str) -> dict:
    if key:
        return {
            "page": reverse("service:follow", args=[key]),
            "reply": reverse("service:follow_reply", args=[key]),
            "close": reverse("service:follow_close", args=[key]),
            "rate": reverse("service:follow_rate", args=[key]),
        }
    return {
        "page": reverse("service:my_request", args=[ticket.pk]),
        "reply": reverse("service:reply", args=[ticket.pk]),
        "close": reverse("service:close", args=[ticket.pk]),
        "rate": reverse("service:rate", args=[ticket.pk]),
    }


def _detail_page(request, ticket: Ticket, *, key: str = "", reply_form=None, status=200):
    urls = _urls(ticket, key)
    context = {
        "ticket": ticket,
        "conversation": list(ticket.messages.all()),  # the selectors leave internal notes out
        "follow_key": key,
        "follow_url": request.build_absolute_uri(urls["page"]) if key else "",
        "urls": urls,
        "reply_form": reply_form or ReplyForm(),
        "is_closed": ticket.status == Status.CLOSED,
        "can_rate": ticket.status in (Status.RESOLVED, Status.CLOSED) and ticket.rated_at is None,
        "rating_form": RatingForm(),
        "stars": range(1, 6),
        "stars_high_first": range(5, 0, -1),
    }
    return render(request, "service/request_detail.html", context, status=status)


@login_required(login_url=LOGIN_URL)
@require_safe
@never_cache
@in_brand_time
def my_request(request, pk: int):
    """One of the customer's own requests (anyone else's is a 404)."""
    return _detail_page(request, _own_or_404(request, pk))


@require_safe
@never_cache
@in_brand_time
def follow(request, key: str):
    """A request through its follow link. A request of a customer with an account is shown in
    their My account (log in there)."""
    ticket = _followed_or_404(key)
    if ticket.user_id:
        return redirect("service:my_request", ticket.pk)
    return _detail_page(request, ticket, key=key)


def _reply(request, ticket: Ticket, key: str = ""):
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():  # the page again, with what was typed and each field's problem
        return _detail_page(request, ticket, key=key, reply_form=form, status=400)
    try:
        services.reply_as_customer(
            ticket,
            form.cleaned_data["body"],
            files=form.cleaned_data["files"],
            acting_user=request.user if request.user.is_authenticated else None,
        )
    except services.TicketError as refusal:
        _say(request, messages.ERROR, str(refusal))
    else:
        _say(request, messages.SUCCESS, _("Your message is sent."))
    return redirect(_urls(ticket, key)["page"])


def _close(request, ticket: Ticket, key: str = ""):
    if ticket.status == Status.CLOSED:
        _say(request, messages.INFO, _("This request is already closed."))
    else:
        try:
            services.close_ticket_as_customer(
                ticket, acting_user=request.user if request.user.is_authenticated else None
            )
        except services.TicketError as refusal:
            _say(request, messages.ERROR, str(refusal))
        else:
            _say(request, messages.SUCCESS, _("Your request is closed. Thank you!"))
    return redirect(_urls(ticket, key)["page"])


def _rate(request, ticket: Ticket, key: str = ""):
    form = RatingForm(request.POST)
    if not form.is_valid():
        for problem in form.problems():
            _say(request, messages.ERROR, problem)
        return redirect(_urls(ticket, key)["page"])
    try:
        services.rate_ticket(
            ticket,
            form.cleaned_data["rating"],
            form.cleaned_data["comment"],
            acting_user=request.user if request.user.is_authenticated else None,
        )
    except services.TicketError as refusal:
        _say(request, messages.ERROR, str(refusal))
    else:
        _say(request, messages.SUCCESS, _("Thank you for your rating!"))
    return redirect(_urls(ticket, key)["page"])


def _customer_post(action):
    """A POST on one of the customer's own requests (log in first; anyone else's is a 404)."""

    @functools.wraps(action)
    @require_POST
    @in_brand_time
    def view(request, pk: int):
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("service:my_request", args=[pk]), login_url=LOGIN_URL)
        return action(request, _own_or_404(request, pk))

    return view


def _follow_post(action):
    """A POST through a follow link (unknown key: 404). A request of a customer with an account is
    answered from My account: the link only leads there."""

    @functools.wraps(action)
    @require_POST
    @in_brand_time
    def view(request, key: str):
        ticket = _followed_or_404(key)
        if ticket.user_id:
            return redirect("service:my_request", ticket.pk)
        return action(request, ticket, key)

    return view


reply = _customer_post(_reply)
close = _customer_post(_close)
rate = _customer_post(_rate)
follow_reply = _follow_post(_reply)
follow_close = _follow_post(_close)
follow_rate = _follow_post(_rate)


# --- Attachments ------------------------------------------------------------------------------------


def _attachment_with_owner(pk: int) -> Attachment | None:
    # What the access check reads, in one query: the message's ticket, or the evaluation's
    # appointment. (A candidate for service.selectors.)
    return (
        Attachment.objects.select_related("message__ticket", "evaluation__appointment").filter(pk=pk).first()
    )


def may_open(request, attachment: Attachment) -> bool:
    """The ticket's customer (logged in, or holding its follow key in `?key=`) and staff who work or
    view requests; an evaluation's photo: the appointment's customer and appointment staff.
    Internal notes' files: staff only."""
    user = request.user
    logged_in = user.is_authenticated
    if attachment.message_id is not None:
        message = attachment.message
        if logged_in and (user.has_perm("service.work_ticket") or user.has_perm("service.view_ticket")):
            return True
        if message.internal:
            return False
        ticket = message.ticket
        if logged_in and ticket.user_id == user.pk:
            return True
        key = str(request.GET.get("key", "") or "")
        return bool(key) and constant_time_compare(key, ticket.follow_key)
    if attachment.evaluation_id is None:
        return False
    if logged_in and (
        user.has_perm("service.manage_appointment")
        or user.has_perm("service.view_appointment")
        or user.has_perm("service.view_evaluation")  # the evaluations report links its photos
    ):
        return True
    return logged_in and attachment.evaluation.appointment.user_id == user.pk


@require_safe
def attachment(request, pk: int):
    """An attachment's file, to those who may open it (anyone else: 404, as if there were none).
    Pictures and PDFs open in the browser, anything else downloads; the browser may not guess
    another type (nosniff) and no shared cache keeps it."""
    found = _attachment_with_owner(pk)
    if found is None or not may_open(request, found):
        raise Http404
    try:
        handle = default_storage.open(found.file.name, "rb")
    except OSError as missing:
        raise Http404 from missing
    inline = found.content_type.startswith("image/") or found.content_type in INLINE_TYPES
    response = FileResponse(
        handle, content_type=found.content_type, as_attachment=not inline, filename=found.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response
