"""A unit's report per handler (chuyên viên xử lý), for the one who leads the work inside it.

The unit's assignments in the report's period are the leader's report's (``queries.in_period``:
the same period rule, so the unit's row here equals the unit's row there). For each handler,
the assignments they handle are counted in the official categories twice:

- against the handler's internal deadline (hạn xử lý nội bộ), as of the report's day: the
  unit's report of completion (submitted or done) counts as handled that day, as on the
  handler's list "Việc của tôi" (``assignments.handlers.handled_on``); handled on or before
  the internal deadline: đúng hạn, after it: quá hạn; not handled by the as-of day: quá hạn
  when the internal deadline is before that day, else trong hạn;
- against the unit's deadline, beside it: the leader's report's category of each assignment.

An assignment given to two handlers counts in each one's row. "Chưa phân công" counts the
assignments of the unit that no handler holds; "Toàn đơn vị" counts each assignment once.
A unit's assignments are a few hundred at most: the rows are read once and counted here.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from tracker.assignments.handlers import handled_on
from tracker.models import Assignment, AssignmentHandler, Unit, User
from tracker.policy import visible_assignments
from tracker.reports import queries
from tracker.reports.params import ReportParams

CATEGORIES = queries.CATEGORIES


def internal_category(assignment: Assignment, internal_deadline: date, as_of: date) -> str:
    """The category of a handler's work against their internal deadline, judged on ``as_of``."""
    handled = handled_on(assignment)
    if handled is not None and handled <= as_of:
        return "done_late" if handled > internal_deadline else "done_on_time"
    return "overdue" if internal_deadline < as_of else "pending"


def _unit_category(assignment: Assignment) -> str:
    """The leader's report's category of ``assignment`` (the SQL's, read with it)."""
    return assignment.report_category or "pending"


def _row(internal: Counter | None, against_unit: Counter, **fields: Any) -> dict[str, Any]:
    """A row of the table: how many, and the categories against the internal deadline (none
    for the work no handler holds) and against the unit's."""
    return {
        **fields,
        "assigned": against_unit["assigned"],
        "internal": {key: internal[key] for key in CATEGORIES} if internal is not None else None,
        "unit": {key: against_unit[key] for key in CATEGORIES},
    }


def handler_report(unit: Unit, params: ReportParams, today: date, user: User) -> dict[str, Any]:
    """Per handler of ``unit``: the official categories against the internal deadline and
    against the unit's; then the work no handler holds, then the whole unit."""
    as_of = params.as_of(today)
    query = Assignment.select(Assignment, queries.category(as_of).alias("report_category"))
    query = visible_assignments(user, queries.in_period(query, params, unit_joined=False))
    assignments = {a.id: a for a in query.where(Assignment.unit == unit.id)}
    handled = (
        AssignmentHandler.select(AssignmentHandler, User)
        .join(User, on=(AssignmentHandler.user == User.id))
        .where(AssignmentHandler.assignment.in_(list(assignments) or [0]))
        .order_by(User.full_name, User.username)
    )
    internal: dict[int, Counter] = {}
    against_unit: dict[int, Counter] = {}
    people: dict[int, User] = {}
    held: set[int] = set()
    for row in handled:
        a = assignments[row.assignment_id]
        people[row.user_id] = row.user
        category = internal_category(a, row.internal_deadline, as_of)
        internal.setdefault(row.user_id, Counter())[category] += 1
        against_unit.setdefault(row.user_id, Counter()).update(
            {_unit_category(a): 1, "assigned": 1}
        )
        held.add(a.id)
    rows = [
        _row(internal[uid], against_unit[uid], user_id=uid, name=people[uid].full_name)
        for uid in people
    ]
    unassigned: Counter = Counter()
    whole: Counter = Counter()
    for a in assignments.values():
        whole.update({_unit_category(a): 1, "assigned": 1})
        if a.id not in held:
            unassigned.update({_unit_category(a): 1, "assigned": 1})
    return {
        "period_label": params.period_label(),
        "start": params.start,
        "end": params.end,
        "as_of": as_of,
        "rows": rows,
        "unassigned": _row(None, unassigned),
        "whole": _row(None, whole),
    }
