"""The leaders' queues ("Chờ xác nhận", "Xin gia hạn") and their counts in the navigation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from conftest import NOW
from query_support import count_page_queries, count_queries

from tracker.followup import queues
from tracker.models import Assignment, Attachment, ExtensionRequest, Submission


def login(auth, username: str) -> None:
    auth.logout()
    assert auth.login(username).status_code == 302


def submit(a: Assignment, at: datetime) -> None:
    Assignment.update(status="submitted", submitted_at=at).where(Assignment.id == a.id).execute()


def extension(a: Assignment, user, created: datetime, requested=date(2026, 6, 30), **kw):
    return ExtensionRequest.create(
        assignment=a,
        requested_by=user,
        previous_deadline=a.deadline,
        requested_deadline=requested,
        reason=kw.pop("reason", "Cần thêm thời gian"),
        created_at=created,
        **kw,
    )


def test_submitted_queue_lists_oldest_submission_first(client, auth, world):
    submit(world.assignment_a, datetime(2026, 5, 14, 8, tzinfo=UTC))
    submit(world.assignment_dept, datetime(2026, 5, 12, 8, tzinfo=UTC))
    login(auth, "lanhdao")
    page = client.get("/queues/submitted").get_data(as_text=True)
    assert "Nâng cấp hạ tầng số" in page and "Tăng cường tuyên truyền CCHC" in page
    assert page.index("Nâng cấp hạ tầng số") < page.index("Tăng cường tuyên truyền CCHC")
    assert "UBND phường Hoàng Văn Thụ" not in page.split('id="queue"')[1]  # not submitted
    assert "Xem và xác nhận" in page


def test_submitted_queue_search_and_empty_state(client, auth, world):
    submit(world.assignment_a, NOW)
    login(auth, "lanhdao")
    page = client.get("/queues/submitted?q=hạ tầng").get_data(as_text=True)
    assert "Không có nhiệm vụ nào khớp với bộ lọc." in page
    Assignment.update(status="in_progress").execute()
    page = client.get("/queues/submitted").get_data(as_text=True)
    assert '<p class="empty">' in page and "Không có nhiệm vụ nào chờ xác nhận." in page


def test_queue_pages_through_htmx_answer_with_the_list(client, auth, world):
    submit(world.assignment_a, NOW)
    login(auth, "lanhdao")
    body = client.hx_get("/queues/submitted").get_data(as_text=True)
    assert body.lstrip().startswith('<div id="queue">') and "<html" not in body


def test_queues_paginate(client, auth, world, factory, app):
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        task = factory.task(world.meeting, f"Việc {n}", deadline=date(2026, 6, 1))
        submit(factory.assignment(task, world.ward_a), datetime(2026, 5, 1 + n, tzinfo=UTC))
    login(auth, "lanhdao")
    first = client.get("/queues/submitted").get_data(as_text=True)
    assert "Việc 0" in first and "Việc 1" in first and "Việc 2" not in first
    assert "Trang 1 / 2" in first
    assert "Việc 2" in client.get("/queues/submitted?page=2").get_data(as_text=True)


def test_extensions_queue_lists_pending_requests_oldest_first(client, auth, world):
    extension(world.assignment_b, world.officer_b, datetime(2026, 5, 14, tzinfo=UTC))
    extension(
        world.assignment_a, world.officer_a, datetime(2026, 5, 13, tzinfo=UTC), reason="Lý do A"
    )
    extension(
        world.assignment_dept, world.officer_dept, NOW, status="rejected", reason="Đã từ chối"
    )
    login(auth, "lanhdao")
    page = client.get("/queues/extensions").get_data(as_text=True)
    queue = page.split('id="queue"')[1]
    assert queue.index("UBND phường Sở Dầu") < queue.index("UBND phường Hoàng Văn Thụ")
    assert "Đã từ chối" not in queue and "Lý do A" in queue and "30/06/2026" in queue
    # The decision forms are fetched when a row's "Cho ý kiến" opens.
    assert 'action="/extensions/' not in queue
    assert queue.count('hx-get="/queues/extensions/') == 2 and "#extension-panel" in queue


def test_extension_row_forms_are_fetched_on_demand(client, auth, world):
    req = extension(world.assignment_a, world.officer_a, NOW)
    login(auth, "lanhdao")
    body = client.hx_get(f"/queues/extensions/{req.id}/actions?next=/queues/extensions?page=2")
    assert body.status_code == 200 and "HX-Request" in body.headers["Vary"]
    forms = body.get_data(as_text=True)
    # One form for both answers (the comment and the approved date go with either button).
    assert "<html" not in forms and forms.count('hx-target="closest tr"') == 1
    assert forms.count("<form") == 1
    assert f'formaction="/extensions/{req.id}/approve"' in forms
    assert f'formaction="/extensions/{req.id}/reject"' in forms
    assert 'name="approved_deadline" type="date" value="2026-06-30"' in forms
    assert 'name="origin" value="queue"' in forms
    assert 'name="next" value="/queues/extensions?page=2"' in forms
    ExtensionRequest.update(status="approved").where(ExtensionRequest.id == req.id).execute()
    decided = client.hx_get(f"/queues/extensions/{req.id}/actions").get_data(as_text=True)
    assert "Đã duyệt" in decided and "<form" not in decided


def test_row_forms_are_for_deciders(client, auth, world):
    req = extension(world.assignment_a, world.officer_a, NOW)
    submit(world.assignment_b, NOW)
    login(auth, "tonghop")
    assert client.hx_get(f"/queues/extensions/{req.id}/actions").status_code == 403
    assert client.hx_get(f"/queues/submitted/{world.assignment_b.id}/actions").status_code == 403
    login(auth, "lanhdao")
    assert client.hx_get("/queues/extensions/99999/actions").status_code == 404
    assert client.hx_get("/queues/submitted/99999/actions").status_code == 404


def test_closed_work_leaves_the_extensions_queue(client, auth, world):
    extension(world.assignment_a, world.officer_a, NOW)
    Assignment.update(status="cancelled").where(Assignment.id == world.assignment_a.id).execute()
    login(auth, "lanhdao")
    page = client.get("/queues/extensions").get_data(as_text=True)
    assert "Không có đề nghị gia hạn nào chờ xử lý." in page


def test_secretary_sees_the_queues_without_decisions(client, auth, world):
    extension(world.assignment_a, world.officer_a, NOW)
    submit(world.assignment_b, NOW)
    login(auth, "tonghop")
    page = client.get("/queues/extensions").get_data(as_text=True)
    assert "Cần thêm thời gian" in page and "/approve" not in page and "/reject" not in page
    page = client.get("/queues/submitted").get_data(as_text=True)
    assert "Tăng cường tuyên truyền CCHC" in page and "Xem và xác nhận" not in page


@pytest.mark.parametrize("username", ["theodoi", "p.sodau", "pb.noivu"])
@pytest.mark.parametrize("path", ["/queues/submitted", "/queues/extensions", "/queues/counts"])
def test_other_roles_have_no_queues(client, auth, world, username, path):
    login(auth, username)
    assert client.get(path).status_code == 403
    assert client.hx_get(path).status_code == 403
    assert "/queues/" not in client.get("/meetings").get_data(as_text=True)


def test_navigation_counts(client, auth, world):
    submit(world.assignment_b, NOW)
    extension(world.assignment_a, world.officer_a, NOW)
    extension(world.assignment_dept, world.officer_dept, NOW)
    login(auth, "lanhdao")
    page = client.get("/meetings").get_data(as_text=True)
    assert 'id="queue-nav"' in page and 'hx-trigger="queues-changed from:body"' in page
    assert '<span class="count" data-queue="submitted">1</span>' in page
    assert '<span class="count" data-queue="extensions">2</span>' in page
    fragment = client.hx_get("/queues/counts").get_data(as_text=True)
    assert fragment.lstrip().startswith('<li id="queue-nav"')
    assert 'data-queue="extensions">2<' in fragment


def test_navigation_counts_cost_two_small_queries_and_are_never_stale(app_ctx, world):
    """Work waiting for confirmation is summed from the units' cached tallies: the counter
    versions and the pending extensions are read (two small queries), and a submission shows
    at once (the unit's version changed)."""
    submit(world.assignment_b, NOW)
    extension(world.assignment_a, world.officer_a, NOW)
    assert queues.counts() == queues.Counts(submitted=1, extensions=1)
    assert count_queries(queues.counts) == 2
    submit(world.assignment_dept, NOW)
    assert queues.counts() == queues.Counts(submitted=2, extensions=1)
    Assignment.update(status="done").where(Assignment.id == world.assignment_b.id).execute()
    assert queues.counts() == queues.Counts(submitted=1, extensions=1)


def test_a_decision_in_the_queue_answers_with_its_row_and_refreshes_counts(client, auth, world):
    req = extension(world.assignment_a, world.officer_a, NOW)
    login(auth, "lanhdao")
    response = client.post(
        f"/extensions/{req.id}/approve",
        data={"origin": "queue", "next": "/queues/extensions"},
        htmx=True,
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="extension-{req.id}"')
    assert "Đã duyệt" in body and "/approve" not in body
    assert "queues-changed" in response.headers["HX-Trigger"]
    assert Assignment.get_by_id(world.assignment_a.id).deadline == date(2026, 6, 30)
    counts = client.hx_get("/queues/counts").get_data(as_text=True)
    assert 'data-queue="extensions"' not in counts


def test_a_refused_decision_in_the_queue_shows_the_error_in_its_row(client, auth, world):
    req = extension(world.assignment_a, world.officer_a, NOW)
    login(auth, "lanhdao")
    response = client.post(
        f"/extensions/{req.id}/reject", data={"origin": "queue", "reason": ""}, htmx=True
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="extension-{req.id}"')
    assert "Vui lòng nêu lý do." in body and 'class="field-error"' in body
    assert ExtensionRequest.get_by_id(req.id).status == "pending"


def test_plain_decision_from_the_queue_goes_back_to_it(client, auth, world):
    req = extension(world.assignment_a, world.officer_a, NOW)
    login(auth, "lanhdao")
    response = client.post(
        f"/extensions/{req.id}/reject",
        data={"origin": "queue", "next": "/queues/extensions", "reason": "Không đủ căn cứ"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/queues/extensions"
    )


def test_htmx_posts_by_officers_do_not_announce_queue_changes(client, auth, world):
    login(auth, "p.sodau")
    response = client.post(
        f"/assignments/{world.assignment_a.id}/reports",
        data={"text": "Đã làm", "progress": "20"},
        htmx=True,
    )
    assert response.status_code == 200
    # The bell's event only (tracker/notifications/views.py), not the queues'.
    assert "queues-changed" not in response.headers.get("HX-Trigger", "")


def test_submitted_queue_offers_confirm_and_return_to_deciders(client, auth, world):
    submit(world.assignment_a, NOW)
    login(auth, "lanhdao")
    page = client.get("/queues/submitted?q=CCHC").get_data(as_text=True)
    a = world.assignment_a.id
    # The forms are fetched when the row's "Xác nhận / trả lại" opens; the link is the fallback.
    assert 'action="/assignments/' not in page
    assert f'href="/assignments/{a}">Xem và xác nhận' in page
    assert f'hx-get="/queues/submitted/{a}/actions?next=/queues/submitted?q%3DCCHC"' in page
    forms = client.hx_get(f"/queues/submitted/{a}/actions?next=/queues/submitted?q%3DCCHC")
    forms = forms.get_data(as_text=True)
    assert f'action="/assignments/{a}/confirm"' in forms
    assert f'action="/assignments/{a}/return"' in forms
    assert 'name="next" value="/queues/submitted?q=CCHC"' in forms
    assert 'name="origin" value="queue"' in forms and 'hx-target="closest tr"' in forms
    assert f'id="return-reason-{a}"' in forms


def report_done(a: Assignment, officer, summary: str, **kw) -> Submission:
    """The unit's completion report of ``a`` (pending), as the submit flow leaves it."""
    submit(a, NOW)
    kw.setdefault("created_at", NOW)
    return Submission.create(assignment=a, author=officer, summary=summary, **kw)


def test_opened_row_shows_the_result_and_its_files_before_the_buttons(client, auth, world):
    a = world.assignment_a
    report_done(a, world.officer_a, "Báo cáo cũ", created_at=datetime(2026, 5, 1, tzinfo=UTC))
    s = report_done(a, world.officer_a, "Đã tuyên truyền <script>alert(1)</script> tại 12 tổ")
    f = Attachment.create(
        assignment=a,
        submission=s,
        original_name="Kết quả tuyên truyền.pdf",
        stored_name="x1.pdf",
        content_type="application/pdf",
        size=5000,
        sha256="0" * 64,
        uploaded_by=world.officer_a,
        created_at=NOW,
    )
    login(auth, "lanhdao")
    forms = client.hx_get(f"/queues/submitted/{a.id}/actions").get_data(as_text=True)
    assert "Kết quả thực hiện" in forms and "Báo cáo cũ" not in forms
    assert "Đã tuyên truyền &lt;script&gt;alert(1)&lt;/script&gt; tại 12 tổ" in forms
    assert "<script>" not in forms
    assert f'href="/attachments/{f.id}"' in forms and "Kết quả tuyên truyền.pdf" in forms
    assert "(5 KB)" in forms
    assert forms.index("Kết quả tuyên truyền.pdf") < forms.index("Xác nhận hoàn thành")
    # The list itself stays short: the result is shown only in the opened row.
    page = client.get("/queues/submitted").get_data(as_text=True)
    assert "Đã tuyên truyền" not in page and "Kết quả tuyên truyền.pdf" not in page


def test_opened_row_shows_the_reporting_document(client, auth, world):
    a = world.assignment_a
    report_done(
        a, world.officer_a, "Hoàn thành", doc_number="15/BC-UBND", doc_date=date(2026, 5, 12)
    )
    login(auth, "lanhdao")
    forms = client.hx_get(f"/queues/submitted/{a.id}/actions").get_data(as_text=True)
    assert "Văn bản báo cáo số 15/BC-UBND" in forms and "12/05/2026" in forms
    assert forms.index("15/BC-UBND") < forms.index("Xác nhận hoàn thành")


def test_opened_row_loads_only_its_own_evidence(client, auth, world):
    report_done(world.assignment_a, world.officer_a, "Xong")
    report_done(world.assignment_b, world.officer_b, "Của phường khác")
    login(auth, "lanhdao")
    forms = client.hx_get(f"/queues/submitted/{world.assignment_a.id}/actions")
    forms = forms.get_data(as_text=True)
    assert "Xong" in forms and "Của phường khác" not in forms


def test_officers_cannot_fetch_a_rows_evidence(client, auth, world):
    report_done(world.assignment_a, world.officer_a, "Bí mật của phường Sở Dầu")
    for officer in ("p.hoangvanthu", "p.sodau"):
        login(auth, officer)
        response = client.hx_get(f"/queues/submitted/{world.assignment_a.id}/actions")
        assert response.status_code in (403, 404)
        assert "Bí mật" not in response.get_data(as_text=True)


def test_secretary_confirms_from_the_queue_when_the_setting_allows(client, auth, world, app):
    app.config["SECRETARY_MAY_CONFIRM"] = True
    submit(world.assignment_a, NOW)
    login(auth, "tonghop")
    a = world.assignment_a.id
    assert f"/queues/submitted/{a}/actions" in client.get("/queues/submitted").get_data(
        as_text=True
    )
    assert "/confirm" in client.hx_get(f"/queues/submitted/{a}/actions").get_data(as_text=True)


def test_a_confirmation_in_the_queue_answers_with_its_row(client, auth, world):
    submit(world.assignment_a, NOW)
    a = world.assignment_a.id
    login(auth, "lanhdao")
    response = client.post(
        f"/assignments/{a}/confirm",
        data={"origin": "queue", "next": "/queues/submitted"},
        htmx=True,
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="queue-assignment-{a}"')
    assert "Đã xác nhận hoàn thành." in body and "/confirm" not in body
    assert "queues-changed" in response.headers["HX-Trigger"]
    assert Assignment.get_by_id(a).status == "done"
    assert 'data-queue="submitted"' not in client.hx_get("/queues/counts").get_data(as_text=True)
    done = client.hx_get(f"/queues/submitted/{a}/actions").get_data(as_text=True)
    assert "<form" not in done and "Hoàn thành" in done


def test_a_refused_return_in_the_queue_shows_the_error_beside_the_reason(client, auth, world):
    submit(world.assignment_a, NOW)
    a = world.assignment_a.id
    login(auth, "lanhdao")
    response = client.post(
        f"/assignments/{a}/return",
        data={"origin": "queue", "next": "/queues/submitted", "reason": ""},
        htmx=True,
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="queue-assignment-{a}"') and "<details open>" in body
    assert f'<small id="return-reason-{a}-error" class="field-error">Vui lòng nêu lý do.' in body
    assert 'name="next" value="/queues/submitted"' in body
    assert Assignment.get_by_id(a).status == "submitted"
    response = client.post(
        f"/assignments/{a}/return",
        data={"origin": "queue", "reason": "Thiếu minh chứng"},
        htmx=True,
    )
    assert "Đã trả lại, yêu cầu đơn vị thực hiện lại." in response.get_data(as_text=True)
    assert Assignment.get_by_id(a).status == "returned"


def test_without_javascript_the_assignment_page_shows_the_result_before_the_buttons(
    client, auth, world
):
    a = world.assignment_a
    report_done(a, world.officer_a, "Đã tuyên truyền tại 12 tổ", doc_number="15/BC-UBND")
    login(auth, "lanhdao")
    page = client.get(f"/assignments/{a.id}").get_data(as_text=True)
    shown = page.index("Đã tuyên truyền tại 12 tổ")
    assert shown < page.index("15/BC-UBND") < page.index("Xác nhận hoàn thành")
    assert shown < page.index("Trả lại, yêu cầu thực hiện lại")


def test_opened_row_loads_its_evidence_in_a_fixed_number_of_queries(client, auth, world):
    a = world.assignment_a
    s = report_done(a, world.officer_a, "Xong")
    login(auth, "lanhdao")
    url = f"/queues/submitted/{a.id}/actions"
    alone = count_page_queries(client, url)
    for i in range(3):
        Attachment.create(
            assignment=a,
            submission=s,
            original_name=f"Tệp {i}.pdf",
            stored_name=f"n{i}.pdf",
            content_type="application/pdf",
            size=100,
            sha256="0" * 64,
            created_at=NOW,
        )
    report_done(a, world.officer_a, "Lần trước", created_at=datetime(2026, 5, 1, tzinfo=UTC))
    assert count_page_queries(client, url) == alone
