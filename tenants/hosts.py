"""Host name -> tenant, cached.

Every request on a tenant domain needs its tenant; the lookup is cached and services call
`forget` on every change to a tenant's status or domains. Keys are written and deleted from the
public schema only, so django-tenants' `make_key` prefixes them all alike.

How long an answer may be stale depends on whether the cache is shared:

- shared (Redis, with REDIS_URL): `forget` reaches every process, so a found tenant is kept for
  TENANT_HOST_CACHE_SECONDS (300 s) and a warm request costs no registry query;
- per process (local memory, without REDIS_URL): `forget` clears only the process that ran the
  service, so a found tenant is kept for TENANT_HOST_LOCAL_CACHE_SECONDS (5 s) only. A suspension
  or archiving reaches every process within that time, at the cost of one registry query per
  process every 5 s and per host.

Either way an unknown host is remembered for TENANT_UNKNOWN_HOST_CACHE_SECONDS (5 s): enough that
a scan of random host names cannot hammer the database, short enough that a domain visited just
before its tenant was provisioned works everywhere within seconds.

Log-ins and API-token issues re-read the status from the database (`current_status`, called by
tenants.middleware), so a credential is never handed out by a tenant that is no longer active.
"""

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.http.request import split_domain_port
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Domain, Tenant

_MISSING = "missing"


def _key(host: str) -> str:
    return f"tenant-by-host:{host}"


def normalise_host(raw_host: str) -> str:
    """`Lumen.Example.com.:8000` -> `lumen.example.com`: lowercased, port and the trailing dot
    removed (`lumen.localhost.` is the fully qualified form of the same host), then a leading
    `www.`. Django's own `split_domain_port`, so `[::1]:8000` -> `[::1]`."""
    domain, _port = split_domain_port(raw_host)
    return domain.removeprefix("www.")


def cache_is_shared() -> bool:
    """True unless every process keeps its own cache (local memory; or none at all)."""
    return not isinstance(caches[DEFAULT_CACHE_ALIAS], LocMemCache | DummyCache)


def seconds_to_keep(tenant: Tenant | None) -> int:
    if tenant is None:
        return settings.TENANT_UNKNOWN_HOST_CACHE_SECONDS
    if cache_is_shared():
        return settings.TENANT_HOST_CACHE_SECONDS
    return min(settings.TENANT_HOST_CACHE_SECONDS, settings.TENANT_HOST_LOCAL_CACHE_SECONDS)


def tenant_for_host(host: str) -> Tenant | None:
    """The tenant serving `host`, whatever its status, or None. Call from the public schema."""
    cached = cache.get(_key(host))
    if cached == _MISSING:
        return None
    if cached is not None:
        return cached
    domain = Domain.objects.select_related("tenant").filter(domain=host).first()
    tenant = domain.tenant if domain else None
    cache.set(_key(host), tenant or _MISSING, seconds_to_keep(tenant))
    return tenant


def current_status(tenant: Tenant, host: str) -> str | None:
    """The tenant's status as the database has it now (None: the row is gone). When it differs
    from the cached one, `host` is forgotten so this process's next request looks it up again.
    One primary-key query; works from the tenant's schema too (its search path ends in public)."""
    status = Tenant.objects.filter(pk=tenant.pk).values_list("status", flat=True).first()
    if status != tenant.status:
        forget(host)
    return status


def forget(*hosts_to_forget: str) -> None:
    with schema_context(get_public_schema_name()):
        cache.delete_many([_key(host) for host in hosts_to_forget])
