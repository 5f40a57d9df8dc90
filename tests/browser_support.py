"""What the browser tests share (see STACK-NOTES): a live server in a thread, Debian's headless
Chromium (``chromium()``; as a fixture, ``browser`` in tests/browser_plugin.py), logging in
through the form (``log_in``; ``new_session`` for a page in a context of its own), and
screenshots kept in test-artifacts/ (``shot``; ``artifact`` for other files there).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


class LiveServer:
    """Serves ``app`` on 127.0.0.1 and a free port until ``stop``."""

    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


def require_chromium() -> None:
    assert Path(CHROMIUM).exists(), "Chromium is missing: `make browser` installs it"


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium (Debian's: Playwright cannot download one here), closed on leaving."""
    require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def fill_login(page: Page, username: str, password: str = "demo") -> None:
    """Fill in the login form the page shows and send it."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")


def log_in(
    page: Page, base: str, username: str, password: str = "demo", check: bool = True
) -> None:
    """Log ``page`` in as ``username`` through the form at ``base``/login; with ``check``, wait
    until the header offers "Đăng xuất" (without it, the page is left as the click left it)."""
    page.goto(base + "/login")
    fill_login(page, username, password)
    if check:
        expect(page.locator("header nav")).to_contain_text("Đăng xuất")


def new_page(browser: Browser, width: int = 1280, height: int = 900, **options) -> Page:
    """A page in a browser context of its own, ``width`` × ``height``; ``options`` go to the
    context (``java_script_enabled=False``, …)."""
    return browser.new_context(viewport={"width": width, "height": height}, **options).new_page()


def new_session(
    browser: Browser,
    base: str,
    username: str,
    width: int = 1280,
    height: int = 900,
    *,
    check: bool = True,
    **options,
) -> Page:
    """A page in a browser context of its own (see ``new_page``), logged in as ``username``
    (see ``log_in``)."""
    page = new_page(browser, width, height, **options)
    log_in(page, base, username, check=check)
    return page


def artifact(filename: str) -> str:
    """The path of ``filename`` in test-artifacts/ (made if need be), for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / filename)


def shot(page: Page, name: str, full_page: bool = True) -> None:
    """A screenshot of ``page`` (the whole page, or what the window shows) as ``name``.png."""
    page.screenshot(path=artifact(f"{name}.png"), full_page=full_page)
