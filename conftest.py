"""Cross-app fixtures: tenants are made through the real `provision_tenant`."""

import contextlib
import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django_tenants.utils import schema_context

from tenants import schemas, services
from tenants.models import Agency, SpareSchema

_numbers = itertools.count(1)


SPARE_SCHEMAS_FOR_TESTS = 4


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A committed pool of spare schemas. A test that takes one gets it back when its transaction
    rolls back, so every test provisions in milliseconds."""
    with django_db_blocker.unblock():
        schemas.fill_spare_pool(SPARE_SCHEMAS_FOR_TESTS)


@pytest.fixture
def empty_pool(db):
    """Provisioning in this test clones the template (the pool comes back after the test)."""
    SpareSchema.objects.all().delete()


@pytest.fixture(autouse=True)
def _public_schema_and_empty_cache():
    """Each test starts in the public schema with an empty cache (host lookups, pages) and in English:
    a request to a Chinese brand's portal leaves its language active in the thread."""
    from django.utils import translation

    connection.set_schema_to_public()
    cache.clear()
    translation.activate("en")
    yield
    translation.deactivate()
    connection.set_schema_to_public()
    cache.clear()


@pytest.fixture
def agency(db):
    return Agency.objects.create(name=f"Agency {next(_numbers)}")


@pytest.fixture
def make_tenant(db, agency):
    """make_tenant("acme") provisions a tenant on acme.localhost and returns the ProvisionedTenant."""

    def make(label: str, *, template: str = "member-mall", owner: Agency | None = None, **kwargs):
        return services.provision_tenant(
            kwargs.pop("name", label.title()),
            kwargs.pop("domain", f"{label}.localhost"),
            template,
            kwargs.pop("admin_email", f"admin@{label}.example"),
            agency=owner or agency,
            **kwargs,
        )

    return make


@pytest.fixture
def in_tenant():
    """with in_tenant(tenant): ... runs ORM calls in that tenant's schema."""

    def enter(tenant):
        return schema_context(tenant.schema_name)

    return enter


@contextlib.contextmanager
def committed_tenant(label: str, **kwargs):
    """A tenant provisioned for real (committed, so other threads and servers see it), removed
    afterwards: its schema, domain, tenant and agency rows, and the spare it took is replaced.
    Call with database access unblocked and never on the development database."""
    from django.db import connection

    from tenants import hosts
    from tenants.models import Domain, Tenant

    test_database = connection.creation._get_test_db_name()
    if connection.settings_dict["NAME"] != test_database:
        raise RuntimeError(f"Committed tenants are for the test database {test_database!r} only.")
    connection.set_schema_to_public()
    spares_before = SpareSchema.objects.count()
    owner = Agency.objects.create(name=f"Committed agency {label}")
    provisioned = None
    try:
        provisioned = services.provision_tenant(
            kwargs.pop("name", label),
            f"{label}.localhost",
            kwargs.pop("template", "member-mall"),
            f"admin@{label}.example",
            agency=owner,
            **kwargs,
        )
        yield provisioned
    finally:
        connection.set_schema_to_public()
        if provisioned is not None:
            tenant = provisioned.tenant
            schemas.drop_schema(tenant.schema_name)
            Domain.objects.filter(tenant_id=tenant.pk).delete()
            Tenant.objects.filter(pk=tenant.pk).delete()
            hosts.forget(provisioned.domain.domain)
        owner.delete()
        schemas.fill_spare_pool(spares_before)


def run_in_threads(count: int, work) -> list:
    """work(index) in `count` threads released together, each on its own database connection;
    returns what each returned or raised, by index (for real concurrency tests on committed data)."""
    import threading

    results, barrier = [None] * count, threading.Barrier(count)

    def runner(index):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = error
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
