"""Tables every tenant schema has for the platform's own machinery: the event outbox and the record
of scheduled job runs."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import registry


class OutboxEvent(models.Model):
    """Something that happened in a domain, recorded in the same transaction as the change that
    caused it, then delivered to the subscribers other domains registered (core.outbox).

    Also the history of what happened to a subject: the member timeline reads it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for delivery")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed: gave up")

    kind = models.CharField(_("kind"), max_length=60)
    subject_type = models.CharField(_("subject"), max_length=40, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # One event per key: recording the same happening twice (a retried job) changes nothing.
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("event")
        indexes = [
            models.Index(fields=["next_attempt_at", "id"], condition=Q(status="pending"), name="outbox_due"),
            models.Index(fields=["subject_type", "subject_id", "-created_at"], name="outbox_subject"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def kind_label(self) -> str:
        """The kind in the staff's words, as the domain that registered it names it."""
        return str(registry.event_kinds().get(self.kind, self.kind))


class JobRun(models.Model):
    """One run of a scheduled job for one period (a day in the tenant's time zone). The unique
    constraint is what makes a job run at most once per tenant and period, however many beat
    processes or manual triggers ask for it."""

    job = models.CharField(_("job"), max_length=80)
    period = models.CharField(_("period"), max_length=20)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    result = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="job_run_once_per_period")]

    def __str__(self):
        return f"{self.job} {self.period}"
