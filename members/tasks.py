"""members' scheduled jobs (registered in wagtail_hooks.py; run per tenant in its time zone)."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from core.jobs import ScheduledJob
from members import services

SCHEDULED_JOBS = [
    ScheduledJob(
        "members.birthdays",
        services.record_birthdays,
        at=dt.time(8, 0),
        description=_("Records a birthday event for members born on this day"),
    ),
    ScheduledJob(
        "members.points-expiring",
        services.record_expiring_points,
        at=dt.time(9, 0),
        description=_("From 1 December, tells members whose points expire on 1 January"),
    ),
    ScheduledJob(
        "members.expire-points",
        services.expire_last_years_points,
        at=dt.time(1, 0),
        every="year",
        description=_("Expires points earned before 1 January of last year and not spent"),
    ),
]
