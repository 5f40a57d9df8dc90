"""PostgreSQL: the hot statements (tracker.core.prepared) are parsed and planned once per
connection as server-side prepared statements, then only executed (tracker.core.db,
``PooledPostgres.execute_prepared``); their answers are the plain statement's, and whatever
happens to the server's copy, a page still gets its rows."""

from __future__ import annotations

from datetime import date

import pytest
from peewee import SQL, Value

from tracker.core import db, prepared
from tracker.core.prepared import slot
from tracker.models import Assignment

pytestmark = pytest.mark.postgres_only


def _server_statements() -> set[str]:
    rows = db.database.execute_sql("SELECT name FROM pg_prepared_statements").fetchall()
    return {name for (name,) in rows}


def _ids_of_unit(key: str, unit_id: int, limit: int = 10) -> list[int]:
    def build():
        return (
            Assignment.select(Assignment.id)
            .where(Assignment.unit == slot(0))
            .order_by(Assignment.id)
            .limit(slot(1))
            .tuples()
        )

    return [row[0] for row in prepared.select(key, build, [unit_id, limit])]


def _plain_ids(unit_id: int, limit: int = 10) -> list[int]:
    query = Assignment.select(Assignment.id).where(Assignment.unit == unit_id)
    return [a.id for a in query.order_by(Assignment.id).limit(limit)]


def test_prepared_once_per_connection_then_executed(app_ctx, world, factory):
    task = factory.task(world.meeting, "Việc thêm", date(2026, 6, 1))
    factory.assignment(task, world.ward_b)
    with db.database.connection_context():
        before = _server_statements()
        assert _ids_of_unit("srv-1", world.ward_a.id) == _plain_ids(world.ward_a.id)
        new = _server_statements() - before
        assert len(new) == 1 and next(iter(new)).startswith("tp_")
        # Other values, the same statement: nothing more is prepared.
        assert _ids_of_unit("srv-1", world.ward_b.id) == _plain_ids(world.ward_b.id)
        assert _ids_of_unit("srv-1", world.ward_b.id, 1) == _plain_ids(world.ward_b.id, 1)
        assert _server_statements() - before == new


def test_a_statement_gone_from_the_server_is_prepared_again(app_ctx, world):
    with db.database.connection_context():
        expected = _plain_ids(world.ward_a.id)
        assert _ids_of_unit("srv-2", world.ward_a.id) == expected
        db.database.execute_sql("DEALLOCATE ALL")  # as a new connection under an old id
        assert _ids_of_unit("srv-2", world.ward_a.id) == expected
        assert any(name.startswith("tp_") for name in _server_statements())


def test_inside_a_transaction_the_statement_is_sent_as_usual(app_ctx, world):
    with db.database.connection_context():
        db.database.execute_sql("DEALLOCATE ALL")
        with db.database.atomic():
            assert _ids_of_unit("srv-3", world.ward_a.id) == _plain_ids(world.ward_a.id)
            assert not _server_statements()
        # Outside it, the same statement is prepared.
        assert _ids_of_unit("srv-3", world.ward_a.id) == _plain_ids(world.ward_a.id)
        assert _server_statements()


def test_values_keep_their_type(app_ctx, world):
    """A value alone in the select list is declared with its type (the server would take it
    for text): the prepared statement answers what the plain one does."""

    def build():
        return (
            Assignment.select(Value(7).alias("seven"), Value(True).alias("yes"), Assignment.id)
            .where(Assignment.unit == slot(0))
            .order_by(Assignment.id)
            .tuples()
        )

    with db.database.connection_context():
        db.database.execute_sql("DEALLOCATE ALL")
        for _ in range(2):
            rows = list(prepared.select("srv-4", build, [world.ward_a.id]))
            assert rows == [(7, True, world.assignment_a.id)]
        assert _server_statements()


def test_a_statement_the_server_cannot_prepare_is_sent_as_usual(app_ctx, world):
    """A date plus a bigint has no operator (the literal 3 is an integer, which has): PREPARE
    fails outside a transaction, which costs nothing, and the statement runs as usual; so
    does one with a NULL value, whose type cannot be declared."""

    def build():
        return (
            Assignment.select(Assignment.deadline + slot(1))
            .where(Assignment.id == slot(0))
            .tuples()
        )

    with db.database.connection_context():
        db.database.execute_sql("DEALLOCATE ALL")
        for _ in range(2):
            rows = list(prepared.select("srv-5", build, [world.assignment_a.id, 3]))
            assert rows == [(date(2026, 6, 2),)]
        assert not _server_statements()

        def by_unit_and_previous():
            query = Assignment.select(Assignment.id).where(Assignment.unit == slot(0))
            return query.where(Assignment.previous.is_null() | (Assignment.previous == slot(1)))

        rows = prepared.select("srv-5b", by_unit_and_previous, [world.ward_a.id, None])
        assert [a.id for a in rows] == [world.assignment_a.id]
        assert not _server_statements()
        assert db.database.execute_sql("SELECT 1").fetchone() == (1,)


def test_a_table_that_changed_shape_is_read_again(app_ctx, world):
    """A column added behind a prepared ``SELECT *``-like statement: the server refuses the
    old plan ("cached plan must not change result type"); it is prepared anew and answers."""

    def build():
        return Assignment.select(SQL('"t1".*')).where(Assignment.id == slot(0)).tuples()

    with db.database.connection_context():
        first = list(prepared.select("srv-6", build, [world.assignment_a.id]))
        db.database.execute_sql("ALTER TABLE assignment ADD COLUMN srv_extra integer")
        try:
            again = list(prepared.select("srv-6", build, [world.assignment_a.id]))
            assert len(again[0]) == len(first[0]) + 1
        finally:
            db.database.execute_sql("ALTER TABLE assignment DROP COLUMN srv_extra")


def test_turned_off_nothing_is_prepared(world, database_url, tmp_path, monkeypatch):
    """``TRACKER_PG_PREPARE=0`` (a pooler in transaction mode): every statement is sent as
    usual, and the answers are the same."""
    from tracker import create_app

    monkeypatch.setenv("TRACKER_PG_PREPARE", "0")
    application = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": tmp_path}
    )
    assert application.config["PG_PREPARE"] is False
    with application.app_context(), db.database.connection_context():
        db.database.execute_sql("DEALLOCATE ALL")
        assert _ids_of_unit("srv-off", world.ward_a.id) == _plain_ids(world.ward_a.id)
        assert not _server_statements()
    db.close_all()
