"""Reading: lists with filters and pages, and single meetings, tasks and assignments.

Every query starts from what the token's user may see (``tracker.policy``); an object
outside it is answered 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from peewee import fn

from tracker.api import api_user, bp, serialize
from tracker.api.validation import ApiError, check_args
from tracker.assignments.queries import listing
from tracker.core import timeliness
from tracker.core.params import MAX_ID
from tracker.models import (
    DEADLINE_KINDS,
    FIELDS,
    STATUSES,
    Assignment,
    Meeting,
    ProgressReport,
    Task,
    Unit,
)
from tracker.models.assignments import ROLES as ASSIGNMENT_ROLES
from tracker.policy import can, visible_assignments, visible_meetings, visible_tasks
from tracker.web.security_errors import audit_denied

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DATE = {"type": "string", "format": "date"}


def _arg(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PAGING = [
    _arg(
        "page",
        {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1},
        "Page number, from 1.",
    ),
    _arg(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
        "Items per page (at most 100).",
    ),
    _arg("q", {"type": "string", "maxLength": 200}, "Text search (case-insensitive)."),
]

MEETING_ARGS = [
    *PAGING,
    _arg("held_from", DATE, "Meetings held on or after this date."),
    _arg("held_to", DATE, "Meetings held on or before this date."),
]

TASK_ARGS = [
    *PAGING,
    _arg("meeting", ID, "Tasks of this meeting."),
    _arg("unit", ID, "Tasks given to this unit."),
    _arg("field", {"type": "string", "enum": list(FIELDS)}, "Reform field (lĩnh vực)."),
    _arg("deadline_kind", {"type": "string", "enum": list(DEADLINE_KINDS)}, "Deadline kind."),
    _arg("deadline_from", DATE, "Deadline on or after this date."),
    _arg("deadline_to", DATE, "Deadline on or before this date."),
]

ASSIGNMENT_ARGS = [
    *PAGING,
    _arg("status", {"type": "string", "enum": list(STATUSES)}, "Work status."),
    _arg(
        "category",
        {"type": "string", "enum": list(timeliness.ORDER)},
        "Timeliness category now (against the statistics deadline).",
    ),
    _arg("role", {"type": "string", "enum": list(ASSIGNMENT_ROLES)}, "Lead or coordinating."),
    _arg("unit", ID, "Assignments of this unit."),
    _arg("meeting", ID, "Assignments of this meeting's tasks."),
    _arg("task", ID, "Assignments of this task."),
    _arg("deadline_from", DATE, "Current deadline on or after this date."),
    _arg("deadline_to", DATE, "Current deadline on or before this date."),
]


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Không tìm thấy dữ liệu yêu cầu."))


def hidden(model, row_id: int) -> ApiError:
    """404 for a row the token's user may not read; if it exists, an audited refusal."""
    if model.select().where(model.id == row_id).exists():
        audit_denied()
    return not_found()


def _page(query, args: dict[str, Any], dump) -> Any:
    total = query.order_by().count()
    rows = query.paginate(args["page"], args["per_page"])
    return jsonify(serialize.page([dump(r) for r in rows], args["page"], args["per_page"], total))


def _contains(*fields):
    return lambda needle: _any(fn.LOWER(f).contains(needle) for f in fields)


def _any(conditions):
    conditions = list(conditions)
    result = conditions[0]
    for condition in conditions[1:]:
        result = result | condition
    return result


def _needle(args: dict[str, Any]) -> str:
    return (args.get("q") or "").strip().lower()


@bp.get("/me")
def me():
    """The token's user: role and unit."""
    check_args()
    user = api_user()
    return jsonify(
        {
            "id": user.id,
            "username": user.username,
            "full_name": user.full_name,
            "role": user.role,
            "unit": serialize.unit(user.unit) if user.unit_id else None,
        }
    )


@bp.get("/units")
def units():
    """The active units (what tasks can be given to)."""
    check_args()
    rows = Unit.active_ordered()
    return jsonify({"items": [serialize.unit(u) for u in rows]})


@bp.get("/meetings")
def meetings():
    args = check_args(MEETING_ARGS)
    query = visible_meetings(api_user())
    if needle := _needle(args):
        query = query.where(
            _contains(Meeting.title, Meeting.notice_number, Meeting.conclusion)(needle)
        )
    if args["held_from"]:
        query = query.where(Meeting.held_on >= args["held_from"])
    if args["held_to"]:
        query = query.where(Meeting.held_on <= args["held_to"])
    query = query.order_by(Meeting.held_on.desc(), Meeting.id.desc())
    return _page(query, args, serialize.meeting)


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    row = visible_meetings(api_user()).where(Meeting.id == meeting_id).get_or_none()
    if row is None:
        raise hidden(Meeting, meeting_id)
    check_args()
    return jsonify(serialize.meeting(row))


@bp.get("/tasks")
def tasks():
    args = check_args(TASK_ARGS)
    query = visible_tasks(api_user())
    if needle := _needle(args):
        query = query.where(_contains(Task.title, Task.content)(needle))
    if args["meeting"]:
        query = query.where(Task.meeting == args["meeting"])
    if args["unit"]:
        given = Assignment.select(Assignment.task).where(Assignment.unit == args["unit"])
        query = query.where(Task.id.in_(given))
    for name in ("field", "deadline_kind"):
        if args[name]:
            query = query.where(getattr(Task, name) == args[name])
    if args["deadline_from"]:
        query = query.where(Task.deadline >= args["deadline_from"])
    if args["deadline_to"]:
        query = query.where(Task.deadline <= args["deadline_to"])
    query = query.order_by(Task.meeting, Task.number, Task.id)
    return _page(query, args, serialize.task)


def assignments_of(task_ids) -> list[Assignment]:
    """The assignments of ``task_ids`` that the token's user may open (``visible_assignments``)."""
    return list(
        visible_assignments(api_user(), listing())
        .where(Assignment.task.in_(task_ids))
        .order_by(Assignment.task, Unit.kind_order(), Unit.sort_order, Unit.name)
    )


@bp.get("/tasks/<int:task_id>")
def task(task_id: int):
    """A task with the assignments the user may open (those the task page shows in full)."""
    row = visible_tasks(api_user()).where(Task.id == task_id).get_or_none()
    if row is None:
        raise hidden(Task, task_id)
    check_args()
    body = serialize.task(row)
    body["assignments"] = [serialize.assignment(a) for a in assignments_of([row.id])]
    return jsonify(body)


@bp.get("/assignments")
def assignments():
    args = check_args(ASSIGNMENT_ARGS)
    user = api_user()
    query = visible_assignments(user, listing())
    if needle := _needle(args):
        query = query.where(_contains(Task.title, Unit.name, Unit.short_name)(needle))
    for name in ("status", "role", "unit", "task"):
        if args[name]:
            query = query.where(getattr(Assignment, name) == args[name])
    if args["meeting"]:
        query = query.where(Task.meeting == args["meeting"])
    if args["category"]:
        query = query.where(Assignment.in_category(args["category"]))
    if args["deadline_from"]:
        query = query.where(Assignment.deadline >= args["deadline_from"])
    if args["deadline_to"]:
        query = query.where(Assignment.deadline <= args["deadline_to"])
    query = query.order_by(Assignment.id)
    return _page(query, args, serialize.assignment)


def visible_assignment(assignment_id: int) -> Assignment:
    """The assignment if the token's user may read it (as the assignment page), else 404."""
    row = listing().where(Assignment.id == assignment_id).get_or_none()
    if row is None:
        raise not_found()
    if not can(api_user(), "assignment.view", row):
        audit_denied()
        raise not_found()
    return row


@bp.get("/assignments/<int:assignment_id>")
def assignment(assignment_id: int):
    """An assignment with its progress reports, newest first."""
    row = visible_assignment(assignment_id)
    check_args()
    body = serialize.assignment(row)
    reports = (
        ProgressReport.select()
        .where(ProgressReport.assignment == row.id)
        .order_by(ProgressReport.created_at.desc(), ProgressReport.id.desc())
    )
    body["reports"] = [serialize.report(r) for r in reports]
    return jsonify(body)
