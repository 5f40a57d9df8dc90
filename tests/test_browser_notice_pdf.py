"""The secretary chooses the signed notice as a PDF on the notice page, in a real browser: the
drafts come in the notice's order; a file that only claims to be a PDF is refused beside the
field with the typed text kept (screenshots in test-artifacts/)."""

from __future__ import annotations

from datetime import date

import pytest
from browser_support import LiveServer, artifact, chromium, new_session
from notice_support import ITEMS, NOTICE
from playwright.sync_api import expect

from tracker.meetings.notice.printing import print_pdf
from tracker.models import Meeting, NoticeDraft

pytestmark = [pytest.mark.browser, pytest.mark.ocr]


def test_pdf_upload_in_the_browser(app, world, tmp_path):
    Meeting.update(notice_date=date(2026, 5, 15)).where(Meeting.id == world.meeting.id).execute()
    pdf = print_pdf(NOTICE, tmp_path, "thong-bao-45")
    fake = tmp_path / "gia-mao.pdf"
    fake.write_bytes(b"<html>not a PDF</html>")
    server = LiveServer(app).start()
    with chromium() as browser:
        page = new_session(browser, server.url, "tonghop", 1366, check=False)
        page.goto(f"{server.url}/meetings/{world.meeting.id}/notice")

        # A fake PDF: the error beside the file field, the typed text still there.
        page.fill("textarea[name=text]", "Nội dung đang soạn")
        page.set_input_files("input[name=file]", str(fake))
        page.get_by_role("button", name="Đọc thông báo").click()
        expect(page.locator("#notice-source")).to_contain_text("Tệp này không phải tệp PDF hợp lệ.")
        expect(page.locator("textarea[name=text]")).to_have_value("Nội dung đang soạn")
        page.locator("#notice-source").screenshot(path=artifact("notice-fake-pdf.png"))
        assert not NoticeDraft.select().exists()

        # The real PDF: three drafts, in the notice's order.
        page.set_input_files("input[name=file]", str(pdf))
        page.get_by_role("button", name="Đọc thông báo").click()
        expect(page.locator("#drafts h2")).to_contain_text("(3)")
        contents = [page.locator(f"textarea[name='d-{i}-content']").input_value() for i in range(3)]
        assert [item[:40] in text for item, text in zip(ITEMS, contents, strict=True)] == [True] * 3
    server.stop()
