"""How the accounts domain plugs into the platform (core.registry)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from accounts import selectors
from accounts.graphql.schema import VIEWER_FIELDS
from core import registry


@hooks.register(registry.VIEWER_FIELDS)
def viewer_fields():
    return VIEWER_FIELDS


@hooks.register(registry.EVENT_KINDS)
def event_kinds():
    return {"customer.signed_up": _("Customer signed up")}


def _export_profile(user) -> dict:
    profile = selectors.profile_for(user)
    return {
        "email": user.email,
        "name": profile.display_name,
        "phone": profile.phone,
        "birthday": profile.birthday,
        "gender": profile.gender,
        "preferred_language": profile.preferred_language,
        "marketing_consent": profile.marketing_consent,
        "marketing_consent_at": profile.marketing_consent_at,
        "privacy_policy_accepted_at": profile.privacy_consent_at,
        "privacy_policy_accepted": profile.privacy_policy_url,
        "joined": user.date_joined,
    }


def _erase_profile(user) -> None:
    """accounts.services.delete_account anonymises the profile itself (it runs the erasure)."""


@hooks.register(registry.CUSTOMER_DATA)
def customer_data():
    return [registry.CustomerData("profile", _export_profile, _erase_profile)]
