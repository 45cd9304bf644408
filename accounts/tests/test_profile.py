"""The profile page: a customer edits their own details; bad input changes nothing."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.models import CustomerProfile
from accounts.tests.factories import PASSWORD, customer
from accounts.tests.portal import log_in

NOT_A_NUMBER = (
    "This does not look like a phone number. A number without a country code is read as a +86 "
    "number; for any other country start with + and its code, e.g. +44 20 7946 0018."
)

GOOD = {
    "display_name": "  Mei Lin ",
    "phone": "+86 (138) 0013-8000",
    "birthday": "1990-04-02",
    "gender": "prefer_not_to_say",
    "preferred_language": "zh-hans",
    "marketing_consent": "on",
}


@pytest.fixture
def mei(alpha):
    return customer(alpha, "mei@example.com")


@pytest.fixture
def browser(alpha, mei):
    client = Client()
    assert log_in(client, alpha, "mei@example.com", PASSWORD).status_code == 302
    return client


def post_profile(browser, data):
    return browser.post("/account/profile/", data, HTTP_HOST="alpha.localhost", HTTP_ACCEPT_LANGUAGE="en")


def test_the_profile_page_needs_a_customer_log_in(alpha):
    response = Client().get("/account/profile/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/profile/"


def test_a_customer_edits_their_profile(alpha, mei, browser, in_tenant):
    page = browser.get("/account/profile/", HTTP_HOST="alpha.localhost", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "You log in with mei@example.com" in page.content.decode()

    before = timezone.now()
    response = post_profile(browser, GOOD)

    assert response.status_code == 302
    assert response["Location"] == "/account/profile/"
    with in_tenant(alpha):
        profile = CustomerProfile.objects.get(user=mei)
    assert profile.display_name == "Mei Lin"
    assert profile.phone == "+8613800138000"
    assert profile.birthday == datetime.date(1990, 4, 2)
    assert profile.gender == "prefer_not_to_say"
    assert profile.preferred_language == "zh-hans"
    assert profile.marketing_consent is True
    assert before <= profile.marketing_consent_at <= timezone.now()
    given_at = profile.marketing_consent_at

    # Saving again keeps the time consent was given; withdrawing clears it.
    post_profile(browser, GOOD)
    with in_tenant(alpha):
        assert CustomerProfile.objects.get(user=mei).marketing_consent_at == given_at
    post_profile(browser, {**GOOD, "marketing_consent": ""})
    with in_tenant(alpha):
        profile = CustomerProfile.objects.get(user=mei)
    assert (profile.marketing_consent, profile.marketing_consent_at) == (False, None)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 0013-8000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("13800138000", "+8613800138000"),
        ("+44 20 7946 0018", "+442079460018"),
    ],
)
def test_the_phone_number_is_stored_in_e164(alpha, mei, browser, in_tenant, typed, stored):
    response = post_profile(browser, {**GOOD, "phone": typed})

    assert response.status_code == 302
    with in_tenant(alpha):
        assert CustomerProfile.objects.get(user=mei).phone == stored


def test_an_invalid_phone_number_is_refused_with_the_format_help(alpha, mei, browser, in_tenant):
    post_profile(browser, GOOD)  # saves Chinese as her language, so the portal answers in Chinese
    browser.get("/language/en/", HTTP_HOST="alpha.localhost")  # until she picks English in the header
    with in_tenant(alpha):
        before = model_to_dict(CustomerProfile.objects.get(user=mei))

    response = post_profile(browser, {**GOOD, "phone": "138 0013 800", "display_name": "Someone else"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"phone": [NOT_A_NUMBER]}
    assert NOT_A_NUMBER in response.content.decode()
    with in_tenant(alpha):
        after = model_to_dict(CustomerProfile.objects.get(user=mei))
    assert after == before
    assert (after["phone"], after["display_name"]) == ("+8613800138000", "Mei Lin")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"phone": "139-0000-0000"}, "phone", "This phone number is already used by another account."),
        ({"phone": "call me maybe"}, "phone", "This does not look like a phone number."),
        ({"phone": "12345"}, "phone", "This does not look like a phone number."),
        ({"birthday": "2999-01-01"}, "birthday", "Your birthday cannot be in the future."),
        ({"birthday": "02/30/1990"}, "birthday", "Enter a valid date."),
        ({"gender": "robot"}, "gender", "Select a valid choice."),
        ({"preferred_language": "fr"}, "preferred_language", "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(alpha, mei, browser, in_tenant, change, field, message):
    customer(alpha, "li@example.com", phone="+8613900000000")
    with in_tenant(alpha):
        before = model_to_dict(CustomerProfile.objects.get(user=mei))

    response = post_profile(browser, {**GOOD, **change})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(response.context["form"].errors) == [field]
    with in_tenant(alpha):
        assert model_to_dict(CustomerProfile.objects.get(user=mei)) == before


def test_several_bad_fields_are_all_named(alpha, mei, in_tenant):
    with in_tenant(alpha), pytest.raises(services.AccountError) as refused:
        services.update_profile(
            mei,
            display_name="x" * 81,
            phone="abc",
            birthday=datetime.date(1850, 1, 1),
            gender="",
            preferred_language="en",
            marketing_consent=True,
            acting_user=mei,
        )
    assert set(refused.value.errors) == {"display_name", "phone", "birthday"}
    with in_tenant(alpha):
        profile = CustomerProfile.objects.get(user=mei)
        assert (profile.display_name, profile.phone, profile.birthday) == ("", "", None)
        assert profile.marketing_consent is False


def test_each_brand_has_its_own_phone_numbers(alpha, bravo, in_tenant):
    customer(alpha, "mei@example.com", phone="13800138000")
    # The same number on another brand belongs to that brand's customer.
    other = customer(bravo, "mei@example.com", phone="+86 138 0013 8000")
    with in_tenant(bravo):
        assert CustomerProfile.objects.get(user=other).phone == "+8613800138000"
