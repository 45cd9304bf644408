"""Events and activities: events with sessions and seats, sign-ups with tickets, the waitlist,
daily check-ins with streaks, and invite-a-friend campaigns with rewards and lottery draws.

services.py is the only writer. Seats, prize stock and reward claims move only through conditional
UPDATEs there (`registered < capacity`, `given < quantity`), and constraints hold whatever code
runs: a session never over capacity, a member signed up once per session, one check-in per member
and day, a prize never given more times than its quantity.
"""

import secrets

from django.conf import settings
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
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from blocks.description import description_blocks
from members.models import Audience

MAX_CAPACITY = 100_000
TICKET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_ticket_code() -> str:
    """What the ticket's QR code carries and staff can type: 10 characters, no look-alikes."""
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(10))


class Event(index.Indexed, ClusterableModel):
    """An activity customers sign up for: online or at a venue, in one or more sessions."""

    class Kind(models.TextChoices):
        OFFLINE = "offline", _("At a venue")
        ONLINE = "online", _("Online")

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    summary = models.CharField(_("summary"), max_length=240, blank=True)
    description = StreamField(description_blocks(), blank=True, verbose_name=_("description"))
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("picture"),
    )
    kind = models.CharField(_("where"), max_length=10, choices=Kind.choices, default=Kind.OFFLINE)
    venue = models.CharField(_("venue"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    map_url = models.URLField(_("map link"), blank=True)
    online_url = models.URLField(_("online link"), blank=True, help_text=_("Shown only to people signed up."))
    audience = models.CharField(
        _("who may sign up"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    levels = ParentalManyToManyField(
        "members.MemberLevel", blank=True, related_name="+", verbose_name=_("member levels")
    )
    signup_opens = models.DateTimeField(_("sign-up opens"), null=True, blank=True)
    signup_closes = models.DateTimeField(_("sign-up closes"), null=True, blank=True)
    price_cents = models.IntegerField(
        _("price (cents)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100_000_000)],
        help_text=_("Paid at the door; empty: free."),
    )
    points_price = models.IntegerField(
        _("points price"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10_000_000)],
        help_text=_("Points taken when signing up (given back on cancellation). Empty: no points."),
    )
    waitlist = models.BooleanField(_("waitlist when full"), default=True)
    checkin_points = models.PositiveIntegerField(
        _("points for attending"), default=0, validators=[MaxValueValidator(1_000_000)]
    )
    is_published = models.BooleanField(_("published"), default=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("summary", boost=2),
        index.SearchField("venue"),
        index.FilterField("is_published"),
    ]

    panels = [
        MultiFieldPanel(
            [FieldPanel("title"), FieldPanel("slug"), FieldPanel("summary"), FieldPanel("image")],
            heading=_("Event"),
        ),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldPanel("map_url"),
                FieldPanel("online_url"),
            ],
            heading=_("Where"),
        ),
        InlinePanel("sessions", label=_("Sessions"), min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("levels"),
                FieldRowPanel([FieldPanel("signup_opens"), FieldPanel("signup_closes")]),
                FieldRowPanel([FieldPanel("price_cents"), FieldPanel("points_price")]),
                FieldPanel("waitlist"),
                FieldPanel("checkin_points"),
            ],
            heading=_("Sign-up"),
        ),
        InlinePanel("questions", label=_("Sign-up questions")),
        FieldPanel("is_published"),
    ]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("event")
        permissions = [("check_in_attendee", "Can check tickets in at an event")]

    def __str__(self):
        return self.title

    def clean(self):
        if self.slug in ("check-in", "campaigns"):  # /events/<these>/ are pages of their own (events/urls.py)
            raise ValidationError(
                {
                    "slug": _("“%(slug)s” is taken by the events pages; choose another address.")
                    % {"slug": self.slug}
                }
            )
        if self.signup_opens and self.signup_closes and self.signup_closes <= self.signup_opens:
            raise ValidationError({"signup_closes": _("Sign-up must close after it opens.")})
        if self.kind == self.Kind.OFFLINE and not (self.venue or "").strip():
            raise ValidationError({"venue": _("Say where the event takes place.")})

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("events:event", args=[self.slug])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class EventSession(Orderable):
    """One date and time of an event, with its own seats. `registered` moves only through the
    services' conditional UPDATEs."""

    event = ParentalKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("name"), max_length=80, blank=True, help_text=_("Optional, e.g. “Morning”."))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    registered = models.PositiveIntegerField(default=0, editable=False)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("capacity"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("session")
        constraints = [
            models.CheckConstraint(
                condition=Q(registered__lte=F("capacity")), name="event_session_never_over_capacity"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_session_ends_after_it_starts"
            ),
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at).strftime("%Y-%m-%d %H:%M")
        return f"{self.event.title} · {self.title or start}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The session must end after it starts.")})

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.registered)


class EventQuestion(Orderable):
    """A question asked when signing up ("Dietary needs?"), answered in text or by a choice."""

    event = ParentalKey(Event, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=120)
    choices = models.CharField(
        _("choices"), max_length=300, blank=True, help_text=_("Separated by commas; empty: a free answer.")
    )
    required = models.BooleanField(_("required"), default=False)

    panels = [FieldPanel("label"), FieldPanel("choices"), FieldPanel("required")]

    def __str__(self):
        return self.label

    def choice_list(self) -> list[str]:
        return [choice.strip() for choice in self.choices.split(",") if choice.strip()]


class Registration(models.Model):
    """A member's place at a session: registered (with a ticket) or waitlisted, until cancelled."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Signed up")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(EventSession, on_delete=models.PROTECT, related_name="registrations")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    ticket_code = models.CharField(_("ticket"), max_length=12, unique=True, default=new_ticket_code)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    points_paid = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["session", "status", "created_at"], name="registration_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                condition=~Q(status="cancelled"),
                name="registration_once_per_session",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="registered"),
                name="registration_checked_in_is_registered",
            ),
        ]

    def __str__(self):
        return self.ticket_code


# --- Daily check-in ----------------------------------------------------------------------------


@register_setting(icon="date")
class DailyCheckInSettings(BaseGenericSetting):
    """签到: members check in once a day; streaks earn bonuses."""

    enabled = models.BooleanField(_("daily check-in is on"), default=True)
    points_per_day = models.PositiveIntegerField(
        _("points per check-in"), default=5, validators=[MaxValueValidator(100_000)]
    )
    streak_bonuses = models.CharField(
        _("streak bonuses"),
        max_length=200,
        blank=True,
        default="7:50",
        help_text=_(
            "Extra points on a day of the streak, as day:points separated by commas, e.g. “3:10, 7:50”."
        ),
    )
    cycle_days = models.PositiveIntegerField(
        _("streak cycle (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("After this many days in a row the streak starts again at day 1."),
    )

    panels = [
        FieldPanel("enabled"),
        FieldPanel("points_per_day"),
        FieldPanel("streak_bonuses"),
        FieldPanel("cycle_days"),
    ]

    class Meta:
        verbose_name = _("daily check-in")

    def clean(self):
        try:
            bonuses = self.bonuses()
        except ValueError:
            raise ValidationError(
                {"streak_bonuses": _("Write each bonus as day:points, e.g. 7:50.")}
            ) from None
        if any(day < 1 or day > self.cycle_days for day in bonuses):
            raise ValidationError({"streak_bonuses": _("Bonus days must be within the streak cycle.")})

    def bonuses(self) -> dict[int, int]:
        """{day of the streak: extra points}."""
        found = {}
        for part in self.streak_bonuses.replace("，", ",").split(","):
            if not part.strip():
                continue
            day, points = part.replace("：", ":").split(":")
            found[int(day)] = int(points)
            if found[int(day)] < 0:
                raise ValueError(part)
        return found


class DailyCheckIn(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="daily_check_ins")
    day = models.DateField()  # the brand's local date
    streak = models.PositiveIntegerField()  # days in a row, this one included
    points = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["member", "day"], name="daily_check_in_once_a_day")]

    def __str__(self):
        return f"{self.member_id} {self.day}"


# --- Invite-a-friend campaigns -----------------------------------------------------------------


class Campaign(ClusterableModel):
    """Invite friends: each friend who signs up (and, if asked, pays a first order) counts; reaching
    a goal gives its reward and draws."""

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    summary = models.CharField(_("summary"), max_length=240, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"))
    needs_first_order = models.BooleanField(
        _("friends count after their first paid order"),
        default=False,
        help_text=_("Otherwise they count when they sign up."),
    )
    no_prize_chance = models.PositiveIntegerField(
        _("“no prize” weight"),
        default=0,
        validators=[MaxValueValidator(1_000_000)],
        help_text=_("0: every draw wins a prize while any are left."),
    )
    is_published = models.BooleanField(_("published"), default=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("title"), FieldPanel("slug"), FieldPanel("summary"), FieldPanel("image")],
            heading=_("Campaign"),
        ),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("needs_first_order"),
        InlinePanel("goals", label=_("Goals and rewards"), min_num=1),
        InlinePanel("prizes", label=_("Lottery prizes")),
        FieldPanel("no_prize_chance"),
        FieldPanel("is_published"),
    ]

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("invite campaign")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="campaign_ends_after_it_starts"
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The campaign must end after it starts.")})

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("events:campaign", args=[self.slug])

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_published and self.starts_at <= now < self.ends_at


class CampaignGoal(Orderable):
    """Reaching `friends` qualified invitations gives these rewards (once per member)."""

    campaign = ParentalKey(Campaign, on_delete=models.CASCADE, related_name="goals")
    friends = models.PositiveIntegerField(
        _("friends needed"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    points = models.PositiveIntegerField(_("points"), default=0, validators=[MaxValueValidator(1_000_000)])
    coupon = models.ForeignKey(
        "coupons.CouponTemplate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("coupon"),
    )
    draws = models.PositiveSmallIntegerField(
        _("lottery draws"), default=0, validators=[MaxValueValidator(100)]
    )

    panels = [
        FieldRowPanel([FieldPanel("friends"), FieldPanel("points"), FieldPanel("draws")]),
        FieldPanel("coupon"),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["campaign", "friends"], name="campaign_goal_once_per_count")
        ]

    def __str__(self):
        return f"{self.friends}"


class Prize(Orderable):
    """A lottery prize: `given` never passes `quantity`. `chance` is its weight among the prizes
    and the "no prize" outcome."""

    campaign = ParentalKey(Campaign, on_delete=models.CASCADE, related_name="prizes")
    name = models.CharField(_("prize"), max_length=100)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    chance = models.PositiveIntegerField(
        _("chance (weight)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
        help_text=_("Compared with the other prizes' weights and the “no prize” weight below."),
    )
    given = models.PositiveIntegerField(default=0, editable=False)
    points = models.PositiveIntegerField(
        _("points in the prize"), default=0, validators=[MaxValueValidator(1_000_000)]
    )

    panels = [
        FieldRowPanel(
            [FieldPanel("name"), FieldPanel("quantity"), FieldPanel("chance"), FieldPanel("points")]
        )
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(given__lte=F("quantity")), name="prize_never_over_quantity")
        ]

    def __str__(self):
        return self.name


class Invitation(models.Model):
    """A friend who came through a member's campaign link."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    inviter = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    signed_up_at = models.DateTimeField(default=timezone.now)
    qualified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_up_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "friend"], name="invitation_one_inviter_per_friend")
        ]

    def __str__(self):
        return f"{self.inviter_id} → {self.friend_id}"


class GoalReached(models.Model):
    """A goal's rewards given to a member, once."""

    goal = models.ForeignKey(CampaignGoal, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["goal", "member"], name="goal_reached_once")]

    def __str__(self):
        return f"{self.goal_id}: {self.member_id}"


class Draw(models.Model):
    """One lottery draw: the seed and the prize (or none), recorded so it can be checked later:
    replaying the seed over the recorded odds gives the same result."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="draws")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()  # the member's 1st, 2nd ... draw in this campaign
    seed = models.CharField(max_length=64)
    odds = models.JSONField()  # [[prize id or null, weight], ...] as they were at the draw
    prize = models.ForeignKey(Prize, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member", "number"], name="draw_once_per_number")
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.member_id}#{self.number}"
