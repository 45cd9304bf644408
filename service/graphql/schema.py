"""The service desk in GraphQL: `requestTypes`, `services` and `availableSlots`, and the viewer's
`tickets` and `appointments`.

Everything answers for the customer who asks (the session's or the bearer token's, or nobody):
request types they may send (service.selectors.request_types_for), services they may book
(members-only ones for members), and only their own requests and bookings. A request's
conversation never holds staff's internal notes. Anonymous answers are cached per tenant
(builder.graphql.views), so free times there may be up to the cache's lifetime old; booking always
checks the slot again.

Lists cost a fixed number of queries however many items they hold: form fields, conversations
with their attachments, and pictures with their renditions are prefetched once per list; the
viewer's member card is read once per request (`MemberByUserLoader`). Every type lists its fields
explicitly: staff, teams, tags, SLA times, contact details and follow keys are never in the API.
"""

import graphene
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.urls import reverse
from graphql import GraphQLError
from wagtail import hooks

from core.paging import (
    DEFAULT_FIRST,
    MAX_FIRST,
    page_size,
    position_cursor,
    position_from_cursor,
    request_memo,
)
from members.selectors import member_for
from service import selectors
from service.models import Attachment, Location, RequestField, Ticket, TicketMessage
from service.services import available_slots

MAX_SLOT_DAYS = 31  # days one availableSlots question may cover
# Free times per answer. The cost rules (builder.graphql.limits) count a list's `first` up to
# grapple's MAX_PAGE_SIZE, which is this.
MAX_SLOTS = 100
IMAGE_SPEC = "fill-800x600"  # one of GRAPPLE["ALLOWED_IMAGE_FILTERS"]: the service pages' crop

# --- Per-request loaders -------------------------------------------------------------------------


def _request_memo(info) -> dict:
    return request_memo(info, "_service_graphql")


class MemberByUserLoader:
    """The user's member card (None for a visitor or a user without one), once per request."""

    @staticmethod
    def load(info, user):
        memo = _request_memo(info)
        key = ("member", getattr(user, "pk", None))
        if key not in memo:
            memo[key] = member_for(user)
        return memo[key]


def _viewer(info):
    user = getattr(info.context, "user", None)
    return user if user is not None and user.is_authenticated else None


def _absolute(info, url: str) -> str:
    request = info.context
    if url.startswith("/") and not url.startswith("//") and hasattr(request, "build_absolute_uri"):
        return request.build_absolute_uri(url)
    return url


def _with_pictures(services: list, lookup: str = "image") -> list:
    """The pictures' renditions in one query, so `imageUrl` finds an existing one without a query
    per service (a missing one is made once: one file per picture, whoever asks)."""
    from wagtail.images import get_image_model

    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=IMAGE_SPEC)
    prefetch_related_objects(services, Prefetch(f"{lookup}__renditions", queryset=renditions))
    return services


# --- Cursors -------------------------------------------------------------------------------------


def ticket_cursor(ticket) -> str:
    return position_cursor("ticket", ticket)


def ticket_position(cursor: str):
    """(created, pk) of the ticket a cursor names, or None for a cursor the API did not make."""
    return position_from_cursor("ticket", cursor)


# --- Request types -------------------------------------------------------------------------------


class RequestFormFieldType(graphene.ObjectType):
    class Meta:
        name = "RequestFormField"
        description = "One field of a request form"

    key = graphene.String(required=True, description="Names the answer, e.g. field_12")
    label = graphene.String(required=True)
    kind = graphene.String(
        required=True, description="text, long_text, choice, date, number, file, order or product"
    )
    required = graphene.Boolean(required=True)
    choices = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="The options of a choice field"
    )
    help_text = graphene.String(required=True)

    @staticmethod
    def resolve_choices(field, info):
        return field.choice_list()


class RequestTypeType(graphene.ObjectType):
    class Meta:
        name = "RequestType"
        description = "A kind of request this viewer may send (question, complaint, repair ...) with its form"

    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    kind = graphene.String(required=True, description="question, complaint, repair, refund or other")
    intro = graphene.String(required=True)
    url = graphene.String(required=True, description="The request form's page on this site")
    fields = graphene.List(graphene.NonNull(RequestFormFieldType), required=True, description="In order")

    @staticmethod
    def resolve_fields(request_type, info):
        return list(request_type.fields.all())


def resolve_request_types(root, info):
    user = _viewer(info)
    request_types = selectors.request_types_for(user, MemberByUserLoader.load(info, user))
    prefetch_related_objects(
        request_types, Prefetch("fields", queryset=RequestField.objects.order_by("sort_order", "pk"))
    )
    return request_types


# --- Bookable services and free times ------------------------------------------------------------


class BookableServiceType(graphene.ObjectType):
    class Meta:
        name = "BookableService"
        description = "A service customers book a time for"

    slug = graphene.String(required=True, description="Pass to `availableSlots(service:)`")
    name = graphene.String(required=True)
    summary = graphene.String(required=True)
    url = graphene.String(required=True, description="The booking page on this site")
    duration_minutes = graphene.Int(required=True)
    price_cents = graphene.Int(required=True, description="Paid on the day; 0: free")
    members_only = graphene.Boolean(required=True)
    image_url = graphene.String(description=f"The picture, cropped {IMAGE_SPEC.removeprefix('fill-')}")

    @staticmethod
    def resolve_image_url(service, info):
        if not service.image_id:
            return None
        return _absolute(info, service.image.get_rendition(IMAGE_SPEC).url)


def resolve_services(root, info):
    return _with_pictures(selectors.bookable_services(_viewer(info)))


class AvailableSlotType(graphene.ObjectType):
    class Meta:
        name = "AvailableSlot"
        description = "A time at which one of the service's staff or resources is free"

    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    provider_id = graphene.ID(required=True, description="Who or what gives the service")
    location_id = graphene.ID(required=True)


def _location_id(location) -> int | None:
    if location in (None, ""):
        return None
    try:
        location_id = int(location)
    except (TypeError, ValueError):
        location_id = 0
    if location_id <= 0 or not Location.objects.filter(pk=location_id, is_active=True).exists():
        raise GraphQLError(f"There is no location {location!r} taking bookings.")
    return location_id


def resolve_available_slots(root, info, service, to, first=DEFAULT_FIRST, location=None, **arguments):
    first_day = arguments["from_"]
    if to < first_day:
        raise GraphQLError("`to` must be the same day as `from` or later.")
    if (to - first_day).days + 1 > MAX_SLOT_DAYS:
        raise GraphQLError(f"Ask for at most {MAX_SLOT_DAYS} days at a time (from `from` to `to`).")
    found = selectors.bookable_service_by_slug(str(service))
    user = _viewer(info)
    if found is None:
        raise GraphQLError(f"There is no bookable service {str(service)!r}.")
    if found.members_only and MemberByUserLoader.load(info, user) is None:
        raise GraphQLError(f"{found.name!r} is for members only: log in as a member to see its times.")
    location_id = _location_id(location)
    count = max(1, min(first or DEFAULT_FIRST, MAX_SLOTS))
    return available_slots(found, first_day, to, location_id=location_id)[:count]


class ServiceQuery:
    request_types = graphene.List(
        graphene.NonNull(RequestTypeType),
        required=True,
        resolver=resolve_request_types,
        description="The request forms this viewer may send, in the brand's order",
    )
    services = graphene.List(
        graphene.NonNull(BookableServiceType),
        required=True,
        resolver=resolve_services,
        description="Services this viewer may book, in the brand's order",
    )
    available_slots = graphene.List(
        graphene.NonNull(AvailableSlotType),
        required=True,
        service=graphene.String(required=True, description="The service's slug"),
        from_=graphene.Date(required=True, name="from", description="The first day (the location's date)"),
        to=graphene.Date(
            required=True, description=f"The last day; at most {MAX_SLOT_DAYS} days from `from`"
        ),
        location=graphene.ID(description="Only times at this location"),
        first=graphene.Int(default_value=DEFAULT_FIRST, description=f"Times to return, at most {MAX_SLOTS}"),
        resolver=resolve_available_slots,
        description="The service's free times between two days, soonest first",
    )


@hooks.register("register_schema_query")
def add_service_queries(query_mixins):
    query_mixins.append(ServiceQuery)


# --- viewer { tickets appointments } -------------------------------------------------------------


TicketStatusEnum = graphene.Enum(
    "ServiceTicketStatus",
    [(value.upper(), value) for value in Ticket.Status.values],
    description="Where a service request stands",
)


class ServiceAttachmentType(graphene.ObjectType):
    class Meta:
        name = "ServiceAttachment"

    name = graphene.String(required=True)
    url = graphene.String(required=True, description="Opens for the request's customer (logged in) only")
    content_type = graphene.String(required=True)
    size = graphene.Int(required=True, description="In bytes")

    @staticmethod
    def resolve_url(attachment, info):
        return _absolute(info, attachment.url)


class ServiceTicketMessageType(graphene.ObjectType):
    class Meta:
        name = "ServiceTicketMessage"
        description = "A message of a request's conversation: the customer's or a staff reply"

    body = graphene.String(required=True)
    from_staff = graphene.Boolean(required=True)
    created_at = graphene.DateTime(required=True)
    attachments = graphene.List(graphene.NonNull(ServiceAttachmentType), required=True)

    @staticmethod
    def resolve_attachments(message, info):
        return list(message.attachments.all())


class ServiceTicketType(graphene.ObjectType):
    class Meta:
        name = "ServiceTicket"
        description = "One of the viewer's service requests"

    number = graphene.String(required=True, description="As customers quote it, e.g. #42")
    subject = graphene.String(required=True)
    status = graphene.String(required=True, description="new, open, waiting, resolved or closed")
    type = graphene.String(required=True, description="The request form's name")
    url = graphene.String(required=True, description="The request's page in My account")
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    rating = graphene.Int(description="The viewer's satisfaction rating, 1 to 5; null: not rated")
    messages = graphene.List(
        graphene.NonNull(ServiceTicketMessageType), required=True, description="Oldest first"
    )

    @staticmethod
    def resolve_type(ticket, info):
        return ticket.request_type.name

    @staticmethod
    def resolve_url(ticket, info):
        return reverse("service:my_request", args=[ticket.pk])

    @staticmethod
    def resolve_messages(ticket, info):
        return list(ticket.messages.all())


class ServiceTicketPageType(graphene.ObjectType):
    class Meta:
        name = "ServiceTicketPage"

    items = graphene.List(graphene.NonNull(ServiceTicketType), required=True)
    end_cursor = graphene.String(description="Pass as `after` for the next page")
    has_next_page = graphene.Boolean(required=True)


EMPTY_PAGE = {"items": [], "end_cursor": None, "has_next_page": False}


def _customer_conversation() -> Prefetch:
    """A request's messages as its customer sees them: never staff's internal notes."""
    messages = TicketMessage.objects.filter(internal=False).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )
    return Prefetch("messages", queryset=messages.order_by("created_at", "pk"))


def resolve_tickets(user, info, status=None, first=DEFAULT_FIRST, after=None):
    first = page_size(first)
    tickets = selectors.tickets_of(user)
    status = getattr(status, "value", status)
    if status:
        tickets = tickets.filter(status=status)
    if after:
        position = ticket_position(after)
        if position is None:
            return EMPTY_PAGE
        created, pk = position
        tickets = tickets.filter(Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk))
    page = list(tickets.prefetch_related(_customer_conversation())[: first + 1])
    items = page[:first]
    return {
        "items": items,
        "end_cursor": ticket_cursor(items[-1]) if items else None,
        "has_next_page": len(page) > first,
    }


class ServiceLocationType(graphene.ObjectType):
    class Meta:
        name = "ServiceLocation"

    id = graphene.ID(required=True, description="Pass as `availableSlots(location:)`")
    name = graphene.String(required=True)
    address = graphene.String(required=True)
    phone = graphene.String(required=True)
    time_zone = graphene.String(required=True, description="Times there are local to it, e.g. Asia/Shanghai")

    @staticmethod
    def resolve_id(location, info):
        return location.pk

    @staticmethod
    def resolve_time_zone(location, info):
        return location.zone().key


class ServiceProviderType(graphene.ObjectType):
    class Meta:
        name = "ServiceProvider"
        description = "Who or what gives the service: a member of staff, or a room, a chair, a bay"

    id = graphene.ID(required=True)
    name = graphene.String(required=True)

    @staticmethod
    def resolve_id(provider, info):
        return provider.pk


class AppointmentType(graphene.ObjectType):
    class Meta:
        name = "Appointment"
        description = "One of the viewer's bookings"

    code = graphene.String(required=True, description="The booking code")
    service = graphene.Field(BookableServiceType, required=True)
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    status = graphene.String(required=True, description="booked, cancelled, completed or no_show")
    location = graphene.Field(ServiceLocationType, required=True)
    provider = graphene.Field(ServiceProviderType, required=True)
    price_cents = graphene.Int(required=True, description="Paid on the day")
    url = graphene.String(required=True, description="The booking's page in My account")

    @staticmethod
    def resolve_location(appointment, info):
        return appointment.provider.location

    @staticmethod
    def resolve_url(appointment, info):
        return reverse("service:appointment", args=[appointment.code])


def resolve_appointments(user, info, upcoming=False, first=DEFAULT_FIRST):
    first = page_size(first)
    appointments = selectors.upcoming_appointments_of(user) if upcoming else selectors.appointments_of(user)
    return _with_pictures(list(appointments.select_related("service__image")[:first]), "service__image")


VIEWER_FIELDS = {
    "tickets": (
        graphene.Field(
            ServiceTicketPageType,
            required=True,
            status=TicketStatusEnum(description="Only requests in this status"),
            first=graphene.Int(
                default_value=DEFAULT_FIRST, description=f"Requests per page, at most {MAX_FIRST}"
            ),
            after=graphene.String(description="The `endCursor` of the page before"),
            description="The customer's service requests, newest first",
        ),
        resolve_tickets,
    ),
    "appointments": (
        graphene.List(
            graphene.NonNull(AppointmentType),
            required=True,
            upcoming=graphene.Boolean(
                default_value=False,
                description="true: only bookings still to come, soonest first; false: all, latest first",
            ),
            first=graphene.Int(default_value=DEFAULT_FIRST, description=f"At most {MAX_FIRST}"),
            description="The customer's bookings",
        ),
        resolve_appointments,
    ),
}
