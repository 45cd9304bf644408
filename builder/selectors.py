"""Reads for the portal chrome (theme, menu, footer, languages) and a page's language versions:
built once per tenant, language and cache generation."""

from dataclasses import dataclass, field

from django.utils import translation
from wagtail.models import Locale, Page, Site

from builder.fragments import cached
from builder.navigation import Navigation
from core.language import default_language
from themes.models import BrandTheme


@dataclass
class MenuLink:
    text: str
    href: str
    children: list["MenuLink"] = field(default_factory=list)


@dataclass
class FooterColumn:
    heading: str
    links: list[MenuLink]


@dataclass
class PortalChrome:
    site_name: str
    home_url: str
    theme: BrandTheme
    menu: list[MenuLink]
    footer_columns: list[FooterColumn]
    footer_text: str
    languages: list[str]  # the tenant's languages (its locales), the default one first
    home_urls: dict[str, str]  # the home page's URL in each language it is live in


def portal_chrome(request) -> PortalChrome:
    """Theme, menu and footer of the request's site in the request's language. Cached per tenant
    (the key carries the schema) and language, rebuilt after anything is published or the theme,
    navigation or languages change."""
    if hasattr(request, "_portal_chrome"):
        return request._portal_chrome
    site = Site.find_for_request(request)
    language = translation.get_language()
    request._portal_chrome = cached(
        request, f"chrome:{site.pk if site else 0}:{language}", lambda: _build_chrome(request, site, language)
    )
    return request._portal_chrome


def _build_chrome(request, site, language: str) -> PortalChrome:
    theme = BrandTheme.for_request(request)
    navigation = Navigation.for_language(language, default_language(request))
    homes = _homes(site)
    home = homes.get(language) or (site.root_page if site else None)
    menu = []
    if navigation is not None:
        menu = [
            MenuLink(
                item.value.text, item.value.href, [MenuLink(c.text, c.href) for c in item.value["children"]]
            )
            for item in navigation.menu
        ]
    if not menu and home is not None:
        children = Page.objects.child_of(home).live().public().in_menu()
        menu = [MenuLink(page.title, page.get_url(request) or "") for page in children]
    return PortalChrome(
        site_name=site.site_name if site else "",
        home_url=(home.get_url(request) if home else None) or "/",
        theme=theme,
        menu=menu,
        footer_columns=[
            FooterColumn(
                column.value["heading"], [MenuLink(link.text, link.href) for link in column.value["links"]]
            )
            for column in (navigation.footer_columns if navigation else [])
        ],
        footer_text=navigation.footer_text if navigation else "",
        languages=portal_languages(request),
        home_urls={code: page.get_url(request) or "/" for code, page in homes.items()},
    )


def _homes(site) -> dict:
    """The site's home page in each language it is live in."""
    if site is None:
        return {}
    homes = Page.objects.filter(translation_key=site.root_page.translation_key, live=True).select_related(
        "locale"
    )
    return {home.locale.language_code: home for home in homes}


def portal_locales(request) -> dict[str, int]:
    """{language code: Locale id} of the tenant's languages, the default first. Kept on the
    request and cached with the chrome's generation (a locale added or removed bumps it)."""
    if not hasattr(request, "_portal_locales"):

        def build():
            default = default_language(request)
            locales = Locale.objects.values_list("language_code", "id")
            return dict(sorted(locales, key=lambda locale: (locale[0] != default, locale[0])))

        request._portal_locales = cached(request, "locales", build)
    return request._portal_locales


def portal_languages(request) -> list[str]:
    """The tenant's languages, the default first."""
    return list(portal_locales(request))


def translated_home_url(request, language: str) -> str | None:
    """The URL of the home page in `language`, or None when the tenant has none live."""
    return portal_chrome(request).home_urls.get(language)


@dataclass
class LanguageVersion:
    language: str
    url: str  # site-relative


def page_language_versions(page, request) -> list[LanguageVersion]:
    """The live versions of `page` in each of the tenant's languages (itself included): for the
    header's language switch and the page's hreflang links. Cached per page and generation."""

    def build():
        languages = portal_languages(request)
        versions = (
            Page.objects.filter(translation_key=page.translation_key, live=True)
            .select_related("locale")
            .order_by("locale__language_code")
        )
        found = []
        for version in versions:
            url = version.get_url(request)
            if url and version.locale.language_code in languages:
                found.append(LanguageVersion(version.locale.language_code, url))
        return sorted(found, key=lambda item: languages.index(item.language))

    return cached(request, f"language-versions:{page.pk}", build)
