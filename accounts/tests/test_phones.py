"""Phone numbers as typed, and the E.164 form they are stored and looked up in."""

import pytest

from accounts.phones import PHONE_FORMAT_HELP, normalise_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 0013-8000", "+8613800138000"),  # a Chinese mobile, with spaces and dashes
        ("+86 (138) 0013-8000", "+8613800138000"),
        ("13800138000", "+8613800138000"),  # no country code: read in PHONE_DEFAULT_REGION (CN)
        ("0086 138 0013 8000", "+8613800138000"),  # China's international prefix
        ("+8613800138000", "+8613800138000"),  # already stored form
        ("010-6552 9988", "+861065529988"),  # a Beijing landline with its trunk prefix
        ("+44 20 7946 0018", "+442079460018"),  # a London number
        ("+44 (0)20 7946 0018", "+442079460018"),  # the UK's own way of writing the trunk prefix
        ("020 7946 0018", "+862079460018"),  # without +44 this is a Guangzhou number
        ("+1 650-253-0000", "+16502530000"),
    ],
)
def test_numbers_are_stored_in_e164(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "call me maybe",
        "12345",
        "138 0013 800",  # a digit short of a Chinese mobile
        "1380013800012",  # two digits too many
        "+44 7700 900123",  # Ofcom's range for TV drama: never a real number
        "+44 20 7946 0018 ext. 12",  # E.164 has no extensions
    ],
)
def test_what_is_not_a_valid_number_is_refused(typed):
    assert normalise_phone(typed) is None


def test_the_default_region_is_a_setting(settings):
    settings.PHONE_DEFAULT_REGION = "GB"

    assert normalise_phone("020 7946 0018") == "+442079460018"
    assert normalise_phone("13800138000") is None  # not a UK number
    assert normalise_phone("+86 138 0013 8000") == "+8613800138000"
    assert str(PHONE_FORMAT_HELP) == (
        "A number without a country code is read as a +44 number; "
        "for any other country start with + and its code, e.g. +44 20 7946 0018."
    )
