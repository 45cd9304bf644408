"""Reads of customer accounts."""

from django.contrib.auth import get_user_model

from accounts.models import CustomerProfile


def profile_for(user) -> CustomerProfile:
    """The customer's profile; an unsaved blank one for users who never had one (e.g. brand staff)."""
    profile = CustomerProfile.objects.filter(user=user).first()
    return profile if profile is not None else CustomerProfile(user=user)


def customer_with_phone(number: str):
    """The user whose profile has this (normalised) phone number, or None."""
    if not number:
        return None
    return get_user_model().objects.filter(profile__phone=number).first()


def privacy_policy_url(request) -> str:
    """The address of the brand's privacy policy page, or "" when it has chosen none (or it is not live)."""
    from accounts.models import PrivacySettings

    page = PrivacySettings.for_request(request).policy_page
    if page is None or not page.live:
        return ""
    return page.get_url(request) or ""


def masked_name(user) -> str:
    """How a customer is named to other customers (a group's members, a friend who invited them,
    a promoter's referrals): the first character and two stars, "W**"."""
    profile = getattr(user, "profile", None) if user is not None else None
    name = (getattr(profile, "display_name", "") or "").strip()
    if not name and user is not None:
        name = (user.get_full_name() or user.get_username() or "").strip().split("@")[0]
    return f"{name[:1]}**" if name else "**"
