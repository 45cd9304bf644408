"""Page addresses without the default language's prefix.

Wagtail writes a page's URL by reversing "wagtail_serve" in the page's language, which
i18n_patterns prefixes with that language (/zh-hans/help/). The tenant's default language is served
without a prefix (core.language, builder.views), so the prefix is taken off here, for every page
class (plain `Page` objects from tree queries included). Wraps Wagtail's method in place: re-check
on Wagtail upgrades; builder/tests/test_languages.py covers it.
"""

from wagtail.models import Page

from core.language import tenant_default_language, without_language_prefix


def install() -> None:
    if getattr(Page.get_url_parts, "portal_default_language", False):
        return
    wagtail_get_url_parts = Page.get_url_parts

    def get_url_parts(self, request=None):
        parts = wagtail_get_url_parts(self, request)
        if not parts or not parts[2]:
            return parts
        site_id, root_url, path = parts
        language = tenant_default_language()
        if language and path.startswith(f"/{language}/"):
            path = without_language_prefix(path, language)
        return site_id, root_url, path

    get_url_parts.portal_default_language = True
    Page.get_url_parts = get_url_parts
