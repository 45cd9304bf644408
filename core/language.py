"""Which language a request is served in: the visitor's choice, else the brand's default."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme


def language_for(request) -> str:
    """The visitor's language cookie or browser language when we support it; otherwise the tenant's
    default language (a Chinese brand's portal opens in Chinese), else the site default."""
    tenant = getattr(request, "tenant", None)
    chose = settings.LANGUAGE_COOKIE_NAME in request.COOKIES or "HTTP_ACCEPT_LANGUAGE" in request.META
    if tenant is not None and not chose:
        return tenant.default_language
    return translation.get_language_from_request(request)


class TenantLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with the tenant's default language as the fallback."""

    def process_request(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


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
