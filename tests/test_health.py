"""``GET /health``: public, JSON, 200 when the database answers and is migrated, else 503."""

from __future__ import annotations

import socket

import pytest
from peewee import OperationalError

from tracker import create_app
from tracker.core import db
from tracker.ops import health as ops_health


def P() -> str:
    """The parameter placeholder of the database under test."""
    return db.database.obj.param


def test_health_is_public_and_ok(client, app):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    # Nothing about where the database is or what it runs.
    body = response.get_data(as_text=True)
    assert app.config["DATABASE_URL"] not in body and "sqlite" not in body.lower()


def test_health_reports_pending_migrations(client):
    """The newest migration's record removed (and put back: the schema is shared)."""
    with db.database.connection_context():
        name, applied = db.database.execute_sql(
            "SELECT name, applied FROM schema_migration ORDER BY name DESC LIMIT 1"
        ).fetchone()
        db.database.execute_sql(f"DELETE FROM schema_migration WHERE name = {P()}", (name,))
    try:
        response = client.get("/health")
    finally:
        with db.database.connection_context():
            db.database.execute_sql(
                f"INSERT INTO schema_migration (name, applied) VALUES ({P()}, {P()})",
                (name, applied),
            )
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "error",
        "database": "ok",
        "migrations": "pending",
        "pending": 1,
    }
    assert client.get("/health").status_code == 200


def test_health_reports_a_database_that_does_not_answer(client, monkeypatch):
    class Unreachable:
        def connect(self, **_kwargs):
            return False  # a pooled connection handed out; the server dropped it since

        def execute_sql(self, *_args, **_kwargs):
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ops_health, "database", Unreachable())
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error", "migrations": "unknown"}


def _closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_health_answers_503_json_when_the_database_cannot_be_opened(kind, tmp_path, monkeypatch):
    """A database that cannot even be opened is a 503 JSON answer, never the HTML 500 page.

    The application is still built (building it opens no connection); only the request finds
    out, and monitoring must read the same JSON as for any other failure of the database.
    """
    monkeypatch.setenv("TRACKER_SECRET_KEY", "test-secret-key")
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'missing' / 'dir' / 'tracker.sqlite3'}"
    else:
        url = f"postgresql://root@127.0.0.1:{_closed_port()}/test"
    application = create_app({"DATABASE_URL": url, "INSTANCE_PATH": tmp_path})
    try:
        response = application.test_client().get("/health")
    finally:
        db.close_all()
    assert response.status_code == 503
    assert response.is_json
    assert response.get_json() == {"status": "error", "database": "error", "migrations": "unknown"}
    assert response.headers["Cache-Control"] == "no-store"
    assert str(tmp_path) not in response.get_data(as_text=True)
