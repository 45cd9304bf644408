"""How the knowledge base plugs into the platform (core.registry): what the search box finds, what
staff are told, and the admin."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelsearch.utils import get_descendants_content_types_pks
from wagtail import hooks
from wagtail.models import Page

from core import registry
from core.jobs import ScheduledJob
from knowledge import (
    admin,  # noqa: F401 - the admin's views and menu register their own hooks
    selectors,
    services,
)
from knowledge.graphql import schema  # noqa: F401 - registers the help centre's GraphQL queries
from knowledge.models import ArticlePage, Audience, KnowledgeCategoryPage, KnowledgeIndexPage


def _article_hit(article: ArticlePage) -> registry.SearchHit:
    return registry.SearchHit(
        article.title, article.url, f"{article.summary} {article.body_text()}", article.updated_date()
    )


def _articles(user, locale_id):
    return selectors.readable_articles(user, locale_id).public()


def _article_categories(locale_id) -> list[tuple[str, str]]:
    """The help centre's top categories (home page 2, help centre 3, its categories 4 deep)."""
    categories = KnowledgeCategoryPage.objects.live().filter(depth=4, locale_id=locale_id).order_by("path")
    return [(str(pk), title) for pk, title in categories.values_list("pk", "title")]


def _in_category(articles, value: str):
    category = KnowledgeCategoryPage.objects.filter(pk=int(value) if value.isdigit() else None).first()
    if category is None:
        return articles.none()
    return articles.filter(path__startswith=category.path)


# The help centre's own page types: articles are their own search type, categories and the help
# centre itself are found through them; "pages" is every other page.
HELP_CENTRE_PAGE_TYPES = (ArticlePage, KnowledgeCategoryPage, KnowledgeIndexPage)


def _pages(user, locale_id):
    pages = Page.objects.live().public().filter(depth__gt=1).not_type(*HELP_CENTRE_PAGE_TYPES)
    if locale_id is not None:
        pages = pages.filter(locale_id=locale_id)
    return pages.specific()


def _page_content_types() -> list[int]:
    """Every page type's index entries but the help centre's, as `_pages` holds."""
    own = {ContentType.objects.get_for_model(model).pk for model in HELP_CENTRE_PAGE_TYPES}
    return [pk for pk in get_descendants_content_types_pks(Page) if pk not in own]


def _page_hit(page) -> registry.SearchHit:
    describe = getattr(page, "meta_description", None)
    return registry.SearchHit(page.title, page.url, describe() if describe else page.search_description)


@hooks.register(registry.EVENT_KINDS)
def event_kinds():
    return {"question.asked": _("Question asked in the help centre")}


@hooks.register(registry.SEARCH_TYPES)
def search_types():
    return [
        registry.SearchType(
            "articles",
            _("Help articles"),
            _articles,
            _article_hit,
            order=10,
            filters=_article_categories,
            narrow=_in_category,
        ),
        registry.SearchType(
            "pages",
            pgettext_lazy("search result type", "Pages"),
            _pages,
            _page_hit,
            order=90,
            content_types=_page_content_types,
        ),
    ]


@hooks.register(registry.PRIVATE_PAGE_PATHS)
def members_only_articles():
    """Articles for members or some levels: page fields of the API leave them out (kbArticle and
    search answer per viewer)."""
    return ArticlePage.objects.live().exclude(audience=Audience.EVERYONE).values_list("path", flat=True)


@hooks.register(registry.SCHEDULED_JOBS)
def scheduled_jobs():
    return [
        ScheduledJob(
            "knowledge.forget-old-searches",
            services.forget_old_searches,
            at=dt.time(3, 0),
            description=_("Deletes search log rows and question-form visits older than 400 days"),
        )
    ]


@hooks.register(registry.CUSTOMER_DATA)
def customer_data():
    return [registry.CustomerData("help_centre", services.export_customer_help, services.erase_customer_help)]


@hooks.register(registry.NOTIFICATION_KINDS)
def notification_kinds():
    return [
        registry.NotificationKind(
            key="knowledge.question",
            label=_("Question from a customer (staff)"),
            audience="staff",
            channels=("inbox", "email"),
            url="/admin/knowledge/questions/",
            sample={
                "name": "Wang Fang",
                "email": "wang@example.com",
                "message": "Can I use points in store?",
            },
            title={"en": "New question from {{ name }}", "zh-hans": "新的顾客提问：{{ name }}"},
            body={
                "en": "{{ message }}\n\nReply to {{ email }}.",
                "zh-hans": "{{ message }}\n\n回复邮箱：{{ email }}",
            },
        )
    ]
