"""What the domains add at the end of every portal page (core.registry's `portal_page_extras`): after
the footer, for every visitor, built once per tenant, language and cache generation."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks

from core import registry
from core.cache import bump_generation

STAR = '<path d="m12 3 2.8 5.7'  # templates/includes/icon.html's star


def test_a_registered_extra_ends_every_portal_page_and_is_built_once_per_generation(
    make_tenant, in_tenant, client, settings
):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0  # render every view (the fragment cache stays on)
    tenant = make_tenant("extras").tenant
    built, shown = [], {"star": True}

    def star(request):
        built.append(request.path)
        return {"name": "star"} if shown["star"] else None

    def extras():
        return [registry.PageExtra("toy-star", "includes/icon.html", star)]

    with hooks.register_temporarily(registry.PAGE_EXTRAS, extras):
        for path in ("/", "/help/"):
            html = client.get(path, HTTP_HOST="extras.localhost").content.decode()
            assert html.index("</footer>") < html.index(STAR) < html.index("</body>"), path
            assert html.count(STAR) == 1
        assert built == ["/"]  # the second page took it from the cache

        shown["star"] = False
        assert STAR in client.get("/help/", HTTP_HOST="extras.localhost").content.decode()
        with in_tenant(tenant):
            bump_generation()  # what a domain does when what the extra shows changes
        assert STAR not in client.get("/help/", HTTP_HOST="extras.localhost").content.decode()
        assert built == ["/", "/help/"]


def test_two_extras_with_one_name_are_refused(db):
    def twice():
        return [registry.PageExtra("same", "includes/icon.html", dict)] * 2

    with hooks.register_temporarily(registry.PAGE_EXTRAS, twice), pytest.raises(ImproperlyConfigured):
        registry.page_extras()
