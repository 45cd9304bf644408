"""Host name -> tenant, cached.

Every request on a tenant domain needs its tenant; the lookup is cached (in Redis when
configured, so every app server shares it) and services call `forget` on every change to a
tenant's status or domains. Keys are written and deleted from the public schema only, so
django-tenants' `make_key` prefixes them all alike.
"""

from django.conf import settings
from django.core.cache import cache
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Domain, Tenant

_MISSING = "missing"


def _key(host: str) -> str:
    return f"tenant-by-host:{host}"


def tenant_for_host(host: str) -> Tenant | None:
    """The tenant serving `host`, whatever its status, or None. Call from the public schema."""
    cached = cache.get(_key(host))
    if cached == _MISSING:
        return None
    if cached is not None:
        return cached
    domain = Domain.objects.select_related("tenant").filter(domain=host).first()
    tenant = domain.tenant if domain else None
    # Unknown hosts are remembered briefly too, so a scan of random hosts cannot hammer the database.
    cache.set(_key(host), tenant or _MISSING, settings.TENANT_HOST_CACHE_SECONDS if tenant else 30)
    return tenant


def forget(*hosts_to_forget: str) -> None:
    with schema_context(get_public_schema_name()):
        cache.delete_many([_key(host) for host in hosts_to_forget])
