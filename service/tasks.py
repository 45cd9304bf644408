"""The service desk's work on every schedule tick: overdue alerts, closing resolved requests,
reminders before appointments."""

from service import services

EVERY_TICK = {
    "service.overdue-tickets": services.alert_overdue_tickets,
    "service.close-resolved": services.close_resolved_tickets,
    "service.appointment-reminders": services.remind_upcoming_appointments,
}
