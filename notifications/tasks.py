"""Celery tasks of the notifications app (defined next to the code they run, in services.py and campaigns.py, like
core.outbox's delivery; imported here so Celery's autodiscovery finds them)."""

from notifications.campaigns import send_campaign_task
from notifications.services import send_deliveries

__all__ = ["send_campaign_task", "send_deliveries"]
