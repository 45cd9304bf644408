"""Log-in lock-out (django-axes): per brand, per account on one IP, and per IP across accounts at a
much higher limit (tests/test_security_accounts.py), with a clear page."""

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django_tenants.utils import schema_context

from accounts.tests.factories import PASSWORD, customer
from accounts.tests.portal import is_logged_in, log_in

LOCKED = "For your security, log-in is paused. Try again in 15 minutes."
MISMATCH = "The e-mail address or phone number and password do not match."


def fail(client, tenant, login, times, **extra):
    return [log_in(client, tenant, login, "wrong-password", **extra) for _ in range(times)]


def test_five_wrong_passwords_lock_the_account_with_a_clear_page(alpha):
    customer(alpha, "mei@example.com")
    browser = Client()

    responses = fail(browser, alpha, "mei@example.com", 5, HTTP_ACCEPT_LANGUAGE="en")

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert all(MISMATCH in r.content.decode() for r in responses[:4])
    page = responses[4].content.decode()
    assert LOCKED in page
    assert '<header class="site-header">' in page  # the portal's look
    assert 'href="/accounts/password/reset/"' in page

    right = log_in(browser, alpha, "mei@example.com", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert not is_logged_in(browser, alpha)


def test_email_and_phone_count_as_one_account(alpha):
    customer(alpha, "mei@example.com", phone="13800138000")
    typed = ["mei@example.com", "MEI@example.com", "13800138000", "138 0013 8000", "138-0013-8000"]

    codes = [
        log_in(Client(), alpha, login, "wrong-password", REMOTE_ADDR="10.0.0.1").status_code
        for login in typed
    ]

    assert codes == [200, 200, 200, 200, 429]
    assert log_in(Client(), alpha, "mei@example.com", PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert log_in(Client(), alpha, "13800138000", PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 429


def test_a_few_wrong_accounts_from_one_ip_lock_nobody_else_out(alpha):
    customer(alpha, "mei@example.com")
    codes = [
        log_in(Client(), alpha, f"guess{n}@example.com", "wrong-password", REMOTE_ADDR="10.0.0.7").status_code
        for n in range(5)
    ]

    assert codes == [200] * 5
    assert log_in(Client(), alpha, "mei@example.com", PASSWORD, REMOTE_ADDR="10.0.0.7").status_code == 302


def test_a_successful_log_in_clears_the_count(alpha, in_tenant):
    customer(alpha, "mei@example.com")
    fail(Client(), alpha, "mei@example.com", 4)

    assert log_in(Client(), alpha, "mei@example.com", PASSWORD).status_code == 302
    with in_tenant(alpha):
        assert AccessAttempt.objects.count() == 0
    assert [r.status_code for r in fail(Client(), alpha, "mei@example.com", 4)] == [200] * 4


def test_a_lock_out_on_one_brand_does_not_lock_the_same_login_on_another(alpha, bravo, in_tenant):
    customer(alpha, "mei@example.com")
    customer(bravo, "mei@example.com")
    assert fail(Client(), alpha, "mei@example.com", 5)[-1].status_code == 429

    browser = Client()
    assert log_in(browser, bravo, "mei@example.com", PASSWORD).status_code == 302
    assert is_logged_in(browser, bravo)
    with in_tenant(bravo):
        assert AccessAttempt.objects.count() == 0


def test_the_console_and_the_brand_admin_still_log_in_by_username(alpha, in_tenant):
    with schema_context("public"):
        get_user_model().objects.create_superuser("agent", "agent@agency.example", "agency-pass-9")
    with in_tenant(alpha):
        get_user_model().objects.create_superuser("editor", "editor@alpha.example", "editor-pass-9")

    console = Client()
    response = console.post(
        "/console/login/", {"username": "agent", "password": "agency-pass-9"}, HTTP_HOST="localhost"
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    admin = Client()
    response = admin.post(
        "/admin/login/", {"username": "editor", "password": "editor-pass-9"}, HTTP_HOST="alpha.localhost"
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert admin.get("/admin/", HTTP_HOST="alpha.localhost").status_code == 200


def test_the_console_lock_out_page_has_the_console_look(db):
    codes = []
    for _ in range(5):
        response = Client().post(
            "/console/login/", {"username": "agent", "password": "wrong-password"}, HTTP_HOST="localhost"
        )
        codes.append(response.status_code)

    assert codes == [200, 200, 200, 200, 429]
    page = response.content.decode()
    assert LOCKED in page
    assert "console.css" in page


def test_logging_in_to_ones_own_account_does_not_clear_failures_against_another(alpha):
    """An attacker with an account of their own must not reset the count on their victim's."""
    customer(alpha, "mei@example.com")
    customer(alpha, "mallory@example.com")
    attacker = {"REMOTE_ADDR": "10.0.0.66"}

    fail(Client(), alpha, "mei@example.com", 3, **attacker)
    assert log_in(Client(), alpha, "mallory@example.com", PASSWORD, **attacker).status_code == 302
    responses = fail(Client(), alpha, "mei@example.com", 2, **attacker)

    assert [r.status_code for r in responses] == [200, 429]


def test_allauth_pages_send_anonymous_visitors_to_the_customer_log_in(alpha):
    response = Client().get("/accounts/email/", HTTP_HOST="alpha.localhost")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/email/"
