"""The GraphQL schema's one customer entry point, assembled from what the domains register.

grapple builds the schema from every `register_schema_query` mixin (pages, blocks, settings, and
each domain's root queries). `viewer` is built here from the `portal_viewer_fields` hook
(core.registry): each domain adds its fields (profile, memberCard, coupons, ...) with a resolver
that takes the logged-in user. Anonymous requests get `viewer: null`, never someone's data.
"""

import graphene

from core import registry


def viewer_type() -> type:
    """The Viewer object type with every registered field, in registration order."""
    attributes = {"__doc__": "The logged-in customer (session, or a bearer token issued by this tenant)."}
    for name, (field, resolve) in registry.viewer_fields().items():
        attributes[name] = field
        attributes[f"resolve_{name}"] = staticmethod(resolve)
    return type("ViewerType", (graphene.ObjectType,), attributes)


def viewer_query() -> type:
    class ViewerQuery:
        viewer = graphene.Field(viewer_type(), description="The logged-in customer; null when anonymous")

        def resolve_viewer(self, info):
            user = getattr(info.context, "user", None)
            return user if user is not None and user.is_authenticated else None

    return ViewerQuery
