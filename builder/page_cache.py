"""Anonymous page views, cached per tenant and purged when anything on the site is published.

Cache keys carry the tenant schema (django-tenants' `make_key`) and a per-tenant generation
number; publishing, unpublishing, moving or deleting a page, or saving the theme or navigation,
bumps the generation, so every cached page of that tenant is bypassed at once.

A hit answers with the headers the miss was sent with (X-Frame-Options, Content-Language, Vary,
...), except those that belong to one response only. The middleware sits after Django's
SecurityMiddleware, which adds its headers (X-Content-Type-Options, Referrer-Policy,
Cross-Origin-Opener-Policy, HSTS on HTTPS) to a hit as to any response, without a query.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from blocks.links import forget_linked_pages
from builder.fragments import remember_site
from core.cache import generation
from core.language import remembered_language

SKIP_PREFIXES = ("/admin/", "/graphql/", "/documents/", "/media/", "/static/")

# Never stored with a page: they describe one response (a page with a cookie is not cached at all),
# or SecurityMiddleware sets them per request (HSTS only on HTTPS).
NOT_REPLAYED_HEADERS = frozenset(
    {"set-cookie", "date", "content-length", "x-portal-cache", "strict-transport-security"}
)


def _key(request) -> str:
    # A page's language comes from its address (core.language); only the front door also depends
    # on the visitor's remembered language (builder.views redirects it to their language's home).
    language = remembered_language(request) or ""
    # "portal-page": entries are (content, headers); the older "portal-pages" ones held no headers.
    return f"portal-page:{generation(request)}:{language}:{request.get_host()}:{request.get_full_path()}"


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and getattr(request, "tenant", None) is not None
        and settings.SESSION_COOKIE_NAME not in request.COOKIES  # anonymous visitors only
        and not request.path.startswith(SKIP_PREFIXES)
    )


class AnonymousPageCacheMiddleware:
    """After the tenant middleware and SecurityMiddleware: a hit costs no database query and no
    session."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = settings.PORTAL_PAGE_CACHE_SECONDS

    def __call__(self, request):
        forget_linked_pages()  # nothing prefetched for an earlier request is reused
        if getattr(request, "tenant", None) is not None and not request.path.startswith(SKIP_PREFIXES):
            remember_site(request)
        if not self.timeout or not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response["X-Portal-Cache"] = "hit"
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
            return response
        response = self.get_response(request)
        if (
            getattr(response, "portal_page_cacheable", False)
            and response.status_code == 200
            and not response.cookies  # nothing personal was set while rendering
        ):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = [
                (name, value) for name, value in response.items() if name.lower() not in NOT_REPLAYED_HEADERS
            ]
            cache.set(key, (response.content, headers), self.timeout)
            response["X-Portal-Cache"] = "miss"
        return response
