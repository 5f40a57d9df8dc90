"""Rows as JSON objects: dates as YYYY-MM-DD, instants as ISO 8601 with their UTC offset."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tracker.models import Assignment, Meeting, ProgressReport, Task, Unit


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def instant(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def unit(u: Unit) -> dict[str, Any]:
    return {
        "id": u.id,
        "name": u.name,
        "short_name": u.short_name,
        "kind": u.kind,
        "active": bool(u.active),
    }


def meeting(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.id,
        "title": m.title,
        "held_on": day(m.held_on),
        "place": m.place,
        "chair_name": m.chair_name,
        "chair_title": m.chair_title,
        "attendees": m.attendees,
        "notice_number": m.notice_number,
        "notice_date": day(m.notice_date),
        "conclusion": m.conclusion,
        "created_at": instant(m.created_at),
        "updated_at": instant(m.updated_at),
    }


def task(t: Task) -> dict[str, Any]:
    return {
        "id": t.id,
        "meeting_id": t.meeting_id,
        "number": t.number,
        "title": t.title,
        "content": t.content,
        "field": t.field,
        "deadline_kind": t.deadline_kind,
        "deadline": day(t.deadline),
        "working_days": t.working_days,
        "report_cadence": t.report_cadence or None,
        "evidence_required": bool(t.evidence_required),
        "created_at": instant(t.created_at),
        "updated_at": instant(t.updated_at),
    }


def assignment(a: Assignment) -> dict[str, Any]:
    """An assignment with its unit, task title and timeliness category now."""
    return {
        "id": a.id,
        "task_id": a.task_id,
        "task_title": a.task.title,
        "meeting_id": a.task.meeting_id,
        "unit": unit(a.unit),
        "role": a.role,
        "status": a.status,
        "progress": a.progress,
        "deadline_kind": a.deadline_kind,
        "deadline": day(a.deadline),
        "original_deadline": day(a.original_deadline),
        "stats_deadline": day(a.stats_deadline),
        "category": a.category(),
        "days_late": a.days_late(),
        "extension_count": a.extension_count,
        "urge_count": a.urge_count,
        "submitted_at": instant(a.submitted_at),
        "completed_at": instant(a.completed_at),
        "completed_on": day(a.completed_on),
        "last_report_at": instant(a.last_report_at),
        "created_at": instant(a.created_at),
        "updated_at": instant(a.updated_at),
    }


def report(r: ProgressReport) -> dict[str, Any]:
    return {
        "id": r.id,
        "assignment_id": r.assignment_id,
        "author_id": r.author_id,
        "text": r.text,
        "progress": r.progress,
        "difficulties": r.difficulties,
        "proposals": r.proposals,
        "created_at": instant(r.created_at),
    }


def page(items: list[dict[str, Any]], number: int, per_page: int, total: int) -> dict[str, Any]:
    return {
        "items": items,
        "page": number,
        "per_page": per_page,
        "total": total,
        "pages": max(1, -(-total // per_page)),
    }
