"""Every key, link, token, code and signed cookie one tenant hands out is refused by every other.

Every tenant schema is cloned from one template, so rows made in the same order get the same ids
in every tenant, and one SECRET_KEY signs for all of them. Each test makes the twin rows on two
tenants and asserts their ids are equal, so it cannot pass just because the ids differ. Both
tenants are cloned from the template here (`empty_pool`): the test pool's spare schemas have
sequences that earlier, rolled-back tests moved on.
"""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client

from accounts import tokens
from accounts.models import CustomerToken
from accounts.tests.factories import PASSWORD, customer
from coupons import services as coupon_services
from coupons.models import Coupon
from coupons.tests.factories import CouponTemplateFactory
from members import qr
from members.models import MemberLevel
from members.tests.factories import MemberFactory

ALPHA, BRAVO = "alpha.localhost", "bravo.localhost"
CONFIRM_LINK = re.compile(r"http://alpha\.localhost(/accounts/confirm-email/[^/\s]+/)")
RESET_LINK = re.compile(r"http://alpha\.localhost(/accounts/password/reset/key/[^/\s]+/)")
# Wagtail writes WAGTAILADMIN_BASE_URL, not the tenant's host, into its mail.
ADMIN_RESET_LINK = re.compile(r"https?://[^/\s]+(/admin/password_reset/confirm/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def alpha(empty_pool, make_tenant, in_tenant):
    tenant = make_tenant("alpha", name="Alpha Tea", default_language="en", admin_email="owner@agency.example")
    with in_tenant(tenant.tenant):
        MemberLevel.objects.create(name="Silver", threshold_points=0)
    return tenant


@pytest.fixture
def bravo(empty_pool, make_tenant, in_tenant):
    tenant = make_tenant(
        "bravo", name="Bravo Bikes", default_language="en", admin_email="owner@agency.example"
    )
    with in_tenant(tenant.tenant):
        MemberLevel.objects.create(name="Silver", threshold_points=0)
    return tenant


def user_named(in_tenant, tenant, username):
    with in_tenant(tenant.tenant):
        return get_user_model().objects.get(username=username)


def sign_up(tenant, email):
    return Client().post(
        "/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        HTTP_HOST=tenant.domain.domain,
        HTTP_ACCEPT_LANGUAGE="en",
    )


# --- allauth: e-mail confirmation -------------------------------------------------------------


def test_an_email_confirmation_key_from_one_brand_confirms_nothing_at_another(alpha, bravo, in_tenant):
    """Mallory signs up at Alpha with her own address and at Bravo with the CEO's, which she cannot
    read. Alpha's key must not confirm Bravo's address with the same id."""
    assert sign_up(alpha, "mallory@example.com").status_code == 302
    assert sign_up(bravo, "ceo@bravo.example").status_code == 302
    with in_tenant(alpha.tenant):
        mallory = EmailAddress.objects.get(email="mallory@example.com")
    with in_tenant(bravo.tenant):
        ceo = EmailAddress.objects.get(email="ceo@bravo.example")
    assert (mallory.pk, mallory.user_id) == (ceo.pk, ceo.user_id)  # twins: same ids in both schemas
    alpha_mail = next(message for message in mail.outbox if message.to == ["mallory@example.com"])
    confirm_path = CONFIRM_LINK.search(alpha_mail.body).group(1)

    at_bravo = Client()
    assert at_bravo.get(confirm_path, HTTP_HOST=BRAVO).context["confirmation"] is None
    assert at_bravo.post(confirm_path, HTTP_HOST=BRAVO).status_code == 404
    with in_tenant(bravo.tenant):
        assert EmailAddress.objects.get(pk=ceo.pk).verified is False

    # The key still works where it was mailed.
    assert Client().post(confirm_path, HTTP_HOST=ALPHA).status_code == 302
    with in_tenant(alpha.tenant):
        assert EmailAddress.objects.get(pk=mallory.pk).verified is True


# --- allauth: password reset ------------------------------------------------------------------


def twin_customers(alpha, bravo, in_tenant, email="mei@example.com"):
    """The same person at both brands, with the very same password hash (an imported or copied
    account): the only difference left between the two rows is the tenant."""
    at_alpha = customer(alpha.tenant, email)
    at_bravo = customer(bravo.tenant, email)
    assert at_alpha.pk == at_bravo.pk
    with in_tenant(bravo.tenant):
        get_user_model().objects.filter(pk=at_bravo.pk).update(password=at_alpha.password)
    return at_alpha, at_bravo


def test_a_customers_password_reset_link_works_only_at_the_brand_that_mailed_it(
    alpha, bravo, in_tenant, mailoutbox
):
    at_alpha, at_bravo = twin_customers(alpha, bravo, in_tenant)
    response = Client().post("/accounts/password/reset/", {"email": "mei@example.com"}, HTTP_HOST=ALPHA)
    assert response.status_code == 302
    reset_path = RESET_LINK.search(mailoutbox[0].body).group(1)

    browser = Client()
    refused = browser.get(reset_path, HTTP_HOST=BRAVO)
    assert refused.status_code == 200
    assert refused.context["token_fail"] is True
    posted = browser.post(
        reset_path, {"password1": "Hijacked-99x", "password2": "Hijacked-99x"}, HTTP_HOST=BRAVO
    )
    assert posted.status_code == 200
    assert user_named(in_tenant, bravo, at_bravo.username).password == at_alpha.password  # unchanged

    assert Client().get(reset_path, HTTP_HOST=ALPHA).status_code == 302  # valid where it was mailed


# --- the brand admin's invitation and Wagtail's admin password reset ---------------------------


def twin_brand_admins(alpha, bravo, in_tenant):
    """Both brands' admins: user 1, same e-mail, and (copied) the same unusable password hash."""
    first = user_named(in_tenant, alpha, "owner@agency.example")
    second = user_named(in_tenant, bravo, "owner@agency.example")
    assert first.pk == second.pk
    with in_tenant(bravo.tenant):
        get_user_model().objects.filter(pk=second.pk).update(password=first.password)
    return first, second


def test_the_brand_admins_invitation_link_is_refused_by_another_tenant(alpha, bravo, in_tenant):
    first, second = twin_brand_admins(alpha, bravo, in_tenant)
    invite_path = alpha.invite_url.removeprefix("http://alpha.localhost:8000")
    assert invite_path.startswith("/admin/password_reset/confirm/")

    at_bravo = Client().get(invite_path, HTTP_HOST=BRAVO)
    assert at_bravo.status_code == 200
    assert at_bravo.context["validlink"] is False

    at_alpha = Client().get(invite_path, HTTP_HOST=ALPHA)
    assert at_alpha.status_code == 302
    assert at_alpha["Location"].endswith("/set-password/")


def test_wagtails_forgot_password_mail_makes_links_for_its_own_tenant_only(
    alpha, bravo, in_tenant, mailoutbox
):
    first, _second = twin_brand_admins(alpha, bravo, in_tenant)
    with in_tenant(alpha.tenant):
        first.set_password("brand-admin-pass-1")
        first.save()
    with in_tenant(bravo.tenant):
        get_user_model().objects.filter(pk=first.pk).update(password=first.password)

    response = Client().post("/admin/password_reset/", {"email": "owner@agency.example"}, HTTP_HOST=ALPHA)
    assert response.status_code == 302
    reset_path = ADMIN_RESET_LINK.search(mailoutbox[-1].body).group(1)

    at_bravo = Client().get(reset_path, HTTP_HOST=BRAVO)
    assert at_bravo.status_code == 200
    assert at_bravo.context["validlink"] is False
    assert Client().get(reset_path, HTTP_HOST=ALPHA).status_code == 302


# --- bearer tokens ----------------------------------------------------------------------------


def viewer(client, host, token):
    response = client.post(
        "/graphql/",
        json.dumps({"query": "{ viewer { profile { email } } }"}),
        content_type="application/json",
        HTTP_HOST=host,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    return response.json()["data"]["viewer"]


def test_a_bearer_token_is_refused_on_another_tenant_even_with_its_row_copied_there(alpha, bravo, in_tenant):
    at_alpha = customer(alpha.tenant, "mei@example.com")
    at_bravo = customer(bravo.tenant, "mei@example.com")
    assert at_alpha.pk == at_bravo.pk
    with in_tenant(alpha.tenant):
        raw = tokens.issue_customer_token(at_alpha)
        stored = CustomerToken.objects.get()
    assert viewer(Client(), ALPHA, raw) == {"profile": {"email": "mei@example.com"}}

    assert viewer(Client(), BRAVO, raw) is None
    # Even a copy of Alpha's row in Bravo's schema (a restore into the wrong schema) matches
    # nothing: the stored hash is salted with the schema that issued it.
    with in_tenant(bravo.tenant):
        CustomerToken.objects.create(user=at_bravo, name=stored.name, key_hash=stored.key_hash)
    assert viewer(Client(), BRAVO, raw) is None


# --- member QR codes and coupon codes ----------------------------------------------------------


def test_a_member_card_scanned_at_another_brand_finds_nobody(alpha, bravo, in_tenant):
    """Member codes are random (not derived from ids) and looked up in the tenant's own schema."""
    with in_tenant(alpha.tenant):
        at_alpha = MemberFactory(user__username="mei")
    with in_tenant(bravo.tenant):
        at_bravo = MemberFactory(user__username="mei")
        cashier = get_user_model().objects.create_user("cashier", "cashier@bravo.example", "cashier-pass-1")
        cashier.user_permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
            Permission.objects.get(content_type__app_label="members", codename="adjust_points"),
        )
    assert at_alpha.pk == at_bravo.pk
    assert at_alpha.code != at_bravo.code

    till = Client()
    assert (
        till.post(
            "/admin/login/", {"username": "cashier", "password": "cashier-pass-1"}, HTTP_HOST=BRAVO
        ).status_code
        == 302
    )
    scanned = till.get("/admin/members_member/scan/", {"code": qr.qr_payload(at_alpha.code)}, HTTP_HOST=BRAVO)
    assert scanned.status_code == 200
    assert scanned.context["member"] is None
    assert scanned.context["error"] == f"No member has the code {at_alpha.code}."
    own = till.get("/admin/members_member/scan/", {"code": qr.qr_payload(at_bravo.code)}, HTTP_HOST=BRAVO)
    assert own.context["member"] == at_bravo


def test_a_coupon_code_of_one_brand_redeems_nothing_at_another(alpha, bravo, in_tenant):
    with in_tenant(alpha.tenant):
        member_a = MemberFactory(user__username="mei")
        template_a = CouponTemplateFactory()
        coupon = coupon_services.issue_coupon(template_a, member_a, acting_user=None)
    with in_tenant(bravo.tenant):
        member_b = MemberFactory(user__username="mei")
        template_b = CouponTemplateFactory()
    assert (member_a.pk, template_a.pk) == (member_b.pk, template_b.pk)

    with in_tenant(bravo.tenant):
        with pytest.raises(coupon_services.CouponError, match="No coupon with the code"):
            coupon_services.redeem_coupon(
                coupon.code,
                member=member_b,
                order_total_cents=10_000,
                order_reference="B-1",
                acting_user=None,
            )
        assert Coupon.objects.count() == 0
    with in_tenant(alpha.tenant):
        assert Coupon.objects.get().status == "issued"


# --- cookies: session, messages, CSRF ---------------------------------------------------------


def test_a_session_cookie_of_one_brand_is_anonymous_at_another(alpha, bravo, in_tenant):
    at_alpha = customer(alpha.tenant, "mei@example.com")
    at_bravo = customer(bravo.tenant, "mei@example.com")
    assert at_alpha.pk == at_bravo.pk
    browser = Client()
    assert (
        browser.post(
            "/accounts/login/", {"login": "mei@example.com", "password": PASSWORD}, HTTP_HOST=ALPHA
        ).status_code
        == 302
    )
    assert browser.get("/account/profile/", HTTP_HOST=ALPHA).status_code == 200

    # The same cookie jar sent to Bravo (a browser would not even send it to another host).
    response = browser.get("/account/profile/", HTTP_HOST=BRAVO)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_messages_cookie_of_one_brand_shows_nothing_at_another(alpha, bravo, in_tenant):
    customer(alpha.tenant, "mei@example.com")
    browser = Client()
    browser.post("/accounts/login/", {"login": "mei@example.com", "password": PASSWORD}, HTTP_HOST=ALPHA)
    # Logging out leaves a message in the (signed) messages cookie.
    browser.post("/accounts/logout/", HTTP_HOST=ALPHA)
    cookie = browser.cookies["messages"].value
    assert cookie

    elsewhere = Client()
    elsewhere.cookies["messages"] = cookie
    at_bravo = elsewhere.get("/accounts/login/", HTTP_HOST=BRAVO)
    assert [str(message) for message in at_bravo.context["messages"]] == []

    at_home = Client()
    at_home.cookies["messages"] = cookie
    at_alpha = at_home.get("/accounts/login/", HTTP_HOST=ALPHA)
    assert "You have signed out." in [str(message) for message in at_alpha.context["messages"]]


def test_a_form_posted_from_one_brands_page_to_another_is_refused_by_csrf(alpha, bravo):
    """The CSRF cookie is a random secret, not signed; a cross-site post (the Origin is the other
    brand's) is refused before the token is even compared."""
    browser = Client(enforce_csrf_checks=True)
    browser.get("/accounts/login/", HTTP_HOST=ALPHA)
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        "/accounts/password/reset/",
        {"email": "mei@example.com", "csrfmiddlewaretoken": token},
        HTTP_HOST=BRAVO,
        HTTP_ORIGIN="http://alpha.localhost",
    )
    assert response.status_code == 403
