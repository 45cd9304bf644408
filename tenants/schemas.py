"""PostgreSQL schemas behind tenants: the template schema, the spare pool, cloning and dropping.

Every tenant schema is a copy of one template schema (`settings.TENANT_TEMPLATE_SCHEMA`) that
`migrate_schemas` keeps at migration head. Provisioning never runs migrations: it renames a
pre-built spare schema (a clone made ahead of time) or, when the pool is empty, clones the
template. Both happen inside the caller's transaction, so a failed provisioning leaves no schema.
"""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.clone import CloneSchema
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.utils import quote_schema_name, schema_context

from tenants.models import SpareSchema

logger = logging.getLogger(__name__)

# Serialises clones: django-tenants' clone function (re)creates helper types in the public schema.
CLONE_LOCK_ID = 7_301_001


def template_schema_name() -> str:
    return settings.TENANT_TEMPLATE_SCHEMA


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def drop_schema(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(name)} CASCADE")


def migrate_template_schema(*, verbosity: int = 1) -> str:
    """Create or migrate the template schema to head and return its migration fingerprint.

    Spare schemas cloned from an older state are dropped (the pool refills from the new state).
    """
    template = template_schema_name()
    created = not schema_exists(template)
    if created:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {quote_schema_name(template)}")
    call_command(
        MigrateSchemasCommand(), schema_name=template, tenant=True, interactive=False, verbosity=verbosity
    )
    with schema_context(template):
        _remove_wagtail_welcome_site()
    fingerprint = template_fingerprint()
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON SCHEMA {quote_schema_name(template)} IS %s", [fingerprint])
    drop_stale_spares(fingerprint)
    return fingerprint


def _remove_wagtail_welcome_site() -> None:
    """Wagtail's first migration adds a welcome page and a localhost Site; tenants bring their own."""
    from wagtail.models import Page, Site

    Site.objects.all().delete()
    for page in Page.objects.filter(depth=2):
        page.delete()


def template_fingerprint() -> str:
    """A hash of the migrations applied to the template schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT app, name FROM {quote_schema_name(template_schema_name())}.django_migrations "
            "ORDER BY app, name"
        )
        rows = cursor.fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def clone_template(new_schema: str) -> None:
    """Copy the template schema (tables, data, sequences, indexes, functions) to `new_schema`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLONE_LOCK_ID])
    CloneSchema().clone_schema(template_schema_name(), new_schema, "DATA", set_connection=False)


def take_spare_schema(new_schema: str) -> bool:
    """Rename a spare schema to `new_schema`. False when the pool is empty.

    Must run inside the provisioning transaction: the row lock keeps two provisionings from
    taking the same spare, and a rollback puts the spare back, name and all.
    """
    spare = SpareSchema.objects.select_for_update(skip_locked=True).order_by("pk").first()
    if spare is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER SCHEMA {quote_schema_name(spare.schema_name)} RENAME TO {quote_schema_name(new_schema)}"
        )
    spare.delete()
    return True


def create_tenant_schema(new_schema: str) -> str:
    """Make `new_schema` from the pool or by cloning; returns how ("spare pool" or "clone")."""
    if take_spare_schema(new_schema):
        return "spare pool"
    clone_template(new_schema)
    return "clone"


def fill_spare_pool(size: int | None = None, *, progress=None) -> int:
    """Clone spares until the pool holds `size` (default SPARE_SCHEMA_POOL_SIZE). Returns how many were added."""
    size = settings.SPARE_SCHEMA_POOL_SIZE if size is None else size
    if not schema_exists(template_schema_name()):
        return 0
    fingerprint = template_fingerprint()
    added = 0
    while SpareSchema.objects.count() < size:
        name = f"spare_{uuid.uuid4().hex[:16]}"
        with transaction.atomic():
            clone_template(name)
            SpareSchema.objects.create(schema_name=name, fingerprint=fingerprint)
        added += 1
        if progress:
            progress(added)
    return added


def drop_stale_spares(fingerprint: str) -> int:
    stale = list(SpareSchema.objects.exclude(fingerprint=fingerprint))
    for spare in stale:
        with transaction.atomic():
            drop_schema(spare.schema_name)
            spare.delete()
    if stale:
        logger.info("Dropped %d spare schemas built from an older migration state", len(stale))
    return len(stale)


def empty_spare_pool() -> int:
    return drop_stale_spares(fingerprint="")  # no spare has an empty fingerprint


def request_pool_refill() -> None:
    """Top the spare pool up in the background after a provisioning took a spare.

    With a Celery broker a worker does it; without one, a short-lived thread on its own
    connection, so the provisioning request never waits for a clone.
    """
    if settings.SPARE_SCHEMA_POOL_SIZE <= 0:
        return
    from tenants.tasks import refill_spare_pool

    if settings.CELERY_BROKER_URL:
        refill_spare_pool.delay()
    else:
        import threading

        threading.Thread(target=_refill_in_thread, name="spare-pool-refill", daemon=True).start()


def _refill_in_thread() -> None:
    from django.db import close_old_connections

    try:
        with _single_refiller() as acquired:
            if acquired:
                fill_spare_pool()
    except Exception:
        logger.exception("Refilling the spare schema pool failed")
    finally:
        close_old_connections()
        connection.close()


class _single_refiller:
    """A session advisory lock so only one refill runs at a time across processes."""

    LOCK_ID = 7_301_002

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.LOCK_ID])
            self.acquired = cursor.fetchone()[0]
        return self.acquired

    def __exit__(self, *exc):
        if self.acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [self.LOCK_ID])
