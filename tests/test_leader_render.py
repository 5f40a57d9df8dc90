"""The leader's pages do work in proportion to what they show, not to the database (issue 13).

Timing-independent: SQLite's virtual machine steps (``set_progress_handler``) and the SQL text
of the statements stand in for milliseconds, so a shared, busy machine cannot make them flaky.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from unittest import mock

import pytest

from tracker.core import db
from tracker.meetings.views import task_counts
from tracker.models import Assignment, Task


def _vm_steps(call: Callable[[], object]) -> int:
    """How many SQLite VM instructions (in tens) ``call`` makes the database run."""
    connection = db.database.connection()
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    connection.set_progress_handler(tick, 10)
    try:
        call()
    finally:
        connection.set_progress_handler(None, 10)
    return steps[0]


def _statements(call: Callable[[], object]) -> list[str]:
    database = db.database.obj
    with mock.patch.object(database, "execute_sql", wraps=database.execute_sql) as spy:
        call()
    return [c.args[0] for c in spy.call_args_list]


def _more_tasks_elsewhere(factory, world, n: int) -> None:
    """``n`` more tasks of ward A (lead, with ward B coordinating) in a meeting of its own."""
    meeting = factory.meeting("Họp cũ", held_on=date(2025, 1, 6))
    number = Task.next_number(meeting)
    for i in range(n):
        task = Task.create(
            meeting=meeting,
            number=number + i,
            title=f"Nhiệm vụ cũ {i}",
            deadline_kind="none",
            created_at=world.task.created_at,
            updated_at=world.task.updated_at,
        )
        factory.assignment(task, world.ward_a, role="lead")
        factory.assignment(task, world.ward_b, role="coordinating")


@pytest.mark.sqlite_only
def test_meeting_counts_read_only_the_pages_meetings(app_ctx, factory, world):
    """An officer's counts per meeting (the meetings list) cost the same however many tasks
    their unit holds in meetings that are not on the page."""
    page = [world.meeting.id]
    expected = task_counts(world.officer_a, page)
    _more_tasks_elsewhere(factory, world, 20)
    few = _vm_steps(lambda: task_counts(world.officer_a, page))
    _more_tasks_elsewhere(factory, world, 400)
    many = _vm_steps(lambda: task_counts(world.officer_a, page))
    assert task_counts(world.officer_a, page) == expected
    assert many < few * 1.5, (few, many)


def test_meeting_list_counts_with_no_subquery_over_every_task(client, auth, world):
    """The leader's meetings list counts tasks of the page's meetings: its counting statement
    reads ``task`` once (no ``IN (SELECT id FROM task)`` over the whole table)."""
    auth.login("lanhdao")
    statements = _statements(lambda: client.get("/meetings"))
    # (The navigation's queue counts the units' work by unit, from assignments alone.)
    counting = [s for s in statements if '"assignment"' in s and "GROUP BY" in s and "task" in s]
    assert counting, statements
    for sql in counting:
        assert sql.count('FROM "task"') == 1, sql


def test_meeting_counts_as_before(app_ctx, factory, world):
    """What the counts say, for a leader and for officers (their unit's tasks, the pairs)."""
    done = factory.assignment(factory.task(world.meeting, "Xong"), world.ward_a, status="done")
    factory.task(world.meeting, "Chưa giao")
    Assignment.update(role="lead").where(Assignment.id == world.assignment_a.id).execute()
    Assignment.update(role="coordinating").where(Assignment.id == world.assignment_b.id).execute()
    page = [world.meeting.id]
    assert task_counts(world.leader, page) == {
        world.meeting.id: {"tasks": 4, "total": 4, "done": 1}
    }
    assert task_counts(world.officer_a, page) == {
        world.meeting.id: {"tasks": 2, "total": 3, "done": 1}
    }
    assert task_counts(world.officer_dept, page) == {
        world.meeting.id: {"tasks": 1, "total": 1, "done": 0}
    }
    assert done.status == "done"


def test_submitted_queue_counts_and_sorts_ids_then_reads_its_page(client, auth, factory, world):
    """The "Chờ xác nhận" queue counts and sorts the waiting work's ids without joins, then
    reads the task, meeting and unit of the page's twelve rows only."""
    for i in range(15):
        task = factory.task(world.meeting, f"Nhiệm vụ chờ xác nhận {i}")
        factory.assignment(
            task, world.ward_a, status="submitted", submitted_at=world.task.created_at
        )
    auth.login("lanhdao")
    statements = _statements(lambda: client.get("/queues/submitted"))
    wide = [s for s in statements if '"title"' in s and '"assignment"' in s]
    assert len(wide) == 1, statements
    assert '"id" IN (' in wide[0], wide[0]
    assert '"conclusion"' not in wide[0]  # the meeting's title only
    counting = [s for s in statements if "COUNT" in s and "extension_request" not in s]
    assert counting, statements
    for sql in counting:
        assert "JOIN" not in sql, sql


def test_dashboard_list_counts_and_sorts_ids_without_joining_units(client, auth, world):
    """The list behind the overview's numbers chooses its page on the assignment table alone
    (the active units a subquery of their ids); sorted by unit, it joins the unit."""
    auth.login("lanhdao")
    statements = _statements(lambda: client.get("/dashboard/assignments"))
    not_cancelled = re.compile(r'"status" (!=|<>) (\?|%s)')  # the list's own condition
    listed = [s for s in statements if not_cancelled.search(s)]
    ids = [s for s in listed if s.startswith(("SELECT COUNT(1)", 'SELECT "t1"."id" FROM'))]
    assert len(ids) == 2, listed
    for sql in ids:
        assert "JOIN" not in sql, sql
    by_unit = _statements(lambda: client.get("/dashboard/assignments?sort=unit"))
    assert any('SELECT "t1"."id" FROM "assignment"' in s and "JOIN" in s for s in by_unit)


def test_report_counts_per_unit_without_joining_tasks(client, auth, world):
    """The report's counts per unit and per month read assignments and units: the task is
    joined only when the scope is a field or a meeting (a lookup per assignment otherwise)."""
    auth.login("lanhdao")
    statements = _statements(lambda: client.get("/reports/"))
    grouped = [s for s in statements if "GROUP BY" in s and '"assignment"' in s]
    assert grouped, statements
    for sql in grouped:
        assert '"task"' not in sql, sql
    scoped = _statements(lambda: client.get(f"/reports/?scope=meeting:{world.meeting.id}"))
    grouped = [s for s in scoped if "GROUP BY" in s and '"assignment"' in s]
    assert grouped and all('"task"' in s for s in grouped), scoped


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_fast_numbers_read_as_babel_writes_them(app, locale):
    """The report's and the overview's figures read as Babel writes them, in both languages
    (rounding half to even, groups, the sign of a negative zero)."""
    import random

    from flask_babel import force_locale, format_decimal, format_percent

    from tracker.web.numbers import decimal_text, percent_text

    rng = random.Random(13)
    values = [0, 0.0, -0.0, -0.04, 0.05, 0.15, 0.25, 0.6665, 2 / 3, 999.95, 1234567.25, 1e-7]
    values += [rng.uniform(-5000, 5000) for _ in range(500)] + [rng.random() for _ in range(500)]
    values += [round(rng.uniform(0, 100), 2) for _ in range(300)]
    with app.test_request_context(), force_locale(locale):
        for value in values:
            assert decimal_text(value) == format_decimal(value, "#,##0.0"), value
            assert percent_text(value) == format_percent(value, "#,##0.0%"), value
        assert decimal_text(None) == percent_text(None) == "—"


@pytest.mark.parametrize("path", ["/", "/dashboard/assignments", "/queues/submitted"])
def test_leader_lists_read_only_the_columns_they_show(client, auth, world, path):
    """The rows of the leader's lists show a task's title and a meeting's title: no statement
    reads a task's content or a meeting's conclusion (pages of text, per row)."""
    Assignment.update(status="submitted").where(Assignment.id == world.assignment_a.id).execute()
    Assignment.update(stats_deadline=date(2026, 1, 5), deadline=date(2026, 1, 5)).where(
        Assignment.id == world.assignment_b.id
    ).execute()
    auth.login("lanhdao")
    statements = _statements(lambda: client.get(path))
    listed = [s for s in statements if '"assignment"' in s and '"title"' in s]
    assert listed, statements
    for sql in listed:
        assert '"conclusion"' not in sql and '"content"' not in sql, sql
