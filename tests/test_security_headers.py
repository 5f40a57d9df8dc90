"""Issue 7, headers and content: a strict CSP on every response, the other security headers,
templates without inline script, user text escaped in pages and fragments, 500 pages with an
error id and no trace."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import NOW
from flask import request
from peewee import OperationalError

from tracker.core import logs
from tracker.core.security import CSP, set_headers
from tracker.models import ProgressReport

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PAYLOAD = 'XSS<script>alert(1)</script>"><img src=x onerror=alert(2)>{{7*7}} hx-get="/x"'


def test_every_response_carries_the_security_headers(app, client, auth, world):
    auth.login("lanhdao")
    for path in ("/", "/meetings", "/no-such-page", "/static/css/app.css"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ):
            assert directive in csp, (path, directive)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert "Strict-Transport-Security" not in headers
    assert client.get("/").headers["Cache-Control"] == "no-store"
    app.config["HTTPS"] = True
    assert "max-age=" in client.get("/login").headers["Strict-Transport-Security"]


def test_a_views_stricter_policy_is_kept(app):
    with app.test_request_context("/"):
        response = app.response_class("x")
        response.headers["Content-Security-Policy"] = "sandbox"
        assert set_headers(response, https=False).headers["Content-Security-Policy"] == "sandbox"
        assert (
            set_headers(app.response_class("y"), https=False).headers["Content-Security-Policy"]
            == CSP
        )


FORBIDDEN = [
    (re.compile(r"<script(?![^>]*\bsrc=)", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* event attribute"),
    (re.compile(r"hx-on", re.I), "hx-on"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "<style> block"),
    (re.compile(r"\|\s*safe\b"), "|safe"),
    (re.compile(r"Markup\("), "Markup("),
]


def test_templates_hold_no_inline_script_style_or_unescaped_output():
    """Mail templates are e-mail HTML, never served under the CSP: they are not scanned."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] == "mail":
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {what}" for pattern, what in FORBIDDEN if pattern.search(text)]
    assert not found, found


class Markup(HTMLParser):
    """Elements and attributes of a page, to check none came from user text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def problems(html: str) -> list[str]:
    parser = Markup()
    parser.feed(html)
    found = []
    for tag, attrs in parser.tags:
        if tag == "script" and not (attrs.get("src") or "").startswith("/static/"):
            found.append(f"inline script {attrs}")
        if tag == "img" and attrs.get("src") == "x":
            found.append("img from user text")
        for name, value in attrs.items():
            if name.startswith("on") or name == "hx-on" or name.startswith("hx-on:"):
                found.append(f"event attribute {name}")
            if name.startswith("hx-") and value == "/x":
                found.append(f"{name} from user text")
            if value and value.strip().lower().startswith("javascript:"):
                found.append(f"javascript: in {name}")
    return found


def test_rendered_pages_have_no_inline_script(client, auth, world):
    auth.login("lanhdao")
    for path in ("/login", "/", "/meetings", f"/assignments/{world.assignment_a.id}"):
        assert not problems(client.get(path).get_data(as_text=True)), path


@pytest.fixture
def hostile(world, factory):
    """A meeting, task, unit and report whose user-typed text tries to become markup."""
    unit = factory.unit(
        f"Phường {PAYLOAD}", code="hostile", short_name="P. <img src=x onerror=alert(2)>"
    )
    meeting = factory.meeting(f"Họp {PAYLOAD}", place=PAYLOAD, conclusion=PAYLOAD)
    task = factory.task(meeting, f"Việc {PAYLOAD}", content=PAYLOAD, deadline=date(2026, 5, 20))
    assignment = factory.assignment(task, unit, status="in_progress")
    ProgressReport.create(
        assignment=assignment,
        author=world.leader,
        text=f"Báo cáo {PAYLOAD}",
        progress=40,
        difficulties=PAYLOAD,
        proposals=PAYLOAD,
        created_at=NOW,
    )
    return {"unit": unit, "meeting": meeting, "task": task, "assignment": assignment}


def test_user_text_is_escaped_in_every_page_and_fragment(client, auth, world, hostile):
    auth.login("lanhdao")
    paths = [
        "/",
        "/meetings",
        "/meetings?q=XSS",
        f"/meetings/{hostile['meeting'].id}",
        f"/tasks/{hostile['task'].id}",
        f"/assignments/{hostile['assignment'].id}",
        f"/units/{hostile['unit'].id}",
        "/dashboard/assignments",
        "/search?q=XSS",
        "/admin/units",
    ]
    shown = 0
    for path in paths:
        if path.startswith("/admin"):
            auth.logout()
            auth.login("admin")
        for response in (client.get(path), client.hx_get(path)):
            assert response.status_code == 200, path
            html = response.get_data(as_text=True)
            assert not problems(html), (path, problems(html))
            assert "<script>alert" not in html and 'hx-get="/x"' not in html
            if "XSS" in html:
                shown += 1
                assert "{{7*7}}" in html  # shown as typed, never evaluated
    assert shown >= len(paths)  # the text did reach the pages (each at least once)


def test_officer_pages_escape_user_text(client, auth, world, hostile, factory):
    factory.user("p.hostile", "officer", hostile["unit"])
    auth.login("p.hostile")
    for path in ("/", f"/assignments/{hostile['assignment'].id}", f"/tasks/{hostile['task'].id}"):
        for response in (client.get(path), client.hx_get(path)):
            html = response.get_data(as_text=True)
            assert response.status_code == 200 and "XSS" in html, path
            assert not problems(html), (path, problems(html))


@pytest.fixture
def failing_app(app):
    """The app with a route that raises (registered only here) and exceptions not propagated."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/_test/boom")
    def boom():
        raise RuntimeError("secret detail /srv/tracker/db.py line 42")

    return app


def test_server_error_page_when_the_database_itself_is_gone(failing_app, client, auth, world):
    """The error page chooses its language from the user, who needs the database: with the
    database gone as well, the page still answers (in Vietnamese, with its error id)."""
    from tracker.core import db

    @failing_app.before_request
    def _database_gone():
        if request.path == "/_test/boom":
            db.database.obj.close_all()
            db.database.obj.execute_sql = _refuse

    auth.login("lanhdao")
    response = client.get("/_test/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert re.search(r"mã lỗi ([0-9a-f]{8})", text) and "Traceback" not in text


def _refuse(*_args, **_kwargs):
    raise OperationalError("the database is gone")


def test_server_error_shows_an_id_that_is_in_the_log(failing_app, client, auth, world):
    stream = io.StringIO()
    handler = logs.make_handler(stream)
    logging.getLogger().addHandler(handler)
    try:
        auth.login("lanhdao")
        response = client.get("/_test/boom")
    finally:
        logging.getLogger().removeHandler(handler)
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret detail" not in html and "Traceback" not in html and "RuntimeError" not in html
    error_id = re.search(r"mã lỗi ([0-9a-f]{8})", html).group(1)
    assert "Content-Security-Policy" in response.headers
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    logged = [entry for entry in lines if entry.get("error_id") == error_id]
    assert len(logged) == 1
    assert "secret detail" in logged[0]["exception"] and logged[0]["path"] == "/_test/boom"
    assert logged[0]["level"] == "ERROR" and logged[0]["user_id"] == world.leader.id
