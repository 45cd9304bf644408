"""Archived tenants come back (restore) or go for good (purge): the schema, media folder, tenant,
domains, usage and request counts are deleted in one transaction, the audit entries stay with the
tenant's name, and the domain is free for a new tenant at once."""

import datetime
import os

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import translation

from tenants import services, usage
from tenants.models import (
    AgencyMembership,
    Domain,
    Tenant,
    TenantAuditEntry,
    TenantRequestCount,
    TenantUsage,
)
from tests.agency_staff import HOST, OFFICE, Role, logged_in, member, post


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [name])
        return cursor.fetchone() is not None


def media_folder(schema: str) -> str:
    return os.path.join(settings.MEDIA_ROOT, schema)


def put_a_file_in_media(schema: str) -> str:
    path = os.path.join(media_folder(schema), "original_images", "abc123", "logo.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as file:
        file.write(b"\x89PNG fake")
    return path


@pytest.fixture
def owner(agency):
    return member(agency, "owner")


@pytest.fixture
def archived(make_tenant, owner):
    tenant = make_tenant("acme").tenant
    services.archive_tenant(tenant, acting_user=owner)
    return tenant


def test_restoring_an_archived_tenant_serves_its_domain_again(
    archived, owner, django_capture_on_commit_callbacks
):
    client = logged_in(owner)
    assert client.get("/", HTTP_HOST="acme.localhost").status_code == 404
    page = client.get(f"/console/tenants/{archived.pk}/", **HOST).content.decode()
    assert f'action="/console/tenants/{archived.pk}/restore/"' in page
    assert f'action="/console/tenants/{archived.pk}/purge/"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, f"/console/tenants/{archived.pk}/restore/")

    assert (response.status_code, response["Location"]) == (302, f"/console/tenants/{archived.pk}/")
    archived.refresh_from_db()
    assert archived.status == "active"
    entry = TenantAuditEntry.objects.filter(tenant=archived).order_by("-pk").first()
    assert (entry.action, entry.acting_username, entry.ip_address, entry.detail) == (
        "restored",
        "owner",
        OFFICE,
        {},
    )
    assert client.get("/", HTTP_HOST="acme.localhost").status_code == 200
    connection.set_schema_to_public()
    translation.activate("en")  # the request to Acme's portal left its Chinese active
    with pytest.raises(services.ProvisioningError, match="Acme is active; it cannot be active now."):
        services.restore_tenant(archived, acting_user=owner)


def test_purging_deletes_schema_files_rows_and_frees_the_domain_and_keeps_the_audit(
    agency, archived, owner, make_tenant, django_capture_on_commit_callbacks
):
    beta = make_tenant("beta").tenant
    only_acme = member(agency, "only-acme", Role.OPERATOR, tenants=[archived])
    both = member(agency, "both", Role.READ_ONLY, tenants=[archived, beta])
    usage.record_usage(archived)
    TenantRequestCount.objects.create(tenant=archived, day=datetime.date(2026, 11, 1), count=12)
    file_path = put_a_file_in_media("acme")
    history = list(
        TenantAuditEntry.objects.filter(tenant=archived).order_by("pk").values_list("pk", "action")
    )
    assert [action for _, action in history] == ["created", "archived"]
    client = logged_in(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, f"/console/tenants/{archived.pk}/purge/", {"confirm_schema_name": "acme"})

    assert (response.status_code, response["Location"]) == (302, "/console/")
    connection.set_schema_to_public()
    assert not schema_exists("acme")
    assert not os.path.exists(file_path)
    assert not os.path.exists(media_folder("acme"))
    assert not Tenant.objects.filter(pk=archived.pk).exists()
    assert not Domain.objects.filter(domain="acme.localhost").exists()
    assert not TenantUsage.objects.filter(tenant_id=archived.pk).exists()
    assert not TenantRequestCount.objects.filter(tenant_id=archived.pk).exists()
    # The history stays, with the name and agency kept beside it.
    kept = TenantAuditEntry.objects.filter(pk__in=[pk for pk, _ in history]).order_by("pk")
    assert [(e.tenant_id, e.tenant_name, e.agency_id, e.action) for e in kept] == [
        (None, "Acme", agency.pk, "created"),
        (None, "Acme", agency.pk, "archived"),
    ]
    purged = TenantAuditEntry.objects.get(action="purged")
    assert (
        purged.tenant_id,
        purged.tenant_name,
        purged.agency_id,
        purged.acting_username,
        purged.ip_address,
    ) == (
        None,
        "Acme",
        agency.pk,
        "owner",
        OFFICE,
    )
    assert purged.detail == {"schema_name": "acme", "domains": ["acme.localhost"]}
    # The member who could see only Acme is removed (none chosen would mean every portal); the other keeps Beta.
    assert not AgencyMembership.objects.filter(user=only_acme).exists()
    assert [t.schema_name for t in AgencyMembership.objects.get(user=both).tenants.all()] == ["beta"]
    removed = TenantAuditEntry.objects.get(action="staff_removed")
    assert (removed.tenant_id, removed.agency_id, removed.detail) == (
        None,
        agency.pk,
        {"email": "only-acme@agency.example", "role": "operator", "tenants": ["acme"]},
    )
    log = client.get("/console/audit/", **HOST).content.decode()
    assert log.count("Acme (purged)") == 3

    # The domain is unknown at once and can be given to a new tenant.
    assert Client().get("/", HTTP_HOST="acme.localhost").status_code == 404
    connection.set_schema_to_public()
    again = make_tenant("acme", name="Acme Again").tenant
    assert "Acme Again" in Client().get("/", HTTP_HOST="acme.localhost").content.decode()
    # ... under another schema name: what the purged one handed out is keyed with its own.
    assert again.schema_name == "acme_2"
    connection.set_schema_to_public()
    with translation.override("en"), pytest.raises(services.ProvisioningError) as refused:
        make_tenant("acme-new", schema_name="acme")  # the request above left the brand's Chinese on
    assert refused.value.message == "The schema name 'acme' belonged to a purged portal; choose another."


def test_purge_is_refused_unless_archived_and_confirmed_and_changes_nothing(archived, owner, make_tenant):
    live = make_tenant("live").tenant
    file_path = put_a_file_in_media("acme")
    client = logged_in(owner)
    entries_before = TenantAuditEntry.objects.count()

    wrong = post(client, f"/console/tenants/{archived.pk}/purge/", {"confirm_schema_name": "ACME"})
    empty = post(client, f"/console/tenants/{archived.pk}/purge/", {"confirm_schema_name": ""})
    active = post(client, f"/console/tenants/{live.pk}/purge/", {"confirm_schema_name": "live"})

    assert (wrong.status_code, empty.status_code) == (200, 200)
    assert (active.status_code, active["Location"]) == (302, f"/console/tenants/{live.pk}/")
    assert "Type the schema name acme exactly to confirm." in wrong.content.decode()
    assert "This field is required." in empty.content.decode()
    shown = client.get(active["Location"], **HOST).content.decode()
    assert "Live is active; only an archived portal can be purged." in shown
    connection.set_schema_to_public()
    assert schema_exists("acme")
    assert schema_exists("live")
    assert os.path.exists(file_path)
    assert set(Tenant.objects.values_list("schema_name", flat=True)) == {"acme", "live"}
    assert Domain.objects.filter(domain="acme.localhost").exists()
    assert TenantAuditEntry.objects.count() == entries_before


def test_a_failure_while_purging_leaves_schema_rows_and_files_as_they_were(archived, owner, monkeypatch):
    """All or nothing: the schema is dropped inside the transaction, so a failure after it brings
    it back; the files are deleted only after commit."""
    file_path = put_a_file_in_media("acme")
    entries_before = TenantAuditEntry.objects.count()

    def failing_delete(self, *args, **kwargs):
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(Tenant, "delete", failing_delete)
    with pytest.raises(RuntimeError, match="the disk caught fire"):
        services.purge_tenant(archived, confirm_schema_name="acme", acting_user=owner)

    assert schema_exists("acme")
    assert os.path.exists(file_path)
    assert Tenant.objects.filter(pk=archived.pk, status="archived").exists()
    assert Domain.objects.filter(domain="acme.localhost", tenant=archived).exists()
    assert TenantAuditEntry.objects.count() == entries_before


def test_read_only_and_out_of_scope_members_cannot_restore_or_purge(agency, archived, make_tenant):
    beta = make_tenant("beta").tenant
    services.archive_tenant(beta)
    viewer = member(agency, "viewer", Role.READ_ONLY)
    beta_only = member(agency, "beta-only", Role.OPERATOR, tenants=[beta])
    entries_before = TenantAuditEntry.objects.count()

    viewer_client, scoped_client = logged_in(viewer), logged_in(beta_only)
    assert post(viewer_client, f"/console/tenants/{archived.pk}/restore/").status_code == 403
    assert (
        post(
            viewer_client, f"/console/tenants/{archived.pk}/purge/", {"confirm_schema_name": "acme"}
        ).status_code
        == 403
    )
    assert post(scoped_client, f"/console/tenants/{archived.pk}/restore/").status_code == 404
    assert (
        post(
            scoped_client, f"/console/tenants/{archived.pk}/purge/", {"confirm_schema_name": "acme"}
        ).status_code
        == 404
    )
    page = viewer_client.get(f"/console/tenants/{archived.pk}/", **HOST).content.decode()
    assert "/restore/" not in page
    assert "/purge/" not in page

    connection.set_schema_to_public()
    assert schema_exists("acme")
    assert dict(Tenant.objects.values_list("schema_name", "status")) == {
        "acme": "archived",
        "beta": "archived",
    }
    assert TenantAuditEntry.objects.count() == entries_before
