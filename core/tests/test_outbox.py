"""The event outbox: recorded with the change, delivered at least once, retried, then shown as failed.

Uses the toy domain's event kind (tests/toy_domain, installed by the test settings)."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from core import outbox, registry
from core.models import OutboxEvent
from tests.toy_domain import wagtail_hooks as toy


@pytest.fixture(autouse=True)
def _clean_toy():
    toy.waves_received.clear()
    toy.failing_waves.clear()
    yield
    toy.failing_waves.clear()


@pytest.fixture
def tenant(make_tenant):
    return make_tenant("outbox").tenant


def test_an_unregistered_kind_or_a_missing_key_is_refused(tenant, in_tenant):
    with in_tenant(tenant):
        with pytest.raises(ImproperlyConfigured, match="'toy.sneezed' is not registered"):
            outbox.record_event("toy.sneezed", idempotency_key="k")
        with pytest.raises(ValueError, match="needs an idempotency key"):
            outbox.record_event("toy.waved", idempotency_key="")
        assert not OutboxEvent.objects.exists()


def test_an_event_rolls_back_with_the_change_that_caused_it(tenant, in_tenant):
    with in_tenant(tenant):

        def change_that_fails():
            with transaction.atomic():
                outbox.record_event("toy.waved", data={"name": "Mei"}, idempotency_key="w1")
                raise RuntimeError("the change failed")

        with pytest.raises(RuntimeError):
            change_that_fails()
        assert not OutboxEvent.objects.exists()


def test_delivery_is_queued_once_per_transaction_after_commit(
    tenant, in_tenant, django_capture_on_commit_callbacks
):
    with in_tenant(tenant):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with transaction.atomic():
                outbox.record_event("toy.waved", data={"name": "Mei"}, idempotency_key="w1")
                outbox.record_event("toy.waved", data={"name": "Jun"}, idempotency_key="w2")
                assert toy.waves_received == []  # nothing is delivered before the commit
        assert len(callbacks) == 1
        assert sorted(wave["name"] for wave in toy.waves_received) == ["Jun", "Mei"]
        assert set(OutboxEvent.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_failing_subscriber_is_retried_with_back_off_then_marked_failed(tenant, in_tenant):
    toy.failing_waves.add("Grumpy")
    with in_tenant(tenant):
        outbox.record_event("toy.waved", data={"name": "Grumpy"}, idempotency_key="g1")
        outbox.record_event("toy.waved", data={"name": "Mei"}, idempotency_key="m1")
        start = timezone.now()
        assert outbox.deliver_due_events(now=start) == {"delivered": 1, "retrying": 1, "failed": 0}
        grumpy = OutboxEvent.objects.get(idempotency_key="g1")
        assert (grumpy.status, grumpy.attempts) == ("pending", 1)
        assert grumpy.last_error == "RuntimeError: cannot take a wave from Grumpy"
        assert grumpy.next_attempt_at == start + dt.timedelta(seconds=30)
        # Not due again before its back-off ends.
        assert outbox.deliver_due_events(now=start + dt.timedelta(seconds=29))["retrying"] == 0

        moment = start
        for attempt in range(2, outbox.MAX_ATTEMPTS + 1):
            moment += outbox.retry_delay(attempt - 1)
            outbox.deliver_due_events(now=moment)
        grumpy.refresh_from_db()
        assert (grumpy.status, grumpy.attempts) == ("failed", outbox.MAX_ATTEMPTS)
        assert toy.waves_received == [{"key": "m1", "name": "Mei"}]

        # Staff fix the cause and send it round again.
        toy.failing_waves.clear()
        outbox.retry_failed_event(grumpy, acting_user=None)
        assert outbox.deliver_due_events() == {"delivered": 1, "retrying": 0, "failed": 0}
        assert [wave["name"] for wave in toy.waves_received] == ["Mei", "Grumpy"]


def test_the_back_off_doubles_up_to_an_hour():
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8, 20)] == [
        30,
        60,
        120,
        1920,
        3600,
        3600,
    ]


def test_an_event_no_one_subscribes_to_is_recorded_as_delivered(tenant, in_tenant):
    from wagtail import hooks

    def kinds():
        return {"test.nobody_listens": "Nobody listens"}

    with in_tenant(tenant), hooks.register_temporarily(registry.EVENT_KINDS, kinds):
        outbox.record_event("test.nobody_listens", data={"level": "Gold"}, idempotency_key="l1")
        event = OutboxEvent.objects.get()
        assert (event.status, event.delivered_at is not None) == ("delivered", True)
