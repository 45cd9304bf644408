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

from core.cache import generation


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
    """The page's blocks rendered. Blocks that are the same for everyone are cached per page and
    language; blocks whose Meta says `personal = True` (a member card) are rendered for this visitor
    every time, in their place."""
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    from blocks.links import prefetch_linked_pages

    child_blocks = page.body.stream_block.child_blocks
    personal = [
        getattr(child_blocks[item["type"]].meta, "personal", False) if item["type"] in child_blocks else False
        for item in page.body.raw_data
    ]

    def render_shared_blocks() -> list:
        prefetch_linked_pages(page.body.raw_data, request)
        # Each block on its own, as {% include_block %} does (the StreamField's own render would
        # wrap every block in an extra <div class="block-<name>">).
        return [
            None if personal[index] else str(child.render(context=context))
            for index, child in enumerate(page.body)
        ]

    parts = cached(request, f"body:{page.pk}:{get_language()}", render_shared_blocks)
    if len(parts) != len(personal):  # the body changed under a cached entry; never mix them up
        parts = render_shared_blocks()
    html = "".join(
        part if part is not None else str(page.body[index].render(context=context))
        for index, part in enumerate(parts)
    )
    return mark_safe(html)  # noqa: S308 - rendered by our block templates


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
