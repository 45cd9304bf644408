"""GraphQL for the service desk (filled in by the GraphQL work)."""

VIEWER_FIELDS = {}
