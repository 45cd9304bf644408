"""Bearer tokens for customers' apps: issued, checked, revoked.

A token is bound to the tenant that issued it: the stored hash is an HMAC keyed with SECRET_KEY
and salted with the tenant's schema name (core.signing.tenant_salt), and the row lives in that
tenant's schema, so the same token presented on another tenant's domain matches nothing there."""

import secrets

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import CustomerToken
from core.signing import tenant_salt

MAX_TOKEN_LENGTH = 200


def token_hash(raw: str, *, schema_name: str | None = None) -> str:
    salt = tenant_salt("accounts.customer-token", schema_name=schema_name)
    return salted_hmac(salt, raw, algorithm="sha256").hexdigest()


@transaction.atomic
def issue_customer_token(user, *, name="app") -> str:
    """A new token for `user`; the raw value is shown once and never stored."""
    raw = secrets.token_urlsafe(32)
    CustomerToken.objects.create(user=user, name=(name or "app")[:60], key_hash=token_hash(raw))
    return raw


@transaction.atomic
def revoke_customer_tokens(user) -> int:
    return CustomerToken.objects.filter(user=user).delete()[0]


def user_for_bearer(request):
    """The active user whose token is in `Authorization: Bearer ...`, else None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return None
    raw = header.removeprefix("Bearer ").strip()
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = CustomerToken.objects.select_related("user").filter(key_hash=token_hash(raw)).first()
    if token is None or not token.user.is_active:
        return None
    CustomerToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


class BearerTokenMiddleware:
    """Requests that carry `Authorization: Bearer <token>` (apps calling /graphql/) are made as
    that customer; a wrong or revoked token is anonymous. Session log-ins are untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "tenant", None) is not None and request.META.get(
            "HTTP_AUTHORIZATION", ""
        ).startswith("Bearer "):
            request.user = user_for_bearer(request) or AnonymousUser()
        return self.get_response(request)
