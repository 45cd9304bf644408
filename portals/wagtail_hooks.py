"""The starter portals new tenants are built from, registered with the platform (core.registry)."""

from wagtail import hooks

from core import registry
from portals.starter_portals import STARTER_PORTALS


@hooks.register(registry.STARTER_PORTALS)
def starter_portals():
    return STARTER_PORTALS
