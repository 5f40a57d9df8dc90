"""Timeliness rules (docs/domain.md): the Python and SQL forms agree, boundaries in Hà Nội time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracker.core import timeliness
from tracker.core.clock import Clock
from tracker.models import Assignment

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 5, 15)


@pytest.mark.parametrize(
    ("status", "deadline", "completed", "expected"),
    [
        ("new", date(2026, 5, 30), None, "on_time"),
        ("in_progress", date(2026, 5, 19), None, "on_time"),
        ("in_progress", date(2026, 5, 18), None, "due_soon"),
        ("in_progress", TODAY, None, "due_soon"),
        ("submitted", date(2026, 5, 14), None, "overdue"),
        ("returned", date(2026, 4, 1), None, "overdue"),
        ("paused", date(2026, 4, 1), None, "overdue"),
        ("new", None, None, "no_deadline"),
        ("done", date(2026, 5, 10), date(2026, 5, 10), "done_on_time"),
        ("done", date(2026, 5, 10), date(2026, 5, 11), "done_late"),
        ("done", None, date(2026, 5, 11), "done_on_time"),
        ("cancelled", date(2026, 4, 1), None, None),
    ],
)
def test_classify(status, deadline, completed, expected):
    assert timeliness.classify(status, deadline, completed, TODAY, 3) == expected


def test_days_late_and_bands():
    assert timeliness.days_late("in_progress", date(2026, 5, 10), None, TODAY) == 5
    assert timeliness.days_late("done", date(2026, 5, 10), date(2026, 5, 12), TODAY) == 2
    assert timeliness.days_late("new", date(2026, 5, 20), None, TODAY) == 0
    assert [timeliness.overdue_band(d) for d in (0, 1, 7, 8, 30, 31)] == [
        "",
        "1–7",
        "1–7",
        "8–30",
        "8–30",
        ">30",
    ]


def test_deadline_boundary_in_configured_zone():
    clock = Clock("Asia/Ho_Chi_Minh")
    last_second = datetime(2026, 5, 15, 23, 59, 59, tzinfo=HCM)
    clock.set(last_second.astimezone(UTC))
    assert clock.today() == date(2026, 5, 15)
    assert timeliness.classify("new", date(2026, 5, 15), None, clock.today(), 3) == "due_soon"
    clock.set((last_second + timedelta(seconds=1)).astimezone(UTC))
    assert clock.today() == date(2026, 5, 16)
    assert timeliness.classify("new", date(2026, 5, 15), None, clock.today(), 3) == "overdue"
    assert clock.end_of_day(date(2026, 5, 15)) < datetime(2026, 5, 16, tzinfo=HCM)


def test_sql_conditions_agree_with_python(factory, world):
    """Every category's SQL condition selects exactly the rows ``classify`` puts in it."""
    cases = [
        ("new", date(2026, 6, 30), None),
        ("in_progress", date(2026, 5, 18), None),
        ("in_progress", TODAY, None),
        ("submitted", date(2026, 5, 14), None),
        ("new", None, None),
        ("done", date(2026, 5, 10), date(2026, 5, 10)),
        ("done", date(2026, 5, 10), date(2026, 5, 11)),
        ("done", None, date(2026, 5, 1)),
        ("cancelled", date(2026, 4, 1), None),
        ("paused", date(2026, 5, 1), None),
    ]
    ids = {}
    for status, deadline, completed in cases:
        task = factory.task(world.meeting, deadline=deadline)
        a = factory.assignment(task, world.ward_a, status=status, completed_on=completed)
        ids[a.id] = timeliness.classify(status, deadline, completed, TODAY, 3)
    for category in timeliness.ORDER:
        selected = {
            a.id
            for a in Assignment.select(Assignment.id).where(
                timeliness.condition(Assignment, category, TODAY, 3),
                Assignment.id.in_(list(ids)),
            )
        }
        assert selected == {i for i, c in ids.items() if c == category}, category
