"""The audit log: every console action and lifecycle change is one row (who, when, what, from
where, which tenant), listed at /console/audit/ for the tenants the user may see."""

import pytest
from django.contrib.auth import get_user_model

from tenants import services
from tenants.console.views import AUDIT_PAGE_SIZE
from tenants.models import Agency, Tenant, TenantAuditEntry
from tests.agency_staff import HOST, OFFICE


def post(client, url, data=None, **extra):
    return client.post(url, data or {}, **{"REMOTE_ADDR": OFFICE, **HOST, **extra})


def rows_after(before: int) -> list[tuple]:
    return list(
        TenantAuditEntry.objects.filter(pk__gt=before)
        .order_by("pk")
        .values_list("tenant__schema_name", "action", "acting_user__username", "ip_address", "detail")
    )


def last_pk() -> int:
    return TenantAuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_every_console_action_writes_exactly_one_row_with_user_address_and_tenant(
    staff_client, agency, settings, in_tenant
):
    settings.ALLOW_MANUAL_DOMAIN_VERIFICATION = True
    before = last_pk()
    response = post(
        staff_client,
        "/console/tenants/new/",
        {
            "name": "Acme",
            "domain": "acme.localhost",
            "template": "service-desk",
            "admin_email": "boss@acme.example",
            "default_language": "en",
            "time_zone": "Europe/Berlin",
            "agency": agency.pk,
        },
    )
    assert response.status_code == 302
    tenant = Tenant.objects.get(schema_name="acme")
    created = rows_after(before)
    assert len(created) == 1
    assert created[0][:4] == ("acme", "created", "agent", OFFICE)

    base = f"/console/tenants/{tenant.pk}"
    steps = [
        (f"{base}/suspend/", {}, ("acme", "suspended", "agent", OFFICE, {})),
        (f"{base}/resume/", {}, ("acme", "resumed", "agent", OFFICE, {})),
        (f"{base}/domains/add/", {"domain": "shop.acme.example"}, None),
    ]
    for url, data, expected in steps:
        before = last_pk()
        post(staff_client, url, data)
        rows = rows_after(before)
        if expected:
            assert rows == [expected]
    assert rows == [("acme", "domain_added", "agent", OFFICE, {"domain": "shop.acme.example"})]

    domain = tenant.domains.get(domain="shop.acme.example")
    with in_tenant(tenant):
        admin_pk = get_user_model().objects.get().pk
    steps = [
        (
            f"{base}/domains/{domain.pk}/verify-by-hand/",
            {},
            ("domain_verified", {"domain": "shop.acme.example", "method": "by hand"}),
        ),
        (
            f"{base}/domains/{domain.pk}/make-primary/",
            {},
            ("domain_made_primary", {"domain": "shop.acme.example", "previous": "acme.localhost"}),
        ),
        (
            f"{base}/domains/{tenant.domains.get(domain='acme.localhost').pk}/remove/",
            {},
            ("domain_removed", {"domain": "acme.localhost"}),
        ),
        (
            f"{base}/admins/add/",
            {"email": "ops@acme.example"},
            ("admin_invited", {"email": "ops@acme.example"}),
        ),
        (f"{base}/admins/{admin_pk}/resend/", {}, ("invitation_resent", {"email": "boss@acme.example"})),
        (f"{base}/admins/{admin_pk}/revoke/", {}, ("invitation_revoked", {"email": "boss@acme.example"})),
        (f"{base}/archive/", {}, ("archived", {})),
    ]
    for url, data, (action, detail) in steps:
        before = last_pk()
        assert post(staff_client, url, data).status_code == 302
        assert rows_after(before) == [("acme", action, "agent", OFFICE, detail)]


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(staff_client, make_tenant, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    acme = make_tenant("acme")
    before = last_pk()

    post(
        staff_client,
        f"/console/tenants/{acme.tenant.pk}/suspend/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.5",
    )

    assert [row[3] for row in rows_after(before)] == ["203.0.113.5"]


def test_lifecycle_changes_from_the_command_line_are_recorded_without_user_or_address(make_tenant):
    acme = make_tenant("acme")
    services.suspend_tenant(acme.tenant)

    assert list(
        acme.tenant.audit_entries.order_by("pk").values_list(
            "action", "acting_user", "acting_username", "ip_address"
        )
    ) == [("created", None, "", None), ("suspended", None, "", None)]


@pytest.fixture
def logged(make_tenant, agent):
    """Two tenants of the agent's agency and one of another agency, each with known entries."""
    other_agency = Agency.objects.create(name="Other agency")
    colleague = get_user_model().objects.create_user("colleague", "c@example.com", "colleague-pass-9")
    acme = make_tenant("acme").tenant
    bravo = make_tenant("bravo").tenant
    foreign = make_tenant("foreign", owner=other_agency).tenant
    TenantAuditEntry.objects.all().delete()
    entries = {
        "acme_suspended": services.record_audit(acme, "suspended", agent, ip_address=OFFICE),
        "acme_resumed": services.record_audit(acme, "resumed", colleague, ip_address="10.0.0.5"),
        "bravo_domain": services.record_audit(
            bravo, "domain_added", agent, ip_address=OFFICE, domain="b.example"
        ),
        "foreign_suspended": services.record_audit(foreign, "suspended", agent, ip_address=OFFICE),
    }
    return {"acme": acme, "bravo": bravo, "foreign": foreign, **entries}


def listed(client, query: str = "") -> list[int]:
    response = client.get(f"/console/audit/{query}", **HOST)
    assert response.status_code == 200
    return [entry.pk for entry in response.context["page"]]


def test_the_audit_page_lists_the_users_tenants_entries_newest_first(staff_client, logged):
    assert listed(staff_client) == [
        logged["bravo_domain"].pk,
        logged["acme_resumed"].pk,
        logged["acme_suspended"].pk,
    ]
    page = staff_client.get("/console/audit/", **HOST).content.decode()
    assert "b.example" in page
    assert OFFICE in page
    assert "Foreign" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?tenant={acme}", ["acme_resumed", "acme_suspended"]),
        ("?action=suspended", ["acme_suspended"]),
        ("?user=colleague", ["acme_resumed"]),
        ("?user=agent&tenant={acme}", ["acme_suspended"]),
        ("?action=domain_added&user=agent", ["bravo_domain"]),
        ("?action=archived", []),
        # Another agency's tenant is not a choice: nothing is listed.
        ("?tenant={foreign}", []),
    ],
)
def test_the_audit_page_filters_give_exact_rows(staff_client, logged, query, expected):
    query = query.format(acme=logged["acme"].pk, foreign=logged["foreign"].pk)
    assert listed(staff_client, query) == [logged[name].pk for name in expected]


def test_a_platform_superuser_sees_every_agencys_entries(client, logged):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "root-pass-9")
    client.force_login(admin)
    assert len(listed(client)) == 4


def test_the_audit_page_is_paginated(staff_client, logged, agent):
    for _ in range(AUDIT_PAGE_SIZE):
        services.record_audit(logged["acme"], "suspended", agent, ip_address=OFFICE)

    first = listed(staff_client)
    second = listed(staff_client, "?page=2")
    third_filtered = listed(staff_client, "?action=suspended&page=2")

    assert len(first) == AUDIT_PAGE_SIZE
    assert second == [logged["bravo_domain"].pk, logged["acme_resumed"].pk, logged["acme_suspended"].pk]
    assert third_filtered == [logged["acme_suspended"].pk]
    assert (
        'href="?action=suspended&amp;page=1"'
        in staff_client.get("/console/audit/?action=suspended&page=2", **HOST).content.decode()
    )


def test_anonymous_visitors_and_users_in_no_agency_are_refused(client, logged):
    response = client.get("/console/audit/", **HOST)
    assert response.status_code == 302
    assert response["Location"] == "/console/login/?next=/console/audit/"

    client.force_login(get_user_model().objects.create_user("loner", "l@example.com", "loner-pass-9"))
    assert client.get("/console/audit/", **HOST).status_code == 404
