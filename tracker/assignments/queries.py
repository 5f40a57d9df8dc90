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


# What a unit must do first (issue 14, item 11d): late work, work due soon, work returned to
# it, open work (which needs a report), then work waiting for the leader, paused, and closed.
ACTION_GROUPS = ("overdue", "due_soon", "returned", "open", "submitted", "paused", "closed")


def action_rank(today: date, window: int):
    """A sort key placing each assignment in its ``ACTION_GROUPS`` position (0 = act first).

    Overdue and due soon are judged as the category badges judge them (statistics deadline);
    work waiting for confirmation is the leader's move, so it comes after the unit's own.
    """
    unit_moves = Assignment.status.in_(("new", "in_progress", "returned"))
    groups = [
        (unit_moves & timeliness.condition(Assignment, "overdue", today, window), 0),
        (unit_moves & timeliness.condition(Assignment, "due_soon", today, window), 1),
        (Assignment.status == "returned", 2),
        (unit_moves, 3),
        (Assignment.status == "submitted", 4),
        (Assignment.status == "paused", 5),
    ]
    return Case(None, groups, len(ACTION_GROUPS) - 1)
