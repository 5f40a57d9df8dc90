"""``GET /health``: public, JSON, 200 when the database answers and is migrated, else 503."""

from __future__ import annotations

from peewee import OperationalError

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
        def execute_sql(self, *_args, **_kwargs):
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ops_health, "database", Unreachable())
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error", "migrations": "unknown"}
