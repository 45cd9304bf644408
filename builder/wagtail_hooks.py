from wagtail import hooks

from builder.graphql.schema import viewer_query


@hooks.register("register_schema_query")
def add_viewer(query_mixins):
    query_mixins.append(viewer_query())


@hooks.register("register_schema_query", order=100)
def remove_unsafe_search(query_mixins):
    """grapple's `search` returns draft and private pages (it skips .live().public()); drop it.
    The knowledge base adds a search that only sees what a visitor may see."""
    query_mixins[:] = [mixin for mixin in query_mixins if not hasattr(mixin, "resolve_search")]
