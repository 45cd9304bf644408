"""What brand staff do with the referral programme in the admin: the promoters list (figures,
filters, search, CSV), a promoter's page (figures, customers, commission, ledger, a warning when the
balances and the ledger disagree) and its actions (approve, refuse, suspend, reinstate, change
level: through the services, refusals change nothing), the withdrawal queue (open requests first;
pay once, reject with a reason; CSV), the read-only commission ledger (filters, CSV), commission
rules (clear errors, nothing saved; deactivate) and promoter levels (kept while used)."""

import csv
import io
import zoneinfo
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone

from core.models import OutboxEvent
from mall.tests.factories import ProductCategoryFactory, ProductFactory
from members.tests.factories import MemberFactory
from referrals import services
from referrals.models import CommissionEntry, CommissionRule, Promoter, PromoterLevel, Withdrawal
from referrals.tests.factories import (
    complete,
    line,
    own_rules_only,
    paid_order,
    programme,
    promoter,
    referred,
    rule,
)

HOST = "refadmin.localhost"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PROMOTERS = "/admin/referrals/promoters/"
WITHDRAWALS = "/admin/referrals/withdrawals/"
LEDGER = "/admin/referrals/ledger/"
RULES = "/admin/referrals/rules/"
LEVELS = "/admin/referrals/levels/"


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("refadmin", default_language="en").tenant  # Asia/Shanghai
    with in_tenant(tenant):
        get_user_model().objects.create_superuser("boss", "boss@brand.example", "boss-pass-1")
    return tenant


def staff(host=HOST) -> Client:
    client = Client()
    response = client.post("/admin/login/", {"username": "boss", "password": "boss-pass-1"}, HTTP_HOST=host)
    assert response.status_code == 302
    return client


def build_programme():
    """(In the tenant's schema.) Levels Bronze and Gold, a 10% + 2% rule for the whole shop, Tao
    (Bronze) who referred Ning and Xia: Ning's ¥1,000 order earned ¥100.00, settled; Xia's earned
    ¥100.00, pending; Tao asked to withdraw ¥60.00. Mei applied to become a promoter."""
    own_rules_only()
    programme(minimum_withdrawal_cents=1_000, return_days=0)
    bronze = PromoterLevel.objects.create(name="Bronze", rank=1)
    gold = PromoterLevel.objects.create(name="Gold", rank=2)
    whole_shop = rule()
    sku = ProductFactory(skus=[{"price_cents": 100_000, "stock": 50}]).skus.get()
    tao = promoter(MemberFactory(user__username="tao"))
    ning = referred(tao, MemberFactory(user__username="ning"))
    xia = referred(tao, MemberFactory(user__username="xia"))
    settled_order = complete(paid_order(ning, line(sku)))
    services.settle_due_commissions()
    pending_order = paid_order(xia, line(sku))
    tao.refresh_from_db()
    withdrawal = services.request_withdrawal(
        tao, 6_000, pay_to="Alipay tao@example.com", idempotency_key="w1"
    )
    programme(requires_approval=True)
    mei = services.become_promoter(MemberFactory(user__username="mei"))
    programme(requires_approval=False)
    tao.refresh_from_db()
    return SimpleNamespace(
        bronze=bronze,
        gold=gold,
        rule=whole_shop,
        sku=sku,
        tao=tao,
        ning=ning,
        xia=xia,
        mei=mei,
        settled_order=settled_order,
        pending_order=pending_order,
        withdrawal=withdrawal,
    )


def settled_promoter(username, sku):
    """(In the tenant's schema.) An active promoter whose one referred customer's ¥1,000 order
    earned ¥100.00, settled."""
    earner = promoter(MemberFactory(user__username=username))
    customer = referred(earner, MemberFactory(user__username=f"{username}-customer"))
    complete(paid_order(customer, line(sku)))
    services.settle_due_commissions()
    earner.refresh_from_db()
    return earner


@pytest.fixture
def data(brand, in_tenant):
    with in_tenant(brand):
        return build_programme()


def shown(value) -> str:
    """A moment as the admin shows it: the brand's time zone, the short format."""
    return formats.date_format(timezone.localtime(value, SHANGHAI), "SHORT_DATETIME_FORMAT")


def spreadsheet_time(value) -> str:
    return timezone.localtime(value, SHANGHAI).strftime("%Y-%m-%d %H:%M")


def cells(response, selector="table.listing tbody tr") -> list[list[str]]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.find_all(["td", "th"])]
        for row in soup.select(selector)
    ]


def csv_rows(response) -> list[list[str]]:
    assert (response.status_code, response["Content-Type"]) == (200, "text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def shown_messages(response) -> list[str]:
    return [str(message).strip() for message in response.context["messages"]]


def form_errors(response, form="form") -> dict:
    return {name: list(errors) for name, errors in response.context[form].errors.items()}


def promoter_state(in_tenant, tenant):
    with in_tenant(tenant):
        return list(
            Promoter.objects.order_by("pk").values_list(
                "code",
                "status",
                "level__name",
                "note",
                "decided_at",
                "pending_cents",
                "available_cents",
                "held_cents",
                "withdrawn_cents",
            )
        )


def money_state(in_tenant, tenant):
    with in_tenant(tenant):
        return (
            list(
                Withdrawal.objects.order_by("pk").values_list(
                    "status", "payout_reference", "reason", "decided_at", "decided_by__username"
                )
            ),
            list(CommissionEntry.objects.order_by("pk").values_list("kind", "amount_cents")),
            promoter_state(in_tenant, tenant),
        )


# --- Promoters list -------------------------------------------------------------------------------


def test_the_promoters_list_shows_each_promoters_figures(data):
    response = staff().get(PROMOTERS, HTTP_HOST=HOST)
    assert response.status_code == 200
    tao, mei = data.tao, data.mei
    assert cells(response) == [
        [
            "mei@example.com",
            mei.code,
            "Bronze",
            "Waiting for approval",
            "0",
            "¥0.00",
            "¥0.00",
            "¥0.00",
            shown(mei.created_at),
        ],
        [
            "tao@example.com",
            tao.code,
            "Bronze",
            "Active",
            "2",
            "¥100.00",
            "¥40.00",
            "¥0.00",
            shown(tao.created_at),
        ],
    ]
    assert f'href="/admin/referrals/promoters/{tao.pk}/"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("status=applied", ["mei"]),
        ("status=active", ["tao"]),
        ("status=suspended", []),
        ("level={bronze}", ["mei", "tao"]),
        ("level={gold}", []),
        ("q=TAO@EXAMPLE", ["tao"]),
        ("q={tao_code_lower}", ["tao"]),
        ("q=example.com", ["mei", "tao"]),
        ("q=nobody", []),
    ],
)
def test_the_promoters_list_filters_by_status_and_level_and_searches_e_mail_or_code(data, query, found):
    query = query.format(bronze=data.bronze.pk, gold=data.gold.pk, tao_code_lower=data.tao.code.lower())
    response = staff().get(f"{PROMOTERS}?{query}", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert [p.member.user.username for p in response.context["object_list"]] == found


def test_the_promoters_csv_has_every_promoter_with_their_balances(data):
    rows = csv_rows(staff().get(f"{PROMOTERS}?export=csv", HTTP_HOST=HOST))
    tao, mei = data.tao, data.mei
    assert rows == [
        [
            "Member e-mail",
            "Referral code",
            "Level",
            "Status",
            "Customers referred",
            "Pending (CNY)",
            "Available (CNY)",
            "Asked to withdraw (CNY)",
            "Withdrawn (CNY)",
            "Promoter since (Asia/Shanghai)",
        ],
        [
            "mei@example.com",
            mei.code,
            "Bronze",
            "Waiting for approval",
            "0",
            "0.00",
            "0.00",
            "0.00",
            "0.00",
            spreadsheet_time(mei.created_at),
        ],
        [
            "tao@example.com",
            tao.code,
            "Bronze",
            "Active",
            "2",
            "100.00",
            "40.00",
            "60.00",
            "0.00",
            spreadsheet_time(tao.created_at),
        ],
    ]
    filtered = csv_rows(staff().get(f"{PROMOTERS}?export=csv&status=applied", HTTP_HOST=HOST))
    assert [row[0] for row in filtered] == ["Member e-mail", "mei@example.com"]


def test_the_csv_is_safe_to_open_in_a_spreadsheet(brand, in_tenant):
    with in_tenant(brand):
        promoter(MemberFactory(user__username="eve", user__email="=cmd@evil.example"))
    rows = csv_rows(staff().get(f"{PROMOTERS}?export=csv", HTTP_HOST=HOST))
    assert rows[1][0] == "'=cmd@evil.example"


def test_only_csv_is_offered(data):
    page = staff().get(PROMOTERS, HTTP_HOST=HOST).content.decode()
    assert "export=csv" in page
    assert "export=xlsx" not in page


# --- A promoter's page ----------------------------------------------------------------------------


def test_a_promoters_page_shows_their_figures_customers_commission_withdrawals_and_ledger(
    data, in_tenant, brand
):
    tao = data.tao
    response = staff().get(f"{PROMOTERS}{tao.pk}/", HTTP_HOST=HOST)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    figures = {item["data-figure"]: item.get_text(strip=True) for item in soup.select("[data-figure]")}
    assert figures == {
        "referred": "2",
        "orders": "2",
        "pending": "¥100.00",
        "available": "¥40.00",
        "held": "¥60.00",
        "withdrawn": "¥0.00",
    }
    assert soup.select("[data-drift]") == []
    with in_tenant(brand):
        referrals = {
            r.customer.user.username: r.referred_at for r in tao.referrals.select_related("customer__user")
        }
        commissions = {c.order_id: c for c in tao.commissions.all()}
        entries = list(CommissionEntry.objects.filter(promoter=tao).order_by("-created_at", "-pk"))
    assert cells(response, "[data-referrals] tbody tr") == [
        ["xia@example.com", "Referral link", shown(referrals["xia"]), "1", "¥100.00"],
        ["ning@example.com", "Referral link", shown(referrals["ning"]), "1", "¥100.00"],
    ]
    pending, settled = commissions[data.pending_order.pk], commissions[data.settled_order.pk]
    assert cells(response, "[data-commissions] tbody tr") == [
        [
            data.pending_order.number,
            "xia@example.com",
            "1",
            "¥1,000.00",
            "¥100.00",
            "Pending",
            shown(pending.created_at),
            "—",
        ],
        [
            data.settled_order.number,
            "ning@example.com",
            "1",
            "¥1,000.00",
            "¥100.00",
            "Settled",
            shown(settled.created_at),
            shown(settled.settled_at),
        ],
    ]
    assert cells(response, "[data-withdrawals] tbody tr") == [
        [shown(data.withdrawal.requested_at), "¥60.00", "Waiting for staff", "—"]
    ]
    assert cells(response, "[data-ledger] tbody tr") == [
        [shown(entries[0].created_at), "Withdrawal asked", "¥60.00", "", "-¥60.00", "+¥60.00", "", "—", "—"],
        [
            shown(entries[1].created_at),
            "Earned (pending)",
            "¥100.00",
            "+¥100.00",
            "",
            "",
            "",
            data.pending_order.number,
            "—",
        ],
        [
            shown(entries[2].created_at),
            "Settled",
            "¥100.00",
            "-¥100.00",
            "+¥100.00",
            "",
            "",
            data.settled_order.number,
            "—",
        ],
        [
            shown(entries[3].created_at),
            "Earned (pending)",
            "¥100.00",
            "+¥100.00",
            "",
            "",
            "",
            data.settled_order.number,
            "—",
        ],
    ]
    facts = {
        field["data-field"]: field.get_text(strip=True) for field in soup.select("[data-facts] [data-field]")
    }
    assert facts == {"code": tao.code, "status": "Active", "level": "Bronze"}
    assert [entry["action"].name for entry in response.context["forms"]] == ["suspend", "level"]


def test_a_promoters_page_warns_when_the_balances_and_the_ledger_disagree(data, in_tenant, brand):
    with in_tenant(brand):
        Promoter.objects.filter(pk=data.tao.pk).update(available_cents=F("available_cents") + 1)
    response = staff().get(f"{PROMOTERS}{data.tao.pk}/", HTTP_HOST=HOST)
    soup = BeautifulSoup(response.content, "html.parser")
    warning = soup.select_one("[data-drift]")
    assert [item.get_text(strip=True) for item in warning.select("li")] == ["Available: ¥0.01"]
    assert response.context["drift"] == [("Available", "¥0.01")]


def test_an_unknown_promoter_is_not_found(data):
    assert staff().get(f"{PROMOTERS}999999/", HTTP_HOST=HOST).status_code == 404


# --- A promoter's actions -------------------------------------------------------------------------


def post_action(client, promoter_, name, data=None):
    return client.post(f"{PROMOTERS}{promoter_.pk}/{name}/", data or {}, HTTP_HOST=HOST)


def test_staff_approve_an_application(data, in_tenant, brand):
    client = staff()
    page = client.get(f"{PROMOTERS}{data.mei.pk}/", HTTP_HOST=HOST)
    assert [entry["action"].name for entry in page.context["forms"]] == ["approve", "refuse", "level"]
    response = post_action(client, data.mei, "approve")
    assert (response.status_code, response["Location"]) == (302, f"{PROMOTERS}{data.mei.pk}/")
    followed = client.get(response["Location"], HTTP_HOST=HOST)
    assert shown_messages(followed) == [f"{data.mei.code} is approved: their referral link works now."]
    with in_tenant(brand):
        mei = Promoter.objects.get(pk=data.mei.pk)
        assert mei.status == "active"
        assert mei.decided_at is not None
        assert (
            OutboxEvent.objects.filter(kind="referral.promoter_approved", subject_id=mei.member_id).count()
            == 1
        )


def test_approving_an_active_promoter_is_refused_by_the_service(data, in_tenant, brand):
    before = promoter_state(in_tenant, brand)
    response = post_action(staff(), data.tao, "approve")
    assert response.status_code == 200
    assert shown_messages(response) == ["Nothing was changed: this promoter is “Active”."]
    assert promoter_state(in_tenant, brand) == before


def test_refusing_an_application_needs_a_reason(data, in_tenant, brand):
    client = staff()
    before = promoter_state(in_tenant, brand)
    response = post_action(client, data.mei, "refuse", {"refuse-reason": "  "})
    assert response.status_code == 200
    assert shown_messages(response) == ["Nothing was changed: check the form."]
    assert response.context["forms"][1]["form"].errors == {"reason": ["This field is required."]}
    assert promoter_state(in_tenant, brand) == before

    response = post_action(client, data.mei, "refuse", {"refuse-reason": "Not a customer yet"})
    assert (response.status_code, response["Location"]) == (302, f"{PROMOTERS}{data.mei.pk}/")
    with in_tenant(brand):
        mei = Promoter.objects.get(pk=data.mei.pk)
        assert (mei.status, mei.note) == ("rejected", "Not a customer yet")
    followed = client.get(response["Location"], HTTP_HOST=HOST)
    assert shown_messages(followed) == [f"The application of {data.mei.code} is refused."]
    assert [entry["action"].name for entry in followed.context["forms"]] == ["approve", "level"]


def test_suspending_needs_a_reason_and_reinstating_brings_the_promoter_back(data, in_tenant, brand):
    client = staff()
    before = promoter_state(in_tenant, brand)
    response = post_action(client, data.tao, "suspend", {"suspend-reason": ""})
    assert response.status_code == 200
    assert shown_messages(response) == ["Nothing was changed: check the form."]
    assert promoter_state(in_tenant, brand) == before

    response = post_action(client, data.tao, "suspend", {"suspend-reason": "Spamming the link"})
    assert response.status_code == 302
    with in_tenant(brand):
        tao = Promoter.objects.get(pk=data.tao.pk)
        assert (tao.status, tao.note, tao.available_cents) == ("suspended", "Spamming the link", 4_000)
    page = client.get(response["Location"], HTTP_HOST=HOST)
    assert shown_messages(page) == [f"{data.tao.code} is suspended."]
    assert [entry["action"].name for entry in page.context["forms"]] == ["reinstate", "level"]

    response = post_action(client, data.tao, "reinstate")
    assert response.status_code == 302
    with in_tenant(brand):
        assert Promoter.objects.get(pk=data.tao.pk).status == "active"
    assert shown_messages(client.get(response["Location"], HTTP_HOST=HOST)) == [
        f"{data.tao.code} is active again."
    ]

    before = promoter_state(in_tenant, brand)
    response = post_action(client, data.tao, "reinstate")
    assert shown_messages(response) == ["Nothing was changed: this promoter is “Active”."]
    assert promoter_state(in_tenant, brand) == before


def test_staff_change_a_promoters_level(data, in_tenant, brand):
    client = staff()
    response = post_action(client, data.tao, "level", {"level-level": str(data.gold.pk)})
    assert response.status_code == 302
    assert shown_messages(client.get(response["Location"], HTTP_HOST=HOST)) == [
        f"{data.tao.code} is now at the level “Gold”."
    ]
    with in_tenant(brand):
        assert Promoter.objects.get(pk=data.tao.pk).level == data.gold

    response = post_action(client, data.tao, "level", {"level-level": ""})
    assert shown_messages(client.get(response["Location"], HTTP_HOST=HOST)) == [
        f"{data.tao.code} has no level now."
    ]
    with in_tenant(brand):
        assert Promoter.objects.get(pk=data.tao.pk).level is None

    before = promoter_state(in_tenant, brand)
    response = post_action(client, data.tao, "level", {"level-level": "999999"})
    assert response.status_code == 200
    assert shown_messages(response) == ["Nothing was changed: check the form."]
    level_form = next(entry["form"] for entry in response.context["forms"] if entry["action"].name == "level")
    assert level_form.errors == {
        "level": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert promoter_state(in_tenant, brand) == before


def test_the_actions_are_posts_only(data):
    client = staff()
    for name in ("approve", "refuse", "suspend", "reinstate", "level"):
        assert (name, client.get(f"{PROMOTERS}{data.tao.pk}/{name}/", HTTP_HOST=HOST).status_code) == (
            name,
            405,
        )


# --- Withdrawal queue -----------------------------------------------------------------------------


@pytest.fixture
def queue(brand, in_tenant, data):
    """Four requests: A (Tao) paid, then B (Wu) and C (Tao) waiting, then D (Kai) rejected."""
    with in_tenant(brand):
        boss = get_user_model().objects.get(username="boss")
        a = services.pay_withdrawal(data.withdrawal, reference="ALIPAY-1", acting_user=boss)
        wu = settled_promoter("wu", data.sku)
        kai = settled_promoter("kai", data.sku)
        b = services.request_withdrawal(wu, 2_000, pay_to="Bank 4471", idempotency_key="b")
        c = services.request_withdrawal(data.tao, 1_500, pay_to="Alipay tao@example.com", idempotency_key="c")
        d = services.request_withdrawal(kai, 3_000, pay_to="=HYPERLINK(1)", idempotency_key="d")
        d = services.reject_withdrawal(d, reason="Account name does not match", acting_user=boss)
        return SimpleNamespace(a=a, b=b, c=c, d=d, wu=wu, kai=kai, boss=boss)


def test_the_queue_lists_open_requests_oldest_first_then_decided_ones(queue, data):
    response = staff().get(WITHDRAWALS, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert [w.pk for w in response.context["object_list"]] == [queue.b.pk, queue.c.pk, queue.d.pk, queue.a.pk]
    rows = cells(response)
    assert rows[0] == [
        shown(queue.b.requested_at),
        "wu@example.com",
        queue.wu.code,
        "¥20.00",
        "Bank 4471",
        "Waiting for staff",
        "",
        "",
    ]
    assert rows[3] == [
        shown(queue.a.requested_at),
        "tao@example.com",
        data.tao.code,
        "¥60.00",
        "Alipay tao@example.com",
        "Paid",
        shown(queue.a.decided_at),
        "ALIPAY-1",
    ]
    waiting = staff().get(f"{WITHDRAWALS}?status=requested", HTTP_HOST=HOST)
    assert [w.pk for w in waiting.context["object_list"]] == [queue.b.pk, queue.c.pk]


def test_the_withdrawals_csv_has_every_request_in_the_queues_order(queue, data):
    rows = csv_rows(staff().get(f"{WITHDRAWALS}?export=csv", HTTP_HOST=HOST))
    assert rows == [
        [
            "Number",
            "Asked (Asia/Shanghai)",
            "Member e-mail",
            "Referral code",
            "Amount (CNY)",
            "Pay to",
            "Status",
            "Decided (Asia/Shanghai)",
            "Decided by",
            "Payout reference",
            "Reason",
        ],
        [
            str(queue.b.pk),
            spreadsheet_time(queue.b.requested_at),
            "wu@example.com",
            queue.wu.code,
            "20.00",
            "Bank 4471",
            "Waiting for staff",
            "",
            "",
            "",
            "",
        ],
        [
            str(queue.c.pk),
            spreadsheet_time(queue.c.requested_at),
            "tao@example.com",
            data.tao.code,
            "15.00",
            "Alipay tao@example.com",
            "Waiting for staff",
            "",
            "",
            "",
            "",
        ],
        [
            str(queue.d.pk),
            spreadsheet_time(queue.d.requested_at),
            "kai@example.com",
            queue.kai.code,
            "30.00",
            "'=HYPERLINK(1)",
            "Rejected",
            spreadsheet_time(queue.d.decided_at),
            "boss",
            "",
            "Account name does not match",
        ],
        [
            str(queue.a.pk),
            spreadsheet_time(queue.a.requested_at),
            "tao@example.com",
            data.tao.code,
            "60.00",
            "Alipay tao@example.com",
            "Paid",
            spreadsheet_time(queue.a.decided_at),
            "boss",
            "ALIPAY-1",
            "",
        ],
    ]


def test_a_withdrawals_page_shows_the_request_and_offers_pay_and_reject_while_open(queue):
    client = staff()
    response = client.get(f"{WITHDRAWALS}{queue.c.pk}/", HTTP_HOST=HOST)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    facts = {
        field["data-field"]: field.get_text(strip=True) for field in soup.select("[data-facts] [data-field]")
    }
    assert facts == {"amount": "¥15.00", "pay_to": "Alipay tao@example.com", "status": "Waiting for staff"}
    assert [entry["action"].name for entry in response.context["forms"]] == ["pay", "reject"]
    assert f'href="{PROMOTERS}{queue.c.promoter_id}/"' in response.content.decode()

    paid = client.get(f"{WITHDRAWALS}{queue.a.pk}/", HTTP_HOST=HOST)
    assert paid.context["forms"] == []
    soup = BeautifulSoup(paid.content, "html.parser")
    assert soup.select_one('[data-field="reference"]').get_text(strip=True) == "ALIPAY-1"


def test_staff_pay_a_withdrawal_once(queue, in_tenant, brand):
    client = staff()
    response = client.post(f"{WITHDRAWALS}{queue.b.pk}/pay/", {"pay-reference": " BANK-77 "}, HTTP_HOST=HOST)
    assert (response.status_code, response["Location"]) == (302, WITHDRAWALS)
    assert shown_messages(client.get(WITHDRAWALS, HTTP_HOST=HOST)) == [
        f"Withdrawal {queue.b.pk} of ¥20.00 is paid; the promoter is told."
    ]
    with in_tenant(brand):
        paid = Withdrawal.objects.get(pk=queue.b.pk)
        assert (paid.status, paid.payout_reference, paid.decided_by.username) == ("paid", "BANK-77", "boss")
        wu = Promoter.objects.get(pk=queue.wu.pk)
        assert (wu.available_cents, wu.held_cents, wu.withdrawn_cents) == (8_000, 0, 2_000)
        entry = CommissionEntry.objects.filter(withdrawal=paid).latest("pk")
        assert (entry.kind, entry.amount_cents, entry.acting_user.username) == (
            "withdrawal_paid",
            2_000,
            "boss",
        )
        assert services.ledger_drift(wu) == dict.fromkeys(("pending", "available", "held", "withdrawn"), 0)

    before = money_state(in_tenant, brand)
    for url, data in (
        (f"{WITHDRAWALS}{queue.b.pk}/pay/", {"pay-reference": "BANK-78"}),
        (f"{WITHDRAWALS}{queue.b.pk}/reject/", {"reject-reason": "Changed my mind"}),
    ):
        response = client.post(url, data, HTTP_HOST=HOST)
        assert (response.status_code, response["Location"]) == (302, f"{WITHDRAWALS}{queue.b.pk}/")
        assert shown_messages(client.get(response["Location"], HTTP_HOST=HOST)) == [
            "This withdrawal is already paid."
        ]
    assert money_state(in_tenant, brand) == before


def test_paying_needs_the_payout_reference(queue, in_tenant, brand):
    before = money_state(in_tenant, brand)
    response = staff().post(f"{WITHDRAWALS}{queue.b.pk}/pay/", {"pay-reference": "   "}, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert shown_messages(response) == ["Nothing was changed: check the form."]
    assert response.context["forms"][0]["form"].errors == {"reference": ["This field is required."]}
    assert money_state(in_tenant, brand) == before


def test_staff_reject_a_withdrawal_saying_why(queue, in_tenant, brand):
    client = staff()
    before = money_state(in_tenant, brand)
    response = client.post(f"{WITHDRAWALS}{queue.c.pk}/reject/", {"reject-reason": ""}, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response.context["forms"][1]["form"].errors == {"reason": ["This field is required."]}
    assert money_state(in_tenant, brand) == before

    response = client.post(
        f"{WITHDRAWALS}{queue.c.pk}/reject/", {"reject-reason": "Alipay account closed"}, HTTP_HOST=HOST
    )
    assert (response.status_code, response["Location"]) == (302, WITHDRAWALS)
    assert shown_messages(client.get(WITHDRAWALS, HTTP_HOST=HOST)) == [
        f"Withdrawal {queue.c.pk} of ¥15.00 is rejected; the promoter is told."
    ]
    with in_tenant(brand):
        rejected = Withdrawal.objects.get(pk=queue.c.pk)
        assert (rejected.status, rejected.reason) == ("rejected", "Alipay account closed")
        tao = Promoter.objects.get(pk=queue.c.promoter_id)
        assert (tao.available_cents, tao.held_cents, tao.withdrawn_cents) == (4_000, 0, 6_000)
        assert OutboxEvent.objects.filter(kind="referral.withdrawal_rejected").count() == 2


def test_the_decisions_are_posts_only(queue):
    client = staff()
    for name in ("pay", "reject"):
        assert client.get(f"{WITHDRAWALS}{queue.b.pk}/{name}/", HTTP_HOST=HOST).status_code == 405


# --- Commission ledger ----------------------------------------------------------------------------


def test_the_ledger_lists_every_movement_newest_first(queue, in_tenant, brand):
    response = staff().get(LEDGER, HTTP_HOST=HOST)
    assert response.status_code == 200
    with in_tenant(brand):
        expected = list(CommissionEntry.objects.order_by("-created_at", "-pk").values_list("pk", flat=True))
    assert [entry.pk for entry in response.context["object_list"]] == expected
    assert len(expected) == 13
    assert response.context["paginator"].per_page == 50
    with in_tenant(brand):
        latest = CommissionEntry.objects.get(pk=expected[0])
    assert cells(response)[0] == [
        shown(latest.created_at),
        queue.kai.code,
        "Withdrawal rejected",
        "¥30.00",
        "",
        "+¥30.00",
        "-¥30.00",
        "",
        "",
        "boss",
    ]


@pytest.mark.parametrize(
    ("query", "kinds"),
    [
        ("kind=settled", ["settled", "settled", "settled"]),
        ("kind=withdrawal_paid", ["withdrawal_paid"]),
        (
            "code={tao}",
            [
                "withdrawal_requested",
                "withdrawal_paid",
                "withdrawal_requested",
                "earned",
                "settled",
                "earned",
            ],
        ),
        (
            "code=+{tao_lower}+",
            [
                "withdrawal_requested",
                "withdrawal_paid",
                "withdrawal_requested",
                "earned",
                "settled",
                "earned",
            ],
        ),
        ("code={tao}&kind=earned", ["earned", "earned"]),
        ("code=NOBODY", []),
    ],
)
def test_the_ledger_filters_by_kind_and_promoter_code(queue, data, query, kinds):
    query = query.format(tao=data.tao.code, tao_lower=data.tao.code.lower())
    response = staff().get(f"{LEDGER}?{query}", HTTP_HOST=HOST)
    assert [entry.kind for entry in response.context["object_list"]] == kinds


def test_the_ledger_csv_has_every_movement_with_its_deltas(data, in_tenant, brand):
    rows = csv_rows(staff().get(f"{LEDGER}?export=csv", HTTP_HOST=HOST))
    with in_tenant(brand):
        entries = list(CommissionEntry.objects.order_by("-created_at", "-pk"))
    code = data.tao.code
    assert rows == [
        [
            "When (Asia/Shanghai)",
            "Referral code",
            "Member e-mail",
            "What",
            "Amount (CNY)",
            "Pending change (CNY)",
            "Available change (CNY)",
            "Asked-to-withdraw change (CNY)",
            "Withdrawn change (CNY)",
            "Order number",
            "Withdrawal number",
            "By",
        ],
        [
            spreadsheet_time(entries[0].created_at),
            code,
            "tao@example.com",
            "Withdrawal asked",
            "60.00",
            "0.00",
            "-60.00",
            "60.00",
            "0.00",
            "",
            str(data.withdrawal.pk),
            "",
        ],
        [
            spreadsheet_time(entries[1].created_at),
            code,
            "tao@example.com",
            "Earned (pending)",
            "100.00",
            "100.00",
            "0.00",
            "0.00",
            "0.00",
            data.pending_order.number,
            "",
            "",
        ],
        [
            spreadsheet_time(entries[2].created_at),
            code,
            "tao@example.com",
            "Settled",
            "100.00",
            "-100.00",
            "100.00",
            "0.00",
            "0.00",
            data.settled_order.number,
            "",
            "",
        ],
        [
            spreadsheet_time(entries[3].created_at),
            code,
            "tao@example.com",
            "Earned (pending)",
            "100.00",
            "100.00",
            "0.00",
            "0.00",
            "0.00",
            data.settled_order.number,
            "",
            "",
        ],
    ]


def test_the_ledger_cannot_be_added_to_edited_or_deleted(data, in_tenant, brand):
    for name in ("add", "edit", "delete", "inspect", "history", "usage", "copy"):
        with pytest.raises(NoReverseMatch):
            reverse(f"referrals_ledger:{name}", args=() if name == "add" else (1,))
    with in_tenant(brand):
        pk = CommissionEntry.objects.order_by("pk").first().pk
    client = staff()
    for url in (f"{LEDGER}new/", f"{LEDGER}edit/{pk}/", f"{LEDGER}delete/{pk}/", f"{LEDGER}{pk}/"):
        assert (url, client.get(url, HTTP_HOST=HOST).status_code) == (url, 404)
    page = client.get(LEDGER, HTTP_HOST=HOST).content.decode()
    assert f"{LEDGER}new/" not in page


# --- Commission rules -----------------------------------------------------------------------------

RULE = {
    "name": "Coffee beans",
    "kind": "percent",
    "first_tier": "12",
    "second_tier": "3",
    "product": "",
    "category": "",
    "level": "",
    "is_active": "on",
}


def rules(in_tenant, tenant):
    with in_tenant(tenant):
        return list(
            CommissionRule.objects.order_by("pk").values_list(
                "name",
                "kind",
                "first_tier",
                "second_tier",
                "product_id",
                "category_id",
                "level_id",
                "is_active",
            )
        )


def test_staff_add_a_commission_rule(data, in_tenant, brand):
    with in_tenant(brand):
        beans = ProductCategoryFactory(name="Beans")
    response = staff().post(
        f"{RULES}new/", {**RULE, "category": str(beans.pk), "level": str(data.gold.pk)}, HTTP_HOST=HOST
    )
    assert (response.status_code, response["Location"]) == (302, RULES)
    with in_tenant(brand):
        added = CommissionRule.objects.get(name="Coffee beans")
        assert (added.kind, str(added.first_tier), str(added.second_tier)) == ("percent", "12.00", "3.00")
        assert (added.product_id, added.category_id, added.level_id, added.is_active) == (
            None,
            beans.pk,
            data.gold.pk,
            True,
        )
    listing = staff().get(RULES, HTTP_HOST=HOST)
    assert cells(listing) == [
        ["Coffee beans Edit Deactivate Delete", "12% · second tier 3%", "Category: Beans", "Gold", "True"],
        ["Whole shop Edit Deactivate Delete", "10% · second tier 2%", "Whole shop", "Every level", "True"],
    ]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"first_tier": "100.01"}, {"first_tier": ["A percentage is at most 100."]}),
        ({"first_tier": "10", "second_tier": "120"}, {"second_tier": ["A percentage is at most 100."]}),
        (
            {"first_tier": "90", "second_tier": "10.5"},
            {"second_tier": ["Together the two tiers are at most 100% of the price; now they are 100.5%."]},
        ),
        ({"first_tier": "-1"}, {"first_tier": ["Enter 0 or more."]}),
        ({"kind": "fixed", "first_tier": "5", "second_tier": "-0.5"}, {"second_tier": ["Enter 0 or more."]}),
        (
            {"product": "{product}", "category": "{category}"},
            {"category": ["Choose a product or a category, not both (leave both empty for the whole shop)."]},
        ),
        ({"first_tier": "1.234"}, {"first_tier": ["Ensure that there are no more than 2 decimal places."]}),
        ({"first_tier": ""}, {"first_tier": ["This field is required."]}),
    ],
)
def test_a_wrong_rule_is_refused_on_its_field_and_nothing_is_saved(data, in_tenant, brand, fields, errors):
    with in_tenant(brand):
        category = ProductCategoryFactory()
    fields = {
        name: value.format(product=data.sku.product_id, category=category.pk)
        for name, value in fields.items()
    }
    before = rules(in_tenant, brand)
    client = staff()
    response = client.post(f"{RULES}new/", {**RULE, **fields}, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert form_errors(response) == errors
    assert rules(in_tenant, brand) == before

    response = client.post(f"{RULES}edit/{data.rule.pk}/", {**RULE, **fields}, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert form_errors(response) == errors
    assert rules(in_tenant, brand) == before


def test_a_fixed_amount_may_be_more_than_100_and_the_tiers_may_make_100_percent(data, in_tenant, brand):
    client = staff()
    fixed = {**RULE, "name": "Big", "kind": "fixed", "first_tier": "150", "second_tier": "20"}
    assert client.post(f"{RULES}new/", fixed, HTTP_HOST=HOST).status_code == 302
    response = client.post(
        f"{RULES}edit/{data.rule.pk}/",
        {**RULE, "name": "All of it", "first_tier": "95", "second_tier": "5"},
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    assert rules(in_tenant, brand) == [
        ("All of it", "percent", 95, 5, None, None, None, True),
        ("Big", "fixed", 150, 20, None, None, None, True),
    ]


def test_staff_deactivate_a_rule(data, in_tenant, brand):
    client = staff()
    listing = client.get(RULES, HTTP_HOST=HOST).content.decode()
    assert f"{RULES}deactivate/{data.rule.pk}/" in listing
    confirm = client.get(f"{RULES}deactivate/{data.rule.pk}/", HTTP_HOST=HOST)
    assert confirm.status_code == 200
    assert "Orders paid from now on no longer earn commission under “Whole shop”" in confirm.content.decode()

    response = client.post(f"{RULES}deactivate/{data.rule.pk}/", HTTP_HOST=HOST)
    assert (response.status_code, response["Location"]) == (302, RULES)
    listing = client.get(RULES, HTTP_HOST=HOST)
    assert shown_messages(listing) == ["“Whole shop” is off: new orders no longer earn commission under it."]
    assert f"{RULES}deactivate/{data.rule.pk}/" not in listing.content.decode()
    with in_tenant(brand):
        assert CommissionRule.objects.get(pk=data.rule.pk).is_active is False

    response = client.post(f"{RULES}deactivate/{data.rule.pk}/", HTTP_HOST=HOST)
    assert shown_messages(client.get(response["Location"], HTTP_HOST=HOST)) == [
        "“Whole shop” is already off."
    ]
    inactive = client.get(f"{RULES}?is_active=false", HTTP_HOST=HOST)
    assert [rule_.pk for rule_ in inactive.context["object_list"]] == [data.rule.pk]


def test_a_deactivated_rule_earns_nothing_new(data, in_tenant, brand):
    staff().post(f"{RULES}deactivate/{data.rule.pk}/", HTTP_HOST=HOST)
    with in_tenant(brand):
        customer = referred(data.tao, MemberFactory())
        order = paid_order(customer, line(data.sku))
        assert list(data.tao.commissions.filter(order=order)) == []


def test_staff_delete_a_rule(data, in_tenant, brand):
    response = staff().post(f"{RULES}delete/{data.rule.pk}/", HTTP_HOST=HOST)
    assert (response.status_code, response["Location"]) == (302, RULES)
    assert rules(in_tenant, brand) == []


# --- Promoter levels ------------------------------------------------------------------------------


def levels(in_tenant, tenant):
    with in_tenant(tenant):
        return list(PromoterLevel.objects.order_by("rank").values_list("name", "rank", "description"))


def test_staff_add_and_edit_promoter_levels(data, in_tenant, brand):
    client = staff()
    response = client.post(
        f"{LEVELS}new/", {"name": "Ambassador", "rank": "3", "description": "Ten+"}, HTTP_HOST=HOST
    )
    assert (response.status_code, response["Location"]) == (302, LEVELS)
    response = client.post(
        f"{LEVELS}edit/{data.gold.pk}/", {"name": "Golden", "rank": "2", "description": ""}, HTTP_HOST=HOST
    )
    assert response.status_code == 302
    assert levels(in_tenant, brand) == [("Bronze", 1, ""), ("Golden", 2, ""), ("Ambassador", 3, "Ten+")]
    listing = client.get(LEVELS, HTTP_HOST=HOST)
    assert [row[:3] + row[-2:] for row in cells(listing)] == [
        ["Bronze Edit Delete", "1", "", "2", "0"],
        ["Golden Edit Delete", "2", "", "0", "0"],
        ["Ambassador Edit Delete", "3", "Ten+", "0", "0"],
    ]

    before = levels(in_tenant, brand)
    response = client.post(
        f"{LEVELS}new/", {"name": "Silver", "rank": "2", "description": ""}, HTTP_HOST=HOST
    )
    assert response.status_code == 200
    assert form_errors(response) == {"rank": ["Promoter level with this Rank already exists."]}
    assert levels(in_tenant, brand) == before


def test_a_level_in_use_is_kept(data, in_tenant, brand):
    client = staff()
    with in_tenant(brand):
        CommissionRule.objects.filter(pk=data.rule.pk).update(level=data.gold)
    before = (levels(in_tenant, brand), rules(in_tenant, brand))
    for level in (data.bronze, data.gold):  # Bronze: promoters hold it; Gold: a rule names it
        response = client.post(f"{LEVELS}delete/{level.pk}/", HTTP_HOST=HOST)
        assert (response.status_code, response["Location"]) == (302, LEVELS)
        assert shown_messages(client.get(LEVELS, HTTP_HOST=HOST)) == [
            f"Promoters or commission rules use the level “{level.name}”, so it is kept: move the promoters "
            "to another level and change or delete its rules first."
        ]
    assert (levels(in_tenant, brand), rules(in_tenant, brand)) == before


def test_a_level_nobody_uses_is_deleted(data, in_tenant, brand):
    response = staff().post(f"{LEVELS}delete/{data.gold.pk}/", HTTP_HOST=HOST)
    assert (response.status_code, response["Location"]) == (302, LEVELS)
    assert levels(in_tenant, brand) == [("Bronze", 1, "")]


# --- One brand's staff, one brand's programme -----------------------------------------------------


def test_another_brands_staff_see_only_their_own_promoters(data, make_tenant, in_tenant):
    other = make_tenant("refother", default_language="en").tenant
    with in_tenant(other):
        get_user_model().objects.create_superuser("boss", "boss@other.example", "boss-pass-1")
        own = promoter(MemberFactory(user__username="lin"))
    client = staff("refother.localhost")
    listing = client.get(PROMOTERS, HTTP_HOST="refother.localhost")
    assert [p.pk for p in listing.context["object_list"]] == [own.pk]
    export = csv_rows(client.get(f"{PROMOTERS}?export=csv", HTTP_HOST="refother.localhost"))
    assert [row[0] for row in export] == ["Member e-mail", "lin@example.com"]
    assert client.get(f"{PROMOTERS}{data.mei.pk}/", HTTP_HOST="refother.localhost").status_code == 404
    assert (
        client.get(f"{WITHDRAWALS}{data.withdrawal.pk}/", HTTP_HOST="refother.localhost").status_code == 404
    )
    ledger = client.get(LEDGER, HTTP_HOST="refother.localhost")
    assert list(ledger.context["object_list"]) == []
