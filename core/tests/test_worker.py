"""The outbox through a real Celery worker on Redis: an event committed in one tenant's schema is
delivered by the worker in that tenant's schema (tenant-schemas-celery), as in production.

Needs Redis on 127.0.0.1:6379 (REDIS_TEST_URL to use another): skipped with the reason when it is
not there, except under CI=true, where it must run."""

import os
import time

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from conftest import committed_tenant
from tests.celery_worker import celery_worker_on

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture
def celery_worker_on_redis():
    with celery_worker_on(REDIS_URL) as app:
        yield app


def test_a_signed_up_customer_is_enrolled_by_the_worker(
    django_db_setup, django_db_blocker, celery_worker_on_redis
):
    from accounts.services import create_customer
    from core.models import OutboxEvent
    from members.models import Member

    with django_db_blocker.unblock(), committed_tenant("workerpath") as provisioned:
        schema = provisioned.tenant.schema_name
        with schema_context(schema):
            user = create_customer(
                "mei@example.com", password="green-tea-2026", preferred_language="en"
            )  # commits; on commit the delivery task goes to Redis
            deadline = time.monotonic() + 20
            while not Member.objects.filter(user=user).exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert Member.objects.filter(user=user).count() == 1
            event = OutboxEvent.objects.get(kind="customer.signed_up", subject_id=user.pk)
            assert (event.status, event.attempts) == ("delivered", 1)
        connection.set_schema_to_public()
