"""Member events move to the platform's outbox (core.OutboxEvent), which the member timeline now
reads. Existing events are copied there as delivered; customer tokens move to accounts (with a
tenant-bound hash, so tokens issued before cannot be checked any more: apps log in again)."""

from django.db import migrations

KINDS = {
    "points_changed": "points.changed",
    "balance_changed": "balance.changed",
    "level_changed": "level.changed",
    "coupon_issued": "coupon.issued",
    "coupon_expiring": "coupon.expiring",
    "birthday": "member.birthday",
}


def copy_events_to_outbox(apps, schema_editor):
    MemberEvent = apps.get_model("members", "MemberEvent")
    OutboxEvent = apps.get_model("core", "OutboxEvent")
    OutboxEvent.objects.bulk_create(
        (
            OutboxEvent(
                kind=KINDS.get(event.kind, event.kind),
                subject_type="member",
                subject_id=event.member_id,
                data=event.data,
                idempotency_key=f"member-event:{event.pk}",
                created_at=event.created_at,
                next_attempt_at=event.created_at,
                status="delivered",
                delivered_at=event.created_at,
            )
            for event in MemberEvent.objects.iterator()
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_customer_token"),
        ("core", "0001_initial"),
        ("accounts", "0002_customer_token"),
    ]

    operations = [
        migrations.RunPython(copy_events_to_outbox, migrations.RunPython.noop),
        migrations.RemoveField(model_name="memberevent", name="member"),
        migrations.DeleteModel(name="CustomerToken"),
        migrations.DeleteModel(name="MemberEvent"),
    ]
