"""Security: failed logins counted in the database (login_attempt) and a session version on
each user, so logging out or changing a password ends the user's other sessions."""

from peewee import *


class InstantField(DateTimeField):
    """Frozen copy of the application's InstantField as far as this migration needs it: the
    column (DATETIME on SQLite, TIMESTAMP on PostgreSQL). The migration writes no instants, so
    the conversion to naive UTC that the application's field does is not needed here."""


def up(migrator, db):
    class LoginAttempt(Model):
        username = CharField(max_length=60)
        address = CharField(max_length=64)
        created_at = InstantField(index=True)

        class Meta:
            database = db
            table_name = "login_attempt"
            indexes = ((("username", "created_at"), False), (("address", "created_at"), False))

    db.create_tables([LoginAttempt])

    migrator.migrate(migrator.add_column("user", "session_version", IntegerField(default=1)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("user", "session_version"))
    migrator.migrate(migrator.drop_table("login_attempt"))
