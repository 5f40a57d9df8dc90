"""The bell in a real headless Chromium: an officer's page is open while a leader urges the
unit from another session; the bell shows the notification without a page load (htmx polls
it, every second here: TRACKER_NOTIFICATION_POLL_SECONDS), and reading it empties the bell."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LiveServer
from conftest import AuthActions
from playwright.sync_api import Page, expect, sync_playwright

from tracker.models import Notification

pytestmark = pytest.mark.browser


@pytest.fixture
def server(app, world):
    app.config["NOTIFICATION_POLL_SECONDS"] = 1
    live = LiveServer(app).start()
    yield live
    live.stop()


@pytest.fixture
def browser():
    assert Path(CHROMIUM).exists(), "Chromium is missing: `make browser` installs it"
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def login(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("main button[type=submit]")
    expect(page.locator("header nav")).to_contain_text("Đăng xuất")


def test_an_urge_appears_in_the_bell_without_a_page_load(server, browser, client, world):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    login(page, server.url, "p.sodau")
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
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notifications-1-bell.png"))

    # The list, then "Đánh dấu đã đọc" (htmx): the bell empties on the event, no load either.
    bell.click()
    expect(page.locator("h1")).to_have_text("Thông báo")
    item = page.locator("li.unread")
    expect(item).to_contain_text("Tăng cường tuyên truyền CCHC")
    page.screenshot(path=str(ARTIFACTS / "notifications-2-list.png"), full_page=True)
    page.evaluate("window.__notLoadedAgain = true")
    item.get_by_role("button", name="Đánh dấu đã đọc").click()
    expect(page.locator("li.read")).to_have_count(1)
    expect(bell.locator(".count")).to_have_count(0)
    assert page.evaluate("window.__notLoadedAgain") is True
    assert Notification.get().read_at is not None

    # Opening it leads to the assignment.
    page.locator("li.read button.linklike").first.click()
    page.wait_for_url(f"**/assignments/{world.assignment_a.id}")
