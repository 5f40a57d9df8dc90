"""The leader's overview as queries: counts per unit and category, and the lists behind them.

The overview covers the active units (the rows the leader sees); the lists behind its numbers
cover the same units, so every number equals the length of the list it links to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from peewee import Case

from tracker.assignments.queries import category_counts, category_sums, listing
from tracker.core import prepared, timeliness
from tracker.core.params import optional_id
from tracker.core.prepared import slot
from tracker.core.search_index import matching, search_plans
from tracker.core.textfold import terms
from tracker.models import STATUSES, Assignment, Meeting, Task, Unit, UnitKind
from tracker.overview import counts as cache
from tracker.web.pagination import NullsLast


class InvalidFilter(ValueError):
    """A filter names a unit, meeting, kind, category or status that does not exist."""


@dataclass
class Filters:
    """The filters of the overview and of its lists, read from the query string."""

    unit: Unit | None = None
    kind: str = ""
    category: str = ""
    status: str = ""
    meeting: Meeting | None = None
    q: str = ""

    def args(self, **overrides: Any) -> dict[str, Any]:
        """These filters as query-string arguments (empty ones left out), with ``overrides``."""
        args = {
            "unit": self.unit.id if self.unit else None,
            "kind": self.kind,
            "category": self.category,
            "status": self.status,
            "meeting": self.meeting.id if self.meeting else None,
            "q": self.q,
        }
        args.update(overrides)
        return {k: v for k, v in args.items() if v not in (None, "")}


def _row_id(model, raw: str | None):
    """The row of ``model`` whose id is ``raw``; None when ``raw`` is empty."""
    try:
        row_id = optional_id(raw)
    except ValueError:
        raise InvalidFilter(raw) from None
    if row_id is None:
        return None
    row = model.get_or_none(model.id == row_id)
    if row is None:
        raise InvalidFilter(raw)
    return row


def _choice(raw: str | None, allowed) -> str:
    """``raw`` if it is one of ``allowed``, "" when empty."""
    raw = (raw or "").strip()
    if raw and raw not in allowed:
        raise InvalidFilter(raw)
    return raw


_PARSERS = {
    "unit": lambda raw: _row_id(Unit, raw),
    "kind": lambda raw: _choice(raw, UnitKind.codes() if (raw or "").strip() else ()),
    "category": lambda raw: _choice(raw, timeliness.CATEGORIES),
    "status": lambda raw: _choice(raw, STATUSES),
    "meeting": lambda raw: _row_id(Meeting, raw),
    "q": lambda raw: (raw or "").strip()[:200],
}


def parse_filters(args, names: tuple[str, ...] = tuple(_PARSERS)) -> Filters:
    """The filters ``names`` from request arguments; InvalidFilter for unknown ids or codes."""
    return Filters(**{name: _PARSERS[name](args.get(name)) for name in names})


def _scope(query, filters: Filters):
    """Restrict a query over Assignment ⋈ Unit (⋈ Task) to the overview's filters."""
    if filters.unit is not None:
        query = query.where(Assignment.unit == filters.unit)
    else:
        query = query.where(Unit.active == True)  # noqa: E712
    if filters.kind:
        query = query.where(Unit.kind == filters.kind)
    if filters.meeting is not None:
        query = query.where(Task.meeting == filters.meeting)
    return query


@dataclass
class SummaryRow:
    """One unit's counts per category (the totals row has no unit)."""

    unit: UnitRef | None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def on_time_rate(self) -> float | None:
        """Share of the (non-cancelled) assignments completed on time; None while nothing has
        been judged (none done nor overdue: a 0 % would read as a failure), as the report's
        rate (tracker/reports/report.py)."""
        judged = sum(self.counts.get(c, 0) for c in ("done_on_time", "done_late", "overdue"))
        return self.counts.get("done_on_time", 0) / self.total if judged else None


@dataclass(frozen=True, slots=True)
class UnitRef:
    """What a summary's row shows of its unit and orders by: read as plain tuples (a
    province's 150 units are read on every leader's page; as models, their values converted
    and set one by one, they cost more than the page's counting)."""

    id: int
    name: str
    short_name: str
    code: str
    kind: str
    sort_order: int


def _summary_units():
    """The active units in display order, as ``UnitRef`` values."""
    return Unit.active_ordered().select(
        Unit.id, Unit.name, Unit.short_name, Unit.code, Unit.kind, Unit.sort_order
    )


def summary(filters: Filters, today: date, window: int) -> tuple[list[SummaryRow], SummaryRow]:
    """Counts per active unit and category, and their totals row.

    Without a meeting filter the counts come from the per-unit cache (tracker/cache.py: never
    stale, recomputed for the units whose rows changed); a meeting's counts are one grouped
    query over that meeting's tasks.
    """
    units = [UnitRef(*row) for row in prepared.rows("units.summary", _summary_units, [])]
    if filters.kind:
        units = [u for u in units if u.kind == filters.kind]
    if filters.meeting is None:
        # Every unit's tallies (the navigation's queue reads the same, once per request);
        # a unit that was never given work has none, and counts zero below.
        tallied = cache.tallies(None, today, window)
        by_unit = {u.id: dict(tallied[u.id].counts) for u in units if u.id in tallied}
    else:
        counts = (
            Assignment.select(Assignment.unit.alias("unit_id"), *category_sums(today, window))
            .join(Task)
            .where(Assignment.status != "cancelled", Task.meeting == filters.meeting)
            .group_by(Assignment.unit)
        )
        by_unit = {row["unit_id"]: category_counts(row) for row in counts.dicts()}
    zero = dict.fromkeys(timeliness.ORDER, 0)
    rows = [SummaryRow(unit, by_unit.get(unit.id, dict(zero))) for unit in units]
    totals = SummaryRow(None, {cat: sum(r.counts[cat] for r in rows) for cat in timeliness.ORDER})
    return rows, totals


def overdue(filters: Filters, today: date, window: int):
    """Open assignments past their deadline, most overdue first."""
    query = _scope(listing(), filters).where(
        timeliness.condition(Assignment, "overdue", today, window)
    )
    return query.order_by(
        Assignment.stats_deadline.asc(), Unit.sort_order, Unit.name, Assignment.id
    )


# What the rows of the overdue list and of the lists behind the numbers show: the assignment, its
# task's title, meeting's title and unit's names (not a task's content nor a meeting's
# conclusion, which can be pages long).
ROW_COLUMNS = (
    Assignment,
    Task.id,
    Task.title,
    Task.meeting,
    Meeting.id,
    Meeting.title,
    Unit.id,
    Unit.name,
    Unit.short_name,
)


def overdue_page(
    units: list[UnitRef], filters: Filters, today: date, window: int, page: int, per_page: int
) -> list[Assignment]:
    """One page of ``overdue`` for the summary's ``units`` (active, of the chosen kind).

    The page's ids are chosen on the assignment table alone: the units' order becomes a CASE
    over their ids, so the database walks the statistics-deadline index and stops after the
    page instead of joining and sorting every overdue row. Then only those rows are joined.
    """
    ranked = sorted(units, key=lambda u: (u.sort_order, u.name, u.id))
    if not ranked:
        return []
    n = len(ranked)
    by_meeting = filters.meeting is not None

    def page_ids():
        # Values: the units' ids in rank order (slots 0..n-1), the limit, the offset and the
        # meeting; its SQL is written once per number of units, meeting filter and day.
        unit_ids = prepared.slots(0, n)
        rank = Case(Assignment.unit, [(unit_ids[i], i) for i in range(n)], n)
        ids = Assignment.select(Assignment.id)
        if by_meeting:
            ids = ids.join(Task).where(Task.meeting == slot(n + 2))
        return (
            ids.where(
                # "+ 0" keeps the planner off the unit index: walking the deadline index in
                # order and stopping after the page is the fast plan, statistics or not.
                (Assignment.unit + 0).in_(unit_ids),
                timeliness.condition(Assignment, "overdue", today, window),
            )
            .order_by(Assignment.stats_deadline.asc(), rank, Assignment.id)
            .limit(slot(n))
            .offset(slot(n + 1))
            .tuples()
        )

    values = [u.id for u in ranked] + [per_page, (page - 1) * per_page]
    if by_meeting:
        values.append(getattr(filters.meeting, "id", filters.meeting))
    key = ("overdue.ids", n, by_meeting, today, window)
    # Queried even for no ids, so the page's number of queries never depends on its rows.
    wanted = [row[0] for row in prepared.select(key, page_ids, values)]
    position = {assignment_id: i for i, assignment_id in enumerate(wanted)}
    rows = prepared.select(
        ("overdue.rows", len(wanted)),
        lambda: listing(*ROW_COLUMNS).where(Assignment.id.in_(prepared.slots(0, len(wanted)))),
        wanted,
    )
    return sorted(rows, key=lambda a: position[a.id])


def _scope_ids(query, filters: Filters):
    """``_scope`` for a query of assignment ids not joined to the unit: the units' condition
    on ``Assignment.unit`` alone (a subquery of the few active units), so counting and sorting
    read the assignment indexes without a lookup of each row's unit."""
    if filters.unit is not None:
        query = query.where(Assignment.unit == filters.unit)
    else:
        units = Unit.select(Unit.id).where(Unit.active == True)  # noqa: E712
        if filters.kind:
            units = units.where(Unit.kind == filters.kind)
        query = query.where(Assignment.unit.in_(units))
    if filters.meeting is not None:
        query = query.where(Task.meeting == filters.meeting)
    return query


def assignments(
    filters: Filters, today: date, window: int, ids_only: bool = False, by_unit: bool = False
):
    """The assignments behind a number of the overview (cancelled ones only when asked).

    ``ids_only``: their ids, joined to the task only when a filter needs it and to the unit only
    when sorted ``by_unit`` (the list's pages are chosen on this, see
    ``pagination.paginate_ids``).
    """
    if ids_only:
        query = Assignment.select(Assignment.id)
        if filters.meeting is not None or filters.q:
            query = query.join(Task).switch(Assignment)
        if by_unit:
            query = query.join(Unit)
        query = _scope_ids(query, filters)
    else:
        query = _scope(listing(*ROW_COLUMNS), filters)
    if filters.category:
        query = query.where(timeliness.condition(Assignment, filters.category, today, window))
    if filters.status:
        query = query.where(Assignment.status == filters.status)
    else:
        query = query.where(Assignment.status != "cancelled")
    return matching(query, Task, filters.q)


_KIND_ORDER = Unit.kind_order()

# Sort keys of the list (the view adds Assignment.id to each).
SORTS: dict[str, list[Any]] = {
    "deadline": [NullsLast(Assignment.deadline)],
    "unit": [_KIND_ORDER, Unit.sort_order, Unit.name],
    "status": [Case(Assignment.status, [(s, i) for i, s in enumerate(STATUSES)], len(STATUSES))],
    "progress": [Assignment.progress],
}


# The meeting filter offers the newest meetings, and any other through its search field.
MEETINGS_IN_SELECT = 10


def meetings_for_select(selected: object = None, search: str = "") -> list[Meeting]:
    """The newest meetings (whose title contains ``search``) for the filter's select, plus
    the ``selected`` one if it is not among them."""
    query = Meeting.select(Meeting.id, Meeting.title, Meeting.held_on).order_by(
        Meeting.held_on.desc(), Meeting.id.desc()
    )
    if terms(search):
        query = matching(query, Meeting, search)
        with search_plans(True):
            rows = list(query.limit(MEETINGS_IN_SELECT))
    else:
        rows = list(prepared.select("meetings.newest", lambda: query.limit(MEETINGS_IN_SELECT), []))
    try:
        wanted = optional_id(selected)
    except ValueError:
        wanted = None
    if wanted and all(m.id != wanted for m in rows):
        older = (
            Meeting.select(Meeting.id, Meeting.title, Meeting.held_on)
            .where(Meeting.id == wanted)
            .first()
        )
        if older is not None:
            rows.insert(0, older)
    return rows
