"""Reads for the portal chrome (theme, menu, footer), done once per request."""

from dataclasses import dataclass, field

from wagtail.models import Page, Site

from builder.models import NavigationSettings
from themes.models import BrandTheme


@dataclass
class MenuLink:
    text: str
    href: str
    children: list["MenuLink"] = field(default_factory=list)


@dataclass
class PortalChrome:
    site_name: str
    home_url: str
    theme: BrandTheme
    menu: list[MenuLink]
    footer_columns: list
    footer_text: str


def portal_chrome(request) -> PortalChrome:
    site = Site.find_for_request(request)
    theme = BrandTheme.for_request(request)
    navigation = NavigationSettings.for_request(request)
    menu = [
        MenuLink(item.value.text, item.value.href, [MenuLink(c.text, c.href) for c in item.value["children"]])
        for item in navigation.menu
    ]
    if not menu and site is not None:
        children = Page.objects.child_of(site.root_page).live().public().in_menu().specific(defer=True)
        menu = [MenuLink(page.title, page.get_url(request) or "") for page in children]
    return PortalChrome(
        site_name=site.site_name if site else "",
        home_url="/",
        theme=theme,
        menu=menu,
        footer_columns=[column.value for column in navigation.footer_columns],
        footer_text=navigation.footer_text,
    )
