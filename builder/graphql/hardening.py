"""Changes to grapple's schema, made once in config.graphql where the schema is assembled.

grapple builds its types from the models, with resolvers that do not fit a public multi-tenant API
(builder.graphql.images and builder.graphql.visibility say why). Its types cannot be configured
field by field, so the built schema is adjusted here: resolvers replaced or wrapped, draft fields
removed. The printed schema (schema.graphql) shows the result, and tests cover each change.
"""

from __future__ import annotations

from graphene import Schema
from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    default_field_resolver,
    get_named_type,
)
from grapple.types.documents import get_document_type
from grapple.types.images import get_image_type, get_rendition_type
from grapple.types.interfaces import get_page_interface

from builder.graphql import images, visibility
from builder.graphql.visibility import DRAFT_FIELDS, only_visible_pages


def resolve_page_url(page, info, **_kwargs):
    # With the request, Wagtail answers a path on the request's own site and reuses its site lookup.
    request = info.context if hasattr(info.context, "META") else None
    return page.get_url(request=request)


def page_types(schema: GraphQLSchema) -> tuple[GraphQLInterfaceType, list[GraphQLObjectType]]:
    interface = schema.get_type(get_page_interface()._meta.name)
    return interface, list(schema.get_possible_types(interface))


def returns_pages(field, interface, types) -> bool:
    named = get_named_type(field.type)
    return named is interface or named in types


def harden_schema(schema: Schema) -> Schema:
    graphql_schema = schema.graphql_schema
    if getattr(graphql_schema, "portal_hardened", False):
        return schema
    interface, types = page_types(graphql_schema)

    for page_type in (interface, *types):
        for name in DRAFT_FIELDS:
            page_type.fields.pop(name, None)
        if "url" in page_type.fields:
            page_type.fields["url"].resolve = resolve_page_url

    for type_ in graphql_schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for field in type_.fields.values():
            # A domain's own field may answer per viewer (its resolver says `checks_viewer = True`:
            # knowledge's kbArticle gives a members-only article to members); every other field
            # returning pages leaves out what is not live and public to everyone.
            if returns_pages(field, interface, types) and not getattr(field.resolve, "checks_viewer", False):
                field.resolve = only_visible_pages(field.resolve or default_field_resolver)

    image = graphql_schema.get_type(get_image_type()._meta.name)
    image.fields["rendition"].resolve = images.resolve_rendition
    image.fields["srcSet"].resolve = images.resolve_src_set
    image.fields["url"].resolve = images.resolve_media_url
    image.fields["src"].resolve = images.resolve_media_url
    graphql_schema.get_type(get_rendition_type()._meta.name).fields["url"].resolve = images.resolve_media_url
    graphql_schema.get_type(get_document_type()._meta.name).fields["url"].resolve = images.resolve_media_url

    query = graphql_schema.query_type
    for name in ("document", "documents"):
        query.fields[name].resolve = visibility.only_public_documents(
            query.fields[name].resolve or default_field_resolver
        )

    graphql_schema.portal_hardened = True
    return schema
