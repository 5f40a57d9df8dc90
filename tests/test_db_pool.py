"""Connections are kept between requests (tracker/db.py): reused, and dropped when they die."""

from __future__ import annotations

import pytest

from tracker.core import db


def _backend_pid() -> int:
    with db.database.connection_context():
        return db.database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def test_requests_reuse_one_connection(client, auth, world):
    auth.login("p.sodau")
    client.get("/")
    pool = db.database.obj
    first = set(map(id, (c for _, _, c in pool._connections)))
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert set(map(id, (c for _, _, c in pool._connections))) == first
    assert len(pool._connections) == 1 and not pool._in_use


def _terminate(pid: int) -> None:
    import psycopg2
    from conftest import PG_URL

    killer = psycopg2.connect(PG_URL)
    killer.autocommit = True
    with killer.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
    killer.close()


@pytest.mark.postgres_only
@pytest.mark.parametrize("idle", [False, True], ids=["just used", "idle"])
def test_a_connection_the_server_dropped_is_replaced(client, auth, world, idle):
    """A restart of the server costs no request: an idle connection is asked before use, a
    connection used a moment ago fails its first read, which is sent again on a new one."""
    auth.login("p.sodau")
    assert client.get("/").status_code == 200
    victim = _backend_pid()
    _terminate(victim)
    if idle:
        db.database.obj.ping_after = 0
    assert client.get("/").status_code == 200
    assert client.get(f"/assignments/{world.assignment_a.id}").status_code == 200
    assert _backend_pid() != victim
    assert not db.database.obj._returned_at.keys() - {
        id(c) for _, _, c in db.database.obj._connections
    }  # nothing kept about connections that are gone
