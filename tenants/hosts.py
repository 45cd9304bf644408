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

What is cached per host is a `HostEntry`: the tenant, the tenant's primary domain (requests to
its other domains are redirected there without another query) and whether the host is verified
(an unverified domain, added in the console and not yet checked, serves only its ownership token).

Log-ins and API-token issues re-read the status from the database (`current_status`, called by
tenants.middleware), so a credential is never handed out by a tenant that is no longer active.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db.models import OuterRef, Subquery
from django.http.request import split_domain_port
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Domain, Tenant

_MISSING = "missing"


@dataclass(frozen=True)
class HostEntry:
    """What a request on one host needs to know, cached as one value."""

    tenant: Tenant
    primary_domain: str  # the tenant's primary domain ("" if it has none)
    verified: bool

    def redirects_to_primary(self, host: str) -> bool:
        return bool(self.primary_domain) and normalise_host(self.primary_domain) != host


def _key(host: str) -> str:
    # "v2": the value is a HostEntry now (it was the Tenant), so no process reads an old value.
    return f"tenant-by-host:v2:{host}"


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


def lookup(host: str) -> HostEntry | None:
    """The tenant whose domain `host` is (whatever its status or the domain's verification), its
    primary domain and whether `host` is verified; None for an unknown host. One query when not
    cached. Call from the public schema."""
    cached = cache.get(_key(host))
    if cached == _MISSING:
        return None
    if cached is not None:
        return cached
    primary = Domain.objects.filter(tenant=OuterRef("tenant"), is_primary=True).values("domain")[:1]
    domain = (
        Domain.objects.select_related("tenant")
        .annotate(primary_domain=Subquery(primary))
        .filter(domain=host)
        .first()
    )
    entry = None
    if domain is not None:
        entry = HostEntry(domain.tenant, domain.primary_domain or "", domain.verified_at is not None)
    cache.set(_key(host), entry or _MISSING, seconds_to_keep(entry and entry.tenant))
    return entry


def tenant_for_host(host: str) -> Tenant | None:
    """The tenant `host` serves (a verified domain of it), whatever its status, or None."""
    entry = lookup(host)
    return entry.tenant if entry is not None and entry.verified else None


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
