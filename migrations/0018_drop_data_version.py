"""No database-wide version: the whole-page cache is gone, and with it the one ``data_version``
row that triggers raised on every write to every table (0012, 0015, 0016, and the step
``tracker init-db`` ran after each migration run). On PostgreSQL every writing transaction took
that row's lock first, so a write on one unit's assignment waited for any open write on
another's. Pages are rendered from the database on every request; the per-unit counters of
0011 stay (one row per unit: writers of different units never meet there).

Drops the triggers, the PostgreSQL function and the table, each only if it is there: a database
may have lost some of them already (a table rebuilt by a SQLite migration loses its triggers).
"""

from peewee import PostgresqlDatabase

# The names the triggers were given: "data_version_<table>_<op>" on SQLite, these on PostgreSQL.
PG_TRIGGERS = (
    "data_version_write",
    "data_version_insert",
    "data_version_update",
    "data_version_delete",
    "data_version_truncate",
)


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        # Every table of the application's schema that still has one of the triggers.
        rows = db.execute_sql(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace "
            "AND t.tgname IN (" + ", ".join(["%s"] * len(PG_TRIGGERS)) + ")",
            PG_TRIGGERS,
        ).fetchall()
        for table, trigger in rows:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{trigger}" ON "{table}"')
        # CASCADE: any trigger still calling it (under another name) goes with it.
        db.execute_sql("DROP FUNCTION IF EXISTS data_version_bump() CASCADE")
    else:
        # Before the table: a trigger left behind would make every write to its table fail.
        rows = db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND (name LIKE 'data\\_version\\_%' ESCAPE '\\' OR sql LIKE '%data_version%')"
        ).fetchall()
        for (trigger,) in rows:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{trigger}"')
    db.execute_sql("DROP TABLE IF EXISTS data_version")


def down(migrator, db):
    """Nothing comes back: the application no longer reads a data version."""
