"""Reads for member pages, blocks, the admin and GraphQL, each with its joins done once."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q
from wagtail import hooks

from core.outbox import events_about
from members.models import Audience, BalanceEntry, Member, MemberLevel, PointsEntry

HISTORY_PAGE_SIZE = 20

# Later domains add a figure to the member card (coupons: how many usable) through this hook:
# `@hooks.register(MEMBER_CARD_FIGURES)` with a function `(member) -> [CardFigure, ...]`.
MEMBER_CARD_FIGURES = "member_card_figures"


@dataclass(frozen=True)
class CardFigure:
    label: str
    value: str


def card_figures(member: Member) -> list[CardFigure]:
    return [figure for contribute in hooks.get_hooks(MEMBER_CARD_FIGURES) for figure in contribute(member)]


def member_timeline(member: Member, *, limit: int = 50):
    """What happened to the member, newest first, from the event outbox."""
    return events_about(member, limit=limit)


def member_for(user) -> Member | None:
    if user is None or not user.is_authenticated:
        return None
    return Member.objects.select_related("level", "level__badge").filter(user=user).first()


def audience_filter(member) -> Q:
    """What `member` (None: a visitor, or a customer who is not a member) may see of a model with an
    `audience` (members.models.Audience) and `levels`: everyone's; members' when a member; their
    level's. Add .distinct() when filtering through `levels`."""
    allowed = Q(audience=Audience.EVERYONE)
    if member is not None:
        allowed |= Q(audience=Audience.MEMBERS)
        if member.level_id:
            allowed |= Q(audience=Audience.LEVELS, levels=member.level_id)
    return allowed


def member_levels() -> list[MemberLevel]:
    return list(MemberLevel.objects.select_related("badge").order_by("threshold_points"))


@dataclass(frozen=True)
class LevelProgress:
    level: MemberLevel | None
    next_level: MemberLevel | None
    points_to_next: int  # lifetime points still needed; 0 at the top level
    percent: int  # 0..100 of the way from this level to the next


def level_progress(member: Member, levels: list[MemberLevel] | None = None) -> LevelProgress:
    levels = member_levels() if levels is None else levels
    current = member.level
    higher = [level for level in levels if level.threshold_points > member.lifetime_points]
    next_level = higher[0] if higher else None
    if next_level is None:
        return LevelProgress(current, None, 0, 100)
    start = current.threshold_points if current else 0
    span = max(next_level.threshold_points - start, 1)
    done = max(member.lifetime_points - start, 0)
    return LevelProgress(
        current,
        next_level,
        next_level.threshold_points - member.lifetime_points,
        min(100, done * 100 // span),
    )


def points_history(member: Member, page_number=1) -> Page:
    entries = PointsEntry.objects.filter(member=member).order_by("-created_at", "-pk")
    return Paginator(entries, HISTORY_PAGE_SIZE).get_page(page_number)


def balance_history(member: Member, page_number=1) -> Page:
    entries = BalanceEntry.objects.filter(member=member).order_by("-created_at", "-pk")
    return Paginator(entries, HISTORY_PAGE_SIZE).get_page(page_number)
