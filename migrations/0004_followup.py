"""The follow-up workflow: submissions, extension requests, attachments, days off and make-up
working days; tasks with working-day deadlines, reporting cadences and evidence rules;
assignments with the deadline statistics count against, urges, and reassignment history."""

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

    class ProgressReport(Model):
        class Meta:
            database = db
            table_name = "progress_report"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Submission(Model):
        assignment = ForeignKeyField(Assignment, on_delete="CASCADE")
        author = ForeignKeyField(User, null=True, on_delete="SET NULL")
        summary = TextField()
        doc_number = CharField(max_length=60, default="")
        doc_date = DateField(null=True)
        created_at = InstantField()
        decision = CharField(max_length=10, default="pending")
        decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        decided_at = InstantField(null=True)
        decision_reason = TextField(default="")

        class Meta:
            database = db
            table_name = "submission"
            indexes = ((("assignment", "created_at"), False), (("decision",), False))

    db.create_tables([Submission])

    class Attachment(Model):
        assignment = ForeignKeyField(Assignment, on_delete="CASCADE")
        submission = ForeignKeyField(Submission, null=True, on_delete="SET NULL")
        report = ForeignKeyField(ProgressReport, null=True, on_delete="SET NULL")
        original_name = CharField()
        stored_name = CharField(unique=True, max_length=80)
        content_type = CharField(max_length=100)
        size = IntegerField()
        sha256 = CharField(max_length=64)
        uploaded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = InstantField()

        class Meta:
            database = db
            table_name = "attachment"
            indexes = ((("assignment", "created_at"), False),)

    db.create_tables([Attachment])

    class CalendarDay(Model):
        day = DateField(unique=True)
        kind = CharField(max_length=5)
        note = CharField(max_length=200, default="")
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = InstantField()

        class Meta:
            database = db
            table_name = "calendar_day"

    db.create_tables([CalendarDay])

    class ExtensionRequest(Model):
        assignment = ForeignKeyField(Assignment, on_delete="CASCADE")
        requested_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        previous_deadline = DateField(null=True)
        requested_deadline = DateField()
        reason = TextField()
        created_at = InstantField()
        status = CharField(max_length=10, default="pending")
        decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        decided_at = InstantField(null=True)
        decision_reason = TextField(default="")

        class Meta:
            database = db
            table_name = "extension_request"
            indexes = ((("assignment", "created_at"), False), (("status",), False))

    db.create_tables([ExtensionRequest])

    migrator.migrate(migrator.add_column("task", "working_days", IntegerField(null=True)))
    migrator.migrate(
        migrator.add_column("task", "report_cadence", CharField(max_length=10, default=""))
    )
    migrator.migrate(migrator.add_column("task", "evidence_required", BooleanField(default=True)))
    migrator.migrate(migrator.add_column("assignment", "stats_deadline", DateField(null=True)))
    migrator.migrate(migrator.add_column("assignment", "urge_count", IntegerField(default=0)))
    migrator.migrate(
        migrator.add_column(
            "assignment",
            "previous_id",
            ForeignKeyField(Assignment, field=Assignment.id, null=True, on_delete="SET NULL"),
        )
    )

    # No extension was ever decided before this migration: statistics use the deadline as it
    # is where none was granted, and the original deadline otherwise.
    db.execute_sql(
        "UPDATE assignment SET stats_deadline = "
        "CASE WHEN extension_count = 0 THEN deadline ELSE original_deadline END"
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_index("assignment", "assignment_previous_id"))
    migrator.migrate(migrator.drop_column("assignment", "previous_id"))
    migrator.migrate(migrator.drop_column("assignment", "urge_count"))
    migrator.migrate(migrator.drop_column("assignment", "stats_deadline"))
    migrator.migrate(migrator.drop_column("task", "evidence_required"))
    migrator.migrate(migrator.drop_column("task", "report_cadence"))
    migrator.migrate(migrator.drop_column("task", "working_days"))
    migrator.migrate(migrator.drop_table("extension_request"))
    migrator.migrate(migrator.drop_table("calendar_day"))
    migrator.migrate(migrator.drop_table("attachment"))
    migrator.migrate(migrator.drop_table("submission"))
