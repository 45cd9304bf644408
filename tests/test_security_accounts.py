"""Accounts against attackers: where `next=` may lead, current-password guessing, what one IP can
lock out, the client's IP behind the proxy, and customer-chosen text in staff's CSV exports."""

import csv
import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.tests.factories import PASSWORD, customer
from core.csv import safe_cell
from coupons.tests.factories import CouponTemplateFactory
from members.models import MemberLevel

ALPHA = "alpha.localhost"
WRONG = "wrong-password"


@pytest.fixture
def alpha(make_tenant, in_tenant):
    tenant = make_tenant("alpha", name="Alpha Tea", default_language="en").tenant
    with in_tenant(tenant):
        MemberLevel.objects.create(name="Silver", threshold_points=0)
    return tenant


def log_in(client, login, password, host=ALPHA, **extra):
    return client.post("/accounts/login/", {"login": login, "password": password}, HTTP_HOST=host, **extra)


# --- 2. next= only ever leads to the request's own host -----------------------------------------


@pytest.fixture
def sibling_brands(settings, make_tenant, in_tenant):
    """Two brands under one parent domain, the way ALLOWED_HOSTS=.example.com deployments run."""
    settings.ALLOWED_HOSTS = [".example.com"]
    alpha = make_tenant("alpha", domain="alpha.example.com", default_language="en").tenant
    make_tenant("bravo", domain="bravo.example.com", default_language="en")
    with in_tenant(alpha):
        MemberLevel.objects.create(name="Silver", threshold_points=0)
    customer(alpha, "mei@example.com")
    return alpha


FOREIGN_TARGETS = [
    "http://bravo.example.com/accounts/login/",
    "https://bravo.example.com/",
    "//bravo.example.com/x",
    "http://example.com/",
    "https://evil.test/",
    "/\\bravo.example.com/x",
]


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_log_in_never_sends_a_customer_to_another_host(sibling_brands, target):
    response = Client().post(
        "/accounts/login/",
        {"login": "mei@example.com", "password": PASSWORD, "next": target},
        HTTP_HOST="alpha.example.com",
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/"


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_log_out_never_sends_a_customer_to_another_host(sibling_brands, target):
    browser = Client()
    assert log_in(browser, "mei@example.com", PASSWORD, host="alpha.example.com").status_code == 302
    response = browser.post("/accounts/logout/", {"next": target}, HTTP_HOST="alpha.example.com")
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "target", ["/account/coupons/", "http://alpha.example.com/account/coupons/"], ids=["path", "own host"]
)
def test_next_on_the_own_host_is_followed(sibling_brands, target):
    response = Client().post(
        "/accounts/login/",
        {"login": "mei@example.com", "password": PASSWORD, "next": target},
        HTTP_HOST="alpha.example.com",
    )
    assert response["Location"] == target


def test_the_admin_log_in_and_a_coupon_claim_stay_on_the_own_host(sibling_brands, in_tenant):
    with in_tenant(sibling_brands):
        get_user_model().objects.create_superuser("boss", "boss@alpha.example", "boss-pass-1")
        template = CouponTemplateFactory(claimable=True)
    admin = Client()
    response = admin.post(
        "/admin/login/?next=http://bravo.example.com/admin/",
        {"username": "boss", "password": "boss-pass-1", "next": "http://bravo.example.com/admin/"},
        HTTP_HOST="alpha.example.com",
    )
    assert response["Location"] == "/admin/"

    browser = Client()
    log_in(browser, "mei@example.com", PASSWORD, host="alpha.example.com")
    claimed = browser.post(
        f"/account/coupons/claim/{template.pk}/",
        {"next": "http://bravo.example.com/"},
        HTTP_HOST="alpha.example.com",
        HTTP_REFERER="http://bravo.example.com/",
    )
    assert claimed.status_code == 302
    assert claimed["Location"] == "/"


# --- 3. change-password forms count wrong current passwords towards the lock-out ----------------


def make_boss():
    """The brand's admin (the Account page needs a name to save)."""
    return get_user_model().objects.create_superuser(
        "boss", "boss@alpha.example", "boss-pass-1", first_name="Lan", last_name="Zhou"
    )


def account_form_data(page, *, old, new) -> dict:
    """Every field of the Wagtail admin's Account page as it was shown, plus a password change."""
    data = {}
    for panels in page.context["panels_by_tab"].values():
        for panel in panels:
            form = panel.get_form()
            for name in form.fields:
                value = form[name].value()
                if value is None or name in ("avatar",):
                    continue
                data[form.add_prefix(name)] = value
    data.update({"password-old_password": old, "password-new_password1": new, "password-new_password2": new})
    return data


def test_wrong_old_passwords_in_the_admins_account_page_lock_the_admin_out(alpha, in_tenant):
    with in_tenant(alpha):
        make_boss()
    admin = Client()
    assert (
        admin.post(
            "/admin/login/", {"username": "boss", "password": "boss-pass-1"}, HTTP_HOST=ALPHA
        ).status_code
        == 302
    )
    page = admin.get("/admin/account/", HTTP_HOST=ALPHA)
    new = "Brand-new-pass-77"

    codes = [
        admin.post(
            "/admin/account/", account_form_data(page, old=f"guess-{n}", new=new), HTTP_HOST=ALPHA
        ).status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 200, 429]

    right = admin.post(
        "/admin/account/", account_form_data(page, old="boss-pass-1", new=new), HTTP_HOST=ALPHA
    )
    assert right.status_code == 429
    with in_tenant(alpha):
        boss = get_user_model().objects.get(username="boss")
        assert boss.check_password("boss-pass-1")
        # Five wrong guesses, and the right password refused during the lock-out (axes counts it).
        assert AccessAttempt.objects.get().failures_since_start == 6
    # The same lock-out as the log-in page's.
    assert (
        Client()
        .post("/admin/login/", {"username": "boss", "password": "boss-pass-1"}, HTTP_HOST=ALPHA)
        .status_code
        == 429
    )


def test_the_admins_account_page_still_changes_the_password(alpha, in_tenant):
    with in_tenant(alpha):
        make_boss()
    admin = Client()
    admin.post("/admin/login/", {"username": "boss", "password": "boss-pass-1"}, HTTP_HOST=ALPHA)
    page = admin.get("/admin/account/", HTTP_HOST=ALPHA)

    wrong = admin.post(
        "/admin/account/", account_form_data(page, old="guess", new="Brand-new-pass-77"), HTTP_HOST=ALPHA
    )
    assert wrong.status_code == 200
    right = admin.post(
        "/admin/account/",
        account_form_data(page, old="boss-pass-1", new="Brand-new-pass-77"),
        HTTP_HOST=ALPHA,
    )
    assert (right.status_code, right["Location"]) == (302, "/admin/account/")
    with in_tenant(alpha):
        assert get_user_model().objects.get(username="boss").check_password("Brand-new-pass-77")


def change_password(client, old, new="Oolong-at-noon-42"):
    return client.post(
        "/accounts/password/change/",
        {"oldpassword": old, "password1": new, "password2": new},
        HTTP_HOST=ALPHA,
    )


def test_wrong_current_passwords_in_the_customers_change_form_lock_the_account_out(alpha, in_tenant):
    mei = customer(alpha, "mei@example.com")
    browser = Client()
    assert log_in(browser, "mei@example.com", PASSWORD).status_code == 302

    codes = [change_password(browser, f"guess-{n}").status_code for n in range(5)]
    assert codes == [200, 200, 200, 200, 429]

    assert change_password(browser, PASSWORD).status_code == 429
    with in_tenant(alpha):
        assert get_user_model().objects.get(pk=mei.pk).check_password(PASSWORD)
    assert log_in(Client(), "mei@example.com", PASSWORD).status_code == 429


def test_the_customers_change_form_still_changes_the_password(alpha, in_tenant):
    mei = customer(alpha, "mei@example.com")
    browser = Client()
    log_in(browser, "mei@example.com", PASSWORD)

    assert change_password(browser, "guess").status_code == 200
    response = change_password(browser, PASSWORD)
    assert response.status_code == 302
    with in_tenant(alpha):
        assert get_user_model().objects.get(pk=mei.pk).check_password("Oolong-at-noon-42")


# --- 5. what a lock-out locks -------------------------------------------------------------------


def test_five_wrong_passwords_lock_one_account_on_one_ip_only(alpha):
    customer(alpha, "mei@example.com")
    customer(alpha, "li@example.com")
    office = {"REMOTE_ADDR": "10.1.1.1"}

    codes = [log_in(Client(), "mei@example.com", WRONG, **office).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    assert log_in(Client(), "mei@example.com", PASSWORD, **office).status_code == 429

    # A colleague behind the same office NAT, and mei herself from her phone, still log in.
    assert log_in(Client(), "li@example.com", PASSWORD, **office).status_code == 302
    assert log_in(Client(), "mei@example.com", PASSWORD, REMOTE_ADDR="10.2.2.2").status_code == 302


def test_one_ip_guessing_across_many_accounts_is_locked_out_at_the_ip_limit(alpha, settings):
    # allauth's own rate limit (30 log-in attempts a minute per IP) would answer first; the
    # lock-out's ceiling is what is tested here.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": None}
    customer(alpha, "mei@example.com")
    limit = settings.AXES_IP_FAILURE_LIMIT
    assert limit == 50
    scanner = {"REMOTE_ADDR": "10.6.6.6"}

    codes = [log_in(Client(), f"guess{n}@example.com", WRONG, **scanner).status_code for n in range(limit)]
    assert codes == [200] * (limit - 1) + [429]
    assert log_in(Client(), "mei@example.com", PASSWORD, **scanner).status_code == 429
    assert log_in(Client(), "mei@example.com", PASSWORD, REMOTE_ADDR="10.7.7.7").status_code == 302


def test_the_client_ip_is_read_behind_the_trusted_proxy(alpha, settings, in_tenant):
    """Behind the TLS proxy every request comes from the proxy's address; the client's is the entry
    the proxy appended to X-Forwarded-For. Entries to its left are the client's own say."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    customer(alpha, "mei@example.com")
    proxy = "10.0.0.2"

    codes = [
        log_in(
            Client(),
            "mei@example.com",
            WRONG,
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5",
        ).status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 200, 429]
    with in_tenant(alpha):
        assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.5"]
    # mei from another address, through the same proxy.
    other = log_in(
        Client(), "mei@example.com", PASSWORD, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6"
    )
    assert other.status_code == 302


# --- 4. customer-chosen text in CSV exports -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=cmd|'/Ccalc'!A0@x.example", "'=cmd|'/Ccalc'!A0@x.example"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("mei@example.com", "mei@example.com"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_the_member_csv_export_neutralises_formulas_in_customer_data(alpha, in_tenant):
    evil = "=cmd|'/Ccalc'!A0@x.example"
    customer(alpha, evil)
    with in_tenant(alpha):
        MemberLevel.objects.filter(name="Silver").update(name="@Silver")
        editor = get_user_model().objects.create_user("editor", "editor@alpha.example", "editor-pass-1")
        editor.user_permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
            Permission.objects.get(content_type__app_label="members", codename="view_member"),
        )
    staff = Client()
    assert (
        staff.post(
            "/admin/login/", {"username": "editor", "password": "editor-pass-1"}, HTTP_HOST=ALPHA
        ).status_code
        == 302
    )

    export = staff.get("/admin/members_member/?export=csv", HTTP_HOST=ALPHA)

    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == 2
    header, row = rows
    cells = dict(zip(header, row, strict=True))
    assert cells["Email"] == "'" + evil
    assert cells["Level name"] == "'@Silver"
    assert cells["Points"] == "0"
