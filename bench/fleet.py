"""A fleet of tenants in one database (issue 16's "Done when"): provisioning, migrating, memory,
the page cache and a tenant's round trip through export and import, with the issue's targets.

Writes bench/results/fleet.json with
- tenants: FLEET_TENANTS (env, default 300), provisioned one after another with the spare pool
  EMPTY (every one clones the template), by provision_tenant in this process, on a fresh database
  connection every FRESH_CONNECTION_EVERY tenants as `manage.py provision_tenants` does;
- provision_per_minute: tenants / minutes spent provisioning them;
- provision_s_first_50, provision_s_last_50: median seconds per tenant of the first and the last 50,
  provision_steps_first_50 / _last_50: the median seconds and queries of each step,
  provision_cpu_s_first_50 / _last_50: the median CPU seconds of this process plus its database
  backend (/proc; only with the server on this machine), and provision_db_activity_first_50 /
  _last_50: what the backend was doing while provisioning (pg_stat_activity every 20 ms: CPU or
  its wait event), which tell the work apart from waiting on the disk;
- noop_migrate_s: `manage.py migrate_schemas --noinput` over all of them with nothing to apply, run as
  a subprocess (public, the template and its snapshot, the fleet check); noop_migrate_s_per_1000 is
  noop_migrate_s * 1000 / tenants;
- rss_mb_start, rss_mb_end, rss_mb_peak: resident memory (VmRSS, /proc/<pid>/status, every 20 ms)
  of that migrating process: start is the first sample after the command's own first line of
  output (Django set up and checked: a line starting with "===" or "["; log lines and warnings
  printed while Django starts do not count), end the last sample before it exits;
  rss_mb_fleet_start the first sample once it reaches the tenant schemas (public and the template
  migrated in a child process, the snapshot rebuilt); rss_mb_peak_with_children the most the
  process and its children (the one migrating public and the template, the fleet's workers) held
  at once, summed (pages a fork shares are counted in each);
- cached_page_ms_20, cached_page_ms_all: median latency of an anonymous home page answered from
  the page cache, visited round-robin over 20 tenants and over all of them for 15 s each (after
  two untimed rounds), ONE gunicorn sync worker, production settings, local-memory cache (or REDIS_URL when
  set), one request at a time from this process on a new connection each; bare_page_ms is the same
  for a bare Django view (bench/bare_app.py) through the same gunicorn: the baseline;
  cached_page_hits_* (share of answers marked X-Portal-Cache: hit) and
  cached_page_db_transactions_per_request_* (from pg_stat_database) say why a figure moved;
- export_import_exact: a populated demo tenant exported and imported under a new name compares
  equal (tenants.portable); null while that module does not exist;
- targets: each of the issue's targets and whether it is met.

It runs in a database of its own (portal_bench_fleet on the same server, made from scratch with
`migrate_schemas` and dropped at the end) with MEDIA_ROOT in a temporary folder, so it neither
sees nor leaves anything in the development database.
"""

import contextlib
import http.client
import importlib.util
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from _django import ROOT, setup_django, write_results
from serve import serve, stop

TENANTS = int(os.environ.get("FLEET_TENANTS", "300"))
DATABASE = "portal_bench_fleet"
STEPS = ("create_schema", "create_tenant_row", "create_domain", "build_starter_portal", "invite_brand_admin")
WINDOW = 50  # the first and the last WINDOW tenants are compared
# Timed requests per cached-page figure: at least this many, for at least TIMED_SECONDS, so that the
# figure includes what happens every few seconds (without Redis a found host is kept 5 s per process).
PAGE_REQUESTS = 600
TIMED_SECONDS = 15


def bench_database_url() -> str:
    """A URL for DATABASE on the server DATABASE_URL (or the embedded one) points at."""
    sys.path.insert(0, str(ROOT))
    from config.database import database_url

    parts = urlsplit(database_url())
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def server_command(url: str, sql: str) -> None:
    import psycopg

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql)


def manage(*arguments: str, environment: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        check=True,
        env=environment,
        stdout=subprocess.DEVNULL,
    )


# --- provisioning ----------------------------------------------------------------------------------


class StepClock:
    """Seconds and queries of each provisioning step, by wrapping the step functions of
    tenants.services (module-level so that tests can inject failures; here they are timed)."""

    def __init__(self):
        self.current = None
        self.seconds = defaultdict(float)
        self.queries = defaultdict(int)

    def install(self, services, connection):
        for step in STEPS:
            setattr(services, step, self.timed(step, getattr(services, step)))
        connection.execute_wrappers.append(self.count)

    def timed(self, step, function):
        def run(*args, **kwargs):
            self.current = step
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[step] += time.perf_counter() - started
                self.current = None

        return run

    def count(self, execute, sql, params, many, context):
        self.queries[self.current or "other"] += 1
        return execute(sql, params, many, context)

    def take(self) -> dict:
        taken = {"seconds": dict(self.seconds), "queries": dict(self.queries)}
        self.seconds.clear()
        self.queries.clear()
        return taken


class WaitSampler:
    """What the provisioning's database backend is doing, every 20 ms, from pg_stat_activity on a
    connection of its own: "CPU" (running) or its wait event ("IO:DataFileImmediateSync", the fsync
    PostgreSQL 16 does after building each index). Counted separately for the first and the last
    WINDOW tenants."""

    def __init__(self, url: str):
        self.url = url
        self.pid = None
        self.window = None  # "first", "last" or None
        self.counts = {"first": defaultdict(int), "last": defaultdict(int)}
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            while self.running:
                if self.pid and self.window:
                    row = connection.execute(
                        "SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE pid = %s",
                        [self.pid],
                    ).fetchone()
                    if row and row[0] == "active":
                        self.counts[self.window][f"{row[1]}:{row[2]}" if row[1] else "CPU"] += 1
                time.sleep(0.02)

    def shares(self, window: str) -> dict:
        counts = self.counts[window]
        total = sum(counts.values()) or 1
        return {
            name: round(count / total, 3) for name, count in sorted(counts.items(), key=lambda c: -c[1])[:5]
        }


def backend_cpu_s(pid: int) -> float | None:
    """CPU seconds of the database backend `pid`, when the server runs on this machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def provision_fleet(
    agency, services, sampler: WaitSampler
) -> tuple[list, list[float], list[float], list[dict]]:
    """Provision TENANTS tenants; their domains, wall seconds, CPU seconds (this process and its
    database backend) and step figures."""
    from django.db import connection

    from tenants.management.commands.provision_tenants import FRESH_CONNECTION_EVERY

    clock = StepClock()
    clock.install(services, connection)
    domains, seconds, cpu, steps = [], [], [], []
    for n in range(1, TENANTS + 1):
        if n > 1 and (n - 1) % FRESH_CONNECTION_EVERY == 0:
            connection.close()  # as provision_tenants does: the backend's caches do not pile up
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            sampler.pid = cursor.fetchone()[0]
        clock.take()
        sampler.window = "first" if n <= WINDOW else "last" if n > TENANTS - WINDOW else None
        backend_before, started, cpu_before = (
            backend_cpu_s(sampler.pid),
            time.perf_counter(),
            time.process_time(),
        )
        result = services.provision_tenant(
            f"Fleet {n}", f"fleet{n}.bench.localhost", "member-mall", f"admin@fleet{n}.example", agency=agency
        )
        seconds.append(time.perf_counter() - started)
        backend_after = backend_cpu_s(sampler.pid)
        own = time.process_time() - cpu_before
        cpu.append(None if backend_before is None else own + backend_after - backend_before)
        sampler.window = None
        steps.append(clock.take())
        assert result.schema_source == "clone", result.schema_source
        domains.append(result.domain.domain)
        if n % 25 == 0 or n == TENANTS:
            print(
                f"  provisioned {n}/{TENANTS}: last {seconds[-1]:.3f} s, {sum(steps[-1]['queries'].values())} queries"
            )
    return domains, seconds, cpu, steps


def step_medians(steps: list[dict]) -> dict:
    names = [*STEPS, "other"]
    return {
        name: {
            "s": round(statistics.median(s["seconds"].get(name, 0.0) for s in steps), 4),
            "queries": statistics.median(s["queries"].get(name, 0) for s in steps),
        }
        for name in names
    }


# --- migrate_schemas and its memory -----------------------------------------------------------------


def rss_kb(pid: int) -> int:
    """VmRSS of one process, in kB (0 once it has gone)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def tree_rss_kb(pid: int) -> int:
    """VmRSS of `pid` and every descendant, summed, in kB (pages a fork shares count in each)."""
    children = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        total += rss_kb(current)
    return total


# The command's own output (after Django is set up and the checks ran): django-tenants' per-schema
# lines ("[1/1 ...]") and ours ("=== ..."); log lines and warnings printed while Django starts are not.
COMMAND_OUTPUT = ("===", "[")


def noop_migrate(environment: dict) -> dict:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "migrate_schemas", "--noinput"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    begun, fleet_begun = threading.Event(), threading.Event()
    output = []

    def read():
        for line in process.stdout:
            output.append(line)
            if line.startswith(COMMAND_OUTPUT):
                begun.set()
            if line.startswith("=== Tenant schemas"):
                fleet_begun.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    samples = []  # (begun?, at the fleet?, the command's own kB, with its children kB)
    while process.poll() is None:
        own, tree = rss_kb(process.pid), tree_rss_kb(process.pid)
        if own and process.poll() is None:
            samples.append((begun.is_set(), fleet_begun.is_set(), own, tree))
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    reader.join()
    if process.returncode:
        raise RuntimeError("migrate_schemas failed:\n" + "".join(output[-30:]))
    after_start = [kb for is_begun, _, kb, _ in samples if is_begun]
    at_fleet = [kb for _, is_fleet, kb, _ in samples if is_fleet]
    print("  " + "".join(output[-3:]).strip().replace("\n", "\n  "))
    return {
        "noop_migrate_s": round(seconds, 2),
        "rss_mb_start": round(after_start[0] / 1024, 1),
        "rss_mb_end": round(after_start[-1] / 1024, 1),
        "rss_mb_fleet_start": round(at_fleet[0] / 1024, 1) if at_fleet else None,
        "rss_mb_peak": round(max(own for _, _, own, _ in samples) / 1024, 1),
        "rss_mb_peak_with_children": round(max(tree for _, _, _, tree in samples) / 1024, 1),
        "rss_samples": len(samples),
    }


# --- the cached home page -------------------------------------------------------------------------


def get_ms(port: int, host: str, hits: list | None = None) -> float:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/", headers={"Host": host})
    response = connection.getresponse()
    response.read()
    connection.close()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError(f"GET http://{host}/ answered {response.status}")
    if hits is not None:
        hits.append(response.getheader("X-Portal-Cache") == "hit")
    return elapsed


def database_transactions() -> int:
    """Transactions committed in the bench database so far (each query of an autocommit connection is one)."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        connection.execute("SELECT pg_stat_force_next_flush()")
        return connection.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()[0]


def round_robin_ms(port: int, hosts: list[str]) -> dict:
    """Median of the requests going round the hosts for TIMED_SECONDS (at least PAGE_REQUESTS), after
    two untimed rounds (at least 200 requests: the first requests a worker answers are slower
    whatever the page); with the share
    of page-cache hits and the database transactions per request while timing (about 1 s late:
    PostgreSQL's statistics are flushed at most once a second, so read after a pause)."""
    for i in range(max(2 * len(hosts), 200)):
        get_ms(port, hosts[i % len(hosts)])
    time.sleep(1.5)
    transactions_before, hits = database_transactions(), []
    timings, ends = [], time.perf_counter() + TIMED_SECONDS
    while len(timings) < max(PAGE_REQUESTS, len(hosts)) or time.perf_counter() < ends:
        timings.append(get_ms(port, hosts[len(timings) % len(hosts)], hits))
    time.sleep(1.5)
    transactions = database_transactions() - transactions_before - 1  # our own SELECT
    return {
        "ms": round(statistics.median(timings), 2),
        "hits": round(sum(hits) / len(hits), 3),
        "db_transactions_per_request": round(transactions / len(timings), 3),
    }


def cached_pages(domains: list[str], environment: dict) -> dict:
    process, port = serve("bench.bare_app:application", environment, workers=1)
    try:
        bare = round_robin_ms(port, ["localhost"])
    finally:
        stop(process)
    process, port = serve("config.wsgi:application", environment, workers=1)
    try:
        twenty = round_robin_ms(port, domains[:20])
        everyone = round_robin_ms(port, domains)
        twenty_again = round_robin_ms(port, domains[:20])  # the 20 after every tenant's page was cached
    finally:
        stop(process)
    return {
        "bare_page_ms": bare["ms"],
        "cached_page_ms_20": twenty["ms"],
        "cached_page_ms_all": everyone["ms"],
        "cached_page_ms_20_after_all": twenty_again["ms"],
        "cached_page_hits_20": twenty["hits"],
        "cached_page_hits_all": everyone["hits"],
        "cached_page_db_transactions_per_request_20": twenty["db_transactions_per_request"],
        "cached_page_db_transactions_per_request_all": everyone["db_transactions_per_request"],
    }


# --- export and import ----------------------------------------------------------------------------


def export_import_round_trip(agency) -> tuple[bool | None, str]:
    if importlib.util.find_spec("tenants.portable") is None:
        return None, "tenants.portable does not exist yet"
    from django.db import connection

    from portals.demo import DEMO_TENANTS, create_demo_tenant
    from tenants import portable

    tenant = create_demo_tenant(DEMO_TENANTS[0], agency=agency).tenant
    connection.set_schema_to_public()
    archive = io.BytesIO()
    portable.export_tenant(tenant, archive)
    archive.seek(0)
    portable.import_tenant(
        archive, agency=agency, schema_name="fleet_copy", domain="fleet-copy.bench.localhost"
    )
    connection.set_schema_to_public()
    # import_tenant(domain=...) rewrites the Site's hostname: the one difference there should be.
    differences = portable.schema_differences(
        tenant.schema_name, "fleet_copy", ignore_columns=portable.REWRITTEN_FOR_NEW_DOMAIN
    )
    same_media = portable.media_checksums(tenant.schema_name) == portable.media_checksums("fleet_copy")
    connection.set_schema_to_public()
    note = (
        f"{DEMO_TENANTS[0]['domain']} (demo data) exported and imported as fleet_copy on another domain; "
        "every table's rows (the Site's hostname aside) and every media file's SHA-256 compared"
    )
    if differences:
        note += f"; differing: {', '.join(differences)}"
    if not same_media:
        note += "; media differ"
    return not differences and same_media, note


# --------------------------------------------------------------------------------------------------


def main():
    if TENANTS < 2 * WINDOW:
        sys.exit(f"FLEET_TENANTS must be at least {2 * WINDOW}.")
    url = bench_database_url()
    media = tempfile.mkdtemp(prefix="fleet-media-")
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": media,
        "SPARE_SCHEMA_POOL_SIZE": "0",  # the pool stays empty: every tenant is a clone
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "0",
    }
    print(f"Database {DATABASE}: created and migrated (public, the template) ...")
    server_command(url, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    server_command(url, f'CREATE DATABASE "{DATABASE}"')
    figures = {"tenants": TENANTS}
    try:
        manage("migrate_schemas", "--noinput", environment=environment)
        os.environ.update(environment)
        setup_django()
        from django.db import connection

        from tenants import services
        from tenants.models import Agency, SpareSchema

        assert SpareSchema.objects.count() == 0
        agency = Agency.objects.create(name="Fleet Benchmark Agency")

        print(f"Provisioning {TENANTS} tenants with the spare pool empty ...")
        started = time.perf_counter()
        sampler = WaitSampler(url)
        sampler.thread.start()
        domains, seconds, cpu, steps = provision_fleet(agency, services, sampler)
        provisioning_s = time.perf_counter() - started
        sampler.running = False
        figures["provision_per_minute"] = round(TENANTS * 60 / provisioning_s, 1)
        figures["provision_s_first_50"] = round(statistics.median(seconds[:WINDOW]), 4)
        figures["provision_s_last_50"] = round(statistics.median(seconds[-WINDOW:]), 4)
        if None not in cpu:
            figures["provision_cpu_s_first_50"] = round(statistics.median(cpu[:WINDOW]), 4)
            figures["provision_cpu_s_last_50"] = round(statistics.median(cpu[-WINDOW:]), 4)
        figures["provision_db_activity_first_50"] = sampler.shares("first")
        figures["provision_db_activity_last_50"] = sampler.shares("last")
        figures["provision_steps_first_50"] = step_medians(steps[:WINDOW])
        figures["provision_steps_last_50"] = step_medians(steps[-WINDOW:])
        connection.close()

        print(f"migrate_schemas over {TENANTS} tenants with nothing to apply ...")
        figures.update(noop_migrate(environment))
        figures["noop_migrate_s_per_1000"] = round(figures["noop_migrate_s"] * 1000 / TENANTS, 1)

        print("Cached home pages, one gunicorn worker ...")
        figures.update(
            cached_pages(
                domains,
                {
                    **environment,
                    "DJANGO_SETTINGS_MODULE": "config.settings.production",
                    "SECRET_KEY": "bench-only-secret",
                    "ALLOWED_HOSTS": "*",
                    "LOG_LEVEL": "WARNING",
                },
            )
        )

        print("Export and import of a populated demo tenant ...")
        try:
            exact, how = export_import_round_trip(agency)
        except Exception as error:  # noqa: BLE001 - reported in the results, the other figures stand
            exact, how = False, f"failed: {type(error).__name__}: {error}"
        figures["export_import_exact"] = exact
        figures["export_import_note"] = how
        connection.close()
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        server_command(url, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        shutil.rmtree(media, ignore_errors=True)

    figures["targets"] = {
        "noop_migrate_s_per_1000 < 60": figures["noop_migrate_s_per_1000"] < 60,
        "rss_mb_end within 20 % of rss_mb_start": abs(figures["rss_mb_end"] - figures["rss_mb_start"])
        <= 0.2 * figures["rss_mb_start"],
        "provision_s_last_50 within 20 % of provision_s_first_50": abs(
            figures["provision_s_last_50"] - figures["provision_s_first_50"]
        )
        <= 0.2 * figures["provision_s_first_50"],
        "cached_page_ms_all <= 2 x cached_page_ms_20": figures["cached_page_ms_all"]
        <= 2 * figures["cached_page_ms_20"],
        "export_import_exact": figures["export_import_exact"],
    }
    figures["setup"] = (
        f"one database of {TENANTS} tenants, spare pool empty; gunicorn 1 sync worker, production settings, "
        f"cache: {'Redis' if os.environ.get('REDIS_URL') else 'local memory'}; "
        f"{os.cpu_count()} CPUs, embedded PostgreSQL unless DATABASE_URL; Python {sys.version.split()[0]}"
    )
    figures["rss_sampling"] = (
        "VmRSS of the migrate_schemas process every 20 ms; start = first sample after the command's own first "
        "line of output (Django set up and checked), fleet_start = first sample after it printed "
        "'=== Tenant schemas' (public and the template migrated in a child process), end = last sample before "
        "it exited; peak_with_children = the most it and its children (public and template migration, the "
        "fleet's workers) held at once, summed"
    )
    write_results("fleet", figures)


if __name__ == "__main__":
    main()
