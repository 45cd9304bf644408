"""The portal's one search box: every searchable type the installed domains register
(core.registry.search_types), searched with Wagtail search in the tenant's schema (core.search),
results grouped by type with a highlighted snippet (knowledge.services logs them for the
analytics)."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Locale

from core import registry
from core.search import best_matches, query_words

MAX_QUERY_LENGTH = 200
SNIPPET_LENGTH = 160
SUMMARY_HITS = 5  # per type, when the results show every type


@dataclass(frozen=True)
class Result:
    type: str
    title: str
    url: str
    snippet: SafeString
    meta: str = ""


@dataclass
class ResultGroup:
    key: str
    label: str
    total: int
    results: list[Result]
    filter_choices: Callable[[], list] | None = None

    @cached_property
    def filters(self) -> list:
        """What this type can be narrowed by (read only when shown: one query)."""
        return self.filter_choices() if self.filter_choices else []


@dataclass
class SearchResults:
    query: str
    groups: list[ResultGroup]
    log_token: str = ""

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


def clean_query(text) -> str:
    """The query as searched and logged: spaces collapsed, at most MAX_QUERY_LENGTH characters."""
    return " ".join(str(text or "").split())[:MAX_QUERY_LENGTH].strip()


def locale_id_for(language: str) -> int | None:
    return Locale.objects.filter(language_code=language).values_list("id", flat=True).first()


def search(
    query: str,
    *,
    user,
    locale_id,
    types=None,
    narrow: str = "",
    first: int = SUMMARY_HITS,
    after: int = 0,
) -> SearchResults:
    """Results for `query` of the registered `types` (all of them when None), each group the
    `first` results after the `after` first, with the group's total; two queries per type (the
    ranked keys with the total, then those items; a page type's specific rows add one). A query
    with no words to search for (empty, only punctuation) finds nothing and runs no query."""
    query = clean_query(query)
    words = query_words(query)
    groups = []
    if not words:
        return SearchResults(query, groups)
    for search_type in registry.search_types().values():
        if types is not None and search_type.key not in types:
            continue
        searchable = search_type.searchable(user, locale_id)
        if narrow and search_type.narrow is not None:
            searchable = search_type.narrow(searchable, narrow)
        content_types = search_type.content_types() if search_type.content_types else None
        keys, total = best_matches(
            searchable, words, start=after, stop=after + first, content_types=content_types
        )
        # Keys compared as text: integers come back as integers, other keys as the index's text.
        items = {str(item.pk): item for item in searchable.filter(pk__in=keys)} if keys else {}
        hits = [search_type.hit(items[str(key)]) for key in keys if str(key) in items]
        groups.append(
            ResultGroup(
                search_type.key,
                str(search_type.label),
                total,
                [
                    Result(search_type.key, hit.title, hit.url, highlight(hit.text, words), hit.meta)
                    for hit in hits
                ],
                partial(search_type.filters, locale_id) if search_type.filters else None,
            )
        )
    return SearchResults(query, groups)


def highlight(text: str, words: list[str]) -> SafeString:
    """A stretch of `text` around the first word found, escaped, with the words marked."""
    text = " ".join((text or "").split())
    # An English stem takes the rest of its word with it (poin → points); Chinese words stand alone.
    patterns = [
        re.escape(stem) + (r"\w*" if stem.isascii() else "")
        for stem in {_stem(word) for word in words}
        if stem
    ]
    if not text or not patterns:
        return escape(text[:SNIPPET_LENGTH])
    finder = re.compile("|".join(sorted(patterns, key=len, reverse=True)), re.IGNORECASE)
    first = finder.search(text)
    start = max(0, (first.start() if first else 0) - SNIPPET_LENGTH // 3)
    stretch = text[start : start + SNIPPET_LENGTH]
    marked, position = [], 0
    for match in finder.finditer(stretch):
        marked.append(escape(stretch[position : match.start()]))
        marked.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    marked.append(escape(stretch[position:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_LENGTH < len(text) else ""
    return mark_safe(prefix + "".join(marked) + suffix)  # noqa: S308 - every piece escaped above


def _stem(word: str) -> str:
    """Enough of an English word to find its other forms (points → point); Chinese words as they are."""
    if word.isascii() and len(word) > 4:
        return word[: max(4, len(word) - 2)]
    return word
