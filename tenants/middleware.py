"""Routes each request by host: the agency console on public hosts, a tenant's portal on its domains."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.shortcuts import render

from tenants.hosts import tenant_for_host
from tenants.models import Tenant


class TenantByHostMiddleware:
    """Put first in MIDDLEWARE. Sets the schema once per request, or answers for the platform.

    Unknown host -> the project's 404 page; archived tenant -> 404; suspended tenant -> 503 naming
    the brand. Replaces django-tenants' TenantMainMiddleware to add the cached lookup and statuses.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.public_hosts = set(settings.PUBLIC_HOSTS)

    def __call__(self, request):
        connection.set_schema_to_public()
        try:
            host = request.get_host().split(":")[0].lower()
        except DisallowedHost:
            return render(request, "platform/unknown_host.html", {"host": ""}, status=400)
        host = host.removeprefix("www.")

        if host in self.public_hosts:
            request.tenant = None
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            return self.get_response(request)

        tenant = tenant_for_host(host)
        if tenant is None or tenant.status == Tenant.Status.ARCHIVED:
            return render(request, "platform/unknown_host.html", {"host": host}, status=404)
        if tenant.status == Tenant.Status.SUSPENDED:
            return render(request, "platform/suspended.html", {"brand": tenant.name}, status=503)

        tenant.domain_url = host
        request.tenant = tenant
        connection.set_tenant(tenant)
        return self.get_response(request)
