"""PostgreSQL schemas behind tenants: the template schema, the spare pool, cloning and dropping.

Every tenant schema is a copy of one template schema (`settings.TENANT_TEMPLATE_SCHEMA`) that
`migrate_schemas` keeps at migration head. Provisioning never runs migrations: it renames a
pre-built spare schema (a clone made ahead of time) or, when the pool is empty, clones the
template. Both happen inside the caller's transaction, so a failed provisioning leaves no schema.
"""

import hashlib
import logging
import os
import subprocess
import uuid

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.utils import quote_schema_name, schema_context

from tenants.models import SpareSchema, TemplateSnapshot

logger = logging.getLogger(__name__)

SCHEMA_PLACEHOLDER = "__SCHEMA__"
REFILL_LOCK_ID = 7_301_002  # pg advisory lock: one spare-pool refill at a time


def template_schema_name() -> str:
    return settings.TENANT_TEMPLATE_SCHEMA


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def drop_schema(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(name)} CASCADE")


def migrate_template_schema(*, verbosity: int = 1) -> str:
    """Create or migrate the template schema to head and return its migration fingerprint.

    Spare schemas cloned from an older state are dropped (the pool refills from the new state).
    """
    template = template_schema_name()
    created = not schema_exists(template)
    if created:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {quote_schema_name(template)}")
    call_command(
        MigrateSchemasCommand(), schema_name=template, tenant=True, interactive=False, verbosity=verbosity
    )
    with schema_context(template):
        _remove_wagtail_welcome_site()
    fingerprint = template_fingerprint()
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON SCHEMA {quote_schema_name(template)} IS %s", [fingerprint])
    # The snapshot is rebuilt every time: the template's rows can change without a new migration.
    with transaction.atomic():
        TemplateSnapshot.objects.all().delete()
        TemplateSnapshot.objects.create(fingerprint=fingerprint, sql=snapshot_sql())
    drop_stale_spares(fingerprint)
    return fingerprint


def _remove_wagtail_welcome_site() -> None:
    """Wagtail's first migration adds a welcome page and a localhost Site; tenants bring their own."""
    from wagtail.models import Page, Site

    Site.objects.all().delete()
    for page in Page.objects.filter(depth=2):
        page.delete()


def template_fingerprint() -> str:
    """A hash of the migrations applied to the template schema."""
    return hashlib.sha256(repr(migration_state(template_schema_name())).encode()).hexdigest()


def migration_state(schema_name: str) -> list[tuple[str, str]]:
    """The sorted (app, name) pairs of the schema's django_migrations."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT app, name FROM {quote_schema_name(schema_name)}.django_migrations ORDER BY app, name"
        )
        return [(app, name) for app, name in cursor.fetchall()]


def schema_tables(schema_name: str) -> dict[str, list[str]]:
    """{table: [column, ...]} of the schema's ordinary tables, columns in their order (generated ones left
    out: PostgreSQL computes them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, array_agg(a.attname::text ORDER BY a.attnum)
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            WHERE n.nspname = %s AND c.relkind = 'r'
            GROUP BY c.relname ORDER BY c.relname
            """,
            [schema_name],
        )
        return {table: list(columns) for table, columns in cursor.fetchall()}


def clone_template(new_schema: str) -> None:
    """Copy the template schema (tables, rows, sequences, indexes, constraints) to `new_schema`.

    Replays the template's snapshot in one round trip; names of constraints and indexes come out
    exactly as migrations made them, which django-tenants' clone_schema() does not guarantee.
    """
    snapshot = TemplateSnapshot.objects.only("sql").order_by("-pk").first()
    if snapshot is None:
        raise RuntimeError("The template schema has no snapshot yet: run `manage.py migrate_schemas`.")
    quoted = quote_schema_name(new_schema)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quoted};\n" + snapshot.sql.replace(SCHEMA_PLACEHOLDER, quoted))


def snapshot_sql() -> str:
    """The template schema as SQL with `__SCHEMA__` for its name (see TemplateSnapshot)."""
    template = template_schema_name()
    quoted_template = quote_schema_name(template)
    statements = [_pg_dump_section("pre-data")]
    with connection.cursor() as cursor:
        for table, column_names in schema_tables(template).items():
            columns = ", ".join(quote_schema_name(column) for column in column_names)
            source = f"{quoted_template}.{quote_schema_name(table)}"
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {source})")
            if cursor.fetchone()[0]:
                statements.append(
                    f"INSERT INTO {SCHEMA_PLACEHOLDER}.{quote_schema_name(table)} ({columns}) "
                    f"OVERRIDING SYSTEM VALUE SELECT {columns} FROM {source};"
                )
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s AND last_value IS NOT NULL",
            [template],
        )
        for sequence, last_value in cursor.fetchall():
            name = f"{SCHEMA_PLACEHOLDER}.{quote_schema_name(sequence)}"
            statements.append(f"SELECT pg_catalog.setval('{name}', {int(last_value)}, true);")
    statements.append(_pg_dump_section("post-data"))
    return "\n".join(statements)


def _pg_dump_section(section: str) -> str:
    """pg_dump's DDL for one section of the template schema, its name replaced by the placeholder."""
    database = connection.settings_dict
    command = [
        pg_dump_executable(),
        "--schema-only",
        f"--section={section}",
        f"--schema={template_schema_name()}",
        "--no-owner",
        "--no-privileges",
        f"--dbname={database['NAME']}",
    ]
    if database.get("HOST"):
        command.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        command.append(f"--port={database['PORT']}")
    if database.get("USER"):
        command.append(f"--username={database['USER']}")
    environment = {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}
    try:
        dump = subprocess.run(  # noqa: S603 - fixed executable, arguments from settings
            command, capture_output=True, text=True, check=True, env=environment, timeout=120
        ).stdout
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"pg_dump of the template schema failed: {error.stderr.strip()}") from None
    kept = [
        line
        for line in dump.splitlines()
        # Session settings (one resets search_path), the schema itself and psql meta-commands are not DDL
        # for the new schema; comments are noise.
        if not line.startswith(
            ("SET ", "SELECT pg_catalog.set_config", "CREATE SCHEMA ", "COMMENT ON SCHEMA ", "--", "\\")
        )
    ]
    return "\n".join(kept).replace(f"{template_schema_name()}.", f"{SCHEMA_PLACEHOLDER}.")


def pg_dump_executable() -> str:
    """PG_DUMP when set (it must be at least the server's major version), else the embedded server's."""
    if settings.PG_DUMP:
        return settings.PG_DUMP
    from pgserver._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / "pg_dump")


def take_spare_schema(new_schema: str) -> bool:
    """Rename a spare schema to `new_schema`. False when the pool is empty.

    Must run inside the provisioning transaction: the row lock keeps two provisionings from
    taking the same spare, and a rollback puts the spare back, name and all.
    """
    spare = SpareSchema.objects.select_for_update(skip_locked=True).order_by("pk").first()
    if spare is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER SCHEMA {quote_schema_name(spare.schema_name)} RENAME TO {quote_schema_name(new_schema)}"
        )
    spare.delete()
    return True


def create_tenant_schema(new_schema: str) -> str:
    """Make `new_schema` from the pool or by cloning; returns how ("spare pool" or "clone")."""
    if take_spare_schema(new_schema):
        return "spare pool"
    clone_template(new_schema)
    return "clone"


def fill_spare_pool(size: int | None = None, *, progress=None) -> int:
    """Clone spares until the pool holds `size` (default SPARE_SCHEMA_POOL_SIZE). Returns how many were added."""
    size = settings.SPARE_SCHEMA_POOL_SIZE if size is None else size
    if not schema_exists(template_schema_name()):
        return 0
    fingerprint = template_fingerprint()
    added = 0
    while SpareSchema.objects.count() < size:
        name = f"spare_{uuid.uuid4().hex[:16]}"
        with transaction.atomic():
            clone_template(name)
            SpareSchema.objects.create(schema_name=name, fingerprint=fingerprint)
        added += 1
        if progress:
            progress(added)
    return added


def drop_stale_spares(fingerprint: str) -> int:
    """Drop the spares cloned from another migration state than `fingerprint`."""
    return _drop_spares(SpareSchema.objects.exclude(fingerprint=fingerprint))


def empty_spare_pool() -> int:
    return _drop_spares(SpareSchema.objects.all())


def _drop_spares(spares) -> int:
    dropped = list(spares)
    for spare in dropped:
        with transaction.atomic():
            drop_schema(spare.schema_name)
            spare.delete()
    if dropped:
        logger.info("Dropped %d spare schemas", len(dropped))
    return len(dropped)


def refill_spare_pool() -> int:
    """fill_spare_pool() by one process at a time (a session advisory lock); 0 when another is at it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REFILL_LOCK_ID])
        if not cursor.fetchone()[0]:
            return 0
    try:
        return fill_spare_pool()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REFILL_LOCK_ID])


# Schemas compared per statement: each one's django_migrations is locked (shared) until the statement ends,
# and PostgreSQL's lock table holds max_locks_per_transaction * max_connections locks (6,400 by default).
MIGRATION_STATE_BATCH = 1_000


def code_migration_state() -> frozenset[tuple[str, str]]:
    """Every (app, name) migration that `migrate` brings a schema to: the full plan of the code's leaf nodes.

    A tenant schema records the migrations of shared apps too (the router skips their operations),
    and a squashed migration alongside the ones it replaces, so a schema that `migrate` has nothing
    left to do for holds every one of these rows (and possibly others, which do not matter).
    """
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    state = set()
    for leaf in graph.leaf_nodes():
        state.update(graph.forwards_plan(leaf))
    return frozenset(state)


def schemas_behind(schema_names: list[str], migrations: frozenset[tuple[str, str]]) -> list[str]:
    """The schemas whose django_migrations lacks any of `migrations`, in the order given.

    Two queries whatever the number of schemas (up to MIGRATION_STATE_BATCH; one more per further
    batch): which schemas have a django_migrations table, then one UNION ALL over all of them counting
    the target rows each holds. A schema without the table (or missing altogether) is behind.
    """
    if not schema_names:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE c.relname = 'django_migrations' AND c.relkind = 'r' AND n.nspname = ANY(%s)",
            [list(schema_names)],
        )
        with_table = sorted(row[0] for row in cursor.fetchall())
    apps = [app for app, _ in sorted(migrations)]
    names = [name for _, name in sorted(migrations)]
    complete = set()
    for start in range(0, len(with_table), MIGRATION_STATE_BATCH):
        batch = with_table[start : start + MIGRATION_STATE_BATCH]
        applied = " UNION ALL ".join(
            f"SELECT %s::text AS schema_name, app, name FROM {quote_schema_name(name)}.django_migrations"
            for name in batch
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH target AS (SELECT * FROM unnest(%s::text[], %s::text[]) AS t(app, name)) "
                f"SELECT applied.schema_name FROM ({applied}) AS applied "
                "JOIN target ON target.app = applied.app AND target.name = applied.name "
                "GROUP BY applied.schema_name "
                "HAVING count(DISTINCT (applied.app, applied.name)) = %s",
                [apps, names, *batch, len(migrations)],
            )
            complete.update(row[0] for row in cursor.fetchall())
    return [name for name in schema_names if name not in complete]
