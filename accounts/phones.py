"""Phone numbers as customers type them, turned into the one form we store and look up: E.164.

Parsing and validation are Google's libphonenumber rules (the `phonenumbers` package), so
"+86 138-0013-8000", "138 0013 8000" and "0086 13800138000" are one number, "+8613800138000".
A number typed without a country code is read in settings.PHONE_DEFAULT_REGION.
"""

import phonenumbers
from django.conf import settings
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


def _default_calling_code() -> str:
    return f"+{phonenumbers.country_code_for_region(settings.PHONE_DEFAULT_REGION)}"


PHONE_FORMAT_HELP = format_lazy(
    _(
        "A number without a country code is read as a {calling_code} number; "
        "for any other country start with + and its code, e.g. +44 20 7946 0018."
    ),
    calling_code=lazy(_default_calling_code, str)(),
)


def parse_phone(typed: str) -> phonenumbers.PhoneNumber | None:
    """The number the customer typed, or None when it is not a valid number anywhere."""
    try:
        number = phonenumbers.parse(typed or "", settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    # E.164 has no extensions: storing "+44 20 7946 0018 ext. 12" without one would silently
    # change the number, and a log-in identifier belongs to one person, not a switchboard.
    if number.extension or not phonenumbers.is_valid_number(number):
        return None
    return number


def normalise_phone(typed: str) -> str | None:
    """ "+86 138-0013-8000" -> "+8613800138000". None when it cannot be a phone number."""
    number = parse_phone(typed)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else None
