"""Event mails: a new assignment (end to end through the task form) and the workflow hooks."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.assignments import workflow
from tracker.core import signals
from tracker.core.db import database
from tracker.models import Assignment, MailPreference, OutboxMessage, Task, User
from tracker.reminders import events

BASE = "http://127.0.0.1:5000"


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
    return data


def _messages(kind: str = "new_assignment") -> list[OutboxMessage]:
    return list(OutboxMessage.select().where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))


def test_creating_a_task_queues_one_mail_per_unit(client, auth, world):
    world.ward_a.email = "ubnd.sodau@hongbang.example"
    world.ward_a.save()
    User.update(email="pb.noivu@hongbang.example").where(User.id == world.officer_dept.id).execute()
    auth.login("lanhdao")
    data = _task_data(lead=str(world.ward_a.id), units=[str(world.dept.id)])
    response = client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data)
    assert response.status_code == 302
    task = Task.get(Task.title == "Rà soát thủ tục hành chính")
    by_unit = {a.unit_id: a for a in Assignment.select().where(Assignment.task == task)}
    messages = _messages()
    assert len(messages) == 2
    assert {m.key for m in messages} == {
        f"new_assignment:assignment:{a.id}" for a in by_unit.values()
    }
    lead = next(m for m in messages if m.unit_id == world.ward_a.id)
    assert lead.assignment_id == by_unit[world.ward_a.id].id
    assert lead.subject == (
        "[Giao việc] Nhiệm vụ mới được giao: Rà soát thủ tục hành chính – UBND phường Sở Dầu"
    )
    assert lead.recipients == "ubnd.sodau@hongbang.example"
    assert lead.missing_recipients == "P.Sodau" and lead.status == "queued"
    text = lead.body_text
    assert "Đơn vị được giao là đơn vị chủ trì thực hiện nhiệm vụ sau:" in text
    assert "Thời hạn: 30/06/2026" in text and "Người giao: Lanhdao" in text
    assert "Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền." in text
    assert f"{BASE}/assignments/{by_unit[world.ward_a.id].id}" in text
    dept = next(m for m in messages if m.unit_id == world.dept.id)
    assert dept.recipients == "pb.noivu@hongbang.example"
    assert "đơn vị phối hợp" in dept.body_text


def test_mail_stays_vietnamese_for_an_english_speaking_leader(client, auth, world):
    User.update(locale="en").where(User.id == world.leader.id).execute()
    auth.login("lanhdao")
    data = _task_data(lead=str(world.ward_a.id))
    assert client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data).status_code == 302
    (message,) = _messages()
    assert message.subject.startswith("[Giao việc] Nhiệm vụ mới được giao:")
    assert "Tiến độ: 0% – Chưa thực hiện" in message.body_text
    assert "Vai trò: Chủ trì" in message.body_text


def test_a_rolled_back_creation_queues_nothing(app_ctx, world):
    task = Task.create(
        meeting=world.meeting,
        number=9,
        title="Nhiệm vụ bị hủy bỏ giữa chừng",
        created_at=world.task.created_at,
        updated_at=world.task.created_at,
    )
    with pytest.raises(RuntimeError), database.atomic():
        created = workflow.assign(task, world.leader, [world.ward_a, world.ward_b], "lead")
        assert len(created) == 2 and len(_messages()) == 2  # queued inside the transaction
        raise RuntimeError("the creation failed after assigning")
    assert _messages() == []
    assert not Assignment.select().where(Assignment.task == task).exists()


def test_assigning_more_units_mails_only_the_new_ones(client, auth, world):
    auth.login("tonghop")
    data = {"units": [str(world.dept.id), str(world.ward_a.id)]}
    response = client.post(f"/tasks/{world.task.id}/assign", data=data)
    assert response.status_code == 302
    messages = _messages()
    assert [m.unit_id for m in messages] == [world.dept.id]
    assert "Người giao: Tonghop" in messages[0].body_text


def test_officers_who_turned_new_assignments_off_are_left_out(app_ctx, factory, world):
    User.update(email="p.sodau@hongbang.example").where(User.id == world.officer_a.id).execute()
    factory.user("p.sodau2", "officer", world.ward_a, email="p.sodau2@hongbang.example")
    MailPreference.create(user=world.officer_a, kind="new_assignment", enabled=False)
    MailPreference.create(user=world.officer_a, kind="urge", enabled=True)
    task = factory.task(world.meeting, "Việc mới", deadline=date(2026, 6, 1))
    (assignment,) = workflow.assign(task, world.leader, [world.ward_a], "lead")
    (message,) = _messages()
    assert message.recipients == "p.sodau2@hongbang.example"
    urge = events.urge(assignment, world.leader, "Khẩn trương thực hiện.", 1)
    assert urge.recipients == "p.sodau@hongbang.example, p.sodau2@hongbang.example"


def test_a_unit_whose_every_address_is_off_gets_a_dead_message(app_ctx, factory, world):
    MailPreference.create(user=world.officer_a, kind="new_assignment", enabled=False)
    task = factory.task(world.meeting, "Việc mới", deadline=date(2026, 6, 1))
    workflow.assign(task, world.leader, [world.ward_a], "lead")
    (message,) = _messages()
    assert message.status == "dead" and message.recipients == ""


def test_new_assignment_mails_once(app_ctx, world):
    assert events.new_assignment(world.assignment_a) is not None
    assert events.new_assignment(world.assignment_a) is None
    assert len(_messages()) == 1


# --- the hooks the workflow will call ------------------------------------------------------


def test_urge_mails_once_per_event(app_ctx, world):
    first = events.urge(world.assignment_a, world.leader, "Đề nghị báo cáo <ngay>.", 41)
    assert first.key == f"urge:assignment:{world.assignment_a.id}:event:41"
    assert first.kind == "urge" and first.unit_id == world.ward_a.id
    assert first.subject == (
        "[Giao việc] Đôn đốc thực hiện nhiệm vụ: Tăng cường tuyên truyền CCHC – UBND phường Sở Dầu"
    )
    assert "Đồng chí Lanhdao đôn đốc đơn vị thực hiện nhiệm vụ sau:" in first.body_text
    assert "Nội dung đôn đốc:\nĐề nghị báo cáo <ngay>." in first.body_text
    assert "Đề nghị báo cáo &lt;ngay&gt;." in first.body_html
    assert events.urge(world.assignment_a, world.leader, "Lần nữa", 41) is None
    assert events.urge(world.assignment_a, world.leader, "Lần hai", 42) is not None
    assert len(_messages("urge")) == 2


def test_extension_decided(app_ctx, world):
    approved = events.extension_decided(
        world.assignment_a, world.leader, True, date(2026, 6, 30), "Đồng ý.", 51
    )
    assert approved.key == f"extension_decided:assignment:{world.assignment_a.id}:event:51"
    assert approved.subject.startswith("[Giao việc] Đồng ý gia hạn: Tăng cường tuyên truyền CCHC")
    assert "Thời hạn mới: 30/06/2026" in approved.body_text
    rejected = events.extension_decided(
        world.assignment_b, world.leader, False, None, "Không có lý do chính đáng.", 52
    )
    assert rejected.subject.startswith("[Giao việc] Không đồng ý gia hạn:")
    assert "hoàn thành theo thời hạn hiện tại" in rejected.body_text
    assert "Ý kiến:\nKhông có lý do chính đáng." in rejected.body_text
    assert "Thời hạn mới" not in rejected.body_text


def test_submission_returned_and_confirmed(app_ctx, world):
    returned = events.submission_returned(
        world.assignment_a, world.leader, "Thiếu minh chứng kết quả.", 61
    )
    assert returned.key == f"submission_returned:assignment:{world.assignment_a.id}:event:61"
    assert returned.subject.startswith("[Giao việc] Nhiệm vụ bị trả lại:")
    assert "Lý do trả lại:\nThiếu minh chứng kết quả." in returned.body_text
    confirmed = events.submission_confirmed(world.assignment_a, world.leader, 62)
    assert confirmed.key == f"submission_confirmed:assignment:{world.assignment_a.id}:event:62"
    assert confirmed.subject.startswith("[Giao việc] Nhiệm vụ được xác nhận hoàn thành:")
    assert "đã xác nhận đơn vị hoàn thành" in confirmed.body_text
    assert events.submission_confirmed(world.assignment_a, world.leader, 62) is None


def test_each_kind_follows_its_own_preference(app_ctx, world):
    User.update(email="p.sodau@hongbang.example").where(User.id == world.officer_a.id).execute()
    MailPreference.create(user=world.officer_a, kind="submission_returned", enabled=False)
    returned = events.submission_returned(world.assignment_a, world.leader, "Bổ sung.", 71)
    confirmed = events.submission_confirmed(world.assignment_a, world.leader, 72)
    assert returned.recipients == "" and returned.status == "dead"
    assert confirmed.recipients == "p.sodau@hongbang.example"


def test_the_workflow_announces_a_new_assignment_to_any_receiver(app_ctx, factory, world):
    """The mail is one receiver of ``assignment_created``; others hear the same signal."""
    heard = []

    def receiver(sender, **kwargs):
        heard.append((sender, kwargs))

    task = factory.task(world.meeting, "Việc mới", deadline=date(2026, 6, 1))
    with signals.assignment_created.connected_to(receiver):
        (assignment,) = workflow.assign(task, world.leader, [world.ward_a], "lead")
    assert heard == [(assignment, {"actor": world.leader})]
    assert [m.assignment_id for m in _messages()] == [assignment.id]


def test_a_failing_receiver_rolls_the_change_back(app_ctx, factory, world):
    """Receivers run inside the sender's transaction: one that fails undoes the change too."""

    def failing(sender, **kwargs):
        raise RuntimeError("a receiver failed")

    task = factory.task(world.meeting, "Việc mới", deadline=date(2026, 6, 1))
    with signals.assignment_created.connected_to(failing), pytest.raises(RuntimeError):
        workflow.assign(task, world.leader, [world.ward_a], "lead")
    assert not Assignment.select().where(Assignment.task == task).exists()
    assert _messages() == []
