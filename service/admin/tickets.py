"""Requests in the brand admin (being written)."""

TICKET_VIEWSETS = ()
