"""Browser tests: a real HTTP server in a thread, committed tenant data, Debian's Chromium via Playwright.

The rest of the suite runs each test in a transaction that rolls back. A browser talks to a server
thread on its own database connections, so it only sees committed rows: the fixtures here provision
a tenant for real (committed) and remove everything they made afterwards, instead of using
pytest-django's `live_server`/`transactional_db`, whose flush would empty every public-schema table
(the portal templates seeded by a migration, the spare-schema pool other tests take from).
"""

import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the test's thread, so Django's async-safety
# check sees a running loop and raises SynchronousOnlyOperation on every ORM call the test or its
# fixtures make (provisioning, setting the password, cleaning up). Those calls are not made from a
# coroutine and nothing else uses the connection concurrently, so the check is a false alarm here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass(frozen=True)
class LiveTenant:
    provisioned: object  # tenants.services.ProvisionedTenant
    admin_username: str
    admin_password: str
    url: str  # http://<tenant domain>:<port>, no trailing slash
    home_page_id: int


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


MISSING_CHROMIUM = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
_skipped_without_chromium: list[str] = []


def running_in_ci() -> bool:
    """CI=true (or 1, yes), as CI services set it: there the browser tests must run, never skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module")
def browser(request):
    """Debian's Chromium (never a Playwright-downloaded one), headless; closed after the module.

    Without it the browser tests fail in CI (.ci/run installs it, so its absence is a broken build)
    and are skipped, with the reason repeated at the end of the run, on a developer's machine."""
    if not CHROMIUM.exists():
        if running_in_ci():
            pytest.fail(f"{MISSING_CHROMIUM}; CI=true, so the browser tests must run.", pytrace=False)
        _skipped_without_chromium.append(request.module.__name__)
        pytest.skip(MISSING_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live_server_url(django_db_setup, django_db_blocker):
    """http://127.0.0.1:<port>: the project's WSGI app (static files included) in a server thread.

    Tenant portals are reached on http://<tenant domain>:<port>/; browsers send *.localhost to loopback.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.db import connection
    from django.test.testcases import QuietWSGIRequestHandler

    # These fixtures commit and drop schemas: never against the development database. pytest-django
    # only creates the test database when a collected test asks for `db` (see the module's marker).
    test_database = connection.creation._get_test_db_name()
    if connection.settings_dict["NAME"] != test_database:
        pytest.fail(
            f"Browser tests must run on the test database {test_database!r}, not "
            f"{connection.settings_dict['NAME']!r}: mark the test with @pytest.mark.django_db."
        )

    # pytest-django blocks database access by patching the connection class for every thread, so
    # the unblock lasts as long as the server does. Each request runs in its own thread, on its own
    # connection, closed when the request ends.
    with django_db_blocker.unblock():
        server = ThreadedWSGIServer(("127.0.0.1", 0), QuietWSGIRequestHandler, allow_reuse_address=False)
        server.set_app(StaticFilesHandler(WSGIHandler()))
        thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)


@pytest.fixture(scope="module")
def live_tenant(live_server_url, django_db_blocker):
    """A committed tenant on e2e<random>.localhost (member-mall starter portal) whose brand admin can log in.

    Afterwards drops its schema, deletes its domain, tenant and agency rows, and tops the spare pool
    back up to what it held (provisioning took a spare from it).
    """
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tenants.utils import schema_context

    from builder.models import HomePage
    from conftest import committed_tenant

    label = f"e2e{uuid.uuid4().hex[:10]}"
    password = f"pw-{uuid.uuid4().hex}"
    port = live_server_url.rsplit(":", 1)[1]

    with django_db_blocker.unblock():
        try:
            # Autocommit outside any test transaction: committed, so the server threads see it.
            with committed_tenant(
                label, name=f"E2E {label}", default_language="en", time_zone="UTC"
            ) as provisioned:
                with schema_context(provisioned.tenant.schema_name):
                    # The invited admin has no password yet (they would choose one from the invitation).
                    admin = get_user_model().objects.get(username=provisioned.admin_username)
                    admin.set_password(password)
                    admin.save(update_fields=["password"])
                    home_page_id = HomePage.objects.get(slug="home").pk

                yield LiveTenant(
                    provisioned=provisioned,
                    admin_username=provisioned.admin_username,
                    admin_password=password,
                    url=f"http://{provisioned.domain.domain}:{port}",
                    home_page_id=home_page_id,
                )
        finally:
            # With Playwright's event loop running, Django keeps this context's connections apart
            # from the ones pytest-django closes; left open, it would keep the test database from
            # being dropped at the end of the session.
            connection.close()


def pytest_terminal_summary(terminalreporter):
    """A skipped browser test is easy to miss in `-q` output: say so at the end of the run."""
    if _skipped_without_chromium:
        terminalreporter.write_sep("=", "browser tests skipped", yellow=True)
        modules = ", ".join(sorted(set(_skipped_without_chromium)))
        terminalreporter.write_line(f"{MISSING_CHROMIUM}: skipped the tests in {modules}.")
