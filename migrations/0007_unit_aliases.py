"""Unit aliases (other names a notice may use for a unit) and the notice drafts a secretary
reviews before they become tasks."""

from peewee import *


class InstantField(DateTimeField):
    """Frozen copy of the application's InstantField as far as this migration needs it: the
    column (DATETIME on SQLite, TIMESTAMP on PostgreSQL). The migration writes no instants, so
    the conversion to naive UTC that the application's field does is not needed here."""


def up(migrator, db):
    migrator.migrate(migrator.add_column("unit", "aliases", TextField(default="")))

    class Meeting(Model):
        class Meta:
            database = db
            table_name = "meeting"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class NoticeDraft(Model):
        meeting = ForeignKeyField(Meeting, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")
        source = TextField(default="")
        data = TextField(default="[]")
        created_at = InstantField()
        updated_at = InstantField()

        class Meta:
            database = db
            table_name = "notice_draft"
            indexes = ((("meeting", "user"), True),)

    db.create_tables([NoticeDraft])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("notice_draft"))
    migrator.migrate(migrator.drop_column("unit", "aliases"))
