"""A tenant schema made by provisioning is structurally the schema migrations would build."""

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from tenants.models import SpareSchema

CATALOG_QUERIES = {
    "columns": """
        SELECT table_name, column_name,
               -- column order, not attnum: a dropped column leaves a gap in a migrated table only
               row_number() OVER (PARTITION BY table_name ORDER BY ordinal_position), data_type, udt_name, character_maximum_length,
               numeric_precision, numeric_scale, is_nullable, column_default, is_identity,
               identity_generation, identity_start, identity_increment, is_generated, generation_expression
        FROM information_schema.columns WHERE table_schema = %(schema)s
    """,
    "tables": """
        SELECT c.relname, c.relkind, c.relpersistence FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm')
    """,
    "constraints": """
        SELECT cl.relname, co.conname, co.contype, pg_get_constraintdef(co.oid), co.condeferrable, co.condeferred
        FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid
        JOIN pg_namespace n ON n.oid = co.connamespace WHERE n.nspname = %(schema)s
    """,
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %(schema)s",
    "sequences": """
        SELECT sequencename, data_type, start_value, min_value, max_value, increment_by, cycle, cache_size
        FROM pg_sequences WHERE schemaname = %(schema)s
    """,
    "sequence_ownership": """
        SELECT s.relname, t.relname, a.attname, d.deptype FROM pg_depend d
        JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
        JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        JOIN pg_namespace n ON n.oid = s.relnamespace WHERE n.nspname = %(schema)s
    """,
    "functions": """
        SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid), p.prosrc
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %(schema)s
    """,
    "triggers": """
        SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND NOT t.tgisinternal
    """,
    "views": "SELECT viewname, definition FROM pg_views WHERE schemaname = %(schema)s",
}


def canonical_partial_indexes(schema: str) -> list[tuple]:
    """Partial indexes' definitions after one more parse-and-print by PostgreSQL.

    A predicate such as `status IN ('a', 'b')` prints as `ANY ((ARRAY['a', 'b'])::text[])` when
    created by a migration but as `ANY (ARRAY['a'::text, 'b'::text])` once that printed text is parsed
    again (as any dump/restore does); both mean the same. Re-creating each partial index once, in a
    savepoint that is rolled back, brings both schemas to the same printed form.
    """
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s AND indexdef LIKE '%% WHERE %%'",
            [schema],
        )
        for table, name, definition in cursor.fetchall():
            cursor.execute("SAVEPOINT canonical")
            cursor.execute(definition.replace(f"INDEX {name} ON", "INDEX canonical_copy ON", 1))
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND indexname = 'canonical_copy'",
                [schema],
            )
            reprinted = cursor.fetchone()[0].replace("INDEX canonical_copy ON", f"INDEX {name} ON", 1)
            cursor.execute("ROLLBACK TO SAVEPOINT canonical")
            rows.append((table, name, reprinted.replace(f"{schema}.", "<schema>.")))
    return sorted(rows)


def catalog(schema: str) -> dict[str, list]:
    """Every structural fact about `schema`, with its own name replaced so two schemas compare."""
    result = {}
    with connection.cursor() as cursor:
        for kind, sql in CATALOG_QUERIES.items():
            cursor.execute(sql, {"schema": schema})
            rows = [
                tuple(
                    str(value).replace(f'"{schema}".', "<schema>.").replace(f"{schema}.", "<schema>.")
                    for value in row
                )
                for row in cursor.fetchall()
            ]
            result[kind] = sorted(rows)
    partial = canonical_partial_indexes(schema)
    names = {name for _, name, _ in partial}
    result["indexes"] = sorted([row for row in result["indexes"] if row[1] not in names] + partial)
    return result


@pytest.fixture(scope="module")
def migrated_schema(django_db_setup, django_db_blocker):
    """A schema built by running every tenant migration (committed: migrations cannot share one
    transaction), dropped afterwards."""
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute("CREATE SCHEMA migrated")
        try:
            call_command(
                MigrateSchemasCommand(), schema_name="migrated", tenant=True, interactive=False, verbosity=0
            )
            connection.set_schema_to_public()
            yield "migrated"
        finally:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA migrated CASCADE")


@pytest.mark.parametrize("pool", ["clone", "spare pool"])
def test_provisioned_schema_is_structurally_identical_to_a_migrated_one(pool, migrated_schema, make_tenant):
    if pool == "clone":
        SpareSchema.objects.all().delete()
    result = make_tenant("provisioned")
    assert result.schema_source == pool

    expected = catalog(migrated_schema)
    assert len(expected["tables"]) > 40
    assert len(expected["indexes"]) > 100
    assert len(expected["constraints"]) > 100
    assert len(expected["sequences"]) > 20
    actual = catalog(result.tenant.schema_name)
    for kind in CATALOG_QUERIES:
        assert actual[kind] == expected[kind], kind
