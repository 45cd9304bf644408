"""Moving a tenant: one archive (.tar.gz) that holds everything a portal is, and its exact restore.

`export_tenant(tenant, fileobj)` writes the archive; `import_tenant(fileobj, agency=...)` restores
it here, under the same schema name or another one, on this deployment or another. The round trip
is exact: every table's rows, every sequence's position and every media file come back byte for
byte (`snapshot_schema`, `schema_differences` and `media_checksums` check it, in the tests and in
bench/fleet.py's `export_import_exact`).

The archive:

- `manifest.json`: the format version; the exporting schema's migration state (the sorted
  (app, name) pairs of its django_migrations); the tenant's settings (name, status, admin e-mail,
  language, time zone, portal template key, created at), its agency's name and its domains; every
  table with its columns, row count and the SHA-256 of its data file; every sequence's
  `last_value` and `is_called`; every media file's name, size and SHA-256; the tenant's usage rows
  (TenantUsage, TenantRequestCount) and its audit history (TenantAuditEntry).
- `data/<table>.copy`: PostgreSQL's `COPY ... TO STDOUT` text format, which gives back every type
  exactly (timestamps, numerics, JSON, arrays) and holds one row per line.
- `media/<stored name>`: the files under the tenant's media folder. Stored names in the database
  are relative to the schema's folder (tenants.storage), so files move without rewriting a row.

What an import rewrites, and nothing else:

- with `domain=`: the Wagtail Site rows (`wagtailcore_site.hostname`) whose hostname was one of
  the archive's domains get the new domain, so the portal serves there; the archive's Domain rows
  are replaced by that one primary domain;
- the public registry's rows are new rows (new primary keys): the Tenant (with `name=` if given,
  in `agency`), its Domains, usage rows and audit entries (an audit entry's console user is kept by
  name only: the user may not exist here). A purged tenant's own entries left on this deployment
  (same agency, portal name, action and time, no tenant) are attached to it again instead of copied.

Values a tenant hands out that are keyed with its schema name (set-password links, domain
verification tokens) stop working when the schema name changes; verified domains stay verified.
"""

import datetime as dt
import hashlib
import io
import json
import logging
import os
import posixpath
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_tenants.utils import quote_schema_name, schema_context

from core.cache import bump_generation
from tenants import hosts, schemas, services
from tenants.models import (
    Agency,
    Domain,
    PortalTemplate,
    Tenant,
    TenantAuditEntry,
    TenantRequestCount,
    TenantUsage,
)

logger = logging.getLogger(__name__)

ARCHIVE_FORMAT = "portal-tenant-archive"
ARCHIVE_VERSION = 1
MANIFEST = "manifest.json"
DATA_FOLDER = "data"
MEDIA_FOLDER = "media"
CHUNK = 1 << 16


class PortableError(Exception):
    """An archive that cannot be written or restored here; nothing was changed."""


@dataclass(frozen=True)
class ExportSummary:
    schema_name: str
    tables: int
    rows: int
    media_files: int
    media_bytes: int


@dataclass(frozen=True)
class ImportSummary:
    tenant: Tenant
    archive_schema_name: str
    tables: int
    rows: int
    media_files: int
    media_bytes: int


# --- reading a schema ------------------------------------------------------------------------------


def schema_sequences(schema_name: str) -> dict[str, tuple[int, bool]]:
    """{sequence: (last_value, is_called)}: what `setval(seq, last_value, is_called)` restores."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'S' ORDER BY c.relname",
            [schema_name],
        )
        names = [row[0] for row in cursor.fetchall()]
        values = {}
        for name in names:
            cursor.execute(f"SELECT last_value, is_called FROM {_qualified(schema_name, name)}")
            last_value, is_called = cursor.fetchone()
            values[name] = (int(last_value), bool(is_called))
        return values


def _qualified(schema_name: str, name: str) -> str:
    return f"{quote_schema_name(schema_name)}.{quote_schema_name(name)}"


def _column_list(columns: Iterable[str]) -> str:
    return ", ".join(quote_schema_name(column) for column in columns)


def copy_table_out(schema_name: str, table: str, columns: list[str], out) -> None:
    """Write the table's rows to the binary file `out` in COPY text format."""
    source = f"{_qualified(schema_name, table)} ({_column_list(columns)})"
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {source} TO STDOUT") as copy:
        for data in copy:
            out.write(data)


# --- checking a round trip ------------------------------------------------------------------------


def snapshot_schema(schema_name: str, *, ignore_columns: dict[str, Iterable[str]] | None = None) -> dict:
    """Every table's rows (COPY text lines, sorted) and every sequence's (last_value, is_called).

    `ignore_columns` ({table: [column, ...]}) leaves out the columns an import rewrites on purpose.
    Compare two with `snapshot_differences`; the snapshot is plain data, so it can be taken before
    the schema is dropped."""
    ignore_columns = {table: set(columns) for table, columns in (ignore_columns or {}).items()}
    tables = {}
    for table, columns in schemas.schema_tables(schema_name).items():
        kept = [column for column in columns if column not in ignore_columns.get(table, ())]
        buffer = io.BytesIO()
        copy_table_out(schema_name, table, kept, buffer)
        tables[table] = sorted(buffer.getvalue().splitlines())
    return {"tables": tables, "sequences": schema_sequences(schema_name)}


def snapshot_differences(a: dict, b: dict) -> list[str]:
    """Names of the tables whose rows differ and of the sequences whose position differs (marked
    "(sequence)"), in order; [] when the two snapshots are identical."""
    differing = [
        table
        for table in sorted(set(a["tables"]) | set(b["tables"]))
        if a["tables"].get(table) != b["tables"].get(table)
    ]
    differing += [
        f"{sequence} (sequence)"
        for sequence in sorted(set(a["sequences"]) | set(b["sequences"]))
        if a["sequences"].get(sequence) != b["sequences"].get(sequence)
    ]
    return differing


def schema_differences(
    schema_a: str, schema_b: str, *, ignore_columns: dict[str, Iterable[str]] | None = None
) -> list[str]:
    """The tables (and sequences) whose contents differ between two schemas; [] when identical."""
    return snapshot_differences(
        snapshot_schema(schema_a, ignore_columns=ignore_columns),
        snapshot_schema(schema_b, ignore_columns=ignore_columns),
    )


# The columns `import_tenant(..., domain=...)` rewrites (module docstring); compare with these ignored.
REWRITTEN_FOR_NEW_DOMAIN = {"wagtailcore_site": ["hostname"]}


def media_checksums(schema_name: str) -> dict[str, str]:
    """{stored name: SHA-256} of every file in the tenant's media (its folder, or key prefix)."""
    with schema_context(schema_name):
        checksums = {}
        for name in media_files():
            with default_storage.open(name, "rb") as file:
                checksums[name] = _sha256_of(file)
        return checksums


def media_files() -> list[str]:
    """Every stored name under the current schema's media, sorted (call in the tenant's schema)."""
    names, folders = [], [""]
    while folders:
        folder = folders.pop()
        subfolders, files = default_storage.listdir(folder)
        names += [posixpath.join(folder, name) for name in files]
        folders += [posixpath.join(folder, name) for name in subfolders]
    return sorted(names)


def _sha256_of(file) -> str:
    digest = hashlib.sha256()
    while chunk := file.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


# --- export ---------------------------------------------------------------------------------------


def export_tenant(
    tenant: Tenant, fileobj, *, acting_user=None, ip_address: str | None = None, progress=None
) -> ExportSummary:
    """Write the tenant's archive (tar.gz) to the binary file object `fileobj`.

    The schema is read in one REPEATABLE READ, READ ONLY transaction, so its tables agree with each
    other while the portal keeps serving (inside a caller's transaction, that transaction's view
    is used instead). `progress` (a core.progress.ProgressBar) gets its total set here and
    advances once per table and per media file. Writes the audit row `exported`.
    """
    schema_name = tenant.schema_name
    if not schemas.schema_exists(schema_name):
        raise PortableError(gettext("The schema %(schema)s does not exist.") % {"schema": schema_name})
    in_outer_transaction = connection.in_atomic_block
    with tempfile.TemporaryDirectory(prefix="tenant-export-") as work:
        with transaction.atomic():
            if not in_outer_transaction:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            tables = schemas.schema_tables(schema_name)
            with schema_context(schema_name):
                media = media_files()
            if progress is not None:
                progress.total = len(tables) + len(media)
                progress.start()
            manifest = _manifest_head(tenant, schema_name)
            data_files = []
            for number, (table, columns) in enumerate(tables.items()):
                path = f"{work}/{number}.copy"
                with open(path, "wb") as out:
                    copy_table_out(schema_name, table, columns, out)
                with open(path, "rb") as written:
                    digest, rows = _hash_and_count_lines(written)
                manifest["tables"].append({"name": table, "columns": columns, "rows": rows, "sha256": digest})
                data_files.append((f"{DATA_FOLDER}/{table}.copy", path))
                if progress is not None:
                    progress.advance()
            manifest["sequences"] = [
                {"name": name, "last_value": last_value, "is_called": is_called}
                for name, (last_value, is_called) in schema_sequences(schema_name).items()
            ]
        with tarfile.open(fileobj=fileobj, mode="w:gz") as archive:
            for member_name, path in data_files:
                archive.add(path, arcname=member_name, recursive=False)
            with schema_context(schema_name):
                for name in media:
                    # Two reads, so a large video is never held in memory: the checksum, then the copy.
                    with default_storage.open(name, "rb") as file:
                        digest = _sha256_of(file)
                    info = tarfile.TarInfo(f"{MEDIA_FOLDER}/{name}")
                    info.size = default_storage.size(name)
                    info.mtime = int(time.time())
                    with default_storage.open(name, "rb") as file:
                        archive.addfile(info, file)
                    manifest["media"].append({"name": name, "size": info.size, "sha256": digest})
                    if progress is not None:
                        progress.advance()
            summary = ExportSummary(
                schema_name=schema_name,
                tables=len(manifest["tables"]),
                rows=sum(table["rows"] for table in manifest["tables"]),
                media_files=len(manifest["media"]),
                media_bytes=sum(file["size"] for file in manifest["media"]),
            )
            # Written before the manifest, so the moved tenant's history says it was exported.
            entry = services.record_audit(
                tenant,
                TenantAuditEntry.Action.EXPORTED,
                acting_user,
                ip_address=ip_address,
                tables=summary.tables,
                rows=summary.rows,
                media_files=summary.media_files,
            )
            manifest["audit"].append(_audit_row(entry))
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
    logger.info("Exported tenant %s: %d tables, %d rows, %d media files", schema_name, *_counts(summary))
    return summary


def _counts(summary) -> tuple[int, int, int]:
    return summary.tables, summary.rows, summary.media_files


def _manifest_head(tenant: Tenant, schema_name: str) -> dict:
    return {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "exported_at": timezone.now().isoformat(),
        "schema_name": schema_name,
        "migrations": [list(pair) for pair in schemas.migration_state(schema_name)],
        "agency": tenant.agency.name,
        "tenant": {
            "name": tenant.name,
            "status": tenant.status,
            "admin_email": tenant.admin_email,
            "default_language": tenant.default_language,
            "time_zone": tenant.time_zone,
            "portal_template": tenant.portal_template.key if tenant.portal_template_id else None,
            "created_at": tenant.created_at.isoformat(),
        },
        "domains": [
            {
                "domain": domain.domain,
                "is_primary": domain.is_primary,
                "verified_at": _isoformat(domain.verified_at),
                "created_at": domain.created_at.isoformat(),
            }
            for domain in tenant.domains.order_by("-is_primary", "domain")
        ],
        "usage": [
            {
                "day": usage.day.isoformat(),
                "pages": usage.pages,
                "members": usage.members,
                "orders": usage.orders,
                "bookings": usage.bookings,
                "active_customers_30d": usage.active_customers_30d,
                "requests_30d": usage.requests_30d,
                "media_bytes": usage.media_bytes,
                "database_bytes": usage.database_bytes,
                "computed_at": usage.computed_at.isoformat(),
            }
            for usage in TenantUsage.objects.filter(tenant=tenant).order_by("day")
        ],
        "request_counts": [
            {"day": row.day.isoformat(), "count": row.count}
            for row in TenantRequestCount.objects.filter(tenant=tenant).order_by("day")
        ],
        "audit": [
            _audit_row(entry) for entry in TenantAuditEntry.objects.filter(tenant=tenant).order_by("at", "pk")
        ],
        "tables": [],
        "sequences": [],
        "media": [],
    }


def _audit_row(entry: TenantAuditEntry) -> dict:
    return {
        "action": entry.action,
        "tenant_name": entry.tenant_name,
        "acting_username": entry.acting_username,
        "at": entry.at.isoformat(),
        "ip_address": entry.ip_address,
        "detail": entry.detail,
    }


def _isoformat(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value is not None else None


def _hash_and_count_lines(file) -> tuple[str, int]:
    digest, lines = hashlib.sha256(), 0
    while chunk := file.read(CHUNK):
        digest.update(chunk)
        lines += chunk.count(b"\n")  # text format: one row per line, newlines in values are escaped
    return digest.hexdigest(), lines


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(time.time())
    archive.addfile(info, io.BytesIO(content))


# --- import ---------------------------------------------------------------------------------------


@dataclass
class _Archive:
    """A checked archive: its manifest and its members by name."""

    tar: tarfile.TarFile
    manifest: dict
    members: dict[str, tarfile.TarInfo] = field(default_factory=dict)

    def open(self, name: str):
        return self.tar.extractfile(self.members[name])


def read_manifest(fileobj) -> dict:
    """The archive's manifest, for a look before importing (PortableError if unreadable); the
    members' checksums are checked by import_tenant."""
    return _open_archive(fileobj, verify=False).manifest


def import_tenant(
    fileobj,
    *,
    agency: Agency,
    schema_name: str | None = None,
    name: str | None = None,
    domain: str | None = None,
    acting_user=None,
    ip_address: str | None = None,
    progress=None,
) -> ImportSummary:
    """Restore the archive in the seekable binary file `fileobj` as a tenant of `agency`.

    Under the archive's schema name, name and domains unless `schema_name`, `name` or `domain` (a
    new primary domain replacing all the archive's domains) is given. Everything is checked first:
    the archive is complete and its checksums match, its migration state is this deployment's,
    the schema name and the domains are free. Then one transaction clones the template schema,
    empties its tables, copies the archive's rows in, sets the sequences, writes the Tenant, its
    Domains, usage and audit rows (and the `imported` entry), and writes the media files; if
    anything fails the transaction rolls back and the files written are removed, so nothing is left.
    `progress` gets its total set here and advances once per table and per media file.
    """
    archive = _open_archive(fileobj)
    manifest = archive.manifest
    _check_migration_state(manifest)
    schema_name = manifest["schema_name"] if schema_name is None else schema_name
    try:
        services.check_schema_name(
            schema_name,
            # Its own name again, after a purge here: the same portal coming back.
            purged_tenant_name=manifest["tenant"]["name"] if schema_name == manifest["schema_name"] else None,
        )
    except services.ProvisioningError as error:
        raise PortableError(error.message) from None
    domains = _domains_to_create(manifest, domain)
    name = (name or manifest["tenant"]["name"]).strip()
    if not name or len(name) > 120:
        raise PortableError(gettext("The brand's name must be 1 to 120 characters."))
    template_key = manifest["tenant"]["portal_template"]
    portal_template = None
    if template_key is not None:
        portal_template = PortalTemplate.objects.filter(key=template_key).first()
        if portal_template is None:
            raise PortableError(
                gettext("There is no portal template called %(template)s here.")
                % {"template": repr(template_key)}
            )
    with schema_context(schema_name):
        if media_files():
            raise PortableError(
                gettext("The media folder of %(schema)s already holds files; remove them first.")
                % {"schema": schema_name}
            )
    if progress is not None:
        progress.total = len(manifest["tables"]) + len(manifest["media"])
        progress.start()

    written: list[str] = []
    try:
        with transaction.atomic():
            _restore_schema(archive, schema_name, progress)
            if domain is not None:
                _rewrite_site_hostnames(schema_name, [row["domain"] for row in manifest["domains"]], domain)
            tenant = _create_registry_rows(manifest, agency, schema_name, name, portal_template, domains)
            services.record_audit(
                tenant,
                TenantAuditEntry.Action.IMPORTED,
                acting_user,
                ip_address=ip_address,
                archive_schema_name=manifest["schema_name"],
                archive_domains=[row["domain"] for row in manifest["domains"]],
                exported_at=manifest["exported_at"],
            )
            _write_media(archive, schema_name, written, progress)
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: check them here, while a
            # failure still rolls back (and removes the files), not at some outer commit.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    except Exception:
        _remove_media(schema_name, written)
        raise
    hosts.forget(*[row["domain"] for row in domains])
    _forget_cached_pages(schema_name)
    summary = ImportSummary(
        tenant=tenant,
        archive_schema_name=manifest["schema_name"],
        tables=len(manifest["tables"]),
        rows=sum(table["rows"] for table in manifest["tables"]),
        media_files=len(manifest["media"]),
        media_bytes=sum(file["size"] for file in manifest["media"]),
    )
    logger.info(
        "Imported tenant %s as %s: %d tables, %d rows, %d media files",
        manifest["schema_name"],
        schema_name,
        *_counts(summary),
    )
    return summary


def _forget_cached_pages(schema_name: str) -> None:
    """A schema name used before (a purged tenant's) may still have pages and Wagtail's site root
    paths in the cache, keyed by the schema: the restored portal must not serve them."""
    from wagtail.models import Site

    with schema_context(schema_name):
        bump_generation()
        Site.clear_site_root_paths_cache()


def _open_archive(fileobj, *, verify: bool = True) -> _Archive:
    """Read the whole archive once: every member listed in the manifest is there with its checksum."""
    try:
        tar = tarfile.open(fileobj=fileobj, mode="r:gz")
        members = {member.name: member for member in tar.getmembers() if member.isfile()}
        if MANIFEST not in members:
            raise PortableError(gettext("This is not a tenant archive: it has no manifest.json."))
        manifest = json.loads(tar.extractfile(members[MANIFEST]).read())
        if manifest.get("format") != ARCHIVE_FORMAT:
            raise PortableError(gettext("This is not a tenant archive."))
        if manifest.get("version") != ARCHIVE_VERSION:
            raise PortableError(
                gettext(
                    "The archive's format version %(version)s cannot be read here (this version reads %(ours)s)."
                )
                % {"version": manifest.get("version"), "ours": ARCHIVE_VERSION}
            )
        archive = _Archive(tar, manifest, members)
        expected = [(f"{DATA_FOLDER}/{table['name']}.copy", table["sha256"]) for table in manifest["tables"]]
        for media in manifest["media"]:
            _check_media_name(media["name"])
            expected.append((f"{MEDIA_FOLDER}/{media['name']}", media["sha256"]))
        for member_name, sha256 in expected if verify else []:
            if member_name not in members or _sha256_of(archive.open(member_name)) != sha256:
                raise PortableError(
                    gettext("The archive is damaged: %(member)s is missing or altered.")
                    % {"member": member_name}
                )
        return archive
    except PortableError:
        raise
    except (tarfile.TarError, OSError, EOFError, ValueError, KeyError, TypeError) as error:
        raise PortableError(gettext("The archive cannot be read: %(error)s") % {"error": error}) from None


def _check_media_name(name: str) -> None:
    normalised = posixpath.normpath(name)
    if name.startswith("/") or normalised != name or normalised.split("/")[0] == "..":
        raise PortableError(
            gettext("The archive is damaged: bad media file name %(name)s.") % {"name": repr(name)}
        )


def _check_migration_state(manifest: dict) -> None:
    """The archive's rows fit only the tables of the same migrations: the template's here."""
    archive_state = {tuple(pair) for pair in manifest["migrations"]}
    here = set(schemas.migration_state(schemas.template_schema_name()))
    if archive_state == here:
        return
    only_archive, only_here = sorted(archive_state - here), sorted(here - archive_state)

    def sample(pairs):
        return ", ".join(f"{app}.{name}" for app, name in pairs[:3]) + (" ..." if len(pairs) > 3 else "")

    if only_archive and not only_here:
        message = gettext(
            "The archive is from a newer version (%(count)d migrations this deployment lacks: %(sample)s). "
            "Upgrade this deployment and run migrate_schemas first."
        ) % {"count": len(only_archive), "sample": sample(only_archive)}
    elif only_here and not only_archive:
        message = gettext(
            "The archive is from an older version (it lacks %(count)d migrations: %(sample)s). "
            "Upgrade the exporting deployment, migrate it and export again."
        ) % {"count": len(only_here), "sample": sample(only_here)}
    else:
        message = gettext(
            "The archive's migrations differ from this deployment's (only in the archive: %(archive)s; "
            "only here: %(here)s). Bring both to the same version."
        ) % {"archive": sample(only_archive), "here": sample(only_here)}
    raise PortableError(message)


def _domains_to_create(manifest: dict, new_domain: str | None) -> list[dict]:
    if new_domain is not None:
        try:
            cleaned = services.clean_domain(new_domain)
        except services.ProvisioningError as error:
            raise PortableError(error.message) from None
        now = timezone.now().isoformat()
        rows = [{"domain": cleaned, "is_primary": True, "verified_at": now, "created_at": now}]
    else:
        rows = manifest["domains"]
    for row in rows:
        if Domain.objects.filter(domain=row["domain"]).exists():
            raise PortableError(
                gettext(
                    "The domain %(domain)s is already used by another portal; import with a new --domain."
                )
                % {"domain": row["domain"]}
            )
    return rows


def _restore_schema(archive: _Archive, schema_name: str, progress) -> None:
    """A clone of the template, emptied, filled with the archive's rows; sequences set."""
    schemas.clone_template(schema_name)
    tables = schemas.schema_tables(schema_name)
    archived = {table["name"]: table["columns"] for table in archive.manifest["tables"]}
    if archived != tables:
        differing = sorted(set(archived) ^ set(tables)) or sorted(
            t for t in tables if archived[t] != tables[t]
        )
        raise PortableError(
            gettext("The archive's tables do not match this deployment's: %(tables)s.")
            % {"tables": ", ".join(differing[:5])}
        )
    with connection.cursor() as cursor:
        # The clone's own rows leave foreign-key checks pending, and PostgreSQL truncates no table
        # with pending trigger events: run them now, then defer them again for the copy (any order).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("TRUNCATE " + ", ".join(_qualified(schema_name, table) for table in tables))
        for table in archive.manifest["tables"]:
            target = f"{_qualified(schema_name, table['name'])} ({_column_list(table['columns'])})"
            data = archive.open(f"{DATA_FOLDER}/{table['name']}.copy")
            with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                while chunk := data.read(CHUNK):
                    copy.write(chunk)
            if progress is not None:
                progress.advance()
        for sequence in archive.manifest["sequences"]:
            cursor.execute(
                "SELECT pg_catalog.setval(%s::regclass, %s, %s)",
                [_qualified(schema_name, sequence["name"]), sequence["last_value"], sequence["is_called"]],
            )


def _rewrite_site_hostnames(schema_name: str, old_domains: list[str], new_domain: str) -> None:
    """The Wagtail Sites that served the archive's domains serve the new one (module docstring)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_qualified(schema_name, 'wagtailcore_site')} SET hostname = %s WHERE hostname = ANY(%s)",
            [services.clean_domain(new_domain), old_domains],
        )


def _create_registry_rows(manifest, agency, schema_name, name, portal_template, domains) -> Tenant:
    settings_in_archive = manifest["tenant"]
    tenant = Tenant.objects.create(
        schema_name=schema_name,
        name=name,
        status=settings_in_archive["status"],
        agency=agency,
        portal_template=portal_template,
        admin_email=settings_in_archive["admin_email"],
        default_language=settings_in_archive["default_language"],
        time_zone=settings_in_archive["time_zone"],
    )
    # created_at is auto_now_add: the archive's date is set afterwards.
    Tenant.objects.filter(pk=tenant.pk).update(created_at=_parse_datetime(settings_in_archive["created_at"]))
    tenant.refresh_from_db()
    for row in domains:
        Domain.objects.create(
            tenant=tenant,
            domain=row["domain"],
            is_primary=row["is_primary"],
            verified_at=_parse_datetime(row["verified_at"]),
            created_at=_parse_datetime(row["created_at"]),
        )
    for row in manifest["usage"]:
        TenantUsage.objects.create(
            tenant=tenant,
            **{
                **row,
                "day": dt.date.fromisoformat(row["day"]),
                "computed_at": _parse_datetime(row["computed_at"]),
            },
        )
    for row in manifest["request_counts"]:
        TenantRequestCount.objects.create(
            tenant=tenant, day=dt.date.fromisoformat(row["day"]), count=row["count"]
        )
    for row in manifest["audit"]:
        at = _parse_datetime(row["at"])
        orphaned = TenantAuditEntry.objects.filter(
            tenant__isnull=True, agency=agency, tenant_name=row["tenant_name"], action=row["action"], at=at
        )
        if not orphaned.update(tenant=tenant):
            TenantAuditEntry.objects.create(
                tenant=tenant,
                tenant_name=row["tenant_name"],
                agency=agency,
                action=row["action"],
                acting_username=row["acting_username"],
                at=at,
                ip_address=row["ip_address"],
                detail=row["detail"],
            )
    return tenant


def _write_media(archive: _Archive, schema_name: str, written: list[str], progress) -> None:
    """Each file under its stored name (never a new random one: the rows name it)."""
    with schema_context(schema_name):
        for media in archive.manifest["media"]:
            content = File(archive.open(f"{MEDIA_FOLDER}/{media['name']}"), name=media["name"])
            # _save, not save: save() would give the file a new random folder (tenants.storage).
            stored = default_storage._save(media["name"], content)
            written.append(stored)
            if stored != media["name"]:
                raise PortableError(
                    gettext("The media file %(name)s could not be written under its name.")
                    % {"name": media["name"]}
                )
            if progress is not None:
                progress.advance()


def _remove_media(schema_name: str, written: list[str]) -> None:
    """Undo _write_media: the files, and on a file system the folders they made."""
    with schema_context(schema_name):
        for name in written:
            default_storage.delete(name)
        storage = storages["default"]
        if isinstance(storage, FileSystemStorage) and not media_files():
            folder = os.path.abspath(storage.location)
            if os.path.dirname(folder) == os.path.abspath(settings.MEDIA_ROOT):
                shutil.rmtree(folder, ignore_errors=True)
