"""Brand admins' invitations in the agency console (list, resend, revoke, add another), and the
agency staff's roles (owners and operators change tenants, read-only members only look)."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client

from tenants import services
from tenants.models import Agency, AgencyMembership, Tenant, TenantAuditEntry
from tests.agency_staff import HOST, OFFICE


@pytest.fixture
def acme(make_tenant):
    return make_tenant("acme")


def link_works(invite_url: str) -> bool:
    """True when the set-password link is accepted on the tenant's host (Django swaps a valid
    token for a session and redirects to the set-password form)."""
    response = Client().get(invite_url.removeprefix("http://acme.localhost:8000"), HTTP_HOST="acme.localhost")
    connection.set_schema_to_public()  # the request left the connection in the tenant's schema
    if response.status_code == 302:
        assert response["Location"].endswith("/set-password/")
        return True
    assert response.status_code == 200
    assert response.context["validlink"] is False
    return False


def first_admin(in_tenant, tenant):
    with in_tenant(tenant):
        return get_user_model().objects.get(username="admin@acme.example")


def post(client, url, data=None):
    return client.post(url, data or {}, REMOTE_ADDR=OFFICE, **HOST)


def invitation_entries(tenant):
    return list(
        TenantAuditEntry.objects.filter(tenant=tenant)
        .exclude(action=TenantAuditEntry.Action.CREATED)
        .values_list("action", "acting_username", "ip_address", "detail")
    )


def test_the_tenant_page_lists_its_brand_admins_with_the_pending_invitation(staff_client, acme):
    response = staff_client.get(f"/console/tenants/{acme.tenant.pk}/", **HOST)

    assert response.status_code == 200
    admins = response.context["admins"]
    assert [(admin.email, admin.state) for admin in admins] == [("admin@acme.example", "pending")]
    page = response.content.decode()
    assert "Invitation pending" in page
    assert f"/console/tenants/{acme.tenant.pk}/admins/{admins[0].pk}/resend/" in page


def test_resending_gives_a_working_new_link_and_the_old_one_stops_working(
    staff_client, agent, acme, in_tenant, django_capture_on_commit_callbacks
):
    admin = first_admin(in_tenant, acme.tenant)
    assert link_works(acme.invite_url)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = post(staff_client, f"/console/tenants/{acme.tenant.pk}/admins/{admin.pk}/resend/")

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin@acme.example"]
    new_url = next(line for line in mail.outbox[0].body.splitlines() if line.startswith("http://"))
    assert new_url != acme.invite_url
    assert link_works(acme.invite_url) is False
    assert link_works(new_url) is True
    assert invitation_entries(acme.tenant) == [
        ("invitation_resent", "agent", OFFICE, {"email": "admin@acme.example"})
    ]
    entry = TenantAuditEntry.objects.get(action="invitation_resent")
    assert entry.acting_user == agent
    # The new link is shown once on the tenant page.
    page = staff_client.get(response["Location"], **HOST).content.decode()
    assert new_url in page


def test_revoking_stops_the_link_and_deactivates_the_admin(staff_client, acme, in_tenant):
    admin = first_admin(in_tenant, acme.tenant)

    response = post(staff_client, f"/console/tenants/{acme.tenant.pk}/admins/{admin.pk}/revoke/")

    assert response.status_code == 302
    assert link_works(acme.invite_url) is False
    assert first_admin(in_tenant, acme.tenant).is_active is False
    assert [a.state for a in services.brand_admins(acme.tenant)] == ["revoked"]
    assert invitation_entries(acme.tenant) == [
        ("invitation_revoked", "agent", OFFICE, {"email": "admin@acme.example"})
    ]

    # Revoking again changes nothing and records nothing.
    post(staff_client, f"/console/tenants/{acme.tenant.pk}/admins/{admin.pk}/revoke/")
    assert len(invitation_entries(acme.tenant)) == 1


def test_a_revoked_admin_can_be_invited_again(staff_client, acme, in_tenant):
    admin = first_admin(in_tenant, acme.tenant)
    services.revoke_invitation(acme.tenant, admin.pk)

    new_url = services.resend_invitation(acme.tenant, admin.pk)

    assert first_admin(in_tenant, acme.tenant).is_active is True
    assert link_works(new_url) is True


def test_resending_is_refused_once_the_admin_has_a_password(staff_client, acme, in_tenant):
    admin = first_admin(in_tenant, acme.tenant)
    with in_tenant(acme.tenant):
        admin.set_password("brew-better-2026")
        admin.save()

    response = post(staff_client, f"/console/tenants/{acme.tenant.pk}/admins/{admin.pk}/resend/")
    post(staff_client, f"/console/tenants/{acme.tenant.pk}/admins/{admin.pk}/revoke/")

    assert response.status_code == 302
    page = staff_client.get(response["Location"], **HOST).content.decode()
    assert "admin@acme.example has already chosen a password" in page
    assert first_admin(in_tenant, acme.tenant).check_password("brew-better-2026")
    assert first_admin(in_tenant, acme.tenant).is_active is True
    assert invitation_entries(acme.tenant) == []


def test_adding_a_brand_admin_invites_them(staff_client, acme, in_tenant, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            staff_client, f"/console/tenants/{acme.tenant.pk}/admins/add/", {"email": "Ops@Acme.example"}
        )

    assert response.status_code == 302
    with in_tenant(acme.tenant):
        user = get_user_model().objects.get(username="ops@acme.example")
        assert (user.email, user.is_staff, user.is_superuser, user.has_usable_password()) == (
            "ops@acme.example",
            True,
            True,
            False,
        )
    assert [m.to for m in mail.outbox] == [["ops@acme.example"]]
    link = next(line for line in mail.outbox[0].body.splitlines() if line.startswith("http://"))
    assert link_works(link) is True
    assert [(a.email, a.state) for a in services.brand_admins(acme.tenant)] == [
        ("admin@acme.example", "pending"),
        ("ops@acme.example", "pending"),
    ]
    assert invitation_entries(acme.tenant) == [
        ("admin_invited", "agent", OFFICE, {"email": "ops@acme.example"})
    ]


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("not-an-email", "Enter a valid email address."),
        ("ADMIN@acme.example", "admin@acme.example is already a user of this portal."),
    ],
)
def test_adding_a_brand_admin_is_refused_for_a_bad_or_existing_address(
    staff_client, acme, in_tenant, email, error
):
    response = post(staff_client, f"/console/tenants/{acme.tenant.pk}/admins/add/", {"email": email})

    assert response.status_code == 200
    assert response.context["admin_form"].errors == {"email": [error]}
    with in_tenant(acme.tenant):
        assert get_user_model().objects.count() == 1
    assert invitation_entries(acme.tenant) == []


def test_the_service_refuses_a_bad_address_too(acme):
    with pytest.raises(services.ProvisioningError) as refused:
        services.invite_another_brand_admin(acme.tenant, "nobody@")
    assert refused.value.field == "email"


def test_archived_tenants_admins_cannot_change(staff_client, acme, in_tenant):
    services.archive_tenant(acme.tenant)
    admin = first_admin(in_tenant, acme.tenant)  # an archived portal answers 404: compare the hash

    post(staff_client, f"/console/tenants/{acme.tenant.pk}/admins/{admin.pk}/revoke/")
    post(staff_client, f"/console/tenants/{acme.tenant.pk}/admins/add/", {"email": "ops@acme.example"})

    after = first_admin(in_tenant, acme.tenant)
    assert (after.is_active, after.password) == (True, admin.password)
    with in_tenant(acme.tenant):
        assert get_user_model().objects.count() == 1
    assert [e[0] for e in invitation_entries(acme.tenant)] == ["archived"]


def test_another_agencys_staff_and_anonymous_visitors_change_nothing(client, acme, in_tenant):
    other = Agency.objects.create(name="Other agency")
    outsider = get_user_model().objects.create_user("outsider", "o@example.com", "outsider-pass-9")
    other.staff.add(outsider)
    admin = first_admin(in_tenant, acme.tenant)
    urls = [
        (f"/console/tenants/{acme.tenant.pk}/admins/{admin.pk}/resend/", {}),
        (f"/console/tenants/{acme.tenant.pk}/admins/{admin.pk}/revoke/", {}),
        (f"/console/tenants/{acme.tenant.pk}/admins/add/", {"email": "ops@acme.example"}),
    ]

    for url, data in urls:
        assert post(client, url, data)["Location"].startswith("/console/login/")
    client.force_login(outsider)
    for url, data in urls:
        assert post(client, url, data).status_code == 404

    assert link_works(acme.invite_url) is True
    assert first_admin(in_tenant, acme.tenant).is_active is True
    with in_tenant(acme.tenant):
        assert get_user_model().objects.count() == 1
    assert invitation_entries(acme.tenant) == []


# --- agency staff roles ---


def member(agency, username: str, role: str):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "member-pass-9")
    AgencyMembership.objects.create(agency=agency, user=user, role=role)
    return user


def test_members_added_without_a_role_are_owners(agent, agency):
    assert AgencyMembership.objects.get(agency=agency, user=agent).role == "owner"


def test_a_read_only_member_sees_the_portal_and_its_log_but_changes_nothing(
    client, agency, acme, in_tenant, settings
):
    settings.ALLOW_MANUAL_DOMAIN_VERIFICATION = True
    client.force_login(member(agency, "viewer", AgencyMembership.Role.READ_ONLY))
    admin = first_admin(in_tenant, acme.tenant)
    extra = services.add_domain(acme.tenant, "shop.acme.example")
    entries_before = TenantAuditEntry.objects.count()

    page = client.get(f"/console/tenants/{acme.tenant.pk}/", **HOST)
    assert page.status_code == 200
    assert page.context["can_change"] is False
    html = page.content.decode()
    for button in ("Suspend", "Archive", "Resend invitation", "Revoke", "Invite brand admin", "Add domain"):
        assert f">{button}</button>" not in html
    assert client.get("/console/audit/", **HOST).status_code == 200
    usage_page = client.get(f"/console/usage/{acme.tenant.pk}/", **HOST).content.decode()
    assert ">Refresh now</button>" not in usage_page
    assert client.get("/console/tenants/new/", **HOST).status_code == 403

    base = f"/console/tenants/{acme.tenant.pk}"
    doors = [
        (f"{base}/suspend/", {}),
        (f"{base}/archive/", {}),
        (f"{base}/domains/add/", {"domain": "more.acme.example"}),
        (f"{base}/domains/{extra.pk}/verify-by-hand/", {}),
        (f"{base}/domains/{extra.pk}/remove/", {}),
        (f"{base}/admins/add/", {"email": "ops@acme.example"}),
        (f"{base}/admins/{admin.pk}/resend/", {}),
        (f"{base}/admins/{admin.pk}/revoke/", {}),
        ("/console/tenants/new/", {"name": "Other", "domain": "other.localhost", "agency": agency.pk}),
        (f"/console/usage/{acme.tenant.pk}/refresh/", {}),
    ]
    for url, data in doors:
        assert post(client, url, data).status_code == 403, url

    acme.tenant.refresh_from_db()
    assert acme.tenant.status == "active"
    assert list(acme.tenant.domains.values_list("domain", "verified_at")) == [
        ("acme.localhost", acme.domain.verified_at),
        ("shop.acme.example", None),
    ]
    assert link_works(acme.invite_url) is True
    with in_tenant(acme.tenant):
        assert get_user_model().objects.count() == 1
    assert Tenant.objects.count() == 1
    assert TenantAuditEntry.objects.count() == entries_before


def test_an_operator_changes_the_agencys_portals(client, agency, acme, in_tenant):
    client.force_login(member(agency, "operator", AgencyMembership.Role.OPERATOR))

    assert client.get(f"/console/tenants/{acme.tenant.pk}/", **HOST).context["can_change"] is True
    response = post(client, f"/console/tenants/{acme.tenant.pk}/admins/add/", {"email": "ops@acme.example"})
    assert response.status_code == 302
    assert post(client, f"/console/tenants/{acme.tenant.pk}/suspend/").status_code == 302

    acme.tenant.refresh_from_db()
    assert acme.tenant.status == "suspended"
    assert [a.email for a in services.brand_admins(acme.tenant)] == ["admin@acme.example", "ops@acme.example"]
