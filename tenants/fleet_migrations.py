"""Migrating every tenant schema of the fleet (`manage.py migrate_schemas`, docs/tenancy.md).

django-tenants runs Django's migrate command in every tenant schema one after another, in one
process: about a second per schema even when there is nothing to apply (283 s for 306 tenants, and
724 MB resident by the end, issue 16). Here:

1. the schemas already at the code's migration state are found with one query for all of them
   (`schemas.schemas_behind`) and skipped: no migrate command runs for them;
2. the others are migrated in `workers` forked processes, each with its own database connection and
   replaced after MAX_SCHEMAS_PER_WORKER schemas, so no process grows with the size of the fleet;
   a worker that dies fails only the schema it was on (`in_worker_processes`);
3. a schema that fails is reported with its error and the others go on. Django applies each
   migration in its own transaction on PostgreSQL, so a failed schema keeps the migrations it
   completed, and the next run finds it behind again and continues from there.
"""

import multiprocessing
import multiprocessing.connection
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from django.core.management.base import CommandError, OutputWrapper
from django.db import connection, connections
from django_tenants.migration_executors.base import run_migrations
from django_tenants.utils import get_public_schema_name

from core.progress import ProgressBar
from tenants import schemas
from tenants.models import Tenant

# A worker process is replaced after this many schemas: whatever a migrate run leaves in memory
# (model states, caches) is given back, so memory stays flat however many schemas are behind.
MAX_SCHEMAS_PER_WORKER = 20
EXECUTOR_CODENAME = "fleet"


def default_workers() -> int:
    return min(4, os.cpu_count() or 1)


@dataclass
class FleetMigration:
    """What a fleet run did. Counts only: the list of migrated schemas is not kept (flat memory)."""

    up_to_date: int = 0
    migrated: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def behind(self) -> int:
        return self.migrated + len(self.failures)

    @property
    def total(self) -> int:
        return self.up_to_date + self.behind

    def summary(self) -> str:
        lines = [
            f"Tenant schemas: {self.total}; {self.up_to_date} up to date, {self.migrated} migrated, "
            f"{len(self.failures)} failed, in {self.seconds:.1f} s."
        ]
        if self.failures:
            lines.append("Failed:")
            lines.extend(f"  {schema_name}: {error}" for schema_name, error in self.failures)
            lines.append(
                "Fix the cause and run migrate_schemas again: it migrates only the schemas still behind."
            )
        return "\n".join(lines)


def tenant_schema_names() -> list[str]:
    """Every tenant's schema, archived and suspended included, as django-tenants migrates them."""
    return list(
        Tenant.objects.exclude(schema_name=get_public_schema_name())
        .order_by("pk")
        .values_list("schema_name", flat=True)
    )


def migrate_fleet(
    *,
    workers: int | None = None,
    verbosity: int = 1,
    progress: Callable[[FleetMigration, int], None] | None = None,
    schema_names: list[str] | None = None,
    migrations: frozenset[tuple[str, str]] | None = None,
) -> FleetMigration:
    """Bring every tenant schema (or `schema_names`) to the code's migration state (`migrations`,
    read from the code when not given).

    `progress(result, behind)` is called once the behind schemas are known and after each one is done.
    """
    started = time.monotonic()
    names = tenant_schema_names() if schema_names is None else schema_names
    if migrations is None:
        migrations = schemas.code_migration_state()
    behind = schemas.schemas_behind(names, migrations)
    result = FleetMigration(up_to_date=len(names) - len(behind))
    if progress:
        progress(result, len(behind))
    if behind:
        options = _migrate_options(verbosity)
        processes = max(1, min(workers or default_workers(), len(behind)))
        for schema_name, error in in_worker_processes(behind, options, processes=processes):
            if error is None:
                result.migrated += 1
            else:
                result.failures.append((schema_name, error))
            if progress:
                progress(result, len(behind))
    result.failures.sort()
    result.seconds = time.monotonic() - started
    return result


@dataclass
class _Worker:
    process: multiprocessing.Process
    connection: Connection  # this end of the pipe to it
    schema_name: str | None = None  # the schema it is migrating
    done: int = 0


def in_worker_processes(schema_names: list[str], options: dict, *, processes: int):
    """Migrate each schema in one of `processes` forked workers; yields (schema name, error text or
    None) as each one finishes.

    Each worker is handed one schema at a time through its own pipe, so it is always known which
    schema a worker is on: a worker that dies (killed for memory, a signal) fails that schema with
    its exit code, and a fresh worker takes its place, instead of the run waiting for an answer that
    never comes. A worker leaves after MAX_SCHEMAS_PER_WORKER schemas and a fresh one takes over.
    """
    context = multiprocessing.get_context("fork")
    todo = list(reversed(schema_names))
    busy: list[_Worker] = []

    def start_worker() -> None:
        # Each worker opens its own connection; one forked from this process would be shared.
        connections.close_all()
        here, there = context.Pipe()
        process = context.Process(target=_worker, args=(there, options), daemon=True)
        process.start()
        there.close()
        worker = _Worker(process, here)
        busy.append(worker)
        hand_over(worker)

    def hand_over(worker: _Worker) -> None:
        worker.schema_name = todo.pop()
        worker.connection.send(worker.schema_name)

    def retire(worker: _Worker) -> None:
        busy.remove(worker)
        if worker.process.is_alive():
            worker.connection.send(None)
        worker.process.join()
        worker.connection.close()

    for _ in range(min(processes, len(todo))):
        start_worker()
    while busy:
        ready = multiprocessing.connection.wait(
            [worker.connection for worker in busy] + [worker.process.sentinel for worker in busy]
        )
        for worker in list(busy):
            answer = None
            if worker.connection in ready or worker.connection.poll():
                try:
                    answer = worker.connection.recv()
                except EOFError:  # its end of the pipe is closed: it is gone or going
                    worker.process.join()
            if answer is not None:
                worker.schema_name, worker.done = None, worker.done + 1
                yield answer
                if todo and worker.done < MAX_SCHEMAS_PER_WORKER:
                    hand_over(worker)
                    continue
                retire(worker)
            elif not worker.process.is_alive():
                failed = worker.schema_name
                retire(worker)
                yield failed, f"The worker process migrating it died (exit code {worker.process.exitcode})."
            else:
                continue
            if todo:
                start_worker()


def _worker(connection: Connection, options: dict) -> None:
    """In a worker: migrate the schemas handed over one by one until told to stop (None)."""
    while (schema_name := connection.recv()) is not None:
        connection.send(_migrate_schema((schema_name, options)))


def _migrate_options(verbosity: int) -> dict:
    """Django's migrate options for one schema; a worker speaks only from verbosity 2 (one level less)."""
    return {
        "verbosity": max(0, verbosity - 1),
        "interactive": False,
        "database": connection.alias,
        "app_label": None,
        "migration_name": None,
        "fake": False,
        "fake_initial": False,
        "plan": False,
        "prune": False,
        "run_syncdb": False,
        "check_unapplied": False,
        "skip_checks": True,
        "force_color": False,
        "no_color": True,
    }


def _migrate_schema(task: tuple[str, dict]) -> tuple[str, str | None]:
    """In a worker: run django-tenants' migration of one schema; the error text, or None."""
    schema_name, options = task
    try:
        run_migrations((), options, EXECUTOR_CODENAME, schema_name, allow_atomic=False)
    except Exception as error:  # noqa: BLE001 - reported in the summary; the other schemas go on
        message = " ".join(str(error).split()) or "no message"
        connection.close()
        return schema_name, f"{type(error).__name__}: {message}"
    return schema_name, None


def run_in_child_process(work: Callable[[OutputWrapper], object], stdout: OutputWrapper):
    """`work(output)` in a forked process; its return value (pickled) comes back, its output is
    relayed to `stdout` line by line as it is written, and whatever memory it needed (Django's
    migration graph and model states, hundreds of MB over a long history) goes with the process.
    A failure in it is a CommandError here, with its message."""
    stdout.flush()
    connections.close_all()  # the child opens its own connection
    context = multiprocessing.get_context("fork")
    output_read, output_write = os.pipe()
    result_receiver, result_sender = context.Pipe(duplex=False)

    def child():
        os.close(output_read)
        with os.fdopen(output_write, "w") as output:
            try:
                value = work(OutputWrapper(output))
            except BaseException as error:  # noqa: BLE001 - told to the parent, which raises it
                output.flush()
                result_sender.send((False, str(error) or type(error).__name__))
            else:
                output.flush()
                result_sender.send((True, value))

    process = context.Process(target=child)
    process.start()
    os.close(output_write)
    result_sender.close()
    with os.fdopen(output_read) as lines:
        for line in lines:
            stdout.write(line, ending="")
            stdout.flush()
    try:
        succeeded, value = result_receiver.recv()
    except EOFError:  # killed (out of memory, a signal) before it could answer
        succeeded, value = False, None
    process.join()
    if value is None and not succeeded:
        value = f"The migrating process ended with exit code {process.exitcode}."
    if not succeeded:
        raise CommandError(value)
    return value


class ProgressLine:
    """The fleet migration's progress (core.progress.ProgressBar): how many schemas were up to date
    and how many are behind, then a bar over the ones behind."""

    def __init__(self, stream, *, verbosity: int = 1, clock: Callable[[], float] = time.monotonic):
        self.bar = ProgressBar(stream, "migrating", "migrated", total=0, verbosity=verbosity, clock=clock)

    def __call__(self, result: FleetMigration, behind: int) -> None:
        bar = self.bar
        bar.total, bar.done, bar.failed = behind, result.behind, len(result.failures)
        if bar.done == 0:
            bar.write(f"{result.up_to_date} tenant schemas up to date, {behind} to migrate.\n")
            bar.start()
        else:
            bar.show()
