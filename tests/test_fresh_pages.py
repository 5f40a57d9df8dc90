"""Every page is rendered from the database on every request: never older than the last write.

There is no store of rendered pages any more (and no database-wide version that every write
raised): a write through the app, from another connection or by raw SQL, the date moving on,
another user, another language, another session and a flashed message each show at once. The
one per-process cache left, the timeliness counts per unit (tracker/overview/counts.py), is
keyed by per-unit versions; a SQLite restore gives every unit a new one.
"""

from __future__ import annotations

import html
import re
import sqlite3
from datetime import date, timedelta

import pytest
from conftest import NOW, PG_URL, CsrfClient
from query_support import count_queries, statements_of

from tracker.core import db
from tracker.models import Assignment, Task

REPORT = {"text": "Đã tổ chức tuyên truyền tại 5 tổ dân phố", "progress": "40"}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def get(client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return text(response)


def raw_write(database_url: str, sql: str, *params) -> None:
    """A write through a connection of its own: another process, as far as the app can tell."""
    if PG_URL:
        import psycopg2

        conn = psycopg2.connect(database_url)
        with conn, conn.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), params)
        conn.close()
        return
    conn = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    with conn:
        conn.execute(sql, params)
    conn.close()


def signed_in(app, username: str):
    """A client of its own (its own session), signed in through the login form."""
    app.test_client_class = CsrfClient
    other = app.test_client()
    other.get("/login")
    assert other.post("/login", data={"username": username, "password": "demo"}).status_code == 302
    return other


@pytest.fixture
def officer(client, auth, world):
    auth.login("p.sodau")
    return client


def test_every_view_of_a_page_reads_the_database(officer, world):
    """No rendered page is kept: the second view of an unchanged page is rendered again."""
    for url in ("/", f"/assignments/{world.assignment_a.id}", f"/units/{world.ward_a.id}"):
        first = count_queries(lambda url=url: get(officer, url))
        again = count_queries(lambda url=url: get(officer, url))
        assert again >= 4 and again >= first - 1, (url, first, again)


def test_the_user_is_loaded_with_one_query_by_id(officer, world):
    """Each request loads its user once, by id (tracker.application.load_user)."""
    statements = statements_of(lambda: get(officer, "/"))
    users = [s for s in statements if re.search(r'FROM "user" AS "t1" WHERE \("t1"\."id" =', s)]
    assert len(users) == 1, users


def test_a_write_from_another_connection_shows_at_once(officer, world, database_url):
    urls = ("/", f"/assignments/{world.assignment_a.id}", f"/units/{world.ward_a.id}")
    for url in urls:
        assert "Tăng cường tuyên truyền CCHC" in get(officer, url)
    raw_write(database_url, "UPDATE task SET title = ? WHERE id = ?", "Tiêu đề mới", world.task.id)
    for url in urls:
        page = get(officer, url)
        assert "Tiêu đề mới" in page and "Tăng cường tuyên truyền CCHC" not in page, url


def test_a_report_through_the_app_shows_on_both_pages(officer, world):
    a = world.assignment_a
    get(officer, "/"), get(officer, f"/assignments/{a.id}")
    assert officer.post(f"/assignments/{a.id}/reports", data=REPORT).status_code == 302
    get(officer, "/")  # the page with the flashed message
    assert "40%" in get(officer, "/")
    assert REPORT["text"] in get(officer, f"/assignments/{a.id}")


def test_a_unit_page_read_by_the_leader_stays_refused_to_another_ward(client, auth, world, app):
    auth.login("lanhdao")
    url = f"/units/{world.ward_a.id}"
    assert "Tăng cường tuyên truyền CCHC" in get(client, url)
    other = signed_in(app, "p.hoangvanthu")
    assert other.get(url).status_code in (403, 404)


def test_the_date_moving_on_changes_the_page(officer, world, clock):
    # Due 30/05 with a three-day window: nothing shown as overdue on 15/05.
    assert "Quá hạn 5 ngày" not in get(officer, "/")
    clock.set(NOW + timedelta(days=20))
    assert "Quá hạn 5 ngày" in get(officer, "/")


def test_each_user_gets_their_own_page(client, auth, world, app):
    auth.login("p.sodau")
    mine = get(client, "/")
    other = signed_in(app, "p.hoangvanthu")
    theirs = get(other, "/")
    assert "UBND phường Sở Dầu" in mine and "UBND phường Hoàng Văn Thụ" not in mine
    assert "UBND phường Hoàng Văn Thụ" in theirs and "UBND phường Sở Dầu" not in theirs
    # Another unit's assignment stays refused, however often its own officer read it.
    dept = signed_in(app, "pb.noivu")
    url = f"/assignments/{world.assignment_dept.id}"
    assert get(dept, url) and get(dept, url)
    assert client.get(url).status_code in (403, 404)


def test_each_session_gets_its_own_valid_csrf_token(app, world):
    first, second = signed_in(app, "p.sodau"), signed_in(app, "p.sodau")
    one, two = get(first, "/"), get(second, "/")
    assert _token(one) != _token(two)
    # The token the second session was given is the one its POST must carry.
    a = world.assignment_a
    response = second.post(
        f"/assignments/{a.id}/reports", data={**REPORT, "csrf_token": _token(two)}
    )
    assert response.status_code == 302
    refused = second.post(
        f"/assignments/{a.id}/reports", data={**REPORT, "csrf_token": _token(one)}
    )
    assert refused.status_code == 400


def test_language_and_htmx(officer):
    vietnamese = get(officer, "/")
    fragment = get(officer, "/", headers={"HX-Request": "true"})
    assert "<html" in vietnamese and "<html" not in fragment
    officer.post("/language", data={"locale": "en", "next": "/"})
    english = get(officer, "/")
    assert "Unit's work" in english and "Việc của đơn vị" not in english


def test_a_flashed_message_is_shown_once(officer, world):
    a = world.assignment_a
    get(officer, "/")
    officer.post(f"/assignments/{a.id}/reports", data=REPORT)
    page = get(officer, "/")
    assert 'class="flash' in page
    assert 'class="flash' not in get(officer, "/")


TOTALS_RE = re.compile(r"<tfoot>(.*?)</tfoot>", re.S)
ORDER = ("on_time", "due_soon", "overdue", "done_on_time", "done_late", "ongoing", "no_deadline")


def _totals(client) -> dict[str, int]:
    """The leader's overview totals by category (counts cached per unit and process)."""
    foot = TOTALS_RE.search(get(client, "/")).group(1)
    numbers = [int(n) for n in re.findall(r">(\d+)</a>", foot)]
    return dict(zip([*ORDER, "total"], numbers, strict=True))


@pytest.mark.sqlite_only
def test_a_restore_cannot_bring_back_counts_kept_before_it(
    client, auth, world, database_url, tmp_path
):
    """After a restore, the same number of writes must not meet counts kept for other data."""
    from pathlib import Path

    from tracker.ops.backup import backup_sqlite, restore_sqlite

    auth.login("lanhdao")
    live = Path(database_url.removeprefix("sqlite:///"))
    dept = Assignment.id == world.assignment_dept.id
    assert _totals(client)["overdue"] == 1  # the department's, due 10/05
    with db.database.connection_context():
        backup = backup_sqlite(live, tmp_path / "backups")
    # One write on the department's assignment: done late, counted at its unit's next version.
    Assignment.update(status="done", completed_on=date(2026, 5, 12)).where(dept).execute()
    assert _totals(client)["done_late"] == 1
    restore_sqlite(backup, live)
    # One write again after the restore, other data: a later deadline, so it is on time.
    Assignment.update(stats_deadline=date(2026, 6, 30)).where(dept).execute()
    after = _totals(client)
    assert after["done_late"] == 0 and after["overdue"] == 0 and after["on_time"] == 3
    assert Task.select().count() == 2


def _token(page: str) -> str:
    match = re.search(r'"X-CSRFToken": "([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)
