"""Work inside a unit: the unit head (lãnh đạo đơn vị), handlers (chuyên viên xử lý) with an
internal deadline, "Việc của tôi", drafts the unit head approves or returns, and their mails."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from upload_support import HTML, PDF, db_snapshot, stored_files, upload

from tracker import policy
from tracker.api.tokens import create_token
from tracker.assignments import handlers, workflow
from tracker.assignments.workflow import WorkflowError
from tracker.cli import cli
from tracker.models import (
    Assignment,
    AssignmentHandler,
    Attachment,
    AuditEvent,
    OutboxMessage,
    ProgressReport,
    ReportDraft,
    Submission,
    Task,
    Unit,
    User,
)
from tracker.overview.unit_work import WAITING_SHOWN
from tracker.reminders import jobs

DOC = {"doc_number": "45/BC-UBND", "doc_date": "2026-05-14"}


class Inside:
    """The world, with ward A's head and one more officer of ward A to handle its work."""

    def __init__(self, world, factory) -> None:
        self.world = world
        self.head = factory.user(
            "ld.sodau", "unit_head", world.ward_a, full_name="Trần Văn Trưởng", email="ld@x.vn"
        )
        self.handler = factory.user(
            "cv.sodau", "officer", world.ward_a, full_name="Lê Thị Xử Lý", email="cv@x.vn"
        )
        self.head_b = factory.user("ld.hvt", "unit_head", world.ward_b, full_name="Head B")
        self.a = world.assignment_a


@pytest.fixture
def inside(world, factory) -> Inside:
    return Inside(world, factory)


def requires_approval(unit: Unit, on: bool = True) -> None:
    Unit.update(requires_head_approval=on).where(Unit.id == unit.id).execute()


def url(a: Assignment, action: str = "") -> str:
    return f"/assignments/{a.id}" + (f"/{action}" if action else "")


def assign(client, a: Assignment, user_ids: list[int], deadline: str):
    return client.post(
        url(a, "handlers"),
        data={"handlers": [str(i) for i in user_ids], "internal_deadline": deadline},
    )


def fresh(a: Assignment) -> Assignment:
    return Assignment.get_by_id(a.id)


# --- the role and the policy ------------------------------------------------------------------


def test_unit_head_acts_as_an_officer_of_their_unit_only(app_ctx, inside):
    a, b, dept = inside.a, inside.world.assignment_b, inside.world.assignment_dept
    for action in (
        "assignment.view",
        "assignment.report",
        "assignment.submit",
        "extension_request.ask",
        "assignment.assign_handlers",
        "assignment.decide_draft",
    ):
        assert policy.can(inside.head, action, a), action
        assert not policy.can(inside.head, action, b), action
        assert not policy.can(inside.head, action, dept), action
    assert policy.can(inside.head, "unit.view", inside.world.ward_a)
    assert not policy.can(inside.head, "unit.view", inside.world.ward_b)
    assert policy.can(inside.head_b, "assignment.assign_handlers", b)
    assert not policy.can(inside.head_b, "assignment.assign_handlers", a)


def test_with_a_head_the_officers_no_longer_lead_the_units_work(app_ctx, inside):
    # Ward A has a head: its focal point officer reports but neither assigns nor approves.
    officer = inside.world.officer_a
    assert policy.can(officer, "assignment.report", inside.a)
    assert not policy.can(officer, "assignment.assign_handlers", inside.a)
    assert not policy.can(officer, "assignment.decide_draft", inside.a)
    # Ward A's head locked: the focal point officer leads the unit's work again.
    User.update(active=False).where(User.id == inside.head.id).execute()
    assert policy.can(officer, "assignment.assign_handlers", inside.a)


def test_a_handler_sees_only_their_units_work_and_a_viewer_cannot_act(app_ctx, inside):
    assert policy.can(inside.handler, "assignment.view", inside.a)
    assert not policy.can(inside.handler, "assignment.view", inside.world.assignment_dept)
    visible = {a.id for a in policy.visible_assignments(inside.handler)}
    assert inside.a.id in visible and inside.world.assignment_dept.id not in visible
    for action in ("assignment.assign_handlers", "assignment.decide_draft", "assignment.report"):
        assert not policy.can(inside.world.viewer, action, inside.a)
        assert not policy.can(inside.world.leader, action, inside.a)


def test_pages_refuse_another_units_head(client, auth, inside):
    auth.login("ld.hvt")
    response = assign(client, inside.a, [inside.handler.id], "2026-05-20")
    assert response.status_code == 403
    assert AssignmentHandler.select().count() == 0
    auth.logout()
    auth.login("theodoi")
    assert assign(client, inside.a, [inside.handler.id], "2026-05-20").status_code == 403


def test_create_user_unit_head(runner, app, world):
    result = runner.invoke(
        cli,
        [
            "create-user",
            "--username",
            "ld.noivu",
            "--full-name",
            "Trưởng phòng Nội vụ",
            "--role",
            "unit_head",
            "--unit",
            "noivu",
            "--password",
            "secret-123",
        ],
    )
    assert result.exit_code == 0, result.output
    user = User.get(User.username == "ld.noivu")
    assert user.role == "unit_head" and user.unit_id == world.dept.id
    missing = runner.invoke(
        cli,
        [
            "create-user",
            "--username",
            "ld.x",
            "--full-name",
            "X",
            "--role",
            "unit_head",
            "--password",
            "secret-123",
        ],
    )
    assert missing.exit_code != 0 and "needs --unit" in missing.output


def test_admin_user_form_offers_unit_head_and_requires_a_unit(client, auth, world):
    auth.login("admin")
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert 'value="unit_head"' in page and "Lãnh đạo đơn vị" in page
    data = {
        "username": "ld.hvt2",
        "full_name": "Lãnh đạo HVT",
        "role": "unit_head",
        "password": "matkhau-123",
        "unit": "",
    }
    refused = client.post("/admin/users/new", data=data)
    assert refused.status_code == 400
    assert "phải thuộc một đơn vị" in refused.get_data(as_text=True)
    data["unit"] = str(world.ward_b.id)
    client.post("/admin/users/new", data=data)
    assert User.get(User.username == "ld.hvt2").unit_id == world.ward_b.id


def test_admin_unit_form_sets_the_approval_setting(client, auth, world):
    auth.login("admin")
    page = client.get(f"/admin/units/{world.ward_a.id}/edit").get_data(as_text=True)
    assert "Báo cáo phải được lãnh đạo đơn vị duyệt" in page
    data = {
        "name": world.ward_a.name,
        "short_name": world.ward_a.short_name,
        "code": "sodau",
        "kind": "ward",
        "email": "",
        "sort_order": "0",
        "aliases": "",
        "requires_head_approval": "y",
    }
    client.post(f"/admin/units/{world.ward_a.id}/edit", data=data)
    assert Unit.get_by_id(world.ward_a.id).requires_head_approval is True


# --- handlers ---------------------------------------------------------------------------------


def test_head_assigns_handlers_with_an_internal_deadline(client, auth, inside):
    auth.login("ld.sodau")
    response = assign(
        client, inside.a, [inside.handler.id, inside.world.officer_a.id], "2026-05-25"
    )
    assert response.status_code == 302
    rows = list(AssignmentHandler.of(inside.a))
    assert {r.user_id for r in rows} == {inside.handler.id, inside.world.officer_a.id}
    assert {r.internal_deadline for r in rows} == {date(2026, 5, 25)}
    assert all(r.assigned_by_id == inside.head.id for r in rows)
    events = AuditEvent.select().where(AuditEvent.action == "assign_handler")
    assert events.count() == 2 and {e.actor_id for e in events} == {inside.head.id}
    page = client.get(url(inside.a)).get_data(as_text=True)
    assert "Phân công xử lý" in page and "Lê Thị Xử Lý" in page and "25/05/2026" in page
    # The handler is told, by name, with the internal deadline.
    mail = OutboxMessage.get(
        OutboxMessage.kind == "handler_assigned", OutboxMessage.user == inside.handler.id
    )
    assert "cv@x.vn" in mail.recipients and "25/05/2026" in mail.body_text
    assert "Lê Thị Xử Lý" in mail.body_text


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        ("2026-05-31", "Hạn xử lý nội bộ không được sau thời hạn của đơn vị (30/05/2026)."),
        ("2026-05-10", "Hạn xử lý nội bộ không được trước ngày hôm nay (15/05/2026)."),
        ("", "Trường này là bắt buộc."),
    ],
)
def test_an_internal_deadline_out_of_bounds_is_refused_beside_its_field(
    client, auth, inside, deadline, message
):
    auth.login("ld.sodau")
    response = assign(client, inside.a, [inside.handler.id], deadline)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'id="internal-deadline-error"' in page
    assert AssignmentHandler.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.action == "assign_handler").count() == 0
    assert OutboxMessage.select().where(OutboxMessage.kind == "handler_assigned").count() == 0


def test_only_the_units_active_officers_may_be_handlers(app_ctx, inside):
    with pytest.raises(WorkflowError) as refused:
        handlers.assign_handlers(
            inside.a, inside.head, [inside.world.officer_b.id], date(2026, 5, 20)
        )
    assert refused.value.field == "handlers"
    with pytest.raises(WorkflowError):
        handlers.assign_handlers(inside.a, inside.head, [], date(2026, 5, 20))
    assert AssignmentHandler.select().count() == 0


def test_my_work_lists_the_handlers_assignments_with_internal_timeliness(
    client, auth, inside, clock
):
    with client.application.app_context():
        handlers.assign_handlers(inside.a, inside.head, [inside.handler.id], date(2026, 5, 16))
    auth.login("cv.sodau")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/my-work"' in home
    page = client.get("/my-work").get_data(as_text=True)
    assert inside.world.task.title in page and "16/05/2026" in page
    assert "Sắp đến hạn" in page
    clock.now_fn = lambda: datetime(2026, 5, 18, 3, 0, tzinfo=UTC)
    assert "Quá hạn" in client.get("/my-work").get_data(as_text=True)
    auth.logout()
    auth.login("p.hoangvanthu")
    assert "Chưa có nhiệm vụ nào được phân công" in client.get("/my-work").get_data(as_text=True)
    auth.logout()
    auth.login("lanhdao")
    assert client.get("/my-work").status_code == 403


# --- drafts -----------------------------------------------------------------------------------


def _assigned(client, inside):
    with client.application.app_context():
        handlers.assign_handlers(inside.a, inside.head, [inside.handler.id], date(2026, 5, 25))


def test_full_flow_handler_drafts_completion_head_approves_leader_confirms(client, auth, inside):
    requires_approval(inside.world.ward_a)
    _assigned(client, inside)
    Assignment.update(status="in_progress").where(Assignment.id == inside.a.id).execute()
    auth.login("cv.sodau")
    form = client.get(url(inside.a, "submit")).get_data(as_text=True)
    assert "Gửi lãnh đạo đơn vị duyệt" in form and 'type="file"' in form
    response = client.post(url(inside.a, "submit"), data={"summary": "Đã tuyên truyền", **DOC})
    assert response.status_code == 302
    # Still the unit's business: nothing reached the leader.
    assert fresh(inside.a).status == "in_progress"
    assert Submission.select().count() == 0
    draft = ReportDraft.get()
    assert (draft.kind, draft.status, draft.author_id) == (
        "completion",
        "pending",
        inside.handler.id,
    )
    head_mail = OutboxMessage.get(OutboxMessage.kind == "draft_submitted")
    assert head_mail.user_id == inside.head.id and "ld@x.vn" in head_mail.recipients
    page = client.get(url(inside.a)).get_data(as_text=True)
    assert "Chờ lãnh đạo đơn vị duyệt" in page
    auth.logout()

    auth.login("ld.sodau")
    page = client.get(url(inside.a)).get_data(as_text=True)
    assert "Đã tuyên truyền" in page and f"/drafts/{draft.id}/approve" in page
    assert client.post(f"/drafts/{draft.id}/approve").status_code == 302
    a = fresh(inside.a)
    assert a.status == "submitted"
    submission = Submission.get()
    assert submission.author_id == inside.handler.id and submission.doc_number == "45/BC-UBND"
    assert ReportDraft.get_by_id(draft.id).status == "approved"
    approve_event = AuditEvent.get(AuditEvent.action == "draft_approve")
    assert approve_event.actor_id == inside.head.id
    assert AuditEvent.get(AuditEvent.action == "draft_submit").actor_id == inside.handler.id
    auth.logout()

    auth.login("lanhdao")
    assert client.post(url(inside.a, "confirm")).status_code == 302
    a = fresh(inside.a)
    assert a.status == "done"
    # The unit's timeliness still counts against the unit's deadline (30/05).
    with client.application.app_context():
        assert a.category() == "done_on_time"


def test_head_returns_a_draft_with_a_reason_and_the_handler_sees_it(client, auth, inside):
    requires_approval(inside.world.ward_a)
    _assigned(client, inside)
    auth.login("cv.sodau")
    client.post(url(inside.a, "reports"), data={"text": "Đã làm 50%", "progress": "50"})
    assert ProgressReport.select().count() == 0
    draft = ReportDraft.get()
    assert (draft.kind, draft.progress) == ("progress", 50)
    auth.logout()

    auth.login("ld.sodau")
    refused = client.post(f"/drafts/{draft.id}/return", data={"reason": " "})
    assert refused.status_code == 400
    assert "Vui lòng nêu lý do trả lại." in refused.get_data(as_text=True)
    assert ReportDraft.get_by_id(draft.id).status == "pending"
    client.post(f"/drafts/{draft.id}/return", data={"reason": "Bổ sung số liệu từng tổ"})
    draft = ReportDraft.get_by_id(draft.id)
    assert (draft.status, draft.decision_reason) == ("returned", "Bổ sung số liệu từng tổ")
    assert AuditEvent.get(AuditEvent.action == "draft_return").actor_id == inside.head.id
    assert ProgressReport.select().count() == 0 and fresh(inside.a).progress == 0
    mail = OutboxMessage.get(OutboxMessage.kind == "draft_returned")
    assert mail.user_id == inside.handler.id and "Bổ sung số liệu từng tổ" in mail.body_text
    # A decided draft cannot be decided again.
    again = client.post(f"/drafts/{draft.id}/approve")
    assert again.status_code == 400 and ProgressReport.select().count() == 0
    auth.logout()

    auth.login("cv.sodau")
    page = client.get(url(inside.a)).get_data(as_text=True)
    assert "Bổ sung số liệu từng tổ" in page and "Trả lại" in page


def test_approved_progress_report_goes_up_as_the_handlers(client, auth, inside):
    requires_approval(inside.world.ward_a)
    _assigned(client, inside)
    auth.login("cv.sodau")
    client.post(url(inside.a, "reports"), data={"text": "Đã làm 40%", "progress": "40"})
    auth.logout()
    auth.login("ld.sodau")
    client.post(f"/drafts/{ReportDraft.get().id}/approve")
    report = ProgressReport.get()
    assert (report.author_id, report.progress, report.text) == (inside.handler.id, 40, "Đã làm 40%")
    assert fresh(inside.a).progress == 40 and fresh(inside.a).status == "in_progress"


def test_unit_without_the_setting_reports_straight_up(client, auth, inside):
    _assigned(client, inside)
    auth.login("cv.sodau")
    client.post(url(inside.a, "reports"), data={"text": "Đã làm 30%", "progress": "30"})
    assert ReportDraft.select().count() == 0
    assert ProgressReport.get().author_id == inside.handler.id
    assert fresh(inside.a).progress == 30


def test_the_head_and_non_handlers_report_straight_up_even_with_the_setting(client, auth, inside):
    requires_approval(inside.world.ward_a)
    _assigned(client, inside)
    auth.login("ld.sodau")
    client.post(url(inside.a, "reports"), data={"text": "Lãnh đạo báo cáo", "progress": "20"})
    auth.logout()
    auth.login("p.sodau")  # the focal point officer handles nothing here
    client.post(url(inside.a, "reports"), data={"text": "Đầu mối báo cáo", "progress": "25"})
    assert ReportDraft.select().count() == 0
    assert ProgressReport.select().count() == 2


def test_another_units_head_cannot_decide_a_draft(client, auth, inside):
    requires_approval(inside.world.ward_a)
    _assigned(client, inside)
    auth.login("cv.sodau")
    client.post(url(inside.a, "reports"), data={"text": "x", "progress": "10"})
    auth.logout()
    auth.login("ld.hvt")
    draft = ReportDraft.get()
    assert client.post(f"/drafts/{draft.id}/approve").status_code == 404
    auth.logout()
    auth.login("lanhdao")
    assert client.post(f"/drafts/{draft.id}/approve").status_code == 403
    assert ReportDraft.get_by_id(draft.id).status == "pending"


# --- the internal deadline reminder -----------------------------------------------------------


def test_head_is_mailed_once_when_an_internal_deadline_passes_unreported(app_ctx, inside, clock):
    handlers.assign_handlers(inside.a, inside.head, [inside.handler.id], date(2026, 5, 16))
    # 07:30 on 16/05 in Hà Nội: the internal deadline is today, not passed.
    at = datetime(2026, 5, 16, 0, 30, tzinfo=UTC)
    assert not [m for m in jobs.build("due_soon", at) if m.kind == "internal_overdue"]
    at = datetime(2026, 5, 17, 0, 30, tzinfo=UTC)
    mails = [m for m in jobs.build("due_soon", at) if m.kind == "internal_overdue"]
    assert [m.user.id for m in mails] == [inside.head.id]
    assert "Lê Thị Xử Lý" in mails[0].body_text and "16/05/2026" in mails[0].body_text
    jobs.run_job("due_soon", at)
    jobs.run_job("due_soon", datetime(2026, 5, 18, 0, 30, tzinfo=UTC))
    sent = OutboxMessage.select().where(OutboxMessage.kind == "internal_overdue")
    assert sent.count() == 1


def test_no_internal_overdue_mail_once_the_handler_reported(app_ctx, inside, clock):
    handlers.assign_handlers(inside.a, inside.head, [inside.handler.id], date(2026, 5, 16))
    with app_ctx.test_request_context():
        workflow.post_report(inside.a, inside.handler, "Đã làm", 10)
    at = datetime(2026, 5, 18, 0, 30, tzinfo=UTC)
    assert not [m for m in jobs.build("due_soon", at) if m.kind == "internal_overdue"]


def test_the_timeline_says_who_did_each_step_inside_the_unit(client, auth, inside):
    requires_approval(inside.world.ward_a)
    _assigned(client, inside)
    auth.login("cv.sodau")
    client.post(url(inside.a, "reports"), data={"text": "Bản nháp riêng", "progress": "10"})
    auth.logout()
    auth.login("ld.sodau")
    client.post(f"/drafts/{ReportDraft.get().id}/return", data={"reason": "Viết lại"})
    auth.logout()
    auth.login("lanhdao")
    page = client.get(url(inside.a)).get_data(as_text=True)
    for title in (
        "Phân công chuyên viên xử lý",
        "Gửi báo cáo chờ lãnh đạo đơn vị duyệt",
        "Lãnh đạo đơn vị trả lại báo cáo",
    ):
        assert title in page
    assert "Hạn xử lý nội bộ: 25/05/2026" in page and "Viết lại" in page
    # The leader sees that a draft was written, not what it says until it is approved.
    assert "Bản nháp riêng" not in page


def test_the_api_does_not_let_a_handler_skip_the_heads_approval(client, app, inside):
    requires_approval(inside.world.ward_a)
    with app.app_context():
        handlers.assign_handlers(inside.a, inside.head, [inside.handler.id], date(2026, 5, 25))
        _token, secret = create_token(inside.handler, "test")
    response = client.post(
        f"/api/v1/assignments/{inside.a.id}/reports",
        headers={"Authorization": f"Bearer {secret}"},
        json={"text": "Qua API", "progress": 20},
        csrf=False,
    )
    assert response.status_code == 409
    assert "phải được lãnh đạo đơn vị duyệt" in response.get_json()["error"]["message"]
    assert ProgressReport.select().count() == 0 and fresh(inside.a).progress == 0


# --- the unit head's home page ----------------------------------------------------------------


def test_the_heads_home_shows_the_drafts_waiting_for_him(client, auth, inside, factory):
    requires_approval(inside.world.ward_a)
    _assigned(client, inside)
    auth.login("ld.sodau")
    assert 'id="drafts-waiting"' not in client.get("/").get_data(as_text=True)
    auth.logout()
    more = factory.assignment(
        factory.task(inside.world.meeting, "Việc <thứ hai>"), inside.world.ward_a
    )
    with client.application.app_context():
        handlers.assign_handlers(more, inside.head, [inside.handler.id], date(2026, 5, 25))
    auth.login("cv.sodau")
    client.post(url(inside.a, "reports"), data={"text": "Đã làm 50%", "progress": "50"})
    client.post(url(more, "reports"), data={"text": "Đã làm 10%", "progress": "10"})
    assert ReportDraft.select().count() == 2
    # Not on the handler's own home: he approves nothing.
    assert 'id="drafts-waiting"' not in client.get("/").get_data(as_text=True)
    auth.logout()

    auth.login("ld.sodau")
    home = client.get("/").get_data(as_text=True)
    assert "2 báo cáo của chuyên viên xử lý chờ đồng chí duyệt" in home
    assert f'href="/assignments/{inside.a.id}#inside-unit"' in home
    assert f'href="/assignments/{more.id}#inside-unit"' in home
    assert "Việc &lt;thứ hai&gt;" in home and "Việc <thứ hai>" not in home
    # The list alone (htmx, a filter) does not carry it.
    assert 'id="drafts-waiting"' not in client.hx_get("/?status=new").get_data(as_text=True)
    # Where he approves them: the assignment's page.
    page = client.get(url(inside.a)).get_data(as_text=True)
    assert f"/drafts/{ReportDraft.get(ReportDraft.assignment == inside.a.id).id}/approve" in page
    client.post(f"/drafts/{ReportDraft.get(ReportDraft.assignment == inside.a.id).id}/approve")
    home = client.get("/").get_data(as_text=True)
    assert "1 báo cáo của chuyên viên xử lý chờ đồng chí duyệt" in home
    assert f'href="/assignments/{inside.a.id}#inside-unit"' not in home
    auth.logout()

    # Another unit's head, and the focal point officer of a unit with a head: nothing.
    for username in ("ld.hvt", "p.sodau"):
        auth.login(username)
        assert 'id="drafts-waiting"' not in client.get("/").get_data(as_text=True)
        auth.logout()


def test_the_heads_home_names_the_oldest_few_and_counts_the_rest(client, auth, inside, factory):
    for n in range(WAITING_SHOWN + 2):
        a = factory.assignment(factory.task(inside.world.meeting, f"Việc {n}"), inside.world.ward_a)
        ReportDraft.create(
            assignment=a,
            author=inside.handler,
            kind="progress",
            text="x",
            created_at=datetime(2026, 5, 1, n, tzinfo=UTC),
        )
    auth.login("ld.sodau")
    home = client.get("/").get_data(as_text=True)
    assert f"{WAITING_SHOWN + 2} báo cáo của chuyên viên xử lý chờ đồng chí duyệt" in home
    assert home.count("#inside-unit") == WAITING_SHOWN
    assert "Và 2 báo cáo khác." in home
    assert len(home.encode()) < 15 * 1024  # the page budget (tests/test_page_budget.py)


# --- evidence files with a completion draft ---------------------------------------------------


def _draft_with_files(client, auth, inside, **extra):
    requires_approval(inside.world.ward_a)
    _assigned(client, inside)
    Assignment.update(status="in_progress").where(Assignment.id == inside.a.id).execute()
    auth.login("cv.sodau")
    files = [upload(PDF, "Báo cáo kết quả.pdf"), upload(PDF, "Phụ lục <1>.pdf")]
    data = {"summary": "Đã tuyên truyền", "files": files, **extra}
    return client.post(url(inside.a, "submit"), data=data)


def test_a_completion_draft_carries_files_up_when_approved(app, client, auth, inside):
    assert _draft_with_files(client, auth, inside).status_code == 302
    draft = ReportDraft.get()
    files = list(Attachment.select().order_by(Attachment.id))
    assert [f.original_name for f in files] == ["Báo cáo kết quả.pdf", "Phụ lục <1>.pdf"]
    assert all((f.draft_id, f.submission_id) == (draft.id, None) for f in files)
    assert all(f.uploaded_by_id == inside.handler.id for f in files)
    assert stored_files(app) == sorted(f.stored_name for f in files)  # no temporary file left
    assert Submission.select().count() == 0 and fresh(inside.a).status == "in_progress"
    # The handler sees his files beside his draft, and may read them.
    page = client.get(url(inside.a)).get_data(as_text=True)
    assert f'href="/attachments/{files[0].id}"' in page and "Phụ lục &lt;1&gt;.pdf" in page
    assert client.get(f"/attachments/{files[0].id}").status_code == 200
    auth.logout()

    # Until the head approves: the unit's business. The leader, another unit's head and the
    # unit's other officer get 404, and the leader's page does not link them.
    for username in ("lanhdao", "ld.hvt", "p.sodau"):
        auth.login(username)
        assert client.get(f"/attachments/{files[0].id}").status_code == 404, username
        if username == "lanhdao":
            page = client.get(url(inside.a)).get_data(as_text=True)
            assert f"/attachments/{files[0].id}" not in page
        auth.logout()

    auth.login("ld.sodau")
    page = client.get(url(inside.a)).get_data(as_text=True)
    assert f'href="/attachments/{files[1].id}"' in page
    assert client.get(f"/attachments/{files[1].id}").status_code == 200
    assert client.post(f"/drafts/{draft.id}/approve").status_code == 302
    auth.logout()
    submission = Submission.get()
    assert submission.author_id == inside.handler.id and fresh(inside.a).status == "submitted"
    assert [f.submission_id for f in Attachment.select()] == [submission.id, submission.id]

    # Now the submission's evidence, for the leader to read.
    auth.login("lanhdao")
    assert client.get(f"/attachments/{files[0].id}").status_code == 200
    page = client.get(url(inside.a)).get_data(as_text=True)
    assert f'href="/attachments/{files[0].id}"' in page


def test_files_alone_are_evidence_enough_for_a_draft_and_its_approval(client, auth, inside):
    Task.update(evidence_required=True).where(Task.id == inside.a.task_id).execute()
    assert _draft_with_files(client, auth, inside).status_code == 302
    draft = ReportDraft.get()
    assert (draft.doc_number, draft.doc_date) == ("", None)
    auth.logout()
    auth.login("ld.sodau")
    assert client.post(f"/drafts/{draft.id}/approve").status_code == 302
    assert Submission.get().doc_number == "" and fresh(inside.a).status == "submitted"


def test_a_returned_drafts_files_stay_the_units(client, auth, inside):
    assert _draft_with_files(client, auth, inside).status_code == 302
    draft = ReportDraft.get()
    auth.logout()
    auth.login("ld.sodau")
    client.post(f"/drafts/{draft.id}/return", data={"reason": "Thiếu ảnh"})
    auth.logout()
    file = Attachment.get()
    assert (file.draft_id, file.submission_id) == (draft.id, None)
    auth.login("lanhdao")
    assert client.get(f"/attachments/{file.id}").status_code == 404
    auth.logout()
    auth.login("cv.sodau")
    assert client.get(f"/attachments/{file.id}").status_code == 200


def test_a_refused_draft_leaves_no_row_and_no_file(app, client, auth, inside):
    requires_approval(inside.world.ward_a)
    _assigned(client, inside)
    Assignment.update(status="in_progress").where(Assignment.id == inside.a.id).execute()
    auth.login("cv.sodau")
    before = db_snapshot()
    bad_date = {"doc_number": "45/BC-UBND", "doc_date": "2030-01-01"}
    for files, extra, field in (
        ([upload(PDF, "Báo cáo.pdf")], bad_date, "doc_date"),
        ([upload(HTML, "Báo cáo.pdf")], {}, "files"),
    ):
        data = {"summary": "Đã tuyên truyền", "files": files, **extra}
        response = client.post(url(inside.a, "submit"), data=data)
        assert response.status_code == 400, field
        page = response.get_data(as_text=True)
        assert f'id="{field}-error"' in page, field
        assert "Đã tuyên truyền" in page  # nothing typed is lost
    assert db_snapshot() == before
    assert stored_files(app) == []  # no temporary file either


def test_a_second_completion_draft_is_refused_with_its_files(app, client, auth, inside):
    assert _draft_with_files(client, auth, inside).status_code == 302
    stored = stored_files(app)
    response = client.post(
        url(inside.a, "submit"),
        data={"summary": "Lần hai", "files": [upload(PDF, "Lần hai.pdf")]},
    )
    assert response.status_code == 400
    assert "Đã có báo cáo hoàn thành đang chờ lãnh đạo đơn vị duyệt." in response.get_data(
        as_text=True
    )
    assert stored_files(app) == stored and Attachment.select().count() == 2
