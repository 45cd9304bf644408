"""The figures of the help centre's Search analytics (knowledge.admin shows them): searches per
day, top queries, content gaps, articles found not helpful, question-form deflection and the chart.
Every figure is an aggregate query (GROUP BY in the database), so the report costs the same number
of queries however many searches, votes and visits there are. Its days are the brand's days
(core.language.tenant_time_zone), whatever the server's or the staff user's time zone.
"""

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber, TruncDate
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import ngettext

from core.language import tenant_time_zone
from knowledge.models import (
    FormVisit,
    HelpfulVote,
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
