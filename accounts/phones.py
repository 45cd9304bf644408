"""Phone numbers as customers type them, turned into the one form we store and look up."""

import re

# Separators people type between digit groups: "+86 138-0013 8000", "(020) 7946.0018".
_SEPARATORS = re.compile(r"[\s\-().]")
# E.164 allows at most 15 digits; fewer than 6 is not a reachable number anywhere.
_NORMALISED = re.compile(r"\+?\d{6,15}")

PHONE_FORMAT_HELP = "Digits only, optionally starting with + and the country code (6 to 15 digits)."


def normalise_phone(typed: str) -> str | None:
    """ "+86 138-0013-8000" -> "+8613800138000". None when it cannot be a phone number."""
    number = _SEPARATORS.sub("", typed or "")
    return number if _NORMALISED.fullmatch(number) else None
