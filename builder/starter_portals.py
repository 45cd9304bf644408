"""Starter portals: each fills a freshly provisioned tenant with its first pages.

A `PortalTemplate.key` names one of these. Each builder runs inside the new tenant's schema, in
the provisioning transaction, and returns the home page it made.
"""

from collections.abc import Callable

from wagtail.models import Page

from builder.models import HomePage


def build_member_mall(*, brand_name: str, language: str) -> HomePage:
    return _home(brand_name, intro="会员专享 · Members' mall: points, coupons and member prices.")


def build_service_desk(*, brand_name: str, language: str) -> HomePage:
    return _home(brand_name, intro="Help centre: answers, bookings and support, any time.")


def _home(brand_name: str, *, intro: str) -> HomePage:
    root = Page.get_first_root_node()
    home = HomePage(title=brand_name, slug="home", intro=intro)
    root.add_child(instance=home)
    return home


STARTER_PORTALS: dict[str, Callable[..., HomePage]] = {
    "member-mall": build_member_mall,
    "service-desk": build_service_desk,
}
