"""Privacy: a customer downloads everything the brand holds about them; staff can on request;
sign-up asks for the brand's privacy policy when it has one, and records when it was accepted."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from wagtail.models import Page, Site

from accounts.models import CustomerProfile, PrivacySettings
from accounts.tests.factories import PASSWORD, customer
from accounts.tests.portal import log_in
from core.models import OutboxEvent
from coupons.tests.factories import CouponTemplateFactory
from members import services as loyalty
from members.models import LedgerSource, Member


@pytest.fixture
def mei(alpha, in_tenant):
    user = customer(alpha, "mei@example.com")
    with in_tenant(alpha):
        member = Member.objects.get(user=user)
        loyalty.add_points(member, 300, reason="Order 1001", source=LedgerSource.ORDER, idempotency_key="o1")
        from coupons.services import issue_coupon

        coupon = issue_coupon(
            CouponTemplateFactory(name="Free latte", kind="free_item"), member, acting_user=None
        )
    return user, member, coupon


def exported(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    return json.loads(response.content)


def test_a_customer_downloads_all_their_data(alpha, mei, client):
    user, member, coupon = mei
    customer(alpha, "other@example.com")
    assert client.get("/account/profile/my-data/", HTTP_HOST="alpha.localhost").status_code == 302
    log_in(client, alpha, "mei@example.com", PASSWORD)

    data = exported(client.get("/account/profile/my-data/", HTTP_HOST="alpha.localhost"))

    assert data["brand"] == "Alpha Tea"
    assert (data["profile"]["email"], data["profile"]["preferred_language"]) == ("mei@example.com", "en")
    assert data["membership"]["code"] == member.code
    assert data["membership"]["points"] == 300
    assert [(e["delta"], e["reason"]) for e in data["membership"]["points_history"]] == [(300, "Order 1001")]
    assert [event["kind"] for event in data["membership"]["events"]] == ["coupon.issued", "points.changed"]
    assert [(c["code"], c["name"], c["status"]) for c in data["coupons"]] == [
        (coupon.code, "Free latte", "usable")
    ]
    assert "other@example.com" not in json.dumps(data)


def staff_client(alpha, in_tenant, *permissions) -> Client:
    with in_tenant(alpha):
        editor = get_user_model().objects.create_user("editor", "editor@alpha.example", "editor-pass-1")
        editor.groups.add(Group.objects.get(name="Editors"))
        for permission in permissions:
            app_label, codename = permission.split(".")
            editor.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    client = Client()
    client.post(
        "/admin/login/", {"username": "editor", "password": "editor-pass-1"}, HTTP_HOST="alpha.localhost"
    )
    return client


def test_staff_download_a_customers_data_only_with_the_permission(alpha, mei, in_tenant):
    _user, member, _coupon = mei
    url = f"/admin/members_member/{member.pk}/data/"
    refused = staff_client(alpha, in_tenant, "members.view_member").get(url, HTTP_HOST="alpha.localhost")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    with in_tenant(alpha):
        assert not OutboxEvent.objects.filter(kind="member.data_exported").exists()
        get_user_model().objects.filter(username="editor").delete()

    client = staff_client(alpha, in_tenant, "members.view_member", "members.export_customer_data")
    data = exported(client.get(url, HTTP_HOST="alpha.localhost"))
    assert (data["profile"]["email"], data["membership"]["code"]) == ("mei@example.com", member.code)
    with in_tenant(alpha):
        editor = get_user_model().objects.get(username="editor")
        event = OutboxEvent.objects.get(kind="member.data_exported", subject_id=member.pk)
        assert event.data == {"by": editor.pk}


def sign_up(client, tenant, email, **extra):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, **extra},
        HTTP_HOST=f"{tenant.schema_name}.localhost",
    )


def test_sign_up_asks_nothing_when_the_brand_has_no_privacy_policy(alpha, in_tenant, client):
    form = client.get("/accounts/signup/", HTTP_HOST="alpha.localhost").content.decode()
    assert 'name="privacy_policy"' not in form
    assert sign_up(client, alpha, "mei@example.com").status_code == 302
    with in_tenant(alpha):
        profile = CustomerProfile.objects.get(user__email="mei@example.com")
        assert (profile.privacy_consent_at, profile.privacy_policy_url) == (None, "")


def test_sign_up_needs_the_brands_privacy_policy_accepted_and_records_when(alpha, in_tenant, client):
    with in_tenant(alpha):
        policy = Page.objects.get(url_path="/home/help/")  # any live page of the brand's choosing
        PrivacySettings.objects.create(site=Site.objects.get(), policy_page=policy)
    form = client.get(
        "/accounts/signup/", HTTP_HOST="alpha.localhost", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'I have read and accept the <a href="/help/">privacy policy</a>' in form

    refused = sign_up(client, alpha, "mei@example.com", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    assert "Accept the privacy policy to create your account." in refused.content.decode()
    with in_tenant(alpha):
        assert not get_user_model().objects.filter(email="mei@example.com").exists()

    assert sign_up(client, alpha, "mei@example.com", privacy_policy="on").status_code == 302
    with in_tenant(alpha):
        profile = CustomerProfile.objects.get(user__email="mei@example.com")
        assert profile.privacy_policy_url == "/help/"
        assert profile.privacy_consent_at is not None
