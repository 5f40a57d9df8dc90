"""No WCAG 2 A/AA violation that axe-core can find on the main pages of each role (issue 14).

One demo site and one Chromium for the module, one login per role; each page is its own test
(``[role-page]``), run with axe-core as bundled by axe-playwright-python (no network). Rows
whose forms open in place are checked opened, as people use them.
"""

from __future__ import annotations

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_pages import ROLE_PAGES, ROLES, login, main_pages
from browser_support import LiveServer, chromium, require_chromium, shot
from conftest import FAST_HASH, NOW
from playwright.sync_api import Page, expect

from tracker import create_app
from tracker.cli import cli
from tracker.core import db
from tracker.core.clock import Clock

pytestmark = pytest.mark.browser

WCAG_2_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}
CHECKED = [(role, name) for role in ROLES for name in ROLE_PAGES[role]]


@pytest.fixture(scope="module")
def site(database_template, tmp_path_factory):
    """The demo on a live server (one database for the module), a Chromium, and a page per
    role logged in on first use: yields ``page_for(role)``."""
    require_chromium()  # before the demo is loaded
    folder = tmp_path_factory.mktemp("accessibility")
    path = folder / "tracker.sqlite3"
    shutil.copy(database_template, path)
    os.environ.setdefault("TRACKER_SECRET_KEY", "test-secret-key")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{path}",
            "INSTANCE_PATH": folder,
            "PASSWORD_HASH_METHOD": FAST_HASH,
        }
    )
    app.extensions["clock"] = Clock(app.config["TIMEZONE"], lambda: NOW)
    result = app.test_cli_runner().invoke(cli, ["load-demo"])
    assert result.exit_code == 0, result.output
    server = LiveServer(app).start()
    pages: dict[str, Page] = {}
    with chromium() as browser:

        def page_for(role: str) -> Page:
            if role not in pages:
                pages[role] = login(browser, server.url, ROLES[role])
            return pages[role]

        page_for.base = server.url
        yield page_for
    server.stop()
    db.close_all()


def open_in_place(page: Page, name: str) -> None:
    """Open what people open on these pages: a row's "Cập nhật" or "Xác nhận / trả lại"."""
    if name in ("home", "unit-work", "queue-submitted"):
        summary = page.locator("main table details > summary").first
        if summary.count():
            summary.click()
            expect(page.locator("main table details[open] form").first).to_be_visible()
            page.wait_for_load_state("networkidle")


@pytest.mark.parametrize(("role", "name"), CHECKED, ids=[f"{r}-{n}" for r, n in CHECKED])
def test_no_wcag_violations(site, role, name):
    page = site(role)
    path = main_pages(ROLES[role])[name]
    response = page.goto(site.base + path)
    assert response.status == 200, f"{path}: {response.status}"
    open_in_place(page, name)
    results = Axe().run(page, options=WCAG_2_AA)
    if results.violations_count:
        shot(page, f"axe-{role}-{name}")
    assert results.violations_count == 0, f"{path}\n{results.generate_report()}"
