"""Events' work on every schedule tick: reminders before sessions."""

from events import services

EVERY_TICK = {"events.reminders": services.remind_upcoming}
