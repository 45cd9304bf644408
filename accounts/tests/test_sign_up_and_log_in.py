"""Sign-up, e-mail verification, log-in by e-mail or phone, password reset; one brand at a time."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.models import CustomerProfile
from accounts.tests.factories import PASSWORD, customer, set_phone
from accounts.tests.portal import host, is_logged_in, log_in
from members.models import Member

CONFIRM_LINK = re.compile(r"http://alpha\.localhost(/accounts/confirm-email/[^/\s]+/)")
RESET_LINK = re.compile(r"http://alpha\.localhost(/accounts/password/reset/key/[^/\s]+/)")


def sign_up(client, tenant, email, password=PASSWORD):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": password, "password2": password},
        HTTP_HOST=host(tenant),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )


def test_sign_up_verify_then_log_in_by_email_and_by_phone(
    alpha, in_tenant, mailoutbox, django_capture_on_commit_callbacks
):
    # On commit, the customer.signed_up event is delivered (eagerly here, by a worker in
    # production) and the loyalty programme enrols the customer.
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(Client(), alpha, "mei@example.com")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["mei@example.com"]
    assert mail.subject == "[Alpha Tea] 请确认您的Email地址"  # in the language the customer used
    assert "Alpha Tea" in mail.body
    with in_tenant(alpha):
        user = get_user_model().objects.get(email="mei@example.com")
        profile = CustomerProfile.objects.get(user=user)
        member = Member.objects.get(user=user)
        assert EmailAddress.objects.get(user=user).verified is False
    assert profile.preferred_language == "zh-hans"  # the language the customer signed up in
    assert profile.phone == ""
    assert (member.points, member.level.name) == (0, "Silver")

    # The customer opens the link from their mail app: a browser without the sign-up session.
    confirm_path = CONFIRM_LINK.search(mail.body).group(1)
    browser = Client()
    assert browser.get(confirm_path, HTTP_HOST="alpha.localhost").status_code == 200
    confirmed = browser.post(confirm_path, HTTP_HOST="alpha.localhost")
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/accounts/login/"
    with in_tenant(alpha):
        assert EmailAddress.objects.get(user=user).verified is True

    logged_in = log_in(browser, alpha, "Mei@Example.com", PASSWORD)
    assert logged_in.status_code == 302
    assert logged_in["Location"] == "/account/"
    assert is_logged_in(browser, alpha)

    with in_tenant(alpha):
        set_phone(user, "+86 138-0013-8000")
    by_phone = Client()
    response = log_in(by_phone, alpha, "+86 138 0013 8000", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert is_logged_in(by_phone, alpha)


@pytest.mark.parametrize(
    "typed", ["13800138000", "138 0013 8000", "+86 138-0013-8000", "0086 13800138000", "+8613800138000"]
)
def test_a_customer_logs_in_with_their_number_typed_any_way(alpha, in_tenant, typed):
    user = customer(alpha, "mei@example.com", phone="138-0013-8000")
    with in_tenant(alpha):
        assert CustomerProfile.objects.get(user=user).phone == "+8613800138000"

    browser = Client()
    response = log_in(browser, alpha, typed, PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(browser, alpha)


def test_a_customer_must_verify_their_email_before_logging_in(alpha, mailoutbox):
    sign_up(Client(), alpha, "mei@example.com")

    browser = Client()
    response = log_in(browser, alpha, "mei@example.com", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not is_logged_in(browser, alpha)
    # No second mail: allauth re-sends a verification mail at most every 3 minutes.
    assert len(mailoutbox) == 1


def test_wrong_password_and_unknown_phone_are_refused_with_one_message(alpha):
    customer(alpha, "mei@example.com", phone="13800138000")
    for login, password in [
        ("mei@example.com", "not-the-password"),
        ("13800138000", "not-the-password"),
        ("13900000000", PASSWORD),
    ]:
        browser = Client()
        response = log_in(browser, alpha, login, password)
        assert response.status_code == 200
        assert "The e-mail address or phone number and password do not match." in response.content.decode()
        assert not is_logged_in(browser, alpha)


def test_a_customer_of_one_brand_does_not_exist_on_another(alpha, bravo, in_tenant):
    customer(alpha, "mei@example.com", phone="13800138000")

    for login in ["mei@example.com", "13800138000"]:
        browser = Client()
        response = log_in(browser, bravo, login, PASSWORD)
        assert response.status_code == 200
        assert not is_logged_in(browser, bravo)
    with in_tenant(bravo):
        assert not get_user_model().objects.filter(email="mei@example.com").exists()
        assert not CustomerProfile.objects.exists()

    # The same person may join the other brand too: a separate account, separate password.
    customer(bravo, "mei@example.com", password="bikes-are-fun-7")
    assert log_in(Client(), bravo, "mei@example.com", PASSWORD).status_code == 200
    assert log_in(Client(), bravo, "mei@example.com", "bikes-are-fun-7").status_code == 302
    assert log_in(Client(), alpha, "mei@example.com", "bikes-are-fun-7").status_code == 200


def test_password_reset_by_mail(alpha, mailoutbox):
    customer(alpha, "mei@example.com")
    browser = Client()

    response = browser.post(
        "/accounts/password/reset/", {"email": "mei@example.com"}, HTTP_HOST="alpha.localhost"
    )

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["mei@example.com"]
    assert mailoutbox[0].subject.startswith("[Alpha Tea] ")
    reset_path = RESET_LINK.search(mailoutbox[0].body).group(1)
    form_page = browser.get(reset_path, HTTP_HOST="alpha.localhost")
    assert form_page.status_code == 302  # allauth moves the key out of the address bar
    new_password = "oolong-at-noon-42"
    response = browser.post(
        form_page["Location"],
        {"password1": new_password, "password2": new_password},
        HTTP_HOST="alpha.localhost",
    )
    assert response.status_code == 302
    assert log_in(Client(), alpha, "mei@example.com", PASSWORD).status_code == 200
    assert log_in(Client(), alpha, "mei@example.com", new_password).status_code == 302


def test_account_pages_have_the_portal_look(alpha):
    html = (
        Client()
        .get("/accounts/login/", HTTP_HOST="alpha.localhost", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )

    assert '<body class="page-account">' in html
    assert '<header class="site-header">' in html
    assert '<span class="site-name">Alpha Tea</span>' in html
    assert "<title>\n    Sign In\n · Alpha Tea</title>" in html
    assert 'placeholder="E-mail or phone number"' in html
    assert 'href="/accounts/signup/"' in html
