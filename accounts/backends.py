"""Authentication backends for customers on tenant hosts."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django_tenants.utils import get_public_schema_name

from accounts.phones import normalise_phone
from accounts.selectors import customer_with_phone


def _on_public_schema() -> bool:
    return connection.schema_name == get_public_schema_name()


class CustomerEmailBackend(AuthenticationBackend):
    """allauth's e-mail backend, on tenant schemas only.

    With e-mail as a log-in method, allauth's backend also tries every *username* as an e-mail
    address, which reads allauth's `account_emailaddress` table. That table exists only in tenant
    schemas, so on the public schema (the agency console's log-in) it would fail; the console's
    staff log in by username through ModelBackend.
    """

    def authenticate(self, request, **credentials):
        if _on_public_schema():
            return None
        return super().authenticate(request, **credentials)


class PhoneBackend(ModelBackend):
    """A customer logs in with the phone number on their profile and their password.

    accounts.forms.CustomerLoginForm passes a login that is not an e-mail address as `phone`.
    However it is typed ("138 0013 8000", "+86 138-0013-8000", "0086 13800138000"), the number
    is looked up in the E.164 form profiles store.
    """

    def authenticate(self, request, phone=None, password=None, **kwargs):
        if not phone or not password or _on_public_schema():
            return None
        number = normalise_phone(phone)
        user = customer_with_phone(number) if number else None
        if user is None:
            # Hash anyway, so an unknown number takes as long as a wrong password (Django #20760).
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
