from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from builder.graphql.languages import localised_pages_query, navigation_query
from builder.graphql.schema import viewer_query
from builder.navigation import Navigation


class NavigationViewSet(SnippetViewSet):
    """Settings → Navigation and footer: one per language, translated like pages."""

    model = Navigation
    icon = "list-ul"
    menu_label = _("Navigation and footer")
    add_to_settings_menu = True
    list_display = ["__str__"]


register_snippet(NavigationViewSet)


@hooks.register("register_schema_query")
def add_viewer(query_mixins):
    query_mixins.append(viewer_query())


@hooks.register("register_schema_query", order=-1)
def add_languages(query_mixins):
    """First, so its `page` and `pages` (with `locale`) win over grapple's."""
    query_mixins.insert(0, localised_pages_query())
    query_mixins.append(navigation_query())


@hooks.register("register_schema_query", order=100)
def remove_unsafe_search(query_mixins):
    """grapple's `search` returns draft and private pages (it skips .live().public()); drop it.
    The knowledge base adds a search that only sees what a visitor may see."""
    query_mixins[:] = [mixin for mixin in query_mixins if not hasattr(mixin, "resolve_search")]
