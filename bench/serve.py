"""Serving speed under gunicorn (2 workers), as ratios to a bare Django view served the same way.

Writes bench/results/serve.json with, for a tenant home page of 12 blocks:
- home_rps: the anonymous page cache off (every view renders the page; the per-tenant fragment
  caches of Site, theme/menus and the page body are on, as in production);
- home_render_rps: every cache off: the full render path;
- home_cached_rps: the anonymous page cache on;
- graphql_rps: the home page and its blocks over GraphQL, anonymous answers cached;
- graphql_uncached_rps: the same with every cache off, resolving each time;
and each figure divided by bare_rps. Load comes from wrk in a second process. The benchmark
tenant is removed at the end.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _django import ROOT, setup_django, write_results

DURATION = os.environ.get("BENCH_DURATION", "8s")
CONNECTIONS = "16"
GRAPHQL_QUERY = """{ page(urlPath: "/", inSite: true) { title ... on HomePage { body { blockType
  ... on HeroBlock { heading text buttons { ... on ButtonBlock { linkText href } } }
  ... on HeadingBlock { text subtitle }
  ... on RichTextSectionBlock { html: text }
  ... on FAQBlock { heading questions { ... on QuestionBlock { question answer } } }
  ... on CardGridBlock { heading cards { ... on CardBlock { title text } } }
  ... on QuickLinksBlock { links { ... on QuickLinkBlock { icon link { ... on LinkBlock { href linkText } } } } }
  ... on ContactChannelsBlock { phone email } } } } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app: str, environment: dict, *, workers: int = 2) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
            app,
        ],
        env={**os.environ, **environment},
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn {app} did not start")


def wrk(port: int, host: str, path: str = "/", script: str | None = None) -> float:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{DURATION}", "-H", f"Host: {host}"]
    if script:
        command += ["-s", script]
    url = f"http://127.0.0.1:{port}{path}"
    subprocess.run([*command[:3], "-d2s", *command[4:], url], capture_output=True, check=True)  # warm-up
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"wrk saw errors for {host}{path}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def stop(process):
    process.terminate()
    process.wait(timeout=10)


def main():
    if not shutil.which("wrk"):
        sys.exit("bench/serve.py needs wrk (Debian: apt-get install wrk).")
    setup_django()
    from django.db import connection
    from django_tenants.utils import schema_context

    from builder.models import HomePage
    from tenants import schemas, services
    from tenants.models import Agency

    agency, _ = Agency.objects.get_or_create(name="Benchmark Agency")
    domain = f"serve{uuid.uuid4().hex[:6]}.bench.localhost"
    tenant = services.provision_tenant(
        "Bench Coffee", domain, "member-mall", "b@bench.example", agency=agency
    ).tenant
    try:
        with schema_context(tenant.schema_name):
            home = HomePage.objects.get(slug="home")
            body = list(home.body.raw_data)
            extra = [
                {"type": "heading", "value": {"text": "More to read", "level": "h2", "subtitle": ""}},
                {"type": "rich_text", "value": {"text": "<p>Members save on every order.</p>"}},
                {"type": "spacer", "value": {"size": "s"}},
                {
                    "type": "faq",
                    "value": {
                        "heading": "More questions",
                        "questions": [
                            {"question": "Can I gift points?", "answer": "<p>Yes, to any member.</p>"}
                        ],
                    },
                },
                {"type": "announcement", "value": {"text": "New store opening soon", "tone": "info"}},
            ]
            home.body = body + extra
            home.save_revision().publish()
            blocks = len(home.body)
        connection.close()

        environment = {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "bench-only-secret",
            "ALLOWED_HOSTS": "*",
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "LOG_LEVEL": "WARNING",
        }
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(
                'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                f"wrk.body = {json.dumps(json.dumps({'query': GRAPHQL_QUERY}))}\n"
            )

        figures = {}
        print("bare Django hello ...")
        process, port = serve("bench.bare_app:application", {})
        figures["bare_rps"] = wrk(port, "localhost")
        stop(process)

        print(f"tenant home page ({blocks} blocks) without the page cache, and GraphQL ...")
        process, port = serve("config.wsgi:application", {**environment, "PORTAL_PAGE_CACHE_SECONDS": "0"})
        figures["home_rps"] = wrk(port, domain)
        figures["graphql_rps"] = wrk(port, domain, "/graphql/", script=lua.name)
        stop(process)

        print("the same with every cache off ...")
        no_caches = {**environment, "PORTAL_PAGE_CACHE_SECONDS": "0", "PORTAL_FRAGMENT_CACHE_SECONDS": "0"}
        process, port = serve("config.wsgi:application", no_caches)
        figures["home_render_rps"] = wrk(port, domain)
        figures["graphql_uncached_rps"] = wrk(port, domain, "/graphql/", script=lua.name)
        stop(process)

        print("tenant home page, cached ...")
        process, port = serve("config.wsgi:application", environment)
        figures["home_cached_rps"] = wrk(port, domain)
        stop(process)
        Path(lua.name).unlink()
    finally:
        connection.set_schema_to_public()
        schemas.drop_schema(tenant.schema_name)
        tenant.delete()

    bare = figures["bare_rps"]
    write_results(
        "serve",
        {
            **{name: round(value, 1) for name, value in figures.items()},
            **{
                name.replace("_rps", "_ratio"): round(value / bare, 3)
                for name, value in figures.items()
                if name != "bare_rps"
            },
            "home_blocks": blocks,
            "setup": f"gunicorn 2 sync workers, production settings, cache: {'Redis' if os.environ.get('REDIS_URL') else 'local memory per worker'}; "
            f"wrk -t1 -c{CONNECTIONS} -d{DURATION} on the same 2-core machine",
        },
    )


if __name__ == "__main__":
    main()
