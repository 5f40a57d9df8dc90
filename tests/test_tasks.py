"""Tasks: creating them with their units, their page, editing, giving them to more units."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from tracker.models import Assignment, AuditEvent, Task, UnitGroup


def _text(response) -> str:
    return response.get_data(as_text=True)


def _task_data(**change) -> dict:
    data = {
        "number": "3",
        "title": "Rà soát thủ tục hành chính",
        "content": "Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền.",
        "field": "thu_tuc",
        "deadline_kind": "date",
        "deadline": "2026-06-30",
    }
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def _snapshot() -> tuple[int, int, int]:
    events = AuditEvent.select().where(AuditEvent.action != "denied")  # refusals are audited
    return Task.select().count(), Assignment.select().count(), events.count()


def _roles(task: Task) -> dict[str, str]:
    return {a.unit.code: a.role for a in Assignment.select().where(Assignment.task == task)}


def _error(body: str, field: str) -> str:
    match = re.search(rf'<small id="{field}-error" class="field-error">([^<]*)</small>', body)
    assert match, f"no error beside {field}"
    return match.group(1)


@pytest.fixture
def ward_a_only(factory, world):
    """A task given to ward A alone, in a meeting of its own."""
    meeting = factory.meeting("Họp chuyên đề phường Sở Dầu")
    task = factory.task(meeting, "Chỉnh trang đô thị", deadline=date(2026, 6, 1))
    factory.assignment(task, world.ward_a)
    return task


# Creating


def test_new_task_form_offers_units_and_groups(client, auth, world):
    auth.login("tonghop")
    page = _text(client.get(f"/meetings/{world.meeting.id}/tasks/new"))
    assert 'name="number"' in page and 'value="3"' in page
    assert "UBND các phường" in page and f'name="groups" value="{world.wards.id}"' in page
    assert f'name="units" value="{world.dept.id}"' in page
    assert f'name="lead" value="{world.dept.id}"' in page
    assert f'name="lead_groups" value="{world.wards.id}"' in page
    assert "<caption>Phòng, ban chuyên môn</caption>" in page
    assert "Cải cách thủ tục hành chính" in page and "Thường xuyên" in page


def test_create_task_with_lead_units_and_group(client, auth, world):
    auth.login("lanhdao")
    data = _task_data(
        lead=str(world.ward_a.id),
        units=[str(world.dept.id)],
        groups=[str(world.wards.id)],
    )
    response = client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data)
    assert response.status_code == 302
    task = Task.get(Task.title == "Rà soát thủ tục hành chính")
    assert response.headers["Location"] == f"/tasks/{task.id}"
    assert task.number == 3 and task.meeting_id == world.meeting.id
    assert task.field == "thu_tuc" and task.deadline == date(2026, 6, 30)
    assert task.created_by.username == "lanhdao"
    # Ward A chosen two ways (named lead, in a coordinating group) gets one assignment, as lead.
    assert _roles(task) == {"sodau": "lead", "hoangvanthu": "coordinating", "noivu": "coordinating"}
    for a in Assignment.select().where(Assignment.task == task):
        assert a.deadline == a.original_deadline == date(2026, 6, 30)
        assert a.status == "new"
    assert AuditEvent.select().where(AuditEvent.action == "assign").count() == 3
    created = AuditEvent.get(AuditEvent.action == "create", AuditEvent.object_type == "task")
    assert json.loads(created.after)["title"] == "Rà soát thủ tục hành chính"


def test_each_unit_of_a_lead_group_leads(client, auth, world):
    auth.login("tonghop")
    data = _task_data(lead_groups=[str(world.wards.id)])
    assert client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data).status_code == 302
    task = Task.get(Task.title == "Rà soát thủ tục hành chính")
    assert _roles(task) == {"sodau": "lead", "hoangvanthu": "lead"}


def test_create_task_without_units_then_ongoing(client, auth, world):
    auth.login("admin")
    data = _task_data(deadline_kind="ongoing", deadline="2026-07-01", report_cadence="monthly")
    assert client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data).status_code == 302
    task = Task.get(Task.title == "Rà soát thủ tục hành chính")
    assert task.deadline_kind == "ongoing" and task.deadline is None
    assert not Assignment.select().where(Assignment.task == task).exists()
    page = _text(client.get(f"/tasks/{task.id}"))
    assert "Đã thêm nhiệm vụ; nhiệm vụ chưa được giao cho đơn vị nào." in page
    assert "Thường xuyên" in page and '<p class="empty">Nhiệm vụ chưa được giao' in page


def test_inactive_units_are_not_offered_and_refused(client, auth, factory, world):
    closed = factory.unit("UBND phường Cũ", code="cu", active=False)
    world.wards.set_units([world.ward_a.id, world.ward_b.id, closed.id])
    auth.login("lanhdao")
    url = f"/meetings/{world.meeting.id}/tasks/new"
    assert f'value="{closed.id}"' not in _text(client.get(url))
    before = _snapshot()
    data = _task_data(lead=str(world.ward_a.id), units=[str(closed.id)])
    response = client.post(url, data=data)
    assert response.status_code == 400 and "Đơn vị không hợp lệ" in _error(_text(response), "units")
    assert _snapshot() == before
    # Through a group, an inactive member is simply not given the task.
    data = _task_data(lead_groups=[str(world.wards.id)])
    assert client.post(url, data=data).status_code == 302
    assert _roles(Task.get(Task.title == "Rà soát thủ tục hành chính")) == {
        "sodau": "lead",
        "hoangvanthu": "lead",
    }


BAD_TASKS = [
    ({"title": ""}, "title", "Trường này là bắt buộc."),
    ({"title": "T" * 301}, "title", "Tối đa 300 ký tự."),
    ({"content": "c" * 20001}, "content", "Tối đa 20000 ký tự."),
    ({"deadline": "2026-02-30"}, "deadline", "Ngày không hợp lệ"),
    ({"deadline": ""}, "deadline", "Vui lòng nhập hạn hoàn thành"),
    ({"deadline": None}, "deadline", "Vui lòng nhập hạn hoàn thành"),
    ({"deadline_kind": "someday"}, "deadline_kind", "Loại thời hạn không hợp lệ."),
    ({"field": "xyz"}, "field", "Lĩnh vực không hợp lệ."),
    ({"number": "abc"}, "number", "Số thứ tự phải là số nguyên."),
    ({"number": "0"}, "number", "Số thứ tự phải từ 1 đến 100.000."),
    ({"number": "100001"}, "number", "Số thứ tự phải từ 1 đến 100.000."),
    # Past PostgreSQL's integer: refused beside the field, not by the database.
    ({"number": "99999999999"}, "number", "Số thứ tự phải từ 1 đến 100.000."),
]


def _unit_errors(world) -> list:
    return [
        ({"lead": "99999"}, "lead", "Đơn vị không hợp lệ"),
        ({"lead": "abc"}, "lead", "Đơn vị không hợp lệ"),
        ({"lead": "²"}, "lead", "Đơn vị không hợp lệ"),
        ({"lead": "99999999999"}, "lead", "Đơn vị không hợp lệ"),
        ({"units": ["99999999999"]}, "units", "Đơn vị không hợp lệ"),
        ({"units": ["99999"]}, "units", "Đơn vị không hợp lệ"),
        ({"units": [str(world.dept.id), "x"]}, "units", "Đơn vị không hợp lệ"),
        ({"groups": ["99999"]}, "groups", "Nhóm đơn vị không hợp lệ."),
        ({"units": [str(world.dept.id)]}, "lead", "Vui lòng chọn đơn vị chủ trì"),
    ]


@pytest.mark.parametrize(("change", "field", "message"), BAD_TASKS)
def test_create_refuses_bad_input(client, auth, world, change, field, message):
    auth.login("lanhdao")
    before = _snapshot()
    data = _task_data(lead=str(world.ward_a.id), **change)
    response = client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data)
    assert response.status_code == 400
    assert message in _error(_text(response), field)
    assert _snapshot() == before


@pytest.mark.parametrize("case", range(9))
def test_create_refuses_unknown_units_and_groups(client, auth, world, case):
    change, field, message = _unit_errors(world)[case]
    auth.login("lanhdao")
    before = _snapshot()
    data = _task_data(**{"lead": str(world.ward_a.id), **change})
    if field == "lead" and "units" in change:
        data.pop("lead")
    response = client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data)
    assert response.status_code == 400
    assert message in _error(_text(response), field)
    assert _snapshot() == before


def test_create_keeps_typed_values_after_an_error(client, auth, world):
    auth.login("lanhdao")
    data = _task_data(title="", units=[str(world.dept.id)], lead=str(world.ward_b.id))
    body = _text(client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data))
    assert f'name="units" value="{world.dept.id}" checked' in body
    assert f'name="lead" value="{world.ward_b.id}" checked' in body
    assert "Rà soát, đơn giản hóa" in body


def test_htmx_create_with_errors_returns_the_form_block(client, auth, world):
    auth.login("lanhdao")
    data = _task_data(deadline="")
    response = client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data, htmx=True)
    body = _text(response)
    assert response.status_code == 200
    assert "<html" not in body and body.lstrip().startswith("<form")
    assert "Vui lòng nhập hạn hoàn thành" in body


@pytest.mark.parametrize("username", ["theodoi", "p.sodau"])
@pytest.mark.parametrize("htmx", [False, True])
def test_officer_and_viewer_cannot_create(client, auth, world, username, htmx):
    auth.login(username)
    url = f"/meetings/{world.meeting.id}/tasks/new"
    before = _snapshot()
    assert client.get(url).status_code == 403
    data = _task_data(lead=str(world.ward_a.id))
    assert client.post(url, data=data, htmx=htmx).status_code == 403
    assert _snapshot() == before


# A task's page


def test_task_page_shows_all_assignments(client, auth, clock, world):
    world.assignment_b.progress = 40
    world.assignment_b.status = "in_progress"
    world.assignment_b.last_report_at = clock.now()
    world.assignment_b.save()
    auth.login("lanhdao")
    page = _text(client.get(f"/tasks/{world.task.id}"))
    assert "Tăng cường tuyên truyền CCHC" in page and "Họp Ban Chỉ đạo CCHC" in page
    assert f'href="/assignments/{world.assignment_a.id}"' in page
    assert f'href="/assignments/{world.assignment_b.id}"' in page
    assert "Đang thực hiện" in page and 'value="40"' in page
    assert "30/05/2026" in page and "Trong hạn" in page
    assert "10:00 15/05/2026" in page and "Chưa báo cáo" in page
    assert f'href="/tasks/{world.task.id}/edit"' in page
    assert f'href="/tasks/{world.task.id}/assign"' in page


def test_task_page_sums_up_its_units_and_pages_them(client, app, auth, factory, world):
    size = app.config["PAGE_SIZE"]
    for i in range(size):
        unit = factory.unit(f"UBND xã Thử nghiệm {i:02d}", code=f"xa{i:02d}")
        factory.assignment(world.task, unit, role="coordinating", status="in_progress")
    auth.login("lanhdao")
    url = f"/tasks/{world.task.id}"
    first = _text(client.get(url))
    # The summary counts every unit, the rows are a page (lead units first).
    assert f"{size + 2} đơn vị:" in first
    assert '<span class="badge status-new">Chưa thực hiện: 2</span>' in first
    assert f'<span class="badge status-in_progress">Đang thực hiện: {size}</span>' in first
    assert f'<span class="badge t-on_time">Trong hạn: {size + 2}</span>' in first
    assert f'href="/assignments/{world.assignment_a.id}"' in first
    assert "Trang 1 / 2" in first and f'href="{url}?page=2"' in first
    last = f"UBND xã Thử nghiệm {size - 1:02d}"
    assert last not in first
    second = _text(client.hx_get(f"{url}?page=2"))
    assert second.lstrip().startswith('<section id="task-assignments">')
    assert "<html" not in second and "Trang 2 / 2" in second
    assert last in second and f'href="/assignments/{world.assignment_a.id}"' not in second


def test_officer_reads_every_unit_of_their_task_and_only_its_own_work(client, auth, world):
    """The other ward leads the task too: named, its work not shown (issue 14, item 18)."""
    auth.login("p.sodau")
    page = _text(client.get(f"/tasks/{world.task.id}"))
    assert "UBND phường Hoàng Văn Thụ" in page
    assert f'href="/assignments/{world.assignment_a.id}"' in page
    assert f'href="/assignments/{world.assignment_b.id}"' not in page
    assert "Chỉ đơn vị thực hiện và lãnh đạo xem được tiến độ" in page
    assert "/edit" not in page and "/assign" not in page.replace("/assignments/", "")


def test_officer_cannot_read_another_units_task(client, auth, world, ward_a_only):
    auth.login("p.hoangvanthu")
    assert client.get(f"/tasks/{ward_a_only.id}").status_code == 403
    assert client.hx_get(f"/tasks/{ward_a_only.id}").status_code == 403
    auth.logout()
    auth.login("pb.noivu")
    assert client.get(f"/tasks/{world.task.id}").status_code == 403
    assert client.get(f"/tasks/{world.other_task.id}").status_code == 200


def test_viewer_reads_without_change_buttons(client, auth, world):
    auth.login("theodoi")
    page = _text(client.get(f"/tasks/{world.task.id}"))
    assert "Tăng cường tuyên truyền CCHC" in page
    assert f"/tasks/{world.task.id}/edit" not in page
    assert f"/tasks/{world.task.id}/assign" not in page


@pytest.mark.parametrize("suffix", ["", "/edit", "/assign"])
def test_unknown_task_is_404(client, auth, world, suffix):
    auth.login("lanhdao")
    assert client.get(f"/tasks/99999{suffix}").status_code == 404


def test_pages_require_login(client, world):
    for url in (f"/tasks/{world.task.id}", f"/meetings/{world.meeting.id}/tasks/new"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# Editing


def test_edit_moves_the_deadline_of_unextended_assignments(client, auth, world):
    Assignment.update(deadline=date(2026, 6, 15), extension_count=1).where(
        Assignment.id == world.assignment_b.id
    ).execute()
    auth.login("tonghop")
    page = _text(client.get(f"/tasks/{world.task.id}/edit"))
    assert 'value="Tăng cường tuyên truyền CCHC"' in page and 'value="2026-05-30"' in page
    data = _task_data(number="1", title="Tăng cường tuyên truyền CCHC", deadline="20/06/2026")
    response = client.post(f"/tasks/{world.task.id}/edit", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tasks/{world.task.id}"
    task = Task.get_by_id(world.task.id)
    assert task.deadline == date(2026, 6, 20) and task.field == "thu_tuc"
    a = Assignment.get_by_id(world.assignment_a.id)
    assert a.deadline == a.original_deadline == date(2026, 6, 20)
    b = Assignment.get_by_id(world.assignment_b.id)
    assert b.deadline == date(2026, 6, 15) and b.original_deadline == date(2026, 5, 30)
    update = AuditEvent.get(AuditEvent.action == "update", AuditEvent.object_type == "task")
    assert json.loads(update.before)["deadline"] == "2026-05-30"
    assert json.loads(update.after)["deadline"] == "2026-06-20"
    moved = AuditEvent.select().where(AuditEvent.action == "deadline")
    assert [e.assignment_id for e in moved] == [world.assignment_a.id]


def test_edit_keeps_the_deadline_of_finished_assignments(client, auth, world):
    Assignment.update(status="done", completed_on=date(2026, 5, 12)).where(
        Assignment.id == world.assignment_a.id
    ).execute()
    auth.login("lanhdao")
    data = _task_data(number="1", deadline="2026-05-10")
    assert client.post(f"/tasks/{world.task.id}/edit", data=data).status_code == 302
    a = Assignment.get_by_id(world.assignment_a.id)
    assert a.deadline == a.original_deadline == date(2026, 5, 30)
    assert Assignment.get_by_id(world.assignment_b.id).deadline == date(2026, 5, 10)


def test_edit_to_ongoing_clears_assignment_deadlines(client, auth, world):
    auth.login("lanhdao")
    data = _task_data(number="1", deadline_kind="ongoing", deadline="", report_cadence="weekly")
    assert client.post(f"/tasks/{world.task.id}/edit", data=data).status_code == 302
    task = Task.get_by_id(world.task.id)
    assert task.deadline_kind == "ongoing" and task.deadline is None
    for a in Assignment.select().where(Assignment.task == world.task):
        assert a.deadline is None and a.original_deadline is None


def test_edit_without_deadline_change_keeps_assignments(client, auth, world):
    auth.login("lanhdao")
    data = _task_data(number="1", title="Tên mới", deadline="2026-05-30")
    assert client.post(f"/tasks/{world.task.id}/edit", data=data).status_code == 302
    assert Task.get_by_id(world.task.id).title == "Tên mới"
    assert not AuditEvent.select().where(AuditEvent.action == "deadline").exists()


@pytest.mark.parametrize(("change", "field", "message"), BAD_TASKS)
def test_edit_refuses_bad_input(client, auth, world, change, field, message):
    auth.login("lanhdao")
    before = _snapshot()
    response = client.post(f"/tasks/{world.task.id}/edit", data=_task_data(**change))
    assert response.status_code == 400
    assert message in _error(_text(response), field)
    assert _snapshot() == before
    task = Task.get_by_id(world.task.id)
    assert task.title == "Tăng cường tuyên truyền CCHC" and task.deadline == date(2026, 5, 30)


@pytest.mark.parametrize("username", ["theodoi", "p.sodau"])
@pytest.mark.parametrize("htmx", [False, True])
def test_officer_and_viewer_cannot_edit(client, auth, world, username, htmx):
    auth.login(username)
    url = f"/tasks/{world.task.id}/edit"
    before = _snapshot()
    assert client.get(url).status_code == 403
    assert client.post(url, data=_task_data(title="Đổi"), htmx=htmx).status_code == 403
    assert _snapshot() == before
    assert Task.get_by_id(world.task.id).title == "Tăng cường tuyên truyền CCHC"


# Giving a task to more units


def test_assign_more_units(client, auth, world):
    auth.login("lanhdao")
    page = _text(client.get(f"/tasks/{world.task.id}/assign"))
    assert "(đã giao)" in page and f'name="units" value="{world.dept.id}"' in page
    data = {"units": [str(world.dept.id)], "groups": [str(world.wards.id)]}
    response = client.post(f"/tasks/{world.task.id}/assign", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tasks/{world.task.id}"
    assert _roles(world.task) == {"sodau": "lead", "hoangvanthu": "lead", "noivu": "coordinating"}
    added = Assignment.get(Assignment.task == world.task, Assignment.unit == world.dept)
    assert added.deadline == added.original_deadline == date(2026, 5, 30)
    assert AuditEvent.select().where(AuditEvent.action == "assign").count() == 1


def test_assign_as_lead(client, auth, factory, world):
    extra = factory.unit("Phòng Tư pháp", kind="department", code="tuphap")
    auth.login("tonghop")
    data = {"lead": str(extra.id)}
    assert client.post(f"/tasks/{world.other_task.id}/assign", data=data).status_code == 302
    assert _roles(world.other_task) == {"noivu": "lead", "tuphap": "lead"}


def test_assign_needs_a_lead_when_the_task_has_none(client, auth, factory, world):
    task = factory.task(world.meeting, "Chưa giao")
    auth.login("lanhdao")
    url = f"/tasks/{task.id}/assign"
    response = client.post(url, data={"units": [str(world.dept.id)]})
    assert response.status_code == 400
    assert "Vui lòng chọn đơn vị chủ trì" in _error(_text(response), "lead")
    assert not Assignment.select().where(Assignment.task == task).exists()
    data = {"units": [str(world.dept.id)], "lead": str(world.ward_b.id)}
    assert client.post(url, data=data).status_code == 302
    assert _roles(task) == {"hoangvanthu": "lead", "noivu": "coordinating"}


def test_assign_nothing_new(client, auth, world):
    auth.login("lanhdao")
    before = _snapshot()
    response = client.post(f"/tasks/{world.task.id}/assign", data={"groups": [str(world.wards.id)]})
    assert response.status_code == 302
    assert _snapshot() == before
    page = _text(client.get(f"/tasks/{world.task.id}"))
    assert "Các đơn vị đã chọn đều đã được giao nhiệm vụ này." in page


def test_assign_empty_group(client, auth, world):
    empty = UnitGroup.create(name="Nhóm trống")
    auth.login("lanhdao")
    before = _snapshot()
    response = client.post(f"/tasks/{world.task.id}/assign", data={"groups": [str(empty.id)]})
    assert response.status_code == 302
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "units", "Vui lòng chọn ít nhất một đơn vị"),
        ({"units": ["99999"]}, "units", "Đơn vị không hợp lệ"),
        ({"groups": ["99999"]}, "groups", "Nhóm đơn vị không hợp lệ."),
        ({"lead": "99999"}, "lead", "Đơn vị không hợp lệ"),
    ],
)
def test_assign_refuses_bad_input(client, auth, world, data, field, message):
    auth.login("lanhdao")
    before = _snapshot()
    response = client.post(f"/tasks/{world.task.id}/assign", data=data)
    assert response.status_code == 400
    assert message in _error(_text(response), field)
    assert _snapshot() == before


def test_assign_mixing_good_and_unknown_ids_creates_nothing(client, auth, world):
    auth.login("lanhdao")
    before = _snapshot()
    data = {"units": [str(world.dept.id), "99999"], "groups": [str(world.wards.id)]}
    response = client.post(f"/tasks/{world.task.id}/assign", data=data)
    assert response.status_code == 400
    assert _snapshot() == before


@pytest.mark.parametrize("username", ["theodoi", "p.sodau"])
@pytest.mark.parametrize("htmx", [False, True])
def test_officer_and_viewer_cannot_assign(client, auth, world, username, htmx):
    auth.login(username)
    url = f"/tasks/{world.task.id}/assign"
    before = _snapshot()
    assert client.get(url).status_code == 403
    data = {"units": [str(world.dept.id)]}
    assert client.post(url, data=data, htmx=htmx).status_code == 403
    assert _snapshot() == before
