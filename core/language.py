"""Which language a request is served in.

Portal pages exist per language (Wagtail locales). A page's URL says its language: pages in the
tenant's default language have no prefix (/help/), the others do (/en/help/), so every language
version has its own address for search engines (hreflang) and the page cache. Everything else
(My account, log-in, sign-up) speaks the visitor's choice (cookie, else browser), else the brand's
default language.
"""

from django.conf import settings
from django.db import connection
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme


def language_for(request) -> str:
    """The visitor's language cookie or browser language when we support it; otherwise the tenant's
    default language (a Chinese brand's portal opens in Chinese), else the site default."""
    tenant = getattr(request, "tenant", None)
    chose = settings.LANGUAGE_COOKIE_NAME in request.COOKIES or "HTTP_ACCEPT_LANGUAGE" in request.META
    if tenant is not None and not chose:
        return tenant.default_language
    return translation.get_language_from_request(request)


def default_language(request) -> str:
    """The brand's default language: its pages' URLs carry no language prefix."""
    tenant = getattr(request, "tenant", None)
    return getattr(tenant, "default_language", None) or settings.LANGUAGE_CODE


def tenant_default_language() -> str | None:
    """The default language of the tenant whose schema is active (None in the public, template
    and spare schemas)."""
    return _tenant_value("default_language")


def tenant_time_zone() -> str:
    """The time zone of the tenant whose schema is active (settings.TIME_ZONE outside a tenant):
    dates told to its customers are its local dates."""
    return _tenant_value("time_zone") or settings.TIME_ZONE


def _tenant_value(field: str) -> str | None:
    """A field of the active schema's tenant. Requests carry the tenant; code run with only a
    schema (tasks, commands) looks the fields up once and keeps them on that connection's tenant
    object."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None:
        return None
    if not hasattr(tenant, field):
        from django_tenants.utils import get_tenant_model

        row = (
            get_tenant_model()
            .objects.filter(schema_name=connection.schema_name)
            .values("default_language", "time_zone")
            .first()
        ) or {}
        tenant.default_language = row.get("default_language") or ""
        tenant.time_zone = row.get("time_zone") or ""
    return getattr(tenant, field) or None


def remembered_language(request) -> str | None:
    """The language the visitor chose with the switch (or their profile's, set at log-in)."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in dict(settings.LANGUAGES) else None


def without_language_prefix(path: str, language: str) -> str:
    """/zh-hans/help/ -> /help/"""
    return path[len(language) + 1 :] or "/"


class TenantLocaleMiddleware(LocaleMiddleware):
    """A language prefix in the path decides (/en/...); otherwise the visitor's choice, else the
    tenant's default language. A prefix naming the tenant's default language redirects to the
    same path without it, so each page has one address."""

    def process_request(self, request):
        language = translation.get_language_from_path(request.path_info)
        if (
            language
            and getattr(request, "tenant", None) is not None
            and language == default_language(request)
        ):
            target = without_language_prefix(request.path_info, language)
            query = request.META.get("QUERY_STRING")
            return HttpResponseRedirect(f"{target}?{query}" if query else target)
        translation.activate(language or language_for(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # Not Django's: it would redirect every unknown unprefixed path to a prefixed one, but here
        # unprefixed paths are the default language's pages.
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def remember_language(response, language: str):
    """The visitor's choice, kept in Django's language cookie (read by language_for) for a year."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,
    )
    return response


def switch_language(request, language: str):
    """GET /language/<code>/?next=/path/: the header's language links. A link, not a form, so pages
    carry no CSRF cookie and anonymous pages stay cacheable; `next` stays on this host."""
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        remember_language(response, language)
    return response
