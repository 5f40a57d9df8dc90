"""The OpenAPI 3.1 description, built from the same parameter and body schemas the views check."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from tracker.api import HTTP_ERRORS, bp
from tracker.api.reads import ASSIGNMENT_ARGS, ID, MEETING_ARGS, TASK_ARGS
from tracker.api.writes import ASSIGN_BODY, REPORT_BODY, TASK_BODY
from tracker.core import timeliness
from tracker.models import DEADLINE_KINDS, FIELDS, REPORT_CADENCES, ROLES, STATUSES
from tracker.models.assignments import ROLES as ASSIGNMENT_ROLES

STR = {"type": "string"}
INT = {"type": "integer"}
DAY = {"type": ["string", "null"], "format": "date"}
INSTANT = {"type": "string", "format": "date-time"}
MAYBE_INSTANT = {"type": ["string", "null"], "format": "date-time"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(properties), "properties": properties}


UNIT = _object(
    {
        "id": INT,
        "name": STR,
        "short_name": STR,
        # The code of the unit's kind: the office's kinds are data (department, ward, agency in
        # the district; sector, commune in a province; …).
        "kind": {"type": "string", "description": "the code of the unit's kind"},
        "active": {"type": "boolean"},
    }
)
MEETING = _object(
    {
        "id": INT,
        "title": STR,
        "held_on": {"type": "string", "format": "date"},
        "place": STR,
        "chair_name": STR,
        "chair_title": STR,
        "attendees": STR,
        "notice_number": STR,
        "notice_date": DAY,
        "conclusion": STR,
        "created_at": INSTANT,
        "updated_at": INSTANT,
    }
)
TASK = _object(
    {
        "id": INT,
        "meeting_id": {"type": ["integer", "null"]},
        "number": INT,
        "title": STR,
        "content": STR,
        "field": {"type": "string", "enum": list(FIELDS)},
        "deadline_kind": {"type": "string", "enum": list(DEADLINE_KINDS)},
        "deadline": DAY,
        "working_days": {"type": ["integer", "null"]},
        "report_cadence": {"type": ["string", "null"], "enum": [*REPORT_CADENCES, None]},
        "evidence_required": {"type": "boolean"},
        "created_at": INSTANT,
        "updated_at": INSTANT,
    }
)
ASSIGNMENT = _object(
    {
        "id": INT,
        "task_id": INT,
        "task_title": STR,
        "meeting_id": {"type": ["integer", "null"]},
        "unit": _ref("Unit"),
        "role": {"type": "string", "enum": list(ASSIGNMENT_ROLES)},
        "status": {"type": "string", "enum": list(STATUSES)},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "deadline_kind": {"type": "string", "enum": list(DEADLINE_KINDS)},
        "deadline": DAY,
        "original_deadline": DAY,
        "stats_deadline": DAY,
        "category": {
            "type": ["string", "null"],
            "enum": [*timeliness.ORDER, None],
            "description": "Timeliness now; null for cancelled work.",
        },
        "days_late": {"type": "integer", "minimum": 0},
        "extension_count": INT,
        "urge_count": INT,
        "submitted_at": MAYBE_INSTANT,
        "completed_at": MAYBE_INSTANT,
        "completed_on": DAY,
        "last_report_at": MAYBE_INSTANT,
        "created_at": INSTANT,
        "updated_at": INSTANT,
    }
)
REPORT = _object(
    {
        "id": INT,
        "assignment_id": INT,
        "author_id": {"type": ["integer", "null"]},
        "text": STR,
        "progress": INT,
        "difficulties": STR,
        "proposals": STR,
        "created_at": INSTANT,
    }
)
ERROR = _object(
    {
        "error": _object(
            {
                "code": {"type": "string", "examples": ["invalid_request"]},
                "message": {
                    "type": "string",
                    "description": "Vietnamese (or the user's language).",
                },
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "Field or parameter name → what is wrong with it.",
                },
            }
        )
    }
)


def _page_of(name: str) -> dict[str, Any]:
    return _object(
        {
            "items": {"type": "array", "items": _ref(name)},
            "page": INT,
            "per_page": INT,
            "total": INT,
            "pages": INT,
        }
    )


SCHEMAS = {
    "Unit": UNIT,
    "Meeting": MEETING,
    "Task": TASK,
    "TaskDetail": {
        "allOf": [
            _ref("Task"),
            _object({"assignments": {"type": "array", "items": _ref("Assignment")}}),
        ]
    },
    "Assignment": ASSIGNMENT,
    "AssignmentDetail": {
        "allOf": [
            _ref("Assignment"),
            _object({"reports": {"type": "array", "items": _ref("Report")}}),
        ]
    },
    "Report": REPORT,
    "Error": ERROR,
    "MeetingPage": _page_of("Meeting"),
    "TaskPage": _page_of("Task"),
    "AssignmentPage": _page_of("Assignment"),
    "NewTask": TASK_BODY,
    "NewAssignments": ASSIGN_BODY,
    "NewReport": REPORT_BODY,
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(c): {"$ref": f"#/components/responses/E{c}"} for c in codes}


ID_PATH = {"in": "path", "required": True, "schema": ID}


def _get(summary, schema, parameters=(), path_id=None, errors=(400, 401)) -> dict[str, Any]:
    params = list(parameters)
    if path_id:
        params.append({"name": path_id, **ID_PATH})
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {"200": _json(schema, "OK"), **_errors(*errors)},
        }
    }


def _post(summary, body, schema, path_id, created="201", more=()) -> dict[str, Any]:
    responses = {created: _json(schema, "Created")}
    for code, description in more:
        responses[code] = _json(schema, description)
    return {
        "post": {
            "summary": summary,
            "parameters": [{"name": path_id, **ID_PATH}],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref(body)}},
            },
            "responses": {**responses, **_errors(400, 401, 403, 404, 413, 415, 422)},
        }
    }


def document() -> dict[str, Any]:
    me = _object(
        {
            "id": INT,
            "username": STR,
            "full_name": STR,
            "role": {"type": "string", "enum": list(ROLES)},
            "unit": {"oneOf": [_ref("Unit"), {"type": "null"}]},
        }
    )
    report_made = _object({"report": _ref("Report"), "assignment": _ref("Assignment")})
    created = _object({"created": {"type": "array", "items": _ref("Assignment")}})
    report_post = _post(
        "Post a progress report (the unit's own officers)",
        "NewReport",
        report_made,
        "assignment_id",
    )
    report_post["post"]["responses"].update(_errors(409))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Giao việc API",
            "version": "1.0.0",
            "description": (
                "Meetings, tasks and assignments, with the same permissions as the pages. "
                "Authenticate with a personal token made in the profile page: "
                "`Authorization: Bearer <token>`."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/me": _get("The token's user", me),
            "/units": _get(
                "Active units", _object({"items": {"type": "array", "items": _ref("Unit")}})
            ),
            "/meetings": _get("Meetings", _ref("MeetingPage"), MEETING_ARGS, errors=(400, 401)),
            "/meetings/{meeting_id}": _get(
                "One meeting", _ref("Meeting"), path_id="meeting_id", errors=(400, 401, 404)
            ),
            "/meetings/{meeting_id}/tasks": _post(
                "Create a task of a meeting and give it to units",
                "NewTask",
                _ref("TaskDetail"),
                "meeting_id",
            ),
            "/tasks": _get("Tasks", _ref("TaskPage"), TASK_ARGS, errors=(400, 401)),
            "/tasks/{task_id}": _get(
                "One task with its assignments",
                _ref("TaskDetail"),
                path_id="task_id",
                errors=(400, 401, 404),
            ),
            "/tasks/{task_id}/assignments": _post(
                "Give a task to more units",
                "NewAssignments",
                created,
                "task_id",
                more=[("200", "Every chosen unit already had the task")],
            ),
            "/assignments": _get(
                "Assignments", _ref("AssignmentPage"), ASSIGNMENT_ARGS, errors=(400, 401)
            ),
            "/assignments/{assignment_id}": _get(
                "One assignment with its progress reports",
                _ref("AssignmentDetail"),
                path_id="assignment_id",
                errors=(400, 401, 404),
            ),
            "/assignments/{assignment_id}/reports": report_post,
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
            "responses": {
                f"E{code}": _json(_ref("Error"), name.replace("_", " "))
                for code, (name, _message) in {
                    **HTTP_ERRORS,
                    409: ("conflict", ""),
                    422: ("validation_failed", ""),
                }.items()
            },
        },
    }


@bp.get("/openapi.json")
def openapi():
    """This API's OpenAPI description (public: it holds no data)."""
    return jsonify(document())
