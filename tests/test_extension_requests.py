"""Extensions: the unit's request, a leader's approval or rejection, and the statistics deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.core import timeliness
from tracker.models import Assignment, AuditEvent, ExtensionRequest, OutboxMessage
from tracker.overview import queries as dashboard_queries
from tracker.overview.unit_work import unit_counts

REQUEST = {"requested_deadline": "2026-06-15", "reason": "Chờ kinh phí được phân bổ"}


def at(y: int, m: int, d: int, hour: int = 3) -> datetime:
    """An instant: 10:00 in Hà Nội on the given day by default."""
    return datetime(y, m, d, hour, tzinfo=UTC)


def state(a: Assignment) -> tuple:
    """Everything a refused request must leave untouched."""
    return (
        Assignment.get_by_id(a.id).__data__,
        [r.__data__ for r in ExtensionRequest.select().order_by(ExtensionRequest.id)],
        AuditEvent.select().where(AuditEvent.assignment.is_null(False)).count(),
        OutboxMessage.select().count(),
    )


def login(auth, username: str) -> None:
    auth.logout()
    assert auth.login(username).status_code == 302


def ask(client, auth, a: Assignment, username: str = "p.sodau", htmx: bool = False, **data):
    login(auth, username)
    return client.post(f"/assignments/{a.id}/extensions", data={**REQUEST, **data}, htmx=htmx)


def decide(client, auth, req_id: int, verb: str, username: str = "lanhdao", **kw):
    login(auth, username)
    return client.post(f"/extensions/{req_id}/{verb}", **kw)


def pending(a: Assignment) -> ExtensionRequest:
    return ExtensionRequest.get(ExtensionRequest.assignment == a.id)


# --- the request ---------------------------------------------------------------------------


def test_officer_requests_an_extension(client, auth, world):
    response = ask(client, auth, world.assignment_a)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/assignments/{world.assignment_a.id}")
    req = pending(world.assignment_a)
    assert req.status == "pending" and req.requested_deadline == date(2026, 6, 15)
    assert req.previous_deadline == date(2026, 5, 30) and req.requested_by_id == world.officer_a.id
    a = Assignment.get_by_id(world.assignment_a.id)
    assert a.deadline == date(2026, 5, 30) and a.extension_count == 0
    event = AuditEvent.get(AuditEvent.action == "extension_request")
    assert event.assignment_id == a.id and event.message == REQUEST["reason"]
    page = client.get(f"/assignments/{a.id}").get_data(as_text=True)
    assert "Đề nghị gia hạn" in page and "15/06/2026" in page and "Chờ xử lý" in page
    assert f'action="/assignments/{a.id}/extensions"' not in page  # no second request


def test_request_through_htmx_answers_with_the_panel(client, auth, world):
    response = ask(client, auth, world.assignment_a, htmx=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<section") and 'id="extension-panel"' in body
    assert "Đã gửi đề nghị gia hạn." in body and "<html" not in body


def test_officer_sees_the_request_form_on_own_open_work(client, auth, world):
    auth.login("p.sodau")
    page = client.get(f"/assignments/{world.assignment_a.id}").get_data(as_text=True)
    assert f'action="/assignments/{world.assignment_a.id}/extensions"' in page
    assert 'name="requested_deadline"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"requested_deadline": "2026-05-10"}, "Hạn đề nghị phải sau ngày hôm nay."),
        ({"requested_deadline": "2026-05-15"}, "Hạn đề nghị phải sau ngày hôm nay."),
        ({"requested_deadline": "2026-05-20"}, "Hạn đề nghị phải sau hạn hiện tại."),
        ({"requested_deadline": "2026-05-30"}, "Hạn đề nghị phải sau hạn hiện tại."),
        ({"requested_deadline": ""}, "Trường này là bắt buộc."),
        ({"requested_deadline": "31/02/2026"}, "Ngày không hợp lệ (dd/mm/yyyy)."),
        ({"reason": ""}, "Trường này là bắt buộc."),
        ({"reason": "   "}, "Trường này là bắt buộc."),
        ({"reason": "x" * 2001}, "Tối đa 2000 ký tự."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_bad_requests_are_refused_beside_the_field(client, auth, world, data, message, htmx):
    before = state(world.assignment_a)
    response = ask(client, auth, world.assignment_a, htmx=htmx, **data)
    assert response.status_code == (200 if htmx else 400)
    body = response.get_data(as_text=True)
    assert 'class="field-error"' in body and message in body
    assert state(world.assignment_a) == before


def test_a_second_pending_request_is_refused(client, auth, world):
    ask(client, auth, world.assignment_a)
    before = state(world.assignment_a)
    response = client.post(
        f"/assignments/{world.assignment_a.id}/extensions",
        data={"requested_deadline": "2026-07-01", "reason": "Thêm thời gian"},
    )
    assert response.status_code == 400
    assert "Đơn vị đã có một đề nghị gia hạn đang chờ xử lý." in response.get_data(as_text=True)
    assert state(world.assignment_a) == before


@pytest.mark.parametrize("username", ["p.hoangvanthu", "pb.noivu", "lanhdao", "tonghop", "theodoi"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_only_the_units_officer_may_request(client, auth, world, username, htmx):
    before = state(world.assignment_a)
    response = ask(client, auth, world.assignment_a, username=username, htmx=htmx)
    assert response.status_code == 403
    assert state(world.assignment_a) == before


def test_unknown_ids_are_404(client, auth, world):
    assert ask(client, auth, Assignment(id=999999)).status_code == 404
    assert decide(client, auth, 999999, "approve").status_code == 404
    assert decide(client, auth, 999999, "reject", data={"reason": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("change", "label"),
    [
        ({"status": "done"}, "done"),
        ({"status": "submitted"}, "submitted"),
        ({"deadline_kind": "ongoing", "deadline": None}, "ongoing"),
    ],
)
def test_closed_or_undated_work_cannot_be_extended(client, auth, world, change, label):
    Assignment.update(change).where(Assignment.id == world.assignment_a.id).execute()
    before = state(world.assignment_a)
    response = ask(client, auth, world.assignment_a)
    assert response.status_code == 400, label
    assert "Không thể đề nghị gia hạn" in response.get_data(as_text=True)
    assert state(world.assignment_a) == before


# --- decisions -----------------------------------------------------------------------------


def test_leader_approves_before_the_original_deadline(client, auth, world):
    ask(client, auth, world.assignment_a)
    req = pending(world.assignment_a)
    response = decide(client, auth, req.id, "approve")
    assert response.status_code == 302
    a = Assignment.get_by_id(world.assignment_a.id)
    assert a.deadline == date(2026, 6, 15) and a.original_deadline == date(2026, 5, 30)
    assert a.extension_count == 1 and a.stats_deadline == date(2026, 6, 15)
    req = ExtensionRequest.get_by_id(req.id)
    assert req.status == "approved" and req.decided_by_id == world.leader.id
    assert AuditEvent.select().where(AuditEvent.action == "extension_approve").count() == 1
    mail = OutboxMessage.get(OutboxMessage.kind == "extension_decided")
    assert mail.assignment_id == a.id and "15/06/2026" in mail.body_text
    page = client.get(f"/assignments/{a.id}").get_data(as_text=True)
    assert "Đồng ý gia hạn" in page and "Thời hạn ban đầu" in page


def test_statistics_follow_an_extension_approved_in_time(client, auth, world, app, clock):
    ask(client, auth, world.assignment_a)
    decide(client, auth, pending(world.assignment_a).id, "approve")
    # Done on 5 June: after the original deadline, before the extended one.
    clock.set(at(2026, 6, 5))
    Assignment.update(status="done", completed_on=date(2026, 6, 5)).where(
        Assignment.id == world.assignment_a.id
    ).execute()
    with app.app_context():
        a = Assignment.get_by_id(world.assignment_a.id)
        assert a.category() == "done_on_time" and a.days_late() == 0
        assert unit_counts(world.ward_a.id)["done_on_time"] == 1
        assert unit_counts(world.ward_a.id)["done_late"] == 0


def test_an_extension_approved_late_leaves_statistics_on_the_original(
    client, auth, world, app, clock
):
    clock.set(at(2026, 6, 2))  # the original deadline (30 May) has passed
    assert ask(client, auth, world.assignment_a, requested_deadline="2026-06-20").status_code == 302
    decide(client, auth, pending(world.assignment_a).id, "approve")
    a = Assignment.get_by_id(world.assignment_a.id)
    assert a.deadline == date(2026, 6, 20) and a.extension_count == 1
    assert a.stats_deadline == date(2026, 5, 30)
    with app.app_context():
        assert a.category() == "overdue" and a.days_late() == 3
        today, window = timeliness.context()
        rows, _totals = dashboard_queries.summary(dashboard_queries.Filters(), today, window)
        by_unit = {r.unit.id: r.counts for r in rows}
        assert by_unit[world.ward_a.id]["overdue"] == 1
    login(auth, "lanhdao")
    page = client.get(f"/assignments/{a.id}").get_data(as_text=True)
    assert "20/06/2026" in page and "Quá hạn 3 ngày" in page  # current deadline shown
    clock.set(at(2026, 6, 10))
    Assignment.update(status="done", completed_on=date(2026, 6, 10)).where(
        Assignment.id == a.id
    ).execute()
    with app.app_context():
        a = Assignment.get_by_id(a.id)
        assert a.category() == "done_late" and a.days_late() == 11
        assert unit_counts(world.ward_a.id)["done_late"] == 1


def test_leader_rejects_with_a_reason(client, auth, world):
    ask(client, auth, world.assignment_a)
    req = pending(world.assignment_a)
    before = Assignment.get_by_id(world.assignment_a.id).__data__
    response = decide(
        client, auth, req.id, "reject", data={"reason": "Đề nghị hoàn thành đúng hạn"}
    )
    assert response.status_code == 302
    assert Assignment.get_by_id(world.assignment_a.id).__data__ == before
    req = ExtensionRequest.get_by_id(req.id)
    assert req.status == "rejected" and req.decision_reason == "Đề nghị hoàn thành đúng hạn"
    event = AuditEvent.get(AuditEvent.action == "extension_reject")
    assert event.message == "Đề nghị hoàn thành đúng hạn"
    mail = OutboxMessage.get(OutboxMessage.kind == "extension_decided")
    assert "Không đồng ý gia hạn" in mail.subject


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_rejection_needs_a_reason(client, auth, world, htmx):
    ask(client, auth, world.assignment_a)
    req = pending(world.assignment_a)
    before = state(world.assignment_a)
    response = decide(client, auth, req.id, "reject", data={"reason": " "}, htmx=htmx)
    assert response.status_code == (200 if htmx else 400)
    body = response.get_data(as_text=True)
    assert "Vui lòng nêu lý do." in body and 'class="field-error"' in body
    assert state(world.assignment_a) == before


def test_a_second_decision_is_refused(client, auth, world):
    ask(client, auth, world.assignment_a)
    req = pending(world.assignment_a)
    decide(client, auth, req.id, "approve")
    before = state(world.assignment_a)
    for verb, data in (("approve", {}), ("reject", {"reason": "Không"})):
        response = decide(client, auth, req.id, verb, username="admin", data=data)
        assert response.status_code == 400
        assert "Đề nghị gia hạn này đã được xử lý." in response.get_data(as_text=True)
    assert state(world.assignment_a) == before
    assert Assignment.get_by_id(world.assignment_a.id).extension_count == 1


def test_approval_refused_once_the_work_is_closed(client, auth, world):
    ask(client, auth, world.assignment_a)
    req = pending(world.assignment_a)
    Assignment.update(status="cancelled").where(Assignment.id == world.assignment_a.id).execute()
    before = state(world.assignment_a)
    response = decide(client, auth, req.id, "approve")
    assert response.status_code == 400
    assert "Nhiệm vụ đã kết thúc, không thể gia hạn." in response.get_data(as_text=True)
    assert state(world.assignment_a) == before


@pytest.mark.parametrize("username", ["tonghop", "theodoi", "p.sodau", "p.hoangvanthu"])
@pytest.mark.parametrize("verb", ["approve", "reject"])
def test_only_leaders_and_admins_decide(client, auth, world, username, verb):
    ask(client, auth, world.assignment_a)
    req = pending(world.assignment_a)
    before = state(world.assignment_a)
    response = decide(client, auth, req.id, verb, username=username, data={"reason": "x"})
    assert response.status_code == 403
    assert state(world.assignment_a) == before


def test_decision_from_the_assignment_page_through_htmx(client, auth, world):
    ask(client, auth, world.assignment_a)
    req = pending(world.assignment_a)
    login(auth, "lanhdao")
    page = client.get(f"/assignments/{world.assignment_a.id}").get_data(as_text=True)
    assert f'action="/extensions/{req.id}/approve"' in page
    response = decide(client, auth, req.id, "approve", data={"origin": "assignment"}, htmx=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="extension-panel"' in body and "Đã đồng ý gia hạn." in body
    assert "queues-changed" in response.headers["HX-Trigger"]


# --- the statistics deadline in SQL and Python ---------------------------------------------


def test_sql_conditions_use_the_statistics_deadline(app_ctx, factory, world):
    today = date(2026, 5, 15)
    cases = [
        # (status, deadline, stats deadline, completed on)
        ("in_progress", date(2026, 6, 30), date(2026, 5, 1), None),
        ("in_progress", date(2026, 6, 30), date(2026, 5, 16), None),
        ("done", date(2026, 6, 30), date(2026, 5, 1), date(2026, 5, 10)),
        ("done", date(2026, 6, 30), date(2026, 6, 30), date(2026, 5, 10)),
    ]
    expected = {}
    for status, deadline, stats, completed in cases:
        task = factory.task(world.meeting, deadline=deadline)
        a = factory.assignment(
            task, world.ward_b, status=status, stats_deadline=stats, completed_on=completed
        )
        expected[a.id] = timeliness.classify(status, stats, completed, today, 3)
    assert sorted(expected.values()) == ["done_late", "done_on_time", "due_soon", "overdue"]
    for category in timeliness.ORDER:
        selected = {
            a.id
            for a in Assignment.select(Assignment.id).where(
                timeliness.condition(Assignment, category, today, 3),
                Assignment.id.in_(list(expected)),
            )
        }
        assert selected == {i for i, c in expected.items() if c == category}, category


# --- the decision: an approved date of the leader's choice, a comment kept -----------------


def test_leader_approves_a_different_date_with_a_comment(client, auth, world):
    ask(client, auth, world.assignment_a)
    req = pending(world.assignment_a)
    data = {"approved_deadline": "2026-06-10", "reason": "Chỉ gia hạn đến 10/6"}
    response = decide(client, auth, req.id, "approve", data=data)
    assert response.status_code == 302
    a = Assignment.get_by_id(world.assignment_a.id)
    assert a.deadline == date(2026, 6, 10) and a.stats_deadline == date(2026, 6, 10)
    req = ExtensionRequest.get_by_id(req.id)
    assert req.status == "approved" and req.requested_deadline == date(2026, 6, 15)
    assert req.approved_deadline == date(2026, 6, 10)
    assert req.decision_reason == "Chỉ gia hạn đến 10/6"
    event = AuditEvent.get(AuditEvent.action == "extension_approve")
    assert event.message == "Chỉ gia hạn đến 10/6"
    mail = OutboxMessage.get(OutboxMessage.kind == "extension_decided")
    assert "10/06/2026" in mail.body_text and "Chỉ gia hạn đến 10/6" in mail.body_text
    page = client.get(f"/assignments/{a.id}").get_data(as_text=True)
    assert "30/05/2026 → 10/06/2026" in page
    assert "Đồng ý gia hạn đến 10/06/2026 (đơn vị đề nghị 15/06/2026)" in page
    assert "Chỉ gia hạn đến 10/6" in page


def test_approval_keeps_the_comment_typed_in_the_form(client, auth, world):
    ask(client, auth, world.assignment_a)
    req = pending(world.assignment_a)
    login(auth, "lanhdao")
    page = client.get(f"/assignments/{world.assignment_a.id}").get_data(as_text=True)
    # One form holds the comment and the approved date for both buttons.
    form = page[page.index('class="decision-form"') :]
    form = form[: form.index("</form>")]
    assert 'name="reason"' in form and 'name="approved_deadline"' in form
    assert 'value="2026-06-15"' in form  # prefilled with the requested date
    assert f'formaction="/extensions/{req.id}/approve"' in form
    assert f'formaction="/extensions/{req.id}/reject"' in form
    data = {"approved_deadline": "2026-06-15", "reason": "Đồng ý, lưu ý tiến độ"}
    assert decide(client, auth, req.id, "approve", data=data).status_code == 302
    req = ExtensionRequest.get_by_id(req.id)
    assert req.decision_reason == "Đồng ý, lưu ý tiến độ"
    assert req.approved_deadline == date(2026, 6, 15)
    mail = OutboxMessage.get(OutboxMessage.kind == "extension_decided")
    assert "15/06/2026" in mail.body_text and "Đồng ý, lưu ý tiến độ" in mail.body_text
    page = client.get(f"/assignments/{world.assignment_a.id}").get_data(as_text=True)
    assert "30/05/2026 → 15/06/2026" in page and "Đồng ý, lưu ý tiến độ" in page
    assert "đơn vị đề nghị" not in page  # the same date: nothing to point out


def test_rejection_keeps_the_comment_in_the_timeline_and_mail(client, auth, world):
    ask(client, auth, world.assignment_a)
    req = pending(world.assignment_a)
    data = {"approved_deadline": "2026-06-15", "reason": "Cần hoàn thành đúng hạn"}
    assert decide(client, auth, req.id, "reject", data=data).status_code == 302
    req = ExtensionRequest.get_by_id(req.id)
    assert req.decision_reason == "Cần hoàn thành đúng hạn" and req.approved_deadline is None
    mail = OutboxMessage.get(OutboxMessage.kind == "extension_decided")
    assert "Cần hoàn thành đúng hạn" in mail.body_text
    page = client.get(f"/assignments/{world.assignment_a.id}").get_data(as_text=True)
    assert "Cần hoàn thành đúng hạn" in page


@pytest.mark.parametrize(
    ("approved", "message"),
    [
        ("", "Trường này là bắt buộc."),
        ("31/02/2026", "Ngày không hợp lệ"),
        ("2026-05-15", "Hạn gia hạn phải sau ngày hôm nay."),
        ("2026-05-20", "Hạn gia hạn phải sau hạn hiện tại."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_an_invalid_approved_date_is_refused_beside_the_field(
    client, auth, world, approved, message, htmx
):
    ask(client, auth, world.assignment_a)
    req = pending(world.assignment_a)
    before = state(world.assignment_a)
    data = {"approved_deadline": approved, "reason": "Ý kiến", "origin": "assignment"}
    response = decide(client, auth, req.id, "approve", data=data, htmx=htmx)
    assert response.status_code == (200 if htmx else 400)
    body = response.get_data(as_text=True)
    error = f'<small id="approved_deadline-ext-{req.id}-error" class="field-error">'
    assert error + message in body.replace("&#39;", "'")
    assert state(world.assignment_a) == before
    assert ExtensionRequest.get_by_id(req.id).status == "pending"
