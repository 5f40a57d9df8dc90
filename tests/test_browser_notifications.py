"""The bell in a real headless Chromium: an officer's page is open while a leader urges the
unit from another session; the bell shows the notification without a page load (htmx polls
it, every second here: TRACKER_NOTIFICATION_POLL_SECONDS), and reading it empties the bell."""

from __future__ import annotations

import pytest
from browser_support import LiveServer, new_session, shot
from conftest import AuthActions
from playwright.sync_api import expect

from tracker.models import Notification

pytestmark = pytest.mark.browser
pytest_plugins = ["browser_plugin"]  # the ``browser`` fixture


@pytest.fixture
def server(app, world):
    app.config["NOTIFICATION_POLL_SECONDS"] = 1
    live = LiveServer(app).start()
    yield live
    live.stop()


def test_an_urge_appears_in_the_bell_without_a_page_load(server, browser, client, world):
    page = new_session(browser, server.url, "p.sodau")
    bell = page.locator("header a.bell")
    expect(bell).to_have_attribute("aria-label", "Thông báo")
    expect(bell.locator(".count")).to_have_count(0)
    # A mark on this very document: a page load would lose it.
    page.evaluate("window.__notLoadedAgain = true")

    # Meanwhile, in another session, the leader urges the officer's unit.
    AuthActions(client).login("lanhdao")
    response = client.post(
        f"/assignments/{world.assignment_a.id}/urge", data={"message": "Báo cáo ngay"}
    )
    assert response.status_code == 302

    expect(bell.locator(".count")).to_have_text("1", timeout=10_000)
    expect(bell).to_have_attribute("aria-label", "Thông báo (1 chưa đọc)")
    assert page.evaluate("window.__notLoadedAgain") is True
    shot(page, "notifications-1-bell", full_page=False)

    # The list, then "Đánh dấu đã đọc" (htmx): the bell empties on the event, no load either.
    bell.click()
    expect(page.locator("h1")).to_have_text("Thông báo")
    item = page.locator("li.unread")
    expect(item).to_contain_text("Tăng cường tuyên truyền CCHC")
    shot(page, "notifications-2-list")
    page.evaluate("window.__notLoadedAgain = true")
    item.get_by_role("button", name="Đánh dấu đã đọc").click()
    expect(page.locator("li.read")).to_have_count(1)
    expect(bell.locator(".count")).to_have_count(0)
    assert page.evaluate("window.__notLoadedAgain") is True
    assert Notification.get().read_at is not None

    # Opening it leads to the assignment.
    page.locator("li.read button.linklike").first.click()
    page.wait_for_url(f"**/assignments/{world.assignment_a.id}")
