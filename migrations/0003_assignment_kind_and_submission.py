"""Assignments carry their task's deadline kind (ongoing work has its own category) and the
time of their latest submission (the completion time once a leader confirms it)."""

from peewee import *


class InstantField(DateTimeField):
    """Frozen copy of the application's InstantField as far as this migration needs it: the
    column (DATETIME on SQLite, TIMESTAMP on PostgreSQL). The migration writes no instants, so
    the conversion to naive UTC that the application's field does is not needed here."""


def up(migrator, db):
    migrator.migrate(
        migrator.add_column(
            "assignment", "deadline_kind", CharField(max_length=10, default="date")
        ),
        migrator.add_column("assignment", "submitted_at", InstantField(null=True)),
    )
    db.execute_sql(
        "UPDATE assignment SET deadline_kind = "
        "(SELECT task.deadline_kind FROM task WHERE task.id = assignment.task_id)"
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("assignment", "submitted_at"),
        migrator.drop_column("assignment", "deadline_kind"),
    )
