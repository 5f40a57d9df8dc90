"""Ongoing tasks' reporting cadence: which periods went without a report, and whether one is due.

A task "thường xuyên" has no deadline; its units report weekly (ISO weeks, Monday to Sunday),
monthly or quarterly, each period in the configured zone. For an open ongoing assignment a
period that ended without a progress report dated within it is late (counted from the first
period that starts on or after the day the assignment was made), and the current period is
"report due" until a report is made in it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from tracker.core.clock import get_clock
from tracker.models import REPORT_CADENCES, Assignment, ProgressReport

# The statuses in which the unit is expected to keep reporting (paused or submitted work, and
# finished work, wait on a leader instead).
REPORTING = ("new", "in_progress", "returned")


def period_bounds(cadence: str, day: date) -> tuple[date, date]:
    """The first and last day of the period of ``cadence`` that ``day`` falls in."""
    if cadence == "weekly":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    months = {"monthly": 1, "quarterly": 3}.get(cadence)
    if months is None:
        raise ValueError(f"unknown cadence {cadence!r}")
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    after = first_month + months
    next_start = date(day.year + (after - 1) // 12, (after - 1) % 12 + 1, 1)
    return start, next_start - timedelta(days=1)


def cadence_of(assignment: Assignment) -> str | None:
    """The cadence ``assignment`` is held to, or None (not ongoing, not open, no cadence)."""
    if assignment.deadline_kind != "ongoing" or assignment.status not in REPORTING:
        return None
    cadence = assignment.task.report_cadence
    return cadence if cadence in REPORT_CADENCES else None


def _report_days(reports: Iterable[ProgressReport | datetime]) -> list[date]:
    """The local dates of ``reports`` (report rows or their instants)."""
    clock = get_clock()
    return sorted(clock.local_date(r if isinstance(r, datetime) else r.created_at) for r in reports)


def _any_within(days: list[date], start: date, end: date) -> bool:
    return any(start <= d <= end for d in days)


def report_due(assignment: Assignment, reports: Iterable, today: date) -> bool:
    """Whether the current period of an open ongoing assignment has no report yet."""
    cadence = cadence_of(assignment)
    if cadence is None:
        return False
    start, _ = period_bounds(cadence, today)
    return not _any_within(_report_days(reports), start, today)


def missed_periods(assignment: Assignment, reports: Iterable, today: date) -> int:
    """How many ended periods of an open ongoing assignment went without a report."""
    cadence = cadence_of(assignment)
    if cadence is None:
        return 0
    days = _report_days(reports)
    made = get_clock().local_date(assignment.created_at)
    start, end = period_bounds(cadence, made)
    if start < made:
        # The period it was made in is not counted: it may have been given on its last day.
        start, end = period_bounds(cadence, end + timedelta(days=1))
    missed = 0
    while end < today:
        if not _any_within(days, start, end):
            missed += 1
        start, end = period_bounds(cadence, end + timedelta(days=1))
    return missed


@dataclass(frozen=True)
class ReportStatus:
    """What a list row or the assignment page shows of an ongoing assignment's reporting."""

    cadence: str
    due: bool
    missed: int

    @property
    def cadence_label(self) -> str:
        return REPORT_CADENCES[self.cadence]


def _start_instant(day: date) -> datetime:
    """The first instant of ``day`` in the configured zone."""
    return datetime.combine(day, time(0), tzinfo=get_clock().tz)


def _reports_by_assignment(tracked: list[Assignment], since: date) -> dict[int, list[datetime]]:
    """The report instants of ``tracked`` from ``since`` on, in one query."""
    found: dict[int, list[datetime]] = defaultdict(list)
    query = ProgressReport.select(ProgressReport.assignment, ProgressReport.created_at).where(
        ProgressReport.assignment.in_([a.id for a in tracked]),
        ProgressReport.created_at >= _start_instant(since),
    )
    for assignment_id, created_at in query.tuples():
        found[assignment_id].append(created_at)
    return found


def statuses(
    assignments: Iterable[Assignment], today: date | None = None
) -> dict[int, ReportStatus]:
    """The reporting status of each open ongoing assignment among ``assignments``.

    One query for the reports of all of them (none when none is ongoing); the assignments'
    tasks must be loaded already (a joined listing).
    """
    today = today or get_clock().today()
    tracked = [a for a in assignments if cadence_of(a) is not None]
    if not tracked:
        return {}
    clock = get_clock()
    since = min(clock.local_date(a.created_at) for a in tracked)
    reports = _reports_by_assignment(tracked, since)
    return {
        a.id: ReportStatus(
            cadence=cadence_of(a),
            due=report_due(a, reports.get(a.id, []), today),
            missed=missed_periods(a, reports.get(a.id, []), today),
        )
        for a in tracked
    }


def due_now(assignments: Iterable[Assignment], today: date) -> set[int]:
    """The ids of the open ongoing assignments whose current period has no report yet.

    Reads only the reports of the current periods (one query; none when none is ongoing).
    """
    tracked = [a for a in assignments if cadence_of(a) is not None]
    if not tracked:
        return set()
    since = min(period_bounds(cadence_of(a), today)[0] for a in tracked)
    reports = _reports_by_assignment(tracked, since)
    return {a.id for a in tracked if report_due(a, reports.get(a.id, []), today)}


def report_status(
    assignment: Assignment, known: dict[int, ReportStatus] | None = None
) -> ReportStatus | None:
    """One assignment's reporting status: from ``known`` (a list's batch) or one query."""
    if known is not None:
        return known.get(assignment.id)
    return statuses([assignment]).get(assignment.id)
