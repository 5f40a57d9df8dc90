"""The rows of the weekly digests' items as plain objects (``digest_items`` reads them).

A run lists tens of thousands of items: a peewee model of each of the three joined tables per
row, every column passed through its field, cost more than the query. These objects carry what
a mail's line reads, each meeting made once and each distinct date converted once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from peewee import Select

from tracker.core.db import database
from tracker.models import Assignment


class _Meeting:
    """The meeting of a digest's item: what its line shows."""

    __slots__ = ("id", "title", "notice_number", "notice_date")

    def __init__(self, id: int, title: str, notice_number: str, notice_date: date | None):
        self.id, self.title = id, title
        self.notice_number, self.notice_date = notice_number, notice_date


class _Task:
    """The task of a digest's item: what its line and its reporting cadence need."""

    __slots__ = ("id", "title", "meeting_id", "meeting", "report_cadence")

    def __init__(self, id: int, title: str, meeting: _Meeting | None, report_cadence: str):
        self.id, self.title, self.report_cadence = id, title, report_cadence
        self.meeting_id = meeting.id if meeting is not None else None
        self.meeting = meeting


class _Item:
    """One row of ``_work``: the assignment's columns a line reads, its task and meeting, and
    ``ranked`` (its section and the section's size), as the joined models would give them."""

    __slots__ = (
        "id",
        "task_id",
        "unit_id",
        "role",
        "status",
        "progress",
        "deadline",
        "last_report_at",
        "created_at",
        "deadline_kind",
        "task",
        "unit",
        "ranked",
    )


def rows(query: Select) -> list[_Item]:
    """The rows of ``_work`` as plain objects, each meeting made once.

    Tens of thousands of rows: a model of each of the three joined tables per row, and every
    column passed through its field, cost more than the query. Only the dates and instants
    need converting (SQLite gives them as text), each distinct date once; an instant's text
    is read by ``instant``.
    """
    meetings: dict[int, _Meeting] = {}
    dates: dict[object, date | None] = {None: None}
    to_date = Assignment.deadline.python_value
    found = []
    for (
        aid,
        task_id,
        unit_id,
        role,
        status,
        progress,
        deadline,
        last_report_at,
        created_at,
        deadline_kind,
        _task_id,
        title,
        meeting_id,
        report_cadence,
        _meeting_id,
        meeting_title,
        notice_number,
        notice_date,
        section,
        total,
    ) in database.execute(query):
        if deadline not in dates:
            dates[deadline] = to_date(deadline)
        meeting = None
        if meeting_id is not None:
            meeting = meetings.get(meeting_id)
            if meeting is None:
                meeting = meetings[meeting_id] = _Meeting(
                    meeting_id, meeting_title, notice_number, to_date(notice_date)
                )
        row = _Item()
        row.id, row.task_id, row.unit_id = aid, task_id, unit_id
        row.role, row.status, row.progress = role, status, progress
        row.deadline = dates[deadline]
        row.last_report_at = instant(last_report_at)
        row.created_at = instant(created_at)
        row.deadline_kind = deadline_kind
        row.task = _Task(task_id, title, meeting, report_cadence)
        row.unit = None
        row.ranked = {"section": section, "total": total}
        found.append(row)
    return found


def instant(value: object) -> datetime | None:
    """An instant column's value as its field gives it (``InstantField``: aware, UTC), the
    text SQLite keeps ("2026-05-04 08:30:00.123456") read without ``strptime``."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is None and len(value) >= 19:
            return parsed.replace(tzinfo=UTC)
    return Assignment.created_at.python_value(value)
