"""The help centre in GraphQL (filled in below)."""
