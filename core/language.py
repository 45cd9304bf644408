"""Which language a request is served in: the visitor's choice, else the brand's default."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
