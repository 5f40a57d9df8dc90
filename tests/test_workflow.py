"""The status graph's guards: stale decisions are refused; completion dates from submission."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tracker.assignments.workflow import WorkflowError, change_status, post_report
from tracker.models import Assignment, AuditEvent, ProgressReport


def test_second_of_two_concurrent_decisions_is_refused(app_ctx, world):
    Assignment.update(status="submitted").where(Assignment.id == world.assignment_a.id).execute()
    seen_by_leader = Assignment.get_by_id(world.assignment_a.id)
    seen_by_admin = Assignment.get_by_id(world.assignment_a.id)
    change_status(seen_by_leader, world.leader, "done")
    events = AuditEvent.select().count()
    with pytest.raises(WorkflowError, match="người khác"):
        change_status(seen_by_admin, world.admin, "returned", "Thiếu minh chứng")
    assert Assignment.get_by_id(world.assignment_a.id).status == "done"
    assert AuditEvent.select().count() == events


def test_report_on_work_closed_meanwhile_writes_nothing(app_ctx, world):
    stale = Assignment.get_by_id(world.assignment_a.id)
    Assignment.update(status="cancelled").where(Assignment.id == stale.id).execute()
    with pytest.raises(WorkflowError):
        post_report(stale, world.officer_a, "Đã làm", 50)
    assert ProgressReport.select().count() == 0
    assert Assignment.get_by_id(stale.id).progress == 0


def test_completion_time_is_the_submission_time(app_ctx, world, clock):
    """Submitted on the deadline day, confirmed two days later: done on time."""
    a = Assignment.get_by_id(world.assignment_a.id)  # deadline 30/05/2026
    change_status(a, world.officer_a, "in_progress")
    submitted = datetime(2026, 5, 30, 16, 0, tzinfo=UTC)  # 23:00 in Hà Nội
    clock.set(submitted)
    change_status(a, world.officer_a, "submitted")
    clock.set(submitted + timedelta(days=2))
    change_status(a, world.leader, "done")
    a = Assignment.get_by_id(a.id)
    assert a.completed_at == submitted and a.completed_on == date(2026, 5, 30)
    assert a.category() == "done_on_time"
