from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute(context, url: str) -> str:
    """{% absolute share.url %}: a media or page URL made absolute on the host the request came to
    (Wagtail's own full_url uses WAGTAILADMIN_BASE_URL, one host for the whole deployment); URLs
    that are absolute already (a bucket, a CDN) stay as they are."""
    if not url or url.startswith(("http://", "https://")):
        return url or ""
    return context["request"].build_absolute_uri(url)
