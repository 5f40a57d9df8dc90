"""Queries over assignments that several pages share: the joined listing and category counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from peewee import JOIN, Case, fn

from tracker.core import timeliness
from tracker.models import Assignment, Meeting, Task, Unit


def listing(*columns: Any):
    """Assignments with their task, meeting (if any) and unit joined, for rows that show them.

    ``columns`` narrows what is selected (by default all four models).
    """
    return (
        Assignment.select(*(columns or (Assignment, Task, Meeting, Unit)))
        .join(Task)
        .join(Meeting, JOIN.LEFT_OUTER)
        .switch(Assignment)
        .join(Unit)
    )


def count_where(condition):
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END): a count per group that needs no subquery."""
    return fn.SUM(Case(None, [(condition, 1)], 0))


def category_sums(today: date, window: int) -> list:
    """One counting column per timeliness category, each named by the category's code."""
    return [
        count_where(timeliness.condition(Assignment, cat, today, window)).alias(cat)
        for cat in timeliness.ORDER
    ]


def category_counts(row: dict[str, Any]) -> dict[str, int]:
    """The counts of a row selected with ``category_sums`` (a SUM over no rows is NULL: 0)."""
    return {cat: int(row[cat] or 0) for cat in timeliness.ORDER}
