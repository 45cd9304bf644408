"""Who invited a new customer: a domain's share link (an invite campaign, later a promoter's
referral link) remembers an invitation in a signed cookie; when that visitor signs up, the
customer.signed_up event carries it (`data["invited"] = {"source": ..., "token": ...}`), and the
domain that issued the token reads it in its subscriber and checks its own signature.

The cookie is signed with a salt holding the tenant's schema: an invitation remembered on one
brand's portal means nothing on another's.
"""

from django.core import signing
from django.db import connection

COOKIE = "portal_invited_by"
MAX_AGE = 30 * 24 * 3600  # a friend who signs up within 30 days still counts
LONGEST_AGE = 366 * 24 * 3600  # a domain may remember its links longer (a brand's referral window)
MAX_TOKEN_LENGTH = 300


def _salt() -> str:
    return f"accounts.invited:{connection.schema_name}"


def remember_invitation(response, *, source: str, token: str, max_age: int = MAX_AGE) -> None:
    """Remember the invitation for `max_age` seconds (at most a year). Callers keep the first one:
    a later link does not replace who invited the visitor first (`has_invitation`)."""
    value = signing.dumps({"source": str(source)[:40], "token": str(token)[:MAX_TOKEN_LENGTH]}, salt=_salt())
    response.set_cookie(COOKIE, value, max_age=min(int(max_age), LONGEST_AGE), httponly=True, samesite="Lax")


def has_invitation(request) -> bool:
    return invitation_from(request) is not None


def invitation_from(request) -> dict | None:
    raw = request.COOKIES.get(COOKIE) if request is not None else None
    if not raw:
        return None
    try:
        found = signing.loads(raw, salt=_salt(), max_age=LONGEST_AGE)
    except signing.BadSignature:
        return None
    if (
        not isinstance(found, dict)
        or not isinstance(found.get("source"), str)
        or not isinstance(found.get("token"), str)
    ):
        return None
    return {"source": found["source"], "token": found["token"]}
