"""One page of a unit's work in its default order, read from an index instead of a sort.

The default order of a unit's list ("action": ``assignments.queries.action_rank``, then the
deadline with empty ones last, then the id) used to be one ``ORDER BY CASE …`` over every
assignment of the unit: each page view read and sorted all of them (1,200 rows a unit at
100,000 tasks, 12,000 at a million), so the page grew slower as the database grew.

Here the order is cut into branches that an index gives already sorted: one per action group,
status and whether the deadline is empty. Each branch reads, in the order of the index
``(unit_id, status, deadline, id, stats_deadline, deadline_kind)``, only the first rows it
could contribute to the page (``offset + per_page``), and the page is the merge of those few.
The groups' conditions are the ones ``action_rank`` puts in its ``CASE``, so both orders are
the same (``tests/test_ranked_work.py`` compares them page by page).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import reduce

from peewee import SQL, Select

from tracker.core import prepared, timeliness
from tracker.core.prepared import slot
from tracker.models import STATUSES, Assignment

# The unit's own moves: what action_rank calls ``unit_moves``.
MOVES = ("new", "in_progress", "returned")


def _groups(today: date, window: int) -> list[tuple[int, tuple[str, ...], object]]:
    """``(rank, statuses, condition)`` per action group, as ``action_rank`` ranks them.

    A ``CASE`` takes the first ``WHEN`` that is true; a condition that is NULL (an empty
    statistics deadline) is not true. The later groups therefore exclude the earlier ones as
    "not (dated and due by the end of the due-soon window)", written so that NULL counts as
    not due.
    """
    overdue = timeliness.condition(Assignment, "overdue", today, window)
    due_soon = timeliness.condition(Assignment, "due_soon", today, window)
    soon = today + timedelta(days=window)
    not_early = (
        (Assignment.deadline_kind == "ongoing")
        | Assignment.stats_deadline.is_null()
        | (Assignment.stats_deadline > soon)
    )
    others = tuple(s for s in STATUSES if s not in (*MOVES, "submitted", "paused"))
    return [
        (0, MOVES, overdue),
        (1, MOVES, due_soon),
        (2, ("returned",), not_early),
        (3, ("new", "in_progress"), not_early),
        (4, ("submitted",), None),
        (5, ("paused",), None),
        (6, others, None),
    ]


def _branches(today: date, window: int) -> list:
    """Every branch, its first ``slot(1)`` rows in the index's order."""
    parts = []
    for rank, statuses, condition in _groups(today, window):
        for status in statuses:
            for empty in (False, True):
                # Constants written into the SQL (not parameters): a server-side prepared
                # statement could not tell their type.
                query = Assignment.select(
                    SQL(str(rank)).alias("rk"),
                    SQL(str(int(empty))).alias("dn"),
                    Assignment.deadline,
                    Assignment.id,
                ).where(
                    Assignment.unit == slot(0),
                    Assignment.status == status,
                    Assignment.deadline.is_null(empty),
                )
                if condition is not None:
                    query = query.where(condition)
                # The index's own order (its empty deadlines are equal: then by id), so that
                # PostgreSQL reads the branch from it rather than along the primary key.
                query = query.order_by(Assignment.deadline, Assignment.id).limit(slot(1))
                # Wrapped: a member of a UNION may not carry its own ORDER BY and LIMIT.
                parts.append(Select([query.alias(f"b{len(parts)}")], [SQL("*")]))
    return parts


def _query(today: date, window: int):
    union = reduce(lambda a, b: a + b, _branches(today, window)).alias("ranked")
    return (
        Select([union], [SQL('"ranked"."id"')])
        .order_by(
            SQL('"ranked"."rk"'),
            SQL('"ranked"."dn"'),
            SQL('"ranked"."deadline"'),
            SQL('"ranked"."id"'),
        )
        .limit(slot(2))
        .offset(slot(3))
    )


def page_ids(unit_id: int, per_page: int, offset: int) -> list[int]:
    """The ids of one page of the unit's list in the default order, the page's first at
    ``offset``."""
    today, window = timeliness.context()
    rows = prepared.select(
        ("unit-work-ranked", today, window),
        lambda: _query(today, window).tuples(),
        [unit_id, offset + per_page, per_page, offset],
    )
    return [row[0] for row in rows]
