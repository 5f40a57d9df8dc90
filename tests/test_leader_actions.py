"""Leader actions: reassigning work to another unit (history kept), pausing and cancelling."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.models import Assignment, AuditEvent, OutboxMessage


def login(auth, username: str) -> None:
    auth.logout()
    assert auth.login(username).status_code == 302


def state() -> tuple:
    return (
        sorted(tuple(a.__data__.items()) for a in Assignment.select()),
        AuditEvent.select().where(AuditEvent.assignment.is_null(False)).count(),
        OutboxMessage.select().count(),
    )


def reassign(client, auth, a, username="lanhdao", htmx=False, **data):
    login(auth, username)
    return client.post(f"/assignments/{a.id}/reassign", data=data, htmx=htmx)


def test_reassign_moves_the_work_and_keeps_history(client, auth, world, factory):
    target = factory.unit("UBND phường Minh Khai", code="minhkhai")
    target.email = "minhkhai@hongbang.example"
    target.save()
    Assignment.update(
        deadline=date(2026, 6, 15), extension_count=1, stats_deadline=date(2026, 6, 15)
    ).where(Assignment.id == world.assignment_a.id).execute()
    response = reassign(
        client, auth, world.assignment_a, unit=str(target.id), reason="Đúng thẩm quyền của phường"
    )
    assert response.status_code == 302
    old = Assignment.get_by_id(world.assignment_a.id)
    new = Assignment.get(Assignment.unit == target.id)
    assert response.headers["Location"].endswith(f"/assignments/{new.id}")
    assert old.status == "cancelled"
    assert new.previous_id == old.id and new.task_id == old.task_id and new.role == old.role
    assert new.status == "new" and new.progress == 0
    assert (new.deadline, new.original_deadline, new.stats_deadline, new.extension_count) == (
        date(2026, 6, 15),
        date(2026, 5, 30),
        date(2026, 6, 15),
        1,
    )
    status_event = AuditEvent.get(AuditEvent.assignment == old.id, AuditEvent.action == "status")
    assert "Chuyển giao cho UBND phường Minh Khai" in status_event.message
    assert "Đúng thẩm quyền của phường" in status_event.message
    assert AuditEvent.get(AuditEvent.assignment == new.id, AuditEvent.action == "reassign")
    mail = OutboxMessage.get(OutboxMessage.kind == "new_assignment")
    assert mail.assignment_id == new.id and "minhkhai@hongbang.example" in mail.recipients
    new_page = client.get(f"/assignments/{new.id}").get_data(as_text=True)
    assert "Chuyển giao từ" in new_page and f'href="/assignments/{old.id}"' in new_page
    old_page = client.get(f"/assignments/{old.id}").get_data(as_text=True)
    assert "Đã chuyển giao cho" in old_page and "Chuyển giao cho đơn vị khác" in old_page


def test_reassign_through_htmx_redirects_to_the_new_assignment(client, auth, world, factory):
    target = factory.unit("UBND phường Minh Khai", code="minhkhai")
    response = reassign(
        client, auth, world.assignment_a, htmx=True, unit=str(target.id), reason="Lý do"
    )
    new = Assignment.get(Assignment.unit == target.id)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == f"/assignments/{new.id}"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("holder", "Đơn vị này đã được giao nhiệm vụ."),
        ("inactive", "Vui lòng chọn một đơn vị đang hoạt động."),
        ("none", "Vui lòng chọn một đơn vị đang hoạt động."),
        ("junk", "Vui lòng chọn một đơn vị đang hoạt động."),
        ("no_reason", "Trường này là bắt buộc."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_refused_reassignments_change_nothing(client, auth, world, factory, case, message, htmx):
    target = factory.unit("UBND phường Minh Khai", code="minhkhai")
    inactive = factory.unit("UBND phường cũ", code="cu", active=False)
    data = {"unit": str(target.id), "reason": "Lý do"}
    if case == "holder":
        data["unit"] = str(world.ward_b.id)
    elif case == "inactive":
        data["unit"] = str(inactive.id)
    elif case == "none":
        data["unit"] = ""
    elif case == "junk":
        data["unit"] = "99999999999999"
    elif case == "no_reason":
        data["reason"] = " "
    before = state()
    response = reassign(client, auth, world.assignment_a, htmx=htmx, **data)
    assert response.status_code == (200 if htmx else 400)
    assert message in response.get_data(as_text=True)
    assert state() == before


@pytest.mark.parametrize("status", ["done", "cancelled"])
def test_finished_work_is_not_reassigned(client, auth, world, factory, status):
    target = factory.unit("UBND phường Minh Khai", code="minhkhai")
    Assignment.update(status=status).where(Assignment.id == world.assignment_a.id).execute()
    before = state()
    response = reassign(client, auth, world.assignment_a, unit=str(target.id), reason="Lý do")
    assert response.status_code == 400
    assert "Không thể chuyển giao" in response.get_data(as_text=True)
    assert state() == before


@pytest.mark.parametrize("username", ["tonghop", "theodoi", "p.sodau", "p.hoangvanthu"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_only_leaders_and_admins_reassign(client, auth, world, factory, username, htmx):
    target = factory.unit("UBND phường Minh Khai", code="minhkhai")
    before = state()
    response = reassign(
        client, auth, world.assignment_a, username, htmx=htmx, unit=str(target.id), reason="x"
    )
    assert response.status_code == 403
    assert state() == before


def test_unknown_assignment_is_404(client, auth, world):
    assert reassign(client, auth, Assignment(id=999999), unit="1", reason="x").status_code == 404


def test_leader_page_offers_pause_cancel_with_a_reason_and_reassign(client, auth, world):
    login(auth, "lanhdao")
    page = client.get(f"/assignments/{world.assignment_a.id}").get_data(as_text=True)
    assert 'name="status" value="paused"' in page and 'name="status" value="cancelled"' in page
    assert 'name="reason"' in page
    # The reassign form (a select of every other unit) comes when its <details> is opened.
    url = f"/assignments/{world.assignment_a.id}/reassign"
    assert f'hx-get="{url}" hx-trigger="toggle once"' in page and f'<a href="{url}">' in page
    assert "</option>" not in page.split('id="reassign-panel"', 1)[1]
    fragment = client.hx_get(url).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="reassign-panel"') and "<html" not in fragment
    assert f'action="{url}"' in fragment and "<details open>" in fragment
    assert "UBND phường Hoàng Văn Thụ</option>" not in fragment  # already holds the task
    assert "Phòng Nội vụ</option>" in fragment
    whole = client.get(url).get_data(as_text=True)  # without JavaScript: a page of its own
    assert "<html" in whole and f'action="{url}"' in whole


def test_the_reassign_form_is_for_deciders_and_movable_work(client, auth, world):
    url = f"/assignments/{world.assignment_a.id}/reassign"
    login(auth, "p.sodau")
    assert client.get(url).status_code == 403
    auth.logout()
    login(auth, "lanhdao")
    Assignment.update(status="done").where(Assignment.id == world.assignment_a.id).execute()
    response = client.get(url)
    assert response.status_code == 302 and response.location.endswith(
        f"/assignments/{world.assignment_a.id}"
    )


@pytest.mark.parametrize("to", ["paused", "cancelled"])
def test_pause_and_cancel_need_a_reason(client, auth, world, to):
    login(auth, "lanhdao")
    before = state()
    response = client.post(f"/assignments/{world.assignment_a.id}/status", data={"status": to})
    assert response.status_code == 400 and "Vui lòng nêu lý do." in response.get_data(as_text=True)
    assert state() == before
    response = client.post(
        f"/assignments/{world.assignment_a.id}/status",
        data={"status": to, "reason": "Chờ chủ trương"},
    )
    assert response.status_code == 302
    assert Assignment.get_by_id(world.assignment_a.id).status == to
