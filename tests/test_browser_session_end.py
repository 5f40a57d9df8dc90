"""After the session ended, an htmx action takes the browser to the login page, as a whole page.

Before, htmx followed the redirect to the login page inside its request and swapped the login
form into the row the officer had opened. Now the server answers 401 with ``HX-Redirect``, the
browser loads the login page itself, and logging in brings the officer back to the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LiveServer
from playwright.sync_api import Browser, Page, expect, sync_playwright

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(app, world):
    server = LiveServer(app).start()
    assert Path(CHROMIUM).exists(), "Chromium is missing: `make browser` installs it"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield server.url, browser
        browser.close()
    server.stop()


def session(browser: Browser, base: str, username: str) -> Page:
    """A page in its own browser context, logged in as ``username``."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("main button[type=submit]")
    expect(page.locator("header nav")).to_contain_text("Đăng xuất")
    return page


def end_session(browser: Browser, base: str, page: Page, how: str) -> None:
    if how == "logout elsewhere":
        # Logging out on another computer ends every session of the account.
        other = session(browser, base, "p.sodau")
        other.locator("header nav").get_by_role("button", name="Đăng xuất").click()
        expect(other.locator("main")).to_contain_text("Đã đăng xuất.")
    else:  # the browser lost its session cookie
        page.context.clear_cookies()


@pytest.mark.parametrize("how", ["logout elsewhere", "cookie deleted"])
def test_htmx_action_after_the_session_ended_loads_the_login_page(setting, world, how):
    base, browser = setting
    officer = session(browser, base, "p.sodau")
    officer.goto(base + "/?sort=deadline")
    row = officer.locator(f"#assignment-{world.assignment_a.id}")
    expect(row).to_be_visible()

    end_session(browser, base, officer, how)
    # Opening the row's "Cập nhật" fetches its forms through htmx.
    row.get_by_text("Cập nhật", exact=True).click()

    expect(officer).to_have_url(re.compile(r"/login\?next=%2F%3Fsort%3Ddeadline$"))
    expect(officer.locator("h1")).to_have_text("Đăng nhập")
    expect(officer.locator("main")).to_contain_text("Vui lòng đăng nhập để tiếp tục.")
    expect(officer.locator("table")).to_have_count(0)  # a page of its own, not inside the row
    expect(officer.locator("input[name=username]")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    officer.screenshot(path=str(ARTIFACTS / f"session-end-{how.replace(' ', '-')}.png"))

    # Logging in again brings the officer back to the page they were on.
    officer.fill("input[name=username]", "p.sodau")
    officer.fill("input[name=password]", "demo")
    officer.click("main button[type=submit]")
    expect(officer).to_have_url(base + "/?sort=deadline")
    expect(officer.locator(f"#assignment-{world.assignment_a.id}")).to_be_visible()
