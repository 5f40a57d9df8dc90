"""``tracker backup`` and ``tracker restore``: a consistent copy of the database, and back.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies the live database page
by page under SQLite's own locking, so the web workers keep serving while it runs. The copy
is checked with ``PRAGMA integrity_check`` before it gets its final name
``tracker-YYYYmmdd-HHMMSS.sqlite3`` (local time).

PostgreSQL: ``pg_dump --format=custom`` to ``tracker-YYYYmmdd-HHMMSS.dump`` when ``pg_dump`` is
installed (checked with ``pg_restore --list``); otherwise the command to run is printed and
the exit status is 1. Restoring a PostgreSQL dump is ``pg_restore`` (docs/deployment.md).

Evidence files (``TRACKER_UPLOAD_DIR``) are not in the database: back them up beside it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click
from flask import current_app
from flask.cli import with_appcontext
from peewee import SqliteDatabase

from tracker.core.clock import get_clock
from tracker.core.db import close_all, database


class BackupError(click.ClickException):
    """A backup or restore that could not be made; nothing was replaced."""


def _stamp() -> str:
    return get_clock().now().astimezone(get_clock().tz).strftime("%Y%m%d-%H%M%S")


def _sqlite_path() -> Path | None:
    if isinstance(database.obj, SqliteDatabase):
        return Path(database.obj.database)
    return None


def _check(path: Path) -> None:
    """Refuse a file that is not a sound SQLite database of this application."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a SQLite database ({exc})") from None
    if result != "ok":
        raise BackupError(f"{path}: integrity check failed: {result}")
    if not {"schema_migration", "assignment"} <= tables:
        raise BackupError(f"{path}: not a database of this application")


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy the database ``source`` into ``target`` with the online backup API.

    The copy is a single file (rollback journal, not WAL), so it can be moved around alone.
    """
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=1024)
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def backup_sqlite(source: Path, output: Path) -> Path:
    """A checked copy of ``source`` in ``output``; returns its path."""
    output.mkdir(parents=True, exist_ok=True)
    target = output / f"tracker-{_stamp()}.sqlite3"
    if target.exists():
        raise BackupError(f"{target} exists already; try again in a second")
    partial = target.with_name(target.name + ".partial")
    try:
        copy_sqlite(source, partial)
        _check(partial)
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _pg_parts(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password (for the command line) and the environment holding it."""
    parts = urlsplit(url.replace("postgresql+", "postgresql", 1))
    env = dict(os.environ)
    netloc = parts.netloc
    if parts.password is not None:
        env["PGPASSWORD"] = parts.password
        user = parts.username or ""
        netloc = f"{user}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(("postgresql", netloc, parts.path, parts.query, "")), env


def pg_dump_command(url: str, target: Path) -> tuple[list[str], dict[str, str]]:
    """The pg_dump command for ``url`` (only the current schema if it is not ``public``)."""
    safe_url, env = _pg_parts(url)
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", safe_url]
    schema = database.execute_sql("SELECT current_schema()").fetchone()[0]
    if schema and schema != "public":
        command.insert(-1, f"--schema={schema}")
    return command, env


def backup_postgres(url: str, output: Path) -> Path:
    """Run pg_dump into ``output``; BackupError (with the command to run) if it is missing."""
    target = output / f"tracker-{_stamp()}.dump"
    command, env = pg_dump_command(url, target)
    if shutil.which("pg_dump") is None:
        raise BackupError(
            "pg_dump is not installed here. Install the PostgreSQL client "
            "(apt-get install postgresql-client) or run on the database server:\n  "
            + " ".join(command)
        )
    output.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    if shutil.which("pg_restore"):
        listed = subprocess.run(
            ["pg_restore", "--list", str(target)], capture_output=True, text=True, check=False
        )
        if listed.returncode != 0:
            raise BackupError(f"{target}: pg_restore cannot read it: {listed.stderr.strip()}")
    return target


def _refuse_if_in_use(path: Path) -> None:
    """Refuse while another process holds the database (a transaction, a lock)."""
    conn = sqlite3.connect(path, timeout=0)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        raise BackupError(
            f"{path} is in use ({exc}). Stop the web server, the scheduler and the sender "
            "first (systemctl stop tracker-web tracker-scheduler), then restore."
        ) from None
    finally:
        conn.close()


def restore_sqlite(backup: Path, live: Path) -> Path:
    """Put ``backup`` in place of ``live``; returns the safety copy of what was there."""
    _check(backup)
    close_all()
    safety = None
    if live.exists():
        _refuse_if_in_use(live)
        safety = live.with_name(f"{live.stem}.before-restore-{_stamp()}{live.suffix}")
        copy_sqlite(live, safety)
        _check(safety)
    live.parent.mkdir(parents=True, exist_ok=True)
    # Through the backup API again: it replaces the pages under SQLite's lock and leaves
    # no stale -wal or -shm file behind, as copying the file over the old one could.
    copy_sqlite(backup, live)
    conn = sqlite3.connect(live)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        # The backup's per-unit counter versions would come back: a running worker that kept a
        # unit's counts (tracker.overview.counts) at a number later writes reach again would
        # show them. Every unit starts again at a new random number, as a new unit does.
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'counter_version'").fetchone():
            with conn:
                conn.execute("UPDATE counter_version SET version = abs(random() % 1000000000000)")
    finally:
        conn.close()
    return safety


@click.command("backup")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="directory for the backup (default: instance/backups)",
)
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Back up the database to a dated file (SQLite: online backup; PostgreSQL: pg_dump)."""
    output = output or Path(current_app.config["INSTANCE_PATH"]) / "backups"
    live = _sqlite_path()
    with database.connection_context():
        if live is not None:
            target = backup_sqlite(live, output)
        else:
            target = backup_postgres(current_app.config["DATABASE_URL"], output)
    click.echo(f"Backup written: {target}")
    click.echo("Back up the evidence files (TRACKER_UPLOAD_DIR) together with it.")


@click.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(backup: Path) -> None:
    """Replace the SQLite database with BACKUP (a safety copy of the current one is kept).

    Stop the web server, the scheduler and the sender first: restore refuses while another
    process holds the database. Afterwards run `tracker init-db` (an older backup may need
    migrations). PostgreSQL: use pg_restore (docs/deployment.md).
    """
    live = _sqlite_path()
    if live is None:
        raise BackupError(
            "PostgreSQL: restore with pg_restore into an empty database, e.g.\n"
            f"  pg_restore --no-owner --dbname=postgresql://USER@HOST/tracker {backup}"
        )
    safety = restore_sqlite(backup, live)
    if safety is not None:
        click.echo(f"Safety copy of the previous database: {safety}")
    click.echo(f"Restored {backup} into {live}. Run `tracker init-db` before starting the server.")
