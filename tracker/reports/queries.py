"""The report's numbers as SQL: which assignments belong to a period, and their categories.

An assignment belongs to the period [start, end] when it is not cancelled, was assigned on or
before ``end`` (Vietnam time), and its statistics deadline falls within the period or it was
not yet completed when the period began. It is judged on the day ``as_of`` (the period's end,
or today if the period is not over), with the rules of ``tracker.timeliness``: completion is the
submission day (``completed_on``), judged against ``Assignment.stats_deadline``:

- done on time: confirmed done, completed by ``as_of``, on or before the statistics deadline;
- done late: confirmed done, completed by ``as_of``, after the statistics deadline;
- not done, overdue: not done by ``as_of`` and the statistics deadline is before ``as_of``;
- not done, within the deadline: every other one (deadline not passed, ongoing work, no
  deadline set yet).

Counting happens in the database (one GROUP BY per table), never row by row in Python.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from peewee import JOIN, SQL, Case, PostgresqlDatabase, Value, fn

from tracker.assignments.queries import count_where
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.models import Assignment, Meeting, ProgressReport, Task, Unit, UnitGroupMember, User
from tracker.policy import visible_assignments
from tracker.reports.params import ReportParams

# Report categories, in the order of the national report's columns.
CATEGORIES = ("done_on_time", "done_late", "pending", "overdue")


def _is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def _day(value: date):
    """A date constant the database compares and subtracts as a date."""
    return Value(value).cast("date") if _is_postgres() else Value(value.isoformat())


def days_between(later, earlier):
    """Whole days from ``earlier`` to ``later`` (two date expressions)."""
    if _is_postgres():
        return later - earlier
    return fn.julianday(later) - fn.julianday(earlier)


def month_of(column):
    """'YYYY-MM' of a date column."""
    if _is_postgres():
        return fn.to_char(column, "YYYY-MM")
    return fn.strftime("%Y-%m", column)


def _parts(as_of: date) -> tuple:
    """(done, on time if done, late if done, within the deadline if open, overdue if open):
    the pieces of the four categories, as SQL conditions on Assignment judged on ``as_of``."""
    a = Assignment
    today = _day(as_of)
    done = (a.status == "done") & (a.completed_on.is_null() | (a.completed_on <= today))
    dated = a.deadline_kind != "ongoing"
    return (
        done,
        a.stats_deadline.is_null()
        | a.completed_on.is_null()
        | (a.completed_on <= a.stats_deadline),
        a.completed_on > a.stats_deadline,
        a.stats_deadline.is_null() | ~dated | (a.stats_deadline >= today),
        dated & (a.stats_deadline < today),
    )


def conditions(as_of: date) -> dict[str, object]:
    """The four report categories as SQL conditions on Assignment, judged on ``as_of``."""
    done, on_time, late, within, overdue = _parts(as_of)
    return {
        "done_on_time": done & on_time,
        "done_late": done & late,
        "pending": ~done & within,
        "overdue": ~done & overdue,
    }


def category(as_of: date) -> Case:
    """An assignment's category as one value, each condition read once: the four conditions
    of ``conditions`` exclude each other, so it is the one that holds (NULL if none does)."""
    done, on_time, late, within, overdue = _parts(as_of)
    return Case(
        None,
        [
            (done, Case(None, [(late, "done_late"), (on_time, "done_on_time")], None)),
            (overdue, "overdue"),
            (within, "pending"),
        ],
        None,
    )


def late_days(as_of: date):
    """Days past the statistics deadline of a late row: until completion, or until ``as_of``."""
    cond = conditions(as_of)
    a = Assignment
    return Case(
        None,
        [
            (cond["done_late"], days_between(a.completed_on, a.stats_deadline)),
            (cond["overdue"], days_between(_day(as_of), a.stats_deadline)),
        ],
        0,
    )


def _end_instant(day: date) -> datetime:
    """The first instant after ``day`` in the configured zone."""
    clock = get_clock()
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=clock.tz)


def in_period(query, params: ReportParams, unit_joined: bool = True, within=None):
    """Restrict a query over Assignment ⋈ Task ⋈ Unit to the period's and scope's assignments
    (``unit_joined`` false: Unit is not joined, a unit kind is asked of the units' ids).

    ``within``: a date column (the completion, the statistics deadline) whose value must also
    fall within the period; either implies the period's ``OR`` of three columns, which is then
    left out, and the rows are found by that column's index alone.
    """
    a = Assignment
    start, end = _day(params.start), _day(params.end)
    if within is None:
        belongs = (a.stats_deadline.between(start, end)) | (a.status != "done")
        belongs |= a.completed_on >= start
    else:
        belongs = within.between(start, end)
    query = query.where(a.status != "cancelled", a.created_at < _end_instant(params.end), belongs)
    kind, value = params.scope_kind, params.scope_value
    if kind == "kind" and unit_joined:
        query = query.where(Unit.kind == value)
    elif kind == "kind":
        query = query.where(a.unit.in_(Unit.select(Unit.id).where(Unit.kind == value)))
    elif kind == "group":
        members = UnitGroupMember.select(UnitGroupMember.unit).where(
            UnitGroupMember.group == int(value)
        )
        query = query.where(a.unit.in_(members))
    elif kind == "field":
        query = query.where(Task.field == value)
    elif kind == "meeting":
        query = query.where(Task.meeting == int(value))
    return query


def months(params: ReportParams) -> list[tuple[str, date, date]]:
    """The period's months as ('YYYY-MM', first day, last day), cut to the period."""
    found = []
    day = params.start.replace(day=1)
    while day <= params.end:
        after = (day + timedelta(days=32)).replace(day=1)
        first, last = max(day, params.start), min(after - timedelta(days=1), params.end)
        found.append((f"{day.year:04d}-{day.month:02d}", first, last))
        day = after
    return found


TREND_KEYS = ("done_on_time", "done_late", "due")


def _empty_trend(params: ReportParams) -> dict[str, dict]:
    return {key: {"month": key, **dict.fromkeys(TREND_KEYS, 0)} for key, _, _ in months(params)}


def _counts_by_unit(
    params: ReportParams, as_of: date, user: User, trend: dict[str, dict] | None = None
) -> dict[int, dict]:
    """Per unit id: assigned, the four categories, extensions and days late, in one pass over
    the period's assignments on the assignment table alone (the unit joined to no row).

    PostgreSQL: grouped by unit, each category counted with ``FILTER`` (150 groups: the
    planner splits the pass between parallel workers). SQLite: grouped by unit and category,
    the category one ``CASE`` read once per row (no parallel workers there; the least work
    per row wins).

    ``trend`` (PostgreSQL only): the months of ``_empty_trend``, filled in by the same pass
    (each month's completions on time and late, and its statistics deadlines, counted with
    ``FILTER`` per unit and added up here) instead of two more passes over the period.
    """
    a = Assignment
    today = _day(as_of)
    done_late_days = days_between(a.completed_on, a.stats_deadline)
    overdue_days = days_between(today, a.stats_deadline)
    if _is_postgres():
        cond = conditions(as_of)
        columns = [
            a.unit,
            fn.COUNT(SQL("*")),
            *(fn.COUNT(SQL("*")).filter(cond[c]) for c in CATEGORIES),
            fn.SUM(a.extension_count),
            fn.SUM(done_late_days).filter(cond["done_late"]),
            fn.SUM(overdue_days).filter(cond["overdue"]),
        ]
        spans = months(params) if trend is not None else []
        for _key, first, last in spans:
            done_in = a.completed_on.between(_day(first), _day(last))
            due_in = a.stats_deadline.between(_day(first), _day(last))
            columns += [
                fn.COUNT(SQL("*")).filter(done_in & cond["done_on_time"]),
                fn.COUNT(SQL("*")).filter(done_in & cond["done_late"]),
                fn.COUNT(SQL("*")).filter(due_in),
            ]
    else:
        columns = [
            a.unit,
            category(as_of),
            fn.COUNT(SQL("*")),
            fn.SUM(a.extension_count),
            fn.SUM(done_late_days),
            fn.SUM(overdue_days),
        ]
    query = Assignment.select(*columns)
    if params.scope_kind in ("field", "meeting"):
        query = query.join(Task)
    query = visible_assignments(user, in_period(query, params, unit_joined=False))
    counts: dict[int, dict] = {}
    if _is_postgres():
        for row in query.group_by(a.unit).tuples():
            unit_id, n, on_time, late, pending, overdue, ext, late_d, over_d = row[:9]
            for (key, _first, _last), month in zip(spans, _triples(row[9:]), strict=True):
                for name, value in zip(TREND_KEYS, month, strict=True):
                    trend[key][name] += value
            counts[unit_id] = {
                "assigned": n,
                "done_on_time": on_time,
                "done_late": late,
                "pending": pending,
                "overdue": overdue,
                "extensions": int(ext or 0),
                "late_days": float(late_d or 0) + float(over_d or 0),
            }
        return counts
    zero = ("assigned", *CATEGORIES, "extensions")
    for unit_id, name, n, ext, late_d, over_d in query.group_by(SQL("1"), SQL("2")).tuples():
        row = counts.get(unit_id)
        if row is None:
            row = counts[unit_id] = dict.fromkeys(zero, 0) | {"late_days": 0.0}
        row["assigned"] += n
        row["extensions"] += int(ext or 0)
        if name is not None:
            row[name] += n
        if name == "done_late":
            row["late_days"] += float(late_d or 0)
        elif name == "overdue":
            row["late_days"] += float(over_d or 0)
    return counts


def _triples(values: tuple) -> list[tuple]:
    return [values[i : i + 3] for i in range(0, len(values), 3)]


def unit_counts(
    params: ReportParams, as_of: date, user: User, trend: dict[str, dict] | None = None
) -> list[dict]:
    """One row per unit with work in the period: assigned, the four categories, extensions
    and days late (``_counts_by_unit``, which fills ``trend`` in on PostgreSQL); the units'
    names, kinds and order from a small query."""
    counts = _counts_by_unit(params, as_of, user, trend)
    if not counts:
        return []
    units = (
        Unit.select(Unit.id, Unit.name, Unit.short_name, Unit.kind)
        .where(Unit.id.in_(list(counts)))
        .order_by(Unit.kind_order(), Unit.sort_order, Unit.name)
    )
    rows = []
    for unit_id, name, short_name, kind in units.tuples():
        row = {
            "unit_id": unit_id,
            "unit": name,
            "short_name": short_name,
            "kind": kind,
            **counts[unit_id],
        }
        row["late_days"] = int(round(row["late_days"]))
        rows.append(row)
    return rows


def summary_counts(
    params: ReportParams, as_of: date, user: User, with_trend: bool
) -> tuple[list[dict], list[dict]]:
    """``unit_counts`` and (if ``with_trend``) ``trend``: on PostgreSQL in one pass over the
    period's assignments, on SQLite in three (the trend's a range of one index each)."""
    if not with_trend:
        return unit_counts(params, as_of, user), []
    if not _is_postgres():
        return unit_counts(params, as_of, user), trend(params, as_of, user)
    months_found = _empty_trend(params)
    rows = unit_counts(params, as_of, user, months_found)
    return rows, list(months_found.values())


def _of_period(params: ReportParams, user: User, within, *columns):
    """The period's and scope's assignments whose ``within`` also falls in the period, on the
    assignment table alone (``in_period``: that range implies the rest of the period's
    filter, so only its index is read)."""
    query = Assignment.select(*columns)
    if params.scope_kind in ("field", "meeting"):
        query = query.join(Task)
    return visible_assignments(user, in_period(query, params, unit_joined=False, within=within))


def trend(params: ReportParams, as_of: date, user: User) -> list[dict]:
    """Per month of the period: completions on time and late (by completion month), and the
    assignments whose statistics deadline falls in the month."""
    cond = conditions(as_of)
    done_month = month_of(Assignment.completed_on)
    done = _of_period(
        params,
        user,
        Assignment.completed_on,
        done_month.alias("month"),
        count_where(cond["done_on_time"]).alias("done_on_time"),
        count_where(cond["done_late"]).alias("done_late"),
    ).group_by(done_month)
    due_month = month_of(Assignment.stats_deadline)
    due = _of_period(
        params,
        user,
        Assignment.stats_deadline,
        due_month.alias("month"),
        fn.COUNT(Assignment.id).alias("due"),
    ).group_by(due_month)
    found = _empty_trend(params)
    for row in done.dicts():
        if row["month"] in found:
            found[row["month"]]["done_on_time"] = int(row["done_on_time"] or 0)
            found[row["month"]]["done_late"] = int(row["done_late"] or 0)
    for row in due.dicts():
        if row["month"] in found:
            found[row["month"]]["due"] = int(row["due"] or 0)
    return list(found.values())


def category_condition(category: str, as_of: date):
    """The condition behind one number of the table ("" = all assigned; "late"; "extended")."""
    cond = conditions(as_of)
    if category in cond:
        return cond[category]
    if category == "late":
        return cond["done_late"] | cond["overdue"]
    if category == "extended":
        return Assignment.extension_count > 0
    return None


LIST_CATEGORIES = ("", *CATEGORIES, "late", "extended")


def listing(params: ReportParams, user: User):
    """The report's assignments with task, meeting and unit, for lists and the export."""
    query = (
        Assignment.select(Assignment, Task, Meeting, Unit)
        .join(Task)
        .join(Meeting, JOIN.LEFT_OUTER)
        .switch(Assignment)
        .join(Unit)
    )
    return visible_assignments(user, in_period(query, params))


def listing_count(params: ReportParams, user: User) -> int:
    """How many assignments ``listing`` holds, counted on the assignment table alone (every
    assignment has its task and unit: joining them changes no count)."""
    query = Assignment.select(fn.COUNT(SQL("*")))
    if params.scope_kind in ("field", "meeting"):
        query = query.join(Task)
    return int(visible_assignments(user, in_period(query, params, unit_joined=False)).scalar())


def _chunks(ids):
    """``ids`` as pieces of 500 for IN lists, or a subquery as it is (one query)."""
    if isinstance(ids, list):
        return [ids[i : i + 500] for i in range(0, len(ids), 500)]
    return [ids]


def latest_reports(assignment_ids) -> dict[int, tuple[str, str, str]]:
    """(difficulties, proposals, text) of the latest progress report of each assignment.

    ``assignment_ids``: a list, or a subquery selecting them (the whole report's list).
    """
    found: dict[int, tuple[str, str, str]] = {}
    for ids in _chunks(assignment_ids):
        latest = (
            ProgressReport.select(fn.MAX(ProgressReport.id))
            .where(ProgressReport.assignment.in_(ids))
            .group_by(ProgressReport.assignment)
        )
        query = ProgressReport.select(
            ProgressReport.assignment,
            ProgressReport.difficulties,
            ProgressReport.proposals,
            ProgressReport.text,
        ).where(ProgressReport.id.in_(latest))
        for assignment_id, difficulties, proposals, text in database.execute(query):
            found[assignment_id] = (difficulties, proposals, text)
    return found


def task_units(task_ids) -> dict[int, dict[str, list[str]]]:
    """For each task, the names of its lead and of its coordinating units.

    ``task_ids``: a list, or a subquery selecting them.
    """
    found: dict[int, dict[str, list[str]]] = {}
    for ids in _chunks(task_ids):
        query = (
            Assignment.select(Assignment.task, Assignment.role, Unit.short_name, Unit.name)
            .join(Unit)
            .where(Assignment.task.in_(ids), Assignment.status != "cancelled")
            .order_by(Unit.kind_order(), Unit.sort_order, Unit.name)
        )
        for task_id, role, short, name in database.execute(query):  # no per-value conversion
            roles = found.setdefault(task_id, {"lead": [], "coordinating": []})
            roles.setdefault(role, []).append(short or name)
    return found
