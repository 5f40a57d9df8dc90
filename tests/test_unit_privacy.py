"""Issue 14, item 18: what a unit may see of the other units' work on a task they share.

Least privilege by default: a unit sees its own assignment; the lead unit of a task sees its
coordinating units' assignments and they see the lead's; co-leads (the world's two wards, both
lead on ``world.task``) and co-coordinating units never see each other's reports, evidence,
history or progress. The admin setting "Các đơn vị cùng nhiệm vụ được xem tiến độ của nhau"
opens a shared task's work to all its units. Leaders, the chairing office and admins see all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from conftest import NOW

from tracker import policy
from tracker.api.tokens import create_token
from tracker.core.settings import UNITS_SHARE_PROGRESS
from tracker.models import (
    Assignment,
    Attachment,
    AuditEvent,
    ProgressReport,
    Setting,
    Submission,
    Unit,
    User,
)

W2_REPORT = "Hoàng Văn Thụ đã tuyên truyền tại tổ dân phố"
C2_REPORT = "Phường Minh Khai đã rà soát hồ sơ tồn đọng"
C1_REPORT = "Phường Hạ Lý đã gửi số liệu cho Phòng Nội vụ"
L_REPORT = "Phòng Nội vụ đã tổng hợp dự thảo báo cáo"


@dataclass
class Shared:
    """Two tasks: one given to two wards as co-leads (W1, W2: the world's wards), one given to
    the department as lead (L) with two coordinating wards (C1, C2)."""

    w1: Assignment
    w2: Assignment
    lead: Assignment
    c1: Assignment
    c2: Assignment
    w2_file: Attachment
    w2_submission: Submission
    officer_c1: User
    officer_c2: User


def _report(a: Assignment, author: User, text: str) -> ProgressReport:
    Assignment.update(last_report_at=NOW, progress=40, status="in_progress").where(
        Assignment.id == a.id
    ).execute()
    return ProgressReport.create(
        assignment=a, author=author, text=text, progress=40, created_at=NOW
    )


@pytest.fixture
def shared(app, world, factory) -> Shared:
    ward_c1 = factory.unit("UBND phường Hạ Lý", code="haly")
    ward_c2 = factory.unit("UBND phường Minh Khai", code="minhkhai")
    officer_c1 = factory.user("p.haly", "officer", ward_c1)
    officer_c2 = factory.user("p.minhkhai", "officer", ward_c2)
    task = factory.task(world.meeting, "Số hóa hồ sơ một cửa", deadline=world.task.deadline)
    lead = factory.assignment(task, world.dept, role="lead")
    c1 = factory.assignment(task, ward_c1, role="coordinating")
    c2 = factory.assignment(task, ward_c2, role="coordinating")
    _report(world.assignment_b, world.officer_b, W2_REPORT)
    _report(c2, officer_c2, C2_REPORT)
    _report(c1, officer_c1, C1_REPORT)
    _report(lead, world.officer_dept, L_REPORT)
    # W2's history: an extension request, and submitted work with its evidence file.
    AuditEvent.create(
        actor=world.officer_b,
        action="extension_request",
        object_type="extensionrequest",
        object_id=1,
        assignment=world.assignment_b,
        after='{"requested_deadline": "2026-06-30"}',
        message="Chờ kinh phí của phường Hoàng Văn Thụ",
        created_at=NOW,
    )
    submission = Submission.create(
        assignment=world.assignment_b, summary="Hoàn thành tuyên truyền", created_at=NOW
    )
    folder = app.config["INSTANCE_PATH"] / "uploads"
    folder.mkdir(exist_ok=True)
    (folder / "w2evidence.pdf").write_bytes(b"%PDF-1.4 minh chung W2")
    w2_file = Attachment.create(
        assignment=world.assignment_b,
        submission=submission,
        original_name="Minh chứng W2.pdf",
        stored_name="w2evidence.pdf",
        content_type="application/pdf",
        size=22,
        sha256="0" * 64,
        created_at=NOW,
    )
    return Shared(
        w1=world.assignment_a,
        w2=world.assignment_b,
        lead=lead,
        c1=c1,
        c2=c2,
        w2_file=w2_file,
        w2_submission=submission,
        officer_c1=officer_c1,
        officer_c2=officer_c2,
    )


def _share(on: bool) -> None:
    Setting.put(UNITS_SHARE_PROGRESS, on, None)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _api(app, username: str) -> dict:
    with app.app_context():
        user = User.get(User.username == username)
        return {"Authorization": f"Bearer {create_token(user, 't')[1]}"}


# --- co-leads: W1 and W2 ------------------------------------------------------------------------


def test_a_co_lead_ward_cannot_read_the_other_wards_work(app, client, auth, world, shared):
    auth.login("p.sodau")
    # Its own assignment's page: the other ward is named, its progress is not shown.
    own = _text(client.get(f"/assignments/{shared.w1.id}"))
    assert "UBND phường Hoàng Văn Thụ" in own
    assert f"/assignments/{shared.w2.id}" not in own
    assert "40%" not in own
    # The other ward's page, history, evidence and completion report.
    assert client.get(f"/assignments/{shared.w2.id}").status_code in (403, 404)
    assert client.get(f"/attachments/{shared.w2_file.id}").status_code == 404
    assert client.get(f"/submissions/{shared.w2_submission.id}").status_code == 404
    # The task page and the meeting page: no link to it, no progress, no report date.
    task_page = _text(client.get(f"/tasks/{world.task.id}"))
    assert "UBND phường Hoàng Văn Thụ" in task_page
    assert f"/assignments/{shared.w2.id}" not in task_page
    assert "40%" not in task_page and "Đang thực hiện" not in task_page
    # The meetings list counts the work W1 may open: its own assignment, not W2's.
    assert "0/1</td>" in _text(client.get("/meetings"))
    meeting_page = _text(client.get(f"/meetings/{world.meeting.id}"))
    assert f"/assignments/{shared.w2.id}" not in meeting_page
    assert "Đang thực hiện" not in meeting_page
    # The calendar holds W1's own deadline, not W2's on the same day.
    day = _text(client.get("/calendar?day=2026-05-30"))
    assert f"/assignments/{shared.w1.id}" in day and f"/assignments/{shared.w2.id}" not in day
    # Search finds none of its reports.
    found = _text(client.get("/search?q=to+dan+pho&kind=report"))
    assert "Hoàng Văn Thụ đã tuyên truyền" not in found
    for page in (own, task_page, meeting_page):
        assert W2_REPORT not in page and "Chờ kinh phí của phường" not in page


def test_the_api_hides_a_co_lead_wards_work(app, client, world, shared):
    headers = _api(app, "p.sodau")
    detail = client.get(f"/api/v1/assignments/{shared.w2.id}", headers=headers)
    assert detail.status_code == 404
    task = client.get(f"/api/v1/tasks/{world.task.id}", headers=headers).get_json()
    assert [a["id"] for a in task["assignments"]] == [shared.w1.id]
    listed = client.get("/api/v1/assignments?per_page=100", headers=headers).get_json()
    assert {a["id"] for a in listed["items"]} == {shared.w1.id}
    post = client.post(
        f"/api/v1/assignments/{shared.w2.id}/reports",
        json={"text": "Thay", "progress": 90},
        headers=headers,
        csrf=False,
    )
    assert post.status_code == 404
    assert Assignment.get_by_id(shared.w2.id).progress == 40


# --- lead and coordinating units ----------------------------------------------------------------


def test_the_lead_sees_its_coordinating_units_and_they_the_lead(client, auth, world, shared):
    auth.login("pb.noivu")
    lead_page = _text(client.get(f"/assignments/{shared.lead.id}"))
    assert C1_REPORT in lead_page and C2_REPORT in lead_page  # their latest reports
    for coordinating in (shared.c1, shared.c2):
        page = client.get(f"/assignments/{coordinating.id}")
        assert page.status_code == 200
    assert C2_REPORT in _text(client.get(f"/assignments/{shared.c2.id}"))
    auth.logout()

    auth.login("p.haly")
    lead_page = _text(client.get(f"/assignments/{shared.lead.id}"))
    assert L_REPORT in lead_page
    # On the lead's page, C1 meets its fellow coordinating unit by name only.
    assert "UBND phường Minh Khai" in lead_page
    assert C2_REPORT not in lead_page and f"/assignments/{shared.c2.id}" not in lead_page
    assert client.get(f"/assignments/{shared.c2.id}").status_code in (403, 404)
    found = _text(client.get("/search?q=ra+soat&kind=report"))
    assert "hồ sơ tồn đọng" not in found
    found = _text(client.get("/search?q=tong+hop&kind=report"))
    assert "dự thảo báo cáo" in found


def test_the_policy_pairs_lead_and_coordinating_units(app_ctx, world, shared):
    def seen(user: User) -> set[int]:
        return {a.id for a in policy.visible_assignments(user)}

    c1, c2 = shared.officer_c1, shared.officer_c2
    lead_units = {shared.lead.id, shared.c1.id, shared.c2.id}
    assert seen(world.officer_dept) == {world.assignment_dept.id, *lead_units}
    assert seen(c1) == {shared.c1.id, shared.lead.id}
    assert seen(c2) == {shared.c2.id, shared.lead.id}
    assert seen(world.officer_a) == {shared.w1.id}
    assert seen(world.officer_b) == {shared.w2.id}
    assert not policy.can(c1, "assignment.view", shared.c2)
    assert policy.can(c1, "assignment.view", shared.lead)
    assert not policy.can(world.officer_a, "attachment.view", shared.w2_file)
    reports = {r.assignment_id for r in policy.visible(c1, ProgressReport)}
    assert reports == {shared.c1.id, shared.lead.id}
    for username in ("admin", "lanhdao", "tonghop", "theodoi"):
        assert seen(User.get(User.username == username)) == {a.id for a in Assignment.select()}


# --- the admin setting --------------------------------------------------------------------------


def test_with_the_setting_on_units_of_a_task_see_each_others_progress(
    app, client, auth, world, shared
):
    _share(True)
    auth.login("p.sodau")
    assert W2_REPORT in _text(client.get(f"/assignments/{shared.w2.id}"))
    assert f"/assignments/{shared.w2.id}" in _text(client.get(f"/tasks/{world.task.id}"))
    assert client.get(f"/attachments/{shared.w2_file.id}").status_code == 200
    auth.logout()
    auth.login("p.haly")
    assert C2_REPORT in _text(client.get(f"/assignments/{shared.c2.id}"))
    headers = _api(app, "p.sodau")
    assert client.get(f"/api/v1/assignments/{shared.w2.id}", headers=headers).status_code == 200
    # Turned off again: hidden again.
    _share(False)
    assert client.get(f"/api/v1/assignments/{shared.w2.id}", headers=headers).status_code == 404
    assert client.get(f"/assignments/{shared.c2.id}").status_code in (403, 404)


@pytest.mark.parametrize("username", ["admin", "lanhdao", "tonghop", "theodoi"])
def test_leaders_and_the_office_see_every_units_work(client, auth, world, shared, username):
    auth.login(username)
    for a in (shared.w1, shared.w2, shared.lead, shared.c1, shared.c2):
        assert client.get(f"/assignments/{a.id}").status_code == 200
    assert client.get(f"/attachments/{shared.w2_file.id}").status_code == 200
    task_page = _text(client.get(f"/tasks/{world.task.id}"))
    assert f"/assignments/{shared.w2.id}" in task_page and "40%" in task_page
    page = _text(client.get(f"/assignments/{shared.w2.id}"))
    assert W2_REPORT in page and "Chờ kinh phí của phường Hoàng Văn Thụ" in page


def test_the_admin_turns_the_setting_on_and_off(client, auth, world):
    auth.login("admin")
    page = _text(client.get("/admin/settings"))
    assert "Các đơn vị cùng nhiệm vụ được xem tiến độ của nhau" in page
    assert 'href="/admin/settings"' in _text(client.get("/admin/"))
    assert not Setting.flag(UNITS_SHARE_PROGRESS)
    response = client.post("/admin/settings", data={UNITS_SHARE_PROGRESS: "y"})
    assert response.status_code == 302
    assert Setting.flag(UNITS_SHARE_PROGRESS)
    assert "checked" in _text(client.get("/admin/settings"))
    # A form without the box (it is unticked) turns it off; each change is audited.
    client.post("/admin/settings", data={"save": "1"})
    assert not Setting.flag(UNITS_SHARE_PROGRESS)
    events = AuditEvent.select().where(AuditEvent.object_type == "setting")
    assert [e.action for e in events.order_by(AuditEvent.id)] == ["update", "update"]
    # Without the CSRF token nothing changes.
    assert (
        client.post("/admin/settings", data={UNITS_SHARE_PROGRESS: "y"}, csrf=False).status_code
        == 400
    )
    assert not Setting.flag(UNITS_SHARE_PROGRESS)


def test_the_setting_is_off_by_default(app_ctx):
    assert Setting.select().count() == 0
    assert not Setting.flag(UNITS_SHARE_PROGRESS)
    assert Unit.select().count() == 0
