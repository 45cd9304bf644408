"""Customers made the way sign-up makes them (user, e-mail address, profile, membership)."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from accounts import services
from core.outbox import deliver_due_events

PASSWORD = "green-tea-2026"


def make_customer(tenant, email, *, password=PASSWORD, phone="", verified=True):
    with schema_context(tenant.schema_name):
        user = get_user_model().objects.create_user(email.split("@")[0], email, password)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        services.register_customer(user, preferred_language="en")
        deliver_due_events()  # as a worker does right after the commit: the programme enrols them
        if phone:
            set_phone(user, phone)
        return user


def set_phone(user, phone):
    services.update_profile(
        user,
        display_name="",
        phone=phone,
        birthday=None,
        gender="",
        preferred_language="en",
        marketing_consent=False,
        acting_user=user,
    )
