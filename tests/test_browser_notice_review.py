"""The secretary turns the conclusion typed on the meeting form into draft tasks, sees a long
title whole, and answers "Có phải …?" with one click, on a wide and a narrow screen, with and
without JavaScript (screenshots in test-artifacts/)."""

from __future__ import annotations

from datetime import date

import pytest
from browser_support import LiveServer, artifact, chromium, new_session, shot
from playwright.sync_api import expect

from tracker.models import Meeting, Task

pytestmark = pytest.mark.browser

CONCLUSION = """Đồng chí Phó Chủ tịch UBND quận kết luận như sau:
1. Giao Phòng Nội vụ chủ trì, phối hợp với UBND các phường rà soát thủ tục hành chính, \
hoàn thành trước ngày 30/6/2026.
2. Nâng cấp hạ tầng và nền tảng số tại quận, phường đảm bảo các điều kiện để thực hiện \
chuyển đổi số, xây dựng Chính quyền số quận, phường; Phòng Nội vụ chủ trì.
3. Phòng Văn hoá Thông tn xây dựng kế hoạch trong 10 ngày làm việc.
"""
LONG_TITLE = (
    "Nâng cấp hạ tầng và nền tảng số tại quận, phường đảm bảo các điều kiện để thực hiện "
    "chuyển đổi số, xây dựng Chính quyền số quận, phường"
)


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "nojs"])
@pytest.mark.parametrize("width", [1366, 390])
def test_draft_review_from_the_typed_conclusion(app, world, factory, width, javascript):
    Meeting.update(notice_date=date(2026, 5, 15), conclusion=CONCLUSION).where(
        Meeting.id == world.meeting.id
    ).execute()
    culture = factory.unit("Phòng Văn hóa và Thông tin", kind="department", code="vhtt")
    server = LiveServer(app).start()
    with chromium() as browser:
        page = new_session(
            browser, server.url, "tonghop", width, check=False, java_script_enabled=javascript
        )
        page.goto(f"{server.url}/meetings/{world.meeting.id}")
        mode = "htmx" if javascript else "nojs"
        page.locator("section:has(.conclusion)").screenshot(
            path=artifact(f"meeting-conclusion-{width}-{mode}.png")
        )
        page.get_by_role("button", name="Tạo nhiệm vụ từ kết luận đã nhập").click()
        expect(page.locator("#drafts h2")).to_contain_text("(3)")

        # The long title, whole and wrapped: nothing hidden in its box, no sideways scroll.
        title = page.locator("textarea[name='d-1-title']")
        expect(title).to_have_value(LONG_TITLE)
        assert title.evaluate("e => e.scrollHeight <= e.clientHeight + 2")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # Working days as the task form offers them, the date they give beside.
        expect(page.locator("input[name='d-2-working_days']")).to_have_value("10")
        expect(page.locator("#checks-2")).to_contain_text("29/05/2026")
        page.locator("#draft-1").screenshot(path=artifact(f"notice-draft-title-{width}-{mode}.png"))

        # "Có phải …?": one click chooses the unit, with or without JavaScript.
        expect(page.locator("#checks-2")).to_contain_text("Có phải")
        page.locator("#checks-2").screenshot(
            path=artifact(f"notice-draft-suggestion-{width}-{mode}.png")
        )
        url = page.url
        page.locator("#draft-2").get_by_role("button", name="Phòng Văn hóa và Thông tin").click()
        lead = page.locator("select[name='d-2-lead']")
        expect(lead.locator("option:checked")).to_have_text(["Phòng Văn hóa và Thông tin"])
        if javascript:
            assert page.url == url  # swapped in place
        else:
            expect(page).to_have_url(f"{server.url}/meetings/{world.meeting.id}/notice#draft-2")
        expect(page.locator("#draft-2")).not_to_contain_text("Có phải")
        page.locator("#draft-2").screenshot(path=artifact(f"notice-draft-units-{width}-{mode}.png"))
        shot(page, f"notice-review-{width}-{mode}")

        page.get_by_role("button", name="Tạo nhiệm vụ", exact=True).click()
        expect(page.locator(".flash-success")).to_contain_text("Đã tạo 3 nhiệm vụ")
    server.stop()
    third = Task.get(Task.meeting == world.meeting, Task.title.contains("kế hoạch"))
    assert [a.unit.id for a in third.assignments] == [culture.id]
    assert (third.deadline, third.working_days) == (date(2026, 5, 29), 10)
