# Generated from a schema diff on 2026-11-28 00:35.
from peewee import *


class InstantField(DateTimeField):
    """Frozen copy of the application's InstantField as far as this migration needs it: the
    column (DATETIME on SQLite, TIMESTAMP on PostgreSQL). The migration writes no instants, so
    the conversion to naive UTC that the application's field does is not needed here."""


def up(migrator, db):
    class Assignment(Model):
        class Meta:
            database = db
            table_name = "assignment"

    class Unit(Model):
        class Meta:
            database = db
            table_name = "unit"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class JobRun(Model):
        job = CharField(max_length=40)
        period = CharField(max_length=40)
        started_at = InstantField()
        finished_at = InstantField(null=True)
        queued = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "job_run"
            indexes = ((("job", "period"), True),)

    db.create_tables([JobRun])

    class MailPreference(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        kind = CharField(max_length=30)
        enabled = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "mail_preference"
            indexes = ((("user", "kind"), True),)

    db.create_tables([MailPreference])

    class OutboxMessage(Model):
        key = CharField(unique=True, max_length=200)
        kind = CharField(index=True, max_length=30)
        unit = ForeignKeyField(Unit, null=True, on_delete="CASCADE")
        user = ForeignKeyField(User, null=True, on_delete="CASCADE")
        assignment = ForeignKeyField(Assignment, null=True, on_delete="CASCADE")
        recipients = TextField(default="")
        missing_recipients = TextField(default="")
        subject = CharField(max_length=300)
        body_text = TextField()
        body_html = TextField(default="")
        status = CharField(max_length=10, default="queued")
        attempts = IntegerField(default=0)
        next_attempt_at = InstantField()
        claimed_until = InstantField(null=True)
        last_error = TextField(default="")
        created_at = InstantField(index=True)
        updated_at = InstantField()
        sent_at = InstantField(null=True)

        class Meta:
            database = db
            table_name = "outbox_message"
            indexes = ((("status", "next_attempt_at"), False),)

    db.create_tables([OutboxMessage])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("outbox_message"))
    migrator.migrate(migrator.drop_table("mail_preference"))
    migrator.migrate(migrator.drop_table("job_run"))
