"""Members of a brand's loyalty programme: levels, points and stored value as append-only ledgers.

Balances on Member are a cached sum of their ledger; services.py is the only writer, under a row
lock, and CheckConstraints keep every balance at zero or above whatever code runs.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase


def new_member_code() -> str:
    """What the member card's QR code carries: unguessable, short enough to type at a till."""
    return secrets.token_hex(8).upper()


class Audience(models.TextChoices):
    """Who may see or use something a domain offers (an event, a request form): the `audience`
    field of its model, with a `levels` many-to-many for LEVELS (members.selectors.audience_filter)."""

    EVERYONE = "everyone", _("Everyone")
    MEMBERS = "members", _("Logged-in members")
    LEVELS = "levels", _("Members of some levels")


class MemberLevel(models.Model):
    """A level of the programme. Members move up when their lifetime points reach its threshold."""

    name = models.CharField(_("name"), max_length=60)
    badge = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    threshold_points = models.PositiveIntegerField(_("lifetime points needed"), unique=True)
    points_multiplier = models.DecimalField(_("points multiplier"), max_digits=4, decimal_places=2, default=1)
    discount_percent = models.PositiveSmallIntegerField(_("member discount %"), default=0)
    free_shipping = models.BooleanField(_("free shipping"), default=False)
    monthly_coupon = models.BooleanField(_("monthly coupon"), default=False)
    benefits = models.TextField(_("benefits, in the members' words"), blank=True)

    class Meta:
        ordering = ["threshold_points"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__lte=100), name="member_level_discount_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(points_multiplier__gt=0), name="member_level_multiplier_positive"
            ),
        ]

    def __str__(self):
        return self.name


class Member(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="member")
    code = models.CharField(max_length=16, unique=True, default=new_member_code)
    level = models.ForeignKey(
        MemberLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    points = models.BigIntegerField(default=0)
    lifetime_points = models.BigIntegerField(default=0)
    balance_cents = models.BigIntegerField(_("stored value (cents)"), default=0)
    joined_at = models.DateTimeField(auto_now_add=True)
    # Staff's own words for groups of members ("VIP", "wholesale", "Shanghai"): a campaign can go to
    # the members with a tag (members.audiences). The through model keeps the links in this app's
    # tenant tables, beside the members, rather than in taggit's generic TaggedItem.
    tags = TaggableManager(
        verbose_name=_("tags"),
        help_text=_("Words staff use to group members, e.g. VIP, wholesale or Shanghai."),
        through="members.TaggedMember",
        blank=True,
    )

    class Meta:
        # Checked by the admin's points form, the till's scan page and the top-up form (members.admin).
        permissions = [
            ("adjust_points", "Can add or take points and scan member cards"),
            ("export_customer_data", "Can download a customer's data on their request"),
            ("top_up_stored_value", "Can top up a member's stored value"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="member_points_not_negative"),
            models.CheckConstraint(
                condition=Q(lifetime_points__gte=0), name="member_lifetime_points_not_negative"
            ),
            models.CheckConstraint(condition=Q(balance_cents__gte=0), name="member_balance_not_negative"),
        ]

    def __str__(self):
        return f"{self.user} ({self.code})"

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def level_name(self) -> str:
        return self.level.name if self.level_id else ""


class TaggedMember(TaggedItemBase):
    """One tag on one member."""

    content_object = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="member_tag_once"),
        ]

    def __str__(self):
        return f"{self.content_object_id}: {self.tag}"

    @classmethod
    def tag_names(cls) -> list[str]:
        """The names of the tags on this brand's members (the current schema), A to Z."""
        return list(cls.objects.order_by("tag__name").values_list("tag__name", flat=True).distinct())


class LedgerSource(models.TextChoices):
    ORDER = "order", _("Order")
    CHECK_IN = "check_in", _("Check-in")
    REFERRAL = "referral", _("Referral")
    MANUAL = "manual", _("Manual adjustment")
    EXPIRY = "expiry", _("Expiry")
    REDEMPTION = "redemption", _("Redemption")
    TOP_UP = "top_up", _("Top-up")
    REFUND = "refund", _("Refund")


class BaseLedgerEntry(models.Model):
    """One change to a balance. Never updated or deleted; the balance is the sum of the deltas."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    delta = models.BigIntegerField()
    balance_after = models.BigIntegerField()
    reason = models.CharField(max_length=200)
    source = models.CharField(max_length=20, choices=LedgerSource.choices)
    idempotency_key = models.CharField(max_length=100)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]


class PointsEntry(BaseLedgerEntry):
    class Meta(BaseLedgerEntry.Meta):
        verbose_name_plural = "points entries"
        constraints = [
            models.UniqueConstraint(fields=["member", "idempotency_key"], name="points_entry_once_per_key"),
            models.CheckConstraint(condition=~Q(delta=0), name="points_entry_changes_something"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="points_entry_balance_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.delta:+} points: {self.reason}"


class BalanceEntry(BaseLedgerEntry):
    """A change to stored value, in cents."""

    class Meta(BaseLedgerEntry.Meta):
        verbose_name_plural = "balance entries"
        constraints = [
            models.UniqueConstraint(fields=["member", "idempotency_key"], name="balance_entry_once_per_key"),
            models.CheckConstraint(condition=~Q(delta=0), name="balance_entry_changes_something"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="balance_entry_balance_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.delta:+} cents: {self.reason}"
