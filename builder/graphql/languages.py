"""Pages per language in GraphQL: `page(..., locale: "en")`, `pages(..., locale: "en")` and
`navigation(locale: "en")`.

A tenant's pages exist once per language (one tree per Wagtail locale). grapple's `inSite` only
looks under the Site's root page, which is the home page in the brand's default language, so the
other languages' trees were unreachable. Here `page` and `pages` take a `locale` (a language code
such as "en" or "zh-hans"): `page(urlPath: "/help/", inSite: true, locale: "en")` is the English
help page, `pages(locale: "en")` lists English pages only. Without `locale` they answer as before
(the default language's tree for a `urlPath`).
"""

import copy

import graphene
from django.db.models import Q
from grapple.registry import registry
from grapple.types.pages import PagesQuery, get_site_filter, get_specific_page
from grapple.utils import resolve_queryset
from wagtail.models import Page, Site

from builder.navigation import Navigation
from core.language import default_language

LOCALE_DESCRIPTION = "Language code of the pages' language, for example en or zh-hans."


def _with_locale(field):
    """grapple's field with a `locale` argument more (a mounted Field keeps its arguments in
    `args`, an unmounted QuerySetList in `kwargs`)."""
    field = copy.copy(field)
    locale = graphene.Argument(graphene.String, description=LOCALE_DESCRIPTION)
    if isinstance(field, graphene.Field):
        field.args = {**field.args, "locale": locale}
    else:
        field.kwargs = {**field.kwargs, "locale": locale}
    return field


def _site_trees(site: Site) -> Q:
    """Pages under the Site's home page or under any of its translations (one per language)."""
    roots = Page.objects.filter(translation_key=site.root_page.translation_key).values_list("path", flat=True)
    condition = Q(pk__in=[])
    for path in roots:
        condition |= Q(path__startswith=path)
    return condition


def localised_pages_query() -> type:
    grapple = PagesQuery()

    class LocalisedPagesQuery(grapple):
        pages = _with_locale(grapple.pages)
        page = _with_locale(grapple.page)

        def resolve_pages(self, info, locale=None, **kwargs):
            queryset = Page.objects.all()
            try:
                if kwargs.get("parent"):
                    queryset = Page.objects.get(id=kwargs["parent"]).get_children()
                elif kwargs.get("ancestor"):
                    queryset = Page.objects.get(id=kwargs["ancestor"]).get_descendants()
            except (Page.DoesNotExist, ValueError):
                queryset = Page.objects.none()
            pages = queryset.live().public().filter(depth__gt=1).specific()
            site = get_site_filter(info, **kwargs)
            if site is not None:
                pages = pages.filter(_site_trees(site))
            elif kwargs.get("site") is not None or kwargs.get("in_site"):
                return Page.objects.none()
            if locale:
                pages = pages.filter(locale__language_code=locale)
            content_type = kwargs.pop("content_type", None)
            if content_type:
                condition = Q()
                for name in content_type.split(","):
                    app_label, _, model = name.strip().lower().partition(".")
                    condition |= Q(content_type__app_label=app_label, content_type__model=model)
                pages = pages.filter(condition)
            return resolve_queryset(pages, info, **kwargs)

        def resolve_page(self, info, locale=None, **kwargs):
            site = get_site_filter(info, **kwargs)
            if not locale:
                return get_specific_page(
                    id=kwargs.get("id"),
                    slug=kwargs.get("slug"),
                    url_path=kwargs.get("url_path"),
                    token=kwargs.get("token"),
                    content_type=kwargs.get("content_type"),
                    site=site,
                )
            pages = Page.objects.live().public().filter(depth__gt=1, locale__language_code=locale).specific()
            if site is not None:
                pages = pages.filter(_site_trees(site))
            if kwargs.get("id"):
                pages = pages.filter(pk=kwargs["id"])
            elif kwargs.get("slug"):
                pages = pages.filter(slug=kwargs["slug"])
            elif kwargs.get("url_path") is not None:
                path = kwargs["url_path"].strip("/")
                path = f"{path}/" if path else ""
                if site is None:
                    return None
                root = (
                    Page.objects.filter(
                        translation_key=site.root_page.translation_key, locale__language_code=locale
                    )
                    .only("url_path")
                    .first()
                )
                if root is None:
                    return None
                pages = pages.filter(url_path=f"{root.url_path}{path}")
            else:
                return None
            return pages.first()

    return LocalisedPagesQuery


def navigation_query() -> type:
    class NavigationQuery:
        navigation = graphene.Field(
            lambda: registry.snippets[Navigation],
            locale=graphene.Argument(graphene.String, description=LOCALE_DESCRIPTION),
            description="The menu and footer in this language (default: the brand's default language).",
        )

        def resolve_navigation(self, info, locale=None):
            fallback = default_language(info.context)
            return Navigation.for_language(locale or fallback, fallback)

    return NavigationQuery
