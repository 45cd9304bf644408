"""Which account a log-in attempt is for, as django-axes counts failures and lock-outs.

Customers type an e-mail address or a phone number (allauth passes them as `email` or `phone`),
staff type a username (console, Wagtail admin), and on success axes sees the username. Counting
each under what was typed would give an attacker 5 tries per identifier and would not clear the
count on a successful log-in, so every identifier of an existing account counts as that account's
username. Unknown identifiers count as typed (lower-cased).

Counts live in the schema of the request (axes is in both app lists), so tenants never share them.

What is locked (AXES_LOCKOUT_PARAMETERS, limits applied by AccountLockoutHandler.get_failures):
an account on one IP after AXES_FAILURE_LIMIT failures (5), and an IP as a whole after
AXES_IP_FAILURE_LIMIT failures across accounts (50). So a customer's typos never lock the brand
admin, or a colleague behind the same office or carrier NAT, out. The IP is the client's, read
behind the trusted proxies (`client_ip`).
"""

from allauth.account.adapter import get_adapter
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Sum
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


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address as allauth reads it (its rate limits use it):
    with ALLAUTH_TRUSTED_PROXY_COUNT = n, the n-th entry of X-Forwarded-For from the right, the one
    the outermost trusted proxy appended (entries further left are whatever the client sent);
    with 0, REMOTE_ADDR. Behind a proxy, REMOTE_ADDR is the proxy: every customer would share it."""
    try:
        return get_adapter().get_client_ip(request)
    except PermissionDenied:  # no address at all
        return None


def _fields(group) -> list[str]:
    return [group] if isinstance(group, str) else list(group)


class AccountLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with a limit per lock-out group, and a successful log-in that clears
    only that account's failures.

    With AXES_RESET_ON_SUCCESS and lock-out by IP or username, axes deletes every failure from the
    IP too, including those against *other* accounts: an attacker with an account of their own
    could guess 4 passwords of someone else's, log in to their own account, and start again.
    """

    def get_failures(self, request, credentials=None) -> int:
        """What axes compares with AXES_FAILURE_LIMIT, for both "is this locked" and "lock it now".

        Axes counts every parameter group against the one AXES_FAILURE_LIMIT. Here the IP-only
        group counts against AXES_IP_FAILURE_LIMIT instead: each group's count is scaled onto
        AXES_FAILURE_LIMIT (49 failures of the 50 an IP may make count as 4 of 5), so the result
        reaches the limit exactly when some group reaches its own.
        """
        limit = get_failure_limit(request, credentials)
        groups = get_lockout_parameters(request, credentials)
        worst = 0
        for group, attempts in zip(groups, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            group_limit = settings.AXES_IP_FAILURE_LIMIT if _fields(group) == ["ip_address"] else limit
            worst = max(worst, failures * limit // group_limit)
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        _, deleted = AccessAttempt.objects.filter(username=username).delete()
        return deleted.get(AccessAttempt._meta.label, 0)
