"""Two people editing the same assignment: the second is told (409), nothing is overwritten.

Every change increments ``Assignment.version``; the forms send the version they showed. A
request without a version (the API, scripts) keeps the status guards alone.
"""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from conftest import AuthActions, CsrfClient
from peewee import OperationalError, SqliteDatabase

from tracker.core import db
from tracker.models import Assignment, AuditEvent, ExtensionRequest, ProgressReport

VERSION_RE = re.compile(r'name="version" value="(\d+)"')


def _client(app, username: str) -> CsrfClient:
    app.test_client_class = CsrfClient
    client = app.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return client


def _shown_version(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    versions = set(VERSION_RE.findall(page.get_data(as_text=True)))
    assert len(versions) == 1, versions
    return versions.pop()


def _report(text: str, version: str | None, progress: int = 30) -> dict:
    data = {"text": text, "progress": str(progress)}
    if version is not None:
        data["version"] = version
    return data


@pytest.fixture
def two_officers(app, world, factory):
    """Two officers of the same ward, each logged in with a client of their own."""
    factory.user("p.sodau2", "officer", world.ward_a, full_name="Trần Thị Hai")
    return _client(app, "p.sodau"), _client(app, "p.sodau2")


def test_second_report_from_a_stale_row_gets_409_and_writes_nothing(world, two_officers):
    first, second = two_officers
    a = world.assignment_a
    unit_page = f"/units/{world.ward_a.id}"
    seen_first = _shown_version(first, f"/assignments/{a.id}")
    seen_second = _shown_version(second, f"/assignments/{a.id}")
    assert seen_first == seen_second == "1"

    url = f"/assignments/{a.id}/reports"
    ok = first.post(url, data=_report("Báo cáo của người thứ nhất", seen_first), htmx=True)
    assert ok.status_code == 200
    events = AuditEvent.select().count()

    late = second.post(
        url,
        data={**_report("Báo cáo của người thứ hai", seen_second, 80), "next": unit_page},
        htmx=True,
    )
    assert late.status_code == 409
    body = late.get_data(as_text=True)
    assert "Nhiệm vụ đã được P.Sodau cập nhật lúc" in body
    assert "Vui lòng tải lại trang" in body
    # The answer is the row again, drawn from the current data (its form holds version 2).
    assert 'name="version" value="2"' in body

    assert [r.text for r in ProgressReport.select()] == ["Báo cáo của người thứ nhất"]
    stored = Assignment.get_by_id(a.id)
    assert (stored.version, stored.progress, stored.status) == (2, 30, "in_progress")
    assert AuditEvent.select().count() == events


def test_stale_status_change_on_the_page_gets_409(app, world, two_officers):
    """A plain (non-htmx) form: the assignment page again, status 409, with the message."""
    officer, _ = two_officers
    leader = _client(app, "lanhdao")
    a = world.assignment_a
    seen = _shown_version(leader, f"/assignments/{a.id}")
    officer.post(f"/assignments/{a.id}/reports", data=_report("Đã triển khai", "1"))
    assert Assignment.get_by_id(a.id).version == 2

    late = leader.post(
        f"/assignments/{a.id}/status",
        data={"status": "paused", "reason": "Chờ kinh phí", "version": seen},
    )
    assert late.status_code == 409
    assert "Vui lòng tải lại trang" in late.get_data(as_text=True)
    assert Assignment.get_by_id(a.id).status == "in_progress"

    # Reloaded, the leader's form carries version 2 and the same move succeeds.
    seen = _shown_version(leader, f"/assignments/{a.id}")
    assert seen == "2"
    done = leader.post(
        f"/assignments/{a.id}/status",
        data={"status": "paused", "reason": "Chờ kinh phí", "version": seen},
    )
    assert done.status_code == 302
    stored = Assignment.get_by_id(a.id)
    assert (stored.status, stored.version) == ("paused", 3)


def test_request_without_version_keeps_the_status_guards(world, two_officers):
    first, second = two_officers
    a = world.assignment_a
    first.post(f"/assignments/{a.id}/reports", data=_report("Lần một", None))
    again = second.post(f"/assignments/{a.id}/reports", data=_report("Lần hai", None, 60))
    assert again.status_code == 302
    assert ProgressReport.select().count() == 2
    assert Assignment.get_by_id(a.id).version == 3


def test_htmx_answer_refreshes_the_other_forms_versions(world, two_officers):
    first, _ = two_officers
    a = world.assignment_a
    answer = first.post(f"/assignments/{a.id}/reports", data=_report("Xong bước 1", "1"), htmx=True)
    body = answer.get_data(as_text=True)
    assert f'hx-swap-oob="outerHTML:.version-{a.id}"' in body
    assert re.search(rf'value="2" class="version-{a.id}" hx-swap-oob', body)


def test_stale_extension_decision_is_refused(app, world, two_officers):
    officer, _ = two_officers
    leader = _client(app, "lanhdao")
    a = world.assignment_a
    req = ExtensionRequest.create(
        assignment=a,
        requested_by=world.officer_a,
        previous_deadline=a.deadline,
        requested_deadline=date(2026, 6, 30),
        reason="Chờ số liệu",
        created_at=a.created_at,
    )
    seen = _shown_version(leader, f"/assignments/{a.id}")
    officer.post(f"/assignments/{a.id}/reports", data=_report("Đang tổng hợp", "1"))
    late = leader.post(f"/extensions/{req.id}/approve", data={"version": seen}, htmx=True)
    assert late.status_code == 409
    assert ExtensionRequest.get_by_id(req.id).status == "pending"
    assert Assignment.get_by_id(a.id).deadline == date(2026, 5, 30)

    fresh = leader.post(f"/extensions/{req.id}/approve", data={"version": "2"}, htmx=True)
    assert fresh.status_code == 200
    stored = Assignment.get_by_id(a.id)
    assert (stored.deadline, stored.version) == (date(2026, 6, 30), 3)


def test_urge_and_confirm_move_the_version(app, world):
    leader = _client(app, "lanhdao")
    a = world.assignment_a
    assert leader.post(f"/assignments/{a.id}/urge", data={"version": "1"}).status_code == 302
    assert Assignment.get_by_id(a.id).version == 2
    stale = leader.post(f"/assignments/{a.id}/urge", data={"version": "1"})
    assert stale.status_code == 409
    assert Assignment.get_by_id(a.id).urge_count == 1


@pytest.mark.sqlite_only
def test_sqlite_settings_for_several_workers(app, database_url):
    """WAL, a busy timeout, and write transactions that take the lock at BEGIN."""
    with db.database.connection_context():
        assert db.database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.database.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    other = SqliteDatabase(database_url.removeprefix("sqlite:///"), timeout=0)
    with db.database.connection_context(), db.write_transaction():
        # Nothing written yet, but the write lock is held: another writer cannot start.
        with pytest.raises(OperationalError, match="locked"):
            other.execute_sql("BEGIN IMMEDIATE")
    other.execute_sql("BEGIN IMMEDIATE")
    other.execute_sql("ROLLBACK")
    other.close()


def test_simultaneous_posts_of_the_same_version_let_exactly_one_through(app, world, factory):
    """Two officers post at the same moment from pages that showed version 1."""
    factory.user("p.sodau2", "officer", world.ward_a)
    clients = [_client(app, "p.sodau"), _client(app, "p.sodau2")]
    tokens = [c.csrf_token() for c in clients]
    start = threading.Barrier(2)
    statuses: dict[int, int] = {}

    def post(i: int) -> None:
        start.wait()
        response = clients[i].post(
            f"/assignments/{world.assignment_a.id}/reports",
            data={**_report(f"Cùng lúc {i}", "1"), "csrf_token": tokens[i]},
        )
        statuses[i] = response.status_code

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses.values()) == [302, 409]
    winner = next(i for i, s in statuses.items() if s == 302)
    assert [r.text for r in ProgressReport.select()] == [f"Cùng lúc {winner}"]
    assert Assignment.get_by_id(world.assignment_a.id).version == 2
