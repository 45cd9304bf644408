"""Moving a tenant (issue 16 part 5): export_tenant writes one archive, import_tenant restores it
exactly, under the same name or a new one; bad input changes nothing."""

import hashlib
import io
import json
import os
import re
import shutil
import tarfile

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from conftest import committed_tenant
from portals.demo import DEMO_LEVELS, DEMO_TENANTS, add_levels, seed_demo_members
from portals.demo_mall import product_picture, seed_demo_shop
from tenants import portable, schemas, services
from tenants.models import Agency, Domain, Tenant, TenantAuditEntry, TenantRequestCount, TenantUsage

# Labels no other test uses: media folders are shared by every test database (MEDIA_ROOT).
LABEL = "portable-acme"
SCHEMA = "portable_acme"


def media_folder(schema_name: str) -> str:
    return os.path.join(settings.MEDIA_ROOT, schema_name)


@pytest.fixture(autouse=True)
def _remove_media_folders():
    """The media files these tests write are not rolled back with the database."""
    yield
    for name in os.listdir(settings.MEDIA_ROOT) if os.path.isdir(settings.MEDIA_ROOT) else []:
        if name.startswith(("portable_", "moved_")):
            shutil.rmtree(media_folder(name), ignore_errors=True)


@pytest.fixture
def acme(make_tenant):
    """A member-mall tenant with real content: levels, customers with points, the demo shop (products,
    pictures, orders), a document and an image rendition; usage rows and audit history."""
    tenant = make_tenant(LABEL, name="Acme Portable").tenant
    with schema_context(tenant.schema_name):
        add_levels(*DEMO_LEVELS["member-mall"])
        seed_demo_members(DEMO_TENANTS[0])
        seed_demo_shop("lumen")
        get_document_model().objects.create(title="Menu", file=ContentFile(b"%PDF-1.4 menu", name="menu.pdf"))
        product_picture("Beans", 99).get_rendition("fill-20x20")
    TenantUsage.objects.create(
        tenant=tenant,
        day="2026-11-25",
        pages=8,
        members=4,
        orders=4,
        bookings=None,
        active_customers_30d=3,
        requests_30d=120,
        media_bytes=1000,
        database_bytes=5000,
    )
    TenantRequestCount.objects.create(tenant=tenant, day="2026-11-25", count=120)
    return tenant


def export(tenant) -> bytes:
    buffer = io.BytesIO()
    portable.export_tenant(tenant, buffer)
    return buffer.getvalue()


def remove_tenant(tenant) -> None:
    """What a purge does: the schema, the registry rows and the media folder go."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no table drops with checks pending
    schemas.drop_schema(tenant.schema_name)
    Domain.objects.filter(tenant=tenant).delete()
    Tenant.objects.filter(pk=tenant.pk).delete()
    shutil.rmtree(media_folder(tenant.schema_name))


def registry_fields(tenant) -> dict:
    tenant = Tenant.objects.get(pk=tenant.pk)
    return {
        "schema_name": tenant.schema_name,
        "name": tenant.name,
        "status": tenant.status,
        "admin_email": tenant.admin_email,
        "default_language": tenant.default_language,
        "time_zone": tenant.time_zone,
        "portal_template": tenant.portal_template.key,
        "created_at": tenant.created_at,
        "agency": tenant.agency.name,
        "domains": list(tenant.domains.values_list("domain", "is_primary", "verified_at", "created_at")),
        "usage": list(tenant.usage.values_list("day", "pages", "members", "requests_30d", "database_bytes")),
        "request_counts": list(tenant.request_counts.values_list("day", "count")),
        "audit": list(
            TenantAuditEntry.objects.filter(tenant=tenant)
            .exclude(action__in=["exported", "imported"])
            .order_by("at")
            .values_list("action", "at", "acting_username", "detail")
        ),
    }


def portal_home(domain: str):
    response = Client().get("/", HTTP_HOST=domain)
    connection.set_schema_to_public()
    return response


def what_exists() -> dict:
    """Everything a refused import must leave as it was."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata ORDER BY 1")
        schema_names = [row[0] for row in cursor.fetchall()]
    return {
        "schemas": schema_names,
        "tenants": list(Tenant.objects.order_by("pk").values_list("pk", "schema_name", "name")),
        "domains": list(Domain.objects.order_by("pk").values_list("pk", "domain", "tenant_id")),
        "audit": TenantAuditEntry.objects.count(),
        "usage": TenantUsage.objects.count(),
        "media": sorted(os.listdir(settings.MEDIA_ROOT)),
    }


def test_round_trip_under_the_same_name_gives_back_every_row_sequence_and_file(acme):
    rows_before = portable.snapshot_schema(SCHEMA)
    media_before = portable.media_checksums(SCHEMA)
    registry_before = registry_fields(acme)
    archive = export(acme)
    assert len(media_before) >= 10  # product pictures, their renditions, the document, Beans
    assert any(name.startswith("documents/") for name in media_before)
    assert rows_before["tables"]["mall_order"]
    assert rows_before["tables"]["members_member"]
    remove_tenant(acme)
    assert not schemas.schema_exists(SCHEMA)

    summary = portable.import_tenant(io.BytesIO(archive), agency=acme.agency)

    assert summary.tenant.schema_name == SCHEMA
    assert summary.archive_schema_name == SCHEMA
    assert portable.snapshot_differences(rows_before, portable.snapshot_schema(SCHEMA)) == []
    assert portable.media_checksums(SCHEMA) == media_before
    registry_after = registry_fields(summary.tenant)
    assert registry_after == registry_before
    imported = TenantAuditEntry.objects.get(tenant=summary.tenant, action="imported")
    assert imported.detail["archive_schema_name"] == SCHEMA
    # The purged tenant's own history is attached again, not copied.
    assert TenantAuditEntry.objects.filter(tenant__isnull=True, tenant_name="Acme Portable").count() == 0
    response = portal_home(f"{LABEL}.localhost")
    assert response.status_code == 200
    assert "Acme Portable" in response.content.decode()


def test_import_under_a_new_name_and_domain_beside_the_original(acme):
    archive = export(acme)
    original_rows = portable.snapshot_schema(SCHEMA)
    original_media = portable.media_checksums(SCHEMA)
    original_registry = registry_fields(acme)

    summary = portable.import_tenant(
        io.BytesIO(archive),
        agency=acme.agency,
        schema_name="moved_acme",
        name="Acme Moved",
        domain="moved.localhost",
    )

    moved = summary.tenant
    assert (moved.schema_name, moved.name, moved.agency_id) == ("moved_acme", "Acme Moved", acme.agency_id)
    assert list(moved.domains.values_list("domain", "is_primary")) == [("moved.localhost", True)]
    # Every table equal except the one rewritten column; there, the new domain.
    assert portable.schema_differences(SCHEMA, "moved_acme") == ["wagtailcore_site"]
    assert (
        portable.schema_differences(SCHEMA, "moved_acme", ignore_columns=portable.REWRITTEN_FOR_NEW_DOMAIN)
        == []
    )
    with schema_context("moved_acme"):
        from wagtail.models import Site

        assert list(Site.objects.values_list("hostname", "is_default_site")) == [("moved.localhost", True)]
    assert portable.media_checksums("moved_acme") == original_media
    # The original is untouched.
    assert portable.snapshot_differences(original_rows, portable.snapshot_schema(SCHEMA)) == []
    assert portable.media_checksums(SCHEMA) == original_media
    assert registry_fields(acme) == original_registry
    moved_page = portal_home("moved.localhost")
    assert moved_page.status_code == 200
    assert "Acme Portable" in moved_page.content.decode()  # the home page is the brand's, as exported
    assert portal_home(f"{LABEL}.localhost").status_code == 200


def test_an_export_holds_only_its_own_tenants_rows_and_files(make_tenant):
    alpha = make_tenant("portable-alpha").tenant
    bravo = make_tenant("portable-bravo", name="Bravo Brand Only").tenant
    with schema_context(bravo.schema_name):
        bravo_image = get_image_model().objects.create(
            title="Bravo secret picture", file=ContentFile(product_picture_bytes(), name="bravo.png")
        )
    with schema_context(alpha.schema_name):
        get_image_model().objects.create(
            title="Alpha picture", file=ContentFile(product_picture_bytes(), name="a.png")
        )

    with tarfile.open(fileobj=io.BytesIO(export(alpha)), mode="r:gz") as archive:
        contents = b"".join(
            archive.extractfile(member).read() for member in archive.getmembers() if member.isfile()
        )
        names = archive.getnames()
    assert b"Bravo" not in contents
    assert b"portable-bravo" not in contents
    assert bravo_image.file.name.encode() not in contents
    assert sorted(name.removeprefix("media/") for name in names if name.startswith("media/")) == sorted(
        portable.media_checksums(alpha.schema_name)
    )


def product_picture_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    return buffer.getvalue()


# --- the commands -----------------------------------------------------------------------------------


def test_export_and_import_commands_print_their_summaries(acme, tmp_path):
    path = tmp_path / "acme.tar.gz"
    out = io.StringIO()
    call_command("export_tenant", SCHEMA, str(path), stdout=out)
    tables = schemas.schema_tables(SCHEMA)
    with connection.cursor() as cursor:
        rows = 0
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{SCHEMA}"."{table}"')
            rows += cursor.fetchone()[0]
    media = len(portable.media_checksums(SCHEMA))
    megabytes = f"{os.path.getsize(path) / 1_000_000:,.1f} MB"
    assert re.search(
        rf"^Exported {SCHEMA}: {len(tables):,} tables, {rows:,} rows, {media:,} media files, {megabytes} "
        rf"to {re.escape(str(path))} in \d+\.\d s\.$",
        out.getvalue(),
        re.MULTILINE,
    ), out.getvalue()
    assert "exported 1" in out.getvalue()  # the progress bar's lines (not a terminal)
    assert TenantAuditEntry.objects.get(tenant=acme, action="exported").detail == {
        "tables": len(tables),
        "rows": rows,
        "media_files": media,
    }

    out = io.StringIO()
    call_command(
        "import_tenant", str(path), "--schema-name=moved_cmd", "--domain=moved-cmd.localhost", stdout=out
    )
    assert re.search(
        rf"^Imported {SCHEMA} as moved_cmd \(Acme Portable, on moved-cmd.localhost\): {len(tables):,} tables, "
        rf"{rows:,} rows, {media:,} media files, [\d.,]+ MB of media from {re.escape(str(path))} in \d+\.\d s\.$",
        out.getvalue(),
        re.MULTILINE,
    ), out.getvalue()
    assert Tenant.objects.get(schema_name="moved_cmd").agency == acme.agency  # the archive's agency
    shutil.rmtree(media_folder("moved_cmd"), ignore_errors=True)


def test_quiet_commands_print_nothing(acme, tmp_path):
    path = tmp_path / "acme.tar.gz"
    out = io.StringIO()
    call_command("export_tenant", SCHEMA, str(path), verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert path.stat().st_size > 0


def test_exporting_an_unknown_schema_or_onto_an_existing_file_is_refused(acme, tmp_path):
    with pytest.raises(CommandError, match="There is no tenant with the schema 'nope'"):
        call_command("export_tenant", "nope", str(tmp_path / "x.tar.gz"))
    assert not (tmp_path / "x.tar.gz").exists()
    existing = tmp_path / "there.tar.gz"
    existing.write_bytes(b"keep")
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_tenant", SCHEMA, str(existing))
    assert existing.read_bytes() == b"keep"


# --- refusals: nothing changes -----------------------------------------------------------------------


@pytest.fixture
def archive_path(acme, tmp_path):
    path = tmp_path / "acme.tar.gz"
    path.write_bytes(export(acme))
    return path


def rewritten(path, tmp_path, change, *, replace: dict[str, bytes] | None = None) -> str:
    """A copy of the archive whose manifest `change(manifest)` edited, with the members in `replace`
    holding other data."""
    copy = tmp_path / "edited.tar.gz"
    replace = replace or {}
    with tarfile.open(path, "r:gz") as source, tarfile.open(copy, "w:gz") as target:
        members = [(member, replace.get(member.name, None)) for member in source.getmembers()]
        for member, data in members:
            data = source.extractfile(member).read() if data is None else data
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return str(copy)


def newer_migration(manifest):
    manifest["migrations"].append(["mall", "9999_from_the_future"])


def older_migration(manifest):
    manifest["migrations"] = [pair for pair in manifest["migrations"] if pair != ["mall", "0001_initial"]]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], r"The schema name 'portable_acme' is already taken"),
        (["--schema-name=moved_x"], r"The domain portable-acme.localhost is already used by another portal"),
        (["--schema-name=moved_x", "--domain=portable-acme.localhost"], r"is already used by another portal"),
        (["--schema-name=public", "--domain=new.localhost"], r"reserved"),
        (
            ["--schema-name=moved_x", "--domain=new.localhost", "--agency=Nobody"],
            r"There is no agency called 'Nobody'",
        ),
        (["--schema-name=moved_x", "--domain=http://x"], r"is not a valid domain"),
    ],
)
def test_an_import_that_does_not_fit_is_refused_and_changes_nothing(archive_path, arguments, message):
    before = what_exists()
    with pytest.raises(CommandError, match=message):
        call_command("import_tenant", str(archive_path), *arguments, stdout=io.StringIO())
    assert what_exists() == before


def test_an_archive_whose_agency_is_not_here_needs_one(archive_path):
    Agency.objects.filter(pk=Tenant.objects.get(schema_name=SCHEMA).agency_id).update(name="Renamed Agency")
    before = what_exists()
    with pytest.raises(
        CommandError, match=r"There is no agency called '.+' \(the archive's\); choose one with --agency"
    ):
        call_command("import_tenant", str(archive_path), "--schema-name=moved_x", "--domain=new.localhost")
    assert what_exists() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            newer_migration,
            r"The archive is from a newer version \(1 migrations this deployment lacks: mall.9999",
        ),
        (
            older_migration,
            r"The archive is from an older version \(it lacks 1 migrations: mall.0001_initial\)",
        ),
    ],
)
def test_an_archive_of_another_migration_state_is_refused(archive_path, tmp_path, change, message):
    edited = rewritten(archive_path, tmp_path, change)
    before = what_exists()
    with pytest.raises(CommandError, match=message):
        call_command("import_tenant", edited, "--schema-name=moved_x", "--domain=new.localhost")
    assert what_exists() == before


def test_a_damaged_or_missing_archive_is_refused(archive_path, tmp_path):
    data = archive_path.read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(data[: len(data) // 2])
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive at all")
    altered = rewritten(archive_path, tmp_path, lambda m: m["tables"][0].update(sha256="0" * 64))
    before = what_exists()
    for path, message in [
        (truncated, "The archive cannot be read"),
        (garbage, "The archive cannot be read"),
        (altered, r"The archive is damaged: data/.+\.copy is missing or altered"),
        (tmp_path / "missing.tar.gz", "There is no archive at"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("import_tenant", str(path), "--schema-name=moved_x", "--domain=new.localhost")
        assert what_exists() == before


def test_an_archive_whose_tables_differ_from_this_deployments_is_refused(archive_path, tmp_path):
    """Same migrations, other columns (a table changed by hand somewhere): refused inside the
    transaction, after the clone, which rolls back."""

    def add_a_column(manifest):
        for table in manifest["tables"]:
            if table["name"] == "wagtailcore_locale":
                table["columns"] = [*table["columns"], "nonexistent"]

    edited = rewritten(archive_path, tmp_path, add_a_column)
    before = what_exists()
    with pytest.raises(
        CommandError, match="The archive's tables do not match this deployment's: wagtailcore_locale"
    ):
        call_command("import_tenant", edited, "--schema-name=moved_x", "--domain=new.localhost")
    assert what_exists() == before


def test_a_failure_after_the_media_were_written_leaves_no_schema_rows_or_files(archive_path, tmp_path):
    """Rows whose foreign keys point nowhere fail only at the end, once the media files are written:
    everything is rolled back and the files are removed."""
    empty = hashlib.sha256(b"").hexdigest()

    def without_locales(manifest):
        for table in manifest["tables"]:
            if table["name"] == "wagtailcore_locale":
                table.update(rows=0, sha256=empty)

    edited = rewritten(archive_path, tmp_path, without_locales, replace={"data/wagtailcore_locale.copy": b""})
    before = what_exists()
    with pytest.raises(CommandError, match="The import failed and nothing was kept: .*wagtailcore_locale"):
        call_command("import_tenant", edited, "--schema-name=moved_x", "--domain=new.localhost")
    assert what_exists() == before
    assert not os.path.exists(media_folder("moved_x"))


def test_a_committed_export_and_import_outside_any_transaction(django_db_setup, django_db_blocker, tmp_path):
    """The commands as an operator runs them (autocommit: the export's REPEATABLE READ snapshot, the
    import's own transaction and its deferred checks), on a committed tenant; removed afterwards."""
    path = tmp_path / "live.tar.gz"
    with django_db_blocker.unblock(), committed_tenant("portable-live", name="Live Brand") as provisioned:
        source = provisioned.tenant.schema_name
        try:
            call_command("export_tenant", source, str(path), stdout=io.StringIO())
            call_command(
                "import_tenant",
                str(path),
                "--schema-name=moved_live",
                "--domain=moved-live.localhost",
                stdout=io.StringIO(),
            )
            assert (
                portable.schema_differences(
                    source, "moved_live", ignore_columns=portable.REWRITTEN_FOR_NEW_DOMAIN
                )
                == []
            )
            assert portable.media_checksums("moved_live") == portable.media_checksums(source)
            response = portal_home("moved-live.localhost")
            assert response.status_code == 200
            assert "Live Brand" in response.content.decode()
        finally:
            connection.set_schema_to_public()
            moved = Tenant.objects.filter(schema_name="moved_live").first()
            if moved is not None:
                schemas.drop_schema("moved_live")
                Domain.objects.filter(tenant=moved).delete()
                moved.delete()
            shutil.rmtree(media_folder("moved_live"), ignore_errors=True)


def test_the_full_demo_tenant_round_trips_exactly(agency):
    """What the benchmark moves: a demo brand with every domain's data (members, coupons, shop and
    orders, events, service desk, referrals, help centre)."""
    from portals.demo import create_demo_tenant

    demo = {
        **DEMO_TENANTS[0],
        "domain": "portable-demo.localhost",
        "admin_email": "admin@portable-demo.example",
    }
    tenant = create_demo_tenant(demo, agency=agency).tenant
    connection.set_schema_to_public()
    before = portable.snapshot_schema(tenant.schema_name)
    media_before = portable.media_checksums(tenant.schema_name)
    archive = export(tenant)
    remove_tenant(tenant)

    portable.import_tenant(io.BytesIO(archive), agency=agency)

    assert portable.snapshot_differences(before, portable.snapshot_schema(tenant.schema_name)) == []
    assert portable.media_checksums(tenant.schema_name) == media_before
    assert portal_home("portable-demo.localhost").status_code == 200


def test_every_foreign_key_of_a_tenant_schema_is_deferred(db):
    """import_tenant copies the tables in name order and relies on every foreign key waiting for
    the end of the transaction (Django makes them DEFERRABLE INITIALLY DEFERRED). A migration that
    adds one by hand without that would make imports fail: it is named here."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, condeferrable AND condeferred FROM pg_constraint "
            "WHERE contype = 'f' AND connamespace = %s::regnamespace ORDER BY 1, 2",
            [schemas.template_schema_name()],
        )
        foreign_keys = cursor.fetchall()
    assert len(foreign_keys) > 100
    assert [(table, name) for table, name, deferred in foreign_keys if not deferred] == []


def test_a_reused_schema_name_serves_the_imported_portal_not_cached_pages(make_tenant):
    """A purged tenant's pages may still be cached under its schema name; another tenant imported
    under that name serves its own."""
    gone = make_tenant("portable-gone", name="Gone Brand").tenant
    kept = make_tenant("portable-kept", name="Kept Brand").tenant
    assert "Gone Brand" in portal_home("portable-gone.localhost").content.decode()  # now cached
    archive = export(kept)
    remove_tenant(gone)

    portable.import_tenant(
        io.BytesIO(archive),
        agency=kept.agency,
        schema_name=gone.schema_name,
        domain="portable-gone.localhost",
    )

    page = portal_home("portable-gone.localhost").content.decode()
    assert "Kept Brand" in page
    assert "Gone Brand" not in page


def test_after_a_purge_only_the_same_portal_comes_back_under_its_schema_name(
    make_tenant, django_capture_on_commit_callbacks
):
    gone = make_tenant("portable-purged", name="Purged Brand").tenant
    other = make_tenant("portable-other", name="Other Brand").tenant
    archive, other_archive = export(gone), export(other)
    with django_capture_on_commit_callbacks(execute=True):
        services.archive_tenant(gone)
        services.purge_tenant(gone, confirm_schema_name="portable_purged")

    with pytest.raises(portable.PortableError) as refused:
        portable.import_tenant(
            io.BytesIO(other_archive),
            agency=other.agency,
            schema_name="portable_purged",
            domain="portable-purged.localhost",
        )
    assert (
        str(refused.value) == "The schema name 'portable_purged' belonged to a purged portal; choose another."
    )
    assert not schemas.schema_exists("portable_purged")

    summary = portable.import_tenant(io.BytesIO(archive), agency=gone.agency)

    assert (summary.tenant.schema_name, summary.tenant.name) == ("portable_purged", "Purged Brand")
    assert "Purged Brand" in portal_home("portable-purged.localhost").content.decode()
