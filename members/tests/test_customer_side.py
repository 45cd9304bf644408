"""What a customer sees: My account, the member card block, the QR code, GraphQL `viewer`."""

import json

import pytest
from django.test import Client

from accounts import tokens
from accounts.tests.factories import PASSWORD
from builder.models import HomePage
from members import qr, services
from members.models import LedgerSource
from members.tests.factories import MemberFactory, MemberLevelFactory


@pytest.fixture
def lumen(make_tenant, in_tenant):
    # An English-speaking brand: its home page (the one changed here) is in English.
    tenant = make_tenant("lumen", default_language="en").tenant
    with in_tenant(tenant):
        MemberLevelFactory(name="Silver", threshold_points=0, benefits="Birthday drink")
        MemberLevelFactory(name="Gold", threshold_points=2000, discount_percent=5, free_shipping=True)
        home = HomePage.objects.get(slug="home")
        home.body = [("member_card", {"heading": "My card"}), ("level_benefits", {"heading": "Levels"})]
        home.save_revision().publish()
    return tenant


def welcome_points(member, points):
    return services.add_points(
        member, points, reason="Welcome", source=LedgerSource.MANUAL, idempotency_key="w"
    )


def log_in(client, tenant, in_tenant, member):
    """A session in the tenant's own session table (sessions never cross schemas)."""
    with in_tenant(tenant):
        client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")


def test_anonymous_visitors_are_invited_to_join(lumen, client):
    html = client.get("/", HTTP_HOST="lumen.localhost", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a class="button button-primary" href="/accounts/signup/">Join now</a>' in html
    assert "member-qr" not in html
    assert "<h3>Silver</h3>" in html


def test_a_member_sees_their_card_with_level_points_progress_and_qr(lumen, in_tenant):
    with in_tenant(lumen):
        member = MemberFactory(user__username="mei")
        welcome_points(member, 1500)
    client = Client()
    log_in(client, lumen, in_tenant, member)
    html = client.get("/", HTTP_HOST="lumen.localhost", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<p class="member-level">Silver</p>' in html
    assert f'<p class="member-code">{member.code}</p>' in html
    assert "<dd>1,500</dd>" in html
    assert "500 points to Gold" in html
    assert 'aria-valuenow="75"' in html
    assert '<svg width="100%" height="100%" role="img" aria-label="QR"' in html
    assert 'Silver <span class="level-you">Your level</span>' in html


def test_my_account_shows_history_pages_and_needs_a_login(lumen, in_tenant, client):
    response = client.get("/account/", HTTP_HOST="lumen.localhost")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

    with in_tenant(lumen):
        member = MemberFactory(user__username="mei")
        for number in range(25):
            services.add_points(
                member,
                10,
                reason=f"Visit {number}",
                source=LedgerSource.CHECK_IN,
                idempotency_key=str(number),
            )
        services.top_up_balance(member, 12_345, reason="Top-up", idempotency_key="t")
    log_in(client, lumen, in_tenant, member)
    first = client.get("/account/", HTTP_HOST="lumen.localhost", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert first.count("<td>Visit ") == 20
    assert "<td>Visit 24</td>" in first  # newest first
    assert "<span>1 / 2</span>" in first
    assert "¥123.45" in first
    second = client.get("/account/?points_page=2", HTTP_HOST="lumen.localhost").content.decode()
    assert second.count("<td>Visit ") == 5
    assert "<td>Visit 0</td>" in second


@pytest.mark.parametrize(
    ("scanned", "expected"),
    [
        ("M1:00FF00FF00FF00FF", "00FF00FF00FF00FF"),
        (" m1:00ff00ff00ff00ff ", "00FF00FF00FF00FF"),
        ("00FF-00FF-00FF-00FF", "00FF00FF00FF00FF"),
    ],
)
def test_scanned_codes_are_read_back(scanned, expected):
    assert qr.member_code_from_scan(scanned) == expected


@pytest.mark.parametrize(
    "scanned",
    [
        "",
        "M1:",
        "M1:XYZ",
        "https://evil.example/?M1:00FF00FF00FF00FF",
        "00FF00FF00FF00F",
        "M2:00FF00FF00FF00FF",
    ],
)
def test_malformed_codes_are_refused_with_a_message(scanned):
    with pytest.raises(qr.MalformedMemberCode, match="That is not a member code"):
        qr.member_code_from_scan(scanned)


def gql(client, query, host="lumen.localhost", **headers):
    response = client.post(
        "/graphql/", json.dumps({"query": query}), content_type="application/json", HTTP_HOST=host, **headers
    )
    return response.json()


VIEWER = "{ viewer { profile { email } memberCard { code level { name } points balance nextLevel { name } pointsToNextLevel } ledger(kind: POINTS) { delta reason } } }"


def test_viewer_is_null_when_anonymous_and_levels_are_public(lumen, client):
    assert gql(client, VIEWER) == {"data": {"viewer": None}}
    levels = gql(client, "{ memberLevels { name thresholdPoints discountPercent freeShipping } }")
    assert levels["data"]["memberLevels"] == [
        {"name": "Silver", "thresholdPoints": 0, "discountPercent": 0, "freeShipping": False},
        {"name": "Gold", "thresholdPoints": 2000, "discountPercent": 5, "freeShipping": True},
    ]


def test_viewer_by_bearer_token_sees_only_their_own_data(lumen, in_tenant, client):
    with in_tenant(lumen):
        member = MemberFactory(user__username="mei")
        welcome_points(member, 300)
        welcome_points(MemberFactory(user__username="other"), 999)
        raw = tokens.issue_customer_token(member.user, name="mini-program")
    body = gql(client, VIEWER, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert body["data"]["viewer"] == {
        "profile": {"email": "mei@example.com"},
        "memberCard": {
            "code": member.code,
            "level": {"name": "Silver"},
            "points": 300,
            "balance": 0,
            "nextLevel": {"name": "Gold"},
            "pointsToNextLevel": 1700,
        },
        "ledger": [{"delta": 300, "reason": "Welcome"}],
    }
    assert gql(client, VIEWER, HTTP_AUTHORIZATION="Bearer not-a-token") == {"data": {"viewer": None}}


def test_a_token_of_tenant_a_means_nothing_on_tenant_b(lumen, in_tenant, make_tenant, client):
    with in_tenant(lumen):
        member = MemberFactory(user__username="mei")
        welcome_points(member, 300)
        raw = tokens.issue_customer_token(member.user)
    make_tenant("bravo")
    assert gql(client, VIEWER, host="bravo.localhost", HTTP_AUTHORIZATION=f"Bearer {raw}") == {
        "data": {"viewer": None}
    }


def test_an_app_swaps_a_password_for_a_token_that_reads_viewer(lumen, in_tenant, client):
    with in_tenant(lumen):
        welcome_points(MemberFactory(user__username="mei"), 40)
    refused = client.post(
        "/account/api-token/", {"login": "mei@example.com", "password": "wrong"}, HTTP_HOST="lumen.localhost"
    )
    assert (refused.status_code, refused.json()) == (400, {"error": "Wrong login or password."})
    assert client.post("/account/api-token/", {}, HTTP_HOST="lumen.localhost").json() == {
        "error": "Send login and password."
    }

    response = client.post(
        "/account/api-token/", {"login": "mei", "password": PASSWORD}, HTTP_HOST="lumen.localhost"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    body = gql(Client(), "{ viewer { memberCard { points } } }", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert body == {"data": {"viewer": {"memberCard": {"points": 40}}}}


def test_each_visitor_gets_their_own_card_while_shared_blocks_come_from_the_cache(lumen, in_tenant):
    with in_tenant(lumen):
        home = HomePage.objects.get(slug="home")
        home.body = [("heading", {"text": "Shared words"}), ("member_card", {"heading": "My card"})]
        home.save_revision().publish()
        mei = MemberFactory(user__username="mei")
        jun = MemberFactory(user__username="jun")
    pages = {}
    for member in (mei, jun, mei):
        client = Client()
        log_in(client, lumen, in_tenant, member)
        pages[member.code] = client.get("/", HTTP_HOST="lumen.localhost").content.decode()
        assert "<h2>Shared words</h2>" in pages[member.code]
    assert f'<p class="member-code">{mei.code}</p>' in pages[mei.code]
    assert jun.code not in pages[mei.code]
    assert f'<p class="member-code">{jun.code}</p>' in pages[jun.code]
    assert mei.code not in pages[jun.code]


def test_viewer_lists_coupons_with_their_status(lumen, in_tenant, client):
    import datetime as dt

    from django.utils import timezone

    from coupons.services import issue_coupon
    from coupons.tests.factories import CouponTemplateFactory

    with in_tenant(lumen):
        member = MemberFactory(user__username="mei")
        template = CouponTemplateFactory(
            name="Free latte",
            kind="free_item",
            free_item="Latte",
            valid_from=timezone.now() - dt.timedelta(days=1),
            valid_until=timezone.now() + dt.timedelta(days=5),
        )
        coupon = issue_coupon(template, member, acting_user=None)
        raw = tokens.issue_customer_token(member.user)
    body = gql(
        client,
        "{ viewer { coupons { code name status } } }",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert body["data"]["viewer"] == {
        "coupons": [{"code": coupon.code, "name": "Free latte", "status": "usable"}],
    }
