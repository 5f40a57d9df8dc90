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
            table_name = 'user'

    class Setting(Model):
        key = CharField(max_length=50, unique=True)
        value = CharField(max_length=200, default='')
        updated_at = InstantField()
        updated_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')

        class Meta:
            database = db
            table_name = 'setting'

    db.create_tables([Setting])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('setting'))
