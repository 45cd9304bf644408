"""The platform's own admin screens (core.admin), under Settings."""

from wagtail import hooks

from core.admin import JobRunViewSet, OutboxEventViewSet


@hooks.register("register_admin_viewset")
def register_platform_viewsets():
    return [OutboxEventViewSet("outbox_events"), JobRunViewSet("job_runs")]
