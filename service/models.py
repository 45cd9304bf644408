"""The service desk: request forms and tickets with SLA targets and satisfaction ratings, bookable
services with appointments and post-visit evaluations, and the service entry's settings.

services.py is the only writer. A ticket's status moves only through its services (each change is a
`TicketEvent` row and an outbox event); a satisfaction rating is written once (a conditional UPDATE
on `rated_at IS NULL`). A booking locks its provider's row and checks for overlap inside that lock,
and a partial unique constraint (one live appointment per provider and start) backs it up, so two
customers never get the same slot.
"""

import datetime as dt
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable

from members.models import Audience

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# Attachments: what customers and staff may upload, and how big.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
}
ATTACHMENTS_PER_MESSAGE = 5
# tenants.media never serves this folder: attachments go through service.views.attachment,
# which checks who is asking.
PRIVATE_UPLOADS = "private/service"


def new_code(length: int = 10) -> str:
    """A code customers can read aloud or scan: no look-alike characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_follow_key() -> str:
    """The secret in a request's follow link (for customers who were not logged in)."""
    return secrets.token_urlsafe(24)


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_ORDER = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


# --- Request forms -----------------------------------------------------------------------------


class Team(ClusterableModel):
    """A group of staff that tickets can be assigned to ("After-sales", "Store 3")."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    members = ParentalManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="service_teams", verbose_name=_("staff")
    )

    panels = [FieldPanel("name"), FieldPanel("members")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")

    def __str__(self):
        return self.name


class RequestType(ClusterableModel):
    """A kind of request customers send (question, complaint, repair, refund ...) with its form."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        COMPLAINT = "complaint", _("Complaint")
        REPAIR = "repair", _("Repair")
        REFUND = "refund", _("Refund or return")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.QUESTION)
    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    audience = models.CharField(
        _("who may send it"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    levels = ParentalManyToManyField(
        "members.MemberLevel", blank=True, related_name="+", verbose_name=_("member levels")
    )
    default_priority = models.CharField(
        _("default priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("New requests of this type go to this team."),
    )
    escalation_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("escalate to"),
        help_text=_("The team an escalated request moves to (complaints usually)."),
    )
    is_active = models.BooleanField(_("accepting requests"), default=True)
    sort_order = models.IntegerField(_("order"), default=0)

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind"), FieldPanel("intro")],
            heading=_("Request type"),
        ),
        MultiFieldPanel(
            [FieldPanel("audience"), FieldPanel("levels"), FieldPanel("is_active"), FieldPanel("sort_order")],
            heading=_("Who may send it"),
        ),
        InlinePanel("fields", label=_("Form fields")),
        MultiFieldPanel(
            [FieldPanel("default_priority"), FieldPanel("team"), FieldPanel("escalation_team")],
            heading=_("Handling"),
        ),
        InlinePanel("sla_targets", label=_("Service level targets")),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("request type")

    def __str__(self):
        return self.name

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("service:request_form", args=[self.slug])


class RequestField(Orderable):
    """One field of a request type's form. Its `key` names the answer in the ticket."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        CHOICE = "choice", _("Choice")
        DATE = "date", _("Date")
        NUMBER = "number", _("Number")
        FILE = "file", _("File or photo")
        ORDER = "order", _("One of the customer's orders")
        PRODUCT = "product", _("A product")

    request_type = ParentalKey(RequestType, on_delete=models.CASCADE, related_name="fields")
    label = models.CharField(_("label"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TEXT)
    choices = models.CharField(
        _("choices"),
        max_length=500,
        blank=True,
        help_text=_("For a choice: the options, separated by commas."),
    )
    required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("label"), FieldPanel("kind")]),
        FieldPanel("choices"),
        FieldRowPanel([FieldPanel("required"), FieldPanel("help_text")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("form field")

    def __str__(self):
        return self.label

    @property
    def key(self) -> str:
        return f"field_{self.pk}"

    def choice_list(self) -> list[str]:
        return [choice.strip() for choice in self.choices.split(",") if choice.strip()]

    def clean(self):
        if self.kind == self.Kind.CHOICE and not self.choice_list():
            raise ValidationError({"choices": _("List the options, separated by commas.")})


class SlaTarget(Orderable):
    """How soon staff answer and solve a request of this type and priority."""

    request_type = ParentalKey(RequestType, on_delete=models.CASCADE, related_name="sla_targets")
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    first_response_hours = models.DecimalField(
        _("first response within (hours)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0.05), MaxValueValidator(10_000)],
    )
    resolution_hours = models.DecimalField(
        _("resolved within (hours)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0.05), MaxValueValidator(10_000)],
    )

    panels = [
        FieldRowPanel(
            [FieldPanel("priority"), FieldPanel("first_response_hours"), FieldPanel("resolution_hours")]
        )
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("service level target")
        constraints = [
            models.UniqueConstraint(fields=["request_type", "priority"], name="sla_target_once_per_priority")
        ]

    def __str__(self):
        return f"{self.request_type} · {self.get_priority_display()}"


# --- Tickets -----------------------------------------------------------------------------------


class Ticket(models.Model):
    """A customer's request, from the form to closed."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting on customer")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        WECHAT = "wechat", _("WeChat")
        CHAT = "chat", _("Live chat")
        STORE = "store", _("In store")

    request_type = models.ForeignKey(
        RequestType, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("request type")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_tickets",
        verbose_name=_("customer"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    # [{"key": "field_3", "label": "Order date", "kind": "date", "value": "2026-11-02"}]: the labels as
    # the customer saw them, so editing the form later does not change what they sent.
    answers = models.JSONField(_("answers"), default=list, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets", verbose_name=_("team")
    )
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True, verbose_name=_("tags"))
    order_number = models.CharField(_("order"), max_length=40, blank=True)
    language = models.CharField(max_length=10, blank=True)
    follow_key = models.CharField(max_length=40, unique=True, default=new_follow_key, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # When staff were told it is overdue (once per target).
    response_overdue_alerted_at = models.DateTimeField(null=True, blank=True)
    resolution_overdue_alerted_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("comment"), blank=True, max_length=2000)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request")
        indexes = [
            models.Index(fields=["status", "created_at"], name="ticket_queue"),
            models.Index(fields=["user", "created_at"], name="ticket_customer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_one_to_five",
            ),
            models.CheckConstraint(
                condition=Q(rated_at__isnull=True) | Q(rating__isnull=False), name="ticket_rated_has_rating"
            ),
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="ticket_submitted_once",
            ),
        ]
        permissions = [("work_ticket", "Can work on service requests")]

    def __str__(self):
        return f"{self.number} {self.subject}"

    @property
    def number(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.RESOLVED, self.Status.CLOSED)

    def overdue(self, now=None) -> bool:
        """Still open past a target it has not met: no first answer by its due time, or not resolved
        by its due time. A solved request is never overdue."""
        now = now or timezone.now()
        if not self.is_open:
            return False
        if (
            self.first_responded_at is None
            and self.first_response_due_at
            and self.first_response_due_at < now
        ):
            return True
        return bool(self.resolution_due_at and self.resolution_due_at < now)

    @property
    def contact(self) -> str:
        if self.user_id:
            return self.name or self.user.get_username()
        return self.name or self.email or self.phone


class TicketMessage(models.Model):
    """One message of a ticket's conversation: the customer's, a staff reply, or an internal note
    (staff only)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_staff = models.BooleanField(default=False)
    internal = models.BooleanField(_("internal note"), default=False)
    body = models.TextField(_("message"), max_length=10_000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(internal=False) | Q(from_staff=True), name="ticket_note_is_staffs"
            )
        ]

    def __str__(self):
        return f"{self.ticket.number} · {self.created_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """A file sent with a ticket message or an evaluation. Stored under a folder /media/ never
    serves; service.views.attachment hands it to the ticket's customer and to staff only."""

    message = models.ForeignKey(
        TicketMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    evaluation = models.ForeignKey(
        "Evaluation", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(upload_to=PRIVATE_UPLOADS, max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(message__isnull=False) | Q(evaluation__isnull=False),
                name="attachment_belongs_somewhere",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("service:attachment", args=[self.pk])


class TicketEvent(models.Model):
    """The ticket's history: who did what, when."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        PRIORITY = "priority", _("Priority changed")
        ASSIGNED = "assigned", _("Assigned")
        REPLIED = "replied", _("Staff replied")
        CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
        NOTE = "note", _("Internal note")
        TAGS = "tags", _("Tags changed")
        ESCALATED = "escalated", _("Escalated")
        RATED = "rated", _("Rated")
        OVERDUE = "overdue", _("Overdue")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.ticket.number} {self.action}"


# --- Appointments ------------------------------------------------------------------------------


def _check_zone(value: str) -> None:
    if value:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise ValidationError(_("“%(zone)s” is not a time zone."), params={"zone": value}) from error


class Location(ClusterableModel):
    """A store or place where services are given, with its opening hours and closed days."""

    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=60,
        blank=True,
        validators=[_check_zone],
        help_text=_("Empty: the brand's time zone. E.g. Asia/Shanghai."),
    )
    is_active = models.BooleanField(_("open for bookings"), default=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("time_zone"),
                FieldPanel("is_active"),
            ],
            heading=_("Location"),
        ),
        InlinePanel("opening_hours", label=_("Opening hours")),
        InlinePanel("closed_days", label=_("Holidays and closed days")),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")

    def __str__(self):
        return self.name

    def zone(self) -> zoneinfo.ZoneInfo:
        from core.language import tenant_time_zone

        return zoneinfo.ZoneInfo(self.time_zone or tenant_time_zone())


class OpeningHours(Orderable):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    location = ParentalKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")])]

    class Meta(Orderable.Meta):
        verbose_name = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="opening_hours_close_after_opening"
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})


class ClosedDay(Orderable):
    location = ParentalKey(Location, on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField(_("date"))
    name = models.CharField(_("reason"), max_length=80, blank=True, help_text=_("E.g. “Spring Festival”."))

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("name")])]

    class Meta(Orderable.Meta):
        verbose_name = _("closed day")

    def __str__(self):
        return f"{self.date} {self.name}"


class Provider(models.Model):
    """Who or what gives a service at a location: a member of staff, or a resource (a room, a chair,
    a bay). Each is booked for one appointment at a time."""

    name = models.CharField(_("name"), max_length=100)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="providers", verbose_name=_("location")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_providers",
        verbose_name=_("staff account"),
        help_text=_("When this is a person with an admin account: their evaluations and calendar."),
    )
    is_active = models.BooleanField(_("taking bookings"), default=True)

    class Meta:
        ordering = ["location__name", "name"]
        verbose_name = _("staff or resource")
        verbose_name_plural = _("staff and resources")

    def __str__(self):
        return f"{self.name} · {self.location.name}"


class BookableService(ClusterableModel):
    """A service customers book a time for ("Bike fitting", 45 minutes, free)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("picture"),
    )
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(24 * 60)]
    )
    buffer_before_minutes = models.PositiveIntegerField(
        _("free time before (minutes)"), default=0, validators=[MaxValueValidator(240)]
    )
    buffer_after_minutes = models.PositiveIntegerField(
        _("free time after (minutes)"), default=0, validators=[MaxValueValidator(240)]
    )
    slot_step_minutes = models.PositiveIntegerField(
        _("a slot starts every (minutes)"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    price_cents = models.PositiveIntegerField(
        _("price (cents)"),
        default=0,
        validators=[MaxValueValidator(100_000_000)],
        help_text=_("0: free. Paid on the day."),
    )
    lead_time_hours = models.DecimalField(
        _("book at least (hours) ahead"),
        max_digits=6,
        decimal_places=2,
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(24 * 90)],
    )
    horizon_days = models.PositiveIntegerField(
        _("book at most (days) ahead"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    cancellation_hours = models.DecimalField(
        _("cancel or change up to (hours) before"),
        max_digits=6,
        decimal_places=2,
        default=24,
        validators=[MinValueValidator(0), MaxValueValidator(24 * 90)],
    )
    providers = ParentalManyToManyField(
        Provider, blank=True, related_name="services", verbose_name=_("staff and resources")
    )
    evaluation_aspects = models.CharField(
        _("evaluation aspects"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("What customers rate after the visit, separated by commas, e.g. “Skill, Friendliness”."),
    )
    members_only = models.BooleanField(_("members only"), default=False)
    is_active = models.BooleanField(_("bookable"), default=True)
    sort_order = models.IntegerField(_("order"), default=0)

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("slug"), FieldPanel("summary"), FieldPanel("image")],
            heading=_("Service"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("slot_step_minutes")]),
                FieldRowPanel([FieldPanel("buffer_before_minutes"), FieldPanel("buffer_after_minutes")]),
                FieldPanel("price_cents"),
            ],
            heading=_("Time and price"),
        ),
        FieldPanel("providers"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("lead_time_hours"), FieldPanel("horizon_days")]),
                FieldPanel("cancellation_hours"),
                FieldPanel("members_only"),
            ],
            heading=_("Booking rules"),
        ),
        FieldPanel("evaluation_aspects"),
        FieldRowPanel([FieldPanel("is_active"), FieldPanel("sort_order")]),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("bookable service")

    def __str__(self):
        return self.name

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("service:service", args=[self.slug])

    def aspect_list(self) -> list[str]:
        return [aspect.strip() for aspect in self.evaluation_aspects.split(",") if aspect.strip()]

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)


class Appointment(models.Model):
    """A customer's booked time with a provider. `blocked_from`/`blocked_until` add the service's
    buffers: no other appointment of the provider may overlap them."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")

    code = models.CharField(_("booking code"), max_length=12, unique=True, default=new_code)
    service = models.ForeignKey(
        BookableService, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("service")
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("with")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="service_appointments",
        verbose_name=_("customer"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    blocked_from = models.DateTimeField()
    blocked_until = models.DateTimeField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    price_cents = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("booked"), default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by_staff = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("appointment")
        indexes = [
            models.Index(fields=["provider", "starts_at"], name="appointment_calendar"),
            models.Index(fields=["user", "starts_at"], name="appointment_customer"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "starts_at"],
                condition=Q(status="booked"),
                name="appointment_slot_taken_once",
            ),
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="appointment_booked_once",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_from__lte=F("starts_at")) & Q(blocked_until__gte=F("ends_at")),
                name="appointment_blocks_its_time",
            ),
        ]
        permissions = [("manage_appointment", "Can work the appointment calendar")]

    def __str__(self):
        return self.code

    @property
    def is_upcoming(self) -> bool:
        return self.status == self.Status.BOOKED and self.starts_at > timezone.now()

    def changeable(self, now=None) -> bool:
        """Whether the customer may still cancel or move it (the service's cancellation window)."""
        now = now or timezone.now()
        window = dt.timedelta(hours=float(self.service.cancellation_hours))
        return self.status == self.Status.BOOKED and now <= self.starts_at - window


class Evaluation(models.Model):
    """The customer's rating of a visit: stars per aspect of the service, overall stars, a comment."""

    appointment = models.OneToOneField(Appointment, on_delete=models.CASCADE, related_name="evaluation")
    stars = models.PositiveSmallIntegerField(
        _("overall"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    aspects = models.JSONField(_("aspects"), default=dict, blank=True)  # {"Skill": 5, "Friendliness": 4}
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="evaluation_stars_one_to_five"
            )
        ]

    def __str__(self):
        return f"{self.appointment.code}: {self.stars}"


# --- The service entry -------------------------------------------------------------------------


@register_setting(icon="help")
class ServiceEntrySettings(BaseGenericSetting):
    """The brand's channels in one place: the service entry block and the floating button."""

    class ChatProvider(models.TextChoices):
        NONE = "", _("None")
        LINK = "link", _("A chat page (opens in a new tab)")
        CRISP = "crisp", _("Crisp")
        TAWK = "tawk", _("tawk.to")

    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    wechat_id = models.CharField(_("WeChat account"), max_length=60, blank=True)
    wechat_qr = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("WeChat QR code"),
    )
    hours_location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("opening hours of"),
        help_text=_("Phone and chat show as open during this location's hours."),
    )
    question_type = models.ForeignKey(
        RequestType,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("“Ask a question” opens"),
    )
    chat_provider = models.CharField(
        _("live chat"), max_length=10, choices=ChatProvider.choices, default=ChatProvider.NONE, blank=True
    )
    chat_id = models.CharField(
        _("chat account"),
        max_length=300,
        blank=True,
        help_text=_("The chat page's https address, Crisp's website ID, or tawk.to's “property/widget”."),
    )
    floating_button = models.BooleanField(_("show the floating service button"), default=False)

    panels = [
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("email"), FieldPanel("wechat_id"), FieldPanel("wechat_qr")],
            heading=_("Channels"),
        ),
        FieldPanel("hours_location"),
        FieldPanel("question_type"),
        MultiFieldPanel([FieldPanel("chat_provider"), FieldPanel("chat_id")], heading=_("Live chat")),
        FieldPanel("floating_button"),
    ]

    class Meta:
        verbose_name = _("service entry")

    def clean(self):
        from service.chat import check_chat_settings

        check_chat_settings(self.chat_provider, self.chat_id)
