"""Settings → Event outbox and Scheduled job runs: read-only screens for brand staff, each behind its
permission; "send again" needs the change permission and a refused one changes nothing."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from core.models import JobRun, OutboxEvent
from tests.staff import REFUSED, grant, make_editor, outcome
from tests.staff import log_in as log_in_on

HOST = "perm.localhost"


def event(kind, key, **fields):
    """An outbox row as delivery leaves it (tests set the state directly; delivery is tested in
    test_outbox.py)."""
    return OutboxEvent.objects.create(kind=kind, idempotency_key=key, **fields)


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("perm", default_language="en").tenant
    with in_tenant(tenant):
        failed = event(
            "points.changed",
            "failed-1",
            subject_type="member",
            subject_id=7,
            status=OutboxEvent.Status.FAILED,
            attempts=8,
            last_error="ConnectionError: the mail server did not answer",
        )
        delivered = event("coupon.issued", "delivered-1", status=OutboxEvent.Status.DELIVERED, attempts=1)
        run = JobRun.objects.create(
            job="coupons.expiring",
            period="2030-01-02",
            finished_at=timezone.now() + dt.timedelta(seconds=1),
            error="ValueError: no time zone",
        )
        make_editor()
    return tenant, failed, delivered, run


def log_in(host=HOST) -> Client:
    return log_in_on(host)


def admin_urls(failed, run):
    return {
        "outbox": "/admin/outbox/",
        "outbox results": "/admin/outbox/results/",
        "outbox inspect": f"/admin/outbox/inspect/{failed.pk}/",
        "send again": f"/admin/outbox/retry/{failed.pk}/",
        "job runs": "/admin/job-runs/",
        "job runs results": "/admin/job-runs/results/",
        "job run inspect": f"/admin/job-runs/inspect/{run.pk}/",
    }


OPENS = {
    None: set(),
    "core.view_outboxevent": {"outbox", "outbox results", "outbox inspect"},
    "core.change_outboxevent": {"send again", "outbox inspect"},
    "core.view_jobrun": {"job runs", "job runs results", "job run inspect"},
}


@pytest.mark.parametrize("permission", list(OPENS), ids=lambda permission: str(permission))
def test_each_screen_opens_only_with_its_permission(brand, in_tenant, permission):
    tenant, failed, _delivered, run = brand
    if permission:
        grant(in_tenant, tenant, permission)
    client = log_in()
    urls = admin_urls(failed, run)
    answers = {name: outcome(client.get(url, HTTP_HOST=HOST)) for name, url in urls.items()}
    assert answers == {name: 200 if name in OPENS[permission] else REFUSED for name in urls}


def test_no_screen_writes_events_or_runs(brand, in_tenant):
    """Read only: there is no add, edit or delete, whatever the permissions."""
    tenant, failed, _delivered, run = brand
    with in_tenant(tenant):
        get_user_model().objects.create_superuser("boss", "boss@perm.example", "boss-pass-1")
    client = Client()
    client.post("/admin/login/", {"username": "boss", "password": "boss-pass-1"}, HTTP_HOST=HOST)
    for url in (
        "/admin/outbox/new/",
        f"/admin/outbox/edit/{failed.pk}/",
        f"/admin/outbox/delete/{failed.pk}/",
        "/admin/job-runs/new/",
        f"/admin/job-runs/edit/{run.pk}/",
        f"/admin/job-runs/delete/{run.pk}/",
    ):
        assert client.get(url, HTTP_HOST=HOST).status_code == 404, url


def listed(response) -> list[int]:
    return [row.pk for row in response.context["object_list"]]


def test_the_outbox_lists_filters_and_shows_the_error(brand, in_tenant):
    tenant, failed, delivered, _run = brand
    grant(in_tenant, tenant, "core.view_outboxevent")
    client = log_in()
    page = client.get("/admin/outbox/", HTTP_HOST=HOST)
    html = page.content.decode()
    assert listed(page) == [delivered.pk, failed.pk]
    for text in ("Points changed", "Coupon issued", "member #7", "Failed: gave up", "Delivered"):
        assert text in html
    assert "ConnectionError: the mail server did not answer" in html
    assert f"/admin/outbox/retry/{failed.pk}/" not in html  # may look, not send again

    assert listed(client.get("/admin/outbox/", {"status": "failed"}, HTTP_HOST=HOST)) == [failed.pk]
    assert listed(client.get("/admin/outbox/", {"kind": "coupon.issued"}, HTTP_HOST=HOST)) == [delivered.pk]


def test_send_again_needs_the_change_permission(brand, in_tenant):
    tenant, failed, delivered, _run = brand
    grant(in_tenant, tenant, "core.view_outboxevent")
    client = log_in()
    url = f"/admin/outbox/retry/{failed.pk}/"
    assert outcome(client.post(url, HTTP_HOST=HOST)) == REFUSED
    with in_tenant(tenant):
        failed.refresh_from_db()
        assert (failed.status, failed.attempts) == (OutboxEvent.Status.FAILED, 8)

    grant(in_tenant, tenant, "core.change_outboxevent")
    listing = client.get("/admin/outbox/", HTTP_HOST=HOST).content.decode()
    assert url in listing
    assert f"/admin/outbox/retry/{delivered.pk}/" not in listing  # only failed events go again
    response = client.post(url, HTTP_HOST=HOST)
    assert (response.status_code, response["Location"]) == (302, "/admin/outbox/")
    with in_tenant(tenant):
        failed.refresh_from_db()
        assert (failed.status, failed.attempts) == (OutboxEvent.Status.PENDING, 0)
        # A delivered event is not sent again, even when asked directly.
        client.post(f"/admin/outbox/retry/{delivered.pk}/", HTTP_HOST=HOST)
        delivered.refresh_from_db()
        assert (delivered.status, delivered.attempts) == (OutboxEvent.Status.DELIVERED, 1)


def test_job_runs_list_shows_failed_runs_with_their_error(brand, in_tenant):
    tenant, _failed, _delivered, run = brand
    with in_tenant(tenant):
        done = JobRun.objects.create(
            job="members.birthdays", period="2030-01-02", finished_at=timezone.now() + dt.timedelta(seconds=2)
        )
    grant(in_tenant, tenant, "core.view_jobrun")
    client = log_in()
    page = client.get("/admin/job-runs/", HTTP_HOST=HOST)
    assert sorted(listed(page)) == sorted([run.pk, done.pk])
    assert "ValueError: no time zone" in page.content.decode()
    assert listed(client.get("/admin/job-runs/", {"outcome": "failed"}, HTTP_HOST=HOST)) == [run.pk]
    assert listed(client.get("/admin/job-runs/", {"outcome": "done"}, HTTP_HOST=HOST)) == [done.pk]


def test_settings_menu_shows_each_screen_only_with_its_permission(brand, in_tenant):
    tenant, *_rows = brand
    client = log_in()
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "/admin/outbox/" not in dashboard
    assert "/admin/job-runs/" not in dashboard
    grant(in_tenant, tenant, "core.view_outboxevent")
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "/admin/outbox/" in dashboard
    assert "/admin/job-runs/" not in dashboard


def test_staff_see_only_their_own_brands_events(brand, make_tenant, in_tenant):
    tenant, failed, delivered, _run = brand
    other = make_tenant("permother", default_language="en").tenant
    with in_tenant(other):
        event("points.changed", "other-1", subject_type="member", subject_id=99, last_error="Other brand")
    grant(in_tenant, tenant, "core.view_outboxevent")
    page = log_in().get("/admin/outbox/", HTTP_HOST=HOST)
    assert listed(page) == [delivered.pk, failed.pk]
    assert "member #99" not in page.content.decode()
