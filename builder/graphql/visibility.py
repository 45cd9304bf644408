"""Only live, public pages leave the GraphQL API, whichever field reaches them.

grapple filters `page`, `pages` and the list relations with .live().public(), but `parent`,
`aliasOf`, a site's `rootPage`, a redirect's `page` and the `page` of link, button, menu and page
chooser blocks return whatever page they point at: the title and body of an unpublished or
private page, to anyone. The schema hardening (builder.graphql.hardening) passes every field whose
type is a page through `only_visible_pages`, so a relation added later is covered too.

Pages with any view restriction (login, groups, password) are left out for every viewer, as
`page` and `pages` already do: the API has no password form and no per-viewer answers. So are the
pages a domain keeps to some visitors (a help article for members only); the domain's own fields
answer per viewer (`kbArticle`).

Page types also expose Wagtail's editorial columns; those that describe drafts or the editing
workflow, or count unpublished children, are removed from the schema (DRAFT_FIELDS).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction

from core import registry

# draftTitle is the title of the latest draft; the others say when a draft was saved, whether one
# exists, who is editing or what is scheduled, and numchild counts unpublished children too.
DRAFT_FIELDS = (
    "draftTitle",
    "hasUnpublishedChanges",
    "latestRevisionCreatedAt",
    "locked",
    "lockedAt",
    "goLiveAt",
    "expireAt",
    "expired",
    "numchild",
)


def restricted_paths(info) -> tuple[str, ...]:
    """Tree paths of pages with a view restriction (it covers their descendants), and of pages the
    domains keep to some visitors (core.registry.private_page_paths: a members-only help article);
    one query a request, plus one per domain that keeps pages."""
    request = info.context
    paths = getattr(request, "_graphql_restricted_paths", None)
    if paths is None:
        paths = (
            *PageViewRestriction.objects.values_list("page__path", flat=True),
            *registry.private_page_paths(),
        )
        try:
            request._graphql_restricted_paths = paths
        except AttributeError:  # no request object to keep it on
            pass
    return paths


def is_visible(page: Page, info) -> bool:
    return page.live and not any(page.path.startswith(path) for path in restricted_paths(info))


def only_visible_pages(resolve):
    """Wraps a field's resolver: a page that is not live and public becomes null, or is left out
    of a list."""

    def resolve_visible_pages(root, info, **arguments):
        result = resolve(root, info, **arguments)
        if result is None:
            return None
        if isinstance(result, Page):
            return result if is_visible(result, info) else None
        if isinstance(result, Iterable) and not isinstance(result, str | bytes | dict):
            return [page for page in result if isinstance(page, Page) and is_visible(page, info)]
        return None  # not a page: nothing a page field may return

    resolve_visible_pages.only_visible_pages = True
    return resolve_visible_pages


def restricted_collection_ids(info) -> frozenset[int]:
    """Collections with a view restriction and every collection below them (Wagtail's document
    privacy covers a collection's descendants), two queries a request."""
    from wagtail.models import Collection, CollectionViewRestriction

    request = info.context
    cached = getattr(request, "_graphql_restricted_collections", None)
    if cached is None:
        paths = list(CollectionViewRestriction.objects.values_list("collection__path", flat=True).distinct())
        cached = frozenset()
        if paths:
            below = Q()
            for path in paths:
                below |= Q(path__startswith=path)
            cached = frozenset(Collection.objects.filter(below).values_list("pk", flat=True))
        request._graphql_restricted_collections = cached
    return cached


def only_public_documents(resolve):
    """`document` and `documents`: grapple leaves out a document whose own collection is private,
    but not one in a collection below a private one; this leaves out both."""

    def resolver(root, info, **kwargs):
        result = resolve(root, info, **kwargs)
        if result is None:
            return None
        private = restricted_collection_ids(info)
        if isinstance(result, Iterable):
            return [document for document in result if document.collection_id not in private]
        return None if result.collection_id in private else result

    return resolver
