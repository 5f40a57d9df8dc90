"""The office's settings chosen by an admin (/admin/settings): one row per saved setting; a
setting without a row has its default. The first is whether the units of a shared task see
each other's progress (off)."""

from peewee import *


class InstantField(DateTimeField):
    """Frozen copy of the application's InstantField as far as this migration needs it: the
    column (DATETIME on SQLite, TIMESTAMP on PostgreSQL). The migration writes no instants."""


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Setting(Model):
        key = CharField(max_length=50, unique=True)
        value = CharField(max_length=200, default="")
        updated_at = InstantField()
        updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "setting"

    db.create_tables([Setting])
    # A saved setting changes what pages show: its writes move the page cache's data version
    # (the triggers of migration 0012, for this table).
    bump = "UPDATE data_version SET version = version + 1 WHERE id = 1;"
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('DROP TRIGGER IF EXISTS data_version_write ON "setting"')
        db.execute_sql(
            "CREATE TRIGGER data_version_write BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE "
            'ON "setting" FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump()'
        )
    else:
        for op in ("insert", "update", "delete"):
            db.execute_sql(
                f'CREATE TRIGGER IF NOT EXISTS "data_version_setting_{op}" AFTER {op.upper()} '
                f'ON "setting" BEGIN {bump} END'
            )


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "setting"')  # its triggers go with it
