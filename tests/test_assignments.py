"""The assignment page, its timeline, and progress reports and status changes posted to it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.assignments import workflow
from tracker.models import Assignment, AuditEvent, ProgressReport
from tracker.models.audit import record

REPORT = {"text": "Đã tổ chức tuyên truyền tại 5 tổ dân phố", "progress": "40"}


def snapshot(assignment_id: int) -> tuple:
    """Everything a refused POST must leave untouched."""
    row = Assignment.get_by_id(assignment_id).__data__
    return (
        row,
        ProgressReport.select().count(),
        AuditEvent.select().where(AuditEvent.assignment.is_null(False)).count(),
    )


def url(a: Assignment, action: str = "") -> str:
    return f"/assignments/{a.id}" + (f"/{action}" if action else "")


# --- the page ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["admin", "lanhdao", "tonghop", "theodoi", "p.sodau"])
@pytest.mark.parametrize("htmx", [False, True])
def test_page_readable_by_roles_that_see_it(client, auth, world, username, htmx):
    auth.login(username)
    get = client.hx_get if htmx else client.get
    response = get(url(world.assignment_a))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Tăng cường tuyên truyền CCHC" in page
    assert "UBND phường Sở Dầu" in page
    assert "UBND phường Hoàng Văn Thụ" in page  # the other unit on the same task


def test_page_shows_deadlines_status_and_meeting(client, auth, world):
    Assignment.update(deadline=date(2026, 6, 10), extension_count=1, progress=30).where(
        Assignment.id == world.assignment_a.id
    ).execute()
    auth.login("lanhdao")
    page = client.get(url(world.assignment_a)).get_data(as_text=True)
    assert "10/06/2026" in page and "30/05/2026" in page  # current and original deadline
    assert "Thời hạn ban đầu" in page and "Số lần gia hạn" in page
    assert "Chưa thực hiện" in page and 'value="30"' in page
    assert "Họp Ban Chỉ đạo CCHC" in page
    assert "Trong hạn" in page


def test_officer_of_same_task_reads_the_leads_work_without_forms(client, auth, world):
    """A coordinating unit reads the lead's assignment, read-only (co-leads: test_unit_privacy)."""
    Assignment.update(role="coordinating").where(Assignment.id == world.assignment_b.id).execute()
    auth.login("p.hoangvanthu")
    response = client.get(url(world.assignment_a))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '/reports"' not in page and "/status" not in page


def test_own_officer_sees_report_and_status_forms(client, auth, world):
    auth.login("p.sodau")
    page = client.get(url(world.assignment_a)).get_data(as_text=True)
    assert f'action="/assignments/{world.assignment_a.id}/reports"' in page
    assert f'action="/assignments/{world.assignment_a.id}/status"' in page
    assert 'name="status" value="in_progress"' in page
    assert 'name="status" value="done"' not in page


@pytest.mark.parametrize("username", ["tonghop", "theodoi"])
def test_secretary_and_viewer_see_no_forms(client, auth, world, username):
    auth.login(username)
    page = client.get(url(world.assignment_a)).get_data(as_text=True)
    assert '/reports"' not in page and "/status" not in page


def test_leader_sees_status_actions_but_no_report_form(client, auth, world):
    auth.login("lanhdao")
    page = client.get(url(world.assignment_a)).get_data(as_text=True)
    assert 'name="status" value="paused"' in page and 'value="cancelled"' in page
    assert '/reports"' not in page


@pytest.mark.parametrize("htmx", [False, True])
def test_officer_of_another_task_is_refused(client, auth, world, htmx):
    auth.login("pb.noivu")
    get = client.hx_get if htmx else client.get
    assert get(url(world.assignment_a)).status_code == 403


def test_unknown_assignment_is_404(client, auth, world):
    auth.login("lanhdao")
    assert client.get("/assignments/99999").status_code == 404
    assert client.post("/assignments/99999/reports", data=REPORT).status_code == 404
    assert client.post("/assignments/99999/status", data={"status": "done"}).status_code == 404


def test_login_required(client, world):
    response = client.get(url(world.assignment_a))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- progress reports ----------------------------------------------------------------------


def test_htmx_report_returns_row_with_counters_out_of_band(client, auth, world):
    auth.login("p.sodau")
    response = client.post(
        url(world.assignment_a, "reports"), data={**REPORT, "next": "/"}, htmx=True
    )
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment
    assert f'<tr id="assignment-{world.assignment_a.id}"' in fragment
    assert 'value="40"' in fragment and "Đang thực hiện" in fragment
    assert 'id="work-counters"' in fragment and 'hx-swap-oob="true"' in fragment
    assert "Đã gửi báo cáo tiến độ." in fragment
    fresh = Assignment.get_by_id(world.assignment_a.id)
    assert (fresh.progress, fresh.status) == (40, "in_progress")
    assert fresh.last_report_at is not None
    report = ProgressReport.get()
    assert report.author_id == world.officer_a.id and report.text == REPORT["text"]


def test_plain_report_redirects_to_next(client, auth, world):
    auth.login("p.sodau")
    response = client.post(
        url(world.assignment_a, "reports"),
        data={**REPORT, "difficulties": "Thiếu kinh phí", "next": "/?status=new"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/?status=new"
    report = ProgressReport.get()
    assert (report.progress, report.difficulties) == (40, "Thiếu kinh phí")


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "/\t/evil", ""])
def test_plain_report_without_safe_next_returns_to_assignment(client, auth, world, next_url):
    auth.login("p.sodau")
    response = client.post(url(world.assignment_a, "reports"), data={**REPORT, "next": next_url})
    assert response.headers["Location"] == url(world.assignment_a)


BAD_REPORTS = [
    ({"progress": "101"}, "Tiến độ phải từ 0 đến 100."),
    ({"progress": "-1"}, "Tiến độ phải từ 0 đến 100."),
    ({"progress": "99999999999"}, "Tiến độ phải từ 0 đến 100."),
    ({"progress": "abc"}, "Tiến độ phải là số nguyên từ 0 đến 100."),
    ({"progress": "12.5"}, "Tiến độ phải là số nguyên từ 0 đến 100."),
    ({"progress": ""}, "Trường này là bắt buộc."),
    ({"text": ""}, "Trường này là bắt buộc."),
    ({"text": "   "}, "Trường này là bắt buộc."),
    ({"text": "x" * 5001}, "Tối đa 5000 ký tự."),
    ({"difficulties": "x" * 5001}, "Tối đa 5000 ký tự."),
    ({"proposals": "x" * 5001}, "Tối đa 5000 ký tự."),
]


@pytest.mark.parametrize(("change", "message"), BAD_REPORTS)
def test_bad_report_htmx_returns_row_with_error(client, auth, world, change, message):
    auth.login("p.sodau")
    before = snapshot(world.assignment_a.id)
    response = client.post(url(world.assignment_a, "reports"), data={**REPORT, **change}, htmx=True)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and f'id="assignment-{world.assignment_a.id}"' in fragment
    assert message in fragment and 'class="field-error"' in fragment
    assert "<details open>" in fragment
    assert "hx-swap-oob" not in fragment
    assert snapshot(world.assignment_a.id) == before


@pytest.mark.parametrize(("change", "message"), BAD_REPORTS[:6])
def test_bad_report_plain_rerenders_page_with_400(client, auth, world, change, message):
    auth.login("p.sodau")
    before = snapshot(world.assignment_a.id)
    response = client.post(url(world.assignment_a, "reports"), data={**REPORT, **change})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<html" in page and message in page
    assert snapshot(world.assignment_a.id) == before


def test_report_and_next_kept_in_form_after_error(client, auth, world):
    auth.login("p.sodau")
    response = client.post(
        url(world.assignment_a, "reports"),
        data={"text": "Nội dung dở dang", "progress": "abc", "next": "/?page=2"},
    )
    page = response.get_data(as_text=True)
    assert "Nội dung dở dang" in page and 'name="next" value="/?page=2"' in page


def test_report_refused_while_awaiting_confirmation(client, auth, world):
    Assignment.update(status="submitted").where(Assignment.id == world.assignment_a.id).execute()
    auth.login("p.sodau")
    before = snapshot(world.assignment_a.id)
    response = client.post(url(world.assignment_a, "reports"), data=REPORT, htmx=True)
    assert "Không thể báo cáo tiến độ ở trạng thái hiện tại." in response.get_data(as_text=True)
    assert snapshot(world.assignment_a.id) == before


def test_report_requires_csrf(client, auth, world):
    auth.login("p.sodau")
    response = client.post(url(world.assignment_a, "reports"), data=REPORT, csrf=False)
    assert response.status_code == 400
    assert ProgressReport.select().count() == 0


# --- status changes ------------------------------------------------------------------------


def test_htmx_status_change_returns_row_and_counters(client, auth, world):
    auth.login("p.sodau")
    response = client.post(
        url(world.assignment_a, "status"), data={"status": "in_progress", "next": "/"}, htmx=True
    )
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and 'hx-swap-oob="true"' in fragment
    assert "Đang thực hiện" in fragment
    assert Assignment.get_by_id(world.assignment_a.id).status == "in_progress"
    event = AuditEvent.get(AuditEvent.action == "status")
    assert event.assignment_id == world.assignment_a.id


def test_plain_status_change_redirects(client, auth, world):
    auth.login("p.sodau")
    response = client.post(url(world.assignment_a, "status"), data={"status": "in_progress"})
    assert response.status_code == 302
    assert response.headers["Location"] == url(world.assignment_a)
    assert "Đã cập nhật trạng thái." in client.get(url(world.assignment_a)).get_data(as_text=True)


def test_counters_follow_a_confirmed_completion(client, auth, world):
    Assignment.update(status="submitted").where(Assignment.id == world.assignment_a.id).execute()
    auth.login("lanhdao")
    fragment = client.post(
        url(world.assignment_a, "status"),
        data={"status": "done", "next": f"/units/{world.ward_a.id}"},
        htmx=True,
    ).get_data(as_text=True)
    assert f'<a href="/units/{world.ward_a.id}?category=done_on_time"' in fragment
    assert "<strong>1</strong>Hoàn thành đúng hạn" in fragment
    assert "<strong>0</strong>Trong hạn" in fragment


@pytest.mark.parametrize(
    ("username", "start", "data", "field", "message"),
    [
        ("p.sodau", "new", {"status": "done"}, "status", "Không được chuyển sang trạng thái này."),
        ("p.sodau", "new", {"status": "bogus"}, "status", "Không được chuyển sang trạng thái này."),
        ("p.sodau", "new", {}, "status", "Không được chuyển sang trạng thái này."),
        ("lanhdao", "in_progress", {"status": "paused"}, "reason", "Vui lòng nêu lý do."),
        ("lanhdao", "submitted", {"status": "returned"}, "reason", "Vui lòng nêu lý do."),
        ("admin", "new", {"status": "cancelled", "reason": "  "}, "reason", "Vui lòng nêu lý do."),
        ("lanhdao", "new", {"status": "paused", "reason": "x" * 2001}, "reason", "Tối đa 2000"),
    ],
)
def test_refused_status_change_shows_error_beside_field(
    client, auth, world, username, start, data, field, message
):
    Assignment.update(status=start).where(Assignment.id == world.assignment_a.id).execute()
    auth.login(username)
    before = snapshot(world.assignment_a.id)
    response = client.post(url(world.assignment_a, "status"), data=data, htmx=True)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert message in fragment
    assert f'id="{field}-{world.assignment_a.id}-error"' in fragment
    assert snapshot(world.assignment_a.id) == before
    plain = client.post(url(world.assignment_a, "status"), data=data)
    assert plain.status_code == 400 and message in plain.get_data(as_text=True)
    assert snapshot(world.assignment_a.id) == before


def test_leader_returns_with_reason_shown_on_timeline(client, auth, world):
    Assignment.update(status="submitted").where(Assignment.id == world.assignment_a.id).execute()
    auth.login("lanhdao")
    client.post(
        url(world.assignment_a, "status"),
        data={"status": "returned", "reason": "Thiếu minh chứng <b>ảnh</b>"},
    )
    assert Assignment.get_by_id(world.assignment_a.id).status == "returned"
    page = client.get(url(world.assignment_a)).get_data(as_text=True)
    assert "Chờ xác nhận → Thực hiện lại" in page
    assert "Thiếu minh chứng &lt;b&gt;ảnh&lt;/b&gt;" in page


# --- permissions on the POSTs --------------------------------------------------------------

ROLES = ["admin", "lanhdao", "tonghop", "theodoi", "p.sodau", "p.hoangvanthu", "pb.noivu"]
# Who may post what on ward A's assignment (status: new → in_progress).
REPORT_OK = {"p.sodau"}
STATUS_OK = {"admin", "lanhdao", "p.sodau"}


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("htmx", [False, True])
def test_report_permissions(client, auth, world, username, htmx):
    auth.login(username)
    before = snapshot(world.assignment_a.id)
    response = client.post(url(world.assignment_a, "reports"), data=REPORT, htmx=htmx)
    if username in REPORT_OK:
        assert response.status_code == (200 if htmx else 302)
        assert ProgressReport.select().count() == 1
    else:
        assert response.status_code == 403
        assert snapshot(world.assignment_a.id) == before


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("htmx", [False, True])
def test_status_permissions(client, auth, world, username, htmx):
    auth.login(username)
    before = snapshot(world.assignment_a.id)
    response = client.post(
        url(world.assignment_a, "status"), data={"status": "in_progress"}, htmx=htmx
    )
    if username in STATUS_OK:
        assert response.status_code == (200 if htmx else 302)
        assert Assignment.get_by_id(world.assignment_a.id).status == "in_progress"
    else:
        assert response.status_code == 403
        assert snapshot(world.assignment_a.id) == before


# --- timeline ------------------------------------------------------------------------------


def test_timeline_merges_reports_and_events_newest_first(app, client, auth, world, clock):
    with app.app_context():
        clock.set(datetime(2026, 5, 10, 2, 0, tzinfo=UTC))
        workflow.post_report(world.assignment_a, world.officer_a, "Báo cáo thứ nhất", 20)
        clock.set(datetime(2026, 5, 11, 2, 0, tzinfo=UTC))
        workflow.change_status(world.assignment_a, world.officer_a, "submitted")
        clock.set(datetime(2026, 5, 12, 2, 0, tzinfo=UTC))
        workflow.change_status(world.assignment_a, world.leader, "returned", "Bổ sung số liệu")
        clock.set(datetime(2026, 5, 13, 2, 0, tzinfo=UTC))
        workflow.post_report(
            world.assignment_a,
            world.officer_a,
            "Báo cáo thứ hai <script>alert(1)</script>",
            60,
            difficulties="Nhân lực mỏng",
            proposals="Đề nghị hỗ trợ",
        )
    auth.login("theodoi")
    page = client.get(url(world.assignment_a)).get_data(as_text=True)
    order = [
        page.index("Báo cáo thứ hai"),
        page.index("Bổ sung số liệu"),
        page.index("Đang thực hiện → Chờ xác nhận"),
        page.index("Báo cáo thứ nhất"),
    ]
    assert order == sorted(order)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "Nhân lực mỏng" in page and "Đề nghị hỗ trợ" in page
    assert "P.Sodau" in page and "Lanhdao" in page  # authors
    # A report is shown once, from its own table, not again as an audit event.
    assert page.count("Báo cáo thứ nhất") == 1


def test_timeline_shows_other_events_and_system_actor(app, client, auth, world):
    with app.app_context():
        record(world.secretary, "urge", world.assignment_a, message="Đề nghị khẩn trương")
        record(None, "something_new", world.assignment_a, after={"deadline": "2026-06-30"})
    auth.login("p.sodau")
    page = client.get(url(world.assignment_a)).get_data(as_text=True)
    assert "Đôn đốc" in page and "Đề nghị khẩn trương" in page and "Tonghop" in page
    assert "Cập nhật" in page and "Hệ thống" in page and "Thời hạn: 30/06/2026" in page


def test_timeline_empty_state(client, auth, world):
    auth.login("p.sodau")
    assert "Chưa có diễn biến nào." in client.get(url(world.assignment_a)).get_data(as_text=True)
