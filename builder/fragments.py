"""Per-tenant caches of what every page view needs, rebuilt after each publish.

Each key carries the tenant schema (django-tenants' `make_key`) and the tenant's cache generation
(`builder.page_cache`), which publishing, theme and navigation changes, and view-restriction
changes bump. Unlike the anonymous page cache these serve logged-in visitors too, so they only hold
what is the same for everyone: the Site, whether any page is restricted, a page body's HTML
(never for bodies holding personal blocks), and anonymous GraphQL answers.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from builder.page_cache import generation


def cached(request, name: str, build: Callable):
    """`build()`, cached per tenant and generation under `name` (not at all when the timeout is 0)."""
    seconds = settings.PORTAL_FRAGMENT_CACHE_SECONDS
    if not seconds:
        return build()
    key = f"fragment:{generation(request)}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value


def remember_site(request) -> None:
    """Give Wagtail the request's Site from the cache (it looks for `request._wagtail_site`)."""
    from wagtail.models import Site

    def find():
        site = Site._find_for_request(request)
        if site is None:
            return False
        site.root_page  # noqa: B018 - loaded now, so it is cached along with the site
        return site

    request._wagtail_site = cached(request, f"site:{request.get_host()}", find) or None


def tenant_has_view_restrictions(request) -> bool:
    from wagtail.models import PageViewRestriction

    return cached(request, "view-restrictions", lambda: PageViewRestriction.objects.exists())


def body_html(page, request, context) -> str:
    """The page's blocks rendered, cached per page and language unless a block is personal
    (its Meta says `personal = True`, like a member card)."""
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    from blocks.links import prefetch_linked_pages

    def render():
        prefetch_linked_pages(page.body.raw_data, request)
        # Each block on its own, as {% include_block %} does (the StreamField's own render would
        # wrap every block in an extra <div class="block-<name>">).
        return "".join(str(child.render(context=context)) for child in page.body)

    child_blocks = page.body.stream_block.child_blocks
    personal = any(
        getattr(child_blocks[item["type"]].meta, "personal", False)
        for item in page.body.raw_data
        if item["type"] in child_blocks
    )
    if personal:
        return mark_safe(render())  # noqa: S308 - rendered by our block templates
    return mark_safe(cached(request, f"body:{page.pk}:{get_language()}", render))  # noqa: S308


def use_cached_view_restrictions() -> None:
    """Wagtail checks every served page's ancestors for view restrictions (two queries). Most
    tenants restrict nothing: this asks the cache whether this tenant restricts anything at all and
    runs Wagtail's own check only when it does. Replaces Wagtail's hook in place (private registry:
    re-check on Wagtail upgrades; tests cover private pages)."""
    from wagtail import hooks
    from wagtail import wagtail_hooks as core

    def check_view_restrictions_when_any(callback):
        checked = core.check_view_restrictions(callback)

        def inner(page, request, serve_args, serve_kwargs):
            if tenant_has_view_restrictions(request):
                return checked(page, request, serve_args, serve_kwargs)
            return callback(page, request, serve_args, serve_kwargs)

        return inner

    hooks.search_for_hooks()  # hook modules load lazily; load them now so the core hook is there
    registered = hooks._hooks.get("on_serve_page", [])
    hooks._hooks["on_serve_page"] = [
        (check_view_restrictions_when_any if fn is core.check_view_restrictions else fn, order)
        for fn, order in registered
    ]
