"""Issue 7, audit: refusals, logins and every change are audit events; log lines are JSON, one
per record, so user input cannot forge one."""

from __future__ import annotations

import io
import json
import logging

import pytest
from test_permissions import POSTS, ids  # noqa: F401 - ``ids`` is the matrix's fixture

from tracker.core import logs
from tracker.models import AuditEvent


@pytest.fixture
def log_lines():
    """Everything logged during the test, as the JSON lines production writes."""
    stream = io.StringIO()
    handler = logs.make_handler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: stream.getvalue().splitlines()
    root.removeHandler(handler)


def test_denied_access_is_audited_and_logged(client, auth, world, log_lines):
    auth.login("p.sodau")
    assert client.get("/admin/units").status_code == 403
    assert client.post("/meetings/new", data={"title": "x"}).status_code == 403
    events = list(AuditEvent.select().where(AuditEvent.action == "denied").order_by(AuditEvent.id))
    assert [json.loads(e.after)["method"] for e in events] == ["GET", "POST"]
    assert json.loads(events[0].after)["path"] == "/admin/units"
    assert all(e.actor_id == world.officer_a.id for e in events)
    denied = [json.loads(line) for line in log_lines() if '"denied"' in line]
    assert len(denied) == 2 and denied[0]["user_id"] == world.officer_a.id


def test_a_username_with_line_breaks_stays_on_one_log_line(client, world, log_lines):
    forged = 'x\n{"level": "INFO", "message": "login admin ok"}\r\u2028y'
    client.post("/login", data={"username": forged, "password": "sai"})
    lines = log_lines()
    entries = [json.loads(line) for line in lines]  # every line is one whole JSON object
    failed = [e for e in entries if e.get("event") == "login.failed"]
    assert len(failed) == 1 and failed[0]["username"] == forged
    assert not any(e.get("message") == "login admin ok" for e in entries)
    assert all(
        set(e) >= {"time", "level", "logger", "message", "request_id", "path"} for e in entries
    )


def test_formatter_escapes_every_line_separator():
    record = logging.LogRecord("t", logging.INFO, "", 0, "a\nb\rc\u2028d\u2029e\x85f", (), None)
    line = logs.JsonFormatter().format(record)
    assert len(line.splitlines()) == 1
    assert json.loads(line)["message"] == "a\nb\rc\u2028d\u2029e\x85f"


def _first_allowed(allowed) -> str | None:
    return next((role for role in allowed if role != "anonymous"), None)


@pytest.mark.parametrize(("template", "data", "allowed"), POSTS, ids=[p[0] for p in POSTS])
def test_every_change_is_an_audit_event(client, auth, ids, template, data, allowed):  # noqa: F811
    role = _first_allowed(allowed)
    if role is None:
        pytest.skip("no role may post here")
    auth.login(role)
    path = template.format(**ids)
    form = {k: v.format(**ids) for k, v in data.items()}
    before = AuditEvent.select().where(AuditEvent.action != "login").count()
    response = client.post(path, data=form)
    assert response.status_code in (200, 302), (path, role, response.status_code)
    after = AuditEvent.select().where(AuditEvent.action != "login").count()
    assert after > before, f"{role} changed data through {path} without an audit event"
