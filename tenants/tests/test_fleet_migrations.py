"""`migrate_schemas` across the fleet: schemas at the code's migration state are found with one query
and skipped, the others are migrated in worker processes, a failing schema is reported and the
others still done, and the next run picks up only what is still behind."""

import contextlib
import io
import os

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.signals import schema_pre_migration
from django_tenants.utils import quote_schema_name

from conftest import committed_tenant
from tenants import fleet_migrations, schemas


def leaf_migration_creating_a_table() -> tuple[str, str, str]:
    """(app, migration, previous migration) of a tenant app's last migration that no other migration
    depends on and that creates a table: unapplying it is clean, re-applying it over the table fails."""
    tenant_only = {
        config.label
        for config in apps.get_app_configs()
        if config.name in set(settings.TENANT_APPS) - set(settings.SHARED_APPS)
    }
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    for app, name in sorted(graph.leaf_nodes()):
        node = graph.node_map[(app, name)]
        parents = [parent.key for parent in node.parents if parent.key[0] == app]
        operations = {type(operation).__name__ for operation in graph.nodes[(app, name)].operations}
        if app in tenant_only and not node.children and parents and operations == {"CreateModel"}:
            return app, name, parents[0][1]
    raise AssertionError("no leaf migration that only creates tables")


def forget_migration(schema_name: str, app: str, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote_schema_name(schema_name)}.django_migrations WHERE app = %s AND name = %s",
            [app, name],
        )


def test_the_schemas_behind_are_found_with_two_queries_however_many_tenants(
    make_tenant, django_assert_num_queries
):
    tenants = [make_tenant(label).tenant.schema_name for label in ("fleeta", "fleetb", "fleetc")]
    state = schemas.code_migration_state()
    app, name, _ = leaf_migration_creating_a_table()
    forget_migration(tenants[1], "no such app", "none")  # the search path is back to public before counting

    with django_assert_num_queries(2):
        assert schemas.schemas_behind(tenants, state) == []

    forget_migration(tenants[1], app, name)
    with django_assert_num_queries(2):
        assert schemas.schemas_behind(tenants, state) == [tenants[1]]
    with django_assert_num_queries(2):
        assert schemas.schemas_behind(tenants[:1], state) == []


def test_a_schema_without_migration_table_or_missing_altogether_is_behind(make_tenant):
    tenant = make_tenant("fleetd").tenant.schema_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {quote_schema_name(tenant)}.django_migrations")

    assert schemas.schemas_behind([tenant, "no_such_schema"], schemas.code_migration_state()) == [
        tenant,
        "no_such_schema",
    ]


def test_the_summary_counts_and_names_the_failures():
    result = fleet_migrations.FleetMigration(
        up_to_date=297, migrated=2, failures=[("acme", "ProgrammingError: boom")], seconds=12.34
    )

    assert result.summary() == (
        "Tenant schemas: 300; 297 up to date, 2 migrated, 1 failed, in 12.3 s.\n"
        "Failed:\n"
        "  acme: ProgrammingError: boom\n"
        "Fix the cause and run migrate_schemas again: it migrates only the schemas still behind."
    )
    assert fleet_migrations.FleetMigration(up_to_date=3, seconds=0.04).summary() == (
        "Tenant schemas: 3; 3 up to date, 0 migrated, 0 failed, in 0.0 s."
    )


def test_progress_outside_a_terminal_is_a_line_per_tenth_and_nothing_when_quiet():
    stream = io.StringIO()
    progress = fleet_migrations.ProgressLine(stream)
    result = fleet_migrations.FleetMigration(up_to_date=5)
    progress(result, 4)
    for _ in range(4):
        result.migrated += 1
        progress(result, 4)

    assert stream.getvalue() == (
        "5 tenant schemas up to date, 4 to migrate.\nmigrated 1/4\nmigrated 2/4\nmigrated 3/4\nmigrated 4/4\n"
    )
    quiet = io.StringIO()
    fleet_migrations.ProgressLine(quiet, verbosity=0)(result, 4)
    assert quiet.getvalue() == ""


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal_is_a_bar_rewritten_in_place():
    stream, seconds = Terminal(), iter([100.0, 101.5, 103.0, 104.25])
    progress = fleet_migrations.ProgressLine(stream, clock=lambda: next(seconds))
    result = fleet_migrations.FleetMigration(up_to_date=7)
    progress(result, 3)
    result.migrated += 1
    progress(result, 3)
    result.failures.append(("acme", "ProgrammingError: boom"))
    progress(result, 3)

    assert stream.getvalue() == (
        "7 tenant schemas up to date, 3 to migrate.\n"
        "\rmigrating [..............................] 0/3, 1.5 s"
        "\rmigrating [##########....................] 1/3, 3.0 s"
        "\rmigrating [####################..........] 2/3, 1 failed, 4.2 s"
    )


@pytest.fixture
def fleet(django_db_setup, django_db_blocker):
    """Three committed tenants (worker processes have their own connections, so they must see them),
    removed afterwards."""
    with django_db_blocker.unblock(), contextlib.ExitStack() as stack:
        yield [
            stack.enter_context(committed_tenant(label)).tenant.schema_name
            for label in ("fleetone", "fleettwo", "fleetthree")
        ]


@pytest.fixture
def migrated_schemas(tmp_path):
    """The schemas a child process (a fleet worker, or the one that migrates the template) started django-tenants' migration for (the signal it sends before
    migrating a schema, written to a file)."""
    marker = tmp_path / "migrated.txt"
    marker.write_text("")
    parent = os.getpid()

    def record(sender, schema_name, **kwargs):
        if os.getpid() == parent:
            return
        with marker.open("a") as file:
            file.write(schema_name + "\n")

    schema_pre_migration.connect(record, weak=False, dispatch_uid="fleet-test")
    yield lambda: sorted(marker.read_text().split())
    schema_pre_migration.disconnect(dispatch_uid="fleet-test")


def test_the_fleet_is_skipped_when_up_to_date_and_only_schemas_behind_are_migrated(
    fleet, migrated_schemas, django_db_blocker
):
    one, two, three = fleet
    app, name, previous = leaf_migration_creating_a_table()
    with django_db_blocker.unblock():
        noop = fleet_migrations.migrate_fleet(workers=2, verbosity=0)

        assert (noop.up_to_date, noop.migrated, noop.failures) == (3, 0, [])
        assert migrated_schemas() == []

        # `two` is behind by one migration, undone for real (through django-tenants' own --schema run);
        # `three` lost the row of a migration whose table is still there, so migrating it again fails.
        call_command("migrate_schemas", app, previous, schema_name=two, interactive=False, verbosity=0)
        connection.set_schema_to_public()
        forget_migration(three, app, name)
        assert schemas.schemas_behind(fleet, schemas.code_migration_state()) == [two, three]
        out = io.StringIO()
        with pytest.raises(CommandError) as failed:
            call_command("migrate_schemas", tenant=True, workers=2, stdout=out)

        assert str(failed.value) == f"1 tenant schema(s) failed to migrate: {three}"
        # the template is migrated in a child process too, so this process stays as small as it began
        assert migrated_schemas() == sorted([schemas.template_schema_name(), two, three])
        # the template, which is up to date, comes first, then the fleet
        assert (
            "=== Tenant schemas\n1 tenant schemas up to date, 2 to migrate.\nmigrated 1/2" in out.getvalue()
        )
        summary = out.getvalue().split("migrated 2/2, 1 failed\n")[1]
        assert summary.startswith("Tenant schemas: 3; 1 up to date, 1 migrated, 1 failed, in "), (
            out.getvalue()
        )
        assert f"\nFailed:\n  {three}: ProgrammingError: relation " in summary
        assert "already exists" in summary
        assert schemas.schemas_behind(fleet, schemas.code_migration_state()) == [three]

        # Resuming after the cause is fixed (the row is back) finds nothing left to do.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote_schema_name(three)}.django_migrations (app, name, applied) "
                "VALUES (%s, %s, now())",
                [app, name],
            )
        again = fleet_migrations.migrate_fleet(workers=2, verbosity=0)

        assert (again.up_to_date, again.migrated, again.failures) == (3, 0, [])
        assert migrated_schemas() == sorted([schemas.template_schema_name(), two, three])


def test_workers_must_be_at_least_one():
    with pytest.raises(CommandError, match="--workers must be at least 1."):
        call_command("migrate_schemas", tenant=True, workers=0, verbosity=0)


def test_work_in_a_child_process_relays_its_output_its_answer_and_its_failure():
    out = io.StringIO()
    stdout = OutputWrapper(out)

    def work(output):
        output.write("migrating the template")
        return {"pid": os.getpid()}

    def failing(output):
        output.write("half way")
        raise CommandError("boom")

    def killed(output):
        os._exit(3)

    assert fleet_migrations.run_in_child_process(work, stdout)["pid"] != os.getpid()
    with pytest.raises(CommandError, match="^boom$"):
        fleet_migrations.run_in_child_process(failing, stdout)
    with pytest.raises(CommandError, match="^The migrating process ended with exit code 3.$"):
        fleet_migrations.run_in_child_process(killed, stdout)
    assert out.getvalue() == "migrating the template\nhalf way\n"


def test_workers_take_a_schema_at_a_time_are_replaced_and_a_killed_one_fails_only_its_schema(
    monkeypatch, tmp_path
):
    """The worker processes on their own (their migration replaced by one that writes down which process
    took which schema, kills itself on "doomed" as the out-of-memory killer would, and fails "broken")."""
    log = tmp_path / "taken.txt"

    def migrate(task):
        schema_name, _options = task
        with log.open("a") as file:
            file.write(f"{os.getpid()} {schema_name}\n")
        if schema_name == "doomed":
            os._exit(9)
        return schema_name, "ProgrammingError: boom" if schema_name == "broken" else None

    monkeypatch.setattr(fleet_migrations, "_migrate_schema", migrate)
    monkeypatch.setattr(fleet_migrations, "MAX_SCHEMAS_PER_WORKER", 2)
    names = [f"tenant{number}" for number in range(7)] + ["doomed", "broken"]

    results = list(fleet_migrations.in_worker_processes(names, {}, processes=2))

    assert sorted(results) == sorted(
        [(name, None) for name in names[:7]]
        + [
            ("doomed", "The worker process migrating it died (exit code 9)."),
            ("broken", "ProgrammingError: boom"),
        ]
    )
    taken = [line.split() for line in log.read_text().splitlines()]
    assert sorted(name for _, name in taken) == sorted(names)  # each schema once
    per_process = {}
    for pid, _ in taken:
        per_process[pid] = per_process.get(pid, 0) + 1
    assert max(per_process.values()) == 2  # then a fresh process
    assert len(per_process) >= 5  # 9 schemas, at most 2 each
    assert os.getpid() not in {int(pid) for pid in per_process}
