"""Paged lists in the domains' GraphQL (`first`, `after`): sizes, opaque cursors, and a memo kept on
the request for per-request loaders."""

import base64

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
