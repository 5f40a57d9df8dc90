"""The database: one proxy for all models, bound to the configured URL at start-up; its
connections (pooled) and transactions. Applying the migrations is tracker.ops.migrate's."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import ParamSpec, TypeVar

from flask import Flask, request
from peewee import (
    DatabaseError,
    DatabaseProxy,
    DateTimeField,
    InterfaceError,
    Model,
    OperationalError,
    SqliteDatabase,
)
from playhouse.db_url import connect, parse
from playhouse.pool import PooledDatabase, PooledPostgresqlDatabase
from psycopg2.extensions import TRANSACTION_STATUS_UNKNOWN

database = DatabaseProxy()

P = ParamSpec("P")
R = TypeVar("R")

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 10000,
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -8000,
}


class BaseModel(Model):
    """Every model lives in the proxied database."""

    class Meta:
        database = database
        legacy_table_names = False


class InstantField(DateTimeField):
    """An aware instant, stored as naive UTC so SQLite and PostgreSQL agree."""

    def db_value(self, value):
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError("naive datetime given to an InstantField")
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        value = super().python_value(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


# Connections are kept open between requests (playhouse.pool): opening one costs more than a
# page's queries (SQLite sets its pragmas anew, PostgreSQL starts a backend).
# A connection this many seconds old (since it was opened) is closed instead of reused.
POOL_STALE_SECONDS = 300


def _pooled(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.endswith("+pool") or rest.endswith(":memory:"):
        return url  # an in-memory SQLite database exists only in its one connection
    return f"{scheme}+pool://{rest}"


class PooledPostgres(PooledPostgresqlDatabase):
    """PostgreSQL connections kept between requests, checked with a round trip only when idle.

    peewee's pool asks the server ``SELECT 1`` each time it hands out a connection: one more
    round trip than a page served from the cache needs. Here a connection back in the pool for
    less than ``ping_after`` seconds is handed out on its own state alone; one idle longer is
    asked first. If the server dropped a connection within those seconds (a restart), the
    request's read outside a transaction finds out: it is read again on a fresh connection,
    and every pooled connection is asked before its next use. peewee's check-in still rolls
    back or drops a connection returned in a transaction or broken, and one opened
    ``POOL_STALE_SECONDS`` ago is closed.
    """

    ping_after = 5.0
    # Statements of tracker.core.prepared prepared on the server (TRACKER_PG_PREPARE).
    server_prepare = True

    def __init__(self, *args, **kwargs) -> None:
        self._returned_at: dict[int, float] = {}
        super().__init__(*args, **kwargs)

    def _is_closed(self, conn) -> bool:
        if conn.closed or conn.get_transaction_status() == TRANSACTION_STATUS_UNKNOWN:
            self._returned_at.pop(id(conn), None)
            return True
        returned = self._returned_at.get(id(conn))
        if returned is not None and time.monotonic() - returned < self.ping_after:
            return False
        if super()._is_closed(conn):
            self._returned_at.pop(id(conn), None)
            return True
        return False

    def _close(self, conn, close_conn: bool = False) -> None:
        self._returned_at[id(conn)] = time.monotonic()
        if close_conn:
            self._returned_at.pop(id(conn), None)
        super()._close(conn, close_conn)

    def _close_raw(self, conn) -> None:
        self._returned_at.pop(id(conn), None)
        self._server_prepared.pop(id(conn), None)
        super()._close_raw(conn)

    # --- statements prepared on the server (tracker.core.prepared) ---------------------------

    @property
    def _server_prepared(self) -> dict[int, set[str]]:
        # Per connection (by id), the names PREPAREd on it; a connection closed for good
        # forgets its own (``_close_raw``), and an unknown name is prepared again anyway.
        known = self.__dict__.get("_prepared_names")
        if known is None:
            known = self.__dict__["_prepared_names"] = {}
        return known

    def execute_prepared(self, name: str, sql: str, params: list):
        """Run ``sql`` (psycopg2's ``%s`` placeholders, ``params``) as the server-side
        prepared statement ``name``: PostgreSQL parses and plans it once per connection (a
        list's union of many branches takes longer to plan than to run), then only
        ``EXECUTE``s it. Outside a transaction only, where a failed statement costs nothing;
        None (the caller sends it as usual) inside one, on a connection that has dropped, and
        for a statement the server cannot prepare (a parameter whose type it cannot infer).
        ``execute_sql`` is called with the statement's own SQL, as for any statement (what
        watches a page's statements sees it), and sends the ``EXECUTE`` in its place; the
        ``PREPARE``, once per connection, is not seen."""
        types = _pg_types(params)
        if not self.server_prepare or types is None or self.in_transaction() or "%%" in sql:
            return None
        if types:
            # Declared, not inferred: a value alone in a select list or a CASE would
            # otherwise be text where the literal psycopg2 writes is a number. One statement
            # per list of types.
            name = f"{name}_{hashlib.sha1(','.join(types).encode()).hexdigest()[:8]}"
        if name in _UNPREPARABLE:
            return None
        declared = f"({', '.join(types)})" if types else ""
        try:
            conn = self.connection()
            known = self._server_prepared.setdefault(id(conn), set())
            execute = (
                f"EXECUTE {name}({', '.join(['%s'] * len(params))})"
                if params
                else (f"EXECUTE {name}")
            )
            if name in known:
                try:
                    return self._execute_as(execute, sql, params)
                except DatabaseError as exc:
                    # Not there (a new connection under a reused id) or no longer valid for
                    # a table that changed its shape: prepared anew below.
                    if _pgcode(exc) not in (STATEMENT_MISSING, PLAN_CHANGED):
                        raise
                    known.discard(name)
                    self._deallocate(name)
            try:
                PooledPostgresqlDatabase.execute_sql(
                    self, f"PREPARE {name}{declared} AS {_numbered(sql)}", None
                )
            except DatabaseError as exc:
                if isinstance(exc, OperationalError | InterfaceError):
                    raise
                if _pgcode(exc) != STATEMENT_EXISTS:
                    _UNPREPARABLE.add(name)
                    return None
            known.add(name)
            return self._execute_as(execute, sql, params)
        except (OperationalError, InterfaceError):
            return None  # the usual path finds out whether the connection dropped

    def _execute_as(self, execute: str, sql: str, params: list):
        """``execute_sql(sql, params)``, which sends ``execute`` instead (this thread, this
        statement only)."""
        self._state.send_instead = (sql, execute)
        try:
            return self.execute_sql(sql, params)
        finally:
            self._state.send_instead = None

    def _deallocate(self, name: str) -> None:
        try:
            PooledPostgresqlDatabase.execute_sql(self, f"DEALLOCATE {name}", None)
        except DatabaseError as exc:
            if _pgcode(exc) != STATEMENT_MISSING:
                raise

    def execute_sql(self, sql, params=None):
        instead = getattr(self._state, "send_instead", None)
        sent = instead[1] if instead is not None and instead[0] is sql else sql
        try:
            return super().execute_sql(sent, params)
        except (OperationalError, InterfaceError):
            conn = self._state.conn
            dropped = (
                conn is None
                or conn.closed
                or (conn.get_transaction_status() == TRANSACTION_STATUS_UNKNOWN)
            )
            # Only a read outside a transaction is safe to send again.
            if not dropped or self.in_transaction() or not _is_read(sql):
                raise
        self._returned_at.clear()  # the others may have been dropped too: ask them first
        self.manual_close()
        self.connect()
        return super().execute_sql(sql, params)  # as written: the new connection has no EXECUTE


# PostgreSQL's error codes met by server-side prepared statements.
STATEMENT_MISSING = "26000"  # invalid_sql_statement_name: not prepared on this connection
STATEMENT_EXISTS = "42P05"  # duplicate_prepared_statement
PLAN_CHANGED = "0A000"  # feature_not_supported: "cached plan must not change result type"
# Statements the server refused to prepare, by name: sent as usual from then on.
_UNPREPARABLE: set[str] = set()


def _pgcode(exc: BaseException) -> str | None:
    """The PostgreSQL error code behind a peewee exception (it wraps psycopg2's)."""
    for candidate in (exc, *exc.args, exc.__cause__, exc.__context__):
        code = getattr(candidate, "pgcode", None)
        if code:
            return code
    return None


def _pg_types(params: list) -> list[str] | None:
    """The PostgreSQL type of each parameter, as psycopg2 would write its literal; None when
    one has no type of its own (NULL) or is of a kind not listed here."""
    types = []
    for value in params:
        kind = type(value)
        if kind is bool:
            types.append("boolean")
        elif kind is int:
            types.append("bigint")
        elif kind is str:
            types.append("text")
        elif kind is float:
            types.append("double precision")
        elif kind is date:
            types.append("date")
        elif kind is datetime:
            types.append("timestamp" if value.tzinfo is None else "timestamptz")
        else:
            return None
    return types


def _numbered(sql: str) -> str:
    """psycopg2's ``%s`` placeholders as PostgreSQL's ``$1``, ``$2``… (no ``%%`` inside)."""
    parts = sql.split("%s")
    return "".join(
        part + (f"${i}" if i < len(parts) else "") for i, part in enumerate(parts, start=1)
    )


def _is_read(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


def open_database(url: str):
    """A peewee database for ``url`` with the settings this application relies on."""
    pool = {"max_connections": None, "stale_timeout": POOL_STALE_SECONDS}
    if url.startswith("sqlite"):
        # A pooled connection may serve another thread later (one thread at a time).
        options = {**pool, "check_same_thread": False} if _pooled(url) != url else {}
        db = connect(_pooled(url), pragmas=SQLITE_PRAGMAS, autoconnect=True, **options)
        if not isinstance(db, SqliteDatabase):
            raise ValueError(url)
        # SQLite's own lower() folds ASCII only; Vietnamese search needs Unicode case folding.
        db.register_function(_unicode_lower, "lower", 1, deterministic=True)
        return db
    if url.startswith(("postgres://", "postgresql://")):
        return PooledPostgres(**parse(url), **pool)
    return connect(_pooled(url), **pool)


def write_transaction():
    """A transaction that reads and then writes: on SQLite it takes the write lock at BEGIN.

    A deferred SQLite transaction that read first cannot wait for the lock when it comes to
    write after another worker committed (SQLITE_BUSY at once, busy_timeout or not);
    ``BEGIN IMMEDIATE`` waits its turn at the start instead. PostgreSQL needs a plain
    transaction (its conditional UPDATEs lock the rows they change). Nested, it is a savepoint.
    """
    if isinstance(database.obj, SqliteDatabase):
        return database.atomic(lock_type="IMMEDIATE")
    return database.atomic()


def close_all() -> None:
    """Close this thread's connection and every idle pooled one.

    Before the database file is copied or replaced, and when the proxy is bound anew: a pooled
    SQLite connection left open keeps the last writes in the -wal file, not in the file.
    """
    current = database.obj
    if current is None:
        return
    if not current.is_closed():
        current.close()
    if isinstance(current, PooledDatabase):
        current.close_all()


def bind(url: str, server_prepare: bool = True) -> None:
    """Point the proxy at ``url`` (closing any previous database); ``server_prepare``:
    PostgreSQL prepares the hot statements once per connection (``TRACKER_PG_PREPARE``)."""
    close_all()
    opened = open_database(url)
    if isinstance(opened, PooledPostgres):
        opened.server_prepare = server_prepare
    database.initialize(opened)


OPENS_DATABASE_ITSELF = "opens_database_itself"


def opens_database_itself(view: Callable[P, R]) -> Callable[P, R]:
    """Mark a view that opens the database itself, so the request does not open it first.

    The request's connection is opened before the view runs; if the database cannot be opened,
    that failure is a 500 the view never sees. A view whose answer is about the database
    (``/health``) must see it to say so.
    """
    setattr(view, OPENS_DATABASE_ITSELF, True)
    return view


def init_app(app: Flask) -> None:
    """Bind the database and open/close one connection per request."""
    bind(app.config["DATABASE_URL"], server_prepare=app.config.get("PG_PREPARE", True))

    @app.before_request
    def _connect() -> None:
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, OPENS_DATABASE_ITSELF, False):
            return
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc: BaseException | None) -> None:
        if not database.is_closed():
            database.close()
