"""Messages to customers and brand staff: one Notification per person and message, one Delivery
per channel it goes out on (sent at most once), the brand's own wording, the customers' choices and
the brand's senders."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

CHANNELS = [
    ("inbox", _("Inbox")),
    ("email", _("E-mail")),
    ("sms", _("Text message")),
    ("wechat", _("WeChat")),
    ("webhook", _("Webhook")),
]


class Notification(models.Model):
    """One message to one person, in their language as it was when sent. It is in their inbox when
    the inbox was one of its channels."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    in_inbox = models.BooleanField(_("in the inbox"), default=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # kind:<what caused it>:<recipient>: the same cause never notifies the same person twice.
    idempotency_key = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "in_inbox", "read_at"], name="notification_inbox")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """A notification on one channel. Claimed (pending -> sending) by one worker before it is
    handed to the channel, so it goes out at most once; a failure is retried with back-off, then
    shown to staff with its error."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=20, choices=CHANNELS)
    address = models.CharField(_("sent to"), max_length=254, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.notification} ({self.get_channel_display()})"


class NotificationTemplate(models.Model):
    """The brand's own wording of a kind of notification in one language (else the built-in one)."""

    kind = models.CharField(_("kind"), max_length=60)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="one_template_per_kind_language")
        ]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self):
        return f"{self.kind} ({self.language})"


class Preference(models.Model):
    """A customer's choice for one kind of message on one channel (no row: the kind's default)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    channel = models.CharField(max_length=20, choices=CHANNELS)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="one_preference_each")
        ]

    def __str__(self):
        return f"{self.kind} {self.channel}: {'on' if self.enabled else 'off'}"


@register_setting(icon="mail")
class NotificationSettings(BaseSiteSetting):
    """Who the brand's messages come from, and the providers for text messages and WeChat."""

    sender_name = models.CharField(
        _("sender name"),
        max_length=100,
        blank=True,
        help_text=_("Shown as the sender of e-mails. Default: the site name."),
    )
    reply_to = models.EmailField(
        _("reply-to address"), blank=True, help_text=_("Where customers' replies go.")
    )
    sms_provider = models.CharField(
        _("text message provider"),
        max_length=20,
        blank=True,
        choices=[("", _("None")), ("log", _("Development log (nothing is sent)"))],
    )
    wechat_provider = models.CharField(
        _("WeChat template message provider"),
        max_length=20,
        blank=True,
        choices=[("", _("None")), ("log", _("Development log (nothing is sent)"))],
    )
    webhook_url = models.URLField(
        _("webhook address"),
        blank=True,
        help_text=_("Each message is POSTed to it as JSON when the webhook channel is on."),
    )

    class Meta:
        verbose_name = _("notification settings")


class Campaign(models.Model):
    """A message brand staff write once and send to a group of customers (notifications.campaigns):
    now, or at `send_at` by the schedule's tick. Each recipient's Notification has the kind
    "campaign" and the idempotency key `campaign:<pk>:<user pk>`, which is how its sent and read
    counts are found, and why sending it again reaches nobody twice."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(
        _("link"),
        max_length=300,
        blank=True,
        help_text=_("Optional: a page of the portal (/offers/) or a full address (https://…)."),
    )
    audience = models.CharField(_("audience"), max_length=60)
    audience_value = models.CharField(_("audience choice"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    send_at = models.DateTimeField(
        _("send at"), null=True, blank=True, help_text=_("Leave empty to keep it as a draft.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "send_at"], name="campaign_due")]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.title

    @property
    def key_prefix(self) -> str:
        """The start of every idempotency key of this campaign's notifications."""
        return f"campaign:{self.pk}:"
