"""SQLite's full-text index follows every write; migration 0013 builds it from the migrations
alone, and creates what is missing and rebuilds the index where a table lost its triggers
(playhouse's SQLite migrator rebuilds tables without them)."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import NOW
from playhouse.migrations import Runner

from tracker.core import db
from tracker.core.search_index import matches
from tracker.models import Meeting, Task
from tracker.ops.migrate import MIGRATIONS_DIR

pytestmark = pytest.mark.sqlite_only


def _found(model, *words) -> list[int]:
    return [row.id for row in model.select(model.id).where(matches(model, list(words)))]


def test_index_follows_insert_update_and_delete(app_ctx, factory):
    meeting = factory.meeting("Họp về chuyển đổi số")
    task = factory.task(meeting, "Cải cách hành chính")
    assert _found(Task, "cai", "cach") == [task.id]
    task.title = "Xây dựng đường giao thông"
    task.save()
    assert _found(Task, "cai") == [] and _found(Task, "duong") == [task.id]
    # A raw update of the column, as a bulk job would write it, is followed too.
    Task.update(search_text="phong chong thien tai").where(Task.id == task.id).execute()
    assert _found(Task, "thien") == [task.id] and _found(Task, "duong") == []
    task.delete_instance()
    assert _found(Task, "thien") == []
    # A row gone from under the index could not be returned anyway (the search joins the
    # table): the index itself must have forgotten it, or "rebuild" would be needed.
    sql = """SELECT rowid FROM "task_fts" WHERE "task_fts" MATCH '"thien"*'"""
    assert db.database.execute_sql(sql).fetchall() == []
    assert _found(Meeting, "chuyen") == [meeting.id]
    meeting.delete_instance()
    assert _found(Meeting, "chuyen") == []


def test_missing_triggers_are_recreated_and_the_index_rebuilt(app_ctx, factory):
    task = factory.task(factory.meeting(), "Tuyên truyền pháp luật")
    # What a table rebuild does: its triggers are gone, and rows change unseen by the index.
    for name in ("task_fts_ai", "task_fts_ad", "task_fts_au"):
        db.database.execute_sql(f'DROP TRIGGER "{name}"')
    later = factory.task(task.meeting, "Chỉnh trang đô thị")
    assert _found(Task, "chinh") == []  # stale: the row is not in the index

    ensure_fts = _fts_migration(db.database.obj).ensure_fts
    assert sorted(ensure_fts(db.database.obj)) == ["task_fts_ad", "task_fts_ai", "task_fts_au"]
    assert _found(Task, "chinh") == [later.id] and _found(Task, "tuyen") == [task.id]
    assert ensure_fts(db.database.obj) == []  # nothing left to create


def _fts_migration(database):
    """The module of migration 0013, which creates the full-text index."""
    runner = Runner(database, directory=str(MIGRATIONS_DIR))
    return next(m for m in runner.migrations() if m.name == "0013_sqlite_fts").load()


def test_the_migrations_alone_build_the_index_over_earlier_rows(tmp_path):
    """playhouse's Runner and nothing after it: rows written before 0013 are found."""
    db.bind(f"sqlite:///{tmp_path / 'runner.sqlite3'}")
    try:
        with db.database.connection_context():
            runner = Runner(db.database.obj, directory=str(MIGRATIONS_DIR))
            runner.up("0012_data_version")
            meeting = Meeting.create(
                title="Họp về chuyển đổi số",
                held_on=date(2026, 5, 1),
                created_at=NOW,
                updated_at=NOW,
            )
            task = Task.create(
                meeting=meeting,
                number=1,
                title="Cải cách hành chính",
                created_at=NOW,
                updated_at=NOW,
            )
            assert runner.up("0013_sqlite_fts") == ["0013_sqlite_fts"]
            assert _found(Meeting, "chuyen", "doi") == [meeting.id]
            assert _found(Task, "cai", "cach") == [task.id]
            task.title = "Xây dựng đường giao thông"
            task.save()
            assert _found(Task, "cai") == [] and _found(Task, "duong") == [task.id]
    finally:
        db.close_all()
