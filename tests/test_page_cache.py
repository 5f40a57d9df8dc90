"""The page cache (tracker/page_cache.py): pages served again only while nothing changed.

Every kind of write (through the app, raw SQL from another connection, the audit log of an
assignment), the date moving on, another user, another language, another session and a flashed
message must each give a freshly rendered page; an unchanged page is served without its view.
"""

from __future__ import annotations

import html
import re
import sqlite3
from datetime import timedelta

import pytest
from conftest import NOW, PG_URL
from query_support import count_queries

from tracker.core import db
from tracker.models import MODELS, AuditEvent
from tracker.ops.migrate import migrate
from tracker.web import page_cache

REPORT = {"text": "Đã tổ chức tuyên truyền tại 5 tổ dân phố", "progress": "40"}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def get(client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return text(response)


def served_from_cache(client, url: str) -> bool:
    """Whether a GET of ``url`` was answered without rendering.

    Served from the store, a page costs one statement: the user, loaded with the data version;
    rendered, the pages tested here send at least six.
    """
    return count_queries(lambda: get(client, url)) == 1


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
    from conftest import CsrfClient

    app.test_client_class = CsrfClient
    other = app.test_client()
    other.get("/login")
    assert other.post("/login", data={"username": username, "password": "demo"}).status_code == 302
    return other


def version() -> int:
    with db.database.connection_context():
        return page_cache.data_version()


@pytest.fixture
def officer(client, auth, world):
    auth.login("p.sodau")
    return client


def test_an_unchanged_page_is_served_without_rendering(officer, world):
    pages: list[str] = []
    assert count_queries(lambda: pages.append(get(officer, "/"))) >= 6  # rendered
    first = pages[0]
    assert not served_from_cache(officer, f"/assignments/{world.assignment_a.id}")
    assert served_from_cache(officer, "/")
    assert served_from_cache(officer, f"/assignments/{world.assignment_a.id}")
    again = get(officer, "/")
    assert again == first.replace(_token(first), _token(again))


def test_a_unit_page_is_kept_for_its_reader_only(client, auth, world, app):
    auth.login("lanhdao")
    url = f"/units/{world.ward_a.id}"
    assert "Tăng cường tuyên truyền CCHC" in get(client, url)
    assert served_from_cache(client, url)
    other = signed_in(app, "p.hoangvanthu")  # another ward's officer: refused, not served
    assert other.get(url).status_code in (403, 404)


def test_a_served_page_has_its_own_length_and_the_same_headers(officer):
    rendered = officer.get("/")
    served = officer.get("/")
    for response in (rendered, served):
        assert int(response.headers["Content-Length"]) == len(response.get_data())
    for name in ("Content-Type", "Vary", "Cache-Control", "Content-Security-Policy"):
        assert served.headers.get_all(name) == rendered.headers.get_all(name), name


def test_a_write_from_another_connection_shows_at_once(officer, world, database_url):
    assert "Tăng cường tuyên truyền CCHC" in get(officer, "/")
    raw_write(database_url, "UPDATE task SET title = ? WHERE id = ?", "Tiêu đề mới", world.task.id)
    page = get(officer, "/")
    assert "Tiêu đề mới" in page and "Tăng cường tuyên truyền CCHC" not in page


def test_a_report_through_the_app_shows_on_both_pages(officer, world):
    a = world.assignment_a
    get(officer, "/"), get(officer, f"/assignments/{a.id}")
    assert officer.post(f"/assignments/{a.id}/reports", data=REPORT).status_code == 302
    get(officer, "/")  # the flashed message's page, not kept
    assert "40%" in get(officer, "/")
    assert REPORT["text"] in get(officer, f"/assignments/{a.id}")


@pytest.mark.sqlite_only
def test_a_restore_cannot_bring_back_pages_kept_before_it(officer, world, database_url, tmp_path):
    from pathlib import Path

    from tracker.models import Task
    from tracker.ops.backup import backup_sqlite, restore_sqlite

    live = Path(database_url.removeprefix("sqlite:///"))
    get(officer, "/")
    with db.database.connection_context():
        backup = backup_sqlite(live, tmp_path / "backups")
    Task.update(title="Trước khi khôi phục").where(Task.id == world.task.id).execute()
    assert "Trước khi khôi phục" in get(officer, "/")  # kept at the version after the backup
    restore_sqlite(backup, live)
    # As many writes after the restore as there were before it: the same version numbers.
    Task.update(title="Sau khi khôi phục").where(Task.id == world.task.id).execute()
    page = get(officer, "/")
    assert "Sau khi khôi phục" in page and "Trước khi khôi phục" not in page


@pytest.mark.postgres_only
def test_a_session_with_another_search_path_moves_the_version(app_ctx, world):
    import psycopg2

    with db.database.connection_context():
        schema = db.database.execute_sql("SELECT current_schema()").fetchone()[0]
    before = version()
    conn = psycopg2.connect(PG_URL)  # search_path: the server's default, not the app's schema
    with conn, conn.cursor() as cur:
        cur.execute(f'UPDATE "{schema}".task SET title = title')
    conn.close()
    assert version() > before


def test_every_migration_run_starts_a_new_version(app_ctx):
    before = version()
    migrate()
    assert version() != before


def test_every_table_but_the_excluded_has_its_triggers(app_ctx):
    tables = {m._meta.table_name for m in MODELS}
    with db.database.connection_context():
        watched = set(page_cache.watched_tables(db.database))
        triggers = _triggers()
    assert watched == tables - page_cache.EXCLUDED
    for table in watched:
        # SQLite: one per kind of write; PostgreSQL: one (per statement) or four (per row).
        assert len(triggers.get(table, ())) in ((3,) if not PG_URL else (1, 4)), table
    assert not triggers.keys() & page_cache.EXCLUDED


def _triggers() -> dict[str, set[str]]:
    if PG_URL:
        sql = (
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE substr(t.tgname, 1, 12) = 'data_version' "
            "AND c.relnamespace = current_schema()::regnamespace"
        )
    else:
        sql = (
            "SELECT tbl_name, name FROM sqlite_master "
            "WHERE type = 'trigger' AND substr(name, 1, 12) = 'data_version'"
        )
    found: dict[str, set[str]] = {}
    for table, name in db.database.execute_sql(sql).fetchall():
        found.setdefault(table, set()).add(name)
    return found


@pytest.mark.parametrize(
    "table", ["unit", "unit_group", "unit_group_member", "user", "meeting", "task", "assignment"]
)
def test_an_update_moves_the_version(app_ctx, world, table):
    with db.database.connection_context():
        before = version()
        db.database.execute_sql(f'UPDATE "{table}" SET "{_column(table)}" = "{_column(table)}"')
        assert version() > before


def test_insert_and_delete_move_the_version_and_a_rollback_takes_it_back(app_ctx, world):
    database = db.database
    with database.connection_context():
        before = version()
        with database.atomic() as transaction:
            database.execute_sql("DELETE FROM unit_group_member")
            deleted = version()
            assert deleted > before
            database.execute_sql(
                "INSERT INTO unit_group_member (group_id, unit_id) VALUES (?, ?)"
                if not PG_URL
                else "INSERT INTO unit_group_member (group_id, unit_id) VALUES (%s, %s)",
                (world.wards.id, world.ward_a.id),
            )
            assert version() > deleted
            transaction.rollback()
        assert version() == before  # rolled back with the rows


def _column(table: str) -> str:
    model = next(m for m in MODELS if m._meta.table_name == table)
    return next(f.column_name for f in model._meta.sorted_fields if not f.primary_key)


def test_audit_rows_move_the_version_only_about_an_assignment(app_ctx, world):
    before = version()
    with db.database.connection_context():
        AuditEvent.create(action="login", object_type="user", object_id=1, created_at=NOW)
        assert version() == before
        AuditEvent.create(
            action="urge",
            object_type="assignment",
            object_id=world.assignment_a.id,
            assignment=world.assignment_a,
            created_at=NOW,
        )
        # Both rows are stored: a trigger that moves the version never drops the row.
        assert AuditEvent.select().where(AuditEvent.action.in_(("login", "urge"))).count() == 2
    assert version() > before


def test_failed_logins_do_not_empty_the_cache(officer, app):
    get(officer, "/")
    from conftest import CsrfClient

    app.test_client_class = CsrfClient
    other = app.test_client()
    assert other.post("/login", data={"username": "p.sodau", "password": "sai"}).status_code != 302
    assert served_from_cache(officer, "/")


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
    # Another unit's assignment stays refused, however often its own officer's page was served.
    dept = signed_in(app, "pb.noivu")
    url = f"/assignments/{world.assignment_dept.id}"
    assert get(dept, url) and served_from_cache(dept, url)
    assert client.get(url).status_code in (403, 404)


def test_each_session_gets_its_own_valid_csrf_token(app, world):
    first, second = signed_in(app, "p.sodau"), signed_in(app, "p.sodau")
    one = get(first, "/")
    assert served_from_cache(second, "/")
    two = get(second, "/")
    assert "<csrf-token/>" not in two
    assert _token(one) != _token(two)
    # The token the second session was served is the one its POST must carry.
    a = world.assignment_a
    response = second.post(
        f"/assignments/{a.id}/reports", data={**REPORT, "csrf_token": _token(two)}
    )
    assert response.status_code == 302
    refused = second.post(
        f"/assignments/{a.id}/reports", data={**REPORT, "csrf_token": _token(one)}
    )
    assert refused.status_code == 400


def test_language_and_htmx_are_part_of_the_key(officer):
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


def test_size_zero_turns_it_off_and_the_store_is_bounded(officer, app, world):
    app.config["PAGE_CACHE_SIZE"] = 0
    get(officer, "/")
    assert not served_from_cache(officer, "/")
    app.config["PAGE_CACHE_SIZE"] = 2
    for url in ("/", "/?page=2", f"/assignments/{world.assignment_a.id}"):
        get(officer, url)
    with app.app_context():
        assert len(page_cache._store()) == 2
    assert not served_from_cache(officer, "/")  # the oldest went first


def _token(page: str) -> str:
    match = re.search(r'"X-CSRFToken": "([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)
