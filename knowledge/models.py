"""The knowledge base: a help centre of categories and articles (Wagtail pages, one tree per
language like every portal page), what customers searched for, and how they rated articles."""

import datetime

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from grapple.models import (
    GraphQLCollection,
    GraphQLForeignKey,
    GraphQLPage,
    GraphQLStreamfield,
    GraphQLString,
    GraphQLTag,
)
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from knowledge.article_blocks import ARTICLE_BLOCKS
from members.selectors import member_for


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("everyone")
    MEMBERS = "members", _("logged-in members")
    LEVELS = "levels", _("members of some levels")


def member_level_id(user) -> int | None:
    """The level of `user`'s membership (None: no member, or no level); read once per user object."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_knowledge_level_id"):
        member = member_for(user)
        user._knowledge_level_id = member.level_id if member is not None else None
    return user._knowledge_level_id


class KnowledgePage(Page):
    """What the help centre's pages share: a description for search engines and lists, and the
    portal's page cache for anonymous visitors (only what anyone may read)."""

    class Meta:
        abstract = True

    def meta_description(self) -> str:
        return self.search_description or self.description_text() or self.title

    def description_text(self) -> str:
        return ""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # builder.page_cache stores it for anonymous visitors (what anyone may read).
        response.portal_page_cacheable = getattr(self, "audience", Audience.EVERYONE) == Audience.EVERYONE
        return response


class KnowledgeIndexPage(KnowledgePage):
    """The help centre's home: the search box, its categories, popular and recently updated articles."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)

    parent_page_types = ["builder.HomePage"]
    subpage_types = ["knowledge.KnowledgeCategoryPage", "knowledge.ArticlePage"]
    max_count_per_parent = 1
    template = "knowledge/knowledge_index_page.html"
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    graphql_fields = [GraphQLString("intro")]

    class Meta:
        verbose_name = _("help centre")

    def description_text(self) -> str:
        return self.intro


class KnowledgeCategoryPage(KnowledgePage):
    """A category of articles, or a sub-category of one (two levels at most)."""

    description = models.CharField(_("description"), max_length=300, blank=True)

    parent_page_types = ["knowledge.KnowledgeIndexPage", "knowledge.KnowledgeCategoryPage"]
    subpage_types = ["knowledge.KnowledgeCategoryPage", "knowledge.ArticlePage"]
    template = "knowledge/knowledge_category_page.html"
    content_panels = [*Page.content_panels, FieldPanel("description")]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    graphql_fields = [GraphQLString("description")]

    class Meta:
        verbose_name = _("help category")
        verbose_name_plural = _("help categories")

    @classmethod
    def can_create_at(cls, parent) -> bool:
        """A sub-category, but no sub-sub-category."""
        if not super().can_create_at(parent):
            return False
        specific = parent.specific_class
        return not (specific is cls and isinstance(parent.get_parent().specific, KnowledgeCategoryPage))

    def description_text(self) -> str:
        return self.description


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "knowledge.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("audience") == Audience.LEVELS and not cleaned_data.get("levels"):
            self.add_error("levels", _("Choose the levels that may read it."))
        return cleaned_data


class ArticlePage(KnowledgePage):
    """One help article: a summary, a body of text, steps, pictures, videos and callouts, and who
    may read it. Drafts, revisions, scheduled publishing and workflows are Wagtail's."""

    summary = models.TextField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences, shown in lists and search results."),
    )
    body = StreamField(ARTICLE_BLOCKS, blank=True, verbose_name=_("article"))
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name=_("tags"))
    updated_on = models.DateField(
        _("updated"),
        null=True,
        blank=True,
        help_text=_("Shown as the article's date. Left blank: the day it was last published."),
    )
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown first among the help centre's popular articles.")
    )
    audience = models.CharField(
        _("who may read it"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    levels = ParentalManyToManyField(
        "members.MemberLevel",
        blank=True,
        verbose_name=_("member levels"),
        help_text=_("With “members of some levels”: the levels that may read it."),
    )

    base_form_class = ArticlePageForm
    parent_page_types = ["knowledge.KnowledgeIndexPage", "knowledge.KnowledgeCategoryPage"]
    subpage_types = []
    template = "knowledge/article_page.html"
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("tags"), FieldPanel("updated_on"), FieldPanel("featured")],
            heading=_("About the article"),
        ),
        MultiFieldPanel([FieldPanel("audience"), FieldPanel("levels")], heading=_("Who may read it")),
        InlinePanel("related_articles", label=_("Related articles"), max_num=6),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.SearchField("tag_names"),
        index.SearchField("category_names"),
        index.FilterField("audience"),
    ]
    graphql_fields = [
        GraphQLString("summary"),
        GraphQLStreamfield("body"),
        GraphQLTag("tags"),
        GraphQLString("updated", source="updated_date"),
        GraphQLString("audience"),
        GraphQLCollection(GraphQLForeignKey, "related_articles", "knowledge.RelatedArticle"),
    ]

    class Meta:
        verbose_name = _("help article")

    def description_text(self) -> str:
        return self.summary or Truncator(self.body_text()).chars(160)

    def tag_names(self) -> str:
        return " ".join(tag.name for tag in self.tags.all())

    def category_names(self) -> str:
        return " ".join(ancestor.title for ancestor in self.get_ancestors().type(KnowledgeCategoryPage))

    def body_text(self) -> str:
        """The article's words as plain text (for snippets and descriptions)."""
        return " ".join(
            " ".join(
                strip_tags(text) for text in self.body.stream_block.get_searchable_content(self.body)
            ).split()
        )

    def updated_date(self, info=None, **kwargs) -> str:
        """The article's date as YYYY-MM-DD (grapple passes `info`)."""
        day = self.updated_on or (
            timezone.localdate(self.last_published_at) if self.last_published_at else None
        )
        return day.isoformat() if day else ""

    def readable_by(self, user) -> bool:
        """Whether `user` (maybe anonymous) is in the article's audience."""
        if self.audience == Audience.EVERYONE:
            return True
        if user is None or not user.is_authenticated:
            return False
        if user.is_staff or user.is_superuser or self.audience == Audience.MEMBERS:
            return True
        level_id = member_level_id(user)
        return level_id is not None and self.levels.filter(pk=level_id).exists()

    def serve(self, request, *args, **kwargs):
        if not self.readable_by(request.user):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            levels = list(self.levels.values_list("name", flat=True))
            return render(
                request, "knowledge/not_in_audience.html", {"page": self, "levels": levels}, status=403
            )
        return super().serve(request, *args, **kwargs)


def audience_filter(user) -> Q:
    """Articles `user` (maybe anonymous or None) may read; staff read them all."""
    if user is None or not user.is_authenticated:
        return Q(audience=Audience.EVERYONE)
    if user.is_staff or user.is_superuser:
        return Q()
    allowed = Q(audience__in=[Audience.EVERYONE, Audience.MEMBERS])
    level_id = member_level_id(user)
    if level_id is not None:
        allowed |= Q(
            audience=Audience.LEVELS,
            pk__in=ArticlePage.levels.through.objects.filter(memberlevel_id=level_id).values(
                "articlepage_id"
            ),
        )
    return allowed


class RelatedArticle(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_articles")
    article = models.ForeignKey(
        ArticlePage, on_delete=models.CASCADE, related_name="+", verbose_name=_("article")
    )

    panels = [PageChooserPanel("article", "knowledge.ArticlePage")]
    graphql_fields = [GraphQLPage("article")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["page", "article"], name="related_article_once")]


# --- What customers do with the help centre -----------------------------------------------------


class HelpfulVote(models.Model):
    """One visitor's answer to "Was this helpful?" about one article (answering again changes it)."""

    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="votes")
    visitor = models.CharField(max_length=64)  # "user:<id>" or "visitor:<random id in a cookie>"
    helpful = models.BooleanField()
    comment = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "visitor"], name="helpful_vote_once")]
        indexes = [models.Index(fields=["created_at"], name="helpful_vote_created")]

    def __str__(self):
        return f"{self.article_id} {self.visitor}: {'yes' if self.helpful else 'no'}"


class ArticleView(models.Model):
    """How often an article was read on one day (for "popular")."""

    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="article_view_day_once")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.views}"


class SearchSource(models.TextChoices):
    SEARCH = "search", _("search box")
    FORM = "form", _("question form")


class SearchLog(models.Model):
    """One search a customer made, what it found, and which result they opened (if any)."""

    searched_at = models.DateTimeField(default=timezone.now, db_index=True)
    query = models.CharField(max_length=200)  # normalised: trimmed, spaces collapsed, lower case
    results = models.PositiveIntegerField()
    language = models.CharField(max_length=10, blank=True)
    source = models.CharField(max_length=10, choices=SearchSource.choices, default=SearchSource.SEARCH)
    clicked_url = models.CharField(max_length=500, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["query", "searched_at"], name="search_log_query")]

    def __str__(self):
        return f"{self.query} ({self.results})"


class Question(models.Model):
    """A question a customer sent through the help centre's question form."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    message = models.TextField(_("question"), max_length=4000)
    page_url = models.CharField(_("sent from"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("question")

    def __str__(self):
        return Truncator(self.message).chars(60)


class FormVisit(models.Model):
    """One visit to a question form: whether it suggested articles, whether the customer opened one,
    and whether they sent a message in the end (deflection: opened an article, sent nothing)."""

    key = models.UUIDField(unique=True)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    suggested = models.BooleanField(default=False)
    article_opened_at = models.DateTimeField(null=True, blank=True)
    message_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return str(self.key)


DEFLECTION_SETTLES_AFTER = datetime.timedelta(minutes=30)


def deflected_visits():
    """Visits that opened a suggested article and sent no message (once the visit is over)."""
    return FormVisit.objects.filter(
        Q(article_opened_at__isnull=False),
        Q(message_sent_at__isnull=True),
        started_at__lt=timezone.now() - DEFLECTION_SETTLES_AFTER,
    )


@register_setting(icon="help")
class HelpCentreSettings(BaseSiteSetting):
    """Where "Still need help?" under every article sends customers."""

    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    contact_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact page"),
        help_text=_("A page with the brand's contact channels or a question form."),
    )

    panels = [FieldPanel("phone"), FieldPanel("email"), PageChooserPanel("contact_page")]

    class Meta:
        verbose_name = _("help centre")
