"""The header's language switch and a page's hreflang links."""

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.translation import get_language, get_language_info

from builder.selectors import LanguageVersion, page_language_versions, portal_chrome

register = template.Library()


def _versions(context) -> list[LanguageVersion]:
    page = context.get("page")
    request = context["request"]
    if page is None or not getattr(page, "translation_key", None) or not page.live:
        return []
    return page_language_versions(page, request)


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[LanguageVersion]:
    """{% language_versions as versions %}: this page in each of the tenant's languages."""
    return _versions(context)


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """{% language_links as links %}: one link per other language of the tenant, each in its own
    words. On a page it leads to the page's translation (or that language's home page when the
    page has none); elsewhere (My account) to the same address, now in the other language. The
    link remembers the choice (core.language.switch_language)."""
    request = context["request"]
    chrome = portal_chrome(request)
    versions = {version.language: version.url for version in _versions(context)}
    on_page = context.get("page") is not None
    current = get_language()
    links = []
    for language in chrome.languages:
        if language == current:
            continue
        if on_page:
            target = versions.get(language) or chrome.home_urls.get(language) or "/"
        else:
            target = request.get_full_path()
        links.append(
            {
                "code": language,
                "name": get_language_info(language)["name_local"],
                "href": f"{reverse('switch_language', args=[language])}?next={quote(target)}",
            }
        )
    return links
