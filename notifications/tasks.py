"""Celery tasks of the notifications app (defined next to the code they run, in services.py, like
core.outbox's delivery; imported here so Celery's autodiscovery finds them)."""

from notifications.services import send_deliveries

__all__ = ["send_deliveries"]
