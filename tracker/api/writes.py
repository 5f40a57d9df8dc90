"""Writing: new tasks of a meeting, giving a task to more units, progress reports.

A JSON body is first checked for shape (400, naming the field), then passed as form data to
the very forms the pages use (so every rule and message is the same: 422 naming the field),
then to the same domain functions (so audit events, mails and guarded transitions are too).
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from tracker.api import api_user, bp, serialize
from tracker.api.reads import ID, assignments_of, hidden, visible_assignment
from tracker.api.validation import ApiError, check_args, check_body
from tracker.assignments import workflow
from tracker.assignments.forms import TEXT_MAX, ReportForm
from tracker.core.db import database
from tracker.followup import drafts
from tracker.models import DEADLINE_KINDS, FIELDS, REPORT_CADENCES, Assignment, Meeting, Task
from tracker.policy import can, visible_meetings, visible_tasks
from tracker.tasks.creation import create_task, give_units
from tracker.tasks.forms import AssignForm, TaskCreateForm
from tracker.tasks.workdays import MAX_WORKING_DAYS

IDS = {"type": "array", "items": ID, "maxItems": 500, "uniqueItems": True}

# The same rule as the task form (tracker/tasks/forms.py, UnitChoice): lead and coordinating
# units are chosen apart, and a unit may not be both (422 naming the field).
UNIT_CHOICE = {
    "lead": {
        "type": ["integer", "array", "null"],
        "minimum": 1,
        "maximum": ID["maximum"],
        "items": ID,
        "maxItems": IDS["maxItems"],
        "uniqueItems": True,
        "description": "The lead unit (chủ trì), or a list of units leading together "
        "(cùng chủ trì, each in its own area).",
    },
    "lead_groups": {**IDS, "description": "Unit groups whose every member leads (cùng chủ trì)."},
    "units": {**IDS, "description": "Coordinating units (phối hợp); never made leads."},
    "groups": {
        **IDS,
        "description": "Coordinating unit groups; a member also chosen as lead leads.",
    },
}

TASK_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title"],
    "properties": {
        "number": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100000,
            "description": "Number within the meeting (default: the next one).",
        },
        "title": {"type": "string", "minLength": 1, "maxLength": 300},
        "content": {"type": "string", "maxLength": 20000},
        "field": {"type": "string", "enum": list(FIELDS)},
        "deadline_kind": {"type": "string", "enum": list(DEADLINE_KINDS)},
        "deadline": {
            "type": ["string", "null"],
            "format": "date",
            "description": "Not before the meeting's date nor its notice's (else 422).",
        },
        "working_days": {
            "type": ["integer", "null"],
            "minimum": 1,
            "maximum": MAX_WORKING_DAYS,
            "description": "Or: N working days from the notice date.",
        },
        "report_cadence": {"type": ["string", "null"], "enum": [*REPORT_CADENCES, None]},
        **UNIT_CHOICE,
    },
}

ASSIGN_BODY = {
    "type": "object",
    "additionalProperties": False,
    "properties": dict(UNIT_CHOICE),
}

REPORT_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["text", "progress"],
    "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": TEXT_MAX},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "difficulties": {"type": "string", "maxLength": TEXT_MAX},
        "proposals": {"type": "string", "maxLength": TEXT_MAX},
    },
}


def _formdata(values: dict[str, Any]) -> MultiDict:
    """JSON values as the strings a browser's form would send."""
    data = MultiDict()
    for name, value in values.items():
        if value is None or value is False:
            continue
        if value is True:
            data.add(name, "y")
        elif isinstance(value, list):
            for item in value:
                data.add(name, str(item))
        else:
            data.add(name, value.isoformat() if hasattr(value, "isoformat") else str(value))
    return data


def _refused(form) -> ApiError:
    """The form's errors, one message per field, as a 422."""
    fields = {}
    for name, messages in form.errors.items():
        if messages:
            fields[name or "body"] = str(messages[0])
    return ApiError(422, "validation_failed", _("Dữ liệu không hợp lệ."), fields)


def _forbidden() -> ApiError:
    return ApiError(403, "forbidden", _("Bạn không có quyền thực hiện thao tác này."))


def _workflow_refused(exc: workflow.WorkflowError) -> ApiError:
    fields = {exc.field: _(exc.message)} if exc.field else {}
    return ApiError(409, "conflict", _(exc.message), fields)


@bp.post("/meetings/<int:meeting_id>/tasks")
def create_meeting_task(meeting_id: int):
    """A new task of a meeting, given to its units in the same step (as the page does)."""
    user = api_user()
    meeting = visible_meetings(user).where(Meeting.id == meeting_id).get_or_none()
    if meeting is None:
        raise hidden(Meeting, meeting_id)
    if not can(user, "task.create"):
        raise _forbidden()
    check_args()
    values = check_body(TASK_BODY)
    values.setdefault("number", Task.next_number(meeting))
    form = TaskCreateForm(formdata=_formdata(values), meta={"csrf": False})
    form.set_unit_choices()
    form.meeting = meeting
    if not form.validate():
        raise _refused(form)
    task, _created = create_task(meeting, user, form.task_values(), form)
    body = serialize.task(task)
    body["assignments"] = [serialize.assignment(a) for a in assignments_of([task.id])]
    return jsonify(body), 201


@bp.post("/tasks/<int:task_id>/assignments")
def assign_task(task_id: int):
    """Give a task to more units; units that already have it are left as they are."""
    user = api_user()
    task = visible_tasks(user).where(Task.id == task_id).get_or_none()
    if task is None:
        raise hidden(Task, task_id)
    if not can(user, "task.assign"):
        raise _forbidden()
    check_args()
    values = check_body(ASSIGN_BODY)
    has_lead = (
        Assignment.select().where(Assignment.task == task, Assignment.role == "lead").exists()
    )
    form = AssignForm(formdata=_formdata(values), has_lead=has_lead, meta={"csrf": False})
    form.set_unit_choices()
    if not form.validate():
        raise _refused(form)
    with database.atomic():
        created = give_units(task, user, form)
    ids = {a.id for a in created}
    rows = [a for a in assignments_of([task.id]) if a.id in ids]
    return jsonify({"created": [serialize.assignment(a) for a in rows]}), 201 if rows else 200


@bp.post("/assignments/<int:assignment_id>/reports")
def post_report(assignment_id: int):
    """A progress report by one of the unit's own officers."""
    user = api_user()
    a = visible_assignment(assignment_id)
    if not can(user, "assignment.report", a):
        raise _forbidden()
    check_args()
    values = check_body(REPORT_BODY)
    form = ReportForm(formdata=_formdata(values), meta={"csrf": False})
    if not form.validate():
        raise _refused(form)
    try:
        # A handler's report waits for the unit head (tracker/followup/drafts.py): the API
        # posts straight up only what may go straight up, and says so otherwise.
        if drafts.needs_approval(a, user):
            raise workflow.WorkflowError(drafts.USE_PAGE)
        report = workflow.post_report(
            a,
            user,
            text=form.text.data.strip(),
            progress=form.progress.data,
            difficulties=(form.difficulties.data or "").strip(),
            proposals=(form.proposals.data or "").strip(),
        )
    except workflow.WorkflowError as exc:
        raise _workflow_refused(exc) from None
    fresh = visible_assignment(assignment_id)
    return jsonify(
        {"report": serialize.report(report), "assignment": serialize.assignment(fresh)}
    ), 201
