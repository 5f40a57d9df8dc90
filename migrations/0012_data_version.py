"""Performance budget: one data version, raised by triggers on every write to page data, that
the rendered pages each web process keeps are checked against (tracker/page_cache.py)."""

from peewee import *


def up(migrator, db):
    class DataVersion(Model):
        id = IntegerField(primary_key=True)
        version = BigIntegerField()

        class Meta:
            database = db
            table_name = "data_version"

    db.create_tables([DataVersion])
    from tracker.web.page_cache import ensure_triggers

    ensure_triggers(db)


def down(migrator, db):
    from tracker.web.page_cache import watched_tables

    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP FUNCTION IF EXISTS data_version_bump() CASCADE")
    else:
        for table in watched_tables(db):
            for op in ("insert", "update", "delete"):
                db.execute_sql(f'DROP TRIGGER IF EXISTS "data_version_{table}_{op}"')
    db.execute_sql("DROP TABLE IF EXISTS data_version")
