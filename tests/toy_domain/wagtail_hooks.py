"""Everything the toy domain contributes, registered the way a real domain does."""

import datetime as dt

import graphene
from wagtail import hooks

from core import registry
from core.jobs import ScheduledJob

# What the subscriber and the job saw, for the tests to check (a real domain writes its tables).
waves_received: list[dict] = []
daily_runs: list[dict] = []
failing_waves: set[str] = set()  # data["name"] values the subscriber refuses (to test retries)


def resolve_toy_greeting(user, info):
    return f"Hello, {user.email}"


def wave_received(event):
    if event.data.get("name") in failing_waves:
        raise RuntimeError(f"cannot take a wave from {event.data['name']}")
    waves_received.append({"key": event.idempotency_key, **event.data})


def daily_toy_job(*, today):
    from django.utils import timezone

    daily_runs.append({"today": today, "time_zone": timezone.get_current_timezone_name()})
    return {"today": today.isoformat()}


@hooks.register(registry.VIEWER_FIELDS)
def viewer_fields():
    return {"toy_greeting": (graphene.String(required=True), resolve_toy_greeting)}


@hooks.register(registry.EVENT_KINDS)
def event_kinds():
    return {"toy.waved": "Waved"}


@hooks.register(registry.EVENT_SUBSCRIBERS)
def event_subscribers():
    return {"toy.waved": [wave_received]}


@hooks.register(registry.SCHEDULED_JOBS)
def scheduled_jobs():
    return [ScheduledJob("toy.daily", daily_toy_job, at=dt.time(6, 0))]
