"""Single sign-on in a real Chromium: the app and the OpenID provider each served over HTTP.

The person clicks the SSO button, logs in on the provider's own page, comes back logged in;
logs out, and follows the offered link to end the provider's session too.
"""

from __future__ import annotations

import pytest
from browser_support import LiveServer, chromium, new_page
from oidc_support import running_provider
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(app, world):
    server = LiveServer(app).start()
    with running_provider() as provider:
        app.config.update(
            OIDC_ISSUER=provider.issuer,
            OIDC_CLIENT_ID="giao-viec",
            OIDC_CLIENT_SECRET="bi-mat",
            BASE_URL=server.url,
        )
        with chromium() as browser:
            yield server.url, provider, browser
    server.stop()


def test_sso_login_and_logout_in_a_browser(setting):
    base, provider, browser = setting
    provider.set_user("sub-lanhdao", preferred_username="lanhdao", name="Lãnh đạo")
    page = new_page(browser)
    page.goto(base + "/login?next=/profile")
    page.click("text=Đăng nhập bằng tài khoản một cửa (SSO)")
    page.wait_for_url(provider.issuer + "/oauth2/authorize*")
    page.fill("input[name=sub]", "sub-lanhdao")
    page.click("button:has-text('Authorize')")
    page.wait_for_url(base + "/profile")
    expect(page.locator("header nav")).to_contain_text("Đăng xuất")
    expect(page.locator("main")).to_contain_text("lanhdao")

    page.click("header nav button:has-text('Đăng xuất')")
    page.wait_for_url(base + "/login")
    page.click("text=Đăng xuất khỏi hệ thống một cửa")
    page.wait_for_url(provider.issuer + "/oauth2/end_session*")
    page.click("button:has-text('End session')")
    page.wait_for_url(base + "/login*")
    expect(page.locator("main")).not_to_contain_text("Đăng xuất khỏi hệ thống một cửa")
    expect(page.locator("main")).to_contain_text("Đăng nhập bằng tài khoản một cửa (SSO)")
