"""Checkout throughput: successful checkouts per second with PROCESSES client processes, on one hot
SKU (every checkout takes from the same stock row) and spread over SPREAD_SKUS SKUs, for
mall.services.place_order and for a raw-SQL transaction of the same shape, in the same run.

Each client is a separate OS process (multiprocessing, 'spawn' start method) that sets Django up
itself, loads the URLconf as a web process does (Wagtail's reference index then listens to every
save), and holds its own database connections: threads in one process would measure the GIL, not
the shop. The processes start once, before any timing, and then run one timed window of SECONDS
per measurement, all starting at the same moment; every measurement runs ROUNDS times, service and
raw SQL side by side (who goes first alternates), and the mean is reported.

- service: `mall.services.place_order(member, CheckoutRequest(one line of 1, delivery to an
  address, use_balance=True, confirmed_total_cents, a new idempotency key), acting_user=member.user)`,
  each client its own member (their checkouts never queue on each other's member row), paid in
  full from stored value, so the order is paid inside the checkout and no provider is involved.
  The outbox events the checkout records (order.placed, balance.changed, order.paid) are recorded
  in its transaction as always; their delivery is queued for a worker and not run, as production
  queues it to Redis: the clients' Celery broker is kombu's in-memory transport (`memory://`), so
  queueing costs what publishing a message costs and the timed window holds checkouts only.
- raw_sql: per checkout, through psycopg on its own connection in the same database and schema
  (the driver mode of core.db.prepared_cursor, as bench/ledger.py's baseline: server-side binding,
  statements prepared after two runs): BEGIN; SELECT price_cents, stock FROM bench_checkout_sku
  WHERE id = %s FOR UPDATE; INSERT INTO bench_checkout_order (...); UPDATE bench_checkout_sku SET
  stock = stock - 1; COMMIT, against scratch tables made for the run (same SKU ids and stock).
- hot: every client buys the same SKU (HOT_STOCK units: stock never runs out, so checkouts keep
  succeeding and queue on that one row). spread: each client picks one of SPREAD_SKUS SKUs at random
  for each checkout.

Checks after the runs (the bench stops if one fails): for every SKU of both kinds, initial stock ==
final stock + units sold (`oversold` counts units sold beyond what the stock gave, `stock_lost`
units gone from stock with no order line: both 0); the orders of the timed windows are exactly the
successes the clients counted; every service order is paid; each member's stored value is its
top-up minus its orders and agrees with its ledger (members.services.ledger_drift).

After the timed windows one client, alone, times BREAKDOWN_OPS checkouts statement by statement
(checkout_breakdown: each statement's mean ms, COMMIT, queueing the delivery, the Python rest, and
how long the SKU's row stays locked) and PROFILE_OPS checkouts of each kind for wall and CPU time.

Writes bench/results/checkout.json, with `ratio_to_raw_sql` (service over raw SQL, per mode; the
issue asks at least TARGET_RATIO for the hot SKU). `python bench/checkout.py --profile` also prints
a cProfile of one client's checkouts (printed anyway, and its top lines written, when the hot ratio
misses the target). The benchmark tenant is removed at the end. About 3 minutes on 2 cores.
"""

import datetime as dt
import multiprocessing
import os
import platform
import random
import statistics
import sys
import time
import traceback
import uuid

from _django import setup_django, write_results
from ledger import open_raw_connection

PROCESSES = 8
SECONDS = 5
ROUNDS = 2
SPREAD_SKUS = 100
PRICE_CENTS = 100  # ¥1.00: START_BALANCE pays for a million checkouts per member
START_BALANCE = 100_000_000
HOT_STOCK = 10_000_000  # mall.models.MAX_STOCK
SPREAD_STOCK = 1_000_000
KINDS = ("service", "raw_sql")
MODES = ("hot", "spread")
PROFILE_OPS = 300
BREAKDOWN_OPS = 100
TARGET_RATIO = 0.3

RAW_TABLES = (
    "CREATE TABLE bench_checkout_sku (id bigint PRIMARY KEY, price_cents integer NOT NULL,"
    " stock integer NOT NULL CHECK (stock >= 0))",
    "CREATE TABLE bench_checkout_order (id bigserial PRIMARY KEY, number varchar(40) NOT NULL UNIQUE,"
    " member_id bigint NOT NULL, sku_id bigint NOT NULL REFERENCES bench_checkout_sku (id),"
    " quantity integer NOT NULL CHECK (quantity >= 1), total_cents bigint NOT NULL,"
    " idempotency_key varchar(100) NOT NULL, created_at timestamptz NOT NULL,"
    " UNIQUE (member_id, idempotency_key))",
)
SELECT_SKU = "SELECT price_cents, stock FROM bench_checkout_sku WHERE id = %s FOR UPDATE"
INSERT_ORDER = (
    "INSERT INTO bench_checkout_order (number, member_id, sku_id, quantity, total_cents, idempotency_key,"
    " created_at) VALUES (%s, %s, %s, 1, %s, %s, %s)"
)
UPDATE_STOCK = "UPDATE bench_checkout_sku SET stock = stock - 1 WHERE id = %s"


class SoldOut(Exception):
    """The raw-SQL checkout found no stock (the service raises ShopError)."""


def raw_checkout(raw, member_id: int, sku_id: int, key: str) -> None:
    """One checkout in plain SQL: lock the SKU row, insert the order, take the unit, commit."""
    with raw.transaction():  # BEGIN ... COMMIT (ROLLBACK when SoldOut leaves it)
        price_cents, stock = raw.execute(SELECT_SKU, (sku_id,)).fetchone()
        if stock < 1:
            raise SoldOut(sku_id)
        raw.execute(INSERT_ORDER, (key, member_id, sku_id, price_cents, key, dt.datetime.now(dt.UTC)))
        raw.execute(UPDATE_STOCK, (sku_id,))


def make_operation(kind: str, raw, member):
    """operation(sku_id, key): one checkout of one unit of the SKU by the client's member."""
    from mall import services

    if kind == "service":

        def operation(sku_id, key):
            request = services.CheckoutRequest(
                lines=[services.LineRequest(sku_id, 1)],
                delivery="shipping",
                recipient_name="Bench Customer",
                recipient_phone="13800000000",
                address="1 Bench Road, Shanghai",
                use_balance=True,
                confirmed_total_cents=PRICE_CENTS,
                idempotency_key=key,
            )
            services.place_order(member, request, acting_user=member.user)

    else:

        def operation(sku_id, key):
            raw_checkout(raw, member.pk, sku_id, key)

    return operation


def refusals():
    from mall.services import ShopError

    return (ShopError, SoldOut)


def client_process(index: int, schema: str, member_id: int, targets: dict, commands, reports) -> None:
    """One client: set Django up, connect, warm up, then run each timed window it is sent."""
    try:
        # Outbox deliveries are queued, not run in the client (see the module docstring).
        os.environ["CELERY_BROKER_URL"] = "memory://"
        setup_django()
        from importlib import import_module

        from django.conf import settings
        from django.db import connection

        from members.models import Member

        import_module(settings.ROOT_URLCONF)  # as a web process does on its first request
        connection.set_schema(schema)
        member = Member.objects.select_related("user", "level").get(pk=member_id)
        raw = open_raw_connection(schema)
        operations = {kind: make_operation(kind, raw, member) for kind in KINDS}
        rng = random.Random(index)
        pick = {"hot": lambda: targets["hot"], "spread": lambda: rng.choice(targets["spread"])}
        refused_kinds = refusals()
        for kind in KINDS:  # first queries, caches and imports happen outside the timed windows
            for mode in MODES:
                for n in range(3):
                    operations[kind](pick[mode](), f"warmup-{kind}-{mode}-{index}-{n}")
        reports.put(("ready", index, 0))
        while (command := commands.get()) is not None:
            if command[0] == "profile":  # one client alone, nobody else running
                reports.put(("profiled", index, profile_client(raw, member, targets["hot"], command[1])))
                continue
            kind, mode, run_id, start_at, stop_at = command
            operation, choose = operations[kind], pick[mode]
            time.sleep(max(0.0, start_at - time.time()))
            succeeded = refused = n = 0
            while time.time() < stop_at:
                try:
                    operation(choose(), f"{run_id}-{index}-{n}")
                    succeeded += 1
                except refused_kinds:
                    refused += 1
                n += 1
            reports.put(("done", index, (succeeded, refused)))
        raw.close()
        connection.close()
    except BaseException:  # noqa: BLE001 - the parent reports it and stops the bench
        reports.put(("error", index, traceback.format_exc()))


def collect(reports, expected: int, what: str, timeout: float) -> list:
    values = []
    while len(values) < expected:
        status, index, value = reports.get(timeout=timeout)
        if status == "error":
            raise RuntimeError(f"client {index} failed:\n{value}")
        assert status == what, (status, what)
        values.append(value)
    return values


def checkout_breakdown(member, sku_id: int, ops: int = BREAKDOWN_OPS) -> dict:
    """Where one checkout's time goes, for one client alone over `ops` checkouts: each statement it
    sends (what Django's cursors and core.db.prepared_cursor execute, savepoints included; psycopg
    sends BEGIN with the first) with its mean time in ms, timed around the driver's execute so it
    includes the round trip; COMMIT; queueing the outbox delivery after the commit; the rest
    (Python: the ORM building statements and rows, the services' own work); and how long the SKU's
    row stays locked, from the stock UPDATE to the end of COMMIT (what a hot SKU's checkouts queue
    for)."""
    import re

    import psycopg

    from core import outbox

    operation = make_operation("service", None, member)
    plain_execute, plain_commit = psycopg.Cursor.execute, psycopg.Connection.commit
    plain_queue = outbox._DeliveryRun.__call__
    sent, marks = [], {}

    def timed_execute(cursor, query, params=None, **kwargs):
        sql = re.sub(r'"s\d+_x\d+"', '"<savepoint>"', " ".join(str(query).split()))
        started = time.perf_counter()
        if sql.startswith(('UPDATE "mall_sku"', "UPDATE mall_sku")):
            marks["locked"] = started
        try:
            return plain_execute(cursor, query, params, **kwargs)
        finally:
            sent.append((sql, (time.perf_counter() - started) * 1000))

    def timed_commit(session):
        started = time.perf_counter()
        try:
            return plain_commit(session)
        finally:
            marks["committed"] = time.perf_counter()
            marks["commit_ms"] = (marks["committed"] - started) * 1000

    def timed_queue(run):
        started = time.perf_counter()
        try:
            return plain_queue(run)
        finally:
            marks["queue_ms"] = (time.perf_counter() - started) * 1000

    samples = []
    psycopg.Cursor.execute, psycopg.Connection.commit = timed_execute, timed_commit
    outbox._DeliveryRun.__call__ = timed_queue
    try:
        for n in range(ops):
            sent.clear()
            marks.clear()
            started = time.perf_counter()
            operation(sku_id, f"statements-{uuid.uuid4().hex[:8]}-{n}")
            wall = (time.perf_counter() - started) * 1000
            samples.append((wall, list(sent), dict(marks)))
    finally:
        psycopg.Cursor.execute, psycopg.Connection.commit = plain_execute, plain_commit
        outbox._DeliveryRun.__call__ = plain_queue
    sqls = [sql for sql, _ms in samples[0][1]]
    assert all([sql for sql, _ms in sample[1]] == sqls for sample in samples), "statements differ"

    def mean(values):
        return round(statistics.mean(values), 3)

    in_statements = [sum(ms for _sql, ms in sample[1]) for sample in samples]
    extra = {key: [sample[2].get(key, 0.0) for sample in samples] for key in ("commit_ms", "queue_ms")}
    return {
        "statements": ["BEGIN", *sqls, "COMMIT"],
        "statement_mean_ms": [
            [sql, mean([sample[1][i][1] for sample in samples])] for i, sql in enumerate(sqls)
        ],
        "ms": {
            "wall": mean([sample[0] for sample in samples]),
            "in_statements": mean(in_statements),
            "commit": mean(extra["commit_ms"]),
            "queue_outbox_delivery": mean(extra["queue_ms"]),
            "rest_python": mean(
                [
                    wall - statements - commit - queue
                    for (wall, _sent, _marks), statements, commit, queue in zip(
                        samples, in_statements, extra["commit_ms"], extra["queue_ms"], strict=True
                    )
                ]
            ),
            "sku_row_locked": mean(
                [(marks["committed"] - marks["locked"]) * 1000 for _w, _s, marks in samples]
            ),
        },
        "checkouts": ops,
    }


def time_one_client(kind: str, raw, member, sku_id: int, ops: int, profiler=None) -> dict:
    """Wall and client-CPU microseconds per checkout for one client alone (CPU is this process:
    Python, psycopg and libpq; wall minus CPU is mostly waiting on PostgreSQL)."""
    operation = make_operation(kind, raw, member)
    run_id = f"profile-{kind}-{uuid.uuid4().hex[:6]}{'-p' if profiler else ''}"
    if profiler:
        profiler.enable()
    wall, cpu = time.perf_counter(), time.process_time()
    for n in range(ops):
        operation(sku_id, f"{run_id}-{n}")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if profiler:
        profiler.disable()
    return {"wall_us": round(wall / ops * 1e6), "client_cpu_us": round(cpu / ops * 1e6)}


def profile_client(raw, member, sku_id: int, with_cprofile: bool) -> dict:
    found = {
        "breakdown": checkout_breakdown(member, sku_id),
        "us_per_checkout": {kind: time_one_client(kind, raw, member, sku_id, PROFILE_OPS) for kind in KINDS},
        "cprofile": "",
        "cprofile_top": [],
    }
    if with_cprofile:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        time_one_client("service", raw, member, sku_id, PROFILE_OPS, profiler)
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(50)
        found["cprofile"] = text.getvalue()
        total = sum(row[2] for row in stats.stats.values())  # tottime over every function
        by_own_time = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:15]
        found["cprofile_top"] = [
            {
                "function": f"{path.split('site-packages/')[-1].split('/work/main/')[-1]}:{line} {name}",
                "own_us_per_checkout": round(own / PROFILE_OPS * 1e6),
                "share_of_client_time": round(own / total, 3),
            }
            for (path, line, name), (_calls, _primitive, own, _cumulative, _callers) in by_own_time
        ]
    return found


def set_up_shop(schema: str) -> tuple[list[int], dict, dict]:
    """Members with stored value, the hot SKU, the spread SKUs, and the scratch tables with the same
    SKU ids and stock. Returns (member ids, targets, initial stock by SKU id)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tenants.utils import schema_context

    from mall.models import Product, Sku
    from members import services as loyalty

    with schema_context(schema):
        member_ids = []
        for i in range(PROCESSES):
            user = get_user_model().objects.create_user(f"shopper{i}", f"shopper{i}@bench.example")
            member = loyalty.enrol_member(user)
            loyalty.top_up_balance(member, START_BALANCE, reason="Bench top-up", idempotency_key="start")
            member_ids.append(member.pk)

        def sku(slug: str, stock: int) -> Sku:
            # member_discount off: every member pays PRICE_CENTS whatever their level.
            product = Product.objects.create(title=f"Bench {slug}", slug=slug, member_discount=False)
            return Sku.objects.create(product=product, code=slug, price_cents=PRICE_CENTS, stock=stock)

        hot = sku("hot-beans", HOT_STOCK)
        spread = [sku(f"spread-{i:03d}", SPREAD_STOCK) for i in range(SPREAD_SKUS)]
        initial = {hot.pk: HOT_STOCK, **{s.pk: SPREAD_STOCK for s in spread}}
        with connection.cursor() as cursor:
            for statement in RAW_TABLES:
                cursor.execute(statement)
            cursor.executemany(
                "INSERT INTO bench_checkout_sku (id, price_cents, stock) VALUES (%s, %s, %s)",
                [(pk, PRICE_CENTS, stock) for pk, stock in initial.items()],
            )
    return member_ids, {"hot": hot.pk, "spread": [s.pk for s in spread]}, initial


def check_accounts(schema: str, member_ids: list[int], initial: dict, successes: dict) -> dict:
    """Stock against units sold for both kinds, timed orders against the clients' counts, order
    status, stored value against orders and ledgers. Raises AssertionError when anything is off."""
    from django.db import connection
    from django.db.models import Count, Sum
    from django_tenants.utils import schema_context

    from mall.models import Order, OrderLine, OrderStatus, Sku
    from members import services as loyalty
    from members.models import Member

    with schema_context(schema):
        final = {"service": dict(Sku.objects.filter(pk__in=initial).values_list("pk", "stock"))}
        sold = {
            "service": dict(
                OrderLine.objects.filter(sku_id__in=initial)
                .order_by()
                .values_list("sku_id")
                .annotate(units=Sum("quantity"))
                .values_list("sku_id", "units")
            )
        }
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, stock FROM bench_checkout_sku")
            final["raw_sql"] = dict(cursor.fetchall())
            cursor.execute("SELECT sku_id, sum(quantity) FROM bench_checkout_order GROUP BY sku_id")
            sold["raw_sql"] = dict(cursor.fetchall())
            cursor.execute(
                "SELECT count(*) FROM bench_checkout_order WHERE idempotency_key LIKE %s", ["raw_sql-%"]
            )
            (raw_timed,) = cursor.fetchone()
        oversold, lost = {}, {}
        for kind in KINDS:
            differences = [sold[kind].get(pk, 0) - (stock - final[kind][pk]) for pk, stock in initial.items()]
            oversold[kind] = sum(d for d in differences if d > 0)
            lost[kind] = -sum(d for d in differences if d < 0)
            assert min(final[kind].values()) >= 0, (kind, "negative stock")
        service_timed = Order.objects.filter(idempotency_key__startswith="service-").count()
        statuses = set(Order.objects.order_by().values_list("status", flat=True).distinct())
        per_member = dict(
            Order.objects.order_by()
            .values_list("member_id")
            .annotate(n=Count("pk"))
            .values_list("member_id", "n")
        )
        drift, balance_off = 0, 0
        for pk in member_ids:
            member = Member.objects.get(pk=pk)
            drift = max([drift, *(abs(value) for value in loyalty.ledger_drift(member).values())])
            balance_off += abs(member.balance_cents - (START_BALANCE - PRICE_CENTS * per_member.get(pk, 0)))
    figures = {
        "oversold": oversold,
        "stock_lost": lost,
        "timed_orders": {"service": service_timed, "raw_sql": raw_timed},
        "timed_successes_counted": successes,
        "service_order_statuses": sorted(statuses),
        "ledger_drift": drift,
        "stored_value_off_cents": balance_off,
        "units_sold": {kind: sum(sold[kind].values()) for kind in KINDS},
    }
    assert oversold == {"service": 0, "raw_sql": 0}, figures
    assert lost == {"service": 0, "raw_sql": 0}, figures
    assert figures["timed_orders"] == successes, figures
    assert statuses == {OrderStatus.PAID}, figures
    assert (drift, balance_off) == (0, 0), figures
    return figures


def machine_notes(external_database: bool) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (server_version,) = cursor.fetchone()
        cursor.execute("SHOW max_connections")
        (max_connections,) = cursor.fetchone()
    try:
        load = [round(value, 2) for value in os.getloadavg()]
    except OSError:
        load = None
    return {
        "cpu_count": os.cpu_count(),
        "load_average_at_end": load,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "postgresql": server_version,
        "postgresql_max_connections": int(max_connections),
        "database": "DATABASE_URL" if external_database else "embedded PostgreSQL (pgserver), same machine",
        "note": "shared 2-core machine: other work may have run during the windows; both kinds ran "
        "side by side in each round, so the ratio is fairer than either rate",
    }


def main():
    show_profile = "--profile" in sys.argv[1:]
    external_database = bool(os.environ.get("DATABASE_URL"))  # before config.database sets it
    setup_django()
    from django.db import connection

    from tenants import schemas
    from tenants import services as tenant_services
    from tenants.models import Agency

    agency, _ = Agency.objects.get_or_create(name="Benchmark Agency")
    label = f"checkout{uuid.uuid4().hex[:6]}"
    tenant = tenant_services.provision_tenant(
        "Checkout bench", f"{label}.bench.localhost", "member-mall", "b@bench.example", agency=agency
    ).tenant
    schema = tenant.schema_name
    workers = []
    try:
        member_ids, targets, initial = set_up_shop(schema)
        connection.close()

        context = multiprocessing.get_context("spawn")
        reports = context.Queue()
        commands = [context.Queue() for _ in range(PROCESSES)]
        for index in range(PROCESSES):
            worker = context.Process(
                target=client_process,
                args=(index, schema, member_ids[index], targets, commands[index], reports),
                daemon=True,
            )
            worker.start()
            workers.append(worker)
        started = time.perf_counter()
        collect(reports, PROCESSES, "ready", timeout=300)
        print(f"{PROCESSES} client processes ready in {time.perf_counter() - started:.1f} s")

        by_round = {kind: {mode: [] for mode in MODES} for kind in KINDS}
        refused = {kind: dict.fromkeys(MODES, 0) for kind in KINDS}
        successes = dict.fromkeys(KINDS, 0)
        for round_number in range(ROUNDS):
            kinds = KINDS if round_number % 2 == 0 else KINDS[::-1]
            for mode in MODES:
                for kind in kinds:
                    run_id = f"{kind}-{mode}-{round_number}"
                    start_at = time.time() + 0.5
                    for index in range(PROCESSES):
                        commands[index].put((kind, mode, run_id, start_at, start_at + SECONDS))
                    counts = collect(reports, PROCESSES, "done", timeout=SECONDS + 120)
                    done = sum(succeeded for succeeded, _refused in counts)
                    successes[kind] += done
                    refused[kind][mode] += sum(r for _succeeded, r in counts)
                    by_round[kind][mode].append(round(done / SECONDS, 1))
                    print(f"  round {round_number + 1} {kind:8} {mode:6} {done / SECONDS:8.1f} checkouts/s")
        per_second = {
            kind: {mode: round(statistics.mean(values), 1) for mode, values in modes.items()}
            for kind, modes in by_round.items()
        }
        ratio = {mode: round(per_second["service"][mode] / per_second["raw_sql"][mode], 3) for mode in MODES}
        with_cprofile = show_profile or ratio["hot"] < TARGET_RATIO
        commands[0].put(("profile", with_cprofile))
        (profiled,) = collect(reports, 1, "profiled", timeout=600)
        for command_queue in commands:
            command_queue.put(None)
        for worker in workers:
            worker.join(timeout=30)
        if profiled["cprofile"]:
            print(f"\n=== cProfile, {PROFILE_OPS} service checkouts, one client process ===\n")
            print(profiled["cprofile"])
        breakdown = profiled["breakdown"]
        print(f"\nOne checkout, one client alone: {len(breakdown['statements'])} statements, mean ms")
        for sql, ms in breakdown["statement_mean_ms"]:
            print(f"  {ms:7.3f}  {sql[:150]}")
        print("  " + ", ".join(f"{name} {ms} ms" for name, ms in breakdown["ms"].items()))

        accounts = check_accounts(schema, member_ids, initial, successes)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
        connection.set_schema_to_public()
        schemas.drop_schema(schema)
        tenant.delete()

    figures = {
        "checkouts_per_second": per_second["service"],
        "raw_sql_per_second": per_second["raw_sql"],
        "ratio_to_raw_sql": ratio,
        "ratio_to_raw_sql_is": "service checkouts/s over raw-SQL checkouts/s, same processes, same run",
        "ratio_target": f"hot >= {TARGET_RATIO}",
        "ratio_target_met": ratio["hot"] >= TARGET_RATIO,
        "oversold": accounts["oversold"]["service"] + accounts["oversold"]["raw_sql"],
        "stock_lost": accounts["stock_lost"]["service"] + accounts["stock_lost"]["raw_sql"],
        "checks": accounts,
        "refused_checkouts": refused,
        "per_second_by_round": by_round,
        "processes": PROCESSES,
        "clients_are_processes": True,
        "duration": {
            "seconds_per_window": SECONDS,
            "rounds": ROUNDS,
            "windows": ROUNDS * len(MODES) * len(KINDS),
        },
        "spread_skus": SPREAD_SKUS,
        "stock": {"hot": HOT_STOCK, "spread_each": SPREAD_STOCK},
        "statements_per_checkout": {
            "service": len(breakdown["statements"]),
            "raw_sql": 5,
            "counted": "every statement sent, BEGIN and COMMIT included",
        },
        "one_client_us_per_checkout": profiled["us_per_checkout"],
        "one_client_service_checkout_ms": breakdown["ms"],
        "one_client_service_statements_mean_ms": [
            [sql[:100], ms] for sql, ms in breakdown["statement_mean_ms"]
        ],
        "operation_service": (
            "mall.services.place_order: one line of 1, delivery to an address, stored value pays it "
            "all (paid inside the checkout), a new idempotency key each; outbox delivery queued to an "
            "in-memory broker, not run"
        ),
        "operation_raw_sql": (
            "BEGIN; SELECT price_cents, stock FROM bench_checkout_sku WHERE id=%s FOR UPDATE; "
            "INSERT INTO bench_checkout_order (...); UPDATE bench_checkout_sku SET stock = stock - 1; "
            "COMMIT (psycopg, server-side binding, prepared after two runs)"
        ),
        "modes": {
            "hot": "every client buys the same SKU: all queue on one stock row",
            "spread": f"each client buys one of {SPREAD_SKUS} SKUs at random each time",
        },
        "machine": machine_notes(external_database),
    }
    if profiled["cprofile_top"]:
        figures["profile_service_top_own_time"] = profiled["cprofile_top"]
    write_results("checkout", figures)


if __name__ == "__main__":
    main()
