"""Where a `next` parameter may send a visitor: a path on this site, never another site."""

from django.utils.http import url_has_allowed_host_and_scheme


def local_path(value, fallback: str) -> str:
    """`value` when it is a path on this site, else `fallback` (never another site)."""
    value = str(value or "")
    if value.startswith("/") and url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return value
    return fallback
