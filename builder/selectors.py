"""Reads for the portal chrome (theme, menu, footer): built once per tenant and cache generation."""

from dataclasses import dataclass, field

from wagtail.models import Page, Site

from builder.fragments import cached
from builder.navigation import NavigationSettings
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


def portal_chrome(request) -> PortalChrome:
    """Theme, menu and footer of the request's site. Cached per tenant (the key carries the schema)
    and rebuilt after anything is published or the theme or navigation is saved."""
    if hasattr(request, "_portal_chrome"):
        return request._portal_chrome
    site = Site.find_for_request(request)
    request._portal_chrome = cached(
        request, f"chrome:{site.pk if site else 0}", lambda: _build_chrome(request, site)
    )
    return request._portal_chrome


def _build_chrome(request, site) -> PortalChrome:
    theme = BrandTheme.for_request(request)
    navigation = NavigationSettings.for_request(request)
    menu = [
        MenuLink(item.value.text, item.value.href, [MenuLink(c.text, c.href) for c in item.value["children"]])
        for item in navigation.menu
    ]
    if not menu and site is not None:
        children = Page.objects.child_of(site.root_page).live().public().in_menu()
        menu = [MenuLink(page.title, page.get_url(request) or "") for page in children]
    return PortalChrome(
        site_name=site.site_name if site else "",
        home_url="/",
        theme=theme,
        menu=menu,
        footer_columns=[
            FooterColumn(
                column.value["heading"], [MenuLink(link.text, link.href) for link in column.value["links"]]
            )
            for column in navigation.footer_columns
        ],
        footer_text=navigation.footer_text,
    )
