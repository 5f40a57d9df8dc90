"""Completion reports: submitting with evidence, a leader's confirmation or return, the panel."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from query_support import count_page_queries
from upload_support import PDF, db_snapshot, stored_files, upload

from tracker.assignments import workflow
from tracker.followup import submission_flow
from tracker.models import (
    Assignment,
    Attachment,
    AuditEvent,
    OutboxMessage,
    ProgressReport,
    Submission,
    Task,
)

SUMMARY = "Đã tổ chức 12 buổi tuyên truyền tại các tổ dân phố"
DOC = {"doc_number": "45/BC-UBND", "doc_date": "2026-05-14"}
EVIDENCE_MISSING = "Cần đính kèm minh chứng (tệp hoặc số, ngày văn bản báo cáo)."


def url(a: Assignment, action: str = "") -> str:
    return f"/assignments/{a.id}" + (f"/{action}" if action else "")


def set_status(a: Assignment, status: str, **values) -> None:
    Assignment.update(status=status, **values).where(Assignment.id == a.id).execute()


@pytest.fixture
def progressing(world):
    """Ward A's assignment in progress, the unit already notified (no outbox rows to mind)."""
    set_status(world.assignment_a, "in_progress")
    return Assignment.get_by_id(world.assignment_a.id)


def submit(client, a, htmx=False, **data):
    form = {"summary": SUMMARY, **data}
    return client.post(url(a, "submit"), data=form, htmx=htmx)


@pytest.fixture
def submitted(app, world, progressing, clock):
    """Ward A's work submitted by its officer on 20/05 (before the 30/05 deadline), with a PDF."""
    clock.set(datetime(2026, 5, 20, 3, 0, tzinfo=UTC))
    with app.test_request_context():
        from werkzeug.datastructures import FileStorage

        file = FileStorage(stream=upload(PDF, "Báo cáo kết quả.pdf")[0], filename="Báo cáo.pdf")
        submission_flow.submit(progressing, world.officer_a, SUMMARY, files=[file])
    return Assignment.get_by_id(progressing.id)


# --- the form ------------------------------------------------------------------------------


def test_officer_gets_the_form_with_file_input(client, auth, world, progressing):
    auth.login("p.sodau")
    response = client.get(url(progressing, "submit"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and "multiple" in page
    assert 'name="doc_number"' in page and 'name="doc_date"' in page


def test_form_explains_when_work_cannot_be_submitted(client, auth, world):
    auth.login("p.sodau")
    page = client.get(url(world.assignment_a, "submit")).get_data(as_text=True)
    assert "không thể báo cáo hoàn thành" in page
    assert 'type="file"' not in page


@pytest.mark.parametrize("username", ["admin", "lanhdao", "tonghop", "theodoi"])
def test_only_the_units_officer_opens_the_form(client, auth, world, progressing, username):
    auth.login(username)
    assert client.get(url(progressing, "submit")).status_code == 403


@pytest.mark.parametrize("username", ["pb.noivu", "p.hoangvanthu"])
def test_outsider_gets_404(client, auth, world, progressing, username):
    """Another task's unit, and the other co-lead ward of the same task (issue 14, item 18)."""
    auth.login(username)
    assert client.get(url(progressing, "submit")).status_code == 404
    assert client.get("/assignments/99999/submit").status_code == 404


def test_unit_list_links_to_the_form_instead_of_a_status_button(client, auth, world, progressing):
    auth.login("p.sodau")
    page = client.get("/").get_data(as_text=True)
    assert f'href="/assignments/{progressing.id}/submit"' in page
    assert 'name="status" value="submitted"' not in page


# --- submitting ----------------------------------------------------------------------------


def test_submit_with_files(app, client, auth, world, progressing):
    auth.login("p.sodau")
    response = submit(
        client,
        progressing,
        files=[upload(PDF, "Báo cáo kết quả.pdf"), upload(PDF, "Phụ lục.pdf")],
    )
    assert response.status_code == 302
    assert response.headers["Location"] == url(progressing)
    a = Assignment.get_by_id(progressing.id)
    assert a.status == "submitted" and a.submitted_at is not None
    s = Submission.get()
    assert (s.summary, s.decision, s.author_id) == (SUMMARY, "pending", world.officer_a.id)
    files = list(Attachment.select().order_by(Attachment.id))
    assert [f.original_name for f in files] == ["Báo cáo kết quả.pdf", "Phụ lục.pdf"]
    assert all(f.submission_id == s.id and f.assignment_id == a.id for f in files)
    assert stored_files(app) == sorted(f.stored_name for f in files)  # no temporary file left
    event = AuditEvent.get(AuditEvent.action == "submit")
    assert (event.object_type, event.object_id, event.message) == ("submission", s.id, SUMMARY)
    page = client.get(url(progressing)).get_data(as_text=True)
    assert "Chờ xác nhận" in page and SUMMARY in page
    assert f'href="/attachments/{files[0].id}"' in page


def test_submit_with_document_number_and_date(client, auth, world, progressing):
    auth.login("p.sodau")
    assert submit(client, progressing, **DOC).status_code == 302
    s = Submission.get()
    assert (s.doc_number, s.doc_date) == ("45/BC-UBND", date(2026, 5, 14))
    assert Attachment.select().count() == 0
    assert "Văn bản báo cáo số 45/BC-UBND ngày 14/05/2026" in client.get(url(progressing)).get_data(
        as_text=True
    )


def test_returned_work_can_be_submitted_again(client, auth, world, progressing):
    set_status(progressing, "returned")
    auth.login("p.sodau")
    assert submit(client, progressing, **DOC).status_code == 302
    assert Assignment.get_by_id(progressing.id).status == "submitted"


@pytest.mark.parametrize("htmx", [False, True])
def test_evidence_is_required_by_default(app, client, auth, world, progressing, htmx):
    auth.login("p.sodau")
    before = db_snapshot()
    response = submit(client, progressing, htmx=htmx)
    assert response.status_code == (200 if htmx else 400)
    page = response.get_data(as_text=True)
    assert EVIDENCE_MISSING in page and 'id="files-error"' in page
    assert db_snapshot() == before and stored_files(app) == []


def test_evidence_optional_when_the_task_says_so(client, auth, world, progressing):
    Task.update(evidence_required=False).where(Task.id == world.task.id).execute()
    auth.login("p.sodau")
    assert submit(client, progressing).status_code == 302
    assert Assignment.get_by_id(progressing.id).status == "submitted"
    assert "Không kèm minh chứng." in client.get(url(progressing)).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"summary": ""}, "summary", "Trường này là bắt buộc."),
        ({"summary": "   "}, "summary", "Trường này là bắt buộc."),
        ({"summary": "x" * 5001}, "summary", "Tối đa 5000 ký tự."),
        ({"doc_number": "x" * 61, "doc_date": "2026-05-14"}, "doc_number", "Tối đa 60 ký tự."),
        ({"doc_number": "45/BC"}, "doc_date", "Vui lòng nhập ngày của văn bản báo cáo."),
        ({"doc_date": "2026-05-14"}, "doc_number", "Vui lòng nhập số của văn bản báo cáo."),
        ({"doc_number": "45/BC", "doc_date": "31/02/2026"}, "doc_date", "Ngày không hợp lệ"),
        (
            {"doc_number": "45/BC", "doc_date": "2026-05-16"},
            "doc_date",
            "Ngày văn bản không được sau ngày hôm nay.",
        ),
    ],
)
def test_bad_input_shown_beside_the_field(client, auth, world, progressing, data, field, message):
    auth.login("p.sodau")
    before = db_snapshot()
    response = submit(client, progressing, **data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and f'id="{field}-error"' in page
    assert db_snapshot() == before


def test_submit_refused_from_new(client, auth, world):
    auth.login("p.sodau")
    before = db_snapshot()
    response = submit(client, world.assignment_a, **DOC)
    assert response.status_code == 400
    assert "Không được chuyển sang trạng thái này." in response.get_data(as_text=True)
    assert db_snapshot() == before


@pytest.mark.parametrize("htmx", [False, True])
def test_status_form_refuses_submitted_and_points_to_the_form(
    client, auth, world, progressing, htmx
):
    auth.login("p.sodau")
    before = db_snapshot()
    response = client.post(url(progressing, "status"), data={"status": "submitted"}, htmx=htmx)
    assert "dùng biểu mẫu “Báo cáo hoàn thành”" in response.get_data(as_text=True)
    assert db_snapshot() == before


def test_htmx_submit_answers_with_the_panel(client, auth, world, progressing):
    auth.login("p.sodau")
    response = submit(client, progressing, htmx=True, **DOC)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and f'id="submission-{progressing.id}"' in fragment


# --- confirm and return --------------------------------------------------------------------


def test_confirm_completes_as_of_the_submission(client, auth, world, submitted, clock):
    # Submitted before the deadline (30/05), confirmed after it: done on time.
    clock.set(datetime(2026, 6, 3, 3, 0, tzinfo=UTC))
    auth.login("lanhdao")
    response = client.post(url(submitted, "confirm"))
    assert response.status_code == 302 and response.headers["Location"] == url(submitted)
    a = Assignment.get_by_id(submitted.id)
    assert a.status == "done" and a.progress == 100
    assert a.completed_at == submitted.submitted_at == datetime(2026, 5, 20, 3, 0, tzinfo=UTC)
    assert a.completed_on == date(2026, 5, 20)
    s = Submission.get()
    assert (s.decision, s.decided_by_id) == ("confirmed", world.leader.id)
    assert s.decided_at == datetime(2026, 6, 3, 3, 0, tzinfo=UTC)
    mail = OutboxMessage.get(OutboxMessage.kind == "submission_confirmed")
    event = AuditEvent.get(AuditEvent.action == "confirm")
    assert mail.key == f"submission_confirmed:assignment:{a.id}:event:{event.id}"
    page = client.get(url(submitted)).get_data(as_text=True)
    assert "Hoàn thành đúng hạn" in page and "Đã xác nhận" in page


def test_return_needs_a_reason(client, auth, world, submitted):
    auth.login("lanhdao")
    before = db_snapshot()
    response = client.post(url(submitted, "return"), data={"reason": "  "})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Vui lòng nêu lý do." in page and f'id="decision-reason-{submitted.id}-error"' in page
    assert db_snapshot() == before


def test_return_then_resubmit_then_confirm(client, auth, world, submitted):
    auth.login("lanhdao")
    reason = "Thiếu ảnh chụp các buổi tuyên truyền"
    assert client.post(url(submitted, "return"), data={"reason": reason}).status_code == 302
    a = Assignment.get_by_id(submitted.id)
    assert a.status == "returned"
    first = Submission.get()
    assert (first.decision, first.decision_reason) == ("returned", reason)
    assert OutboxMessage.select().where(OutboxMessage.kind == "submission_returned").count() == 1
    auth.logout()
    auth.login("p.sodau")
    page = client.get(url(a)).get_data(as_text=True)
    assert reason in page and "Trả lại, yêu cầu thực hiện lại" in page
    assert submit(client, a, **DOC).status_code == 302
    auth.logout()
    auth.login("admin")
    assert client.post(url(a, "confirm")).status_code == 302
    decisions = [s.decision for s in Submission.select().order_by(Submission.id)]
    assert decisions == ["returned", "confirmed"]
    assert Assignment.get_by_id(a.id).status == "done"


@pytest.mark.parametrize("username", ["tonghop", "theodoi", "p.sodau"])
@pytest.mark.parametrize("action", ["confirm", "return"])
@pytest.mark.parametrize("htmx", [False, True])
def test_only_leaders_decide(client, auth, world, submitted, username, action, htmx):
    auth.login(username)
    before = db_snapshot()
    response = client.post(url(submitted, action), data={"reason": "Lý do"}, htmx=htmx)
    assert response.status_code == 403
    assert db_snapshot() == before


def test_outsider_decision_is_404(client, auth, world, submitted):
    for outsider in ("pb.noivu", "p.hoangvanthu"):
        auth.login(outsider)
        assert client.post(url(submitted, "confirm")).status_code == 404
        assert client.post(url(submitted, "return"), data={"reason": "x"}).status_code == 404
        auth.logout()
    auth.login("lanhdao")
    assert client.post("/assignments/99999/confirm").status_code == 404


def test_secretary_decides_when_the_setting_allows(app, client, auth, world, submitted):
    app.config["SECRETARY_MAY_CONFIRM"] = True
    auth.login("tonghop")
    assert "Xác nhận hoàn thành" in client.get(url(submitted)).get_data(as_text=True)
    assert client.post(url(submitted, "confirm")).status_code == 302
    assert Assignment.get_by_id(submitted.id).status == "done"


def test_confirm_refused_unless_submitted(client, auth, world, progressing):
    auth.login("lanhdao")
    before = db_snapshot()
    response = client.post(url(progressing, "confirm"))
    assert response.status_code == 400
    assert "Không được chuyển sang trạng thái này." in response.get_data(as_text=True)
    assert db_snapshot() == before


def test_htmx_confirm_from_the_queue_returns_the_panel(client, auth, world, submitted):
    auth.login("lanhdao")
    response = client.post(
        url(submitted, "confirm"), data={"next": "/queues/submitted?page=2"}, htmx=True
    )
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and f'id="submission-{submitted.id}"' in fragment
    assert "Đã xác nhận" in fragment
    assert Assignment.get_by_id(submitted.id).status == "done"


def test_htmx_return_error_stays_in_the_panel(client, auth, world, submitted):
    auth.login("lanhdao")
    response = client.post(url(submitted, "return"), data={"reason": ""}, htmx=True)
    assert response.status_code == 200
    assert "Vui lòng nêu lý do." in response.get_data(as_text=True)
    assert Assignment.get_by_id(submitted.id).status == "submitted"


@pytest.mark.parametrize(
    ("target", "location"),
    [("/queues/submitted?page=2", "/queues/submitted?page=2"), ("//evil.example/", None)],
)
def test_plain_decision_goes_back_to_a_safe_next(client, auth, world, submitted, target, location):
    auth.login("lanhdao")
    response = client.post(url(submitted, "confirm"), data={"next": target})
    assert response.headers["Location"] == (location or url(submitted))


def test_status_form_confirmation_is_the_same_step(client, auth, world, submitted):
    auth.login("lanhdao")
    client.post(url(submitted, "status"), data={"status": "done"})
    assert Submission.get().decision == "confirmed"
    assert OutboxMessage.select().where(OutboxMessage.kind == "submission_confirmed").count() == 1


def test_stale_decision_is_refused(app, world, submitted):
    with app.test_request_context():
        stale = Assignment.get_by_id(submitted.id)
        set_status(submitted, "paused")
        with pytest.raises(workflow.WorkflowError):
            submission_flow.confirm(stale, world.leader)
    assert Submission.get().decision == "pending"
    assert OutboxMessage.select().where(OutboxMessage.kind == "submission_confirmed").count() == 0


# --- the panel: submission page, timeline, coordinating units ------------------------------


def test_submission_page(client, auth, world, submitted):
    s = Submission.get()
    # The other co-lead ward of the task does not read this ward's report (issue 14, item 18).
    for username, code in [("theodoi", 200), ("p.hoangvanthu", 404), ("pb.noivu", 404)]:
        auth.login(username)
        assert client.get(f"/submissions/{s.id}").status_code == code, username
        auth.logout()
    auth.login("lanhdao")
    page = client.get(f"/submissions/{s.id}").get_data(as_text=True)
    assert SUMMARY in page and "Báo cáo.pdf" in page and "Xác nhận hoàn thành" in page
    assert client.get("/submissions/99999").status_code == 404


def test_timeline_shows_the_steps(client, auth, world, submitted):
    auth.login("lanhdao")
    client.post(url(submitted, "return"), data={"reason": "Bổ sung số liệu"})
    page = client.get(url(submitted)).get_data(as_text=True)
    timeline = page[page.index("Diễn biến") :]
    assert "Báo cáo hoàn thành" in timeline and SUMMARY in timeline
    assert "Trả lại, yêu cầu thực hiện lại" in timeline and "Bổ sung số liệu" in timeline
    assert "/attachments/" in timeline


def _coordinate(factory, world, n: int) -> list[str]:
    """``n`` coordinating units on ward A's task, two reports each; their names."""
    Assignment.update(role="lead").where(Assignment.id == world.assignment_a.id).execute()
    names = []
    for _ in range(n):
        unit = factory.unit(kind="department")
        helper = factory.assignment(world.task, unit, role="coordinating", status="in_progress")
        for progress in (20, 50):
            ProgressReport.create(
                assignment=helper,
                text=f"Báo cáo {progress}% của {unit.name}",
                progress=progress,
                created_at=datetime(2026, 5, 10, tzinfo=UTC) + timedelta(days=progress // 10),
            )
        names.append(unit.name)
    return names


def test_lead_sees_coordinating_reports(client, auth, world, factory, submitted):
    first, second = _coordinate(factory, world, 2)
    auth.login("lanhdao")
    page = client.get(url(submitted)).get_data(as_text=True)
    section = page.split("Báo cáo của các đơn vị phối hợp")[1]
    assert f"Báo cáo 50% của {first}" in section and f"Báo cáo 50% của {second}" in section
    assert "Báo cáo 20%" not in section  # only the latest report of each unit
    assert "15/05/2026" in section


def test_coordinating_unit_without_reports(client, auth, world, factory, submitted):
    _coordinate(factory, world, 0)
    silent = factory.unit(kind="department")
    factory.assignment(world.task, silent, role="coordinating", progress=10)
    auth.login("p.sodau")
    section = (
        client.get(url(submitted))
        .get_data(as_text=True)
        .split("Báo cáo của các đơn vị phối hợp")[1]
    )
    assert silent.name in section and "Chưa báo cáo" in section and "10%" in section


def test_coordinating_unit_sees_no_coordination_table(client, auth, world, factory, submitted):
    _coordinate(factory, world, 1)
    Assignment.update(role="coordinating").where(Assignment.id == world.assignment_b.id).execute()
    auth.login("lanhdao")
    page = client.get(url(world.assignment_b)).get_data(as_text=True)
    assert "Báo cáo của các đơn vị phối hợp" not in page


def test_coordinating_reports_cost_no_query_per_unit(client, auth, world, factory, submitted):
    _coordinate(factory, world, 1)
    auth.login("lanhdao")
    few = count_page_queries(client, url(submitted))
    _coordinate(factory, world, 4)
    assert count_page_queries(client, url(submitted)) == few
