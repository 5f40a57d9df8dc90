"""A report as plain data (dicts of numbers and strings), the same whether it is computed now
or read back from a frozen report: pages, charts, the print view and the .xlsx take this data.

On-time rate: done on time ÷ assigned; none ("—") while nothing is done nor overdue.

Ranking score (written on the page too):
    score = 100 × (done on time + 0.5 × done late) ÷ (assigned − not done within the deadline)
i.e. the share of the work that has fallen due (or was finished) that was done, a late
completion counting half and an overdue one nothing. A unit with nothing due has no score and
no rank. Equal scores share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _
from peewee import Case

from tracker.core import db
from tracker.models import Assignment, Meeting, Task, Unit, UnitKind
from tracker.reports import queries
from tracker.reports.params import ReportParams

COUNT_KEYS = ("assigned", *queries.CATEGORIES, "extensions", "late_days")
DETAIL_LIMIT_PRINT = 1000


def _derive(row: dict[str, Any]) -> dict[str, Any]:
    """Add rate, average days late and score to a row of counts."""
    assigned = row["assigned"]
    late = row["done_late"] + row["overdue"]
    # Work neither done nor overdue yet has not been judged: nothing judged, no rate (as no
    # score), rather than a 0 % that reads as a failure.
    due = assigned - row["pending"]
    row["on_time_rate"] = row["done_on_time"] / assigned if due else None
    row["avg_days_late"] = row["late_days"] / late if late else None
    row["score"] = (
        round(100 * (row["done_on_time"] + 0.5 * row["done_late"]) / due, 1) if due else None
    )
    return row


def _rank(rows: list[dict[str, Any]]) -> None:
    scored = sorted((r for r in rows if r["score"] is not None), key=lambda r: -r["score"])
    previous, rank = None, 0
    for position, row in enumerate(scored, start=1):
        if row["score"] != previous:
            rank, previous = position, row["score"]
        row["rank"] = rank
    for row in rows:
        row.setdefault("rank", None)


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _derive({key: sum(r[key] for r in rows) for key in COUNT_KEYS})


def kind_sections(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict]]:
    """The rows grouped by their unit's kind (docs/domain.md "Organisation levels and unit
    kinds"), and one section per kind: its code, its group's label ("Các sở, ban, ngành",
    "UBND các xã, phường, đặc khu"), its number of rows and its subtotals.

    Sections follow the order of their first row (units come ordered by their kind's order),
    rows keep theirs within a section; a kind without a row of its own is named by its code.
    """
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_kind.setdefault(row.get("kind") or "", []).append(row)
    labels = {
        k.code: _(k.group_label) for k in UnitKind.select().where(UnitKind.code.in_(list(by_kind)))
    }
    sections = [
        {
            "kind": code,
            "label": labels.get(code, code),
            "size": len(members),
            "totals": _totals(members),
        }
        for code, members in by_kind.items()
    ]
    return [row for members in by_kind.values() for row in members], sections


def grouped(data: dict[str, Any]) -> list[tuple[dict | None, list[dict[str, Any]]]]:
    """The table's rows as (section, its rows) pairs: one pair with no section when the report
    holds a single kind of unit (its subtotals would be the totals) or was frozen before
    reports had sections."""
    rows, sections = data["rows"], data.get("sections") or []
    if len(sections) < 2:
        return [(None, rows)]
    pairs, start = [], 0
    for section in sections:
        pairs.append((section, rows[start : start + section["size"]]))
        start += section["size"]
    return pairs


def numbered(
    pairs: list[tuple[dict | None, list[dict[str, Any]]]], start: int = 0, stop: int | None = None
) -> list[tuple[int, dict | None, int, list[dict[str, Any]]]]:
    """The table's rows ``start:stop`` of ``grouped``'s pairs (all by default; the report page
    shows a page of units) as (section's number, section, number of its first row shown, rows
    shown). A kind's row comes on every page showing some of its units, with the subtotals of
    all of them; its units keep their numbers (from 1 within their kind) whatever the page."""
    shown, offset = [], 0
    for position, (section, rows) in enumerate(pairs, start=1):
        first = max(start - offset, 0)
        last = len(rows) if stop is None else max(min(stop - offset, len(rows)), first)
        if rows[first:last] or not rows:  # an empty report: its one empty row says so
            shown.append((position, section, first + 1, rows[first:last]))
        offset += len(rows)
    return shown


ROMAN = (("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))


def roman(number: int) -> str:
    """A section's number as official tables write it (I, II, … XXXIX)."""
    text = ""
    for letters, value in ROMAN:
        while number >= value:
            text, number = text + letters, number - value
    return text


def summary(params: ReportParams, today: date, user, trend: bool = True) -> dict[str, Any]:
    """The per-unit table grouped by kind of unit with each kind's subtotals, the totals and
    (unless ``trend`` is false) the monthly trend."""
    as_of = params.as_of(today)
    counts, months = queries.summary_counts(params, as_of, user, with_trend=trend)
    rows = [_derive(r) for r in counts]
    _rank(rows)
    rows, sections = kind_sections(rows)
    totals = _totals(rows)
    return {
        "title": params.title(),
        "period_label": params.period_label(),
        "scope_label": params.scope_label,
        "start": params.start.isoformat(),
        "end": params.end.isoformat(),
        "as_of": as_of.isoformat(),
        "rows": rows,
        "sections": sections,
        "totals": totals,
        "trend": months,
    }


def _category_case(as_of: date):
    cond = queries.conditions(as_of)
    return Case(None, [(cond[c], c) for c in queries.CATEGORIES], "pending")


def detail_query(params: ReportParams, today: date, user):
    """The report's assignments in display order, each with its report category (SQL)."""
    as_of = params.as_of(today)
    query = queries.listing(params, user)
    query = query.select_extend(_category_case(as_of).alias("report_category"))
    return query.order_by(
        Unit.kind_order(), Unit.sort_order, Unit.name, Assignment.task, Assignment.id
    )


def _iso(value) -> str | None:
    """A date (or a stored date's text) as ISO text."""
    if not value:
        return None
    return value if isinstance(value, str) else value.isoformat()


def _instant(value) -> str | None:
    """A stored instant (naive UTC: text on SQLite, a datetime on PostgreSQL) as ISO text."""
    if not value:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC).isoformat()


def _raw(query):
    """The rows of ``query`` as the driver gives them: no model conversion per value, which
    costs more than everything else for a year's list. Dates stay ISO text on SQLite."""
    return db.database.execute(query)


DETAIL_COLUMNS = (
    Assignment.id,
    Assignment.task,
    Task.title,
    Meeting.title,
    Meeting.notice_number,
    Unit.short_name,
    Unit.name,
    Assignment.role,
    Assignment.deadline,
    Assignment.original_deadline,
    Assignment.stats_deadline,
    Assignment.extension_count,
    Assignment.status,
    Assignment.completed_on,
    Assignment.updated_at,
)


def detail_rows(params: ReportParams, today: date, user, limit: int | None = None) -> list[dict]:
    """The detailed list as plain rows (the columns of the national report)."""
    return list(iter_detail_rows(params, today, user, limit))


def iter_detail_rows(
    params: ReportParams, today: date, user, limit: int | None = None
) -> Iterator[dict]:
    """The rows of ``detail_rows`` one by one (the .xlsx of a year's list never holds them
    all); the lead and coordinating units and the latest reports are read first."""
    as_of = params.as_of(today)
    query = (
        queries.listing(params, user)
        .select(*DETAIL_COLUMNS, _category_case(as_of).alias("report_category"))
        .order_by(Unit.kind_order(), Unit.sort_order, Unit.name, Assignment.task, Assignment.id)
    )
    if limit:
        query = query.limit(limit)
        items = list(_raw(query))
        units = queries.task_units(sorted({item[1] for item in items}))
        reports = queries.latest_reports([item[0] for item in items])
    else:  # the whole list: one query each, with the report's own query as a subquery
        report_ids = queries.listing(params, user).select(Assignment.id)
        report_tasks = queries.listing(params, user).select(Assignment.task).distinct()
        units = queries.task_units(report_tasks)
        reports = queries.latest_reports(report_ids)
        items = _raw(query)
    no_roles: dict[str, list[str]] = {}
    for number, item in enumerate(items, start=1):
        (aid, task_id, title, meeting, notice, short, name, role, deadline, original, stats,
         extensions, status, completed_on, updated_at, category) = item  # fmt: skip
        source = f"{meeting} ({notice})" if meeting and notice else (meeting or "")
        roles = units.get(task_id, no_roles)
        report = reports.get(aid)
        yield {
            "stt": number,
            "assignment_id": aid,
            "task": title,
            "source": source,
            "unit": short or name,
            "role": role,
            "lead": ", ".join(roles.get("lead", ())),
            "coordinating": ", ".join(roles.get("coordinating", ())),
            "deadline": _iso(deadline),
            "original_deadline": _iso(original),
            "stats_deadline": _iso(stats),
            "extensions": extensions,
            "status": status,
            "category": category,
            "completed_on": _iso(completed_on),
            "difficulties": report[0] if report else "",
            "proposals": report[1] if report else "",
            "last_report": report[2] if report else "",
            "updated_at": _instant(updated_at),
        }


def detail_count(params: ReportParams, today: date, user) -> int:
    return queries.listing_count(params, user)
