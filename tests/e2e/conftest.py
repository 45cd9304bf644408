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


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (never a Playwright-downloaded one), headless."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
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
    from django.test.testcases import QuietWSGIRequestHandler

    with django_db_blocker.unblock():
        # Each request runs in its own thread and closes its database connections when it ends.
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
    """A committed tenant on e2e<random>.localhost whose brand admin can log in.

    Yields (ProvisionedTenant, admin password, portal base URL). Afterwards drops its schema, deletes
    its domain, tenant and agency rows, and tops the spare pool back up to what it held.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tenants.utils import schema_context

    from tenants import hosts, schemas, services
    from tenants.models import Agency, Domain, SpareSchema, Tenant

    label = f"e2e{uuid.uuid4().hex[:10]}"
    password = f"pw-{uuid.uuid4().hex}"
    port = live_server_url.rsplit(":", 1)[1]

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        spares_before = SpareSchema.objects.count()
        agency = Agency.objects.create(name=f"E2E agency {label}")
        provisioned = None
        try:
            # Autocommit outside any test transaction: committed, so the server threads see it.
            provisioned = services.provision_tenant(
                f"E2E {label}",
                f"{label}.localhost",
                "member-mall",
                f"admin@{label}.example",
                agency=agency,
                default_language="en",
                time_zone="UTC",
            )
            with schema_context(provisioned.tenant.schema_name):
                admin = get_user_model().objects.get(username=provisioned.admin_username)
                admin.set_password(password)
                admin.save(update_fields=["password"])

            yield provisioned, password, f"http://{provisioned.domain.domain}:{port}"
        finally:
            connection.set_schema_to_public()
            if provisioned is not None:
                tenant = provisioned.tenant
                schemas.drop_schema(tenant.schema_name)
                Domain.objects.filter(tenant_id=tenant.pk).delete()
                Tenant.objects.filter(pk=tenant.pk).delete()
                hosts.forget(provisioned.domain.domain)
            agency.delete()
            schemas.fill_spare_pool(spares_before)
