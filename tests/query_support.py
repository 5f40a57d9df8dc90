"""Counting the SQL statements a piece of work sends (the checks against N+1 queries)."""

from __future__ import annotations

from collections.abc import Callable
from unittest import mock

from tracker.core import db


def count_queries(call: Callable[[], object]) -> int:
    """How many statements ``call`` sends to the database.

    At least one, or the spy is not watching the database in use and every comparison of
    counts would pass without meaning anything.
    """
    database = db.database.obj
    with mock.patch.object(database, "execute_sql", wraps=database.execute_sql) as spy:
        call()
    assert spy.call_count > 0, "the query spy saw no statement"
    return spy.call_count


def statements_of(call: Callable[[], object]) -> list[str]:
    """The SQL of every statement ``call`` sends to the database, in order."""
    database = db.database.obj
    with mock.patch.object(database, "execute_sql", wraps=database.execute_sql) as spy:
        call()
    return [c.args[0] if c.args else c.kwargs["sql"] for c in spy.call_args_list]


def count_page_queries(client, url: str) -> int:
    """The statements of one successful GET of ``url``."""
    statuses: list[int] = []
    count = count_queries(lambda: statuses.append(client.get(url).status_code))
    assert statuses == [200]
    return count
