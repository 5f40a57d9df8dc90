"""``tracker backup`` and ``tracker restore``: backup → change → restore gives the data back."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import pytest

from tracker.cli import cli
from tracker.core import db
from tracker.models import Assignment, ProgressReport

# Each runs in the suite's run on its own database (conftest deselects it in the other run).
sqlite_only = pytest.mark.sqlite_only


@sqlite_only
def test_backup_change_restore_brings_the_data_back(app, world, runner, tmp_path):
    a = world.assignment_a
    ProgressReport.create(
        assignment=a,
        author=world.officer_a,
        text="Trước khi sao lưu",
        progress=20,
        created_at=a.created_at,
    )
    out = tmp_path / "backups"
    result = runner.invoke(cli, ["backup", "--output", str(out)])
    assert result.exit_code == 0, result.output
    files = list(out.iterdir())
    assert [f.name for f in files] == ["tracker-20260515-100000.sqlite3"]  # NOW, local time
    conn = sqlite3.connect(files[0])
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT text FROM progress_report").fetchall() == [("Trước khi sao lưu",)]
    conn.close()

    # Changes after the backup: a report added, an assignment gone.
    ProgressReport.create(
        assignment=a,
        author=world.officer_a,
        text="Sau khi sao lưu",
        progress=40,
        created_at=a.created_at,
    )
    Assignment.delete().where(Assignment.id == world.assignment_b.id).execute()
    db.database.close()

    result = runner.invoke(cli, ["restore", str(files[0])])
    assert result.exit_code == 0, result.output
    assert "Safety copy" in result.output

    with db.database.connection_context():
        assert [r.text for r in ProgressReport.select()] == ["Trước khi sao lưu"]
        assert Assignment.get_or_none(Assignment.id == world.assignment_b.id) is not None
        assert db.database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    # The safety copy holds the database as it was just before the restore.
    live = db.database.obj.database
    safety = [p for p in os.listdir(os.path.dirname(live)) if ".before-restore-" in p]
    assert len(safety) == 1
    conn = sqlite3.connect(os.path.join(os.path.dirname(live), safety[0]))
    assert len(conn.execute("SELECT id FROM progress_report").fetchall()) == 2
    conn.close()


@sqlite_only
def test_restore_refuses_a_bad_file_and_a_database_in_use(app, world, runner, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(cli, ["restore", str(junk)])
    assert result.exit_code != 0
    assert "not a SQLite database" in result.output

    good = tmp_path / "good.sqlite3"
    assert runner.invoke(cli, ["backup", "--output", str(tmp_path / "b")]).exit_code == 0
    shutil.copy(next((tmp_path / "b").iterdir()), good)
    live = db.database.obj.database
    holder = sqlite3.connect(live)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        result = runner.invoke(cli, ["restore", str(good)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code != 0
    assert "in use" in result.output


@pytest.mark.postgres_only
def test_postgres_backup_runs_pg_dump(app, world, runner, tmp_path):
    result = runner.invoke(cli, ["backup", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (dump,) = tmp_path.iterdir()
    assert dump.name == "tracker-20260515-100000.dump"
    listed = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True)
    assert "TABLE DATA" in listed.stdout and " assignment " in listed.stdout
    restore = runner.invoke(cli, ["restore", str(dump)])
    assert restore.exit_code != 0
    assert "pg_restore" in restore.output


def test_wsgi_app_opens_no_database_before_the_fork(tmp_path, monkeypatch):
    """gunicorn imports ``tracker.wsgi`` (in the master with --preload): no connection yet."""
    import importlib

    path = tmp_path / "never-opened.sqlite3"
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "wsgi-test-key")
    import tracker.wsgi

    module = importlib.reload(tracker.wsgi)
    assert module.app.config["DATABASE_URL"] == f"sqlite:///{path}"
    assert db.database.is_closed()
    assert not path.exists()
