"""Provisioning speed: provision_tenant (spare pool and clone) against plain migrate-on-create.

Writes bench/results/provision.json with provision_median_s, clone_median_s, migrate_median_s,
speedup (migrate / provision) and migrate_all_noop_s. Every tenant it makes is removed at the end.
"""

import statistics
import sys
import time
import uuid

from _django import setup_django, write_results

POOLED = 20
CLONED = 5
MIGRATED = 3


def main():
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from tenants import schemas, services
    from tenants.models import Agency, Domain, SpareSchema, Tenant

    run = uuid.uuid4().hex[:6]
    agency, _ = Agency.objects.get_or_create(name="Benchmark Agency")
    pool_size = settings.SPARE_SCHEMA_POOL_SIZE
    settings.SPARE_SCHEMA_POOL_SIZE = 0  # no background refill competing for the 2 cores while timing
    created: list[Tenant] = []

    def provision(i: int, kind: str) -> float:
        started = time.perf_counter()
        result = services.provision_tenant(
            f"Bench {kind} {i}",
            f"b{run}-{kind}-{i}.bench.localhost",
            "member-mall",
            f"admin{i}@bench.example",
            agency=agency,
        )
        elapsed = time.perf_counter() - started
        created.append(result.tenant)
        assert result.schema_source == ("spare pool" if kind == "pool" else "clone"), result.schema_source
        return elapsed

    try:
        print(f"Filling the spare pool to {POOLED} (not timed) ...")
        schemas.fill_spare_pool(POOLED, progress=lambda n: print(f"  spare {n}/{POOLED}", end="\r"))
        print()
        pooled = []
        for i in range(POOLED):
            pooled.append(provision(i, "pool"))
            print(f"  provision_tenant (spare pool) {i + 1}/{POOLED}: {pooled[-1]:.3f} s")
        schemas.empty_spare_pool()
        cloned = []
        for i in range(CLONED):
            cloned.append(provision(i, "clone"))
            print(f"  provision_tenant (clone) {i + 1}/{CLONED}: {cloned[-1]:.3f} s")

        migrated = []
        for i in range(MIGRATED):
            started = time.perf_counter()
            tenant = Tenant.objects.create(
                schema_name=f"b{run}_migrated_{i}",
                name=f"Bench migrated {i}",
                agency=agency,
                admin_email="admin@bench.example",
            )
            Domain.objects.create(domain=f"b{run}-migrated-{i}.bench.localhost", tenant=tenant)
            tenant.create_schema(
                check_if_exists=True, sync_schema=True, verbosity=0
            )  # django-tenants' own way
            migrated.append(time.perf_counter() - started)
            created.append(tenant)
            print(f"  migrate-on-create {i + 1}/{MIGRATED}: {migrated[-1]:.3f} s")

        tenant_count = Tenant.objects.count()
        print(f"migrate_schemas over {tenant_count} tenants with nothing to apply ...")
        started = time.perf_counter()
        call_command("migrate_schemas", interactive=False, verbosity=0)
        noop = time.perf_counter() - started
        print(f"  {noop:.2f} s")
    finally:
        print(f"Removing the {len(created)} benchmark tenants ...")
        connection.set_schema_to_public()
        for tenant in created:
            schemas.drop_schema(tenant.schema_name)
            tenant.delete()
        settings.SPARE_SCHEMA_POOL_SIZE = pool_size
        SpareSchema.objects.count() or schemas.fill_spare_pool()

    provision_median = statistics.median(pooled)
    migrate_median = statistics.median(migrated)
    write_results(
        "provision",
        {
            "provision_median_s": round(provision_median, 4),
            "provision_max_s": round(max(pooled), 4),
            "provision_method": f"spare pool (prefilled with {POOLED} spares before timing, refill paused)",
            "clone_median_s": round(statistics.median(cloned), 4),
            "clone_method": "empty pool: replay of the template schema's snapshot",
            "migrate_median_s": round(migrate_median, 4),
            "speedup": round(migrate_median / provision_median, 1),
            "clone_speedup": round(migrate_median / statistics.median(cloned), 1),
            "migrate_all_noop_s": round(noop, 2),
            "tenants_in_migrate_all": tenant_count,
            "counts": {"pooled": POOLED, "cloned": CLONED, "migrated": MIGRATED},
            "python": sys.version.split()[0],
        },
    )


if __name__ == "__main__":
    main()
