"""URLs on a tenant's domains: the brand admin, and the portal pages (Wagtail serves the rest)."""

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from tenants.media import serve_tenant_media

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path(f"{settings.MEDIA_URL.strip('/')}/<str:schema_name>/<path:path>", serve_tenant_media),
    path("", include(wagtail_urls)),
]
