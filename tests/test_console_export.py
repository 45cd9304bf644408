"""The console's export download (tenants.console.views.tenant_export): the same archive
`manage.py export_tenant` writes, for staff who may change the tenant, written in its audit log."""

import io
import tarfile

from django.db import connection

from tenants import portable
from tenants.models import TenantAuditEntry
from tests.agency_staff import HOST, OFFICE, Role, logged_in, member


def export(client, tenant):
    return client.post(f"/console/tenants/{tenant.pk}/export/", REMOTE_ADDR=OFFICE, **HOST)


def test_an_operator_downloads_the_tenants_archive(agency, make_tenant):
    acme = make_tenant("acme").tenant
    operator = member(agency, "operator", Role.OPERATOR)

    response = export(logged_in(operator), acme)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="acme-')
    assert disposition.endswith('.tar.gz"')
    archive = io.BytesIO(b"".join(response.streaming_content))
    manifest = portable.read_manifest(archive)
    assert (manifest["schema_name"], manifest["tenant"]["name"]) == ("acme", "Acme")
    assert [domain["domain"] for domain in manifest["domains"]] == ["acme.localhost"]
    archive.seek(0)
    with tarfile.open(fileobj=archive, mode="r:gz") as tar:
        assert "data/wagtailcore_page.copy" in tar.getnames()
    connection.set_schema_to_public()
    entry = TenantAuditEntry.objects.get(action="exported")
    assert (entry.tenant, entry.acting_username, entry.ip_address) == (acme, "operator", OFFICE)


def test_read_only_members_and_other_agencies_get_no_archive(agency, make_tenant):
    acme = make_tenant("acme").tenant
    reader = member(agency, "reader", Role.READ_ONLY)
    limited = member(agency, "limited", Role.OPERATOR, tenants=[make_tenant("other").tenant])

    assert export(logged_in(reader), acme).status_code == 403
    assert export(logged_in(limited), acme).status_code == 404
    assert logged_in(reader).get(f"/console/tenants/{acme.pk}/export/", **HOST).status_code == 405
    assert not TenantAuditEntry.objects.filter(action="exported").exists()
