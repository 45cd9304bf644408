"""Bearer tokens for customers' apps: issued, checked, revoked."""

import hashlib
import secrets

from django.utils import timezone

from members.models import CustomerToken


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_customer_token(user, *, name="app") -> str:
    """A new token for `user`; the raw value is shown once and never stored."""
    raw = secrets.token_urlsafe(32)
    CustomerToken.objects.create(user=user, name=name[:60], key_hash=_hash(raw))
    return raw


def revoke_customer_tokens(user) -> int:
    return CustomerToken.objects.filter(user=user).delete()[0]


def user_for_bearer(request):
    """The active user whose token is in `Authorization: Bearer ...`, else None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return None
    raw = header.removeprefix("Bearer ").strip()
    if not raw or len(raw) > 200:
        return None
    token = CustomerToken.objects.select_related("user").filter(key_hash=_hash(raw)).first()
    if token is None or not token.user.is_active:
        return None
    CustomerToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
