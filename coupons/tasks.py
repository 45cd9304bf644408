"""coupons' scheduled jobs (registered in wagtail_hooks.py; run per tenant in its time zone)."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from core.jobs import ScheduledJob
from coupons import services

SCHEDULED_JOBS = [
    ScheduledJob(
        "coupons.expiring",
        services.record_expiring_coupons,
        at=dt.time(9, 0),
        description=_("Records a reminder event for coupons that end within 3 days"),
    ),
]
