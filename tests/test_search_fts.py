"""SQLite's full-text index follows every write, and is rebuilt where a migration dropped its
triggers (playhouse's SQLite migrator rebuilds tables without them)."""

from __future__ import annotations

import pytest

from tracker.core import db
from tracker.core.search_index import ensure_sqlite_fts, matches
from tracker.models import Meeting, Task

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

    assert sorted(ensure_sqlite_fts(db.database.obj)) == [
        "task_fts_ad",
        "task_fts_ai",
        "task_fts_au",
    ]
    assert _found(Task, "chinh") == [later.id] and _found(Task, "tuyen") == [task.id]
    assert ensure_sqlite_fts(db.database.obj) == []  # nothing left to create
