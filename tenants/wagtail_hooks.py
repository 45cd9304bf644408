import datetime as dt

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core import registry
from core.jobs import ScheduledJob
from tenants.usage import record_usage_of_current_tenant


@hooks.register(registry.SCHEDULED_JOBS)
def scheduled_jobs():
    return [
        ScheduledJob(
            "tenants.usage",
            record_usage_of_current_tenant,
            at=dt.time(3, 0),
            description=_("Counts the portal's usage for the agency console (pages, members, storage)"),
        )
    ]
