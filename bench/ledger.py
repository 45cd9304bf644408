"""Points ledger throughput: operations per second with 1 and 16 concurrent clients, on one member
(every client queues on the same row lock) and on many members (each client its own few members, so
clients never wait for each other's locks), for the service functions and for a raw-SQL baseline of
the same shape, in the same run.

Each client is a separate OS process (multiprocessing, 'spawn' start method) that sets Django up
itself and holds its own database connections: threads in one process would measure the GIL, not
the ledger. The processes start once, before any timing, and then run one timed window per
measurement, all starting at the same moment.

- service: `members.services.add_points(member, 5, source=MANUAL)` and `spend_points(member, 3)`
  alternately, each its own transaction, a new idempotency key per operation. The clients load the
  URLconf first, as a web process does: that registers Wagtail's admin viewsets, and their models
  with Wagtail's reference index, whose post_save handler then runs on every Model.save().
- raw_sql: the same alternation through psycopg on its own connection (in the driver mode the
  service's fixed statements use, core.db.prepared_cursor: server-side binding, statements
  prepared after two runs), each operation BEGIN; SELECT points,
  lifetime_points ... FOR UPDATE; INSERT INTO members_pointsentry ...; UPDATE members_member ...;
  COMMIT, with a new idempotency key per operation. It keeps balance = ledger sum too, and writes
  no outbox event and checks no level: that and the ORM are what the ratio prices.

Writes bench/results/ledger.json; `drift` is the largest |balance - ledger sum| over every member
after all runs and must be 0. `python bench/ledger.py --profile` also prints a cProfile of one
client. The benchmark tenant is removed at the end.
"""

import datetime as dt
import multiprocessing
import os
import statistics
import sys
import time
import traceback
import uuid

from _django import setup_django, write_results

SECONDS = 3
ROUNDS = 2  # every measurement twice, the mean reported: the machine is shared and noisy
CLIENT_COUNTS = (1, 16)
MEMBERS_PER_CLIENT = 8
START_POINTS = 1_000_000
KINDS = ("service", "raw_sql")
MODES = ("one_member", "many_members")
PROFILE_OPS = 400

SELECT_FOR_UPDATE = "SELECT points, lifetime_points FROM members_member WHERE id = %s FOR UPDATE"
INSERT_ENTRY = (
    "INSERT INTO members_pointsentry (member_id, delta, balance_after, reason, source, idempotency_key,"
    " acting_user_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, NULL, %s)"
)
UPDATE_MEMBER = "UPDATE members_member SET points = %s, lifetime_points = %s WHERE id = %s"


def open_raw_connection(schema: str):
    """A psycopg connection of its own, with Django's connection parameters, in the tenant schema."""
    import psycopg
    from django.db import connection
    from psycopg import sql

    raw = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    # The driver mode of the service's hot path (core.db.prepared_cursor): server-side binding,
    # statements prepared after two runs.
    raw.cursor_factory = psycopg.Cursor
    raw.prepare_threshold = 2
    raw.execute(sql.SQL("SET search_path = {}, public").format(sql.Identifier(schema)))
    return raw


def raw_change(raw, member_id: int, delta: int, reason: str, source: str, key: str) -> None:
    """One ledger change in plain SQL: lock the row, append the entry, write the new balance."""
    with raw.transaction():  # BEGIN ... COMMIT
        points, lifetime_points = raw.execute(SELECT_FOR_UPDATE, (member_id,)).fetchone()
        balance = points + delta
        if balance < 0:
            raise ValueError(f"member {member_id} has {points} points, {-delta} asked for")
        now = dt.datetime.now(dt.UTC)
        raw.execute(INSERT_ENTRY, (member_id, delta, balance, reason, source, key, now))
        raw.execute(UPDATE_MEMBER, (balance, lifetime_points + max(delta, 0), member_id))


def make_operation(kind: str, raw):
    """operation(member, n, key): the n-th operation of a client, add 5 when n is even, else spend 3."""
    from members import services
    from members.models import LedgerSource

    if kind == "service":

        def operation(member, n, key):
            if n % 2:
                services.spend_points(member, 3, reason="Bench spend", idempotency_key=key)
            else:
                services.add_points(
                    member, 5, reason="Bench earn", source=LedgerSource.MANUAL, idempotency_key=key
                )

    else:

        def operation(member, n, key):
            if n % 2:
                raw_change(raw, member.pk, -3, "Bench spend", LedgerSource.REDEMPTION, key)
            else:
                raw_change(raw, member.pk, 5, "Bench earn", LedgerSource.MANUAL, key)

    return operation


def client_process(index: int, schema: str, targets: dict, commands, reports) -> None:
    """One client: set Django up, connect, warm up, then run each timed window it is sent."""
    try:
        setup_django()
        from importlib import import_module

        from django.conf import settings
        from django.db import connection

        from members.models import Member

        # Load the URLconf, as a web process does on its first request: importing Wagtail's admin
        # URLs registers the admin viewsets, and with them their models in Wagtail's reference
        # index, whose post_save handler then runs on every Member.save().
        import_module(settings.ROOT_URLCONF)
        connection.set_schema(schema)
        members = Member.objects.in_bulk({pk for pks in targets.values() for pk in pks})
        by_mode = {mode: [members[pk] for pk in pks] for mode, pks in targets.items()}
        raw = open_raw_connection(schema)
        operations = {kind: make_operation(kind, raw) for kind in KINDS}
        for kind in KINDS:  # first queries, caches and imports happen outside the timed windows
            for n in range(2):
                operations[kind](by_mode["many_members"][0], n, f"warmup-{kind}-{index}-{n}")
        reports.put(("ready", index, 0))
        while (command := commands.get()) is not None:
            if command[0] == "profile":  # one client alone: a member of its own, nobody else running
                reports.put(("profiled", index, profile_client(raw, by_mode["many_members"][1], command[1])))
                continue
            kind, mode, run_id, start_at, stop_at = command
            operation, targets_now = operations[kind], by_mode[mode]
            time.sleep(max(0.0, start_at - time.time()))
            n = 0
            while time.time() < stop_at:
                operation(targets_now[n % len(targets_now)], n, f"{run_id}-{index}-{n}")
                n += 1
            reports.put(("done", index, n))
        raw.close()
        connection.close()
    except BaseException:  # noqa: BLE001 - the parent reports it and stops the bench
        reports.put(("error", index, traceback.format_exc()))


def collect(reports, expected: int, what: str, timeout: float) -> list[int]:
    values = []
    while len(values) < expected:
        status, index, value = reports.get(timeout=timeout)
        if status == "error":
            raise RuntimeError(f"client {index} failed:\n{value}")
        assert status == what, (status, what)
        values.append(value)
    return values


def service_statements(member, ops: int = 100) -> dict:
    """The SQL one add_points and one spend_points send, as Django's CaptureQueriesContext lists it
    (BEGIN and COMMIT included), with each statement's mean time in ms over `ops` operations of each
    kind (timed around the cursor's execute, so a statement's time includes its round trip; the
    first one also carries psycopg's BEGIN, which it sends just before)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    operation = make_operation("service", None)
    run_id = f"statements-{uuid.uuid4().hex[:6]}"
    statements, timings = {}, {"add_points": [], "spend_points": []}

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            current.append((time.perf_counter() - started) * 1000)

    import psycopg

    sent_directly = []  # statements of core.db.prepared_cursor (psycopg, not Django's cursor)
    plain_execute = psycopg.Cursor.execute

    def counted_execute(cursor, query, params=None, **kwargs):
        if type(cursor) is not psycopg.Cursor:  # Django's cursors are subclasses, counted above
            return plain_execute(cursor, query, params, **kwargs)
        started = time.perf_counter()
        try:
            return plain_execute(cursor, query, params, **kwargs)
        finally:
            sent_directly.append((" ".join(str(query).split()), (time.perf_counter() - started) * 1000))

    psycopg.Cursor.execute = counted_execute
    try:
        for n in range(2 * ops):
            name = "spend_points" if n % 2 else "add_points"
            current, sent_directly[:] = [], []
            with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timed):
                operation(member, n, f"{run_id}-{n}")
            sqls = [query["sql"] for query in queries.captured_queries]
            # Django's BEGIN first, its COMMIT last; the prepared statements in between, in order.
            statements[name] = [sqls[0], *[sql for sql, _ms in sent_directly], *sqls[1:]]
            timings[name].append([*current, *[ms for _sql, ms in sent_directly]])
    finally:
        psycopg.Cursor.execute = plain_execute
    result = {}
    for name, sqls in statements.items():
        executed = [sql for sql in sqls if sql not in ("BEGIN", "COMMIT")]
        assert all(len(sample) == len(executed) for sample in timings[name]), name
        means = iter([sum(column) / ops for column in zip(*timings[name], strict=True)])
        result[name] = {
            "count": len(sqls),
            "statements": [
                {"sql": sql, "mean_ms": None if sql in ("BEGIN", "COMMIT") else round(next(means), 3)}
                for sql in sqls
            ],
        }
    return result


def time_one_client(kind: str, raw, member, ops: int, profiler=None) -> dict:
    """Wall and client-CPU microseconds per operation for one client alone (CPU is this process:
    Python, psycopg and libpq; wall minus CPU is mostly waiting on PostgreSQL)."""
    operation = make_operation(kind, raw)
    run_id = f"profile-{kind}-{uuid.uuid4().hex[:6]}{'-p' if profiler else ''}"
    if profiler:
        profiler.enable()
    wall, cpu = time.perf_counter(), time.process_time()
    for n in range(ops):
        operation(member, n, f"{run_id}-{n}")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if profiler:
        profiler.disable()
    return {"wall_us": round(wall / ops * 1e6), "client_cpu_us": round(cpu / ops * 1e6)}


def profile_client(raw, member, with_cprofile: bool) -> dict:
    """Statements per operation, wall and CPU time per operation, and (when asked) cProfile tables."""
    found = {
        "statements": service_statements(member),
        "us_per_op": {kind: time_one_client(kind, raw, member, PROFILE_OPS) for kind in KINDS},
        "cprofile": {},
    }
    if with_cprofile:
        import cProfile
        import io
        import pstats

        for kind in KINDS:
            profiler = cProfile.Profile()
            time_one_client(kind, raw, member, PROFILE_OPS, profiler)
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(45)
            found["cprofile"][kind] = text.getvalue()
    return found


def main():
    show_profile = "--profile" in sys.argv[1:]
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tenants.utils import schema_context

    from members import services
    from members.models import LedgerSource, Member, PointsEntry
    from tenants import schemas
    from tenants import services as tenant_services
    from tenants.models import Agency

    agency, _ = Agency.objects.get_or_create(name="Benchmark Agency")
    label = f"ledger{uuid.uuid4().hex[:6]}"
    tenant = tenant_services.provision_tenant(
        "Ledger bench", f"{label}.bench.localhost", "member-mall", "b@bench.example", agency=agency
    ).tenant
    schema = tenant.schema_name
    clients_max = max(CLIENT_COUNTS)
    workers = []
    try:
        with schema_context(schema):
            member_ids = []
            for i in range(clients_max * MEMBERS_PER_CLIENT):
                user = get_user_model().objects.create_user(f"m{i}", f"m{i}@bench.example")
                member = services.enrol_member(user)
                services.add_points(
                    member, START_POINTS, reason="Start", source=LedgerSource.MANUAL, idempotency_key="start"
                )
                member_ids.append(member.pk)
        connection.close()

        context = multiprocessing.get_context("spawn")
        reports = context.Queue()
        commands = [context.Queue() for _ in range(clients_max)]
        for index in range(clients_max):
            targets = {
                "one_member": member_ids[:1],
                "many_members": member_ids[index * MEMBERS_PER_CLIENT : (index + 1) * MEMBERS_PER_CLIENT],
            }
            worker = context.Process(
                target=client_process, args=(index, schema, targets, commands[index], reports), daemon=True
            )
            worker.start()
            workers.append(worker)
        started = time.perf_counter()
        collect(reports, clients_max, "ready", timeout=300)
        print(f"{clients_max} client processes ready in {time.perf_counter() - started:.1f} s")

        by_round = {kind: {} for kind in KINDS}
        reported_ops = 0
        for round_number in range(ROUNDS):
            # Service and raw side by side, so both see the same machine; who goes first alternates.
            kinds = KINDS if round_number % 2 == 0 else KINDS[::-1]
            for clients in CLIENT_COUNTS:
                for mode in MODES:
                    name = f"{clients}_client{'s' if clients > 1 else ''}_{mode}"
                    for kind in kinds:
                        run_id = f"{kind}-{clients}-{mode}-{round_number}"
                        start_at = time.time() + 0.5
                        for index in range(clients):
                            commands[index].put((kind, mode, run_id, start_at, start_at + SECONDS))
                        counts = collect(reports, clients, "done", timeout=SECONDS + 120)
                        reported_ops += sum(counts)
                        by_round[kind].setdefault(name, []).append(round(sum(counts) / SECONDS, 1))
                        print(
                            f"  round {round_number + 1} {kind:8} {name:26} {sum(counts) / SECONDS:9.1f} ops/s"
                        )
        ops_per_s = {
            kind: {name: round(statistics.mean(values), 1) for name, values in runs.items()}
            for kind, runs in by_round.items()
        }
        commands[0].put(("profile", show_profile))
        (profiled,) = collect(reports, 1, "profiled", timeout=600)
        for command_queue in commands:
            command_queue.put(None)
        for worker in workers:
            worker.join(timeout=30)
        statements, one_client = profiled["statements"], profiled["us_per_op"]
        for kind, text in profiled["cprofile"].items():
            print(f"\n=== cProfile, {PROFILE_OPS} {kind} operations, one client process ===\n{text}")
        for name, found in statements.items():
            print(f"\n{name}: {found['count']} statements (BEGIN and COMMIT included), mean ms")
            for statement in found["statements"]:
                mean = "" if statement["mean_ms"] is None else f"{statement['mean_ms']:7.3f}"
                print(f"  {mean:>7}  {statement['sql'][:150]}")

        with schema_context(schema):
            timed_entries = (
                PointsEntry.objects.exclude(idempotency_key="start")
                .exclude(idempotency_key__startswith="warmup-")
                .exclude(idempotency_key__startswith="profile-")
                .exclude(idempotency_key__startswith="statements-")
            )
            assert timed_entries.count() == reported_ops, (timed_entries.count(), reported_ops)
            drift = max(
                abs(value)
                for pk in member_ids
                for value in services.ledger_drift(Member.objects.get(pk=pk)).values()
            )
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
        connection.set_schema_to_public()
        schemas.drop_schema(schema)
        tenant.delete()

    headline = "16_clients_many_members"
    write_results(
        "ledger",
        {
            "ops_per_s_service": ops_per_s["service"],
            "ops_per_s_raw_sql": ops_per_s["raw_sql"],
            "ops_per_s_by_round": by_round,
            "ratio_to_raw_sql": round(ops_per_s["service"][headline] / ops_per_s["raw_sql"][headline], 3),
            "ratio_to_raw_sql_by_run": {
                name: round(ops_per_s["service"][name] / ops_per_s["raw_sql"][name], 3)
                for name in ops_per_s["service"]
            },
            "ratio_to_raw_sql_is": f"service ops/s over raw SQL ops/s, {headline.replace('_', ' ')}",
            "drift": drift,
            "clients_are_processes": True,
            "cpu_count": os.cpu_count(),
            "seconds_per_run": SECONDS,
            "rounds": ROUNDS,
            "members_per_client_many_members": MEMBERS_PER_CLIENT,
            "statements_per_operation": {
                "service_add_points": statements["add_points"]["count"],
                "service_spend_points": statements["spend_points"]["count"],
                "raw_sql": 5,
                "counted": "every statement sent, BEGIN and COMMIT included",
            },
            "one_client_us_per_op": one_client,
            "service_statements_one_client_mean_ms": {
                name: [[statement["sql"][:90], statement["mean_ms"]] for statement in found["statements"]]
                for name, found in statements.items()
            },
            "operation_service": (
                "members.services.add_points(member, 5, source=MANUAL) and spend_points(member, 3) "
                "alternately, each its own transaction, a new idempotency key each, in client processes "
                "that have loaded the URLconf as a web process has; what they sent is listed under "
                "service_statements_one_client_mean_ms"
            ),
            "operation_raw_sql": (
                "the same alternation in plain SQL through psycopg with Django's connection settings: "
                "BEGIN; SELECT points, lifetime_points FROM members_member WHERE id=%s FOR UPDATE; "
                "INSERT INTO members_pointsentry (...); UPDATE members_member SET points, lifetime_points; "
                "COMMIT, a new idempotency key each"
            ),
            "modes": {
                "one_member": "every client changes the same member: all queue on one row lock",
                "many_members": f"each client changes its own {MEMBERS_PER_CLIENT} members in turn: no lock waits",
            },
            "python": sys.version.split()[0],
        },
    )


if __name__ == "__main__":
    main()
