"""Deleting an account anonymises the person and keeps the brand's ledger totals."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.test import Client

from accounts import services
from accounts.models import CustomerProfile
from accounts.tests.factories import PASSWORD, UserFactory, customer
from accounts.tests.portal import is_logged_in, log_in
from members.models import LedgerSource, Member, PointsEntry
from members.services import add_points, spend_points


@pytest.fixture
def mei(alpha, in_tenant):
    user = customer(alpha, "mei@example.com", phone="13800138000")
    with in_tenant(alpha):
        services.update_profile(
            user,
            display_name="Mei Lin",
            phone="13800138000",
            birthday=None,
            gender="female",
            preferred_language="zh-hans",
            marketing_consent=True,
            acting_user=user,
        )
        user.first_name, user.last_name = "Mei", "Lin"
        user.save()
        member = Member.objects.get(user=user)
        add_points(member, 300, reason="Order 1001", source=LedgerSource.ORDER, idempotency_key="o-1001")
        add_points(member, 200, reason="Order 1002", source=LedgerSource.ORDER, idempotency_key="o-1002")
        spend_points(member, 120, reason="Coupon", idempotency_key="r-1")
    return user


@pytest.fixture
def browser(alpha, mei):
    client = Client()
    assert log_in(client, alpha, "mei@example.com", PASSWORD).status_code == 302
    return client


def test_deleting_anonymises_the_customer_and_keeps_the_ledger(alpha, mei, browser, in_tenant):
    assert browser.get("/account/profile/delete/", HTTP_HOST="alpha.localhost").status_code == 200

    response = browser.post("/account/profile/delete/", {"password": PASSWORD}, HTTP_HOST="alpha.localhost")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not is_logged_in(browser, alpha)
    with in_tenant(alpha):
        user = get_user_model().objects.get(pk=mei.pk)
        profile = CustomerProfile.objects.get(user=user)
        member = Member.objects.get(user=user)
        entries = PointsEntry.objects.filter(member=member)
        assert EmailAddress.objects.filter(user=user).count() == 0
        assert entries.count() == 3
        assert entries.aggregate(total=Sum("delta"))["total"] == 380
    placeholder = f"deleted-{mei.pk}@invalid"
    assert (user.username, user.email, user.first_name, user.last_name) == (placeholder, placeholder, "", "")
    assert user.has_usable_password() is False
    assert user.is_active is False
    assert (profile.display_name, profile.phone, profile.birthday, profile.gender) == ("", "", None, "")
    assert (profile.marketing_consent, profile.marketing_consent_at) == (False, None)
    assert (member.points, member.lifetime_points) == (380, 500)

    # Neither e-mail nor phone lets anyone in any more.
    assert log_in(Client(), alpha, "mei@example.com", PASSWORD).status_code == 200
    assert log_in(Client(), alpha, "13800138000", PASSWORD).status_code == 200


def test_a_wrong_password_deletes_nothing(alpha, mei, browser, in_tenant):
    browser.get("/language/en/", HTTP_HOST="alpha.localhost")  # her profile says Chinese
    response = browser.post(
        "/account/profile/delete/", {"password": "wrong-password"}, HTTP_HOST="alpha.localhost"
    )

    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert is_logged_in(browser, alpha)
    with in_tenant(alpha):
        user = get_user_model().objects.get(pk=mei.pk)
        assert (user.email, user.is_active) == ("mei@example.com", True)
        assert CustomerProfile.objects.get(user=user).phone == "+8613800138000"


def test_staff_accounts_are_not_deleted_here(alpha, in_tenant):
    with in_tenant(alpha):
        staff = UserFactory(username="editor", email="editor@alpha.example", is_staff=True)
        with pytest.raises(services.AccountError):
            services.delete_account(staff, acting_user=staff)
        staff.refresh_from_db()
    assert (staff.email, staff.is_active) == ("editor@alpha.example", True)
