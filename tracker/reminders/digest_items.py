"""Which items a unit's weekly digest lists: the week's window and its sections, and the one
query that reads, for every unit at once, each section's most urgent items (at most
SECTION_LIMIT a section) with the section's size counted by the database, as plain rows.

``tracker.reminders.digest`` builds the units' digests and mails from them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from peewee import JOIN, SQL, Case, Select, Value, fn

from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.core.search_index import is_postgres
from tracker.models import Assignment, Task, Unit
from tracker.reminders import periods
from tracker.reminders.common import ACTIONABLE, listing
from tracker.reminders.digest_rows import rows

SECTIONS = ("returned", "overdue", "this_week", "next_week", "report_due", "stale")

# A section lists this many items at most (the most urgent first); the rest are counted and
# one click away on the unit's page, so a mail stays short enough to read.
SECTION_LIMIT = 25


@dataclass
class Window:
    """The days and instants one digest is built for."""

    at: datetime
    today: date
    week: str
    monday: date
    sunday: date
    next_sunday: date
    stale_days: int

    @property
    def week_label(self) -> str:
        """The week as Vietnamese write it: "20/2026"."""
        return periods.week_label(self.week)

    @property
    def stale_before(self) -> datetime:
        return self.at - timedelta(days=self.stale_days)

    @classmethod
    def at_instant(cls, at: datetime) -> Window:
        tz = get_clock().tz
        today = periods.local_date(at, tz)
        monday, sunday = periods.week_bounds(today)
        return cls(
            at=at,
            today=today,
            week=periods.week_of(today),
            monday=monday,
            sunday=sunday,
            next_sunday=sunday + timedelta(days=7),
            stale_days=int(current_app.config["STALE_DAYS"]),
        )

    def section(self, assignment: Assignment) -> str | None:
        """The first section ``assignment`` belongs in (each item is listed once), or None."""
        deadline = assignment.deadline
        if deadline is not None:
            if deadline < self.today:
                return "overdue"
            if deadline <= self.sunday:
                return "this_week"
            if deadline <= self.next_sunday:
                return "next_week"
        since = assignment.last_report_at or assignment.created_at
        return "stale" if since <= self.stale_before else None


def _stale(window: Window):
    return (Assignment.last_report_at <= window.stale_before) | (
        Assignment.last_report_at.is_null() & (Assignment.created_at <= window.stale_before)
    )


# Open ongoing work with a reporting cadence: "report due" or not is decided in Python from its
# reports (``cadence.due_now``), so all of it is loaded (a small share of the work).
ONGOING = "ongoing"


def _cadenced():
    """Ongoing work whose task reports on a cadence (``ONGOING``), as SQL.

    The task's cadence is asked of ongoing work only (an index lookup each), not joined to
    every open item: at a million tasks that join read the whole task table (issue 13).
    """
    reports = Task.alias("reported")
    has_cadence = fn.EXISTS(
        reports.select(SQL("1")).where(
            (reports.id == Assignment.task) & (reports.report_cadence != "")
        )
    )
    return (Assignment.deadline_kind == "ongoing") & has_cadence


def _section(window: Window):
    """The section of open work as SQL, as ``Window.section`` gives it (returned work first),
    ``ONGOING`` for ongoing work with a reporting cadence, NULL for none."""
    return Case(
        None,
        [
            (Assignment.status == "returned", "returned"),
            (_cadenced(), ONGOING),
            (Assignment.deadline < window.today, "overdue"),
            (Assignment.deadline <= window.sunday, "this_week"),
            (Assignment.deadline <= window.next_sunday, "next_week"),
            (_stale(window), "stale"),
        ],
        None,
    )


def _in_section(window: Window) -> list[tuple[str, object]]:
    """``_section``'s CASE spelled out, section by section, for open work not returned: each
    condition holds exactly when the CASE gives that section (the later branches of a CASE
    hold only where the earlier do not). Each names the range of deadlines it takes, so an
    index on the deadline finds its items in order; "stale" is two, with a deadline after
    next week and with none (an index reads each in order, not both at once)."""
    d = Assignment.deadline
    dated = ~_cadenced()  # never NULL: deadline_kind is NOT NULL, EXISTS is true or false
    stale = _stale(window)
    return [
        ("overdue", dated & (d < window.today)),
        ("this_week", dated & (d >= window.today) & (d <= window.sunday)),
        ("next_week", dated & (d > window.sunday) & (d <= window.next_sunday)),
        ("stale", dated & (d > window.next_sunday) & stale),
        ("stale", dated & d.is_null() & stale),
    ]


def _open_work(unit_id: int | None):
    """The open work of the active units (or of ``unit_id``): what the digests look at."""
    query = Assignment.select().where(
        Assignment.unit.in_(Unit.select(Unit.id).where(Unit.active == True)),  # noqa: E712
        Assignment.status.in_(ACTIONABLE),
    )
    return query if unit_id is None else query.where(Assignment.unit == unit_id)


def _ranked_by_window(window: Window, unit_id: int | None):
    """Every open item's section, its rank in the section and the section's size: one window
    over all the open work, ranked by a sort of all of it (SQLite; ``_ranked_per_unit`` on
    PostgreSQL). Columns: aid, section, rn, total."""
    # Each open item's section, computed once: the OFFSET keeps the database from copying the
    # CASE (and its question to the task) into the window's sort and partition keys.
    sections = (
        _open_work(unit_id)
        .select(
            Assignment.id.alias("aid"),
            Assignment.unit.alias("unit_id"),
            Assignment.deadline.alias("deadline"),
            _section(window).alias("section"),
        )
        .offset(0)
        .alias("sections")
    )
    item = sections.c
    per_section = [item.unit_id, item.section]
    rank = fn.ROW_NUMBER().over(
        partition_by=per_section,
        # Not by title (a collated sort of every open item costs more than the rest): ties
        # at the cut go to the older assignment; the items kept are then sorted by sort_key.
        order_by=[item.deadline.is_null(), item.deadline, item.aid],
    )
    return Select(
        from_list=[sections],
        columns=[
            item.aid,
            item.section,
            rank.alias("rn"),
            fn.COUNT(item.aid).over(partition_by=per_section).alias("total"),
        ],
    ).where(item.section.is_null(False))


def _ranked_per_unit(window: Window, unit_id: int | None):
    """``_ranked_by_window``'s rows that matter, read from indexes (PostgreSQL).

    A province has hundreds of thousands of open items; a window over them sorted them all
    (and spilled to disk) to keep 25 a section. Here, for each unit (a LATERAL subquery), each
    status and each section, the first ``SECTION_LIMIT`` in the digest's order are read from
    the index ``(unit_id, status, deadline, id, …)`` (migration 0024) and no more (those
    without a deadline too, in id order); the first of each section are
    among them (they are the first of their status), and the window ranks these few only.
    Each section's size is counted per unit in one pass over the open work (FILTER per
    section: 150 groups, no sort), and the ongoing work with a cadence is listed whole, as
    before. Columns: aid, section, rn, total.
    """
    section = _section(window)
    units = Unit.select(Unit.id).where(Unit.active == True)  # noqa: E712
    if unit_id is not None:
        units = units.where(Unit.id == unit_id)
    limit = SECTION_LIMIT

    def first(status: str, name: str, condition) -> Select:
        """The unit's first items of ``status`` in section ``name`` (``condition``), in the
        index's order: deadline (none last), then id."""
        return (
            Assignment.select(
                Assignment.id.alias("aid"),
                Assignment.unit.alias("unit_id"),
                Assignment.deadline.alias("deadline"),
                Value(name).alias("section"),
            )
            .where(Assignment.unit == Unit.id, Assignment.status == status, condition)
            .order_by(Assignment.deadline.asc(nulls="LAST"), Assignment.id)
            .limit(limit)
        )

    # Returned work is in "returned" whatever its deadline; the rest by _in_section.
    parts = [first("returned", "returned", True)]
    for status in ACTIONABLE:
        if status != "returned":
            parts += [first(status, name, cond) for name, cond in _in_section(window)]
    compound = parts[0]
    for part in parts[1:]:
        compound = compound + part  # UNION ALL
    firsts = units.select(SQL("first.*")).join(
        compound.alias("first"), JOIN.LATERAL, on=SQL("TRUE")
    )
    reported = Task.alias("cadenced")
    ongoing = (
        _open_work(unit_id)
        .select(
            Assignment.id.alias("aid"),
            Assignment.unit.alias("unit_id"),
            Assignment.deadline.alias("deadline"),
            Value(ONGOING).alias("section"),
        )
        # Implied by the section; lets the database start from the tasks with a cadence.
        .join(reported, on=(reported.id == Assignment.task) & (reported.report_cadence != ""))
        .where(section == ONGOING)
    )
    candidates = (firsts + ongoing).alias("candidates")
    sizes = (
        _open_work(unit_id)
        .select(Assignment.unit.alias("unit_id"), section.alias("section"))
        .offset(0)  # the CASE computed once per item, not once per count
        .alias("open_work")
    )
    counted = [name for name in SECTIONS if name != "report_due"]
    counts = (
        Select(
            from_list=[sizes],
            columns=[
                sizes.c.unit_id,
                *(
                    fn.COUNT(SQL("*")).filter(sizes.c.section == name).alias(name)
                    for name in counted
                ),
            ],
        )
        .group_by(sizes.c.unit_id)
        .alias("counts")
    )
    item = candidates.c
    rank = fn.ROW_NUMBER().over(
        partition_by=[item.unit_id, item.section],
        order_by=[item.deadline.is_null(), item.deadline, item.aid],
    )
    total = Case(item.section, [(name, getattr(counts.c, name)) for name in counted], None)
    return Select(
        from_list=[candidates],
        columns=[item.aid, item.section, rank.alias("rn"), total.alias("total")],
    ).join(counts, JOIN.LEFT_OUTER, on=(counts.c.unit_id == item.unit_id))


def _work(window: Window, unit_id: int | None):
    """The items the digests list, task, meeting and unit joined (one query).

    The first ``SECTION_LIMIT`` of each unit's section (earliest deadline first, none last),
    each with its section's size counted by the database
    (``row.ranked["section"]``, ``row.ranked["total"]``), and all the ``ONGOING`` work.
    """
    if is_postgres():
        ranked = _ranked_per_unit(window, unit_id)
    else:
        ranked = _ranked_by_window(window, unit_id)
    ranked = ranked.alias("ranked")
    return (
        listing(unit=False)
        .select_extend(ranked.c.section, ranked.c.total)
        .join_from(Assignment, ranked, on=(Assignment.id == ranked.c.aid), attr="ranked")
        .where((ranked.c.rn <= SECTION_LIMIT) | (ranked.c.section == ONGOING))
    )


@contextmanager
def _compiled_plans_off() -> Iterator[None]:
    """On PostgreSQL, the items' query runs without JIT compilation, in a transaction of its
    own (a savepoint when in one already; the setting then lasts until that one ends).

    Its cost estimate (150 units' LATERAL subqueries, a CASE asking the tasks) is above the
    server's ``jit_above_cost``: compiling it took 0.4 to 2.9 s on a province's data, for a
    statement that runs in about 1 s without (docs/performance.md, "The weekly digests").
    """
    if not is_postgres():
        yield
        return
    with database.atomic():
        database.execute_sql("SET LOCAL jit = off")
        yield


def items(window: Window, unit_id: int | None) -> list:
    """The items the digests of ``window`` list (one unit's, or every unit's with None), each
    with ``ranked``: its section and the section's size."""
    with _compiled_plans_off():
        return rows(_work(window, unit_id))
