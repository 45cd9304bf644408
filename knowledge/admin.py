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

The report's figures are aggregate queries (GROUP BY in the database): the page costs the same number
of queries however many searches, votes and visits there are. Its days are the brand's days
(core.language.tenant_time_zone), whatever the server's or the staff user's time zone.
"""

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber, TruncDate
from django.template.defaultfilters import linebreaksbr
from django.urls import path, reverse
from django.utils import formats, timezone
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
from core.language import tenant_time_zone
from knowledge.models import (
    DEFLECTION_SETTLES_AFTER,
    FormVisit,
    HelpfulVote,
    Question,
    SearchLog,
    deflected_visits,
)

PERIODS = (7, 30, 90)  # days the report can cover, ending today
DEFAULT_PERIOD = 30
TOP_QUERIES = 20
CONTENT_GAPS = 20
NOT_HELPFUL_ARTICLES = 10
LATEST_COMMENTS = 3  # per article, in the "not helpful" table
CHART_WIDTH = 700  # SVG user units: bars share the width, whatever the number of days
CHART_HEIGHT = 160  # the tallest bar
CHART_LABELS = 20  # room under the bars for the first and last day
NO_VALUE = "—"


def brand_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(tenant_time_zone())


def brand_time(value) -> str:
    """A moment as the brand's staff read it: in the brand's time zone, in the admin's format."""
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value, brand_zone()), "SHORT_DATETIME_FORMAT")


def percent(part: int, whole: int) -> str:
    """`part` of `whole` as a whole percentage ("67%"), rounded half up; a dash when there is no whole."""
    if not whole:
        return NO_VALUE
    return f"{(Decimal(100 * part) / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def number(value: float) -> str:
    """An SVG coordinate: at most two decimals, a dot whatever the language (never localised)."""
    return f"{round(value, 2):g}"


# --- The search analytics report ------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The last `days` days of the brand's calendar, today included."""

    days: int
    first_day: datetime.date
    last_day: datetime.date
    zone: zoneinfo.ZoneInfo

    @classmethod
    def ending_today(cls, days: int, zone: zoneinfo.ZoneInfo, now=None) -> "Period":
        today = timezone.localtime(now or timezone.now(), zone).date()
        return cls(days, today - datetime.timedelta(days=days - 1), today, zone)

    @property
    def start(self) -> datetime.datetime:
        """Midnight at the start of the first day, in the brand's time zone."""
        return datetime.datetime.combine(self.first_day, datetime.time.min, tzinfo=self.zone)

    def each_day(self) -> list[datetime.date]:
        return [self.first_day + datetime.timedelta(days=offset) for offset in range(self.days)]


def period_days(value) -> int:
    """The period asked for in the query string; anything else is the default."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


@dataclass(frozen=True)
class DayCount:
    day: datetime.date
    searches: int
    no_results: int
    opened: int


@dataclass(frozen=True)
class QueryRow:
    query: str
    searches: int
    no_results_percent: str
    opened_percent: str


@dataclass(frozen=True)
class ContentGap:
    query: str
    searches: int
    last_searched: datetime.date


@dataclass(frozen=True)
class Comment:
    text: str
    date: datetime.date


@dataclass(frozen=True)
class NotHelpfulArticle:
    article_id: int
    title: str
    edit_url: str
    not_helpful: int
    helpful: int
    comments: list[Comment]


@dataclass(frozen=True)
class Deflection:
    shown: int  # visits to a question form that were shown suggested articles
    opened: int  # ... and opened one
    deflected: int  # ... and sent no message (counted once the visit is over)

    @property
    def opened_percent(self) -> str:
        return percent(self.opened, self.shown)

    @property
    def deflected_percent(self) -> str:
        return percent(self.deflected, self.opened)


@dataclass(frozen=True)
class Bar:
    """One day in the chart: the day's searches, and its searches with no results drawn over them."""

    day: datetime.date
    label: str
    searches: int
    no_results: int
    title: str
    x: str
    width: str
    y: str
    height: str
    no_results_y: str
    no_results_height: str
    slot_x: str
    slot_width: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    peak: int
    description: str
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    full_height: int = CHART_HEIGHT + CHART_LABELS

    @property
    def label_y(self) -> int:
        return self.full_height - 4

    @property
    def first_label(self) -> str:
        return self.bars[0].label if self.bars else ""

    @property
    def last_label(self) -> str:
        return self.bars[-1].label if self.bars else ""


@dataclass(frozen=True)
class SearchReport:
    period: Period
    days: list[DayCount]
    top_queries: list[QueryRow]
    content_gaps: list[ContentGap]
    not_helpful: list[NotHelpfulArticle]
    deflection: Deflection

    @cached_property
    def searches(self) -> int:
        return sum(day.searches for day in self.days)

    @cached_property
    def no_results(self) -> int:
        return sum(day.no_results for day in self.days)

    @cached_property
    def opened(self) -> int:
        return sum(day.opened for day in self.days)

    @property
    def no_results_percent(self) -> str:
        return percent(self.no_results, self.searches)

    @property
    def click_through(self) -> str:
        """Searches whose result was opened, of all searches."""
        return percent(self.opened, self.searches)

    @cached_property
    def chart(self) -> Chart:
        return search_chart(self.days)


def _search_counts() -> dict:
    return {
        "searches": Count("pk"),
        "no_results": Count("pk", filter=Q(results=0)),
        "opened": Count("pk", filter=Q(clicked_at__isnull=False)),
    }


def searches_per_day(period: Period) -> list[DayCount]:
    """Every day of the period (days without a search too), from one GROUP BY the brand's date."""
    rows = (
        SearchLog.objects.filter(searched_at__gte=period.start)
        .annotate(day=TruncDate("searched_at", tzinfo=period.zone))
        .values("day")
        .annotate(**_search_counts())
        .order_by("day")
    )
    counted = {row["day"]: row for row in rows}
    empty = {"searches": 0, "no_results": 0, "opened": 0}
    return [
        DayCount(day, **{key: counted.get(day, empty)[key] for key in empty}) for day in period.each_day()
    ]


def top_queries(period: Period, limit: int = TOP_QUERIES) -> list[QueryRow]:
    rows = (
        SearchLog.objects.filter(searched_at__gte=period.start)
        .values("query")
        .annotate(**_search_counts())
        .order_by("-searches", "query")[:limit]
    )
    return [
        QueryRow(
            row["query"],
            row["searches"],
            percent(row["no_results"], row["searches"]),
            percent(row["opened"], row["searches"]),
        )
        for row in rows
    ]


def content_gaps(period: Period, limit: int = CONTENT_GAPS) -> list[ContentGap]:
    """Queries whose searches found nothing: what customers look for and the help centre lacks."""
    rows = (
        SearchLog.objects.filter(searched_at__gte=period.start, results=0)
        .values("query")
        .annotate(searches=Count("pk"), last_searched=Max("searched_at"))
        .order_by("-searches", "-last_searched", "query")[:limit]
    )
    return [
        ContentGap(
            row["query"], row["searches"], timezone.localtime(row["last_searched"], period.zone).date()
        )
        for row in rows
    ]


def not_helpful_articles(period: Period, limit: int = NOT_HELPFUL_ARTICLES) -> list[NotHelpfulArticle]:
    """Articles with the most "not helpful" answers given in the period, each with the latest
    comments of those answers: two queries (one when no article has any)."""
    rows = list(
        HelpfulVote.objects.filter(updated_at__gte=period.start)
        .values("article_id", "article__title")
        .annotate(
            not_helpful_votes=Count("pk", filter=Q(helpful=False)),
            helpful_votes=Count("pk", filter=Q(helpful=True)),
        )
        .filter(not_helpful_votes__gt=0)
        .order_by("-not_helpful_votes", "helpful_votes", "article__title", "article_id")[:limit]
    )
    comments: dict[int, list[Comment]] = {row["article_id"]: [] for row in rows}
    if rows:
        latest = (
            HelpfulVote.objects.filter(article_id__in=comments, helpful=False, updated_at__gte=period.start)
            .exclude(comment="")
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("article_id")],
                    order_by=[F("updated_at").desc(), F("pk").desc()],
                )
            )
            .filter(rank__lte=LATEST_COMMENTS)
            .order_by("article_id", "rank")
            .values_list("article_id", "comment", "updated_at")
        )
        for article_id, text, answered_at in latest:
            comments[article_id].append(Comment(text, timezone.localtime(answered_at, period.zone).date()))
    return [
        NotHelpfulArticle(
            row["article_id"],
            row["article__title"],
            reverse("wagtailadmin_pages:edit", args=(row["article_id"],)),
            row["not_helpful_votes"],
            row["helpful_votes"],
            comments[row["article_id"]],
        )
        for row in rows
    ]


def question_form_deflection(period: Period) -> Deflection:
    """Question-form visits of the period that were shown suggestions, those that opened one, and of
    those the ones that sent no message (knowledge.models.deflected_visits: once the visit is over)."""
    shown = FormVisit.objects.filter(started_at__gte=period.start, suggested=True)
    counts = shown.aggregate(shown=Count("pk"), opened=Count("pk", filter=Q(article_opened_at__isnull=False)))
    deflected = deflected_visits().filter(started_at__gte=period.start, suggested=True).count()
    return Deflection(counts["shown"], counts["opened"], deflected)


def search_report(period: Period) -> SearchReport:
    return SearchReport(
        period=period,
        days=searches_per_day(period),
        top_queries=top_queries(period),
        content_gaps=content_gaps(period),
        not_helpful=not_helpful_articles(period),
        deflection=question_form_deflection(period),
    )


def day_text(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def search_chart(days: list[DayCount]) -> Chart:
    """One bar per day, its height the day's searches against the busiest day's; the day's
    searches with no results drawn over it. Each bar's <title> says its numbers."""
    peak = max((day.searches for day in days), default=0)
    slot = CHART_WIDTH / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        height = day.searches * CHART_HEIGHT / peak if peak else 0
        no_results_height = day.no_results * CHART_HEIGHT / peak if peak else 0
        label = day_text(day.day)
        bars.append(
            Bar(
                day=day.day,
                label=label,
                searches=day.searches,
                no_results=day.no_results,
                title=ngettext(
                    "%(day)s: %(searches)s search, %(no_results)s with no results",
                    "%(day)s: %(searches)s searches, %(no_results)s with no results",
                    day.searches,
                )
                % {"day": label, "searches": day.searches, "no_results": day.no_results},
                x=number(index * slot + slot * 0.1),
                width=number(slot * 0.8),
                y=number(CHART_HEIGHT - height),
                height=number(height),
                no_results_y=number(CHART_HEIGHT - no_results_height),
                no_results_height=number(no_results_height),
                slot_x=number(index * slot),
                slot_width=number(slot),
            )
        )
    searches = sum(day.searches for day in days)
    description = ngettext(
        "From %(first)s to %(last)s: %(searches)s search, %(no_results)s with no results.",
        "From %(first)s to %(last)s: %(searches)s searches, %(no_results)s with no results.",
        searches,
    ) % {
        "first": bars[0].label if bars else "",
        "last": bars[-1].label if bars else "",
        "searches": searches,
        "no_results": sum(day.no_results for day in days),
    }
    return Chart(bars, peak, description)


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
