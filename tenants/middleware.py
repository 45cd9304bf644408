"""Routes each request by host: the agency console on public hosts, a tenant's portal on its domains.

Also: a URL naming an object by an id its model cannot hold is a 404 (MalformedObjectIdMiddleware).
"""

from django.apps import apps
from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import DisallowedHost, ValidationError
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.http.request import split_domain_port
from django.shortcuts import render

from tenants.hosts import current_status, lookup, normalise_host
from tenants.models import Tenant
from tenants.services import VERIFICATION_PATH, domain_verification_token
from tenants.usage import request_counter

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
# Only these go to the primary domain: a redirected POST would lose its body, and API clients set
# up with an older domain of the tenant keep working (issue 16).
REDIRECTED_METHODS = ("GET", "HEAD")


def _not_serving(request, tenant_name: str, status: str | None, host: str):
    """The page a host of a tenant in `status` gets, or None when the tenant is active."""
    if status is None or status == Tenant.Status.ARCHIVED:
        return render(request, "platform/unknown_host.html", {"host": host}, status=404)
    if status == Tenant.Status.SUSPENDED:
        return render(request, "platform/suspended.html", {"brand": tenant_name}, status=503)
    return None


def _unverified(request, tenant: Tenant, host: str):
    """A domain added in the console and not verified yet serves its ownership token (so pointing
    the domain at this deployment is enough to pass the console's check; not with
    DOMAIN_VERIFICATION_BY_HTTP off), and 404 on every other path."""
    if (
        settings.DOMAIN_VERIFICATION_BY_HTTP
        and request.method in REDIRECTED_METHODS
        and request.path == VERIFICATION_PATH
    ):
        return HttpResponse(domain_verification_token(tenant.schema_name, host), content_type="text/plain")
    return render(request, "platform/unknown_host.html", {"host": host}, status=404)


def _to_primary(request, primary_domain: str):
    """301 to the same path and query on the primary domain, with the request's scheme and port."""
    _domain, port = split_domain_port(request.get_host())
    netloc = f"{primary_domain}:{port}" if port else primary_domain
    return HttpResponsePermanentRedirect(f"{request.scheme}://{netloc}{request.get_full_path()}")


class TenantByHostMiddleware:
    """Put first in MIDDLEWARE. Sets the schema once per request, or answers for the platform.

    Unknown host -> the project's 404 page; archived tenant -> 404; suspended tenant -> 503 naming
    the brand; a domain not verified yet -> 404 (except its ownership token); GET or HEAD on a
    domain that is not the tenant's primary -> 301 to the primary. Counts each request an active
    tenant serves (tenants.usage.RequestCounter). Replaces django-tenants'
    TenantMainMiddleware to add the cached lookup, statuses and domains.

    The status comes from the host cache (tenants.hosts), which may be a few seconds old in a
    process that did not make the change. A POST to one of settings.TENANT_STATUS_CHECKED_URL_NAMES
    (log-ins, sign-up, API tokens: anything that hands out a credential) reads the status from the
    database again first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.public_hosts = {normalise_host(host) for host in settings.PUBLIC_HOSTS}
        self.checked_url_names = frozenset(settings.TENANT_STATUS_CHECKED_URL_NAMES)

    def __call__(self, request):
        connection.set_schema_to_public()
        try:
            host = normalise_host(request.get_host())
        except DisallowedHost:
            return render(request, "platform/unknown_host.html", {"host": ""}, status=400)

        if host in self.public_hosts:
            request.tenant = None
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            return self.get_response(request)

        entry = lookup(host)
        if entry is not None and not entry.verified and entry.tenant.status != Tenant.Status.ARCHIVED:
            return _unverified(request, entry.tenant, host)
        tenant = entry.tenant if entry is not None and entry.verified else None
        refusal = _not_serving(request, tenant and tenant.name, tenant and tenant.status, host)
        if refusal is not None:
            return refusal
        if request.method in REDIRECTED_METHODS and entry.redirects_to_primary(host):
            return _to_primary(request, entry.primary_domain)

        tenant.domain_url = host
        request.tenant = tenant
        # Counted in memory, no query. Once an interval, this request adds the process's counts to
        # the database first, while the connection is still in the public schema.
        request_counter.count(tenant.pk)
        connection.set_tenant(tenant)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        tenant = getattr(request, "tenant", None)
        if (
            tenant is None
            or request.method in SAFE_METHODS
            or request.resolver_match is None
            or request.resolver_match.url_name not in self.checked_url_names
        ):
            return None
        return _not_serving(
            request, tenant.name, current_status(tenant, tenant.domain_url), tenant.domain_url
        )


class MalformedObjectIdMiddleware:
    """A URL whose `pk` (or `object_id`) its view's model could never hold is a 404, not a 500.

    Wagtail's admin views look objects up with `get_object_or_404(model, pk=<the URL's text>)`;
    where the URL pattern takes any string (`<str:pk>`: choosers' "chosen" views, editing-session
    pings, custom viewset views), `abc` for an integer key raised ValueError, a 500. Here the id is
    converted with the model's own primary-key field first. The model is the view's (`model` of a
    class-based view or viewset view) or the one the URL names (`app_label`, `model_name`).
    """

    ID_KWARGS = ("pk", "object_id")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        names = [name for name in self.ID_KWARGS if name in view_kwargs]
        if not names:
            return None
        model = _model_of_view(view_func, view_kwargs)
        if model is None:
            return None
        for name in names:
            try:
                model._meta.pk.to_python(unquote(str(view_kwargs[name])))
            except ValidationError:
                raise Http404(f"No {model._meta.verbose_name} has that id.") from None
        return None


def _model_of_view(view_func, view_kwargs):
    model = getattr(view_func, "view_initkwargs", {}).get("model") or getattr(
        getattr(view_func, "view_class", None), "model", None
    )
    if model is None and "app_label" in view_kwargs and "model_name" in view_kwargs:
        model = f"{view_kwargs['app_label']}.{view_kwargs['model_name']}"
    if isinstance(model, str):  # "app_label.ModelName", as Wagtail's document chooser names it
        try:
            model = apps.get_model(model)
        except (LookupError, ValueError):
            return None
    return model if isinstance(model, type) and hasattr(model, "_meta") else None
