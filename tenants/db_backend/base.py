"""django-tenants' PostgreSQL backend with a ContentType cache kept per kind of schema.

django-tenants clears Django's ContentType cache on every tenant switch because the public
schema and tenant schemas number their content types differently. Every tenant schema is cloned
from one template (`tenants.schemas`), so all tenants share one numbering: one cache for the
public schema and one for all tenant schemas is as safe and saves the ContentType queries that
clearing costs on every request. The kind is tracked per thread, so a threaded server never
reads one kind's ids while serving the other.
"""

import threading

from django.contrib.contenttypes.models import ContentType
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import get_public_schema_name


class ContentTypeCacheByKind(dict):
    """Stands in for `ContentTypeManager._cache` ({db alias: {key: ContentType}})."""

    def __init__(self):
        super().__init__()
        self._local = threading.local()
        self._by_kind = {"public": {}, "tenant": {}}

    def use(self, kind: str):
        self._local.kind = kind

    def _current(self) -> dict:
        return self._by_kind[getattr(self._local, "kind", "public")]

    def __getitem__(self, alias):
        return self._current()

    def setdefault(self, alias, default=None):
        return self._current()

    def clear(self):
        if getattr(self._local, "switching", False):
            return  # a tenant switch, not a change of content types: keep both kinds
        self._by_kind = {"public": {}, "tenant": {}}


CONTENT_TYPE_CACHE = ContentTypeCacheByKind()
ContentType.objects._cache = CONTENT_TYPE_CACHE


class DatabaseWrapper(TenantDatabaseWrapper):
    def set_tenant(self, tenant, include_public=True):
        # super() calls ContentType.objects.clear_cache(); that one call must not clear.
        CONTENT_TYPE_CACHE._local.switching = True
        try:
            super().set_tenant(tenant, include_public)
        finally:
            CONTENT_TYPE_CACHE._local.switching = False
        CONTENT_TYPE_CACHE.use("public" if tenant.schema_name == get_public_schema_name() else "tenant")
