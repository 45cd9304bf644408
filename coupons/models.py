"""Coupon templates (what a brand offers) and coupons (one issued to one member).

services.py is the only writer. A template's `issued_count` only ever moves through a conditional
UPDATE there, and CheckConstraints keep every row sensible whatever code runs: a template never
issues more than its total quantity, amounts stay in range, a redeemed coupon says when.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import format_money

# A coupon worth more than this is a typo (an extra zero or two), not a promotion.
MAX_COUPON_AMOUNT_CENTS = 1_000_000  # ¥10,000.00
# Minimum spends and order totals above this are a typo too (the ledgers' per-operation limit).
MAX_ORDER_CENTS = 100_000_000  # ¥1,000,000.00
MAX_PER_MEMBER_LIMIT = 100
MAX_TOTAL_QUANTITY = 10_000_000

# Codes are read aloud and typed at a till: no 0/O, 1/I/L look-alikes. 32**10 is about 10**15
# codes, so guessing one is hopeless and a clash on creation (retried) is vanishingly rare.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_coupon_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code) -> str:
    """What a customer or a cashier types, as stored: upper case, spaces and dashes dropped."""
    return "".join(str(code or "").split()).replace("-", "").upper()


class CouponTemplate(models.Model):
    """An offer the brand gives out: its value, its rules, and how many may be issued."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed amount off")
        PERCENT = "percent", _("Percentage off")
        FREE_ITEM = "free_item", _("Free item")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FIXED)
    # Plain integer fields with our own validators (not Positive*: those add a second, vaguer
    # "greater than or equal to 0" message); the CheckConstraints below hold the same ranges.
    amount_cents = models.IntegerField(
        _("amount off (cents)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, _("The amount must be more than 0.")),
            MaxValueValidator(MAX_COUPON_AMOUNT_CENTS, _("The amount can be at most ¥10,000.00.")),
        ],
        help_text=_("For a fixed amount off, in cents: 500 is ¥5.00."),
    )
    percent = models.SmallIntegerField(
        _("percent off"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, _("The percentage must be between 1 and 100.")),
            MaxValueValidator(100, _("The percentage must be between 1 and 100.")),
        ],
    )
    free_item = models.CharField(
        _("free item"), max_length=100, blank=True, help_text=_("For a free item: what the member gets.")
    )
    minimum_spend_cents = models.IntegerField(
        _("minimum spend (cents)"),
        default=0,
        validators=[
            MinValueValidator(0, _("The minimum spend cannot be negative.")),
            MaxValueValidator(MAX_ORDER_CENTS, _("The minimum spend can be at most ¥1,000,000.00.")),
        ],
        help_text=_("0 for no minimum."),
    )
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"))
    per_member_limit = models.IntegerField(
        _("coupons per member"),
        default=1,
        validators=[
            MinValueValidator(1, _("Each member must be able to hold at least 1.")),
            MaxValueValidator(MAX_PER_MEMBER_LIMIT, _("Each member can hold at most 100.")),
        ],
    )
    levels = models.ManyToManyField(
        "members.MemberLevel",
        blank=True,
        related_name="coupon_templates",
        verbose_name=_("member levels"),
        help_text=_("Only members of these levels can get it. None ticked: every member."),
    )
    total_quantity = models.IntegerField(
        _("total quantity"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, _("The total quantity must be at least 1 (leave it empty for no limit).")),
            MaxValueValidator(MAX_TOTAL_QUANTITY, _("The total quantity can be at most 10,000,000.")),
        ],
        help_text=_("How many may be issued in all. Empty: no limit."),
    )
    # Moved only by services.issue_coupon's conditional UPDATE; never by a form.
    issued_count = models.PositiveIntegerField(_("issued"), default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Untick to stop issuing it."))
    claimable = models.BooleanField(
        _("members can claim it"),
        default=False,
        help_text=_("Members may claim it themselves from a coupon block on a page."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("coupon template")
        # Checked by the admin's "Issue to a level" (coupons.admin).
        permissions = [("issue_coupon", "Can issue coupons to every member of a level")]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_quantity__isnull=True) | Q(issued_count__lte=models.F("total_quantity")),
                name="coupon_template_not_oversold",
            ),
            models.CheckConstraint(
                condition=Q(amount_cents__isnull=True)
                | Q(amount_cents__gte=1, amount_cents__lte=MAX_COUPON_AMOUNT_CENTS),
                name="coupon_template_amount_in_range",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=1, percent__lte=100),
                name="coupon_template_percent_in_range",
            ),
            models.CheckConstraint(
                condition=Q(minimum_spend_cents__gte=0, minimum_spend_cents__lte=MAX_ORDER_CENTS),
                name="coupon_template_minimum_spend_in_range",
            ),
            models.CheckConstraint(
                condition=Q(per_member_limit__gte=1, per_member_limit__lte=MAX_PER_MEMBER_LIMIT),
                name="coupon_template_per_member_limit_in_range",
            ),
            models.CheckConstraint(
                condition=Q(total_quantity__isnull=True)
                | Q(total_quantity__gte=1, total_quantity__lte=MAX_TOTAL_QUANTITY),
                name="coupon_template_total_quantity_in_range",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")),
                name="coupon_template_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(kind="fixed", amount_cents__isnull=False)
                | Q(kind="percent", percent__isnull=False)
                | (Q(kind="free_item") & ~Q(free_item="")),
                name="coupon_template_kind_has_its_value",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """Rules across fields, each reported on the field to fix. Single-field ranges are the
        fields' validators (they run first, in full_clean)."""
        errors = {}
        if self.kind == self.Kind.FIXED:
            if self.amount_cents is None:
                errors["amount_cents"] = _("Give the amount off.")
            self.percent, self.free_item = None, ""
        elif self.kind == self.Kind.PERCENT:
            if self.percent is None:
                errors["percent"] = _("Give the percentage off, from 1 to 100.")
            self.amount_cents, self.free_item = None, ""
        elif self.kind == self.Kind.FREE_ITEM:
            self.free_item = (self.free_item or "").strip()
            if not self.free_item:
                errors["free_item"] = _("Say what the free item is.")
            self.amount_cents, self.percent = None, None
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            errors["valid_until"] = _("The end must be after the start.")
        if self.total_quantity is not None and self.total_quantity < self.issued_count:
            errors["total_quantity"] = _(
                "%(issued)s have already been issued; the total cannot be lower than that."
            ) % {"issued": self.issued_count}
        if errors:
            raise ValidationError(errors)

    @property
    def value_text(self) -> str:
        """What the coupon gives, in the members' words: "¥5.00 off", "15% off", "Free: Latte"."""
        if self.kind == self.Kind.FIXED:
            return _("%(amount)s off") % {"amount": format_money(self.amount_cents or 0)}
        if self.kind == self.Kind.PERCENT:
            return _("%(percent)s%% off") % {"percent": self.percent}
        return _("Free: %(item)s") % {"item": self.free_item}

    @property
    def minimum_spend_text(self) -> str:
        return format_money(self.minimum_spend_cents)

    @property
    def sold_out(self) -> bool:
        return self.total_quantity is not None and self.issued_count >= self.total_quantity


class CouponQuerySet(models.QuerySet):
    # "Expired" is not stored: it is an issued coupon whose end has passed. One definition, here.
    def usable(self, now=None):
        return self.filter(status=Coupon.Status.ISSUED, expires_at__gte=now or timezone.now())

    def expired(self, now=None):
        return self.filter(status=Coupon.Status.ISSUED, expires_at__lt=now or timezone.now())

    def redeemed(self):
        return self.filter(status=Coupon.Status.REDEEMED)


class Coupon(models.Model):
    """One coupon, issued to one member, used at most once."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REDEEMED = "redeemed", _("Used")

    template = models.ForeignKey(CouponTemplate, on_delete=models.PROTECT, related_name="coupons")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="coupons")
    code = models.CharField(_("code"), max_length=16, default=new_coupon_code)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    # Copied from the template when issued: a later edit of the template does not shorten or
    # stretch coupons members already hold.
    expires_at = models.DateTimeField(_("expires"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A retry of the same issue (same member, same key) returns this coupon instead of a second one.
    idempotency_key = models.CharField(max_length=100, blank=True)
    redeemed_at = models.DateTimeField(_("used"), null=True, blank=True)
    redeemed_order_reference = models.CharField(_("order"), max_length=100, blank=True)
    discount_cents = models.PositiveIntegerField(_("discount given (cents)"), null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CouponQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["member", "status"], name="coupon_member_status"),
            models.Index(fields=["status", "expires_at"], name="coupon_status_expires"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="coupon_code_unique"),
            models.UniqueConstraint(
                fields=["member", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="coupon_issued_once_per_key",
            ),
            models.CheckConstraint(
                condition=Q(status="issued", redeemed_at__isnull=True)
                | Q(status="redeemed", redeemed_at__isnull=False),
                name="coupon_redeemed_has_redeemed_at",
            ),
        ]

    def __str__(self):
        return self.code

    def is_expired(self, now=None) -> bool:
        return self.status == self.Status.ISSUED and self.expires_at < (now or timezone.now())

    def state(self, now=None) -> str:
        """usable, used or expired: what the member sees."""
        if self.status == self.Status.REDEEMED:
            return "used"
        return "expired" if self.is_expired(now) else "usable"
