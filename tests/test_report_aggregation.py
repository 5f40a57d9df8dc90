"""The report's per-unit counts (one grouped SQL pass) against a plain Python reading of the
rules, assignment by assignment, over randomized data.

The rules are the ones tracker/reports/queries.py states: an assignment belongs to the period
[start, end] when it is not cancelled, was assigned by the end of ``end`` (Vietnam time), and
its statistics deadline falls within the period or it was not done or it was completed on or
after ``start``; it is judged on ``as_of`` (done on time, done late, within the deadline,
overdue), with days late until its completion or ``as_of``. Nothing here runs the report's
SQL: a mistake in either shows as a difference.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from werkzeug.datastructures import MultiDict

from tracker.core.clock import get_clock
from tracker.models import Assignment, Unit
from tracker.reports import queries, report
from tracker.reports.params import parse

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
STATUSES = ["new", "in_progress", "submitted", "returned", "done", "done", "cancelled"]


# The periods' first and last days and the clock's day (15 May 2026), and their neighbours:
# half the dates fall on one, so equal dates and edges are met often.
EDGES = [
    date(2025, 9, 30),
    date(2025, 10, 1),
    date(2025, 12, 31),
    date(2026, 1, 1),
    date(2026, 1, 31),
    date(2026, 2, 1),
    date(2026, 2, 28),
    date(2026, 3, 1),
    date(2026, 3, 31),
    date(2026, 4, 1),
    date(2026, 5, 14),
    date(2026, 5, 15),
    date(2026, 5, 16),
    date(2026, 12, 31),
]


def _random_day(rng: random.Random) -> date:
    if rng.random() < 0.5:
        return rng.choice(EDGES)
    return date(2025, 10, 1) + timedelta(days=rng.randint(0, 300))


def _seed(rng: random.Random, factory, world, n: int) -> None:
    units = [
        world.ward_a,
        world.ward_b,
        world.dept,
        factory.unit("Sở Tư pháp", kind="agency", sort_order=2),
        factory.unit("Phòng Tài chính", kind="department", sort_order=1),
    ]
    for number in range(n):
        kind = rng.choice(["date", "date", "date", "ongoing", "none"])
        stats = None if kind != "date" or rng.random() < 0.1 else _random_day(rng)
        status = rng.choice(STATUSES)
        completed_on = None
        if status in ("done", "submitted") or rng.random() < 0.05:
            completed_on = None if rng.random() < 0.05 else _random_day(rng)
        created = datetime.combine(
            _random_day(rng), time(rng.choice([0, 6, 7, 23]), 30), tzinfo=HCM
        )
        task = factory.task(
            world.meeting,
            f"Việc {number}",
            deadline=stats,
            deadline_kind=kind,
            field=rng.choice(["", "thu_tuc"]),
        )
        Assignment.create(
            task=task,
            unit=rng.choice(units),
            status=status,
            deadline_kind=kind,
            deadline=stats,
            original_deadline=stats,
            stats_deadline=stats,
            extension_count=rng.choice([0, 0, 0, 1, 2]),
            completed_on=completed_on,
            created_at=created.astimezone(UTC),
            updated_at=created.astimezone(UTC),
        )


def _in_scope(assignments: list[Assignment], scope: str) -> list[Assignment]:
    """The assignments of a scope ("", "kind:…", "field:…") read row by row."""
    if not scope:
        return assignments
    kind, value = scope.split(":")
    if kind == "kind":
        kinds = {u.id: u.kind for u in Unit.select()}
        return [a for a in assignments if kinds[a.unit_id] == value]
    assert kind == "field"
    return [a for a in assignments if a.task.field == value]


def _trend_by_hand(assignments: list[Assignment], start: date, end: date, as_of: date) -> list:
    """Per month of [start, end]: the period's assignments completed in it on time and late,
    and those whose statistics deadline falls in it — row by row."""
    belongs = _by_hand_rows(assignments, start, end)
    months = {}
    day = start.replace(day=1)
    while day <= end:
        key = f"{day.year:04d}-{day.month:02d}"
        months[key] = {"month": key, "done_on_time": 0, "done_late": 0, "due": 0}
        day = (day + timedelta(days=32)).replace(day=1)
    for a in belongs:
        sd, co = a.stats_deadline, a.completed_on
        if co is not None and start <= co <= end and a.status == "done" and co <= as_of:
            late = sd is not None and co > sd
            months[f"{co:%Y-%m}"]["done_late" if late else "done_on_time"] += 1
        if sd is not None and start <= sd <= end:
            months[f"{sd:%Y-%m}"]["due"] += 1
    return list(months.values())


def _by_hand_rows(assignments: list[Assignment], start: date, end: date) -> list[Assignment]:
    """The assignments that belong to the period [start, end], row by row."""
    end_instant = datetime.combine(end + timedelta(days=1), time(0), tzinfo=HCM)
    found = []
    for a in assignments:
        created = a.created_at if a.created_at.tzinfo else a.created_at.replace(tzinfo=UTC)
        sd, co = a.stats_deadline, a.completed_on
        if a.status == "cancelled" or created >= end_instant:
            continue
        if (sd is not None and start <= sd <= end) or a.status != "done":
            found.append(a)
        elif co is not None and co >= start:
            found.append(a)
    return found


def _by_hand(assignments: list[Assignment], start: date, end: date, as_of: date) -> dict:
    """Per unit id: assigned, the four categories, extensions, days late — row by row."""
    end_instant = datetime.combine(end + timedelta(days=1), time(0), tzinfo=HCM)
    found: dict[int, dict] = {}
    for a in assignments:
        created = a.created_at if a.created_at.tzinfo else a.created_at.replace(tzinfo=UTC)
        sd, co = a.stats_deadline, a.completed_on
        if a.status == "cancelled" or created >= end_instant:
            continue
        if not ((sd is not None and start <= sd <= end) or a.status != "done"):
            if not (co is not None and co >= start):
                continue
        row = found.setdefault(
            a.unit_id,
            dict.fromkeys(
                ("assigned", "done_on_time", "done_late", "pending", "overdue", "extensions"), 0
            )
            | {"late_days": 0},
        )
        row["assigned"] += 1
        row["extensions"] += a.extension_count
        if a.status == "done" and (co is None or co <= as_of):
            if co is not None and sd is not None and co > sd:
                row["done_late"] += 1
                row["late_days"] += (co - sd).days
            else:
                row["done_on_time"] += 1
        elif a.deadline_kind != "ongoing" and sd is not None and sd < as_of:
            row["overdue"] += 1
            row["late_days"] += (as_of - sd).days
        else:
            row["pending"] += 1
    return found


PERIODS = [
    "period=year&year=2026",  # judged today (15 May 2026): still running
    "period=quarter&year=2026&quarter=1",
    "period=quarter&year=2025&quarter=4",
    "period=month&year=2026&month=2",
    "period=year&year=2026&scope=kind:department",
    "period=year&year=2025&scope=kind:ward",
    # Cut inside months, both ends on edges of the data's dates.
    "period=custom&from=2025-10-01&to=2026-02-28",
    "period=custom&from=2026-01-31&to=2026-03-31&scope=field:thu_tuc",
]


@pytest.mark.parametrize("seed", [7, 8])
def test_per_unit_counts_equal_a_row_by_row_reading(app_ctx, factory, world, seed):
    rng = random.Random(seed)
    _seed(rng, factory, world, 300)
    stored = list(Assignment.select())  # with the world's own three
    today = get_clock().today()
    for query in PERIODS:
        args = MultiDict([kv.split("=", 1) for kv in query.split("&")])
        params, errors, _raw = parse(args, today)
        assert not errors, errors
        summary = report.summary(params, today, world.leader, trend=False)
        as_of = date.fromisoformat(summary["as_of"])
        mine = _in_scope(stored, dict(args).get("scope", ""))
        expected = _by_hand(mine, params.start, params.end, as_of)
        assert expected, query  # the data set reaches every period
        got = {
            r["unit_id"]: {k: r[k] for k in next(iter(expected.values()))} for r in summary["rows"]
        }
        assert got == expected, query
        # Units in display order: departments, wards, agencies; then sort order and name.
        order = [
            u.id
            for u in Unit.ordered()
            if u.id in expected  # only units with work in the period
        ]
        assert [r["unit_id"] for r in summary["rows"]] == order, query
        totals = summary["totals"]
        assert totals["assigned"] == sum(r["assigned"] for r in expected.values())
        assert totals["late_days"] == sum(r["late_days"] for r in expected.values())


@pytest.mark.parametrize("seed", [5, 6])
def test_monthly_trend_equals_a_row_by_row_reading(app_ctx, factory, world, seed):
    """The trend of completions (on time, late) and statistics deadlines per month: on
    PostgreSQL counted in the summary's own pass, on its own (the trend chart) on both."""
    _seed(random.Random(seed), factory, world, 300)
    stored = list(Assignment.select())
    today = get_clock().today()
    reached: set[str] = set()
    for query in PERIODS:
        args = MultiDict([kv.split("=", 1) for kv in query.split("&")])
        params, errors, _raw = parse(args, today)
        assert not errors, errors
        as_of = params.as_of(today)
        mine = _in_scope(stored, dict(args).get("scope", ""))
        expected = _trend_by_hand(mine, params.start, params.end, as_of)
        reached.update(k for m in expected for k, v in m.items() if k != "month" and v)
        assert report.summary(params, today, world.leader)["trend"] == expected, query
        assert queries.trend(params, as_of, world.leader) == expected, query
        # An officer sees the same months, counted over the work visible to them.
        officer = report.summary(params, today, world.officer_a)["trend"]
        assert officer == queries.trend(params, as_of, world.officer_a), query
    assert reached == {"done_on_time", "done_late", "due"}  # the data set reaches each


def test_the_list_count_is_the_list_length(app_ctx, factory, world):
    _seed(random.Random(3), factory, world, 120)
    today = get_clock().today()
    for query in [*PERIODS, "period=year&year=2026&scope=field:thu_tuc"]:
        args = MultiDict([kv.split("=", 1) for kv in query.split("&")])
        params, errors, _raw = parse(args, today)
        assert not errors, errors
        for user in (world.leader, world.officer_a):
            rows = report.detail_rows(params, today, user)
            assert report.detail_count(params, today, user) == len(rows), query
            assert rows or "officer" in user.role, query  # the leader sees work everywhere
