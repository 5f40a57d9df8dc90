"""Fixtures: a fresh application on a real database (SQLite file or PostgreSQL) per test.

``TRACKER_TEST_DATABASE_URL`` selects PostgreSQL (for example
``postgresql://root@127.0.0.1:5432/test``); each xdist worker then uses its own schema.
Without it the tests run on SQLite files copied from one migrated template.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from peewee import AutoField
from werkzeug.routing import Rule
from werkzeug.security import generate_password_hash

from tracker import create_app
from tracker.core import db
from tracker.core.clock import Clock
from tracker.core.org_levels import DISTRICT_KINDS
from tracker.models import MODELS, Assignment, Meeting, Task, Unit, UnitGroup, UnitKind, User
from tracker.ops.migrate import migrate

PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL", "")

# A fixed "now" for tests: 10:00 on 15 May 2026 in Hà Nội time.
NOW = datetime(2026, 5, 15, 3, 0, tzinfo=UTC)


class _LazyBuilderRule(Rule):
    """Werkzeug compiles two URL builders (Python source, ``compile``) for every rule of every
    app: ~0.15 s of each test's fresh app. Tests build few URLs, so compile each on first use.
    Only the timing changes: the builders are Werkzeug's own."""

    def _compile_builder(self, append_unknown: bool = True):
        compiled = None

        def build(rule, *args, **kwargs):
            nonlocal compiled
            if compiled is None:
                compiled = Rule._compile_builder(rule, append_unknown)
            return compiled(rule, *args, **kwargs)

        return build


Flask.url_rule_class = _LazyBuilderRule


def pytest_collection_modifyitems(config, items):
    """A test about one database's own machinery runs in that database's run only."""
    other = "sqlite_only" if PG_URL else "postgres_only"
    dropped = [item for item in items if item.get_closest_marker(other)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker(other)]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once per session: a SQLite template file, or a PostgreSQL schema."""
    if PG_URL:
        import psycopg2

        # One schema per test process, so parallel runs never share tables.
        schema = f"t_{_worker()}_{os.getpid()}"

        def execute(sql: str) -> None:
            conn = psycopg2.connect(PG_URL)
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql)
            conn.close()

        execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        execute(f'CREATE SCHEMA "{schema}"')
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
        db.bind(url)
        migrate()
        db.close_all()
        yield url
        db.close_all()
        execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        return
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db.bind(f"sqlite:///{path}")
    migrate()
    db.close_all()  # the template is copied: nothing may stay in its -wal file
    yield path


def _truncate_all() -> None:
    """Empty every table and restart its ids.

    DELETE, children first, in one round trip: TRUNCATE of every table took ~130 ms per test
    on PostgreSQL, DELETE of a test's few rows ~10 ms.
    """
    statements = []
    for model in reversed(MODELS):
        table = model._meta.table_name
        statements.append(f'DELETE FROM "{table}"')
        if isinstance(model._meta.primary_key, AutoField):
            column = model._meta.primary_key.column_name
            statements.append(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), 1, false)"
            )
    with db.database.connection_context():
        with db.database.atomic():
            db.database.execute_sql("; ".join(statements))
            # The unit kinds migration 0020 writes, as the SQLite template holds them.
            for preset in DISTRICT_KINDS:
                UnitKind.add_preset(preset)


@pytest.fixture
def database_url(database_template, tmp_path) -> str:
    """A database holding the migrated schema and no rows."""
    if PG_URL:
        db.bind(database_template)
        _truncate_all()
        return database_template
    path = tmp_path / "tracker.sqlite3"
    shutil.copy(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_url, tmp_path):
    """An application bound to a fresh database, its clock frozen at ``NOW``."""
    os.environ.setdefault("TRACKER_SECRET_KEY", "test-secret-key")
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": tmp_path,
            # A cheap hash keeps the suite fast; production uses scrypt (tracker/models/users.py).
            "PASSWORD_HASH_METHOD": FAST_HASH,
        }
    )
    application.extensions["clock"] = Clock(application.config["TIMEZONE"], lambda: NOW)
    application.jinja_env.bytecode_cache = _TEMPLATE_CACHE
    # No application context is held around requests: Flask would then share ``g`` (the
    # logged-in user, the CSRF token) between the test client's requests. Tests that call
    # domain functions directly take the ``app_ctx`` fixture.
    yield application
    db.close_all()


@pytest.fixture
def app_ctx(app):
    """An application context for tests that call domain functions (clock, audit) directly."""
    with app.app_context():
        yield app


TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


class CsrfClient(FlaskClient):
    """A test client whose POSTs carry a valid CSRF token, as a browser's would.

    ``post(..., csrf=False)`` sends none (to test the refusal); ``htmx=True`` adds the
    headers htmx sends.
    """

    def csrf_token(self) -> str:
        with self.session_transaction() as sess:
            logged_in = "_user_id" in sess
        page = self.get("/password" if logged_in else "/login")
        match = TOKEN_RE.search(page.get_data(as_text=True))
        assert match, "no CSRF token on the page"
        return match.group(1) or match.group(2)

    def post(self, *args, csrf: bool = True, htmx: bool = False, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if htmx:
            headers.setdefault("HX-Request", "true")
        if csrf:
            data = dict(kwargs.pop("data", {}) or {})
            if "csrf_token" not in data:
                token = self.csrf_token()
                if htmx:
                    headers["X-CSRFToken"] = token
                else:
                    data["csrf_token"] = token
            kwargs["data"] = data
        return super().post(*args, headers=headers, **kwargs)

    def hx_get(self, *args, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        headers.setdefault("HX-Request", "true")
        return self.get(*args, headers=headers, **kwargs)


@pytest.fixture
def clock(app) -> Clock:
    """The application's clock; ``clock.set(instant)`` travels in time."""
    return app.extensions["clock"]


@pytest.fixture
def client(app):
    app.test_client_class = CsrfClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the many apps a test run creates."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CACHE = _MemoryBytecodeCache()
_HASHES: dict[str, str] = {}
FAST_HASH = "pbkdf2:sha256:1000"


class Factory:
    """Builds rows for tests with sensible defaults."""

    def __init__(self) -> None:
        self.seq = count(1)

    def unit(self, name: str | None = None, kind: str = "ward", **kw) -> Unit:
        n = next(self.seq)
        name = name or f"Đơn vị {n}"
        return Unit.create(
            name=name,
            short_name=kw.pop("short_name", name),
            code=kw.pop("code", f"u{n}"),
            kind=kind,
            **kw,
        )

    def user(
        self,
        username: str,
        role: str = "officer",
        unit: Unit | None = None,
        password: str = "demo",
        **kw,
    ) -> User:
        u = User(
            username=username,
            full_name=kw.pop("full_name", username.title()),
            role=role,
            unit=unit,
            created_at=NOW,
            **kw,
        )
        # Hashing is slow on purpose; tests hash each password once and reuse the hash.
        if password not in _HASHES:
            _HASHES[password] = generate_password_hash(password, method=FAST_HASH)
        u.password_hash = _HASHES[password]
        u.save()
        return u

    def meeting(self, title: str = "Họp giao ban", **kw) -> Meeting:
        kw.setdefault("held_on", date(2026, 5, 1))
        return Meeting.create(title=title, created_at=NOW, updated_at=NOW, **kw)

    def task(
        self, meeting: Meeting, title: str = "Nhiệm vụ", deadline: date | None = None, **kw
    ) -> Task:
        kw.setdefault("deadline_kind", "date" if deadline else "none")
        return Task.create(
            meeting=meeting,
            number=Task.next_number(meeting),
            title=title,
            deadline=deadline,
            created_at=NOW,
            updated_at=NOW,
            **kw,
        )

    def assignment(self, task: Task, unit: Unit, **kw) -> Assignment:
        kw.setdefault("deadline", task.deadline)
        kw.setdefault("deadline_kind", task.deadline_kind)
        kw.setdefault("original_deadline", kw["deadline"])
        kw.setdefault("stats_deadline", kw["original_deadline"])
        return Assignment.create(task=task, unit=unit, created_at=NOW, updated_at=NOW, **kw)


@pytest.fixture
def factory(app) -> Factory:
    return Factory()


class World:
    """Two wards, a department, one user per role, one task given to both wards."""

    def __init__(self, f: Factory) -> None:
        self.ward_a = f.unit("UBND phường Sở Dầu", code="sodau")
        self.ward_b = f.unit("UBND phường Hoàng Văn Thụ", code="hoangvanthu")
        self.dept = f.unit("Phòng Nội vụ", kind="department", code="noivu")
        self.wards = UnitGroup.create(name="UBND các phường")
        self.wards.set_units([self.ward_a.id, self.ward_b.id])
        self.admin = f.user("admin", "admin")
        self.leader = f.user("lanhdao", "leader")
        self.secretary = f.user("tonghop", "secretary")
        self.viewer = f.user("theodoi", "viewer")
        self.officer_a = f.user("p.sodau", "officer", self.ward_a)
        self.officer_b = f.user("p.hoangvanthu", "officer", self.ward_b)
        self.officer_dept = f.user("pb.noivu", "officer", self.dept)
        self.meeting = f.meeting("Họp Ban Chỉ đạo CCHC")
        self.task = f.task(
            self.meeting,
            "Tăng cường tuyên truyền CCHC",
            deadline=date(2026, 5, 30),
            deadline_kind="date",
        )
        self.assignment_a = f.assignment(self.task, self.ward_a)
        self.assignment_b = f.assignment(self.task, self.ward_b)
        self.other_task = f.task(
            self.meeting, "Nâng cấp hạ tầng số", deadline=date(2026, 5, 10), deadline_kind="date"
        )
        self.assignment_dept = f.assignment(self.other_task, self.dept)


@pytest.fixture
def world(factory) -> World:
    return World(factory)


class AuthActions:
    """Log in and out through the real login form."""

    def __init__(self, client) -> None:
        self.client = client

    def login(self, username: str = "lanhdao", password: str = "demo"):
        self.client.get("/login")
        return self.client.post(
            "/login",
            data={"username": username, "password": password},
        )

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


def days(n: int) -> timedelta:
    return timedelta(days=n)
