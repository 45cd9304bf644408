"""Anonymous page views, cached per tenant and purged when anything on the site is published.

Cache keys carry the tenant schema (django-tenants' `make_key`) and a per-tenant generation
number; publishing, unpublishing, moving or deleting a page, or saving the theme or navigation,
bumps the generation, so every cached page of that tenant is bypassed at once.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from blocks.links import forget_linked_pages
from builder.fragments import remember_site
from core.cache import bump_generation, generation
from core.language import language_for

SKIP_PREFIXES = ("/admin/", "/graphql/", "/documents/", "/media/", "/static/")

# Publishing bumps the tenant's generation (core.cache): every cached page of that tenant is bypassed.
purge_tenant_pages = bump_generation


def _key(request) -> str:
    language = language_for(request)
    return f"portal-pages:{generation(request)}:{language}:{request.get_host()}:{request.get_full_path()}"


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and getattr(request, "tenant", None) is not None
        and settings.SESSION_COOKIE_NAME not in request.COOKIES  # anonymous visitors only
        and not request.path.startswith(SKIP_PREFIXES)
    )


class AnonymousPageCacheMiddleware:
    """Right after the tenant middleware: a hit costs no database query and no session."""

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
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
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
            cache.set(key, (response.content, response["Content-Type"]), self.timeout)
            response["X-Portal-Cache"] = "miss"
        return response
