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

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import Q
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

    def prepare_field(self, obj, field):
        """Each field's values once per document: Wagtail asks for them once per index column (five),
        and a field that is a method (an article's tags, its categories) runs queries each time."""
        if obj is not self.obj:
            yield from super().prepare_field(obj, field)
            return
        prepared = self.__dict__.setdefault("_prepared", {})
        if id(field) not in prepared:
            prepared[id(field)] = list(super().prepare_field(obj, field))
        yield from prepared[id(field)]


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

    def search(self, config, start, stop, score_field=None, backend=None):
        """As Wagtail's, except how documents are found: Wagtail joins each document's title and
        body into one vector and matches that, which no index serves (every document of the schema
        is read on every search). A search for any of its words matches the same documents when
        the title or the body matches, each through its own GIN index."""
        if self.fields is not None or not isinstance(self.query, PlainText) or self.query.operator != "or":
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        search_query = self.build_tsquery(self.query, config=config)
        rank_expression = self._build_rank_expression(self.get_search_vectors(search_query), config)
        found = self.queryset.filter(
            Q(index_entries__title=search_query) | Q(index_entries__body=search_query)
        )
        return self._apply_ordering_and_scoring(found, rank_expression, start, stop, score_field)


class AutocompleteQueryCompiler(SegmentedQuery, wagtail_postgres.PostgresAutocompleteQueryCompiler):
    pass


class SearchBackend(wagtail_postgres.PostgresSearchBackend):
    query_compiler_class = SearchQueryCompiler
    autocomplete_query_compiler_class = AutocompleteQueryCompiler


def _lexeme(word: str) -> str:
    """A word as a quoted tsquery lexeme: nothing in it is query syntax."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def best_matches(
    queryset, words: list[str], *, start: int, stop: int, content_types=None
) -> tuple[list, int]:
    """The primary keys of the `start`:`stop` best matches of any of `words` in `queryset`, best
    first, and how many match in all, in one statement. `content_types`: the ids of the indexed
    models to look in (default: the queryset's model and every model below it).

    Ranked like Wagtail's search (title rank × title norm + body rank, with Wagtail's weights), but
    read straight from the index table: the matches come through its title and body GIN indexes with
    their rank and key only (a materialised CTE), then the queryset (what this visitor may see) keeps
    its own, and the count is a window over them. Through the ORM the index joins the page tables on
    a key cast to text, sorts whole rows and counts in a second statement; PostgreSQL may even plan
    that join as a nested loop over every page for every match (seconds with 10,000 articles)."""
    from modelsearch.backends.database.postgres.weights import get_sql_weights
    from modelsearch.utils import get_descendants_content_types_pks
    from wagtail.search.backends import get_search_backend

    if not words:
        return [], 0
    try:
        visible_sql, visible_params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a queryset that can hold nothing (.none(), an empty `in`)
        return [], 0
    pk = queryset.model._meta.pk
    numeric = isinstance(pk.target_field if pk.is_relation else pk, models.IntegerField)
    key = "entry.object_id::bigint" if numeric else "entry.object_id"
    weights = get_sql_weights()
    if content_types is None:
        content_types = get_descendants_content_types_pks(queryset.model)
    sql = f"""
        WITH search AS (SELECT to_tsquery(%s::regconfig, %s) AS query),
        matches AS MATERIALIZED (
            SELECT {key} AS key,
                   ts_rank(%s::real[], entry.title, search.query) * entry.title_norm
                   + ts_rank(%s::real[], entry.body, search.query) AS rank
            FROM {wagtail_postgres.IndexEntry._meta.db_table} AS entry, search
            WHERE entry.content_type_id = ANY(%s)
              AND (entry.title @@ search.query OR entry.body @@ search.query))
        SELECT key, count(*) OVER () FROM matches
        WHERE key IN (SELECT visible.key{"" if numeric else "::text"} FROM ({visible_sql}) AS visible (key))
        ORDER BY rank DESC, key DESC
        LIMIT %s OFFSET %s"""
    params = [get_search_backend().config or "simple", " | ".join(_lexeme(word) for word in words)]
    params += [weights, weights, list(content_types), *visible_params]
    params += [max(stop - start, 0), start]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if rows:
        return [key for key, _found in rows], rows[0][1]
    if not start:
        return [], 0
    # Past the last result: how many there are.
    return [], best_matches(queryset, words, start=0, stop=1)[1]
