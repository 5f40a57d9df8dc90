"""Outgoing webhooks (tracker/webhooks/): the ``webhook`` table, and outbox messages that are a
webhook's delivery rather than a mail (``channel`` 'webhook', the ``webhook_id`` it goes to)."""

from peewee import *


class InstantField(DateTimeField):
    """Frozen copy of the application's InstantField as far as this migration needs it: the
    column (DATETIME on SQLite, TIMESTAMP on PostgreSQL). The migration writes no instants."""


def up(migrator, db):
    class Unit(Model):
        class Meta:
            database = db
            table_name = "unit"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Webhook(Model):
        name = CharField(max_length=100)
        url = CharField(max_length=500)
        secret = CharField(max_length=64)
        scope = CharField(max_length=10, default="all")
        unit = ForeignKeyField(Unit, null=True, backref="+", on_delete="CASCADE")
        user = ForeignKeyField(User, null=True, backref="+", on_delete="CASCADE")
        events = TextField(default="")
        active = BooleanField(default=True)
        created_at = InstantField()

        class Meta:
            database = db
            table_name = "webhook"

    db.create_tables([Webhook])
    # Plain ALTERs on both databases: playhouse's SQLite migrator would rebuild the outbox
    # for the NOT NULL column, and a rebuild drops a table's triggers.
    db.execute_sql(
        'ALTER TABLE "outbox_message" ADD COLUMN "channel" VARCHAR(10) NOT NULL DEFAULT \'mail\''
    )
    db.execute_sql(
        'ALTER TABLE "outbox_message" ADD COLUMN "webhook_id" INTEGER '
        'REFERENCES "webhook" ("id") ON DELETE SET NULL'
    )
    db.execute_sql(
        'CREATE INDEX IF NOT EXISTS "outbox_message_webhook_id" ON "outbox_message" ("webhook_id")'
    )


def down(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "outbox_message_webhook_id"')
    migrator.migrate(
        migrator.drop_column("outbox_message", "webhook_id"),
        migrator.drop_column("outbox_message", "channel"),
    )
    db.execute_sql('DROP TABLE IF EXISTS "webhook"')
