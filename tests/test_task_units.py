"""Choosing a task's units: lead and coordinating choices kept apart, and how lists sum them up.

Issue #14 item 8: with "Mỗi đơn vị … cùng chủ trì" ticked, a unit chosen as coordinating became
a lead unit. Lead units (named, or a whole group) and coordinating units (named, or a group) are
now chosen separately in one step; a unit may not be both.
"""

from __future__ import annotations

import re

import pytest

from tracker.api.tokens import create_token
from tracker.models import Assignment, AuditEvent, Task, UnitGroup

TITLE = "Rà soát thủ tục hành chính"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _task_data(**change) -> dict:
    data = {
        "number": "3",
        "title": TITLE,
        "field": "thu_tuc",
        "deadline_kind": "date",
        "deadline": "2026-06-30",
    }
    data.update(change)
    return data


def _snapshot() -> tuple[int, int, int]:
    events = AuditEvent.select().where(AuditEvent.action != "denied")
    return Task.select().count(), Assignment.select().count(), events.count()


def _roles(task: Task) -> dict[str, str]:
    return {a.unit.code: a.role for a in Assignment.select().where(Assignment.task == task)}


def _error(body: str, field: str) -> str:
    match = re.search(rf'<small id="{field}-error" class="field-error">([^<]*)</small>', body)
    assert match, f"no error beside {field}"
    return match.group(1)


@pytest.fixture
def dept_b(factory):
    return factory.unit("Phòng Kinh tế", kind="department", code="kinhte")


def test_coordinating_units_stay_coordinating_when_several_lead(client, auth, world, dept_b):
    """The regression: A and B lead, C coordinates; the old "cùng chủ trì" tick made C lead."""
    auth.login("lanhdao")
    data = _task_data(
        lead=[str(world.ward_a.id), str(world.ward_b.id)],
        units=[str(world.dept.id)],
        each_leads="y",  # what the old page sent with the box ticked: no longer turns C into a lead
    )
    response = client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data)
    assert response.status_code == 302, _text(response)
    task = Task.get(Task.title == TITLE)
    assert _roles(task) == {"sodau": "lead", "hoangvanthu": "lead", "noivu": "coordinating"}


def test_a_group_leads_while_named_units_coordinate(client, auth, world, dept_b):
    """All wards lead (the group), two departments coordinate: one step."""
    auth.login("tonghop")
    data = _task_data(lead_groups=[str(world.wards.id)], units=[str(world.dept.id), str(dept_b.id)])
    assert client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data).status_code == 302
    task = Task.get(Task.title == TITLE)
    assert _roles(task) == {
        "sodau": "lead",
        "hoangvanthu": "lead",
        "noivu": "coordinating",
        "kinhte": "coordinating",
    }


def test_a_lead_inside_a_coordinating_group_leads(client, auth, world, dept_b):
    """A group is a shorthand: its member chosen as lead keeps leading, the others coordinate."""
    departments = UnitGroup.create(name="Các phòng chuyên môn")
    departments.set_units([world.dept.id, dept_b.id])
    auth.login("lanhdao")
    data = _task_data(lead=[str(dept_b.id)], groups=[str(departments.id)])
    assert client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data).status_code == 302
    assert _roles(Task.get(Task.title == TITLE)) == {"kinhte": "lead", "noivu": "coordinating"}


OVERLAPS = [
    # Named as lead and as coordinating.
    (lambda w: {"lead": [str(w.ward_a.id)], "units": [str(w.ward_a.id), str(w.dept.id)]},
     "units", "UBND phường Sở Dầu"),
    # Leading through a group and named as coordinating.
    (lambda w: {"lead_groups": [str(w.wards.id)], "units": [str(w.ward_b.id)]},
     "units", "UBND phường Hoàng Văn Thụ"),
    # One group both leading and coordinating.
    (lambda w: {"lead_groups": [str(w.wards.id)], "groups": [str(w.wards.id)]},
     "groups", "UBND các phường"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "named"), OVERLAPS, ids=["named-both", "group-lead", "group-both"]
)
def test_a_unit_cannot_both_lead_and_coordinate(client, auth, world, change, field, named):
    auth.login("lanhdao")
    before = _snapshot()
    url = f"/meetings/{world.meeting.id}/tasks/new"
    response = client.post(url, data=_task_data(**change(world)))
    assert response.status_code == 400
    body = _text(response)
    message = _error(body, field)
    assert "không thể vừa chủ trì vừa phối hợp" in message and named in message
    assert _snapshot() == before
    # What was typed and ticked is kept for correcting.
    assert f'value="{TITLE}"' in body


def test_overlap_refused_when_giving_more_units(client, auth, world, dept_b):
    auth.login("lanhdao")
    before = _snapshot()
    data = {"lead": [str(dept_b.id)], "units": [str(dept_b.id)]}
    response = client.post(f"/tasks/{world.task.id}/assign", data=data)
    assert response.status_code == 400
    body = _text(response)
    assert "Phòng Kinh tế" in _error(body, "units")
    # The unit's row is marked where it was ticked twice.
    assert f'name="units" value="{dept_b.id}" checked aria-describedby="units-error"' in body
    assert body.count('aria-invalid="true"><span class="visually-hidden">') == 1
    assert _snapshot() == before


def test_form_offers_lead_and_coordinating_choices_separately(client, auth, world):
    auth.login("lanhdao")
    page = _text(client.get(f"/meetings/{world.meeting.id}/tasks/new"))
    assert f'name="lead" value="{world.dept.id}"' in page
    assert f'name="units" value="{world.dept.id}"' in page
    assert f'name="lead_groups" value="{world.wards.id}"' in page
    assert f'name="groups" value="{world.wards.id}"' in page
    assert "each_leads" not in page
    # After an error, the choices come back ticked in their own column.
    data = _task_data(title="", lead=[str(world.ward_b.id)], units=[str(world.dept.id)])
    body = _text(client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data))
    assert f'name="lead" value="{world.ward_b.id}" checked' in body
    assert f'name="units" value="{world.dept.id}" checked' in body
    assert f'name="units" value="{world.ward_b.id}" checked' not in body


# How lists sum up a task's units


def test_lists_say_how_many_units_lead_together(client, auth, factory, world, dept_b):
    """world.task: both wards lead. Three more wards lead and one department coordinates."""
    for i in range(3):
        ward = factory.unit(f"UBND phường Thử {i}", code=f"thu{i}")
        factory.assignment(world.task, ward)
    factory.assignment(world.task, dept_b, role="coordinating")
    auth.login("lanhdao")
    meeting_page = _text(client.get(f"/meetings/{world.meeting.id}"))
    assert "5 đơn vị cùng chủ trì, 1 đơn vị phối hợp" in meeting_page
    assert "đơn vị khác" not in meeting_page
    task_page = _text(client.get(f"/tasks/{world.task.id}"))
    assert "5 đơn vị cùng chủ trì, 1 đơn vị phối hợp" in task_page


def test_a_single_lead_keeps_its_name(client, auth, factory, world, dept_b):
    factory.assignment(world.other_task, dept_b, role="coordinating")
    factory.assignment(world.other_task, world.ward_a, role="coordinating")
    auth.login("lanhdao")
    page = _text(client.get(f"/meetings/{world.meeting.id}"))
    lead = f'<a href="/assignments/{world.assignment_dept.id}">Phòng Nội vụ</a>'
    assert f'{lead} <small class="muted">(Chủ trì)</small>, 2 đơn vị phối hợp' in page


# The API follows the same rule


@pytest.fixture
def api(app, client, world):
    """``api(path, body)``: a POST to the JSON API as the secretary."""
    with app.app_context():
        _token, secret = create_token(world.secretary, "test")
    headers = {"Authorization": f"Bearer {secret}"}

    def post(path: str, body: dict):
        return client.post(f"/api/v1{path}", headers=headers, json=body, csrf=False)

    return post


def test_api_keeps_lead_and_coordinating_apart(api, world, dept_b):
    body = {"title": TITLE, "deadline": "2026-06-30"}
    path = f"/meetings/{world.meeting.id}/tasks"
    response = api(path, {**body, "lead": [world.ward_a.id, world.ward_b.id], "units": [dept_b.id]})
    assert response.status_code == 201, _text(response)
    roles = {a["unit"]["id"]: a["role"] for a in response.get_json()["assignments"]}
    assert roles == {world.ward_a.id: "lead", world.ward_b.id: "lead", dept_b.id: "coordinating"}
    # A group leads while a named unit coordinates.
    response = api(path, {**body, "lead_groups": [world.wards.id], "units": [world.dept.id]})
    assert response.status_code == 201, _text(response)
    roles = {a["unit"]["id"]: a["role"] for a in response.get_json()["assignments"]}
    assert roles == {
        world.ward_a.id: "lead",
        world.ward_b.id: "lead",
        world.dept.id: "coordinating",
    }
    # One lead given as a number, as before.
    response = api(path, {**body, "lead": dept_b.id})
    assert response.status_code == 201, _text(response)


def test_api_refuses_a_unit_both_leading_and_coordinating(api, world):
    before = _snapshot()
    response = api(
        f"/meetings/{world.meeting.id}/tasks",
        {"title": TITLE, "deadline": "2026-06-30", "lead_groups": [world.wards.id],
         "units": [world.ward_a.id]},
    )  # fmt: skip
    assert response.status_code == 422
    message = response.get_json()["error"]["fields"]["units"]
    assert "không thể vừa chủ trì vừa phối hợp" in message and "UBND phường Sở Dầu" in message
    response = api(
        f"/tasks/{world.other_task.id}/assignments",
        {"lead": [world.ward_a.id], "units": [world.ward_a.id]},
    )
    assert response.status_code == 422 and "units" in response.get_json()["error"]["fields"]
    assert _snapshot() == before


def test_api_no_longer_takes_each_leads(api, world):
    """It made every chosen unit lead, coordinating ones included: refused, not reinterpreted."""
    response = api(
        f"/tasks/{world.task.id}/assignments", {"groups": [world.wards.id], "each_leads": True}
    )
    assert response.status_code == 400
    assert "each_leads" in response.get_json()["error"]["fields"]
