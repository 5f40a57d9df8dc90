"""Urges (đôn đốc): a leader, secretary or admin presses a unit about one assignment."""

from __future__ import annotations

import pytest

from tracker.models import Assignment, AuditEvent, OutboxMessage, User


def login(auth, username: str) -> None:
    auth.logout()
    assert auth.login(username).status_code == 302


def state(a: Assignment) -> tuple:
    return (
        Assignment.get_by_id(a.id).__data__,
        AuditEvent.select().where(AuditEvent.assignment.is_null(False)).count(),
        OutboxMessage.select().count(),
    )


def urge(client, auth, a: Assignment, username: str = "lanhdao", htmx: bool = False, **data):
    login(auth, username)
    return client.post(f"/assignments/{a.id}/urge", data=data, htmx=htmx)


@pytest.mark.parametrize("username", ["lanhdao", "tonghop", "admin"])
def test_urge_counts_goes_on_the_timeline_and_mails_the_unit(client, auth, world, username):
    world.ward_a.email = "ubnd.sodau@hongbang.example"
    world.ward_a.save()
    User.update(email="p.sodau@hongbang.example").where(User.id == world.officer_a.id).execute()
    message = "Đề nghị báo cáo trước thứ Sáu"
    response = urge(client, auth, world.assignment_a, username, message=message)
    assert response.status_code == 302
    a = Assignment.get_by_id(world.assignment_a.id)
    assert a.urge_count == 1
    event = AuditEvent.get(AuditEvent.action == "urge")
    assert event.assignment_id == a.id and event.message == "Đề nghị báo cáo trước thứ Sáu"
    mail = OutboxMessage.get(OutboxMessage.kind == "urge")
    assert mail.assignment_id == a.id and mail.status == "queued"
    assert "ubnd.sodau@hongbang.example" in mail.recipients
    assert "p.sodau@hongbang.example" in mail.recipients
    assert "Đề nghị báo cáo trước thứ Sáu" in mail.body_text
    page = client.get(f"/assignments/{a.id}").get_data(as_text=True)
    assert "Đôn đốc 1 lần" in page and "Đề nghị báo cáo trước thứ Sáu" in page


def test_each_urge_mails_once(client, auth, world):
    urge(client, auth, world.assignment_a)
    client.post(f"/assignments/{world.assignment_a.id}/urge", data={})
    assert Assignment.get_by_id(world.assignment_a.id).urge_count == 2
    assert OutboxMessage.select().where(OutboxMessage.kind == "urge").count() == 2
    assert AuditEvent.select().where(AuditEvent.action == "urge").count() == 2


def test_urge_through_htmx_answers_with_the_panel(client, auth, world):
    response = urge(client, auth, world.assignment_a, htmx=True, message="Khẩn trương")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="urge-panel"' in body and "Đã đôn đốc đơn vị." in body and "<html" not in body
    assert "Đã đôn đốc 1 lần" in body


def test_urge_count_shows_on_the_rows(client, auth, world):
    Assignment.update(urge_count=2).where(Assignment.id == world.assignment_a.id).execute()
    login(auth, "lanhdao")
    unit_page = client.get(f"/units/{world.ward_a.id}").get_data(as_text=True)
    assert "Đôn đốc 2 lần" in unit_page
    task_page = client.get(f"/tasks/{world.task.id}").get_data(as_text=True)
    assert "Đôn đốc 2 lần" in task_page


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_message_too_long_is_refused(client, auth, world, htmx):
    before = state(world.assignment_a)
    response = urge(client, auth, world.assignment_a, htmx=htmx, message="x" * 1001)
    assert response.status_code == (200 if htmx else 400)
    assert "Tối đa 1000 ký tự." in response.get_data(as_text=True)
    assert state(world.assignment_a) == before


@pytest.mark.parametrize("status", ["done", "cancelled", "submitted", "paused"])
def test_closed_or_waiting_work_is_not_urged(client, auth, world, status):
    Assignment.update(status=status).where(Assignment.id == world.assignment_a.id).execute()
    before = state(world.assignment_a)
    response = urge(client, auth, world.assignment_a)
    assert response.status_code == 400
    assert "Không thể đôn đốc" in response.get_data(as_text=True)
    assert state(world.assignment_a) == before


@pytest.mark.parametrize("username", ["p.sodau", "p.hoangvanthu", "theodoi"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_officers_and_viewers_may_not_urge(client, auth, world, username, htmx):
    before = state(world.assignment_a)
    response = urge(client, auth, world.assignment_a, username, htmx=htmx, message="x")
    assert response.status_code == 403
    assert state(world.assignment_a) == before
    page = client.get(f"/assignments/{world.assignment_a.id}").get_data(as_text=True)
    assert "/urge" not in page


def test_unknown_assignment_is_404(client, auth, world):
    assert urge(client, auth, Assignment(id=999999)).status_code == 404
