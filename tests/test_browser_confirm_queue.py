"""The leader opens a row of "Chờ xác nhận" and sees the unit's result and evidence before
the buttons, on a wide and a narrow screen (screenshots in test-artifacts/)."""

from __future__ import annotations

from datetime import date

import pytest
from browser_support import LiveServer, chromium, new_session, shot
from conftest import NOW
from playwright.sync_api import expect

from tracker.models import Assignment, Attachment, Submission

pytestmark = pytest.mark.browser


def reported(world) -> Assignment:
    """Ward A's work submitted with its result, a reporting document and a file."""
    a = world.assignment_a
    Assignment.update(status="submitted", submitted_at=NOW).where(Assignment.id == a.id).execute()
    s = Submission.create(
        assignment=a,
        author=world.officer_a,
        summary="Đã tổ chức 12 buổi tuyên truyền tại các tổ dân phố.",
        doc_number="15/BC-UBND",
        doc_date=date(2026, 5, 12),
        created_at=NOW,
    )
    Attachment.create(
        assignment=a,
        submission=s,
        original_name="Danh sách người tham dự.pdf",
        stored_name="browser-1.pdf",
        content_type="application/pdf",
        size=48_000,
        sha256="0" * 64,
        uploaded_by=world.officer_a,
        created_at=NOW,
    )
    return a


@pytest.mark.parametrize("width", [1366, 390])
def test_leader_sees_the_evidence_before_confirming(app, world, width):
    a = reported(world)
    server = LiveServer(app).start()
    with chromium() as browser:
        page = new_session(browser, server.url, "lanhdao", width, check=False)
        page.goto(server.url + "/queues/submitted")
        row = page.locator(f"#queue-assignment-{a.id}")
        row.locator("summary").click()
        evidence = row.locator(".row-evidence")
        expect(evidence).to_contain_text("Đã tổ chức 12 buổi tuyên truyền")
        expect(evidence).to_contain_text("Văn bản báo cáo số 15/BC-UBND")
        expect(evidence.locator("a[download]")).to_have_text("Danh sách người tham dự.pdf")
        button = row.get_by_role("button", name="Xác nhận hoàn thành")
        expect(button).to_be_visible()
        assert evidence.bounding_box()["y"] < button.bounding_box()["y"]
        shot(page, f"confirm-queue-{width}")
    server.stop()


@pytest.mark.parametrize("width", [1366, 390])
def test_without_javascript_the_link_leads_to_the_evidence_before_the_buttons(app, world, width):
    a = reported(world)
    server = LiveServer(app).start()
    with chromium() as browser:
        page = new_session(
            browser, server.url, "lanhdao", width, check=False, java_script_enabled=False
        )
        page.goto(server.url + "/queues/submitted")
        row = page.locator(f"#queue-assignment-{a.id}")
        row.locator("summary").click()
        row.get_by_role("link", name="Xem và xác nhận").click()
        result = page.get_by_text("Đã tổ chức 12 buổi tuyên truyền")
        expect(result).to_be_visible()
        button = page.get_by_role("button", name="Xác nhận hoàn thành")
        assert result.bounding_box()["y"] < button.bounding_box()["y"]
        shot(page, f"confirm-nojs-{width}")
    server.stop()
