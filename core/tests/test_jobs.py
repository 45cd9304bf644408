"""Scheduled jobs: per tenant, in its time zone, at most once per period, from the beat tick."""

import datetime as dt

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from conftest import committed_tenant, run_in_threads
from core import jobs
from core.models import JobRun
from tenants import services, tasks
from tests.toy_domain import wagtail_hooks as toy


@pytest.fixture(autouse=True)
def _clean_toy():
    toy.daily_runs.clear()
    yield
    toy.daily_runs.clear()


def test_a_period_is_a_day_a_month_or_a_year():
    day = dt.date(2026, 11, 25)
    assert [jobs.ScheduledJob("j", print, every=every).period(day) for every in ("day", "month", "year")] == [
        "2026-11-25",
        "2026-11",
        "2026",
    ]
    with pytest.raises(ValueError, match="every must be one of day, month, year"):
        jobs.ScheduledJob("j", print, every="week")


def test_the_tick_runs_each_active_tenants_jobs_in_its_own_time_zone(make_tenant, in_tenant):
    shanghai = make_tenant("east", time_zone="Asia/Shanghai").tenant
    new_york = make_tenant("west", time_zone="America/New_York").tenant
    paused = make_tenant("paused", time_zone="Asia/Shanghai").tenant
    services.suspend_tenant(paused)
    connection.set_schema_to_public()

    # 08:00 UTC on the 26th: 16:00 in Shanghai (toy.daily is due from 06:00), 03:00 in New York
    # (not yet due there).
    moment = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)
    with _frozen_now(moment):
        assert tasks.tick() == 2  # active tenants only
    connection.set_schema_to_public()
    assert toy.daily_runs == [{"today": dt.date(2026, 11, 26), "time_zone": "Asia/Shanghai"}]
    for tenant, periods in ((shanghai, ["2026-11-26"]), (new_york, []), (paused, [])):
        with in_tenant(tenant):
            assert list(JobRun.objects.filter(job="toy.daily").values_list("period", flat=True)) == periods


def test_a_job_runs_at_most_once_when_two_schedulers_ask_at_the_same_moment(
    django_db_setup, django_db_blocker
):
    job = next(job for job in jobs.registry.scheduled_jobs() if job.name == "toy.daily")
    with django_db_blocker.unblock(), committed_tenant("twobeats") as provisioned:
        schema = provisioned.tenant.schema_name

        def tick(_index):
            with schema_context(schema):
                return jobs.run_job(job, today=dt.date(2026, 11, 25))

        results = run_in_threads(8, tick)
        assert sorted(str(result) for result in results) == ["None"] * 7 + ["{'today': '2026-11-25'}"]
        assert len(toy.daily_runs) == 1
        with schema_context(schema):
            assert JobRun.objects.filter(job="toy.daily", period="2026-11-25").count() == 1


class _frozen_now:
    """timezone.now() (what the tick and the jobs read) at a fixed moment."""

    def __init__(self, moment):
        self.moment = moment

    def __enter__(self):
        from django.utils import timezone

        self._original, timezone.now = timezone.now, lambda: self.moment
        return self

    def __exit__(self, *exc):
        from django.utils import timezone

        timezone.now = self._original
