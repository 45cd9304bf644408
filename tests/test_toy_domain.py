"""The registry's contract: a domain plugs in from its own folder and appears everywhere.

tests/toy_domain (installed by the test settings only) registers a page block, a `viewer` field,
an event kind with a subscriber and a daily job, editing no platform file and no other domain.
"""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from builder.models import HomePage
from core import jobs, outbox, registry
from core.models import JobRun, OutboxEvent
from tests.toy_domain import wagtail_hooks as toy


@pytest.fixture(autouse=True)
def _forget_what_the_toy_saw():
    toy.waves_received.clear()
    toy.daily_runs.clear()
    toy.failing_waves.clear()
    yield
    toy.failing_waves.clear()


@pytest.fixture
def toy_tenant(make_tenant):
    return make_tenant("toy", time_zone="Asia/Shanghai").tenant


def test_its_block_is_in_the_page_editor_and_renders_on_the_page(toy_tenant, in_tenant, client):
    with in_tenant(toy_tenant):
        home = HomePage.objects.get(slug="home")
        assert "toy_greeting" in home.body.stream_block.child_blocks
        home.body = [("toy_greeting", {"text": "Hello from a domain"})]
        home.save_revision().publish()
        admin = get_user_model().objects.get(username="admin@toy.example")
        client.force_login(admin)
    editor = client.get(f"/admin/pages/{home.pk}/edit/", HTTP_HOST="toy.localhost")
    assert editor.status_code == 200
    assert "Toy greeting" in editor.content.decode()  # offered in the block picker
    page = Client().get("/", HTTP_HOST="toy.localhost").content.decode()
    assert (
        '<section class="block block-toy-greeting variant-light"><p class="toy-greeting">Hello from a domain</p>'
        in page
    )


def test_its_viewer_field_answers_in_graphql(toy_tenant, in_tenant):
    with in_tenant(toy_tenant):
        customer = get_user_model().objects.create_user("mei", "mei@example.com", "pw")
    client = Client()
    query = json.dumps({"query": "{ viewer { toyGreeting } }"})
    anonymous = client.post("/graphql/", query, content_type="application/json", HTTP_HOST="toy.localhost")
    assert anonymous.json() == {"data": {"viewer": None}}
    with in_tenant(toy_tenant):
        client.force_login(customer)
    answer = client.post("/graphql/", query, content_type="application/json", HTTP_HOST="toy.localhost")
    assert answer.json() == {"data": {"viewer": {"toyGreeting": "Hello, mei@example.com"}}}


def test_its_events_go_through_the_outbox_to_its_subscriber(toy_tenant, in_tenant):
    assert registry.event_kinds()["toy.waved"] == "Waved"
    with in_tenant(toy_tenant):
        outbox.record_event("toy.waved", data={"name": "Mei"}, idempotency_key="wave-1")
        outbox.record_event("toy.waved", data={"name": "Mei"}, idempotency_key="wave-1")  # a retry
        event = OutboxEvent.objects.get(kind="toy.waved")
        assert (event.status, event.attempts, toy.waves_received) == ("pending", 0, [])

        assert outbox.deliver_due_events() == {"delivered": 1, "retrying": 0, "failed": 0}
        assert toy.waves_received == [{"key": "wave-1", "name": "Mei"}]
        event.refresh_from_db()
        assert (event.status, event.attempts) == ("delivered", 1)
        assert outbox.deliver_due_events() == {"delivered": 0, "retrying": 0, "failed": 0}


def test_its_daily_job_runs_once_a_day_at_its_local_time(toy_tenant, in_tenant):
    assert "toy.daily" in [job.name for job in registry.scheduled_jobs()]
    shanghai_0559 = dt.datetime(2026, 11, 24, 21, 59, tzinfo=dt.UTC)  # 05:59 on the 25th in Shanghai
    with in_tenant(toy_tenant):
        assert "toy.daily" not in jobs.run_due_jobs("Asia/Shanghai", now=shanghai_0559)
        ran = jobs.run_due_jobs("Asia/Shanghai", now=shanghai_0559 + dt.timedelta(minutes=1))
        assert ran["toy.daily"] == {"today": "2026-11-25"}
        assert toy.daily_runs == [{"today": dt.date(2026, 11, 25), "time_zone": "Asia/Shanghai"}]
        # Later ticks the same local day run nothing again.
        assert "toy.daily" not in jobs.run_due_jobs(
            "Asia/Shanghai", now=shanghai_0559 + dt.timedelta(hours=9)
        )
        assert list(JobRun.objects.filter(job="toy.daily").values_list("period", flat=True)) == ["2026-11-25"]
