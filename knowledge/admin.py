"""Brand staff's side of the help centre in the Wagtail admin, under "Help centre": what customers
searched for and how the help centre answered them (Search analytics), the questions they sent, and
their answers to "Was this helpful?". Each tenant's admin reads its own schema, so staff only ever
see their brand's rows. Nothing here writes: the portal's views and knowledge.services do.

Every view states its permission:

| screen | needs |
|---|---|
| Search analytics (and its menu item) | `knowledge.view_searchlog` |
| questions list, a question | `knowledge.view_question` |
| helpful votes list, a vote | `knowledge.view_helpfulvote` |

The report's figures come from knowledge.analytics (aggregate queries, the brand's days).
"""

from django.template.defaultfilters import linebreaksbr
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from django_filters import ChoiceFilter
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

from core.admin import ReadOnlyViewSetMixin, model_permissions
from knowledge.analytics import (
    NO_VALUE,
    PERIODS,
    Period,
    brand_time,
    brand_zone,
    day_text,
    period_days,
    search_report,
)
from knowledge.models import (
    DEFLECTION_SETTLES_AFTER,
    HelpfulVote,
    Question,
    SearchLog,
)

search_log_policy = ModelPermissionPolicy(SearchLog)


class SearchAnalyticsView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Help centre → Search analytics: the last 7, 30 or 90 days of searches, content gaps, articles
    readers found unhelpful, and how often the question form's suggestions answered the question."""

    permission_policy = search_log_policy
    permission_required = "view"
    template_name = "knowledge/admin/search_analytics.html"
    page_title = gettext_lazy("Search analytics")
    header_icon = "search"
    votes_url_name = None

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        days = period_days(self.request.GET.get("days"))
        report = search_report(Period.ending_today(days, brand_zone()))
        may_see_votes = self.votes_url_name and policy_registry.get_by_type(HelpfulVote).user_has_permission(
            self.request.user, "view"
        )
        return super().get_context_data(
            report=report,
            periods=[
                (choice, ngettext("Last %(days)s day", "Last %(days)s days", choice) % {"days": choice})
                for choice in PERIODS
            ],
            days=days,
            first_day=day_text(report.period.first_day),
            last_day=day_text(report.period.last_day),
            time_zone=str(report.period.zone),
            not_helpful_votes_url=f"{reverse(self.votes_url_name)}?helpful=no" if may_see_votes else "",
            settles_after_minutes=int(DEFLECTION_SETTLES_AFTER.total_seconds() // 60),
            **kwargs,
        )


class SearchAnalyticsMenuItem(MenuItem):
    """Shown only to staff who may open the report."""

    def is_shown(self, request):
        return search_log_policy.user_has_permission(request.user, "view")


class SearchAnalyticsViewSet(ViewSet):
    name = "knowledge_search_analytics"
    url_prefix = "knowledge/search-analytics"
    icon = "search"
    menu_label = gettext_lazy("Search analytics")
    menu_item_class = SearchAnalyticsMenuItem
    votes_url_name = None

    def get_urlpatterns(self):
        view = SearchAnalyticsView.as_view(votes_url_name=self.votes_url_name)
        return [path("", view, name="index")]


@hooks.register("register_permissions")
def search_log_permissions():
    """The group editor offers the one permission the report checks."""
    return model_permissions(SearchLog, ["view"])


# --- Questions from customers ---------------------------------------------------------------


class LabelledInspectViewMixin:
    """An inspect view whose breadcrumbs name the list as the menu does (the models' own plural
    names are not translated), with fields labelled by `field_labels`."""

    index_label = ""
    field_labels: dict = {}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": self.index_label},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_field_label(self, field_name, field):
        if field_name in self.field_labels:
            return self.field_labels[field_name]
        return super().get_field_label(field_name, field)


def page_link(url: str):
    """Where a question was sent from, as a link when it is a path on this site."""
    if url.startswith("/") and not url.startswith("//"):
        return format_html('<a href="{}">{}</a>', url, url)
    return url


class QuestionIndexView(generic.IndexView):
    any_permission_required = ["view"]  # a list to read; nothing here changes a question
    page_title = gettext_lazy("Questions")

    @cached_property
    def columns(self):
        title_column_class = self._get_title_column_class(TitleColumn)
        return [
            title_column_class(
                "created_at",
                label=gettext_lazy("Date"),
                accessor=lambda question: brand_time(question.created_at),
                get_url=self.get_inspect_url,
                sort_key="created_at",
            ),
            Column("name", label=gettext_lazy("Name"), sort_key="name"),
            Column("email", label=gettext_lazy("E-mail"), sort_key="email"),
            Column(
                "message",
                label=gettext_lazy("Question"),
                accessor=lambda question: Truncator(question.message).chars(80),
            ),
            Column("page_url", label=gettext_lazy("Sent from")),
        ]


class QuestionInspectView(LabelledInspectViewMixin, generic.InspectView):
    any_permission_required = ["view"]
    index_label = gettext_lazy("Questions")
    field_labels = {
        "created_at": gettext_lazy("Date"),
        "name": gettext_lazy("Name"),
        "email": gettext_lazy("E-mail"),
        "message": gettext_lazy("Question"),
        "page_url": gettext_lazy("Sent from"),
    }

    def get_created_at_display_value(self):
        return brand_time(self.object.created_at)

    def get_message_display_value(self):
        return linebreaksbr(self.object.message, autoescape=True)

    def get_page_url_display_value(self):
        return page_link(self.object.page_url)


class QuestionViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """Help centre → Questions: what customers asked through the question form (staff are told in
    their inbox, with a link here: the "knowledge.question" notification kind)."""

    model = Question
    url_prefix = "knowledge/questions"
    icon = "help"
    menu_label = gettext_lazy("Questions")
    index_view_class = QuestionIndexView
    inspect_view_class = QuestionInspectView
    inspect_view_fields = ["created_at", "name", "email", "message", "page_url"]
    search_fields = ["name", "email", "message"]

    def get_permissions_to_register(self):
        return model_permissions(self.model, ["view"])


# --- "Was this helpful?" answers ------------------------------------------------------------


def yes_or_no(value: bool) -> str:
    return _("Yes") if value else _("No")


class HelpfulVoteFilterSet(WagtailFilterSet):
    helpful = ChoiceFilter(
        label=gettext_lazy("Helpful"),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        method="filter_helpful",
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = HelpfulVote
        fields = []

    def filter_helpful(self, queryset, name, value):
        return queryset.filter(helpful=value == "yes")


class HelpfulVoteIndexView(generic.IndexView):
    any_permission_required = ["view"]
    page_title = gettext_lazy("Helpful votes")
    default_ordering = "-updated_at"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("article")

    @cached_property
    def columns(self):
        title_column_class = self._get_title_column_class(TitleColumn)
        return [
            title_column_class(
                "article",
                label=gettext_lazy("Article"),
                accessor=lambda vote: vote.article.title,
                get_url=self.get_inspect_url,
            ),
            Column("helpful", label=gettext_lazy("Helpful"), accessor=lambda vote: yes_or_no(vote.helpful)),
            Column(
                "comment",
                label=gettext_lazy("Comment"),
                accessor=lambda vote: Truncator(vote.comment).chars(80),
            ),
            Column(
                "updated_at",
                label=gettext_lazy("Date"),
                accessor=lambda vote: brand_time(vote.updated_at),
                sort_key="updated_at",
            ),
        ]


class HelpfulVoteInspectView(LabelledInspectViewMixin, generic.InspectView):
    any_permission_required = ["view"]
    index_label = gettext_lazy("Helpful votes")
    field_labels = {
        "article": gettext_lazy("Article"),
        "helpful": gettext_lazy("Helpful"),
        "comment": gettext_lazy("Comment"),
        "created_at": gettext_lazy("First answered"),
        "updated_at": gettext_lazy("Last answered"),
    }

    def get_object(self, queryset=None):
        return super().get_object(HelpfulVote.objects.select_related("article"))

    def get_page_subtitle(self):
        return self.object.article.title

    def get_article_display_value(self):
        article = self.object.article
        return format_html(
            '<a href="{}">{}</a>', reverse("wagtailadmin_pages:edit", args=(article.pk,)), article.title
        )

    def get_helpful_display_value(self):
        return yes_or_no(self.object.helpful)

    def get_comment_display_value(self):
        return linebreaksbr(self.object.comment, autoescape=True) or NO_VALUE

    def get_created_at_display_value(self):
        return brand_time(self.object.created_at)

    def get_updated_at_display_value(self):
        return brand_time(self.object.updated_at)


class HelpfulVoteViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """Help centre → Helpful votes: each reader's answer to "Was this helpful?" (who answered is
    not shown: an account number or a browser's random id says nothing useful here)."""

    model = HelpfulVote
    url_prefix = "knowledge/helpful-votes"
    icon = "pick"
    menu_label = gettext_lazy("Helpful votes")
    index_view_class = HelpfulVoteIndexView
    inspect_view_class = HelpfulVoteInspectView
    inspect_view_fields = ["article", "helpful", "comment", "created_at", "updated_at"]
    filterset_class = HelpfulVoteFilterSet
    search_fields = ["comment", "article__title"]

    def get_permissions_to_register(self):
        return model_permissions(self.model, ["view"])


# --- The menu -------------------------------------------------------------------------------

helpful_votes = HelpfulVoteViewSet("knowledge_helpful_votes")


class HelpCentreGroup(ViewSetGroup):
    menu_label = gettext_lazy("Help centre")
    menu_icon = "help"
    menu_order = 360
    items = (
        SearchAnalyticsViewSet(votes_url_name=helpful_votes.get_url_name("index")),
        QuestionViewSet("knowledge_questions"),
        helpful_votes,
    )


@hooks.register("register_admin_viewset")
def register_help_centre_admin():
    return HelpCentreGroup()
