"""The API's own permission matrix: the same 8 identities and objects as tests/test_permissions.py.

The objects belong to the department (pb.noivu is the insider); the wards' officers are
outsiders. A refused read answers 404 (or 403 where the object is visible but the action is
not allowed) and a refused write changes no row.
"""

from __future__ import annotations

from datetime import date

import pytest
from test_permissions import INSIDER, MANAGERS, READERS, ROLES, snapshot

from tracker.api.tokens import create_token
from tracker.models import Assignment, Meeting, Task, User

EVERYONE = set(ROLES) - {"anonymous"}

# (path template, roles allowed to GET); refused ones get 404
GETS = [
    ("/api/v1/me", EVERYONE),
    ("/api/v1/units", EVERYONE),
    ("/api/v1/meetings/{meeting}", READERS | {INSIDER}),
    ("/api/v1/tasks/{task}", READERS | {INSIDER}),
    ("/api/v1/assignments/{assignment}", READERS | {INSIDER}),
]

# (path template, JSON body, roles allowed); a reader who sees the object but may not act: 403
POSTS = [
    (
        "/api/v1/meetings/{meeting}/tasks",
        {"title": "Việc mới", "deadline": "2026-06-30", "lead": "{unit}"},
        MANAGERS,
    ),
    ("/api/v1/tasks/{task}/assignments", {"units": ["{ward}"]}, MANAGERS),
    ("/api/v1/assignments/{assignment}/reports", {"text": "Đã làm", "progress": 30}, {INSIDER}),
]


@pytest.fixture
def ids(world, factory):
    meeting = factory.meeting("Họp riêng của Phòng Nội vụ")
    task = factory.task(meeting, "Việc riêng của Phòng Nội vụ", deadline=date(2026, 5, 14))
    assignment = factory.assignment(task, world.dept)
    return {
        "meeting": meeting.id,
        "task": task.id,
        "assignment": assignment.id,
        "unit": world.dept.id,
        "ward": world.ward_a.id,
    }


@pytest.fixture
def headers(app, world):
    """The Authorization header of each identity (anonymous: none)."""
    result = {"anonymous": {}}
    with app.app_context():
        for user in User.select():
            result[user.username] = {"Authorization": f"Bearer {create_token(user, 't')[1]}"}
    return result


def _fill(value, ids):
    if isinstance(value, str):
        formatted = value.format(**ids)
        return int(formatted) if value.startswith("{") else formatted
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize(("template", "allowed"), GETS, ids=[g[0] for g in GETS])
def test_get(client, ids, headers, template, allowed):
    # Reads change nothing, so one database serves all 8 identities.
    for role in ROLES:
        response = client.get(template.format(**ids), headers=headers[role])
        if role == "anonymous":
            assert response.status_code == 401
        elif role in allowed:
            assert response.status_code == 200, (template, role, response.status_code)
        else:
            assert response.status_code == 404, (template, role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("template", "body", "allowed"), POSTS, ids=[p[0] for p in POSTS])
def test_post(client, ids, headers, template, body, allowed, role):
    path = template.format(**ids)
    data = {k: _fill(v, ids) for k, v in body.items()}
    before = snapshot()
    response = client.post(path, json=data, headers=headers[role], csrf=False)
    # Tokens record when they were last used; that is not a change made by the request.
    if role in allowed:
        assert response.status_code == 201, (path, role, response.get_data(as_text=True))
        assert _rows(snapshot()) != _rows(before)
        return
    if role == "anonymous":
        assert response.status_code == 401
    elif role in READERS | {INSIDER}:
        # They see the object, but the action is not theirs.
        assert response.status_code == 403, (path, role, response.status_code)
    else:
        assert response.status_code == 404, (path, role, response.status_code)
    assert _rows(snapshot()) == _rows(before), f"{role} changed data through {path}"


def _rows(snap):
    return {table: rows for table, rows in snap.items() if table != "api_token"}


def test_lists_hold_only_what_the_pages_show(client, world, ids, headers):
    """Officers list their own unit's tasks and their own assignments of them, no more: the
    two wards lead the same task, and co-leads do not read each other's work."""
    own = {"p.sodau": world.assignment_a.id, "p.hoangvanthu": world.assignment_b.id}
    for role in ("p.sodau", "p.hoangvanthu"):
        tasks = client.get("/api/v1/tasks?per_page=100", headers=headers[role]).get_json()
        assert {t["id"] for t in tasks["items"]} == {world.task.id}
        assignments = client.get("/api/v1/assignments", headers=headers[role]).get_json()
        assert {a["id"] for a in assignments["items"]} == {own[role]}
        meetings = client.get("/api/v1/meetings", headers=headers[role]).get_json()
        assert {m["id"] for m in meetings["items"]} == {world.meeting.id}
    insider = client.get("/api/v1/assignments", headers=headers[INSIDER]).get_json()
    assert {a["unit"]["id"] for a in insider["items"]} == {world.dept.id}
    viewer = client.get("/api/v1/tasks", headers=headers["theodoi"]).get_json()
    assert viewer["total"] == Task.select().count()
    assert client.get("/api/v1/meetings", headers=headers["admin"]).get_json()["total"] == (
        Meeting.select().count()
    )


def test_ward_officer_cannot_report_on_the_other_wards_assignment(client, world, headers):
    """The other co-lead ward's assignment of a shared task is hidden (404), never writable."""
    path = f"/api/v1/assignments/{world.assignment_b.id}/reports"
    assert client.get(path.rsplit("/", 1)[0], headers=headers["p.sodau"]).status_code == 404
    response = client.post(
        path, json={"text": "Thay", "progress": 50}, headers=headers["p.sodau"], csrf=False
    )
    assert response.status_code == 404
    assert Assignment.get_by_id(world.assignment_b.id).progress == 0


def test_a_coordinating_unit_reads_the_leads_assignment_but_cannot_report_on_it(
    client, world, headers
):
    """The lead's assignment is visible to a coordinating unit (403 to a write), never writable."""
    Assignment.update(role="coordinating").where(Assignment.id == world.assignment_b.id).execute()
    path = f"/api/v1/assignments/{world.assignment_a.id}/reports"
    assert client.get(path.rsplit("/", 1)[0], headers=headers["p.hoangvanthu"]).status_code == 200
    response = client.post(
        path, json={"text": "Thay", "progress": 50}, headers=headers["p.hoangvanthu"], csrf=False
    )
    assert response.status_code == 403
    assert Assignment.get_by_id(world.assignment_a.id).progress == 0
