"""Appointments in the brand admin (being written)."""

APPOINTMENT_VIEWSETS = ()
