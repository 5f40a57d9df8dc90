"""The folded ``search_text`` column of searchable models, its index, and the match condition.

``matching`` / ``condition`` are the one search of the application: /search and every list's
``q`` (docs/search-calendar.md, "The search box of every list").

Meeting, Task and ProgressReport keep ``search_text`` (tracker.core.textfold's ``fold`` of
their texts) up to date in ``save()``; raw inserts (tracker.ops.bench_seed) call
``search_text_from``.

- PostgreSQL: a GIN index on ``to_tsvector('simple', search_text)``, queried with prefix terms
  (``cai:* & cach:*``): full text, every word of the query must start a word of the row.
- SQLite: an FTS5 table per model (``task_fts``…, external content: the folded column) kept
  by triggers, queried with prefix terms (``"cai"* AND "cach"*``). Migration 0013 creates
  them. playhouse's SQLite migrator drops a table's triggers when it rebuilds the table, so
  a migration that rebuilds one of these tables creates its triggers again and rebuilds its
  index from the column, so the index never stays stale.

The index is declared on the model (``SearchIndex``), so ``create_tables`` and the migration
build the same one; on SQLite it compiles to an empty partial index, so both databases keep
one declaration and ``tests/test_migrations.py`` compares equal schemas.
"""

from __future__ import annotations

from contextlib import contextmanager

from peewee import OP, SQL, Expression, ModelIndex, PostgresqlDatabase, Value, fn

from tracker.core.db import database
from tracker.core.textfold import fold_all, terms


class Searchable:
    """Mixin for a model with a ``search_text`` field built from ``SEARCH_FIELDS``."""

    SEARCH_FIELDS: tuple[str, ...] = ()
    # Whether the column has a full-text index (SQLite: a ``<table>_fts`` table, migration 0013).
    FULL_TEXT = True

    @classmethod
    def search_text_from(cls, values: dict) -> str:
        """The folded search text of a row given as field name → value."""
        return fold_all(str(values.get(name) or "") for name in cls.SEARCH_FIELDS)

    def save(self, *args, **kwargs):
        self.search_text = self.search_text_from(self.__data__)
        only = kwargs.get("only")
        if only:
            kwargs["only"] = [*only, type(self).search_text]
        return super().save(*args, **kwargs)


def _is_postgres_context(ctx) -> bool:
    # SQLite names an index's schema before its name; PostgreSQL does not.
    return not ctx.state.index_schema_prefix


class SearchIndex(ModelIndex):
    """GIN text-search index on PostgreSQL; an empty partial index on SQLite."""

    def __sql__(self, ctx):
        if _is_postgres_context(ctx):
            node = ModelIndex(
                self._model,
                [SQL("to_tsvector('simple', search_text)")],
                name=self._name,
                safe=self._safe,
                using="GIN",
            )
        else:
            node = ModelIndex(
                self._model, [SQL('"id"')], name=self._name, safe=self._safe, where=SQL("0")
            )
        return node.__sql__(ctx)


def search_index(model) -> SearchIndex:
    """The search index of ``model`` (a model class or a migration's stand-in)."""
    # An expression, not the field: schema_diff then pairs the index by its name.
    return SearchIndex(model, [SQL("search_text")], name=f"{model._meta.table_name}_search")


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


FTS_MIN_PREFIX = 3


def matches(model, words: list[str]):
    """Rows of ``model`` where every word of ``words`` starts a word of the folded text."""
    field = model.search_text
    if is_postgres():
        query = " & ".join(f"{word}:*" for word in words)
        return Expression(
            fn.to_tsvector(SQL("'simple'"), field), "@@", fn.to_tsquery(SQL("'simple'"), query)
        )
    if min(len(word) for word in words) < FTS_MIN_PREFIX:
        # A one- or two-letter prefix matches most rows: FTS5 walks nearly every posting list
        # (an officer's "d" took 90 s at 100,000 tasks); a scan of the folded column is bounded.
        return _scan(field, words)
    # Folded words are letters and digits only: quoting each is enough to keep FTS5 syntax out.
    table = f"{model._meta.table_name}_fts"
    query = " AND ".join(f'"{word}"*' for word in words)
    return model.id.in_(SQL(f'(SELECT rowid FROM "{table}" WHERE "{table}" MATCH ?)', [query]))


def _scan(field, words: list[str]):
    """Every word of ``words`` starts a word of the folded column ``field``: a scan.

    Folded words are letters and digits only, so they hold no LIKE wildcard; they are
    parameters, never SQL.
    """
    spaced = Value(" ").concat(field)
    condition = None
    for word in words:
        term = Expression(spaced, OP.ILIKE, f"% {word}%")  # LIKE on SQLite
        condition = term if condition is None else condition & term
    return condition


def _folded_ids(model, words: list[str]) -> list[int]:
    """Ids of the rows of a small table whose ``SEARCH_FIELDS``, folded here, hold ``words``."""
    fields = [getattr(model, name) for name in model.SEARCH_FIELDS]
    wanted = [f" {word}" for word in words]
    found = []
    for row_id, *texts in model.select(model.id, *fields).tuples():
        spaced = " " + fold_all(str(text) for text in texts if text)
        if all(word in spaced for word in wanted):
            found.append(row_id)
    return found


def _matching_ids(model, words: list[str]):
    """The ids of the matching rows, as a subquery PostgreSQL plans on its own (OFFSET 0).

    Inside a list's query (sorted by a date or a deadline, cut to a page, joined) the planner,
    which thinks ``to_tsvector`` cheap, walks the sort column and folds row after row: 1.6 s
    over 12,000 submitted assignments for a word found nowhere. Fenced, the matches come from
    the text-search index first (18 ms). Not for words shorter than ``FTS_MIN_PREFIX``: those
    match most rows, and walking in order until a page is full is then the fast plan.
    """
    return model.select(model.id).where(matches(model, words)).offset(0)


def condition(model, q: str | None):
    """The condition "``model``'s row matches the search ``q``", or None when ``q`` has no word.

    The one search of the application, for /search and every list's ``q``: without accents or
    case, every word of ``q`` must start a word of the row's texts ("cai cach" finds "Cải
    cách"); FTS or LIKE syntax in ``q`` is only text (it folds to spaces). How it is found
    depends on the model:

    - ``FULL_TEXT`` models (meetings, tasks, progress reports): their full-text index
      (``_matching_ids`` on PostgreSQL);
    - other ``Searchable`` models (mail): a scan of their folded ``search_text``;
    - small tables (units, users, groups: ``SEARCH_FIELDS`` without a column): their rows
      folded here, one query, so no column can be stale after a raw UPDATE.
    """
    words = terms(q)
    if not words:
        return None
    if getattr(model, "FULL_TEXT", False):
        if is_postgres() and min(len(word) for word in words) >= FTS_MIN_PREFIX:
            return model.id.in_(_matching_ids(model, words))
        return matches(model, words)
    if "search_text" in model._meta.fields:
        return _scan(model.search_text, words)
    return model.id.in_(_folded_ids(model, words))


def matching(query, model, q: str | None):
    """``query`` narrowed to the rows whose ``model`` matches ``q`` (see ``condition``)."""
    found = condition(model, q)
    return query if found is None else query.where(found)


def sort_term(field):
    """``field`` for ORDER BY, hidden from indexes on PostgreSQL.

    Sorted by an indexed column with a LIMIT, PostgreSQL's planner walks that index and
    computes ``to_tsvector`` row after row until enough match: seconds for a rare word over
    100,000 rows. Sorting by ``field + 0`` leaves it the text-search index, then a sort of
    the matches only. (SQLite scans either way.)
    """
    return field + 0 if is_postgres() else field


@contextmanager
def search_plans(searching: bool = True):
    """Queries that match ``search_text``: on PostgreSQL, inside a transaction that avoids
    sequential scans (when ``searching``: a list without a search needs nothing).

    The planner does not know how dear ``to_tsvector`` is over a long conclusion: on a few
    thousand meetings it prefers reading the table and folding every row (0.7 s at 5,000
    meetings) to the text-search index (milliseconds).
    """
    if not searching or not is_postgres():
        yield
        return
    with database.atomic():
        database.execute_sql("SET LOCAL enable_seqscan = off")
        yield
