"""Usage per tenant: pages, members, orders, bookings, active customers, media and database size.

The figures are counted from the tenant's own tables and media folder by `record_usage`, which the
schedule runs once a day in every active tenant (the `tenants.usage` job, at 03:00 local time), the
`record_usage` command runs for the whole fleet at once, and the console's "refresh now" runs for
one tenant. Each run stores one `TenantUsage` row per tenant and day; the
console's list reads the latest row of every tenant in one query, so showing 1,000 tenants never
counts anything. Serving a portal writes nothing for this: active customers come from the
`last_login` Django already keeps, and requests are counted in memory (`RequestCounter`, below) and
added to `TenantRequestCount` about once a minute per process, not once per request.

The platform imports no domain (pyproject.toml's layers contract), so the domains' tables are
named here and counted only where the tenant's schema has them (`to_regclass`).
"""

import atexit
import datetime
import logging
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.files.storage import TenantFileSystemStorage
from django_tenants.utils import get_public_schema_name

from tenants.models import Tenant, TenantRequestCount, TenantUsage

logger = logging.getLogger(__name__)

ACTIVE_CUSTOMER_DAYS = 30
REQUEST_DAYS = 30  # requests_30d: the day counted and the 29 before it
# Daily request counts older than this are deleted by record_usage: nothing shows them, and the
# table stays at about a year's rows per tenant.
KEEP_REQUEST_COUNT_DAYS = 400

# Figures counted as all rows of a domain's table, when the tenant's schema has that table.
OPTIONAL_TABLES = {
    "members": "members_member",
    "orders": "mall_order",
    "bookings": "service_appointment",
}


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation
    is_bytes: bool = False


# The figures in the order the console and the JSON show them.
COLUMNS = [
    Column("pages", _("Pages")),
    Column("members", _("Members")),
    Column("orders", _("Orders")),
    Column("bookings", _("Bookings")),
    Column("active_customers_30d", _("Active customers (30 days)")),
    Column("requests_30d", _("Requests (30 days)")),
    Column("media_bytes", _("Media"), is_bytes=True),
    Column("database_bytes", _("Database"), is_bytes=True),
]
FIGURES = [column.key for column in COLUMNS]
SORT_KEYS = ["name", "day", *FIGURES]


def count_usage(schema_name: str, *, now: datetime.datetime | None = None) -> dict:
    """The tenant's figures now, in two queries and one walk of its media folder."""
    now = now or timezone.now()
    quote = connection.ops.quote_name
    schema = quote(schema_name)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["to_regclass(%s) IS NOT NULL"] * len(OPTIONAL_TABLES)),
            [f"{schema}.{quote(table)}" for table in OPTIONAL_TABLES.values()],
        )
        present = dict(zip(OPTIONAL_TABLES, cursor.fetchone(), strict=True))
        optional = [(key, table) for key, table in OPTIONAL_TABLES.items() if present[key]]
        # Pages: the live pages of the tree, without Wagtail's invisible root (depth 1).
        # Active customers: users who are not the brand's staff and logged in within 30 days.
        # Database: tables with their indexes and TOAST, summed over the schema.
        selects = [
            f"(SELECT count(*) FROM {schema}.wagtailcore_page WHERE live AND depth > 1)",  # noqa: S608
            f"(SELECT count(*) FROM {schema}.auth_user WHERE is_active AND NOT is_staff"  # noqa: S608
            " AND last_login >= %s)",
            "(SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'm'))",
            *[f"(SELECT count(*) FROM {schema}.{quote(table)})" for _, table in optional],  # noqa: S608
        ]
        cursor.execute(
            "SELECT " + ", ".join(selects),
            [now - datetime.timedelta(days=ACTIVE_CUSTOMER_DAYS), schema_name],
        )
        pages, active, database_bytes, *counts = cursor.fetchone()
    figures = dict.fromkeys(OPTIONAL_TABLES)
    figures.update({key: count for (key, _), count in zip(optional, counts, strict=True)})
    return {
        "pages": pages,
        **figures,
        "active_customers_30d": active,
        "media_bytes": media_bytes(schema_name),
        "database_bytes": int(database_bytes),
    }


def media_bytes(schema_name: str) -> int | None:
    """Bytes in the tenant's media folder (MEDIA_ROOT/<schema>/); None when media live in a bucket,
    where listing every key would cost a request per thousand files (not counted yet)."""
    if not isinstance(default_storage, TenantFileSystemStorage):
        return None
    total = 0
    for folder, _folders, files in os.walk(os.path.join(settings.MEDIA_ROOT, schema_name)):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except FileNotFoundError:  # removed while counting
                continue
    return total


class RequestCounter:
    """Requests each tenant's portal answered, per day, counted in this process's memory and added
    to TenantRequestCount by one upsert at most every REQUEST_COUNT_FLUSH_SECONDS: a busy portal
    costs each web process one statement a minute, never a write per request (issue 16).

    TenantByHostMiddleware counts every request an active tenant serves (cached pages, static files
    and the admin included; not redirects to the primary domain, refusals or the console). The
    request that finds the interval passed adds the counts before it is served; so do record_usage
    (this process's counts, before it sums them) and the process's normal exit (atexit, best-effort).
    Counts not added yet are lost when a process is killed: at most one interval's worth.

    The day is settings.TIME_ZONE's (`timezone.localdate()`), the day record_usage stores by
    default and the console shows: one day boundary for the whole fleet. One lock guards the counts,
    as gunicorn's threads share the counter.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: Counter[tuple[int, datetime.date]] = Counter()
        self._last_flush = time.monotonic()

    def count(self, tenant_id: int) -> None:
        """One request answered by the tenant; adds all the counts when the interval has passed."""
        day = timezone.localdate()
        interval = settings.REQUEST_COUNT_FLUSH_SECONDS  # None: only when asked (the test settings)
        with self._lock:
            self._counts[(tenant_id, day)] += 1
            due = interval is not None and time.monotonic() - self._last_flush >= interval
            counts = self._take() if due else None
        if counts:
            self._add(counts)

    def pending(self) -> dict[tuple[int, datetime.date], int]:
        """The counts not added to the database yet, by (tenant id, day)."""
        with self._lock:
            return dict(self._counts)

    def flush(self) -> int:
        """Adds the counts to TenantRequestCount now; returns how many requests were added."""
        with self._lock:
            counts = self._take()
        return self._add(counts) if counts else 0

    def _take(self) -> Counter:
        """The counts, leaving none (call holding the lock). The flush is claimed with them: another
        thread does not flush too, and a failing database is tried again after an interval, not on
        every request."""
        counts, self._counts = self._counts, Counter()
        self._last_flush = time.monotonic()
        return counts

    def _add(self, counts: Counter) -> int:
        """Never raises: a failure is logged and the counts are kept for the next try, so the request
        that flushes is served anyway."""
        try:
            add_request_counts(counts)
        except Exception:
            logger.exception("Could not add %s requests to the daily request counts", sum(counts.values()))
            with self._lock:
                self._counts.update(counts)
            return 0
        return sum(counts.values())

    def forget(self) -> None:
        """Drops the counts not added yet (a forked child: its parent adds them; tests)."""
        self._lock = threading.Lock()  # a fork copies the lock as it was, perhaps held
        self._counts = Counter()
        self._last_flush = time.monotonic()

    def flush_at_exit(self) -> None:
        if settings.REQUEST_COUNT_FLUSH_SECONDS is not None:
            self.flush()


def add_request_counts(counts: dict[tuple[int, datetime.date], int]) -> None:
    """One upsert adding `counts` ((tenant id, day) -> requests) to TenantRequestCount.

    The table is named with its schema: this runs in whichever schema the connection is in (the
    middleware flushes in public, the daily job in the tenant's), and changes no search_path.
    Tenants deleted since they were counted are skipped rather than failing the statement. Rows
    go in key order, so two processes adding at once lock them in the same order (no deadlock).
    A savepoint (inside a transaction) keeps a failure from aborting the caller's transaction.
    """
    public = connection.ops.quote_name(get_public_schema_name())
    rows = sorted(counts.items())
    values = ", ".join(["(%s::bigint, %s::date, %s::bigint)"] * len(rows))
    sql = (
        f"INSERT INTO {public}.tenants_tenantrequestcount (tenant_id, day, count)"  # noqa: S608
        f" SELECT v.tenant_id, v.day, v.count FROM (VALUES {values}) AS v (tenant_id, day, count)"
        f" WHERE v.tenant_id IN (SELECT id FROM {public}.tenants_tenant)"
        " ON CONFLICT (tenant_id, day)"
        " DO UPDATE SET count = tenants_tenantrequestcount.count + EXCLUDED.count"
    )
    params = [value for (tenant_id, day), count in rows for value in (tenant_id, day, count)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# The web process's counter (tenants.middleware counts into it).
request_counter = RequestCounter()
atexit.register(request_counter.flush_at_exit)
os.register_at_fork(after_in_child=request_counter.forget)


def requests_over_30_days(tenant: Tenant, day: datetime.date) -> int:
    """Requests answered on `day` and the 29 days before it (counts added to the database so far)."""
    since = day - datetime.timedelta(days=REQUEST_DAYS - 1)
    counts = TenantRequestCount.objects.filter(tenant=tenant, day__gte=since, day__lte=day)
    return counts.aggregate(total=Sum("count"))["total"] or 0


def record_usage(tenant: Tenant, *, day: datetime.date | None = None) -> TenantUsage:
    """Counts the tenant's figures and stores them as its row for `day` (today by default),
    replacing that day's earlier row. Adds this process's request counts first; the other web
    processes' are added within their flush interval. Drops the tenant's daily request counts older
    than KEEP_REQUEST_COUNT_DAYS."""
    day = day or timezone.localdate()
    request_counter.flush()
    usage, _ = TenantUsage.objects.update_or_create(
        tenant=tenant,
        day=day,
        defaults={
            **count_usage(tenant.schema_name),
            "requests_30d": requests_over_30_days(tenant, day),
            "computed_at": timezone.now(),
        },
    )
    TenantRequestCount.objects.filter(
        tenant=tenant, day__lt=day - datetime.timedelta(days=KEEP_REQUEST_COUNT_DAYS)
    ).delete()
    return usage


def record_usage_of_current_tenant(today: datetime.date) -> dict:
    """The daily scheduled job (tenants/wagtail_hooks.py): runs in the tenant's schema from the
    schedule tick; the row goes to the public schema's table."""
    row = record_usage(Tenant.objects.get(schema_name=connection.schema_name), day=today)
    return {"pages": row.pages, "database_bytes": row.database_bytes}


def tenants_to_measure() -> QuerySet[Tenant]:
    """Every tenant with a schema that still serves or may again: archived ones keep their last row."""
    return Tenant.objects.exclude(status=Tenant.Status.ARCHIVED).order_by("schema_name")


def latest_usage(tenants: QuerySet[Tenant]) -> dict[int, TenantUsage]:
    """The newest row of each of these tenants, by tenant id, in one query (DISTINCT ON)."""
    rows = (
        TenantUsage.objects.filter(tenant__in=tenants.values("pk"))
        .order_by("tenant_id", "-day")
        .distinct("tenant_id")
    )
    return {row.tenant_id: row for row in rows}


def usage_rows(tenants: QuerySet[Tenant], *, sort: str = "name") -> list[dict]:
    """One row per tenant with its latest figures (None where never counted), sorted by `sort`
    (a key of SORT_KEYS, `-` in front for descending; anything else sorts by name). Tenants with no
    figure for the sort key come last either way. Two queries whatever the number of tenants."""
    tenants = tenants.prefetch_related(None).select_related(None).order_by("name", "pk")
    latest = latest_usage(tenants)
    rows = []
    for tenant in tenants:
        usage = latest.get(tenant.pk)
        rows.append(
            {
                "id": tenant.pk,
                "name": tenant.name,
                "schema_name": tenant.schema_name,
                "status": tenant.status,
                "day": usage.day.isoformat() if usage else None,
                **{key: getattr(usage, key) if usage else None for key in FIGURES},
            }
        )
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in SORT_KEYS:
        key, descending = "name", False
    known = [row for row in rows if row[key] is not None]
    unknown = [row for row in rows if row[key] is None]
    # Ties keep the name order (sorted() is stable).
    known.sort(key=lambda row: row[key].casefold() if key == "name" else row[key], reverse=descending)
    return known + unknown


def usage_history(tenant: Tenant, *, days: int = 90) -> list[TenantUsage]:
    """The tenant's daily rows over the last `days` days, oldest first (for its chart)."""
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    return list(tenant.usage.filter(day__gte=since).order_by("day"))
