"""From 1 December, members whose points expire on 1 January are told, once each year."""

import datetime as dt

from django.test import TestCase
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.tests.factories import customer
from core.models import OutboxEvent
from core.outbox import deliver_due_events
from members import services
from members.models import LedgerSource, Member, MemberLevel, PointsEntry
from notifications.models import Notification


def test_members_holding_points_that_expire_on_1_january_are_told_once_from_1_december(make_tenant):
    tenant = make_tenant("alpha", default_language="en", time_zone="UTC").tenant
    with schema_context(tenant.schema_name):
        MemberLevel.objects.create(name="Silver", threshold_points=0)
    mei = customer(tenant, "mei@example.com")
    jun = customer(tenant, "jun@example.com")
    today = timezone.localdate()
    with schema_context(tenant.schema_name):
        old = Member.objects.get(user=mei)
        services.add_points(old, 500, reason="Old order", source=LedgerSource.ORDER, idempotency_key="old")
        PointsEntry.objects.filter(idempotency_key="old").update(
            created_at=dt.datetime(today.year - 1, 6, 1, tzinfo=dt.UTC)
        )
        services.spend_points(old, 100, reason="Mug", idempotency_key="mug")  # out of the old points
        recent = Member.objects.get(user=jun)
        services.add_points(recent, 300, reason="New order", source=LedgerSource.ORDER, idempotency_key="new")

        assert services.record_expiring_points(today=dt.date(today.year, 11, 30)) == {"points_expiring": 0}
        assert services.record_expiring_points(today=dt.date(today.year, 12, 1)) == {"points_expiring": 1}
        services.record_expiring_points(today=dt.date(today.year, 12, 2))  # the next day: not again
        events = OutboxEvent.objects.filter(kind="points.expiring")
        assert list(events.values_list("subject_id", "data")) == [
            (old.pk, {"points": 400, "expires_on": f"{today.year + 1}-01-01"})
        ]
        with TestCase.captureOnCommitCallbacks(execute=True):
            deliver_due_events()
        told = Notification.objects.filter(kind="points.expiring")
        assert list(told.values_list("recipient__email", "title")) == [
            ("mei@example.com", f"400 points expire on Jan. 1, {today.year + 1}")
        ]
        assert told.get().deliveries.get(channel="email").status == "sent"
