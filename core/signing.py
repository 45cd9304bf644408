"""Signed and hashed values bound to the tenant that hands them out.

Every tenant schema is cloned from one template, so row ids are the same in every tenant (user 1,
e-mail address 1 and member 1 exist in all of them), and one SECRET_KEY signs for all of them. A
value signed or hashed over a row id alone would therefore be accepted by every other tenant. So
each one carries the schema name in its salt: `tenant_salt(purpose)`.

Used by: customers' bearer tokens (accounts.tokens), password reset links (the brand admin's
invitation and Wagtail's admin reset through `tenant_password_reset_token_generator`, customers'
through accounts.passwords), and the messages cookie (`TenantMessageStorage`).
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage
from django.db import connection


def tenant_salt(purpose: str, *, schema_name: str | None = None) -> str:
    """A salt for `purpose` that differs per tenant: "<purpose>:<schema name>".

    The schema is the current connection's (the request's tenant, or the one `schema_context`
    entered), so a value made in one tenant's schema is refused in any other.
    """
    return f"{purpose}:{schema_name or connection.schema_name}"


class TenantPasswordResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token generator, salted with the current tenant's schema.

    Django's tokens are an HMAC of the user's pk, password hash, last log-in and e-mail; two
    tenants holding the same user row (same pk, same hash: a copied or imported account) would
    accept each other's links. The salt is read at each call, so one instance serves every tenant.
    """

    @property
    def key_salt(self) -> str:
        return tenant_salt("django.contrib.auth.tokens.PasswordResetTokenGenerator")


# The brand admin's invitation (tenants.services.set_password_url) and Wagtail's admin
# password-reset views (wired in accounts.apps) make and check links with this one.
tenant_password_reset_token_generator = TenantPasswordResetTokenGenerator()


class TenantCookieStorage(CookieStorage):
    """Django's signed messages cookie, salted with the tenant's schema: a messages cookie from one
    tenant's host shows nothing on another's."""

    @property
    def key_salt(self) -> str:
        return tenant_salt(CookieStorage.key_salt)


class TenantMessageStorage(FallbackStorage):
    """MESSAGE_STORAGE: Django's default (cookie, then session), with the tenant-bound cookie.
    Sessions already live in each tenant's schema (or under its cache prefix)."""

    storage_classes = (TenantCookieStorage, SessionStorage)
