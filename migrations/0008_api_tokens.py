"""Personal tokens for the JSON API (stored as SHA-256 hashes)."""

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

    class ApiToken(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        name = CharField(max_length=100)
        token_hash = CharField(max_length=64, unique=True)
        prefix = CharField(max_length=16)
        created_at = InstantField()
        last_used_at = InstantField(null=True)
        revoked_at = InstantField(null=True)

        class Meta:
            database = db
            table_name = "api_token"

    db.create_tables([ApiToken])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("api_token"))
