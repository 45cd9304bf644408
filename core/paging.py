"""Paged lists in the domains' GraphQL (`first`, `after`): sizes, opaque cursors, and a memo kept on
the request for per-request loaders."""

import base64
import datetime as dt

DEFAULT_FIRST = 20
MAX_FIRST = 50
# An `after` that is not one of our cursors points past every result: an empty page, rather than
# the first page again.
PAST_THE_END = 2**31 - 1


def page_size(first) -> int:
    return max(1, min(first or DEFAULT_FIRST, MAX_FIRST))


def offset_cursor(kind: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{offset}".encode()).decode()


def offset_from_cursor(kind: str, cursor: str) -> int:
    """The offset an `offset_cursor(kind, ...)` carries; PAST_THE_END for any other value."""
    try:
        found, _sep, number = base64.urlsafe_b64decode(str(cursor).encode()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return PAST_THE_END
    if found != kind or not number.isdigit():
        return PAST_THE_END
    return min(int(number), PAST_THE_END)


def position_cursor(kind: str, row) -> str:
    """A cursor naming `row`'s place in a list ordered by (created_at, pk): the next page starts
    after it, however many rows were added since."""
    return base64.urlsafe_b64encode(f"{kind}:{row.created_at.isoformat()}|{row.pk}".encode()).decode()


def position_from_cursor(kind: str, cursor: str):
    """(created_at, pk) a `position_cursor(kind, ...)` carries, or None for any other value."""
    try:
        found, _sep, value = base64.urlsafe_b64decode(str(cursor).encode()).decode().partition(":")
        created, _sep, pk = value.rpartition("|")
        return (dt.datetime.fromisoformat(created), int(pk)) if found == kind else None
    except (ValueError, UnicodeDecodeError):
        return None


def request_memo(info, name: str) -> dict:
    """A dict kept on the GraphQL request under `name`, for loaders that read once per request."""
    request = info.context
    memo = getattr(request, name, None)
    if memo is None:
        memo = {}
        try:
            setattr(request, name, memo)
        except AttributeError:  # no request (schema.execute in a shell): nothing to keep it on
            pass
    return memo
