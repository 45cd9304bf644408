"""Reads for the help centre's pages, blocks, search and GraphQL: what a visitor may read, in a
fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone
from wagtail.models import Page

from knowledge.models import (
    ArticlePage,
    Audience,
    HelpCentreSettings,
    KnowledgeCategoryPage,
    KnowledgeIndexPage,
    audience_filter,
)

POPULAR_DAYS = 30


def readable_articles(user, locale_id=None):
    """Live articles `user` may read (in one language when `locale_id` is given)."""
    articles = ArticlePage.objects.live().filter(audience_filter(user))
    if locale_id is not None:
        articles = articles.filter(locale_id=locale_id)
    return articles


def public_articles(locale_id):
    """Live articles anyone may read: the only ones blocks and cached pages list."""
    return ArticlePage.objects.live().filter(locale_id=locale_id, audience=Audience.EVERYONE)


@dataclass(frozen=True)
class CategoryCard:
    page: KnowledgeCategoryPage
    subcategories: list
    article_count: int


def categories_of(parent: Page) -> list[CategoryCard]:
    """The live categories right under `parent` (tree order), each with its live sub-categories,
    each with the number of articles anyone may read in it: three queries."""
    categories = list(KnowledgeCategoryPage.objects.child_of(parent).live().order_by("path"))
    if not categories:
        return []
    below = list(
        KnowledgeCategoryPage.objects.live()
        .filter(depth=parent.depth + 2, path__startswith=parent.path)
        .order_by("path")
    )
    paths = list(
        public_articles(parent.locale_id).filter(path__startswith=parent.path).values_list("path", flat=True)
    )

    def card(category, subcategories=()) -> CategoryCard:
        return CategoryCard(
            category, list(subcategories), sum(1 for path in paths if path.startswith(category.path))
        )

    return [
        card(category, (card(sub) for sub in below if sub.path.startswith(category.path)))
        for category in categories
    ]


def articles_in(category: Page, user):
    """Articles in `category` and its sub-categories that `user` may read, in tree order."""
    return list(
        readable_articles(user, category.locale_id).filter(path__startswith=category.path).order_by("path")
    )


def popular_articles(locale_id, *, limit: int):
    """Featured articles first, then the most read over the last POPULAR_DAYS days (anyone's)."""
    since = timezone.localdate() - datetime.timedelta(days=POPULAR_DAYS)
    return list(
        public_articles(locale_id)
        .annotate(recent_views=Sum("views__views", filter=Q(views__day__gte=since), default=0))
        .order_by("-featured", "-recent_views", "path")[:limit]
    )


def recent_articles(locale_id, *, limit: int):
    return list(public_articles(locale_id).order_by("-last_published_at", "path")[:limit])


def breadcrumbs(page: Page) -> list[Page]:
    """The page's ancestors from the portal's home page down (one query)."""
    return list(page.get_ancestors().filter(depth__gte=2))


def table_of_contents(article: ArticlePage) -> list[tuple[str, str]]:
    """(anchor, heading) of each section heading, when there are three or more."""
    headings = [(f"s-{block.id}", block.value) for block in article.body if block.block_type == "heading"]
    return headings if len(headings) >= 3 else []


def related_articles(article: ArticlePage, user) -> list[ArticlePage]:
    ids = [related.article_id for related in article.related_articles.all()]
    found = readable_articles(user).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def contact_channels(request) -> HelpCentreSettings:
    return HelpCentreSettings.for_request(request)


def knowledge_home(locale_id) -> KnowledgeIndexPage | None:
    return KnowledgeIndexPage.objects.live().filter(locale_id=locale_id).first()
