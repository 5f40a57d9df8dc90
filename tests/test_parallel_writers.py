"""Writers in parallel on PostgreSQL: a write on one unit never waits for a write on another.

A transaction of ward A's officer is held open half way (its report written, not committed)
while ward B's officer posts a report on B's assignment of the same task through the app: B's
request must complete meanwhile. A database-wide row that every writing transaction raises
(the old page cache's ``data_version``) made B wait for A's commit.
"""

from __future__ import annotations

import threading
import time

import pytest
from conftest import AuthActions, CsrfClient

from tracker.assignments import workflow
from tracker.core import db
from tracker.models import Assignment, ProgressReport, User

pytestmark = pytest.mark.postgres_only

WAIT = 5.0  # seconds B may take while A's transaction is open; it needs milliseconds


def _client(app, username: str) -> CsrfClient:
    app.test_client_class = CsrfClient
    client = app.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return client


class OpenWrite:
    """``body`` run in a transaction of its own thread, held open until ``release``."""

    def __init__(self, app, body) -> None:
        self.app, self.body = app, body
        self.held, self.released = threading.Event(), threading.Event()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            with self.app.app_context(), db.database.connection_context():
                with db.write_transaction():
                    self.body()
                    self.held.set()
                    self.released.wait(60)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(exc)
            self.held.set()

    def __enter__(self) -> OpenWrite:
        self.thread.start()
        assert self.held.wait(30), "the first transaction never got going"
        assert not self.errors, self.errors
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.thread.join(30)
        assert not self.thread.is_alive()
        assert not self.errors, self.errors


def _timed(action) -> tuple[threading.Thread, dict]:
    """``action`` in a thread of its own; the result and time taken land in the dict."""
    outcome: dict = {}

    def run() -> None:
        start = time.monotonic()
        try:
            outcome["result"] = action()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_a_report_on_another_units_assignment_completes_while_one_is_open(app, world):
    officer_b = _client(app, "p.hoangvanthu")
    token = officer_b.csrf_token()
    a, b = world.assignment_a, world.assignment_b

    def ward_a_reports() -> None:
        # What the app does for A's officer: the report, the assignment's UPDATE, the audit row.
        workflow.post_report(
            Assignment.get_by_id(a.id), User.get_by_id(world.officer_a.id), "Phường A đang ghi", 20
        )

    with OpenWrite(app, ward_a_reports):
        thread, outcome = _timed(
            lambda: officer_b.post(
                f"/assignments/{b.id}/reports",
                data={"text": "Phường B báo cáo", "progress": "30", "csrf_token": token},
            )
        )
        thread.join(WAIT)
        waited = thread.is_alive()  # read while A's transaction is still open
    thread.join(30)
    assert not waited, f"B's report waited for A's open transaction ({WAIT} s and more)"
    assert "error" not in outcome, outcome.get("error")
    assert outcome["result"].status_code == 302
    # Both committed: B's at once, A's when its transaction ended.
    assert Assignment.get_by_id(b.id).progress == 30
    assert Assignment.get_by_id(a.id).progress == 20
    texts = {r.text for r in ProgressReport.select()}
    assert texts == {"Phường A đang ghi", "Phường B báo cáo"}


def test_a_status_change_on_another_unit_completes_while_a_move_is_open(app, world):
    """The other kind of write: a status move (the counters' rows are raised by both)."""
    officer_b = _client(app, "p.hoangvanthu")
    token = officer_b.csrf_token()
    a, b = world.assignment_a, world.assignment_b

    def ward_a_starts() -> None:
        workflow.change_status(
            Assignment.get_by_id(a.id), User.get_by_id(world.officer_a.id), "in_progress"
        )

    with OpenWrite(app, ward_a_starts):
        thread, outcome = _timed(
            lambda: officer_b.post(
                f"/assignments/{b.id}/status",
                data={"status": "in_progress", "csrf_token": token},
            )
        )
        thread.join(WAIT)
        waited = thread.is_alive()
    thread.join(30)
    assert not waited, f"B's status change waited for A's open transaction ({WAIT} s and more)"
    assert "error" not in outcome, outcome.get("error")
    assert outcome["result"].status_code in (200, 302)
    assert Assignment.get_by_id(b.id).status == "in_progress"
    assert Assignment.get_by_id(a.id).status == "in_progress"
