"""The agency's staff page (/console/staff/, owners only): add a member by e-mail (a new one gets a
set-password link shown once), change a role, limit a member to chosen portals, remove a member,
never the last owner; and what a member limited to some portals sees and may change."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client

from conftest import run_in_threads
from tenants import services
from tenants.models import Agency, AgencyMembership, Tenant, TenantAuditEntry
from tests.agency_staff import HOST, OFFICE, Role, logged_in, member, post


def memberships(agency) -> list[tuple]:
    return [
        (row.user.get_username(), row.role, sorted(t.schema_name for t in row.tenants.all()))
        for row in AgencyMembership.objects.filter(agency=agency)
        .select_related("user")
        .order_by("user__username")
    ]


def staff_rows(agency) -> list[tuple]:
    return list(
        TenantAuditEntry.objects.filter(agency=agency, tenant__isnull=True)
        .order_by("pk")
        .values_list("action", "acting_username", "ip_address", "detail")
    )


@pytest.fixture
def owner(agency):
    return member(agency, "owner")


def test_an_owner_adds_a_new_email_who_chooses_a_password_from_the_link_shown_once(
    agency, owner, django_capture_on_commit_callbacks
):
    client = logged_in(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            f"/console/staff/{agency.pk}/add/",
            {f"add-{agency.pk}-email": "New.Ops@Agency.Example", f"add-{agency.pk}-role": "operator"},
        )

    assert (response.status_code, response["Location"]) == (302, "/console/staff/")
    new = get_user_model().objects.get(username="new.ops@agency.example")
    assert (new.email, new.has_usable_password()) == ("new.ops@agency.example", False)
    assert memberships(agency) == [("new.ops@agency.example", "operator", []), ("owner", "owner", [])]
    assert staff_rows(agency) == [
        (
            "staff_added",
            "owner",
            OFFICE,
            {"email": "new.ops@agency.example", "role": "operator", "tenants": []},
        )
    ]
    assert mail.outbox[0].to == ["new.ops@agency.example"]
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
    assert link.startswith(f"http://localhost:8000/console/password/{''}")
    page = client.get("/console/staff/", **HOST).content.decode()
    assert link in page
    assert link not in client.get("/console/staff/", **HOST).content.decode()  # shown once

    browser = Client()
    path = link.removeprefix("http://localhost:8000")
    response = browser.get(path, **HOST)
    assert response.status_code == 302
    assert response["Location"].endswith("/set-password/")
    response = browser.post(
        response["Location"], {"new_password1": "Chosen-pass-42", "new_password2": "Chosen-pass-42"}, **HOST
    )
    assert (response.status_code, response["Location"]) == (302, "/console/login/")
    response = browser.post(
        "/console/login/", {"username": "new.ops@agency.example", "password": "Chosen-pass-42"}, **HOST
    )
    assert (response.status_code, response["Location"]) == (302, "/console/")
    # The link works once.
    assert Client().get(path, **HOST).status_code == 200
    assert "This link has expired or was already used." in Client().get(path, **HOST).content.decode()


def test_a_tenants_set_password_link_is_refused_by_the_console(agency, owner, make_tenant, in_tenant):
    """Tokens are salted with the schema (core.signing): the same user id in a tenant's schema does
    not open the console's set-password page."""
    acme = make_tenant("acme")
    uid_and_token = acme.invite_url.split("/confirm/")[1]
    response = Client().get(f"/console/password/{uid_and_token}", **HOST)
    assert response.status_code == 200
    assert "This link has expired or was already used." in response.content.decode()


def test_an_existing_console_user_joins_without_a_link(agency, owner):
    other = Agency.objects.create(name="Other agency")
    colleague = member(other, "colleague")
    client = logged_in(owner)

    response = post(
        client,
        f"/console/staff/{agency.pk}/add/",
        {f"add-{agency.pk}-email": "COLLEAGUE@agency.example", f"add-{agency.pk}-role": "read_only"},
    )

    assert response.status_code == 302
    assert memberships(agency) == [("colleague", "read_only", []), ("owner", "owner", [])]
    assert colleague.check_password("agency-pass-9")
    assert mail.outbox == []
    assert "Set-password link" not in client.get("/console/staff/", **HOST).content.decode()
    assert staff_rows(agency) == [
        (
            "staff_added",
            "owner",
            OFFICE,
            {"email": "colleague@agency.example", "role": "read_only", "tenants": []},
        )
    ]


def test_adding_a_member_twice_a_bad_address_or_another_agencys_portal_changes_nothing(
    agency, owner, make_tenant
):
    other = Agency.objects.create(name="Other agency")
    elsewhere = make_tenant("elsewhere", owner=other).tenant
    client = logged_in(owner)
    users_before = get_user_model().objects.count()
    prefix = f"add-{agency.pk}"

    twice = post(
        client,
        f"/console/staff/{agency.pk}/add/",
        {f"{prefix}-email": "OWNER@agency.example", f"{prefix}-role": "operator"},
    )
    bad = post(
        client,
        f"/console/staff/{agency.pk}/add/",
        {f"{prefix}-email": "not-an-address", f"{prefix}-role": "operator"},
    )
    foreign = post(
        client,
        f"/console/staff/{agency.pk}/add/",
        {
            f"{prefix}-email": "x@agency.example",
            f"{prefix}-role": "operator",
            f"{prefix}-tenants": [elsewhere.pk],
        },
    )

    assert (twice.status_code, bad.status_code, foreign.status_code) == (200, 200, 200)
    assert "owner@agency.example is already a member of" in twice.content.decode()
    assert "Enter a valid email address." in bad.content.decode()
    assert (
        f"Select a valid choice. {elsewhere.pk} is not one of the available choices."
        in foreign.content.decode()
    )
    assert memberships(agency) == [("owner", "owner", [])]
    assert get_user_model().objects.count() == users_before
    assert staff_rows(agency) == []
    with pytest.raises(services.ProvisioningError, match="Choose only portals of"):
        services.add_agency_member(
            agency, "x@agency.example", role="operator", tenants=[elsewhere], acting_user=owner
        )
    with pytest.raises(services.ProvisioningError, match="cannot be limited"):
        services.change_agency_member(
            AgencyMembership.objects.get(user=owner),
            role="owner",
            tenants=[make_tenant("acme").tenant],
            acting_user=owner,
        )
    assert memberships(agency) == [("owner", "owner", [])]
    assert staff_rows(agency) == []


def test_an_owner_limits_an_operator_who_then_sees_and_changes_only_those_portals(agency, owner, make_tenant):
    acme, beta = make_tenant("acme").tenant, make_tenant("beta").tenant
    operator = member(agency, "operator", Role.OPERATOR)
    membership = AgencyMembership.objects.get(user=operator)
    prefix = f"member-{membership.pk}"

    response = post(
        logged_in(owner),
        f"/console/staff/{agency.pk}/members/{membership.pk}/change/",
        {f"{prefix}-role": "operator", f"{prefix}-tenants": [acme.pk]},
    )

    assert (response.status_code, response["Location"]) == (302, "/console/staff/")
    assert memberships(agency) == [("operator", "operator", ["acme"]), ("owner", "owner", [])]
    assert staff_rows(agency) == [
        (
            "staff_changed",
            "owner",
            OFFICE,
            {"email": "operator@agency.example", "role": "operator", "tenants": ["acme"]},
        )
    ]
    client = logged_in(operator)
    assert [t.schema_name for t in client.get("/console/", **HOST).context["tenants"]] == ["acme"]
    assert client.get(f"/console/tenants/{acme.pk}/", **HOST).status_code == 200
    assert client.get(f"/console/tenants/{beta.pk}/", **HOST).status_code == 404
    assert [t["schema_name"] for t in client.get("/console/usage.json", **HOST).json()["tenants"]] == ["acme"]
    assert client.get(f"/console/usage/{beta.pk}/", **HOST).status_code == 404
    assert post(client, f"/console/usage/{beta.pk}/refresh/").status_code == 404
    assert "beta" not in client.get("/console/usage/", **HOST).content.decode()
    audit = client.get("/console/audit/", **HOST).context["page"]
    assert {entry.tenant.schema_name for entry in audit} == {"acme"}  # no staff rows, no beta
    assert client.get(f"/console/audit/?tenant={beta.pk}", **HOST).context["page"].object_list.count() == 0
    # A limited member creates no portal: they would not see it.
    assert client.get("/console/tenants/new/", **HOST).status_code == 403

    assert post(client, f"/console/tenants/{beta.pk}/suspend/").status_code == 404
    assert (
        post(client, f"/console/tenants/{beta.pk}/domains/add/", {"domain": "shop.beta.example"}).status_code
        == 404
    )
    assert post(client, f"/console/tenants/{acme.pk}/suspend/").status_code == 302
    connection.set_schema_to_public()
    assert dict(Tenant.objects.values_list("schema_name", "status")) == {
        "acme": "suspended",
        "beta": "active",
    }
    assert beta.domains.count() == 1


def test_a_limited_read_only_member_gets_403_on_their_portal_and_404_elsewhere(agency, owner, make_tenant):
    acme, beta = make_tenant("acme").tenant, make_tenant("beta").tenant
    viewer = member(agency, "viewer", Role.READ_ONLY, tenants=[acme])
    client = logged_in(viewer)

    assert client.get(f"/console/tenants/{acme.pk}/", **HOST).status_code == 200
    assert post(client, f"/console/tenants/{acme.pk}/archive/").status_code == 403
    assert post(client, f"/console/tenants/{beta.pk}/archive/").status_code == 404
    assert (
        post(client, f"/console/tenants/{acme.pk}/purge/", {"confirm_schema_name": "acme"}).status_code == 403
    )
    connection.set_schema_to_public()
    assert dict(Tenant.objects.values_list("schema_name", "status")) == {"acme": "active", "beta": "active"}


def test_the_last_owner_cannot_be_removed_or_demoted_and_nothing_changes(agency, owner):
    operator = member(agency, "operator", Role.OPERATOR)
    client = logged_in(owner)
    mine = AgencyMembership.objects.get(user=owner)

    removed = post(client, f"/console/staff/{agency.pk}/members/{mine.pk}/remove/")
    demoted = post(
        client,
        f"/console/staff/{agency.pk}/members/{mine.pk}/change/",
        {f"member-{mine.pk}-role": "operator"},
    )

    assert (removed.status_code, demoted.status_code) == (302, 302)
    page = client.get("/console/staff/", **HOST).content.decode()
    assert page.count("owner@agency.example is the last owner of Agency") == 2
    assert memberships(agency) == [("operator", "operator", []), ("owner", "owner", [])]
    assert staff_rows(agency) == []

    # With a second owner, the first may go.
    theirs = AgencyMembership.objects.get(user=operator)
    post(
        client,
        f"/console/staff/{agency.pk}/members/{theirs.pk}/change/",
        {f"member-{theirs.pk}-role": "owner"},
    )
    response = post(client, f"/console/staff/{agency.pk}/members/{mine.pk}/remove/")
    assert (response.status_code, response["Location"]) == (302, "/console/")
    assert memberships(agency) == [("operator", "owner", [])]
    assert staff_rows(agency) == [
        (
            "staff_changed",
            "owner",
            OFFICE,
            {"email": "operator@agency.example", "role": "owner", "tenants": []},
        ),
        ("staff_removed", "owner", OFFICE, {"email": "owner@agency.example", "role": "owner", "tenants": []}),
    ]
    assert client.get("/console/", **HOST).status_code == 404  # no longer in any agency


def test_operators_read_only_members_and_other_agencies_cannot_manage_staff(agency, owner):
    operator = member(agency, "operator", Role.OPERATOR)
    viewer = member(agency, "viewer", Role.READ_ONLY)
    stranger = member(Agency.objects.create(name="Other agency"), "stranger")
    mine = AgencyMembership.objects.get(user=owner)
    attempts = [
        (
            f"/console/staff/{agency.pk}/add/",
            {f"add-{agency.pk}-email": "x@agency.example", f"add-{agency.pk}-role": "owner"},
        ),
        (f"/console/staff/{agency.pk}/members/{mine.pk}/change/", {f"member-{mine.pk}-role": "read_only"}),
        (f"/console/staff/{agency.pk}/members/{mine.pk}/remove/", {}),
    ]
    before = memberships(agency)

    for user, page, refusal in [(operator, 403, 403), (viewer, 403, 403), (stranger, 200, 404)]:
        client = logged_in(user)
        assert client.get("/console/staff/", **HOST).status_code == page
        assert [post(client, url, data).status_code for url, data in attempts] == [refusal] * 3
        assert ("/console/staff/" in client.get("/console/", **HOST).content.decode()) is (user == stranger)

    assert memberships(agency) == before
    assert staff_rows(agency) == []
    assert not get_user_model().objects.filter(username="x@agency.example").exists()
    assert "/console/staff/" in logged_in(owner).get("/console/", **HOST).content.decode()


def test_staff_changes_are_in_the_audit_log_of_owners_only(agency, owner):
    operator = member(agency, "operator", Role.OPERATOR)
    services.add_agency_member(agency, "ops@agency.example", role="read_only", acting_user=owner)

    owners_log = logged_in(owner).get("/console/audit/", **HOST)
    operators_log = logged_in(operator).get("/console/audit/", **HOST)

    assert [entry.action for entry in owners_log.context["page"]] == ["staff_added"]
    assert f"{agency.name} (agency)" in owners_log.content.decode()
    assert list(operators_log.context["page"]) == []


def test_two_owners_removing_each_other_at_once_leave_one_owner(db):
    """Real concurrency, each thread on its own connection: the agency row lock makes the second
    removal see the first and refuse. The rows are committed by a thread of their own (the test's
    connection is inside its rolled-back transaction) and removed at the end."""

    def set_up(_):
        agency = Agency.objects.create(name="Race agency")
        first, second = member(agency, "race-one"), member(agency, "race-two")
        return (
            agency,
            [first, second],
            [AgencyMembership.objects.get(user=first), AgencyMembership.objects.get(user=second)],
        )

    def clean_up(_):
        TenantAuditEntry.objects.filter(agency=agency).delete()
        agency.delete()
        # Raw: the ORM's cascade looks for Wagtail's user tables, which only tenant schemas have.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM auth_user WHERE username IN ('race-one', 'race-two')")

    [(agency, users, rows)] = run_in_threads(1, set_up)
    try:
        results = run_in_threads(
            2, lambda index: services.remove_agency_member(rows[index], acting_user=users[1 - index])
        )
        assert sorted(type(result).__name__ for result in results) == ["NoneType", "ProvisioningError"]
        assert AgencyMembership.objects.filter(agency=agency, role=Role.OWNER).count() == 1
        assert TenantAuditEntry.objects.filter(agency=agency, action="staff_removed").count() == 1
    finally:
        assert run_in_threads(1, clean_up) == [None]
