"""Which account a log-in attempt is for, as django-axes counts failures and lock-outs.

Customers type an e-mail address or a phone number (allauth passes them as `email` or `phone`),
staff type a username (console, Wagtail admin), and on success axes sees the username. Counting
each under what was typed would give an attacker 5 tries per identifier and would not clear the
count on a successful log-in, so every identifier of an existing account counts as that account's
username. Unknown identifiers count as typed (lower-cased).

Counts live in the schema of the request (axes is in both app lists), so tenants never share them.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import get_public_schema_name

from accounts.phones import normalise_phone
from accounts.selectors import customer_with_phone


def lockout_username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE."""
    credentials = credentials or {}
    typed = credentials.get("username") or credentials.get("email") or credentials.get("phone")
    if not typed and request is not None:
        # Axes asks without credentials when it renders the lock-out page of a form post.
        data = getattr(request, "POST", {})
        typed = data.get("login") or data.get("username")
    if not typed:
        return None
    typed = str(typed).strip()
    # Axes asks several times per attempt; look the account up once per request.
    known = request.__dict__.setdefault("_lockout_usernames", {}) if request is not None else {}
    if typed not in known:
        known[typed] = _account_username(typed) or typed.lower()
    return known[typed]


def _account_username(typed: str) -> str | None:
    users = get_user_model().objects.order_by("pk")
    user = users.filter(username=typed).first()
    if user is None and "@" in typed:
        user = users.filter(email__iexact=typed).first()
    if user is None and connection.schema_name != get_public_schema_name():
        # Profiles exist only in tenant schemas.
        user = customer_with_phone(normalise_phone(typed) or "")
    return user.get_username() if user is not None else None


class AccountLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, except that a successful log-in clears only that account's failures.

    With AXES_RESET_ON_SUCCESS and lock-out by IP or username, axes deletes every failure from the
    IP too, including those against *other* accounts: an attacker with an account of their own
    could guess 4 passwords of someone else's, log in to their own account, and start again.
    """

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        _, deleted = AccessAttempt.objects.filter(username=username).delete()
        return deleted.get(AccessAttempt._meta.label, 0)
