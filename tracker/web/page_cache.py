"""Rendered pages kept per web process and served again while the data has not changed.

The pages read most (the officer's and the leader's home, the assignment page, a unit's work)
are decorated with ``cached_page``. A rendered page is kept under everything it depends on:

* the **data version**: one number in ``data_version`` that database triggers raise on every
  INSERT, UPDATE, DELETE (and TRUNCATE) of every table, whatever wrote it: the workflow, a bulk
  update, raw SQL, another worker or another machine. Only tables that no page shows are left
  out (``EXCLUDED``: login attempts, the counters' own versions, the migration history) and,
  of the audit log, the rows about no assignment (logins and refusals); the assignment page's
  history shows the others;
* the user (their role, unit and name are rows of ``user``, so changing them moves the data
  version too), the language, the local date and the due-soon window (due soon and overdue
  change with the date), the URL with its query string and the request's htmx headers.

The version is read before the page is rendered, so a page is never kept under a version
older than the data it shows; a write that lands meanwhile makes the next request render anew.
On PostgreSQL the version's row is raised by a BEFORE ... FOR EACH STATEMENT trigger: each
writing transaction takes that row's lock before any other, so writers queue on it in one order
and cannot deadlock through it (they are serialised, as SQLite's single writer is anyway).

What a page carries for its session alone is not kept: the CSRF token is put back fresh on every
answer, and a request with a flashed message, a view that changes the session, and any answer
other than a 200 HTML page are never kept. The version starts again at a random number below
2**62 at every migration run (``tracker init-db``, which a restore is followed by) and at every
SQLite restore, so a rebuilt or restored database cannot meet pages kept for an earlier state;
the store is also held by the database object. ``TRACKER_PAGE_CACHE_SIZE`` sets how many
pages a process keeps (0 turns the cache off).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from flask import Response, current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from peewee import Database, PostgresqlDatabase

from tracker.core import timeliness
from tracker.core.db import database
from tracker.models import DataVersion, User

# Tables no page shows, or written by the triggers themselves.
EXCLUDED = frozenset({"login_attempt", "counter_version", "data_version", "schema_migration"})
# Tables of which only the rows with this column set are page data.
ROWS_WITH = {"audit_event": "assignment_id"}
# Where the CSRF token stood in a kept page: a raw "<" cannot come from escaped user text.
TOKEN_SLOT = b"<csrf-token/>"

_LOCK = threading.Lock()

_SQLITE_BUMP = "UPDATE data_version SET version = version + 1 WHERE id = 1;"

# SET search_path FROM CURRENT: the function finds data_version in the application's schema
# whoever writes (a maintenance session with another search_path included).
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE data_version SET version = version + 1 WHERE id = 1;
  RETURN COALESCE(NEW, OLD);  -- a BEFORE row trigger returning NULL would skip the row
END $$
"""


def fresh_version(postgres: bool) -> str:
    """SQL for a random starting version below 2**62 (room for 2**62 writes after it)."""
    if postgres:
        return "floor(random() * 4611686018427387904)::bigint"
    return "abs(random() % 4611686018427387904)"


def watched_tables(db: Database) -> list[str]:
    """The tables whose writes move the data version."""
    db = getattr(db, "obj", None) or db
    return [
        t
        for t in db.get_tables()
        if t not in EXCLUDED and "_fts" not in t and not t.startswith("sqlite_")
    ]


def _sqlite_triggers(table: str) -> list[str]:
    column = ROWS_WITH.get(table)
    conditions = {
        "insert": f"WHEN NEW.{column} IS NOT NULL " if column else "",
        "update": f"WHEN OLD.{column} IS NOT NULL OR NEW.{column} IS NOT NULL " if column else "",
        "delete": f"WHEN OLD.{column} IS NOT NULL " if column else "",
    }
    return [
        f'CREATE TRIGGER IF NOT EXISTS "data_version_{table}_{op}" AFTER {op.upper()} '
        f'ON "{table}" {when}BEGIN {_SQLITE_BUMP} END'
        for op, when in conditions.items()
    ]


def _pg_triggers(table: str) -> list[str]:
    column = ROWS_WITH.get(table)
    run = "EXECUTE FUNCTION data_version_bump()"
    if not column:
        triggers = {
            "data_version_write": "BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE FOR EACH STATEMENT"
        }
    else:  # row triggers, to look at the row; BEFORE as well, for the same lock order
        triggers = {
            "data_version_insert": f"BEFORE INSERT FOR EACH ROW WHEN (NEW.{column} IS NOT NULL)",
            "data_version_update": "BEFORE UPDATE FOR EACH ROW "
            f"WHEN (OLD.{column} IS NOT NULL OR NEW.{column} IS NOT NULL)",
            "data_version_delete": f"BEFORE DELETE FOR EACH ROW WHEN (OLD.{column} IS NOT NULL)",
            "data_version_truncate": "BEFORE TRUNCATE FOR EACH STATEMENT",
        }
    statements = []
    for name, when in triggers.items():
        # DROP and CREATE (CREATE OR REPLACE TRIGGER needs PostgreSQL 14).
        timing, _sep, rest = when.partition(" FOR EACH ")
        statements.append(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
        statements.append(f'CREATE TRIGGER {name} {timing} ON "{table}" FOR EACH {rest} {run}')
    return statements


def ensure_triggers(db: Database) -> None:
    """Create the data version's row and the triggers of every watched table (idempotent).

    Run after every migration run (tracker.ops.migrate): a new table gets its triggers, and a
    table a SQLite migration rebuilt (which drops its triggers) gets them back.
    """
    db = getattr(db, "obj", None) or db
    if "data_version" not in db.get_tables():
        return
    postgres = isinstance(db, PostgresqlDatabase)
    with db.atomic():
        # A new random version at every run: after a restore (the backup's own version would
        # come back, and later writes would reach numbers pages were kept under before it)
        # and after a migration's writes, which a table being rebuilt does without triggers.
        db.execute_sql(
            f"INSERT INTO data_version (id, version) VALUES (1, {fresh_version(postgres)}) "
            f"ON CONFLICT (id) DO UPDATE SET version = {fresh_version(postgres)}"
        )
        if postgres:
            db.execute_sql(_PG_FUNCTION)
        for table in watched_tables(db):
            for sql in _pg_triggers(table) if postgres else _sqlite_triggers(table):
                db.execute_sql(sql)


def data_version() -> int | None:
    """The current data version (None before migration 0012).

    The version read with this request's user (``load_user_row``) if there was one: that was
    before any page was rendered.
    """
    if g.get("data_version") is not None:
        return g.data_version
    row = database.execute_sql("SELECT version FROM data_version WHERE id = 1").fetchone()
    return row[0] if row else None


def load_user_row(row_id: int) -> User | None:
    """``User.get_or_none(User.id == row_id)``, and the data version in the same statement.

    Every request loads its user: the SQL is built once per database, and a page served from
    the store then costs this one statement.
    """
    db = database.obj
    fields = User._meta.sorted_fields
    prepared = getattr(db, "_tracker_user_sql", None)
    if prepared is None:
        current = DataVersion.select(DataVersion.version).where(DataVersion.id == 1)
        sql, params = User.select(*fields, current).where(User.id == 0).sql()
        prepared = (sql, tuple(params[:-1]))
        db._tracker_user_sql = prepared
    sql, params = prepared
    row = database.execute_sql(sql, (*params, row_id)).fetchone()
    if row is None:
        return None
    g.data_version = row[-1]  # None without the version's row: nothing is then kept
    values = {f.name: f.python_value(v) for f, v in zip(fields, row[:-1], strict=True)}
    user = User(__no_default__=1, **values)
    user._dirty.clear()
    return user


def _store() -> OrderedDict:
    # Held by the database object: a database bound anew starts with an empty store.
    db = database.obj
    store = getattr(db, "_tracker_page_cache", None)
    if store is None:
        store = OrderedDict()
        db._tracker_page_cache = store
    return store


def _key(version: int) -> tuple:
    today, window = timeliness.context()
    environ = request.environ
    htmx = tuple(sorted((k, v) for k, v in environ.items() if k.startswith("HTTP_HX_")))
    return (
        current_user.get_id(),
        str(get_locale()),
        today,
        window,
        environ["wsgi.url_scheme"],
        environ.get("HTTP_HOST", ""),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        htmx,
        version,
    )


def _keepable(response: Response, session_before: dict) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and not response.is_streamed
        and dict(session) == session_before
    )


def _answer(entry: tuple) -> Response:
    body, headers, versions = entry
    # Its own Content-Length: the fresh token need not be as long as the one it replaces.
    response = make_response(body.replace(TOKEN_SLOT, generate_csrf().encode()))
    for name in {name for name, _ in headers}:
        del response.headers[name]
    response.headers.extend(headers)
    if versions:
        g.assignment_versions = dict(versions)
    return response


def cached_page(view: Callable[..., Response]) -> Callable[..., Response]:
    """Serve ``view``'s page from the process's store while nothing it depends on changed.

    Put it under ``login_required``: only a signed-in user's GET is served from the store.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        size = current_app.config.get("PAGE_CACHE_SIZE", 0)
        if (
            size <= 0
            or request.method != "GET"
            or not current_user.is_authenticated
            or "_flashes" in session
        ):
            return view(*args, **kwargs)
        version = data_version()  # before the page is rendered: see the module's docstring
        if version is None:
            return view(*args, **kwargs)
        token = generate_csrf()  # in the session before the view runs, so it is no change
        store = _store()
        key = _key(version)
        with _LOCK:  # a threaded server (tracker run) shares the store between threads
            entry = store.get(key)
            if entry is not None:
                store.move_to_end(key)
        if entry is not None:
            return _answer(entry)
        before = dict(session)
        response = make_response(view(*args, **kwargs))
        if _keepable(response, before):
            body = response.get_data().replace(token.encode(), TOKEN_SLOT)
            versions = g.get("assignment_versions")
            headers = [(k, v) for k, v in response.headers.items() if k != "Content-Length"]
            with _LOCK:
                store[key] = (body, headers, dict(versions or {}))
                while len(store) > size:
                    store.popitem(last=False)
        return response

    return wrapper
