"""Wagtail search on PostgreSQL in the tenant's schema, Chinese text included.

`WAGTAILSEARCH_BACKENDS` names this module. It is Wagtail's own PostgreSQL backend (the index is
the `wagtailsearch_indexentry` table of the current schema, so one tenant's search never sees
another's content), with one difference: PostgreSQL splits text into words at spaces and
punctuation, and Chinese is written without spaces, so "积分使用规则" would be one word that no
query matches. Runs of Chinese characters are cut into words with jieba, in its search mode
(积分使用规则 → 积分 使用 规则), when a document is indexed and when a query is read, so the same
words meet; "积分怎么用" then finds the article. No PostgreSQL extension is needed.

Queries drop Chinese question words (怎么, 如何 ...), keep at most `MAX_QUERY_TERMS` words, and
match any of them (ranked by how well each document matches, the title weighing most).
"""

import logging
import re
from functools import cache

from modelsearch.backends.database.postgres import postgres as wagtail_postgres
from modelsearch.query import PlainText

CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
MAX_QUERY_TERMS = 16
# Words that say "this is a question" rather than what it is about.
QUESTION_WORDS = frozenset(
    "怎么 怎样 怎么样 如何 什么 为什么 为何 哪里 哪儿 哪个 哪些 多少 几 吗 呢 吧 啊 呀 的 地 得 了 是 "
    "我 我的 我们 你 您 他 她 它 在 能 能否 可以 可否 要 想 请问 请 有 没有 和 与 及 或 个 一下 一个 "
    "这 那 这个 那个 就 都 也 还".split()
)
# Characters that only separate words in a query (tsquery operators included: they are never
# syntax here, every word becomes a quoted lexeme).
SEPARATORS = re.compile(r"[\s\-!&|():*'\"\\<>,.;?/\[\]{}，。？！、；：“”‘’（）《》【】]+")


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()  # about half a second, once per process, at the first Chinese text
    return jieba


def segment(text: str) -> str:
    """`text` with each run of Chinese characters cut into words separated by spaces."""
    if not CHINESE.search(text):
        return text
    return CHINESE.sub(lambda run: " " + " ".join(_jieba().cut_for_search(run.group())) + " ", text)


def query_words(query: str) -> list[str]:
    """The words a search looks for: Chinese segmented, question words and duplicates dropped (all
    of them kept when nothing else is left), at most MAX_QUERY_TERMS."""
    words = [word for word in SEPARATORS.split(segment(query[:1000])) if word]
    kept = [word for word in words if word not in QUESTION_WORDS] or words
    return list(dict.fromkeys(word.lower() for word in kept))[:MAX_QUERY_TERMS]


class SegmentingIndexer(wagtail_postgres.ObjectIndexer):
    """Wagtail's indexer, with Chinese segmented in the text that becomes the tsvector (the plain
    title_text/body_text copies stay as written)."""

    def as_vector(self, texts, for_autocomplete=False):
        return super().as_vector([(segment(text), weight) for text, weight in texts], for_autocomplete)


# Wagtail's PostgresIndex.add_items builds `ObjectIndexer(obj, backend)` by its module-level name.
# knowledge/tests/test_search.py proves Chinese is indexed through this one (an upgrade that
# renames it fails there).
wagtail_postgres.ObjectIndexer = SegmentingIndexer


class SegmentedQuery:
    """A plain-text query becomes its segmented words (query_words)."""

    def build_tsquery_content(self, query, config=None, invert=False):
        if isinstance(query, PlainText):
            words = query_words(query.query_string)
            query = PlainText(" ".join(words), operator=query.operator, boost=query.boost)
        return super().build_tsquery_content(query, config=config, invert=invert)


class SearchQueryCompiler(SegmentedQuery, wagtail_postgres.PostgresSearchQueryCompiler):
    DEFAULT_OPERATOR = "or"


class AutocompleteQueryCompiler(SegmentedQuery, wagtail_postgres.PostgresAutocompleteQueryCompiler):
    pass


class SearchBackend(wagtail_postgres.PostgresSearchBackend):
    query_compiler_class = SearchQueryCompiler
    autocomplete_query_compiler_class = AutocompleteQueryCompiler
