"""Every write to customer accounts: setting one up at sign-up, editing the profile, deleting it.

Sign-up, log-in, e-mail verification and password reset themselves are django-allauth's
(accounts.adapter hooks sign-up into register_customer).
"""

import datetime
import logging

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerProfile, Gender
from accounts.phones import PHONE_FORMAT_HELP, normalise_phone
from core import registry
from core.outbox import record_event

log = logging.getLogger(__name__)

OLDEST_BIRTHDAY = datetime.date(1900, 1, 1)


class AccountError(Exception):
    """Refused input or operation. `errors` maps a form field (or None for the whole form) to a
    message meant for the customer."""

    def __init__(self, errors: dict[str | None, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@transaction.atomic
def register_customer(
    user,
    *,
    preferred_language: str,
    privacy_policy_url: str = "",
    invited: dict | None = None,
    acting_user=None,
) -> CustomerProfile:
    """Called once a customer has signed up: their profile (with when they accepted the privacy
    policy at `privacy_policy_url`, if the brand has one), and a customer.signed_up event (the
    loyalty programme enrols them when it is delivered)."""
    if preferred_language not in dict(settings.LANGUAGES):
        preferred_language = settings.LANGUAGE_CODE
    consent = (
        {"privacy_consent_at": timezone.now(), "privacy_policy_url": privacy_policy_url[:300]}
        if privacy_policy_url
        else {}
    )
    profile, _created = CustomerProfile.objects.get_or_create(
        user=user, defaults={"preferred_language": preferred_language, **consent}
    )
    # `invited`: the invitation the visitor came with (accounts.invitations), for the domain that issued it.
    record_event(
        "customer.signed_up",
        subject=user,
        data={"invited": invited} if invited else {},
        idempotency_key=f"customer.signed_up:{user.pk}",
    )
    return profile


@transaction.atomic
def create_customer(email: str, *, password: str, name: str = "", preferred_language: str, acting_user=None):
    """A customer whose e-mail address is already confirmed (imports, the demo): user, verified
    address, profile and sign-up event, as if they had signed up and clicked the link."""
    email = (email or "").strip().lower()
    user = get_user_model().objects.create_user(
        email.split("@")[0], email, password, first_name=(name or "")[:150]
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    register_customer(user, preferred_language=preferred_language, acting_user=acting_user)
    return user


@transaction.atomic
def update_profile(
    user,
    *,
    display_name: str,
    phone: str,
    birthday: datetime.date | None,
    gender: str,
    preferred_language: str,
    marketing_consent: bool,
    acting_user,
) -> CustomerProfile:
    """Save what the customer entered on their profile page. Any bad value raises AccountError
    naming every bad field, and nothing is saved."""
    display_name = (display_name or "").strip()
    errors: dict[str | None, str] = {}
    if len(display_name) > CustomerProfile._meta.get_field("display_name").max_length:
        errors["display_name"] = _("Keep your name to 80 characters or fewer.")
    number = ""
    if (phone or "").strip():
        number = normalise_phone(phone)
        if number is None:
            errors["phone"] = _("This does not look like a phone number. %(help)s") % {
                "help": PHONE_FORMAT_HELP
            }
        elif CustomerProfile.objects.filter(phone=number).exclude(user=user).exists():
            errors["phone"] = _("This phone number is already used by another account.")
    if birthday is not None:
        if birthday > timezone.localdate():
            errors["birthday"] = _("Your birthday cannot be in the future.")
        elif birthday < OLDEST_BIRTHDAY:
            errors["birthday"] = _("Check the year of your birthday.")
    if gender not in ("", *Gender.values):
        errors["gender"] = _("Choose one of the options.")
    if preferred_language not in dict(settings.LANGUAGES):
        errors["preferred_language"] = _("Choose one of the languages offered.")
    if errors:
        raise AccountError(errors)

    profile, _created = CustomerProfile.objects.select_for_update().get_or_create(user=user)
    profile.display_name = display_name
    profile.phone = number
    profile.birthday = birthday
    profile.gender = gender
    profile.preferred_language = preferred_language
    if marketing_consent and not profile.marketing_consent:
        profile.marketing_consent_at = timezone.now()  # when they said yes, kept as proof of consent
    elif not marketing_consent:
        profile.marketing_consent_at = None
    profile.marketing_consent = marketing_consent
    try:
        # A savepoint: two customers saving the same new phone at once; the constraint decides.
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        raise AccountError({"phone": _("This phone number is already used by another account.")}) from None
    return profile


@transaction.atomic
def delete_account(user, *, acting_user):
    """Close a customer's account and anonymise their personal data.

    The user row stays (as `deleted-<id>@invalid`, inactive, no usable password) because the
    loyalty ledgers point at its Member, and the brand's points and stored-value totals must still
    add up. Everything that identifies the person goes: name, e-mail addresses, phone, birthday,
    gender, marketing consent, and the log-in records (which hold IP addresses).
    """
    if user.is_staff or user.is_superuser:
        raise AccountError({None: _("Staff accounts are closed by the brand's administrator, not here.")})
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    # Axes keeps log-in records under the account's username (accounts.lockout); the e-mail
    # covers records made before the account existed.
    log_in_names = {user.get_username(), user.email}
    placeholder = f"deleted-{user.pk}@invalid"
    user.username = placeholder
    user.email = placeholder
    user.first_name = ""
    user.last_name = ""
    user.set_unusable_password()  # also ends every other session (their hash no longer matches)
    user.is_active = False
    user.save()
    EmailAddress.objects.filter(user=user).delete()  # their confirmations go with them
    CustomerProfile.objects.filter(user=user).update(
        display_name="",
        phone="",
        birthday=None,
        gender="",
        marketing_consent=False,
        marketing_consent_at=None,
        updated_at=timezone.now(),
    )
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__in=log_in_names).delete()
    for part in registry.customer_data():  # each domain's own part (core.registry)
        part.erase(user)
    log.info(
        "Customer account %s deleted and anonymised by user %s", user.pk, getattr(acting_user, "pk", None)
    )
    return user


def export_customer_data(user) -> dict:
    """Everything the brand holds about one customer, each domain's part under its name."""
    return {part.name: part.export(user) for part in registry.customer_data()}
