"""Notifications through a real Celery worker on Redis, as in production: points added in a
committed transaction -> the worker delivers the outbox event in the tenant's schema -> notify()
queues notifications.send_deliveries -> the worker sends the e-mail, in the customer's language,
at most once, and only in the schema of the tenant that queued it.

The worker runs in a thread of the test process (celery.contrib.testing, as core/tests/test_worker.py
does), on its own database connection, so it only sees committed rows. E-mails go through the
file-based backend: what a separate worker process would write, read back from disk.

Needs Redis on 127.0.0.1:6379 (REDIS_TEST_URL to use another): skipped with the reason when it is
not there, except under CI=true, where it must run. The default database number (13) is not the
outbox test's (9): that test flushes its database, and a run of it elsewhere on this machine must
not take this test's messages."""

import email
import email.policy
import os
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from conftest import committed_tenant
from notifications import services
from tests.celery_worker import celery_worker_on

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/13")
PASSWORD = "green-tea-2026"


@pytest.fixture
def celery_worker_on_redis():
    with celery_worker_on(REDIS_URL) as app:
        yield app


@pytest.fixture
def mailbox(settings, tmp_path):
    """The directory the worker writes its e-mails to (one file per connection)."""
    directory = tmp_path / "mail"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(directory)
    return directory


def read_mailbox(directory: Path) -> list[email.message.EmailMessage]:
    """Every e-mail written to `directory`, parsed (the backend ends each with a line of dashes)."""
    messages = []
    for path in sorted(directory.glob("*.log")) if directory.exists() else []:
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


def customer_mail(directory: Path) -> list[email.message.EmailMessage]:
    """The e-mails to customers (not the provisioning invitations to the brands' administrators)."""
    return [message for message in read_mailbox(directory) if not message["To"].startswith("admin@")]


@pytest.fixture
def sends(monkeypatch):
    """(schema, delivery id, outcome) of every send_delivery call, in the order the worker made
    them: the worker is a thread of this process, so it calls the recording function."""
    done = []
    original = services.send_delivery

    def recording(delivery_id, **kwargs):
        outcome = original(delivery_id, **kwargs)
        done.append((connection.schema_name, delivery_id, outcome))
        return outcome

    monkeypatch.setattr(services, "send_delivery", recording)
    return done


def wait_for(condition, *, seconds=20):
    """condition()'s first truthy value, polled until `seconds` have passed (then its last one)."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def enrolled_customer(email_address: str, language: str):
    """A customer signed up in the current (committed) schema, enrolled by the worker."""
    from accounts.services import create_customer
    from members.models import Member

    user = create_customer(email_address, password=PASSWORD, preferred_language=language)  # commits
    member = wait_for(lambda: Member.objects.filter(user=user).first())
    assert member is not None, "the worker did not enrol the customer"
    return user, member


def add_points(member, points: int, key: str):
    from members import services as loyalty
    from members.models import LedgerSource

    # Its own committed transaction: on commit, core.tasks.deliver_outbox goes to Redis.
    loyalty.add_points(member, points, reason="Order 1001", source=LedgerSource.ORDER, idempotency_key=key)


def snapshot():
    """Every notification and delivery row of the current schema, as comparable tuples."""
    from notifications.models import Delivery, Notification

    return (
        list(
            Notification.objects.order_by("pk").values_list("pk", "recipient_id", "kind", "title", "read_at")
        ),
        list(
            Delivery.objects.order_by("pk").values_list(
                "pk", "notification_id", "channel", "status", "attempts", "sent_at", "last_error"
            )
        ),
    )


def test_earned_points_are_emailed_once_by_the_worker_in_the_customers_language(
    django_db_setup, django_db_blocker, celery_worker_on_redis, mailbox, sends, monkeypatch
):
    from notifications.models import Delivery, Notification

    # Every send_deliveries message is published twice, as when a broker redelivers an
    # acks_late message whose worker died: the delivery must still go out once.
    queued = []
    queue_once = services._queue

    def queue_twice(schema_name, delivery_ids, countdown=None):
        queued.append((schema_name, list(delivery_ids)))
        queue_once(schema_name, delivery_ids, countdown)
        queue_once(schema_name, delivery_ids, countdown)

    monkeypatch.setattr(services, "_queue", queue_twice)

    with (
        django_db_blocker.unblock(),
        committed_tenant("mailworker", name="Harbor Tea", default_language="en") as provisioned,
    ):
        schema = provisioned.tenant.schema_name
        with schema_context(schema):
            mei, member = enrolled_customer("mei@example.com", "zh-hans")
            add_points(member, 50, "order-1001")

            email_delivery = wait_for(
                lambda: Delivery.objects.filter(
                    notification__recipient=mei, notification__kind="points.changed", channel="email"
                ).first()
            )
            assert email_delivery is not None, "the worker did not deliver the points.changed event"
            assert wait_for(lambda: len([s for s in sends if s[1] == email_delivery.pk]) >= 2)
            time.sleep(0.5)  # a third send, if the code made one, would land here

            notification = Notification.objects.get(recipient=mei, kind="points.changed")
            assert (notification.title, notification.body) == (
                "您获得了 50 积分",
                "Order 1001。您现在有 50 积分。",
            )
            assert [s for s in sends if s[1] == email_delivery.pk] == [
                (schema, email_delivery.pk, "sent"),
                (schema, email_delivery.pk, None),  # the second message finds it claimed
            ]
            assert (schema, [email_delivery.pk]) in queued
            email_delivery.refresh_from_db()
            assert (email_delivery.status, email_delivery.attempts, email_delivery.address) == (
                "sent",
                1,
                "mei@example.com",
            )
            assert list(
                notification.deliveries.order_by("channel").values_list("channel", "status", "attempts")
            ) == [("email", "sent", 1), ("inbox", "sent", 1)]
            sent_to_mei = Delivery.objects.filter(
                notification__recipient=mei, channel="email", status="sent"
            ).count()
            # Every schema a send ran in is this tenant's.
            assert {schema_name for schema_name, _id, _outcome in sends} == {schema}
        connection.set_schema_to_public()

    # (The brand's administrator got the provisioning invitation too.)
    messages = [message for message in read_mailbox(mailbox) if message["To"] == "mei@example.com"]
    assert len(messages) == sent_to_mei  # no e-mail went out twice
    points_mail = [message for message in messages if message["Subject"] == "您获得了 50 积分"]
    assert len(points_mail) == 1
    assert points_mail[0]["To"] == "mei@example.com"
    assert points_mail[0]["From"] == "Harbor Tea <portal@localhost>"
    text = points_mail[0].get_body(preferencelist=("plain",)).get_content()
    assert "Order 1001。您现在有 50 积分。" in text
    assert "http://mailworker.localhost:8000/account/" in text


def test_a_task_queued_for_one_tenant_runs_in_its_schema_and_never_touches_another(
    django_db_setup, django_db_blocker, celery_worker_on_redis, mailbox, sends, monkeypatch
):
    from notifications.models import Delivery

    with (
        django_db_blocker.unblock(),
        committed_tenant("workeralpha", name="Alpha Tea", default_language="en") as alpha,
        committed_tenant("workerbravo", name="Bravo Coffee", default_language="en") as bravo,
    ):
        alpha_schema, bravo_schema = alpha.tenant.schema_name, bravo.tenant.schema_name
        with schema_context(alpha_schema):
            mei, mei_card = enrolled_customer("mei@example.com", "en")
        with schema_context(bravo_schema):
            jun, _jun_card = enrolled_customer("jun@example.com", "en")
            # Bravo's message is written but its send is lost (never queued): it waits, pending,
            # with the same ids Alpha's rows get (both schemas are copies of one template).
            with monkeypatch.context() as lost:
                lost.setattr(services, "_queue", lambda *args, **kwargs: None)
                waiting = services.notify(
                    jun,
                    "points.changed",
                    {"earned": True, "points": 70, "balance": 70, "reason": "Order 2002"},
                    idempotency_key="bravo-waiting",
                )
            bravo_email = waiting.deliveries.get(channel="email")
            assert bravo_email.status == "pending"
            bravo_before = snapshot()

        with schema_context(alpha_schema):
            add_points(mei_card, 30, "alpha-order")
            alpha_email = wait_for(
                lambda: Delivery.objects.filter(
                    notification__recipient=mei,
                    notification__kind="points.changed",
                    channel="email",
                    status="sent",
                ).first()
            )
            assert alpha_email is not None, "Alpha's e-mail was not sent"
            assert alpha_email.notification.title == "You earned 30 points"

        # A task for Alpha that names Bravo's waiting delivery id: in Alpha's schema that id is
        # one of Alpha's own rows (sent already) or none, so nothing of Bravo's is sent.
        earlier = len(sends)
        services._queue(alpha_schema, [bravo_email.pk])
        assert wait_for(lambda: len(sends) > earlier)
        time.sleep(0.5)
        assert sends[earlier:] == [(alpha_schema, bravo_email.pk, None)]
        with schema_context(bravo_schema):
            assert snapshot() == bravo_before  # Alpha's tasks changed nothing in Bravo
        assert not any(schema_name == bravo_schema for schema_name, _id, _outcome in sends)
        connection.set_schema_to_public()
        assert [message["To"] for message in customer_mail(mailbox)] == ["mei@example.com"]

        # Bravo's own task sends Bravo's delivery, from Bravo, and leaves Alpha's rows alone.
        with schema_context(alpha_schema):
            alpha_before = snapshot()
        services._queue(bravo_schema, [bravo_email.pk])
        assert wait_for(lambda: (bravo_schema, bravo_email.pk, "sent") in sends)
        with schema_context(bravo_schema):
            bravo_email.refresh_from_db()
            assert (bravo_email.status, bravo_email.attempts) == ("sent", 1)
            assert Delivery.objects.filter(notification__recipient=jun, channel="email").count() == 1
        with schema_context(alpha_schema):
            assert snapshot() == alpha_before
        connection.set_schema_to_public()

    messages = customer_mail(mailbox)
    assert sorted((message["To"], message["From"], message["Subject"]) for message in messages) == [
        ("jun@example.com", "Bravo Coffee <portal@localhost>", "You earned 70 points"),
        ("mei@example.com", "Alpha Tea <portal@localhost>", "You earned 30 points"),
    ]
