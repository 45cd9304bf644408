"""Test data for accounts: users, profiles, and customers made the way sign-up makes them.

The factories write to the current schema: call them inside `in_tenant(tenant)` /
`schema_context(...)`. `customer(tenant, email)` enters the tenant's schema itself.
"""

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django_tenants.utils import schema_context

from accounts import services
from accounts.models import CustomerProfile
from core.outbox import deliver_due_events

PASSWORD = "green-tea-2026"


class UserFactory(factory.django.DjangoModelFactory):
    """A customer's user (not staff) who can log in with PASSWORD, or the `password` given."""

    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True  # _after_postgeneration saves the one field that changed

    username = factory.Sequence(lambda n: f"customer{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create and results and "password" in results:
            instance.save(update_fields=["password"])  # set_password only hashed it in memory


class CustomerProfileFactory(factory.django.DjangoModelFactory):
    """A profile row with exact fields (a birthday, a language), for fixtures that need them.
    Phone numbers are stored normalised: set them through `set_phone`."""

    class Meta:
        model = CustomerProfile

    user = factory.SubFactory(UserFactory)


def customer(tenant, email, *, password=PASSWORD, phone="", verified=True):
    """A customer of `tenant` as sign-up leaves them: user, e-mail address, profile (through
    accounts.services.register_customer) and member card (its customer.signed_up event delivered)."""
    with schema_context(tenant.schema_name):
        user = UserFactory(username=email.split("@")[0], email=email, password=password)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        services.register_customer(user, preferred_language="en")
        deliver_due_events()  # as a worker does right after the commit: the programme enrols them
        if phone:
            set_phone(user, phone)
        return user


def set_phone(user, phone):
    """Save `phone` on the customer's profile as the profile page does (normalised, checked)."""
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
