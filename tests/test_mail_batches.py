"""No mail floods: one action that gives a unit many tasks sends that unit one mail.

A conclusion notice turned into tasks once sent 161 "new assignment" mails, 7 to each unit.
New assignments made in one action (the notice's tasks, a task given to a group in one form
submit, one API write) now reach each unit as one mail listing them all, queued inside the
action's transaction; a unit given one task gets the mail of that one assignment, as before.
Counted in the outbox and at the real SMTP server of the tests.
"""

from __future__ import annotations

from datetime import date

import pytest
from smtp_support import SmtpServer

from tracker.api.tokens import create_token
from tracker.assignments import workflow
from tracker.core import signals
from tracker.mail.sender import send_pending
from tracker.models import Assignment, NoticeDraft, OutboxMessage, Task, User
from tracker.reminders import events

# Seven directives, each to one or both wards (the group "UBND các phường"), four also to the
# Phòng Nội vụ: every unit is given several of them.
NOTICE = """ỦY BAN NHÂN DÂN QUẬN HỒNG BÀNG
Số: 45/TB-UBND
THÔNG BÁO
Kết luận của Phó Chủ tịch UBND quận

Đồng chí Phó Chủ tịch UBND quận kết luận như sau:
1. Giao Phòng Nội vụ chủ trì, phối hợp với UBND các phường rà soát thủ tục hành chính, \
hoàn thành trước ngày 30/6/2026.
2. UBND các phường thường xuyên tuyên truyền về chuyển đổi số.
3. Giao Phòng Nội vụ chủ trì, phối hợp với UBND các phường triển khai dịch vụ công trực \
tuyến toàn trình, hoàn thành trước ngày 15/7/2026.
4. UBND phường Sở Dầu chỉnh trang vỉa hè các tuyến phố chính, hoàn thành trước ngày 30/6/2026.
5. UBND các phường tổng hợp ý kiến cử tri, hoàn thành trước ngày 10/6/2026.
6. Giao Phòng Nội vụ chủ trì, phối hợp với UBND phường Sở Dầu kiểm tra công tác văn thư, \
hoàn thành trước ngày 30/6/2026.
7. Giao Phòng Nội vụ chủ trì, phối hợp với UBND các phường số hóa hồ sơ một cửa, hoàn thành \
trước ngày 31/7/2026.
Nơi nhận:
- Như trên;
- Lưu: VT.
"""


def _new_assignment_mails() -> list[OutboxMessage]:
    query = OutboxMessage.select().where(OutboxMessage.kind == "new_assignment")
    return list(query.order_by(OutboxMessage.id))


def _addresses(world) -> None:
    """Every unit has its own address (so every mail is delivered, once, to one address)."""
    for unit, address in [
        (world.ward_a, "ubnd.sodau@hongbang.example"),
        (world.ward_b, "ubnd.hoangvanthu@hongbang.example"),
        (world.dept, "phongnoivu@hongbang.example"),
    ]:
        unit.email = address
        unit.save()


@pytest.fixture
def smtp(app):
    with SmtpServer() as server:
        app.config["SMTP_URL"] = server.url()
        yield server


def _deliver(app, smtp: SmtpServer) -> dict[str, list[str]]:
    """Send the outbox; the subjects each address received."""
    send_pending(app)
    received: dict[str, list[str]] = {}
    for message in smtp.received:
        for address in message.rcpt_tos:
            received.setdefault(address, []).append(message.parsed()["Subject"])
    return received


def _notice_form(review: NoticeDraft) -> dict:
    data = {"count": str(len(review.drafts))}
    for i, d in enumerate(review.drafts):
        p = f"d-{i}-"
        data[p + "include"] = "1"
        for name in ("title", "content", "lead", "coordinating", "deadline_kind", "deadline"):
            data[p + name] = d[name] or ""
        data[p + "cadence"] = d["cadence"] or "monthly"
        data[p + "field"] = d["field"]
    return data


def test_a_notice_sends_each_unit_one_mail_listing_its_tasks(app, client, auth, world, smtp):
    _addresses(world)
    world.meeting.notice_number, world.meeting.notice_date = "45/TB-UBND", date(2026, 5, 15)
    world.meeting.save()
    auth.login("tonghop")
    response = client.post(f"/meetings/{world.meeting.id}/notice", data={"text": NOTICE})
    assert response.status_code == 302
    review = NoticeDraft.get(NoticeDraft.meeting == world.meeting)
    assert len(review.drafts) == 7
    response = client.post(f"/meetings/{world.meeting.id}/notice/create", data=_notice_form(review))
    assert response.status_code == 302
    new = Assignment.select().where(Assignment.task.in_(Task.select().where(Task.number > 2)))
    given = {}
    for a in new:
        given.setdefault(a.unit_id, []).append(a)
    assert {unit: len(a) for unit, a in given.items()} == {
        world.dept.id: 4,
        world.ward_a.id: 7,
        world.ward_b.id: 5,
    }

    mails = _new_assignment_mails()
    assert sorted(m.unit_id for m in mails) == sorted(given)  # one per unit, not 16
    by_unit = {m.unit_id: m for m in mails}
    ward_a = by_unit[world.ward_a.id]
    assert ward_a.subject == "[Giao việc] Giao 7 nhiệm vụ mới cho UBND phường Sở Dầu"
    ids = sorted(a.id for a in given[world.ward_a.id])
    assert ward_a.key == f"new_assignment:unit:{world.ward_a.id}:assignments:{ids[0]}:count:7"
    assert ward_a.assignment_id is None and ward_a.status == "queued"
    text = ward_a.body_text
    assert text.startswith("Kính gửi UBND phường Sở Dầu,\n")
    assert (
        "Đơn vị được giao 7 nhiệm vụ mới, trong đó chủ trì 3 nhiệm vụ, phối hợp 4 nhiệm vụ:" in text
    )
    assert "Cuộc họp: Họp Ban Chỉ đạo CCHC (Thông báo số 45/TB-UBND ngày 15/05/2026)" in text
    assert text.count("Cuộc họp:") == 1  # said once: every task comes from the same notice
    assert "Người giao: Tonghop" in text
    for a in given[world.ward_a.id]:
        assert f"{a.task.title}\n" in text
        assert f"/assignments/{a.id}\n" in text
    assert text.index("1. ") < text.index("7. ")
    assert "Thời hạn: 30/06/2026" in text and "Thời hạn: Thường xuyên" in text
    dept = by_unit[world.dept.id]
    assert dept.subject == "[Giao việc] Giao 4 nhiệm vụ mới cho Phòng Nội vụ"
    assert "Đơn vị được giao chủ trì thực hiện 4 nhiệm vụ mới sau:" in dept.body_text
    html = ward_a.body_html
    assert html.count('href="http://127.0.0.1:5000/assignments/') == 2 * 7

    received = _deliver(app, smtp)
    assert received == {
        "ubnd.sodau@hongbang.example": ["[Giao việc] Giao 7 nhiệm vụ mới cho UBND phường Sở Dầu"],
        "ubnd.hoangvanthu@hongbang.example": [
            "[Giao việc] Giao 5 nhiệm vụ mới cho UBND phường Hoàng Văn Thụ"
        ],
        "phongnoivu@hongbang.example": ["[Giao việc] Giao 4 nhiệm vụ mới cho Phòng Nội vụ"],
    }


def test_one_task_for_a_group_mails_each_unit_once(app, client, auth, world, smtp):
    """One form submit: a lead unit and a group; each unit has one assignment, so the mail is
    today's mail of that assignment."""
    _addresses(world)
    auth.login("lanhdao")
    data = {
        "number": "3",
        "title": "Rà soát thủ tục hành chính",
        "field": "thu_tuc",
        "deadline_kind": "date",
        "deadline": "2026-06-30",
        "lead": str(world.dept.id),
        "groups": [str(world.wards.id)],
    }
    response = client.post(f"/meetings/{world.meeting.id}/tasks/new", data=data)
    assert response.status_code == 302
    task = Task.get(Task.title == "Rà soát thủ tục hành chính")
    assignments = list(Assignment.select().where(Assignment.task == task))
    assert len(assignments) == 3
    mails = _new_assignment_mails()
    assert sorted(m.key for m in mails) == sorted(
        f"new_assignment:assignment:{a.id}" for a in assignments
    )
    received = _deliver(app, smtp)
    assert sorted(received) == [
        "phongnoivu@hongbang.example",
        "ubnd.hoangvanthu@hongbang.example",
        "ubnd.sodau@hongbang.example",
    ]
    assert all(len(subjects) == 1 for subjects in received.values())
    assert received["ubnd.sodau@hongbang.example"] == [
        "[Giao việc] Nhiệm vụ mới được giao: Rà soát thủ tục hành chính – UBND phường Sở Dầu"
    ]


def test_assigning_several_units_through_the_api_mails_each_once(app, client, world, smtp):
    _addresses(world)
    _token, secret = create_token(world.secretary, "test")
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.post(
        f"/api/v1/tasks/{world.other_task.id}/assignments",
        json={"units": [world.ward_a.id, world.ward_b.id], "groups": [world.wards.id]},
        headers=headers,
        csrf=False,
    )
    assert response.status_code == 201
    assert len(response.get_json()["created"]) == 2
    assert len(_new_assignment_mails()) == 2
    received = _deliver(app, smtp)
    assert {address: len(s) for address, s in received.items()} == {
        "ubnd.sodau@hongbang.example": 1,
        "ubnd.hoangvanthu@hongbang.example": 1,
    }


def test_tasks_given_in_one_action_are_one_mail_per_unit(app_ctx, factory, world):
    """The batch itself: three tasks to the same two units in one action; a unit given one task
    keeps the mail of that one assignment."""
    tasks = [factory.task(world.meeting, f"Việc {n}", deadline=date(2026, 6, n)) for n in (1, 2, 3)]
    with signals.batched():
        for task in tasks:
            workflow.assign(task, world.leader, [world.ward_a, world.ward_b], "lead")
        workflow.assign(tasks[0], world.leader, [world.dept], "coordinating")
        assert _new_assignment_mails() == []  # queued at the end of the action
    mails = _new_assignment_mails()
    assert [m.unit_id for m in mails] == [world.ward_a.id, world.ward_b.id, world.dept.id]
    assert mails[0].subject == "[Giao việc] Giao 3 nhiệm vụ mới cho UBND phường Sở Dầu"
    assert "Đơn vị được giao chủ trì thực hiện 3 nhiệm vụ mới sau:" in mails[0].body_text
    dept = Assignment.get(Assignment.unit == world.dept, Assignment.task == tasks[0])
    assert mails[2].key == f"new_assignment:assignment:{dept.id}"
    assert mails[2].subject.startswith("[Giao việc] Nhiệm vụ mới được giao: Việc 1")


def test_the_batched_mail_is_queued_once(app_ctx, factory, world):
    """The outbox key makes the unit's mail idempotent: gathered again, nothing is added."""
    tasks = [factory.task(world.meeting, f"Việc {n}") for n in (1, 2)]
    given = [
        (a, world.leader)
        for task in tasks
        for a in [factory.assignment(task, world.ward_a, status="new")]
    ]
    assert len(events.new_assignments(given)) == 1
    assert events.new_assignments(given) == []
    assert len(_new_assignment_mails()) == 1


def test_a_failed_action_mails_nothing(app_ctx, factory, world):
    tasks = [factory.task(world.meeting, f"Việc {n}") for n in (1, 2)]
    with pytest.raises(RuntimeError), signals.batched():
        for task in tasks:
            workflow.assign(task, world.leader, [world.ward_a], "lead")
        raise RuntimeError("the action failed after assigning")
    assert _new_assignment_mails() == []
    assert not Assignment.select().where(Assignment.task.in_(tasks)).exists()


def test_without_an_action_each_assignment_mails_at_once(app_ctx, factory, world):
    """Outside ``batched`` (a reassignment, a script) the mail goes with the change, as before."""
    task = factory.task(world.meeting, "Việc mới", deadline=date(2026, 6, 1))
    (assignment,) = workflow.assign(task, world.leader, [world.ward_a], "lead")
    assert [m.key for m in _new_assignment_mails()] == [
        f"new_assignment:assignment:{assignment.id}"
    ]
    assert User.get_by_id(world.leader.id).username == "lanhdao"
