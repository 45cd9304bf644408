"""The tenant's cache generation: part of every cached key that publishing must invalidate.

Keys carry the tenant schema through django-tenants' `make_key`; the generation is a per-tenant
counter that publishing, unpublishing, moving pages and saving the theme, navigation or Site bump,
so every cached page and fragment of that tenant is bypassed at once.
"""

from django.core.cache import cache

GENERATION_KEY = "portal-pages:generation"


def bump_generation() -> None:
    """Forget every cached page and fragment of the current tenant (call in the tenant's schema)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def generation(request=None) -> int:
    """The current tenant's cache generation, read once per request when the request is given."""
    if request is not None and hasattr(request, "_portal_generation"):
        return request._portal_generation
    value = cache.get(GENERATION_KEY) or 0
    if request is not None:
        request._portal_generation = value
    return value
