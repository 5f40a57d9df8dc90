"""Fixtures of the browser tests: ``browser``, a Chromium for the test, and ``demo_server``, the
demo on a live server.

A module asks for them with ``pytest_plugins = ["browser_plugin"]``: a plugin rather than an
import, which every test's argument of the same name would shadow (ruff's F811), and a module of
its own, as pytest rewrites the asserts of a plugin only when it imports it first. Registered
after pytest-playwright, this ``browser`` is the one the tests get (of two plugins' fixtures, the
later wins), not pytest-playwright's, which would launch a Chromium that Playwright downloads.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import LiveServer, chromium
from playwright.sync_api import Browser

from tracker.cli import cli


@pytest.fixture
def browser() -> Iterator[Browser]:
    """A headless Chromium for the test, closed after it."""
    with chromium() as instance:
        yield instance


@pytest.fixture
def demo_server(app, runner) -> Iterator[LiveServer]:
    """The demo data (``tracker load-demo``) served by the test's app."""
    result = runner.invoke(cli, ["load-demo"])
    assert result.exit_code == 0, result.output
    server = LiveServer(app).start()
    yield server
    server.stop()
