"""A meeting's tasks in brief: their assignments, lead units first, and counts per status.

The meeting page shows them per task, and the task page (``tasks.views``) for its own; they
live here rather than in ``meetings.views`` so that the task pages do not import the meetings'
routes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from peewee import Case

from tracker.core import timeliness
from tracker.models import STATUSES, Assignment, Unit


def assignments_by_task(task_ids: list[int]) -> dict[int, list[Assignment]]:
    """The assignments of ``task_ids`` with their units, lead units first (one query)."""
    grouped: dict[int, list[Assignment]] = defaultdict(list)
    if not task_ids:
        return grouped
    lead_first = Case(None, [(Assignment.role == "lead", 0)], 1)
    query = (
        Assignment.select(Assignment, Unit)
        .join(Unit)
        .where(Assignment.task.in_(task_ids))
        .order_by(lead_first, Unit.kind, Unit.sort_order, Unit.name)
    )
    for assignment in query:
        grouped[assignment.task_id].append(assignment)
    return grouped


@dataclass
class UnitSummary:
    """A task's assignments in brief: how many, the lead units, counts per status and timeliness
    of those the user may open (``shown``, the ids ``policy.visible_assignment_ids`` gave)."""

    total: int
    leads: list[Assignment]
    statuses: list[tuple[str, int]]
    categories: list[tuple[str, int]]
    shown: set[int]


def unit_summary(assignments: list[Assignment], shown: set[int]) -> UnitSummary:
    """Sum up ``assignments`` (of one task) in the order pages show statuses and categories.

    Every unit is counted and the lead units are named; statuses and timeliness are counted
    over the assignments in ``shown`` only: another unit's progress is not told in sum either.
    """
    opened = [a for a in assignments if a.id in shown]
    statuses = Counter(a.status for a in opened)
    categories = Counter(a.category() for a in opened)
    return UnitSummary(
        total=len(assignments),
        leads=[a for a in assignments if a.role == "lead"],
        statuses=[(s, statuses[s]) for s in STATUSES if statuses[s]],
        categories=[(c, categories[c]) for c in timeliness.ORDER if categories[c]],
        shown=shown,
    )
