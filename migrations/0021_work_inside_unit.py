"""Work inside a unit: a unit may require its head's approval of its handlers' reports; the
officers handling an assignment with their internal deadline; the reports waiting for the
head (drafts)."""

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

    class Assignment(Model):
        class Meta:
            database = db
            table_name = "assignment"

    class AssignmentHandler(Model):
        assignment = ForeignKeyField(Assignment, backref="+", on_delete="CASCADE")
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        internal_deadline = DateField()
        assigned_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        assigned_at = InstantField()

        class Meta:
            database = db
            table_name = "assignment_handler"
            indexes = ((("assignment", "user"), True), (("user", "internal_deadline"), False))

    class ReportDraft(Model):
        assignment = ForeignKeyField(Assignment, backref="+", on_delete="CASCADE")
        author = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        kind = CharField(max_length=12)
        text = TextField(default="")
        progress = IntegerField(null=True)
        difficulties = TextField(default="")
        proposals = TextField(default="")
        doc_number = CharField(max_length=60, default="")
        doc_date = DateField(null=True)
        status = CharField(max_length=10, default="pending")
        created_at = InstantField()
        decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        decided_at = InstantField(null=True)
        decision_reason = TextField(default="")

        class Meta:
            database = db
            table_name = "report_draft"
            indexes = ((("assignment", "status"), False), (("author", "created_at"), False))

    # A default in the database itself, so rows written without the column (raw inserts,
    # bulk loads) mean "no approval needed".
    # The column type is peewee's BooleanField's: BOOLEAN on PostgreSQL, INTEGER on SQLite.
    postgres = isinstance(db, PostgresqlDatabase)
    column_type = "BOOLEAN NOT NULL DEFAULT FALSE" if postgres else "INTEGER NOT NULL DEFAULT 0"
    columns = {c.name for c in db.get_columns("unit")}
    if "requires_head_approval" not in columns:
        db.execute_sql(f'ALTER TABLE "unit" ADD COLUMN "requires_head_approval" {column_type}')
    db.create_tables([AssignmentHandler, ReportDraft], safe=True)


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "report_draft"')
    db.execute_sql('DROP TABLE IF EXISTS "assignment_handler"')
    migrator.migrate(migrator.drop_column("unit", "requires_head_approval"))
