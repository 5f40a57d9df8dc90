"""Hot fixed-shape queries: their SQL written once, then run with new values.

peewee writes a query's SQL from its expression tree every time the query runs; for a unit's
work list (a CASE over the timeliness conditions to sort by) that costs more than the
database's own work. A prepared query is built once per ``key`` with stand-in integers
(``slot(0)``, ``slot(1)``…) where its values go; its SQL and parameters are kept, and each run
puts the values in the stand-ins' places. The key must name everything else the query depends
on (filters, sort, today); the SQL dialect is added to it here. A stand-in compared with a
text column must be written ``Value(slot(n), converter=False)``: the column would turn it into
text, and it would no longer be found.

On PostgreSQL the statement is also prepared on the server, once per connection
(``tracker.core.db.PooledPostgres.execute_prepared``): parsed and planned once, then executed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from peewee import SQL, Select, fn

from tracker.core.db import database

# Stand-ins: no id, count, limit or offset is anywhere near this.
_BASE = -(2**62)
# Distinct keys kept per process (the day is in the keys): when full, the store starts again.
MAX_KEYS = 512

_SQL: dict[Hashable, tuple[Any, str, list, list[tuple[int, int]], str]] = {}


def slot(n: int) -> int:
    """The stand-in for the ``n``-th value of a prepared query."""
    return _BASE + n


def slots(start: int, n: int) -> list[int]:
    """Stand-ins for ``n`` values from the ``start``-th on (an IN list of ``n`` values: the
    query's key must then name ``n``)."""
    return [slot(start + i) for i in range(n)]


def _compile(query: Any, values: int) -> tuple[str, list, list[tuple[int, int]], str]:
    sql, params = database.get_sql_context().sql(query).query()
    places = [
        (i, p - _BASE)
        for i, p in enumerate(params)
        if type(p) is int and _BASE <= p < _BASE + values
    ]
    if sorted({n for _i, n in places}) != list(range(values)):
        raise ValueError("every value of a prepared query needs its stand-in in the query")
    # The name of its server-side statement (PostgreSQL): the same SQL, the same name.
    name = "tp_" + hashlib.sha1(sql.encode()).hexdigest()[:24]
    return sql, list(params), places, name


def _entry(key: Hashable, build: Callable[[], Any], values: int):
    full_key = (type(database.obj).__name__, key)
    entry = _SQL.get(full_key)
    if entry is None:
        query = build()
        entry = (query, *_compile(query, values))
        if len(_SQL) >= MAX_KEYS:
            _SQL.clear()
        _SQL[full_key] = entry
    return entry


def _cursor(entry, values: Sequence[Any]):
    _query, sql, params, places, name = entry
    params = list(params)
    for i, n in places:
        params[i] = values[n]
    # On PostgreSQL, parsed and planned once per connection (``PooledPostgres``); else, or
    # where that is not possible, sent as any statement.
    run = getattr(database.obj, "execute_prepared", None)
    if run is not None:
        cursor = run(name, sql, params)
        if cursor is not None:
            return cursor
    return database.execute_sql(sql, params)


def select(key: Hashable, build: Callable[[], Any], values: Sequence[Any]):
    """The rows of the query ``build()`` makes (stand-ins ``slot(n)`` for ``values[n]``), as
    peewee would give them: models with their joined models, or tuples for ``.tuples()``."""
    entry = _entry(key, build, len(values))
    return entry[0]._get_cursor_wrapper(_cursor(entry, values))


def rows(key: Hashable, build: Callable[[], Any], values: Sequence[Any]) -> list[tuple]:
    """The rows of ``build()`` as the driver gives them (tuples, no conversion): for columns
    whose values need none (ids, counts, versions), many rows at a time."""
    return list(_cursor(_entry(key, build, len(values)), values).fetchall())


def first(key: Hashable, build: Callable[[], Any], values: Sequence[Any]) -> Any:
    """The first row of ``build()`` (a model, or a tuple for ``.tuples()``), or None.

    ``build`` should order or limit the rows itself where more than one could match (a
    lookup by primary key needs neither).
    """
    for row in select(key, build, values):
        return row
    return None


def count(key: Hashable, build: Callable[[], Any], values: Sequence[Any]) -> int:
    """``build().count()``, its SQL written once (peewee's own COUNT over the query)."""

    def counting():
        inner = build().order_by().select(SQL("1")).alias("_wrapped")
        return Select([inner], [fn.COUNT(SQL("1"))])

    entry = _entry(("count", key), counting, len(values))
    row = _cursor(entry, values).fetchone()
    return int(row[0]) if row else 0
