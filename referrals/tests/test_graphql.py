"""Referrals in GraphQL: `viewer { referral { ... } }` answers a promoter with their link, figures,
commission, withdrawals and referred customers (masked), page by page; null for visitors and for
customers who are not promoters; a bad `first` is refused with its reason; a fixed number of
queries; and one tenant at a time (another brand's token or session sees nothing here)."""

import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import tokens
from accounts.tests.factories import UserFactory
from core.outbox import deliver_due_events
from core.paging import position_cursor
from mall import services as shop
from mall.tests.factories import ProductFactory, line, place
from members.tests.factories import MemberFactory
from referrals import services
from referrals.models import Commission, PromoterLevel, Referral, ReferralSettings, Withdrawal
from referrals.tests import factories

HOST = "refgql.localhost"
REFERRAL = """query($first: Int, $after: String) { viewer { referral {
  code link qrLink status level referredBy
  stats { referred orderingCustomers orders pendingCents availableCents heldCents withdrawnCents earnedCents }
  commissions(first: $first, after: $after) {
    endCursor hasNextPage
    items { orderNumber amountCents amountText status tier earnedAt settlesAt settledAt }
  }
  withdrawals(first: $first, after: $after) {
    endCursor hasNextPage
    items { amountCents amountText status payTo requestedAt decidedAt reason payoutReference }
  }
  referrals(first: $first, after: $after) { endCursor hasNextPage items { name referredAt via } }
} } }"""


def post(client, query, variables=None, host=HOST, **headers):
    response = client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        HTTP_HOST=host,
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )
    assert response.status_code in (200, 400), response.content
    return response.json()


def gql(client, query, variables=None, host=HOST, **headers):
    body = post(client, query, variables, host, **headers)
    assert "errors" not in body, body
    return body["data"]


def bearer(tenant, in_tenant, user) -> dict:
    with in_tenant(tenant):
        return {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue_customer_token(user)}"}


def session_client(tenant, in_tenant, user) -> Client:
    client = Client()
    with in_tenant(tenant):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def person(username: str, first_name: str):
    """A member with a name (masked_name shows its first character)."""
    return MemberFactory(user=UserFactory(username=username, first_name=first_name))


def paid_order(member, sku, quantity: int):
    """An order of `member`, paid at the till: its order.paid event earns the commission."""
    order = place(member, line(sku, quantity), payment_provider="in_store")
    return shop.record_payment_in_store(order, acting_user=None)


def programme_with_money():
    """Tao (referred by Mei, staff set it) brought Ning (link), Xia (QR poster) and Bo (code). Ning
    bought 2 × ¥100 and Xia 1 × ¥100: settled, 10% each (¥20 and ¥10); Bo's ¥100 order was
    refunded before it settled (its ¥10 reversed). Tao withdrew ¥15 (paid), asked for ¥10 (rejected)
    and asks for ¥10 again (open): ¥5 available, ¥10 held, ¥15 withdrawn. Call inside the tenant."""
    settings = ReferralSettings.load()
    settings.return_days, settings.minimum_withdrawal_cents = 0, 1000
    settings.save()
    factories.own_rules_only()
    PromoterLevel.objects.create(name="Promoter", rank=1)
    factories.rule(first_tier=10, second_tier=2)
    mei = factories.promoter(person("mei", "Mei"))
    tao = factories.promoter(person("tao", "Tao"))
    services.refer(tao.member, mei, via=Referral.Via.STAFF)
    ning = factories.referred(tao, person("ning", "Ning"), via=Referral.Via.LINK)
    xia = factories.referred(tao, person("xia", "Xia"), via=Referral.Via.QR)
    bo = factories.referred(tao, person("bo", "Bo"), via=Referral.Via.CODE)
    sku = ProductFactory().skus.get()
    orders = [paid_order(ning, sku, 2), paid_order(xia, sku, 1), paid_order(bo, sku, 1)]
    deliver_due_events()
    for order in orders[:2]:
        shop.ship_order(order, tracking_number=f"SF{order.pk}", acting_user=None)
        shop.complete_order(order, acting_user=None)
    shop.refund_order(orders[2], reason="Changed their mind", acting_user=None)
    deliver_due_events()
    services.settle_due_commissions(now=timezone.now())
    tao.refresh_from_db()
    paid = services.request_withdrawal(tao, 1500, pay_to="Alipay tao@example.com", idempotency_key="w1")
    services.pay_withdrawal(paid, reference="ALIPAY-20300501-3318", acting_user=None)
    rejected = services.request_withdrawal(tao, 1000, pay_to="Alipay t@example.com", idempotency_key="w2")
    services.reject_withdrawal(rejected, reason="The account name does not match yours.", acting_user=None)
    services.request_withdrawal(tao, 1000, pay_to="Alipay tao@example.com", idempotency_key="w3")
    tao.refresh_from_db()
    mei.refresh_from_db()
    for promoter in (tao, mei):
        promoter.member.user  # noqa: B018 - loaded here, in the tenant's schema, for the tests to use
    return SimpleNamespace(tao=tao, mei=mei, orders=orders)


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("refgql", default_language="en").tenant
    with in_tenant(tenant):
        data = programme_with_money()
    return SimpleNamespace(tenant=tenant, **vars(data))


def at(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def cursor(kind: str, row, moment) -> str:
    return position_cursor(kind, SimpleNamespace(created_at=moment, pk=row.pk))


# --- A promoter's answer --------------------------------------------------------------------------


def test_a_promoter_gets_their_link_figures_commission_withdrawals_and_customers(brand, in_tenant):
    with in_tenant(brand.tenant):
        commissions = list(Commission.objects.filter(promoter=brand.tao).order_by("-created_at", "-pk"))
        withdrawals = list(Withdrawal.objects.filter(promoter=brand.tao).order_by("-requested_at", "-pk"))
        referrals = list(Referral.objects.filter(promoter=brand.tao).order_by("-referred_at", "-pk"))
        tao_referred_at = Referral.objects.get(customer=brand.tao.member).referred_at
    ning, xia, bo = brand.orders
    code = brand.tao.code
    answer = gql(Client(), REFERRAL, **bearer(brand.tenant, in_tenant, brand.tao.member.user))
    assert answer["viewer"]["referral"] == {
        "code": code,
        "link": f"http://{HOST}/r/{code}/",
        "qrLink": f"http://{HOST}/r/{code}/?via=qr",
        "status": "active",
        "level": "Promoter",
        "referredBy": "M**",
        "stats": {
            "referred": 3,
            "orderingCustomers": 2,
            "orders": 2,
            "pendingCents": 0,
            "availableCents": 500,
            "heldCents": 1000,
            "withdrawnCents": 1500,
            "earnedCents": 3000,
        },
        "commissions": {
            "endCursor": cursor("commission", commissions[-1], commissions[-1].created_at),
            "hasNextPage": False,
            "items": [
                {
                    "orderNumber": order.number,
                    "amountCents": cents,
                    "amountText": text,
                    "status": status,
                    "tier": 1,
                    "earnedAt": at(commission.created_at),
                    "settlesAt": at(commission.settles_at),
                    "settledAt": at(commission.settled_at),
                }
                for commission, order, cents, text, status in zip(
                    commissions,
                    (bo, xia, ning),
                    (1000, 1000, 2000),
                    ("¥10.00", "¥10.00", "¥20.00"),
                    ("reversed", "settled", "settled"),
                    strict=True,
                )
            ],
        },
        "withdrawals": {
            "endCursor": cursor("withdrawal", withdrawals[-1], withdrawals[-1].requested_at),
            "hasNextPage": False,
            "items": [
                {
                    "amountCents": 1000,
                    "amountText": "¥10.00",
                    "status": "requested",
                    "payTo": "Alipay tao@example.com",
                    "requestedAt": at(withdrawals[0].requested_at),
                    "decidedAt": None,
                    "reason": "",
                    "payoutReference": "",
                },
                {
                    "amountCents": 1000,
                    "amountText": "¥10.00",
                    "status": "rejected",
                    "payTo": "Alipay t@example.com",
                    "requestedAt": at(withdrawals[1].requested_at),
                    "decidedAt": at(withdrawals[1].decided_at),
                    "reason": "The account name does not match yours.",
                    "payoutReference": "",
                },
                {
                    "amountCents": 1500,
                    "amountText": "¥15.00",
                    "status": "paid",
                    "payTo": "Alipay tao@example.com",
                    "requestedAt": at(withdrawals[2].requested_at),
                    "decidedAt": at(withdrawals[2].decided_at),
                    "reason": "",
                    "payoutReference": "ALIPAY-20300501-3318",
                },
            ],
        },
        "referrals": {
            "endCursor": cursor("referral", referrals[-1], referrals[-1].referred_at),
            "hasNextPage": False,
            "items": [
                {"name": name, "referredAt": at(referral.referred_at), "via": via}
                for referral, name, via in zip(
                    referrals, ("B**", "X**", "N**"), ("code", "qr", "link"), strict=True
                )
            ],
        },
    }
    # The settled ones settled when the return window (0 days here) ended, the refunded one never.
    assert [(row.settles_at is not None, row.settled_at is not None) for row in commissions] == [
        (False, False),
        (True, True),
        (True, True),
    ]

    # Mei sees her own account: Tao is her customer, and the second tier of his customers' orders.
    mei = gql(Client(), REFERRAL, **bearer(brand.tenant, in_tenant, brand.mei.member.user))
    mei = mei["viewer"]["referral"]
    assert (mei["code"], mei["referredBy"], mei["stats"]["referred"], mei["stats"]["earnedCents"]) == (
        brand.mei.code,
        None,
        1,
        600,
    )
    assert [(row["tier"], row["amountCents"], row["status"]) for row in mei["commissions"]["items"]] == [
        (2, 200, "reversed"),
        (2, 200, "settled"),
        (2, 400, "settled"),
    ]
    assert mei["referrals"]["items"] == [{"name": "T**", "referredAt": at(tao_referred_at), "via": "staff"}]


def test_pages_follow_their_cursors_and_a_strange_cursor_is_past_the_end(brand, in_tenant):
    client = session_client(brand.tenant, in_tenant, brand.tao.member.user)
    first = gql(client, REFERRAL, {"first": 2})["viewer"]["referral"]
    assert [row["status"] for row in first["commissions"]["items"]] == ["reversed", "settled"]
    assert [row["status"] for row in first["withdrawals"]["items"]] == ["requested", "rejected"]
    assert [row["name"] for row in first["referrals"]["items"]] == ["B**", "X**"]
    assert (
        first["commissions"]["hasNextPage"],
        first["withdrawals"]["hasNextPage"],
        first["referrals"]["hasNextPage"],
    ) == (True, True, True)

    def rest(field):
        query = REFERRAL
        after = first[field]["endCursor"]
        return gql(client, query, {"first": 2, "after": after})["viewer"]["referral"][field]

    commissions, withdrawals, referrals = rest("commissions"), rest("withdrawals"), rest("referrals")
    assert ([row["amountCents"] for row in commissions["items"]], commissions["hasNextPage"]) == (
        [2000],
        False,
    )
    assert ([row["status"] for row in withdrawals["items"]], withdrawals["hasNextPage"]) == (["paid"], False)
    assert ([row["name"] for row in referrals["items"]], referrals["hasNextPage"]) == (["N**"], False)

    strange = gql(client, REFERRAL, {"after": "not-ours"})["viewer"]["referral"]
    empty = {"endCursor": None, "hasNextPage": False, "items": []}
    assert (strange["commissions"], strange["withdrawals"], strange["referrals"]) == (empty, empty, empty)


# --- Nobody else --------------------------------------------------------------------------------------


def test_referral_is_null_for_customers_who_are_not_promoters_and_viewer_for_visitors(brand, in_tenant):
    with in_tenant(brand.tenant):
        customer = Referral.objects.get(promoter=brand.tao, via="link").customer.user
        staff_user = UserFactory(is_staff=True)
    query = "{ viewer { referral { code stats { referred } } } }"
    assert gql(Client(), query) == {"viewer": None}
    assert gql(Client(), query, **bearer(brand.tenant, in_tenant, customer)) == {"viewer": {"referral": None}}
    assert gql(session_client(brand.tenant, in_tenant, staff_user), query) == {"viewer": {"referral": None}}


def test_a_promoter_waiting_for_approval_has_a_code_but_no_link_yet(brand, in_tenant):
    with in_tenant(brand.tenant):
        settings = ReferralSettings.load()
        settings.requires_approval = True
        settings.save()
        waiting = services.become_promoter(person("wen", "Wen"))
    query = (
        "{ viewer { referral { code link qrLink status level referredBy stats { referred earnedCents } } } }"
    )
    answer = gql(Client(), query, **bearer(brand.tenant, in_tenant, waiting.member.user))
    assert answer["viewer"]["referral"] == {
        "code": waiting.code,
        "link": None,
        "qrLink": None,
        "status": "applied",
        "level": "Promoter",
        "referredBy": None,
        "stats": {"referred": 0, "earnedCents": 0},
    }


def test_a_bad_first_is_refused_with_its_reason(brand, in_tenant):
    token = bearer(brand.tenant, in_tenant, brand.tao.member.user)
    for first in (0, -1, 51, 1_000_000):
        for field in ("commissions", "withdrawals", "referrals"):
            query = f"query($first: Int) {{ viewer {{ referral {{ code {field}(first: $first) {{ hasNextPage }} }} }} }}"
            body = post(Client(), query, {"first": first}, **token)
            assert [error["message"] for error in body["errors"]] == [
                f"`first` must be between 1 and 50; it was {first}."
            ]
            assert body["data"] == {"viewer": {"referral": None}}
    # 1 and 50 are fine.
    for first in (1, 50):
        query = "query($first: Int) { viewer { referral { commissions(first: $first) { hasNextPage } } } }"
        assert gql(Client(), query, {"first": first}, **token) == {
            "viewer": {"referral": {"commissions": {"hasNextPage": first == 1}}}
        }


def test_the_answer_costs_the_same_queries_for_few_rows_as_for_many(brand, in_tenant):
    client = session_client(brand.tenant, in_tenant, brand.tao.member.user)
    gql(client, REFERRAL)  # the session and the site are read once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            gql(client, REFERRAL)
        return len(captured)

    few = queries()
    with in_tenant(brand.tenant):
        sku = ProductFactory().skus.get()
        for number in range(4):
            customer = factories.referred(brand.tao, person(f"more{number}", f"More{number}"))
            paid_order(customer, sku, 1)
        deliver_due_events()
    assert queries() == few
    answer = gql(client, REFERRAL)["viewer"]["referral"]
    assert (len(answer["referrals"]["items"]), len(answer["commissions"]["items"])) == (7, 7)


# --- One tenant at a time ----------------------------------------------------------------------------


def test_another_tenants_token_or_session_sees_nothing_of_this_one(brand, in_tenant, make_tenant):
    bravo = make_tenant("refgqlbravo", default_language="en").tenant
    with in_tenant(bravo):
        own = factories.promoter(person("tao", "Tao"))  # the same user name, another brand's customer
    on_bravo = {"host": "refgqlbravo.localhost"}
    query = "{ viewer { referral { code stats { referred earnedCents } commissions { items { orderNumber } } } } }"

    # Alpha's token and session are nobody on bravo.
    assert gql(Client(), query, **on_bravo, **bearer(brand.tenant, in_tenant, brand.tao.member.user)) == {
        "viewer": None
    }
    alpha_session = session_client(brand.tenant, in_tenant, brand.tao.member.user)
    assert gql(alpha_session, query, **on_bravo) == {"viewer": None}

    # Bravo's promoter sees bravo's account only, and bravo's token is nobody on alpha.
    bravo_token = bearer(bravo, in_tenant, own.member.user)
    assert gql(Client(), query, **on_bravo, **bravo_token)["viewer"]["referral"] == {
        "code": own.code,
        "stats": {"referred": 0, "earnedCents": 0},
        "commissions": {"items": []},
    }
    assert gql(Client(), query, **bravo_token) == {"viewer": None}
