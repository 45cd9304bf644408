"""Passwords of customers and staff: reset links bound to the tenant, and current-password checks
that count towards the log-in lock-out.

- `CustomerPasswordResetTokenGenerator` (ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR) makes and checks
  customers' reset links: allauth's token (Django's, plus every e-mail address of the account),
  salted with the tenant's schema (core.signing), so a link mailed by one brand is refused by
  every other one, even for a user with the same id and the same password hash.
- `current_password_is_right` checks the password typed into a change-password form through
  `authenticate()`, as a log-in does: a wrong one is a failed log-in for django-axes, and a
  locked-out account is refused even with the right one (then AxesMiddleware answers with the
  lock-out page). `accounts.forms` uses it in customers' and staff's change-password forms.

This module must not import allauth.account.forms: allauth builds its token generator from
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR while that module is being imported.
"""

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context

from core.signing import TenantPasswordResetTokenGenerator


class CustomerPasswordResetTokenGenerator(TenantPasswordResetTokenGenerator):
    """What allauth's EmailAwarePasswordResetTokenGenerator does (a link dies when any address of
    the account changes), on the tenant-bound generator."""

    def _make_hash_value(self, user, timestamp) -> str:
        emails = {user.email} if user.email else set()
        emails.update(EmailAddress.objects.filter(user_id=user.pk).values_list("email", flat=True))
        return super()._make_hash_value(user, timestamp) + "|".join(sorted(emails))


def current_password_is_right(user, password: str) -> bool:
    """Whether `password` is `user`'s, asked the way a log-in asks (see the module docstring).
    Needs a request in progress (allauth's AccountMiddleware provides it to the adapter).

    Asked once per request: Wagtail's Account page validates its password form again each time it
    renders it, and every extra ask of a wrong password would count as one more failure.
    """
    if not password:
        return False
    answers = context.request.__dict__.setdefault("_current_password_answers", {})
    key = (user.pk, password)
    if key not in answers:
        answers[key] = get_adapter().reauthenticate(user, password)
    return answers[key]
