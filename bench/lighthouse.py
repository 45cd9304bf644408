"""Lighthouse scores of the demo portals, served as in production (gunicorn, production settings).

For each demo tenant (portals.demo.DEMO_TENANTS): the home page, an inner page (/help/) and the
same page in the brand's other language (/en/help/ or /zh-hans/help/), the log-in page (/accounts/login/) and My account (/account/, logged in as a demo customer through a
session made here). Lighthouse (bench/package.json, installed into bench/node_modules) drives the
system Chromium ($CHROME_PATH, default /usr/bin/chromium) headless with its default mobile form
factor and simulated throttling; no browser is downloaded.

Writes bench/results/lighthouse.json: per URL, the four category scores (0-100), the main
performance metrics, every failing accessibility, best-practices and SEO audit (id, title and
the offending elements) and what their unscored ("informative") audits found; and min_performance, min_accessibility, min_best_practices, min_seo over
all URLs. The full Lighthouse reports go to bench/results/lighthouse-reports/ (not committed).
Performance varies from run to run on a shared machine; LIGHTHOUSE_RUNS=3 keeps each URL's median.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from _django import RESULTS, ROOT, setup_django, write_results
from serve import serve, stop

BENCH = ROOT / "bench"
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
REPORTS = RESULTS / "lighthouse-reports"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
AUDITED = ("accessibility", "best-practices", "seo")  # failing audits are listed for these
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)
CUSTOMER = "mei"  # a demo customer (portals.demo.DEMO_CUSTOMERS), logged in for My account
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "1"))
SERVER_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "bench.lighthouse_settings",
    "SECRET_KEY": "bench-only-secret",
    "ALLOWED_HOSTS": "*",
    "LOG_LEVEL": "WARNING",
}


def install_lighthouse():
    if LIGHTHOUSE.exists():
        return
    if not shutil.which("npm"):
        sys.exit("bench/lighthouse.py needs Node.js and npm (Debian: apt-get install nodejs npm).")
    print("installing Lighthouse into bench/node_modules ...")
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=BENCH,
        check=True,
        env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},  # the system Chromium is used
    )


def chrome_path() -> str:
    path = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        sys.exit("bench/lighthouse.py needs Chromium (Debian: apt-get install chromium) or CHROME_PATH.")
    return path


def customer_session(schema_name: str) -> str:
    """A logged-in session for the demo customer in that tenant's schema, saved where the server
    reads it (same settings and SECRET_KEY); its key is the session cookie's value."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django_tenants.utils import schema_context

    with schema_context(schema_name):
        user = get_user_model().objects.get(username=CUSTOMER)
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        return session.session_key


def lighthouse(url: str, chrome: str, headers: dict, name: str) -> dict:
    """One Lighthouse run; returns its JSON report (also kept in REPORTS/<name>.json)."""
    with tempfile.TemporaryDirectory() as scratch:
        output = os.path.join(scratch, "report.json")
        command = [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={output}",
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox",
            f"--only-categories={','.join(CATEGORIES)}",
        ]
        if headers:
            command.append(f"--extra-headers={json.dumps(headers)}")
        # Lighthouse sometimes loses the trace on a busy machine (NO_NAVSTART): run it again, twice at most.
        for attempt in range(3):
            finished = subprocess.run(command, check=False, env={**os.environ, "CHROME_PATH": chrome})
            if finished.returncode == 0:
                break
            print(
                f"  Lighthouse failed (exit {finished.returncode}); {'again' if attempt < 2 else 'giving up'}"
            )
        finished.check_returncode()
        REPORTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(output, REPORTS / f"{name}.json")
        with open(output) as report:
            return json.load(report)


def describe(item: dict) -> str:
    """The offending element or resource of one audit detail row."""
    if item.get("directive") or item.get("severity"):  # csp-xss, has-hsts, trusted-types-xss
        return " ".join(str(item[key]) for key in ("directive", "description", "severity") if item.get(key))
    node = next((item[key] for key in ("node", "source") if isinstance(item.get(key), dict)), item)
    if node.get("type") == "node" or "snippet" in node:
        text = node.get("snippet", "")
        if node.get("selector"):
            text += f"  [{node['selector']}]"
        if node.get("explanation"):
            text += f"  -- {' '.join(node['explanation'].split())}"
        return text
    for key in ("url", "source", "description", "href", "text"):
        value = item.get(key)
        if isinstance(value, dict):
            value = value.get("url") or value.get("value")
        if value:
            return str(value)
    return json.dumps(item, ensure_ascii=False)[:300]


def findings(report: dict, informative: bool = False) -> list[dict]:
    """The failing audits of the AUDITED categories; with informative=True instead, the unscored
    ("informative") audits that found something (no CSP, no HSTS, ...)."""
    found = []
    for category in AUDITED:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            mode = audit.get("scoreDisplayMode")
            details = audit.get("details") or {}
            items = details.get("items") or []
            if informative:
                if mode != "informative" or not items:
                    continue
            elif mode in ("notApplicable", "manual", "informative"):
                continue
            elif mode != "error" and (audit.get("score") is None or audit["score"] >= 1):
                continue
            found.append(
                {
                    "category": category,
                    "id": audit["id"],
                    "title": audit["title"],
                    "score": audit.get("score"),
                    **({"error": audit["errorMessage"]} if audit.get("errorMessage") else {}),
                    **({"display": audit["displayValue"]} if audit.get("displayValue") else {}),
                    "items": [describe(item) for item in items if isinstance(item, dict)][:20],
                }
            )
    return found


def score(report: dict, category: str) -> int:
    value = report["categories"][category]["score"]
    return None if value is None else round(value * 100)


def main():
    install_lighthouse()
    chrome = chrome_path()

    # The database first (the embedded server's URL goes into the environment for gunicorn),
    # then the schemas and the demo as `make setup` makes them (idempotent).
    sys.path.insert(0, str(ROOT))
    from config.database import database_url

    os.environ["DATABASE_URL"] = database_url()
    for command in (["migrate_schemas", "--noinput"], ["setup_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            check=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
            stdout=subprocess.DEVNULL,
        )
    # This process uses the server's settings so the sessions it makes are the ones it reads.
    os.environ.update(SERVER_ENVIRONMENT)
    setup_django()
    from django.conf import settings
    from django.db import connection

    from portals.demo import DEMO_TENANTS
    from tenants.models import Domain

    pages = []
    for demo in DEMO_TENANTS:
        domain = Domain.objects.select_related("tenant").get(domain=demo["domain"])
        cookie = f"{settings.SESSION_COOKIE_NAME}={customer_session(domain.tenant.schema_name)}"
        label = demo["domain"].split(".")[0]
        other = next(code for code, _name in settings.LANGUAGES if code != demo["default_language"])
        pages += [
            (f"{label}-home", demo["domain"], "/", {}),
            (f"{label}-help", demo["domain"], "/help/", {}),
            (f"{label}-help-{other}", demo["domain"], f"/{other}/help/", {}),
            (f"{label}-login", demo["domain"], "/accounts/login/", {}),
            (f"{label}-account", demo["domain"], "/account/", {"Cookie": cookie}),
        ]
    connection.close()

    process, port = serve("config.wsgi:application", SERVER_ENVIRONMENT)
    results = {}
    version = browser = ""
    try:
        for name, host, path, headers in pages:
            url = f"http://{host}:{port}{path}"
            print(f"lighthouse {url}{' (logged in)' if headers else ''} ...")
            reports = [
                lighthouse(url, chrome, headers, name if RUNS == 1 else f"{name}-{run}")
                for run in range(RUNS)
            ]
            reports.sort(key=lambda report: report["categories"]["performance"]["score"] or 0)
            report = reports[len(reports) // 2]  # the median run by performance
            if report.get("runtimeError"):
                raise RuntimeError(f"Lighthouse could not load {url}: {report['runtimeError']}")
            version, browser = report["lighthouseVersion"], report["environment"]["hostUserAgent"]
            results[f"{host}{path}"] = {
                "name": name,
                "final_url": report.get("finalDisplayedUrl", "").replace(f":{port}", ""),
                "logged_in": bool(headers),
                "scores": {category: score(report, category) for category in CATEGORIES},
                **({"performance_runs": [score(r, "performance") for r in reports]} if RUNS > 1 else {}),
                "metrics": {metric: report["audits"][metric].get("displayValue") for metric in METRICS},
                "failing": findings(report),
                "informative": findings(report, informative=True),
            }
    finally:
        stop(process)

    def lowest(category):
        values = [
            page["scores"][category] for page in results.values() if page["scores"][category] is not None
        ]
        return min(values) if values else None

    write_results(
        "lighthouse",
        {
            "min_performance": lowest("performance"),
            "min_accessibility": lowest("accessibility"),
            "min_best_practices": lowest("best-practices"),
            "min_seo": lowest("seo"),
            "pages": results,
            "setup": (
                f"Lighthouse {version} (bench/package.json), {browser.split(') ')[-1]}, "
                "headless, mobile form factor, simulated throttling; gunicorn 2 sync workers, production "
                f"settings; median of {RUNS} run(s) per URL on the same 2-core machine"
            ),
        },
    )
    print("per URL:", json.dumps({url: page["scores"] for url, page in results.items()}, indent=1))


if __name__ == "__main__":
    main()
