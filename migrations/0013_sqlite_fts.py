"""SQLite's full-text index of the folded search texts: an FTS5 table per searched table
(``meeting_fts``, ``task_fts``, ``progress_report_fts``; external content: the table's
``search_text``) and the triggers that keep it current. PostgreSQL needs nothing here: its
text-search index came with migration 0006.

Before this migration, ``tracker init-db`` created these after every migration run, so a
database migrated before it may hold them all already: only what is missing is created, and
a table's index is rebuilt from its column where anything of its set was missing (writes made
while a trigger was missing are not in the index). The SQL is written out here as it was when
this migration was made.

playhouse's SQLite migrator drops a table's triggers when it rebuilds the table (a NOT NULL
column added, a default changed): a later migration that rebuilds meeting, task or
progress_report must create that table's triggers again itself, and rebuild its index."""

from peewee import *

TABLES = ("meeting", "task", "progress_report")


def statements(table):
    """The FTS5 table of ``table``'s ``search_text`` and the triggers that keep it, by name."""
    fts = f"{table}_fts"
    delete = (
        f'INSERT INTO "{fts}"("{fts}", rowid, search_text) '
        "VALUES ('delete', old.id, old.search_text);"
    )
    insert = f'INSERT INTO "{fts}"(rowid, search_text) VALUES (new.id, new.search_text);'
    return {
        fts: f'CREATE VIRTUAL TABLE "{fts}" USING fts5(search_text, '
        f"content='{table}', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
        f"{fts}_ai": f'CREATE TRIGGER "{fts}_ai" AFTER INSERT ON "{table}" BEGIN {insert} END',
        f"{fts}_ad": f'CREATE TRIGGER "{fts}_ad" AFTER DELETE ON "{table}" BEGIN {delete} END',
        f"{fts}_au": f'CREATE TRIGGER "{fts}_au" AFTER UPDATE OF search_text ON "{table}" '
        f"BEGIN {delete} {insert} END",
    }


def ensure_fts(db):
    """Create the full-text tables and triggers that are missing; return their names."""
    existing = {name for (name,) in db.execute_sql("SELECT name FROM sqlite_master")}
    created = []
    with db.atomic():
        for table in TABLES:
            missing = {k: v for k, v in statements(table).items() if k not in existing}
            if not missing:
                continue
            for sql in missing.values():
                db.execute_sql(sql)
            db.execute_sql(f'INSERT INTO "{table}_fts"("{table}_fts") VALUES (\'rebuild\')')
            created.extend(missing)
    return created


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        ensure_fts(db)


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        for table in TABLES:
            for op in ("ai", "ad", "au"):
                db.execute_sql(f'DROP TRIGGER IF EXISTS "{table}_fts_{op}"')
            db.execute_sql(f'DROP TABLE IF EXISTS "{table}_fts"')
