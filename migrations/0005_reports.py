"""Frozen reports: a period's statistics and detailed list as they stood when frozen."""

from peewee import *


class InstantField(DateTimeField):
    """Frozen copy of the application's InstantField as far as this migration needs it: the
    column (DATETIME on SQLite, TIMESTAMP on PostgreSQL). The migration writes no instants, so
    the conversion to naive UTC that the application's field does is not needed here."""


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class FrozenReport(Model):
        title = CharField(max_length=300)
        params = TextField()
        period_start = DateField()
        period_end = DateField()
        as_of = DateField()
        summary = TextField()
        detail = TextField()
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = InstantField(index=True)

        class Meta:
            database = db
            table_name = "frozen_report"

    db.create_tables([FrozenReport])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("frozen_report"))
