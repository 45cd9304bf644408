"""Image renditions and media URLs in GraphQL.

grapple makes a rendition file for any filter a client writes: `srcSet(sizes: [1000..1039])` wrote
40 files in one anonymous request (10.75 s), and its own `ALLOWED_IMAGE_FILTERS` check in srcSet
skips a refused size silently instead of saying so. These resolvers replace grapple's for
`rendition(...)` and `srcSet(sizes:)`:

- only the filter specs in GRAPPLE["ALLOWED_IMAGE_FILTERS"] are made; anything else is an error,
  and a srcSet with one refused size makes nothing at all;
- one request makes at most GRAPHQL_MAX_NEW_RENDITIONS new files (renditions that already exist
  are free); past that the field answers an error and the client asks again;
- URLs are on the host the request came to (the tenant's domain), not WAGTAILADMIN_BASE_URL,
  which is the agency console's (grapple's get_media_item_url and Rendition.full_url use it).
"""

from __future__ import annotations

from django.conf import settings
from graphql import GraphQLError
from grapple.settings import grapple_settings
from wagtail.images.models import Filter
from wagtail.images.utils import to_svg_safe_spec

# grapple's `rendition` arguments in its order, so specs read like Wagtail's: "width-640|format-webp".
RENDITION_FILTERS = (
    "max",
    "min",
    "width",
    "height",
    "fill",
    "format",
    "bgcolor",
    "jpegquality",
    "webpquality",
)


def allowed_filters() -> list[str]:
    """Fails closed: with no list configured, no rendition is made."""
    allowed = grapple_settings.ALLOWED_IMAGE_FILTERS
    return list(allowed) if isinstance(allowed, list | tuple) else []


def allowed_widths(format: str | None) -> list[int]:
    suffix = f"|format-{format}" if format else ""
    widths = []
    for spec in allowed_filters():
        name, _, rest = spec.partition("-")
        value, _, tail = rest.partition("|")
        if name == "width" and value.isdigit() and (f"|{tail}" if tail else "") == suffix:
            widths.append(int(value))
    return sorted(widths)


def absolute_url(info, url: str) -> str:
    """A path on this host becomes a URL on the host the request came to; other URLs (a CDN's) stay."""
    request = info.context
    if url.startswith("/") and not url.startswith("//") and hasattr(request, "build_absolute_uri"):
        return request.build_absolute_uri(url)
    return url


def media_url(item) -> str:
    # Renditions and documents have `url`; an image's own file has only `file.url`.
    return item.url if hasattr(item, "url") else item.file.url


def resolve_media_url(item, info, **_kwargs) -> str:
    return absolute_url(info, media_url(item))


def spend_new_renditions(info, count: int) -> None:
    """Counts the renditions this request creates; refuses before making any past the limit."""
    if not count:
        return
    limit = settings.GRAPHQL_MAX_NEW_RENDITIONS
    request = info.context
    made = getattr(request, "_graphql_new_renditions", 0)
    if made + count > limit:
        raise GraphQLError(
            f"Too many new image renditions in one request: at most {limit}. "
            "Ask for the other images or sizes in another request."
        )
    try:
        request._graphql_new_renditions = made + count
    except AttributeError:  # no request (schema.execute in a shell): nothing to count against
        pass


def renditions(image, info, specs: list[str], preserve_svg: bool) -> list:
    """The renditions of `image` for `specs` (all allowed), creating the missing ones."""
    if image.is_svg() and preserve_svg:
        # As grapple: only SVG-safe operations on an SVG, or the original.
        specs = [to_svg_safe_spec(spec) or "original" for spec in specs]
    filters = [Filter(spec) for spec in dict.fromkeys(specs)]
    found = image.find_existing_renditions(*filters)
    missing = [filter for filter in filters if filter not in found]
    spend_new_renditions(info, len(missing))
    if missing:
        made = image.get_renditions(*missing)
        found.update({filter: made[filter.spec] for filter in missing})
    by_spec = {filter.spec: found[filter] for filter in filters}
    return [by_spec[spec] for spec in specs]


def resolve_rendition(image, info, preserve_svg: bool = True, **arguments):
    spec = "|".join(f"{name}-{arguments[name]}" for name in RENDITION_FILTERS if name in arguments)
    if spec not in allowed_filters():
        raise GraphQLError(
            f"Image filter {spec or '(none)'!r} is not allowed; use one of: {', '.join(allowed_filters())}."
        )
    return renditions(image, info, [spec], preserve_svg)[0]


def resolve_src_set(image, info, sizes=None, format=None, preserve_svg: bool = True, **_kwargs) -> str:
    sizes = [size for size in dict.fromkeys(sizes or []) if size is not None]
    widths = allowed_widths(format)
    refused = [size for size in sizes if size not in widths]
    if refused:
        as_format = f" as {format}" if format else ""
        raise GraphQLError(
            f"Image width {refused[0]} is not allowed in srcSet{as_format}; "
            f"use some of: {', '.join(map(str, widths)) or 'none'}."
        )
    if not sizes or not image.file.name:
        return ""
    suffix = f"|format-{format}" if format else ""
    made = renditions(image, info, [f"width-{size}{suffix}" for size in sizes], preserve_svg)
    return ", ".join(f"{absolute_url(info, rendition.url)} {rendition.width}w" for rendition in made)
