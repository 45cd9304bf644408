"""Referral and distribution: members who recommend the brand (promoters), the customers they
brought (one referrer per customer), the rules that turn those customers' orders into commission,
commission as an append-only ledger, and withdrawals.

Balances on Promoter are a cached sum of their ledger (`CommissionEntry`); services.py is the only
writer, under the promoter's row lock, and CheckConstraints keep every balance at zero or above
whatever code runs.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from core.money import format_money

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud and typed at a till
CODE_LENGTH = 8


def new_referral_code() -> str:
    """A promoter's code: 8 characters customers can type (about 10^12 of them: unguessable)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@register_setting(icon="group")
class ReferralSettings(BaseGenericSetting):
    """How the brand's referral programme works (Settings → Referrals)."""

    enabled = models.BooleanField(
        _("referrals are on"),
        default=True,
        help_text=_("When off, members cannot become promoters and no new commission is earned."),
    )
    requires_approval = models.BooleanField(
        _("promoters need approval"),
        default=False,
        help_text=_("When ticked, a member who asks to become a promoter waits for staff to approve."),
    )
    link_days = models.PositiveIntegerField(
        _("days a referral link is remembered"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "A visitor who signs up within this many days of opening a link is the promoter's referral."
        ),
    )
    order_days = models.PositiveIntegerField(
        _("days orders earn commission"),
        default=365,
        validators=[MaxValueValidator(3650)],
        help_text=_(
            "Orders a referred customer places within this many days of signing up earn commission. 0: always."
        ),
    )
    return_days = models.PositiveIntegerField(
        _("return window (days)"),
        default=7,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "Commission stays pending until this many days after the order is completed, then it is settled."
        ),
    )
    minimum_withdrawal_cents = models.PositiveIntegerField(
        _("smallest withdrawal (cents)"),
        default=5000,
        validators=[MinValueValidator(1), MaxValueValidator(100_000_000)],
    )
    share_text = models.CharField(
        _("share text"),
        max_length=200,
        blank=True,
        default="",
        help_text=_(
            "What the invite card suggests promoters send with their link. Empty: the built-in wording."
        ),
    )

    panels = [
        FieldPanel("enabled"),
        FieldPanel("requires_approval"),
        MultiFieldPanel(
            [FieldPanel("link_days"), FieldPanel("order_days"), FieldPanel("return_days")],
            heading=_("Attribution and commission"),
        ),
        FieldPanel("minimum_withdrawal_cents"),
        FieldPanel("share_text"),
    ]

    class Meta:
        verbose_name = _("Referrals")

    def __str__(self):
        return str(_("Referrals"))


class PromoterLevel(models.Model):
    """A tier of promoters (say bronze, silver, gold): commission rules may differ per level."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("Higher ranks are listed first; new promoters get the lowest.")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("promoter level")

    def __str__(self):
        return self.name


class Promoter(models.Model):
    """A member who recommends the brand, with their code and their commission balances (cents)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Waiting for approval")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Not approved")
        SUSPENDED = "suspended", _("Suspended")

    member = models.OneToOneField("members.Member", on_delete=models.PROTECT, related_name="promoter")
    code = models.CharField(_("referral code"), max_length=16, unique=True, default=new_referral_code)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    level = models.ForeignKey(
        PromoterLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="promoters"
    )
    note = models.CharField(_("staff note"), max_length=300, blank=True)
    pending_cents = models.BigIntegerField(_("pending"), default=0)
    available_cents = models.BigIntegerField(_("settled, available"), default=0)
    held_cents = models.BigIntegerField(_("asked to withdraw"), default=0)
    withdrawn_cents = models.BigIntegerField(_("withdrawn"), default=0)
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    decided_at = models.DateTimeField(_("approved or refused"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("promoter")
        permissions = [
            ("pay_withdrawal", "Can approve, pay and reject commission withdrawals"),
            ("export_commission", "Can download promoters, commission and withdrawals as CSV"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    pending_cents__gte=0, available_cents__gte=0, held_cents__gte=0, withdrawn_cents__gte=0
                ),
                name="promoter_balances_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.member.user} ({self.code})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def earned_cents(self) -> int:
        """Settled commission ever: what is available, asked for and paid out."""
        return self.available_cents + self.held_cents + self.withdrawn_cents


class Referral(models.Model):
    """A customer a promoter brought: one referrer per customer, for good."""

    class Via(models.TextChoices):
        LINK = "link", _("Referral link")
        QR = "qr", _("QR poster")
        CODE = "code", _("Code typed in")
        CAMPAIGN = "campaign", _("Invite campaign")
        STAFF = "staff", _("Set by staff")

    customer = models.OneToOneField("members.Member", on_delete=models.PROTECT, related_name="referral")
    promoter = models.ForeignKey(Promoter, on_delete=models.PROTECT, related_name="referrals")
    via = models.CharField(_("through"), max_length=10, choices=Via.choices)
    visited_at = models.DateTimeField(_("first visit"), null=True, blank=True)
    referred_at = models.DateTimeField(_("referred"), default=timezone.now, db_index=True)
    orders_until = models.DateTimeField(
        _("orders earn commission until"), null=True, blank=True, help_text=_("Empty: always.")
    )

    class Meta:
        ordering = ["-referred_at", "-pk"]
        verbose_name = _("referral")
        indexes = [models.Index(fields=["promoter", "-referred_at"], name="referral_promoter_recent")]

    def __str__(self):
        return f"{self.customer_id} ← {self.promoter_id}"


class CommissionRule(models.Model):
    """What a referred customer's order line earns: a percentage of what was paid for it, or a fixed
    amount per item; for the promoter (first tier) and optionally for the promoter's own referrer
    (second tier). The most specific active rule wins: a product's before a category's before the
    shop's, and a promoter level's before one for every level."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage of the price paid")
        FIXED = "fixed", _("Fixed amount per item")

    name = models.CharField(_("name"), max_length=80)
    product = models.ForeignKey(
        "mall.Product",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Only this product. Leave product and category empty for the whole shop."),
    )
    category = models.ForeignKey(
        "mall.ProductCategory",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Products of this category and its sub-categories."),
    )
    level = models.ForeignKey(
        PromoterLevel,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
        help_text=_("Only promoters of this level. Empty: every promoter."),
    )
    kind = models.CharField(_("commission"), max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    first_tier = models.DecimalField(
        _("promoter's commission"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Percent (e.g. 10 for 10%) or yuan per item, as chosen above."),
    )
    second_tier = models.DecimalField(
        _("second tier"),
        max_digits=10,
        decimal_places=2,
        default=0,
        help_text=_("For the promoter who referred this promoter, in the same unit. 0: no second tier."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("commission rule")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_tier__gte=0, second_tier__gte=0), name="commission_rule_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(first_tier__lte=100, second_tier__lte=100),
                name="commission_rule_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(product__isnull=True) | Q(category__isnull=True),
                name="commission_rule_product_or_category",
            ),
        ]

    def __str__(self):
        return self.name


class Commission(models.Model):
    """What one order earned one promoter: pending until the return window after completion ends,
    then settled (into the promoter's available balance); reversed when the order is refunded first."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("commission", "Pending")
        SETTLED = "settled", _("Settled")
        REVERSED = "reversed", _("Reversed")

    promoter = models.ForeignKey(Promoter, on_delete=models.PROTECT, related_name="commissions")
    order = models.ForeignKey("mall.Order", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    tier = models.PositiveSmallIntegerField(_("tier"), default=1)
    base_cents = models.BigIntegerField(_("paid for the goods"))
    amount_cents = models.BigIntegerField(_("commission"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("earned"), default=timezone.now)
    settles_at = models.DateTimeField(_("settles"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("commission")
        indexes = [
            models.Index(fields=["status", "settles_at"], name="commission_due"),
            models.Index(fields=["promoter", "-created_at"], name="commission_promoter_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order", "tier"], name="commission_once_per_order_and_tier"),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0, base_cents__gte=0), name="commission_positive"
            ),
            models.CheckConstraint(condition=Q(tier__in=[1, 2]), name="commission_tier_1_or_2"),
        ]

    def __str__(self):
        return f"{format_money(self.amount_cents)} ({self.get_status_display()})"

    @property
    def amount_text(self) -> str:
        return format_money(self.amount_cents)


class Withdrawal(models.Model):
    """A promoter asks for settled commission; staff pay it (recording how) or reject it (saying why).
    One open request per promoter; a request is paid at most once."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for staff")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")

    promoter = models.ForeignKey(Promoter, on_delete=models.PROTECT, related_name="withdrawals")
    amount_cents = models.BigIntegerField(_("amount"))
    pay_to = models.CharField(
        _("pay to"),
        max_length=200,
        help_text=_("Where the money goes, e.g. an Alipay account or a bank account."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payout_reference = models.CharField(_("payout reference"), max_length=120, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=100)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("withdrawal")
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="withdrawal_positive"),
            models.UniqueConstraint(
                fields=["promoter"], condition=Q(status="requested"), name="withdrawal_one_open_per_promoter"
            ),
            models.UniqueConstraint(fields=["promoter", "idempotency_key"], name="withdrawal_once_per_key"),
            models.CheckConstraint(
                condition=~Q(status="paid") | ~Q(payout_reference=""), name="withdrawal_paid_has_reference"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""), name="withdrawal_rejected_has_reason"
            ),
        ]

    def __str__(self):
        return f"{format_money(self.amount_cents)} ({self.get_status_display()})"

    @property
    def amount_text(self) -> str:
        return format_money(self.amount_cents)


class CommissionEntry(models.Model):
    """One movement of a promoter's commission between pending, available, asked-for and withdrawn.
    Never updated or deleted: each balance on Promoter is the sum of its column here."""

    class Kind(models.TextChoices):
        EARNED = "earned", _("Earned (pending)")
        SETTLED = "settled", _("Settled")
        REVERSED = "reversed", _("Reversed: order refunded")
        WITHDRAWAL_REQUESTED = "withdrawal_requested", _("Withdrawal asked")
        WITHDRAWAL_REJECTED = "withdrawal_rejected", _("Withdrawal rejected")
        WITHDRAWAL_PAID = "withdrawal_paid", _("Withdrawal paid")

    promoter = models.ForeignKey(Promoter, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("what"), max_length=24, choices=Kind.choices)
    amount_cents = models.BigIntegerField(_("amount"))
    pending_delta = models.BigIntegerField(default=0)
    available_delta = models.BigIntegerField(default=0)
    held_delta = models.BigIntegerField(default=0)
    withdrawn_delta = models.BigIntegerField(default=0)
    commission = models.ForeignKey(
        Commission, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    withdrawal = models.ForeignKey(
        Withdrawal, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=100)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("commission entry")
        verbose_name_plural = _("commission ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["promoter", "idempotency_key"], name="commission_entry_once_per_key"
            ),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="commission_entry_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {format_money(self.amount_cents)}"

    @property
    def amount_text(self) -> str:
        return format_money(self.amount_cents)
