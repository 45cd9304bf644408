"""The shop's GraphQL (filled in below)."""

VIEWER_FIELDS: dict = {}
