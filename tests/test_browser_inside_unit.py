"""Work inside a unit in a real headless Chromium (see STACK-NOTES): ward A requires its head's
approval; the head gives the assignment to a handler with an internal deadline, the handler
finds it in "Việc của tôi" and reports it done, the head approves, the leader confirms."""

from __future__ import annotations

import pytest
from browser_support import LiveServer, new_session, shot
from playwright.sync_api import expect

from tracker.models import Assignment, AssignmentHandler, ReportDraft, Submission, Unit

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_plugin"]  # the ``browser`` fixture


@pytest.fixture
def server(app, world, factory):
    factory.user("ld.sodau", "unit_head", world.ward_a, full_name="Trần Văn Trưởng")
    factory.user("cv.sodau", "officer", world.ward_a, full_name="Lê Thị Xử Lý")
    Unit.update(requires_head_approval=True).where(Unit.id == world.ward_a.id).execute()
    Assignment.update(status="in_progress").where(Assignment.id == world.assignment_a.id).execute()
    live = LiveServer(app).start()
    yield live
    live.stop()


def test_assign_handler_report_approve_confirm(server, browser, world):
    base, a = server.url, world.assignment_a
    page_url = f"{base}/assignments/{a.id}"

    head = new_session(browser, base, "ld.sodau")
    head.goto(page_url)
    section = head.locator("#inside-unit")
    expect(section).to_contain_text("Phân công xử lý")
    section.locator("select[name=handlers]").select_option(label="Lê Thị Xử Lý (Cán bộ đầu mối)")
    # After the unit's deadline (30/05): the date field itself refuses it (its max), nothing
    # is sent; the server's refusal beside the field is tests/test_inside_unit.py's.
    deadline = section.locator("input[name=internal_deadline]")
    deadline.fill("2026-06-05")
    section.get_by_role("button", name="Phân công xử lý").click()
    assert deadline.evaluate("e => e.validity.rangeOverflow")
    assert AssignmentHandler.select().count() == 0
    section = head.locator("#inside-unit")
    section.locator("select[name=handlers]").select_option(label="Lê Thị Xử Lý (Cán bộ đầu mối)")
    section.locator("input[name=internal_deadline]").fill("2026-05-25")
    section.get_by_role("button", name="Phân công xử lý").click()
    expect(head.locator("#inside-unit")).to_contain_text("25/05/2026")

    handler = new_session(browser, base, "cv.sodau")
    handler.get_by_role("link", name="Việc của tôi").click()
    expect(handler.locator("main")).to_contain_text(world.task.title)
    handler.get_by_role("link", name=world.task.title).click()
    handler.get_by_role("button", name="Báo cáo hoàn thành (chờ xác nhận)").first.click()
    handler.fill("textarea[name=summary]", "Đã tổ chức 12 buổi tuyên truyền")
    handler.fill("input[name=doc_number]", "45/BC-UBND")
    handler.fill("input[name=doc_date]", "2026-05-14")
    handler.get_by_role("button", name="Gửi lãnh đạo đơn vị duyệt").click()
    expect(handler.locator("#inside-unit")).to_contain_text("Chờ lãnh đạo đơn vị duyệt")
    assert Assignment.get_by_id(a.id).status == "in_progress"

    head.goto(page_url)
    draft = head.locator(f"#draft-{ReportDraft.get().id}")
    expect(draft).to_contain_text("Đã tổ chức 12 buổi tuyên truyền")
    draft.get_by_role("button", name="Duyệt").click()
    expect(head.locator("main")).to_contain_text("Đã duyệt, báo cáo đã được gửi lên lãnh đạo.")
    assert Assignment.get_by_id(a.id).status == "submitted"
    assert Submission.get().author.username == "cv.sodau"

    leader = new_session(browser, base, "lanhdao")
    leader.goto(page_url)
    # The handler's result is what the leader decides on.
    expect(leader.locator(".submission-panel")).to_contain_text("Đã tổ chức 12 buổi tuyên truyền")
    leader.locator(".status-buttons").get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(leader.locator(".assignment-facts")).to_contain_text("Hoàn thành")
    shot(leader, "inside-unit-confirmed")
    assert Assignment.get_by_id(a.id).status == "done"
