"""Notifications in the application (the bell) and each user's choice of their kinds."""

from peewee import *


class InstantField(DateTimeField):
    """Frozen copy of the application's InstantField as far as this migration needs it: the
    column (DATETIME on SQLite, TIMESTAMP on PostgreSQL). The migration writes no instants."""


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Assignment(Model):
        class Meta:
            database = db
            table_name = "assignment"

    class Notification(Model):
        key = CharField(max_length=240, unique=True)
        recipient = ForeignKeyField(User, on_delete="CASCADE", index=False)
        kind = CharField(max_length=30)
        assignment = ForeignKeyField(Assignment, null=True, on_delete="CASCADE")
        title = CharField(max_length=300)
        created_at = InstantField()
        read_at = InstantField(null=True)

        class Meta:
            database = db
            table_name = "notification"
            indexes = ((("recipient", "read_at", "created_at"), False),)

    class NotificationPreference(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        kind = CharField(max_length=30)
        enabled = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "notification_preference"
            indexes = ((("user", "kind"), True),)

    db.create_tables([Notification, NotificationPreference])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("notification_preference"))
    migrator.migrate(migrator.drop_table("notification"))
