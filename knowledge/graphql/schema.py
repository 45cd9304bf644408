"""The help centre in GraphQL: the portal's search (`search`), the help centre's categories
(`kbCategories`) and one article by its address (`kbArticle`).

Everything answers for the visitor who asks (the session's or the bearer token's customer, or
nobody) in the request's language: drafts never, and articles only to their audience
(knowledge.models.audience_filter, ArticlePage.readable_by). Each field costs a fixed number of
queries however many results it returns (knowledge/tests/test_graphql.py compares 2 and 12).
"""

import base64
from urllib.parse import unquote

import graphene
from django.conf import settings
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from grapple.registry import registry
from wagtail import hooks
from wagtail.models import Page, Site

from core.language import default_language
from knowledge import search as portal_search
from knowledge import selectors, services
from knowledge.models import ArticlePage

DEFAULT_FIRST = 10
MAX_FIRST = 50
LOCALE_DESCRIPTION = "Language code, for example en or zh-hans (default: the request's language)."
# An `after` that is not one of our cursors points past every result: an empty page, as
# notifications' cursors do, rather than the first page again.
PAST_THE_END = 2**31 - 1


class SearchResultType(graphene.ObjectType):
    class Meta:
        name = "SearchResult"

    type = graphene.String(required=True, description="The key of the result's group, e.g. articles")
    title = graphene.String(required=True)
    url = graphene.String(required=True, description="The result's path on this site")
    snippet = graphene.String(
        required=True,
        description="HTML: the text around the first word found, escaped, with the words found in <mark>",
    )
    meta = graphene.String(required=True, description="An article's date (YYYY-MM-DD); may be empty")


class SearchFilterType(graphene.ObjectType):
    class Meta:
        name = "SearchFilter"

    value = graphene.ID(required=True, description="Pass as `category` to narrow the search")
    label = graphene.String(required=True)

    @staticmethod
    def resolve_value(choice, info):
        return choice[0]

    @staticmethod
    def resolve_label(choice, info):
        return str(choice[1])


class SearchGroupType(graphene.ObjectType):
    class Meta:
        name = "SearchGroup"

    type = graphene.String(required=True, description="articles, pages, ...")
    label = graphene.String(required=True, description="The type's name in the request's language")
    total = graphene.Int(required=True, description="Results of this type in all")
    results = graphene.List(graphene.NonNull(SearchResultType), required=True)
    end_cursor = graphene.String(
        description="Pass as `after` (with `types: [type]`) for this type's next page"
    )
    has_next_page = graphene.Boolean(required=True)
    filters = graphene.List(
        graphene.NonNull(SearchFilterType),
        required=True,
        description="What this type can be narrowed by (the help centre's top categories for articles)",
    )


class SearchResultsType(graphene.ObjectType):
    class Meta:
        name = "SearchResults"

    query = graphene.String(
        required=True, description="The query as searched: spaces collapsed, cut to 200 characters"
    )
    total = graphene.Int(required=True)
    groups = graphene.List(graphene.NonNull(SearchGroupType), required=True)


class KbCategoryType(graphene.ObjectType):
    class Meta:
        name = "KbCategory"

    id = graphene.ID(required=True, description="Pass as `category` to search in this category")
    title = graphene.String(required=True)
    url = graphene.String(required=True)
    description = graphene.String(required=True)
    article_count = graphene.Int(
        required=True, description="Live articles anyone may read, sub-categories included"
    )
    subcategories = graphene.List(graphene.NonNull(lambda: KbCategoryType), required=True)


def cursor_for(offset: int) -> str:
    return base64.urlsafe_b64encode(f"search:{offset}".encode()).decode()


def offset_from_cursor(cursor: str) -> int | None:
    try:
        kind, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        offset = int(number) if kind == "search" else None
    except (ValueError, UnicodeDecodeError):
        return None
    return offset if offset is not None and 0 <= offset < PAST_THE_END else None


def language_and_locale(request, locale: str | None) -> tuple[str, int | None]:
    """The language asked for (else the request's) and its Wagtail locale; a language the tenant
    has no pages in falls back to the brand's default language, as `navigation(locale:)` does."""
    language = locale or translation.get_language() or default_language(request)
    locale_id = portal_search.locale_id_for(language)
    if locale_id is None:
        language = default_language(request)
        locale_id = portal_search.locale_id_for(language)
    return language, locale_id


def resolve_search(
    root, info, query, types=None, category=None, first=DEFAULT_FIRST, after=None, locale=None
):
    request = info.context
    first = max(1, min(first or DEFAULT_FIRST, MAX_FIRST))
    offset = 0
    if after:
        offset = offset_from_cursor(after)
        offset = PAST_THE_END if offset is None else offset
    language, locale_id = language_and_locale(request, locale)
    narrow = str(category or "")[:20]
    results = portal_search.search(
        query,
        user=getattr(request, "user", None),
        locale_id=locale_id,
        types=[key for key in types if key] if types else None,
        narrow=narrow,
        first=first,
        after=offset,
    )
    # Logged as the search page logs: the first page of a new search, not its next pages or its
    # narrowing to a category, so the analytics count API clients' searches like the site's.
    if results.query and not after and not narrow:
        services.log_search(results, language=language)
    return {
        "query": results.query,
        "total": results.total,
        "groups": [
            {
                "type": group.key,
                "label": group.label,
                "total": group.total,
                "results": group.results,
                "end_cursor": cursor_for(offset + len(group.results)) if group.results else None,
                "has_next_page": group.total > offset + len(group.results),
                "filters": SimpleLazyObject(lambda group=group: group.filters),  # read only when asked for
            }
            for group in results.groups
        ],
    }


def category_card(page, request, article_count: int, subcategories=()) -> dict:
    return {
        "id": page.pk,
        "title": page.title,
        "url": page.get_url(request=request) or "",
        "description": page.description,
        "article_count": article_count,
        "subcategories": list(subcategories),
    }


def resolve_kb_categories(root, info, locale=None):
    request = info.context
    _language, locale_id = language_and_locale(request, locale)
    home = selectors.knowledge_home(locale_id) if locale_id is not None else None
    if home is None:
        return []
    return [
        category_card(
            card.page,
            request,
            card.article_count,
            [category_card(sub.page, request, sub.article_count) for sub in card.subcategories],
        )
        for card in selectors.categories_of(home)
    ]


def article_at(request, path: str) -> ArticlePage | None:
    """The live article at `path` on the request's site: /help/a/ in the brand's default language,
    /en/help/a/ in another (as the pages' own addresses); slashes at either end optional."""
    components = [component for component in unquote(path or "").split("?")[0].split("/") if component]
    if not components:
        return None
    if components[0] in dict(settings.LANGUAGES):
        language, components = components[0], components[1:]
    else:
        language = default_language(request)
    site = Site.find_for_request(request)
    if site is None or not components:
        return None
    home_path = (
        Page.objects.filter(
            translation_key=Page.objects.filter(pk=site.root_page_id).values("translation_key")[:1],
            locale__language_code=language,
        )
        .values_list("url_path", flat=True)
        .first()
    )
    if home_path is None:
        return None
    # public(): no view restriction (log-in, groups, password) on the article or above it.
    return ArticlePage.objects.live().public().filter(url_path=f"{home_path}{'/'.join(components)}/").first()


def resolve_kb_article(root, info, path):
    request = info.context
    article = article_at(request, path)
    if article is None or not article.readable_by(getattr(request, "user", None)):
        return None
    return article


# The schema's page visibility (builder.graphql.hardening) would leave out a members-only article
# for everyone; this field checks the article's audience for the viewer itself.
resolve_kb_article.checks_viewer = True


class KnowledgeQuery:
    # Resolvers are given to the fields rather than written as `resolve_*` methods: builder's
    # `remove_unsafe_search` hook drops every query mixin with a `resolve_search` (grapple's).
    search = graphene.Field(
        SearchResultsType,
        required=True,
        query=graphene.String(required=True),
        types=graphene.List(graphene.String, description="Keys of the types to search (default: all)"),
        category=graphene.ID(description="Only articles in this help category (a `kbCategories` id)"),
        first=graphene.Int(
            default_value=DEFAULT_FIRST, description=f"Results per group, at most {MAX_FIRST}"
        ),
        after=graphene.String(description="A group's `endCursor`: the results after it"),
        locale=graphene.String(description=LOCALE_DESCRIPTION),
        resolver=resolve_search,
        description="The portal's search: what this visitor may read, in one language, grouped by type",
    )
    kb_categories = graphene.List(
        graphene.NonNull(KbCategoryType),
        required=True,
        locale=graphene.String(description=LOCALE_DESCRIPTION),
        resolver=resolve_kb_categories,
        description="The help centre's top categories with their sub-categories",
    )
    kb_article = graphene.Field(
        lambda: registry.pages[ArticlePage],
        path=graphene.String(required=True, description="The article's address, e.g. /help/points/rules/"),
        resolver=resolve_kb_article,
        description="A live help article this visitor may read; null otherwise",
    )


@hooks.register("register_schema_query")
def add_knowledge_queries(query_mixins):
    query_mixins.append(KnowledgeQuery)
