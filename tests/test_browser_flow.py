"""The main flow in a real headless Chromium, on the demo data (see STACK-NOTES).

lanhdao records a meeting and a task given to "UBND các phường"; p.sodau sees it on the
unit's home, posts a progress report inline and the row updates without a page load;
lanhdao then sees the new progress. Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import pytest
from browser_support import new_session, shot
from playwright.sync_api import expect

from tracker.models import Assignment, ProgressReport, Task, Unit

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_plugin"]  # the ``browser`` and ``demo_server`` fixtures


def test_leader_assigns_ward_reports_leader_sees(demo_server, browser):
    base = demo_server.url
    title = "Rà soát thủ tục hành chính tiếp nhận qua Bưu chính công ích"

    # The leader records a meeting ...
    leader = new_session(browser, base, "lanhdao")
    leader.goto(base + "/meetings/new")
    leader.fill("input[name=title]", "Giao ban chuyển đổi số tháng 5")
    leader.fill("input[name=held_on]", "2026-05-14")
    leader.fill("input[name=notice_number]", "52/TB-UBND")
    leader.click("main button[type=submit]")
    expect(leader.locator("h1")).to_contain_text("Giao ban chuyển đổi số tháng 5")

    # ... and a task given to every ward, each leading in its own ward.
    leader.get_by_role("button", name="Thêm nhiệm vụ").click()
    leader.fill("input[name=title]", title)
    leader.select_option("select[name=deadline_kind]", "date")
    leader.fill("input[name=deadline]", "2026-06-30")
    leader.get_by_role("checkbox", name="Chủ trì: UBND các phường", exact=True).check()
    shot(leader, "1-leader-task-form")
    leader.click("main button[type=submit]")
    expect(leader.locator("main")).to_contain_text(title)
    task = Task.get(Task.title == title)
    wards = Unit.select().where(Unit.kind == "ward", Unit.active == True).count()  # noqa: E712
    assert Assignment.select().where(Assignment.task == task).count() == wards
    shot(leader, "2-leader-task-page")

    # The ward's officer finds it on the unit's home and reports inline.
    officer = new_session(browser, base, "p.sodau")
    assignment = Assignment.get(
        Assignment.task == task, Assignment.unit == Unit.get(Unit.code == "sodau")
    )
    officer.goto(base + f"/?q={title[:20]}")
    row = officer.locator(f"#assignment-{assignment.id}")
    expect(row).to_contain_text(title)
    officer.evaluate("window.notReloaded = true")
    row.locator("summary").click()
    row.locator("textarea[name=text]").fill("Đã rà soát 12 thủ tục, đang lấy ý kiến Bưu điện.")
    row.locator("input[name=progress]").fill("40")
    row.locator("textarea[name=difficulties]").fill("Thiếu cán bộ một cửa")
    shot(officer, "3-officer-report-form")
    row.get_by_role("button", name="Gửi báo cáo").click()
    expect(row.locator("progress")).to_have_attribute("value", "40")
    expect(row).to_contain_text("Đang thực hiện")
    assert officer.evaluate("window.notReloaded") is True, "the page was reloaded"
    shot(officer, "4-officer-row-updated")
    report = ProgressReport.get(ProgressReport.assignment == assignment)
    assert report.progress == 40 and report.difficulties == "Thiếu cán bộ một cửa"

    # The leader sees the new progress on the task page.
    leader.goto(base + f"/tasks/{task.id}")
    sodau_row = leader.locator("tr", has_text="Sở Dầu")
    expect(sodau_row).to_contain_text("40%")
    expect(sodau_row).to_contain_text("Đang thực hiện")
    shot(leader, "5-leader-sees-progress")


def test_phone_width_officer_home(demo_server, browser):
    """The officer's home reads on a phone: no horizontal scrolling of the page."""
    page = new_session(browser, demo_server.url, "p.sodau", 390, 844)
    page.goto(demo_server.url + "/")
    expect(page.locator("main")).to_contain_text("Việc của đơn vị")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"page is {width}px wide on a 390px screen"
    shot(page, "6-officer-home-phone")
