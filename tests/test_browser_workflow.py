"""The follow-up workflow in a real headless Chromium, with a real SMTP server.

An officer submits with a PDF, the leader returns it, the officer resubmits, the leader
confirms; an extension is requested and approved; an urge reaches the SMTP server.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from browser_support import LiveServer, chromium, new_session, shot
from playwright.sync_api import Page, expect
from smtp_support import SmtpServer

from tracker.mail.sender import send_pending
from tracker.models import Assignment, Attachment, ExtensionRequest, Submission, Unit

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def setting(app, world, tmp_path):
    Unit.update(email="ubnd.hoangvanthu@hongbang.example").where(
        Unit.id == world.ward_b.id
    ).execute()
    with SmtpServer() as smtp:
        app.config["SMTP_URL"] = smtp.url()
        server = LiveServer(app).start()
        with chromium() as browser:
            yield server.url, browser, smtp
        server.stop()


def submit(page: Page, base: str, assignment: Assignment, pdf: Path, summary: str) -> None:
    page.goto(f"{base}/assignments/{assignment.id}/submit")
    page.fill("textarea[name=summary]", summary)
    page.set_input_files("input[name=files]", str(pdf))
    page.get_by_role("button", name="Gửi báo cáo hoàn thành").click()
    expect(page.locator("main")).to_contain_text("Chờ xác nhận")


def test_submit_return_resubmit_confirm_extension_and_urge(app, world, setting, tmp_path):
    base, browser, smtp = setting
    pdf = tmp_path / "bao-cao-ket-qua.pdf"
    pdf.write_bytes(PDF)
    a = world.assignment_a
    Assignment.update(status="in_progress").where(Assignment.id == a.id).execute()

    officer = new_session(browser, base, "p.sodau")
    leader = new_session(browser, base, "lanhdao")

    # Submitted with a PDF ...
    submit(officer, base, a, pdf, "Đã tổ chức 3 hội nghị tuyên truyền CCHC.")
    shot(officer, "w1-officer-submitted")
    assert Attachment.select().where(Attachment.assignment == a.id).count() == 1

    # ... returned by the leader with a reason ...
    leader.goto(f"{base}/assignments/{a.id}")
    leader.locator("textarea[name=reason]").first.fill("Thiếu danh sách người tham dự.")
    leader.get_by_role("button", name="Trả lại, yêu cầu thực hiện lại").click()
    expect(leader.locator("main")).to_contain_text("Thực hiện lại")
    assert Assignment.get_by_id(a.id).status == "returned"

    # ... submitted again, and confirmed from the queue (the row's forms arrive when its
    # "Xác nhận / trả lại" opens; a return without a reason is refused beside the field).
    submit(officer, base, a, pdf, "Bổ sung danh sách người tham dự.")
    leader.goto(f"{base}/queues/submitted")
    expect(leader.locator('#queue-nav [data-queue="submitted"]')).to_have_text("1")
    row = leader.locator(f"#queue-assignment-{a.id}")
    row.locator("summary").click()
    row.get_by_role("button", name="Trả lại, yêu cầu thực hiện lại").click()
    expect(row.locator(".field-error")).to_have_text("Vui lòng nêu lý do.")
    assert Assignment.get_by_id(a.id).status == "submitted"
    row.get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(row).to_contain_text("Đã xác nhận hoàn thành.")
    expect(leader.locator('#queue-nav [data-queue="submitted"]')).to_have_count(0)
    leader.goto(f"{base}/assignments/{a.id}")
    expect(leader.locator("main")).to_contain_text("Hoàn thành")
    shot(leader, "w2-leader-confirmed")
    done = Assignment.get_by_id(a.id)
    assert done.status == "done" and done.completed_at == done.submitted_at
    assert [s.decision for s in Submission.select().order_by(Submission.id)] == [
        "returned",
        "confirmed",
    ]

    # An extension requested by ward B's officer and approved from the queue.
    b = world.assignment_b
    other = new_session(browser, base, "p.hoangvanthu")
    other.goto(f"{base}/assignments/{b.id}")
    other.fill("input[name=requested_deadline]", "2026-06-15")
    other.fill("#extension-panel textarea[name=reason]", "Chờ kinh phí in tài liệu.")
    other.get_by_role("button", name="Gửi đề nghị gia hạn").click()
    expect(other.locator("#extension-panel")).to_contain_text("15/06/2026")
    leader.goto(f"{base}/queues/extensions")
    shot(leader, "w3-leader-extension-queue")
    # The row's forms arrive when its "Cho ý kiến" opens.
    leader.locator("summary", has_text="Cho ý kiến").click()
    leader.get_by_role("button", name="Đồng ý gia hạn", exact=True).click()
    row = leader.locator("tr", has_text="Chờ kinh phí in tài liệu.")
    expect(row).to_contain_text("Đã duyệt")
    b = Assignment.get_by_id(b.id)
    assert (b.deadline, b.original_deadline, b.extension_count) == (
        date(2026, 6, 15),
        date(2026, 5, 30),
        1,
    )
    assert ExtensionRequest.get().status == "approved"

    # An urge, delivered to ward B over SMTP.
    leader.goto(f"{base}/assignments/{b.id}")
    leader.fill("#urge-panel textarea[name=message]", "Đề nghị báo cáo trước thứ Sáu.")
    with leader.expect_response(lambda r: r.url.endswith("/urge")):
        leader.get_by_role("button", name="Đôn đốc đơn vị").click()
    leader.reload()
    expect(leader.locator("main")).to_contain_text("Đôn đốc 1 lần")
    with app.app_context():
        send_pending(app)
    urges = [r.parsed() for r in smtp.received if "Đôn đốc" in r.parsed()["Subject"]]
    assert len(urges) == 1
    assert "ubnd.hoangvanthu@hongbang.example" in urges[0]["To"]
    assert "Đề nghị báo cáo trước thứ Sáu." in urges[0].get_body(("plain",)).get_content()
