"""Help-centre blocks for page bodies. Lists show only articles anyone may read, so a page body with
them is the same for every visitor and stays cacheable; the question form holds a CSRF token, so it
is `personal`.

Imported while builder.models builds the page body (core.registry.app_blocks): the models are read
inside the blocks' methods, never at import time."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLPage, GraphQLStreamfield, GraphQLString
from wagtail import blocks

from blocks.base import BaseBlock


def _locale_id(parent_context):
    page = (parent_context or {}).get("page")
    if page is not None and getattr(page, "locale_id", None):
        return page.locale_id
    from knowledge.search import locale_id_for

    return locale_id_for(get_language())


def _public(pages):
    """The chosen articles anyone may read, live, in the order chosen."""
    from knowledge.models import ArticlePage, Audience

    ids = [page.pk for page in pages if page is not None]
    found = ArticlePage.objects.live().filter(audience=Audience.EVERYONE).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


@register_streamfield_block
class SearchBoxBlock(BaseBlock):
    """The portal's search box, with suggestions while typing."""

    heading = blocks.CharBlock(required=False, max_length=120)
    placeholder = blocks.CharBlock(required=False, max_length=80)

    graphql_fields = [GraphQLString("heading"), GraphQLString("placeholder"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "search"
        template = "knowledge/blocks/search_box.html"
        label = _("Search box")
        description = _("Search the help centre and the whole portal")
        preview_value = {"heading": "有什么可以帮您？ · How can we help?"}


@register_streamfield_block
class CategoryGridBlock(BaseBlock):
    """The help centre's categories as tiles, with how many articles each holds."""

    heading = blocks.CharBlock(required=False, max_length=120)

    graphql_fields = [GraphQLString("heading"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "folder-open-inverse"
        template = "knowledge/blocks/help_categories.html"
        label = _("Help categories")
        description = _("The help centre's categories")
        preview_value = {"heading": "帮助分类 · Help topics"}

    def get_context(self, value, parent_context=None):
        from knowledge import selectors

        context = super().get_context(value, parent_context)
        home = selectors.knowledge_home(_locale_id(parent_context))
        context["help_centre"] = home
        context["categories"] = selectors.categories_of(home) if home else []
        return context


@register_streamfield_block
class ArticleListBlock(BaseBlock):
    """Popular articles (featured first, then the most read), the latest, or a hand-picked list."""

    heading = blocks.CharBlock(required=False, max_length=120)
    show = blocks.ChoiceBlock(
        choices=[("popular", _("Popular")), ("recent", _("Recently updated")), ("chosen", _("Chosen below"))],
        default="popular",
    )
    articles = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="knowledge.ArticlePage"), default=[], max_num=12, required=False
    )
    count = blocks.IntegerBlock(min_value=1, max_value=12, default=5)

    graphql_fields = [
        GraphQLString("heading"),
        GraphQLString("show"),
        GraphQLStreamfield("articles"),
        *BaseBlock.graphql_fields,
    ]

    class Meta:
        icon = "list-ul"
        template = "knowledge/blocks/help_articles.html"
        label = _("Help articles")
        description = _("Popular, recent or chosen help articles")
        preview_value = {"heading": "常见问题 · Popular questions", "show": "popular", "count": 5}

    def get_context(self, value, parent_context=None):
        from knowledge import selectors

        context = super().get_context(value, parent_context)
        count = value.get("count") or 5
        if value.get("show") == "chosen":
            context["list"] = _public(value.get("articles") or [])[:count]
        elif value.get("show") == "recent":
            context["list"] = selectors.recent_articles(_locale_id(parent_context), limit=count)
        else:
            context["list"] = selectors.popular_articles(_locale_id(parent_context), limit=count)
        return context


@register_streamfield_block
class ArticleTeaserBlock(BaseBlock):
    """One article: its title, summary and a link."""

    article = blocks.PageChooserBlock(page_type="knowledge.ArticlePage")
    link_text = blocks.CharBlock(required=False, max_length=60)

    graphql_fields = [GraphQLPage("article"), GraphQLString("link_text"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "doc-full"
        template = "knowledge/blocks/article_teaser.html"
        label = _("Article teaser")
        description = _("One help article's summary and link")
        preview_value = {"link_text": "阅读全文 · Read the article"}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        found = _public([value.get("article")])
        context["article"] = found[0] if found else None
        return context


@register_streamfield_block
class ArticleFAQBlock(BaseBlock):
    """Questions and answers from articles: each title opens its summary and a link to the rest."""

    heading = blocks.CharBlock(required=False, max_length=120)
    articles = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="knowledge.ArticlePage"), min_num=1, max_num=20
    )

    graphql_fields = [GraphQLString("heading"), GraphQLStreamfield("articles"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "help"
        template = "knowledge/blocks/article_faq.html"
        label = _("FAQ from articles")
        description = _("Questions answered by help articles")
        preview_value = {"heading": "常见问题 · Questions", "articles": []}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["list"] = _public(value.get("articles") or [])
        return context


@register_streamfield_block
class QuestionFormBlock(BaseBlock):
    """A form for a question to the brand's staff; while the customer types, matching articles are
    suggested (and the analytics count the visits they ended)."""

    heading = blocks.CharBlock(required=False, max_length=120)
    intro = blocks.CharBlock(required=False, max_length=300)

    graphql_fields = [GraphQLString("heading"), GraphQLString("intro"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "mail"
        template = "knowledge/blocks/question_form.html"
        label = _("Question form")
        description = _("Customers ask a question; matching articles are suggested as they type")
        personal = True
        preview_value = {"heading": "向我们提问 · Ask us"}

    def get_context(self, value, parent_context=None):
        import uuid

        from knowledge.forms import QuestionForm

        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        user = getattr(request, "user", None)
        context["form"] = QuestionForm(
            user=user, initial={"visit": uuid.uuid4(), "next": request.path if request else "/"}
        )
        return context


PORTAL_BLOCKS = [
    ("search_box", SearchBoxBlock()),
    ("help_categories", CategoryGridBlock()),
    ("help_articles", ArticleListBlock()),
    ("article_teaser", ArticleTeaserBlock()),
    ("article_faq", ArticleFAQBlock()),
    ("question_form", QuestionFormBlock()),
]
