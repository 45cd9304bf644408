"""Every referral admin screen checks a permission: a brand editor (Wagtail's "Editors" group, which
gives admin access and nothing of the referral programme) is refused until granted the one
permission a screen needs, a refused POST changes nothing, and the menu shows only what may be
opened."""

import pytest
from django.test import Client
from wagtail import hooks

from core.models import OutboxEvent
from referrals.admin import EXPORT, PAY, ledger_policy, withdrawal_policy
from referrals.models import (
    CommissionEntry,
    CommissionRule,
    Promoter,
    PromoterLevel,
    ReferralSettings,
    Withdrawal,
)
from referrals.tests.test_admin import build_programme, csv_rows
from tests.staff import REFUSED, answer, grant, make_editor, outcome
from tests.staff import log_in as log_in_on

HOST = "refperm.localhost"
P = "/admin/referrals/promoters/"
W = "/admin/referrals/withdrawals/"
L = "/admin/referrals/ledger/"
R = "/admin/referrals/rules/"
V = "/admin/referrals/levels/"


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("refperm", default_language="en").tenant
    with in_tenant(tenant):
        data = build_programme()
        data.settings = ReferralSettings.load()
        make_editor()
    return tenant, data


def log_in() -> Client:
    return log_in_on(HOST)


def admin_urls(data):
    tao, rule, level = data.tao, data.rule, data.gold
    return {
        "promoters": P,
        "promoters results": f"{P}results/",
        "promoters csv": f"{P}?export=csv",
        "promoter page": f"{P}{tao.pk}/",
        "withdrawals": W,
        "withdrawals results": f"{W}results/",
        "withdrawals csv": f"{W}?export=csv",
        "withdrawal page": f"{W}{data.withdrawal.pk}/",
        "ledger": L,
        "ledger results": f"{L}results/",
        "ledger csv": f"{L}?export=csv",
        "rules": R,
        "rules results": f"{R}results/",
        "rule add": f"{R}new/",
        "rule edit": f"{R}edit/{rule.pk}/",
        "rule deactivate": f"{R}deactivate/{rule.pk}/",
        "rule delete": f"{R}delete/{rule.pk}/",
        "rule history": f"{R}history/{rule.pk}/",
        "rule usage": f"{R}usage/{rule.pk}/",
        "levels": V,
        "levels results": f"{V}results/",
        "level add": f"{V}new/",
        "level edit": f"{V}edit/{level.pk}/",
        "level delete": f"{V}delete/{level.pk}/",
        "level history": f"{V}history/{level.pk}/",
        "level usage": f"{V}usage/{level.pk}/",
        "settings": f"/admin/settings/referrals/referralsettings/{data.settings.pk}/",
    }


PROMOTERS = {"promoters", "promoters results", "promoter page"}
WITHDRAWALS = {"withdrawals", "withdrawals results", "withdrawal page"}
LEDGER = {"ledger", "ledger results"}
RULES = {"rules", "rules results"}
LEVELS = {"levels", "levels results"}

# What each set of permissions opens; every other URL answers with the refusal.
OPENS = {
    (): set(),
    ("referrals.view_promoter",): PROMOTERS,
    ("referrals.change_promoter",): PROMOTERS,
    ("referrals.export_commission",): set(),  # a download needs its list too
    ("referrals.view_promoter", "referrals.export_commission"): {*PROMOTERS, "promoters csv"},
    ("referrals.view_withdrawal",): WITHDRAWALS,
    ("referrals.pay_withdrawal",): WITHDRAWALS,
    ("referrals.pay_withdrawal", "referrals.export_commission"): {*WITHDRAWALS, "withdrawals csv"},
    ("referrals.view_commissionentry",): LEDGER,
    ("referrals.view_commissionentry", "referrals.export_commission"): {*LEDGER, "ledger csv"},
    ("referrals.view_commissionrule",): RULES,
    ("referrals.add_commissionrule",): {*RULES, "rule add", "rule history"},
    ("referrals.change_commissionrule",): {
        *RULES,
        "rule edit",
        "rule deactivate",
        "rule history",
        "rule usage",
    },
    ("referrals.delete_commissionrule",): {*RULES, "rule delete", "rule history"},
    ("referrals.view_promoterlevel",): LEVELS,
    ("referrals.add_promoterlevel",): {*LEVELS, "level add", "level history"},
    ("referrals.change_promoterlevel",): {*LEVELS, "level edit", "level history", "level usage"},
    ("referrals.delete_promoterlevel",): {*LEVELS, "level delete", "level history"},
    ("referrals.change_referralsettings",): {"settings"},
}


@pytest.mark.parametrize("permissions", list(OPENS), ids=lambda permissions: "+".join(permissions) or "none")
def test_each_screen_opens_only_with_its_permission(brand, in_tenant, permissions):
    tenant, data = brand
    if permissions:
        grant(in_tenant, tenant, *permissions)
    client = log_in()
    urls = admin_urls(data)
    answers = {name: outcome(client.get(url, HTTP_HOST=HOST)) for name, url in urls.items()}
    assert answers == {name: 200 if name in OPENS[permissions] else REFUSED for name in urls}


def test_the_group_editor_offers_the_permissions_the_screens_check(brand, in_tenant):
    tenant, _data = brand
    with in_tenant(tenant):
        offered = {
            f"{permission.content_type.app_label}.{permission.codename}"
            for hook in hooks.get_hooks("register_permissions")
            for permission in hook()
            if permission.content_type.app_label == "referrals"
        }
    assert offered == {permission for permissions in OPENS for permission in permissions}


def test_the_menu_shows_only_the_screens_staff_may_open(brand, in_tenant):
    tenant, _data = brand
    client = log_in()
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "/admin/referrals/" not in dashboard
    assert "/admin/settings/referrals/" not in dashboard

    grant(in_tenant, tenant, "referrals.view_commissionentry")
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert [url for url in (P, W, L, R, V) if url in dashboard] == [L]

    grant(in_tenant, tenant, "referrals.pay_withdrawal", "referrals.change_promoterlevel")
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert [url for url in (P, W, L, R, V) if url in dashboard] == [W, L, V]

    grant(in_tenant, tenant, "referrals.view_promoter", "referrals.add_commissionrule")
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert [url for url in (P, W, L, R, V) if url in dashboard] == [P, W, L, R, V]
    assert "/admin/settings/referrals/" not in dashboard

    grant(in_tenant, tenant, "referrals.change_referralsettings")
    assert (
        "/admin/settings/referrals/referralsettings/"
        in client.get("/admin/", HTTP_HOST=HOST).content.decode()
    )


def programme_state(in_tenant, tenant):
    with in_tenant(tenant):
        return (
            list(Promoter.objects.order_by("pk").values_list("status", "level_id", "note", "decided_at")),
            list(Withdrawal.objects.order_by("pk").values_list("status", "payout_reference", "reason")),
            CommissionEntry.objects.count(),
            list(CommissionRule.objects.order_by("pk").values_list("name", "first_tier", "is_active")),
            list(PromoterLevel.objects.order_by("pk").values_list("name", "rank")),
            list(ReferralSettings.objects.values_list("enabled", "link_days", "minimum_withdrawal_cents")),
            OutboxEvent.objects.filter(kind__startswith="referral.").count(),
        )


def test_seeing_promoters_does_not_allow_changing_them(brand, in_tenant):
    """The forms are not shown and every action is refused to staff who may only look; changing
    promoters allows them, through the services."""
    tenant, data = brand
    grant(in_tenant, tenant, "referrals.view_promoter")
    client = log_in()
    page = client.get(f"{P}{data.mei.pk}/", HTTP_HOST=HOST)
    assert page.context["forms"] == []
    assert "/approve/" not in page.content.decode()
    listing = client.get(P, HTTP_HOST=HOST).content.decode()
    assert "export=csv" not in listing

    before = programme_state(in_tenant, tenant)
    posts = {
        f"{P}{data.mei.pk}/approve/": {},
        f"{P}{data.mei.pk}/refuse/": {"refuse-reason": "No"},
        f"{P}{data.tao.pk}/suspend/": {"suspend-reason": "No"},
        f"{P}{data.tao.pk}/reinstate/": {},
        f"{P}{data.tao.pk}/level/": {"level-level": str(data.gold.pk)},
    }
    assert {
        url: answer(client.post(url, body, HTTP_HOST=HOST)) for url, body in posts.items()
    } == dict.fromkeys(posts, REFUSED)
    assert programme_state(in_tenant, tenant) == before

    grant(in_tenant, tenant, "referrals.change_promoter")
    page = client.get(f"{P}{data.mei.pk}/", HTTP_HOST=HOST)
    assert [entry["action"].name for entry in page.context["forms"]] == ["approve", "refuse", "level"]
    response = client.post(f"{P}{data.mei.pk}/approve/", HTTP_HOST=HOST)
    assert answer(response) == (302, f"{P}{data.mei.pk}/")
    with in_tenant(tenant):
        assert Promoter.objects.get(pk=data.mei.pk).status == "active"


def test_seeing_withdrawals_does_not_allow_paying_them(brand, in_tenant):
    tenant, data = brand
    grant(in_tenant, tenant, "referrals.view_withdrawal")
    client = log_in()
    page = client.get(f"{W}{data.withdrawal.pk}/", HTTP_HOST=HOST)
    assert page.context["forms"] == []
    assert page.context["promoter_url"] == ""  # promoters are not theirs to open

    before = programme_state(in_tenant, tenant)
    posts = {
        f"{W}{data.withdrawal.pk}/pay/": {"pay-reference": "BANK-1"},
        f"{W}{data.withdrawal.pk}/reject/": {"reject-reason": "No"},
    }
    assert {
        url: answer(client.post(url, body, HTTP_HOST=HOST)) for url, body in posts.items()
    } == dict.fromkeys(posts, REFUSED)
    assert programme_state(in_tenant, tenant) == before

    grant(in_tenant, tenant, "referrals.pay_withdrawal")
    page = client.get(f"{W}{data.withdrawal.pk}/", HTTP_HOST=HOST)
    assert [entry["action"].name for entry in page.context["forms"]] == ["pay", "reject"]
    response = client.post(f"{W}{data.withdrawal.pk}/pay/", {"pay-reference": "BANK-1"}, HTTP_HOST=HOST)
    assert answer(response) == (302, W)
    with in_tenant(tenant):
        paid = Withdrawal.objects.get(pk=data.withdrawal.pk)
        assert (paid.status, paid.payout_reference, paid.decided_by.username) == ("paid", "BANK-1", "editor")


def test_every_csv_needs_the_export_permission(brand, in_tenant):
    tenant, data = brand
    grant(
        in_tenant,
        tenant,
        "referrals.change_promoter",
        "referrals.pay_withdrawal",
        "referrals.view_commissionentry",
    )
    client = log_in()
    for listing in (P, W, L):
        page = client.get(listing, HTTP_HOST=HOST).content.decode()
        assert (listing, "export=csv" in page) == (listing, False)
        assert answer(client.get(f"{listing}?export=csv", HTTP_HOST=HOST)) == REFUSED

    grant(in_tenant, tenant, "referrals.export_commission")
    for listing, rows in ((P, 3), (W, 2), (L, 5)):
        page = client.get(listing, HTTP_HOST=HOST).content.decode()
        assert "export=csv" in page
        assert "export=xlsx" not in page
        assert (listing, len(csv_rows(client.get(f"{listing}?export=csv", HTTP_HOST=HOST)))) == (
            listing,
            rows,
        )


def test_refused_rule_level_and_settings_posts_change_nothing(brand, in_tenant):
    tenant, data = brand
    grant(in_tenant, tenant, "referrals.view_commissionrule", "referrals.view_promoterlevel")
    client = log_in()
    rule = {"name": "X", "kind": "percent", "first_tier": "50", "second_tier": "0", "is_active": "on"}
    posts = {
        f"{R}new/": rule,
        f"{R}edit/{data.rule.pk}/": rule,
        f"{R}deactivate/{data.rule.pk}/": {},
        f"{R}delete/{data.rule.pk}/": {},
        f"{V}new/": {"name": "Silver", "rank": "5"},
        f"{V}edit/{data.gold.pk}/": {"name": "Golden", "rank": "2"},
        f"{V}delete/{data.gold.pk}/": {},
        f"/admin/settings/referrals/referralsettings/{data.settings.pk}/": {
            "link_days": "3",
            "order_days": "30",
            "return_days": "1",
            "minimum_withdrawal_cents": "1",
        },
    }
    before = programme_state(in_tenant, tenant)
    assert {
        url: answer(client.post(url, body, HTTP_HOST=HOST)) for url, body in posts.items()
    } == dict.fromkeys(posts, REFUSED)
    assert programme_state(in_tenant, tenant) == before


def test_staff_with_the_settings_permission_change_the_programme(brand, in_tenant):
    tenant, data = brand
    grant(in_tenant, tenant, "referrals.change_referralsettings")
    client = log_in()
    url = f"/admin/settings/referrals/referralsettings/{data.settings.pk}/"
    response = client.post(
        url,
        {
            "enabled": "on",
            "link_days": "14",
            "order_days": "90",
            "return_days": "10",
            "minimum_withdrawal_cents": "2000",
            "share_text": "Join me",
        },
        HTTP_HOST=HOST,
    )
    assert answer(response) == (302, url)
    with in_tenant(tenant):
        saved = ReferralSettings.load()
        assert (
            saved.enabled,
            saved.requires_approval,
            saved.link_days,
            saved.order_days,
            saved.return_days,
            saved.minimum_withdrawal_cents,
            saved.share_text,
        ) == (True, False, 14, 90, 10, 2000, "Join me")


def test_the_queue_knows_who_may_pay_and_export(brand, in_tenant):
    """The programme's permissions live on Promoter; the queue's and the ledger's policies find the
    staff holding them all the same (as Wagtail asks a policy for whom to tell)."""
    tenant, _data = brand

    def staff_with(policy, *actions):
        users = policy.users_with_any_permission(actions).filter(is_superuser=False)
        return sorted(users.values_list("username", flat=True))

    with in_tenant(tenant):
        assert staff_with(withdrawal_policy, PAY) == []
    grant(in_tenant, tenant, "referrals.pay_withdrawal")
    with in_tenant(tenant):
        assert staff_with(withdrawal_policy, PAY) == ["editor"]
        assert staff_with(withdrawal_policy, "view") == []
        assert staff_with(ledger_policy, EXPORT, "view") == []
    grant(in_tenant, tenant, "referrals.export_commission")
    with in_tenant(tenant):
        assert staff_with(ledger_policy, EXPORT, "view") == ["editor"]
