from functools import wraps

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from builder.graphql.languages import localised_pages_query, navigation_query
from builder.graphql.schema import viewer_query
from builder.navigation import Navigation


def editors_of_navigation_only(view):
    @wraps(view)
    def check(request, *args, **kwargs):
        if not request.user.has_perm("builder.change_navigation"):
            return permission_denied(request)
        return view(request, *args, **kwargs)

    return check


class NavigationChooserViewSet(SnippetChooserViewSet):
    """Nothing links to a navigation; its chooser (Wagtail's default checks no permission) opens
    only for staff who may edit navigations."""

    def get_urlpatterns(self):
        patterns = super().get_urlpatterns()
        for pattern in patterns:
            pattern.callback = editors_of_navigation_only(pattern.callback)
        return patterns


class NavigationViewSet(SnippetViewSet):
    """Settings → Navigation and footer: one per language, translated like pages."""

    model = Navigation
    chooser_viewset_class = NavigationChooserViewSet
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
