"""The unit picker in a real headless Chromium at 1366 px, on the demo data (issue #14 item 8).

The picker is plain HTML (a "Chủ trì" and a "Phối hợp" checkbox per unit group and per unit):
a group leads while named units coordinate, in one step; a unit ticked in both columns is
refused beside the field with what was ticked kept. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import pytest
from browser_support import new_session, shot
from playwright.sync_api import expect

from tracker.models import Assignment, Meeting, Task, Unit, UnitGroup

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_plugin"]  # the ``browser`` and ``demo_server`` fixtures

WIDTH = 1366


def test_group_leads_named_units_coordinate_at_laptop_width(demo_server, browser):
    base = demo_server.url
    title = "Rà soát, cập nhật danh mục thủ tục hành chính cấp phường"
    meeting = Meeting.select().order_by(Meeting.id).first()
    wards = list(UnitGroup.get(UnitGroup.name == "UBND các phường").units())
    ward = wards[0]
    page = new_session(browser, base, "lanhdao", WIDTH)
    page.goto(base + f"/meetings/{meeting.id}/tasks/new")
    page.fill("input[name=title]", title)
    page.select_option("select[name=deadline_kind]", "none")

    # All wards lead (the group), Phòng Kinh tế coordinates, and by mistake one ward as well.
    page.get_by_role("checkbox", name="Chủ trì: UBND các phường", exact=True).check()
    page.get_by_role("checkbox", name="Phối hợp: Phòng Kinh tế", exact=True).check()
    page.get_by_role("checkbox", name=f"Phối hợp: {ward.name}", exact=True).check()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"the form is {width}px wide at {WIDTH}px"
    shot(page, "picker-1-form-1366")
    page.click("main button[type=submit]")

    error = page.locator("#units-error")
    expect(error).to_contain_text("không thể vừa chủ trì vừa phối hợp")
    expect(error).to_contain_text(ward.name)
    assert not Task.select().where(Task.title == title).exists()
    # Nothing typed or ticked is lost.
    expect(page.locator("input[name=title]")).to_have_value(title)
    lead_group = page.get_by_role("checkbox", name="Chủ trì: UBND các phường", exact=True)
    expect(lead_group).to_be_checked()
    expect(page.get_by_role("checkbox", name="Phối hợp: Phòng Kinh tế", exact=True)).to_be_checked()
    expect(page.locator("tr.conflict")).to_contain_text(ward.name)
    shot(page, "picker-2-error-1366")
    # On a phone the tables stack: the page does not scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the form is {width}px wide on a 390px screen"
    shot(page, "picker-2b-error-390")
    page.set_viewport_size({"width": WIDTH, "height": 900})

    page.get_by_role("checkbox", name=f"Phối hợp: {ward.name}", exact=True).uncheck()
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text(title)
    task = Task.get(Task.title == title)
    roles = {a.unit_id: a.role for a in Assignment.select().where(Assignment.task == task)}
    economy = Unit.get(Unit.name == "Phòng Kinh tế")
    assert roles == {**{w.id: "lead" for w in wards if w.active}, economy.id: "coordinating"}
    leads = sum(1 for role in roles.values() if role == "lead")
    expect(page.locator("#task-assignments")).to_contain_text(
        f"{leads} đơn vị cùng chủ trì, 1 đơn vị phối hợp"
    )
    shot(page, "picker-3-task-page-1366")
