"""Who a message is for: their profile as it is now and the language they read."""

from django.utils import translation

from accounts.models import CustomerProfile
from core.language import tenant_default_language


def profile_of(user) -> CustomerProfile | None:
    """The customer's profile as it is now (None for staff)."""
    return (
        CustomerProfile.objects.filter(user=user)
        .only("preferred_language", "marketing_consent", "phone")
        .first()
    )


def language_of(user, profile=None) -> str:
    """The customer's chosen language, else the brand's."""
    profile = profile or profile_of(user)
    return (
        getattr(profile, "preferred_language", None)
        or tenant_default_language()
        or translation.get_language()
    )
