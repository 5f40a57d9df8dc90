"""After the session ended, an htmx action takes the browser to the login page, as a whole page.

Before, htmx followed the redirect to the login page inside its request and swapped the login
form into the row the officer had opened. Now the server answers 401 with ``HX-Redirect``, the
browser loads the login page itself, and logging in brings the officer back to the page.
"""

from __future__ import annotations

import re

import pytest
from browser_support import LiveServer, chromium, fill_login, new_session, shot
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(app, world):
    server = LiveServer(app).start()
    with chromium() as browser:
        yield server.url, browser
    server.stop()


def end_session(browser: Browser, base: str, page: Page, how: str) -> None:
    if how == "logout elsewhere":
        # Logging out on another computer ends every session of the account.
        other = new_session(browser, base, "p.sodau")
        other.locator("header nav").get_by_role("button", name="Đăng xuất").click()
        expect(other.locator("main")).to_contain_text("Đã đăng xuất.")
    else:  # the browser lost its session cookie
        page.context.clear_cookies()


@pytest.mark.parametrize("how", ["logout elsewhere", "cookie deleted"])
def test_htmx_action_after_the_session_ended_loads_the_login_page(setting, world, how):
    base, browser = setting
    officer = new_session(browser, base, "p.sodau")
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
    shot(officer, f"session-end-{how.replace(' ', '-')}", full_page=False)

    # Logging in again brings the officer back to the page they were on.
    fill_login(officer, "p.sodau")
    expect(officer).to_have_url(base + "/?sort=deadline")
    expect(officer.locator(f"#assignment-{world.assignment_a.id}")).to_be_visible()
