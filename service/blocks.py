"""Service desk blocks for page bodies: the service entry (the brand's channels), a request form's
card, the visitor's open requests, one bookable service with its next free times, and the list of
bookable services.

A page body is cached once for every visitor unless a block in it is `personal`
(builder/fragments.py). The service entry, the request form's card and the services list are the
same for everyone (the entry's "open now" is worked out in the browser, and the request form's
card links to the form rather than holding one, so it carries no CSRF token); "My requests" shows
the visitor's own requests and "Book a service" the free times of this moment, so both are
`personal`. Each block costs a fixed number of queries however many items it shows.

Imported while builder.models builds the page body (core.registry.app_blocks): the models are read
inside the blocks' methods, never at import time.
"""

import datetime as dt
from urllib.parse import quote

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLInt, GraphQLString
from wagtail import blocks

from blocks.base import BaseBlock, fail

# The card picture, 1x and 2x: the crops GraphQL also offers (GRAPPLE["ALLOWED_IMAGE_FILTERS"]).
CARD_RENDITIONS = ("fill-400x300", "fill-800x600")
MAX_REQUESTS = 10
MAX_SERVICES = 12
SLOTS_SHOWN = 3
SLOT_DAYS = 7  # today and the next six days


def _request(parent_context):
    return (parent_context or {}).get("request")


def _login_url(request) -> str:
    path = request.get_full_path() if request is not None else "/"
    return f"{reverse('login')}?next={quote(path)}"


def _time_zone() -> str:
    from core.language import tenant_time_zone

    return tenant_time_zone()


def price_text(cents: int) -> str:
    from core.money import format_money

    return format_money(cents) if cents else gettext("Free")


def duration_text(minutes: int) -> str:
    """45 -> "45 minutes", 60 -> "1 hour", 90 -> "1 h 30 min"."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return ngettext("%(minutes)s minute", "%(minutes)s minutes", rest) % {"minutes": rest}
    if not rest:
        return ngettext("%(hours)s hour", "%(hours)s hours", hours) % {"hours": hours}
    return gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}


def _with_pictures(services: list) -> list:
    """The services' pictures with their card renditions in one query, so a card costs none."""
    from wagtail.images import get_image_model

    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=CARD_RENDITIONS)
    prefetch_related_objects(
        [service for service in services if service.image_id],
        Prefetch("image__renditions", queryset=renditions),
    )
    return services


class SlugChoiceBlock(blocks.ChoiceBlock):
    """A request type's or a service's slug, picked from the tenant's own. ChoiceBlock reads its
    whole choice list to load a stored value; with choices from the database that is a query per
    block on every page view, so a stored value is taken as it is (the block's clean() checks it)."""

    def to_python(self, value):
        return "" if value is None else str(value)

    def normalize(self, value):
        return self.to_python(value)


def request_type_choices():
    """The current tenant's request types that accept requests, read when the editor opens."""
    from service.models import RequestType

    return [
        (request_type.slug, request_type.name)
        for request_type in RequestType.objects.filter(is_active=True).order_by("sort_order", "name")
    ]


def service_choices():
    """The current tenant's bookable services for everyone, read when the editor opens."""
    from service.models import BookableService

    return [
        (service.slug, service.name)
        for service in BookableService.objects.filter(is_active=True, members_only=False).order_by(
            "sort_order", "name"
        )
    ]


@register_streamfield_block
class ServiceEntryBlock(BaseBlock):
    """The brand's channels in one place: chat, phone, "Ask a question", e-mail, WeChat and the
    opening hours, from Settings → Service entry."""

    heading = blocks.CharBlock(required=False, max_length=120)
    text = blocks.CharBlock(required=False, max_length=240)

    graphql_fields = [GraphQLString("heading"), GraphQLString("text"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "help"
        template = "service/blocks/service_entry.html"
        label = _("Service entry")
        description = _("Chat, phone, questions, e-mail, WeChat and opening hours (Settings → Service entry)")
        preview_value = {"heading": "客户服务 · How can we help?", "text": "We are here for you."}

    def get_context(self, value, parent_context=None):
        from service.entry import service_entry

        context = super().get_context(value, parent_context)
        context["entry"] = service_entry()
        return context


@register_streamfield_block
class RequestFormBlock(BaseBlock):
    """A card for one request form (a repair, a refund ...): its introduction and a button to it."""

    request_type = SlugChoiceBlock(
        choices=request_type_choices,
        required=False,
        search_index=False,  # a slug: nothing to search, and no choice-list query when indexing
        label=_("Request form"),
    )
    heading = blocks.CharBlock(
        required=False, max_length=120, help_text=_("Leave empty to show the request form's name.")
    )
    button_text = blocks.CharBlock(required=False, max_length=40, help_text=_("Default: “Send a request”."))

    graphql_fields = [
        GraphQLString("request_type"),
        GraphQLString("heading"),
        GraphQLString("button_text"),
        *BaseBlock.graphql_fields,
    ]

    class Meta:
        icon = "form"
        template = "service/blocks/request_form.html"
        label = _("Request form")
        description = _("A card leading to one of the request forms")
        preview_value = {"request_type": "", "heading": "报修 · Something broken?", "button_text": ""}

    def clean(self, value):
        from service.models import RequestType

        slug = (value.get("request_type") or "").strip()
        if not slug:
            fail({"request_type": _("Choose the request form.")})
        if not RequestType.objects.filter(slug=slug, is_active=True).exists():
            fail({"request_type": _("There is no request form “%(slug)s” taking requests.") % {"slug": slug}})
        return super().clean(value)

    def get_context(self, value, parent_context=None):
        from service import selectors

        context = super().get_context(value, parent_context)
        slug = (value.get("request_type") or "").strip()
        request_type = selectors.request_type_by_slug(slug) if slug else None
        context["request_type"] = (
            request_type if request_type is not None and request_type.is_active else None
        )
        return context


@register_streamfield_block
class MyRequestsBlock(BaseBlock):
    """The visitor's open requests, each with its status, and a link to all of them."""

    heading = blocks.CharBlock(required=False, max_length=120)
    count = blocks.IntegerBlock(min_value=1, max_value=MAX_REQUESTS, default=3, label=_("How many requests"))

    graphql_fields = [GraphQLString("heading"), GraphQLInt("count"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "list-ul"
        template = "service/blocks/my_requests.html"
        label = _("My requests")
        description = _("The visitor's open requests; visitors who are not logged in get a log-in link")
        # The customer's own requests: never cached for everyone (builder/fragments.py). Visitors
        # all get the same log-in link.
        personal = True
        preview_value = {"heading": "我的服务请求 · My requests", "count": 3}

    def get_context(self, value, parent_context=None):
        from service import selectors

        context = super().get_context(value, parent_context)
        request = _request(parent_context)
        user = getattr(request, "user", None)
        logged_in = bool(user is not None and user.is_authenticated)
        count = max(1, min(int(value.get("count") or 3), MAX_REQUESTS))
        context["logged_in"] = logged_in
        context["tickets"] = list(selectors.open_tickets_of(user)[:count]) if logged_in else []
        context["all_url"] = reverse("service:my_requests")
        context["login_url"] = _login_url(request)
        context["time_zone"] = _time_zone()
        return context


def next_free_slots(service, *, days: int = SLOT_DAYS, count: int = SLOTS_SHOWN) -> list[dict]:
    """The service's next `count` free times from today through the next `days` - 1 days, each in
    its location's time zone with a link to the booking page on that day. Five queries: the
    providers' locations, and service.services.available_slots' four."""
    import zoneinfo

    from service.services import available_slots

    zones = {
        provider.location_id: provider.location.zone()
        for provider in service.providers.select_related("location")
    }
    today = timezone.localdate(timezone.now(), zoneinfo.ZoneInfo(_time_zone()))
    shown, seen = [], set()
    for slot in available_slots(service, today, today + dt.timedelta(days=days - 1)):
        if slot.starts_at in seen:  # two providers free at once: one time to pick
            continue
        seen.add(slot.starts_at)
        local = timezone.localtime(slot.starts_at, zones[slot.location_id])
        shown.append(
            {
                "starts_at": local.isoformat(),
                "text": date_format(local, "D m-d H:i"),  # in the location's zone, as it is
                "url": f"{service.url}?day={local.date().isoformat()}",
            }
        )
        if len(shown) == count:
            break
    return shown


@register_streamfield_block
class BookServiceBlock(BaseBlock):
    """One bookable service with its duration, price, next free times and a booking button."""

    service = SlugChoiceBlock(
        choices=service_choices,
        required=False,
        search_index=False,
        label=_("Service"),
        help_text=_("Leave empty to show the first bookable service."),
    )
    heading = blocks.CharBlock(
        required=False, max_length=120, help_text=_("Leave empty to show the service's name.")
    )

    graphql_fields = [GraphQLString("service"), GraphQLString("heading"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "time"
        template = "service/blocks/book_service.html"
        label = _("Book a service")
        description = _("One service with its price, duration and next free times")
        # The next free times change with every booking and as the day goes on. A body cached for
        # everyone (builder/fragments.py, until the timeout: bookings do not bump the cache
        # generation) would keep offering times already taken, so the block is rendered for each
        # visitor. Anonymous whole pages may still be a few minutes old (builder/page_cache.py):
        # each time links to that day's picker, which shows what is free now, and booking checks
        # the slot again under the provider's lock. Several services are the services list's job,
        # so this block costs a fixed number of queries: the service, and four for its times.
        personal = True
        preview_value = {"service": "", "heading": "预约服务 · Book a visit"}

    def clean(self, value):
        from service.models import BookableService

        slug = (value.get("service") or "").strip()
        if slug:
            service = (
                BookableService.objects.filter(slug=slug).only("name", "is_active", "members_only").first()
            )
            if service is None or not service.is_active:
                fail({"service": _("There is no bookable service “%(slug)s”.") % {"slug": slug}})
            if service.members_only:
                fail(
                    {
                        "service": _(
                            "“%(name)s” is for members only; a page block shows only services anyone may book."
                        )
                        % {"name": service.name}
                    }
                )
        return super().clean(value)

    def get_context(self, value, parent_context=None):
        from service import selectors

        context = super().get_context(value, parent_context)
        slug = (value.get("service") or "").strip()
        if slug:
            service = selectors.bookable_service_by_slug(slug)
            if service is not None and service.members_only:
                service = None
        else:
            services = selectors.bookable_services(None)
            service = services[0] if services else None
        context["service"] = service
        if service is not None:
            _with_pictures([service])
            context["duration"] = duration_text(service.duration_minutes)
            context["price"] = price_text(service.price_cents)
            context["slots"] = next_free_slots(service)
        return context


@register_streamfield_block
class ServiceListBlock(BaseBlock):
    """The services customers can book, as cards leading to their booking pages."""

    heading = blocks.CharBlock(required=False, max_length=120)
    count = blocks.IntegerBlock(min_value=1, max_value=MAX_SERVICES, default=6, label=_("How many services"))

    graphql_fields = [GraphQLString("heading"), GraphQLInt("count"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "list-ul"
        template = "service/blocks/service_list.html"
        label = _("Bookable services")
        description = _("Services customers book a time for, as cards")
        preview_value = {"heading": "预约服务 · Book a service", "count": 6}

    def get_context(self, value, parent_context=None):
        from service import selectors

        context = super().get_context(value, parent_context)
        count = max(1, min(int(value.get("count") or 6), MAX_SERVICES))
        # Services anyone may book (no member): the body is the same for every visitor.
        services = _with_pictures(selectors.bookable_services(None)[:count])
        context["cards"] = [
            {
                "service": service,
                "duration": duration_text(service.duration_minutes),
                "price": price_text(service.price_cents),
            }
            for service in services
        ]
        context["more_url"] = reverse("service:service_list")
        return context


PORTAL_BLOCKS = [
    ("service_entry", ServiceEntryBlock()),
    ("request_form", RequestFormBlock()),
    ("my_requests", MyRequestsBlock()),
    ("book_service", BookServiceBlock()),
    ("service_list", ServiceListBlock()),
]
