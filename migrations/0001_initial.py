# Generated from a schema diff on 2026-11-28 00:06.
from peewee import *


class InstantField(DateTimeField):
    """Frozen copy of the application's InstantField as far as this migration needs it: the
    column (DATETIME on SQLite, TIMESTAMP on PostgreSQL). The migration writes no instants, so
    the conversion to naive UTC that the application's field does is not needed here."""


def up(migrator, db):
    class Unit(Model):
        name = CharField(unique=True, max_length=200)
        short_name = CharField(max_length=60)
        code = CharField(unique=True, max_length=40)
        kind = CharField(index=True, max_length=20)
        email = CharField(max_length=200, default="")
        active = BooleanField(default=True)
        sort_order = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "unit"

    db.create_tables([Unit])

    class User(Model):
        username = CharField(unique=True, max_length=60)
        full_name = CharField(max_length=200)
        email = CharField(max_length=200, default="")
        password_hash = CharField()
        role = CharField(index=True, max_length=20)
        unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
        active = BooleanField(default=True)
        locale = CharField(max_length=5, default="")
        created_at = InstantField()

        class Meta:
            database = db
            table_name = "user"

    db.create_tables([User])

    class Meeting(Model):
        title = CharField(max_length=300)
        held_on = DateField(index=True)
        place = CharField(max_length=300, default="")
        chair_name = CharField(max_length=200, default="")
        chair_title = CharField(max_length=300, default="")
        attendees = TextField(default="")
        notice_number = CharField(max_length=60, default="")
        notice_date = DateField(null=True)
        conclusion = TextField(default="")
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = InstantField()
        updated_at = InstantField()

        class Meta:
            database = db
            table_name = "meeting"

    db.create_tables([Meeting])

    class Task(Model):
        meeting = ForeignKeyField(Meeting, null=True, on_delete="RESTRICT")
        number = IntegerField()
        title = CharField(max_length=300)
        content = TextField(default="")
        field = CharField(max_length=30, default="khac")
        deadline_kind = CharField(max_length=10, default="date")
        deadline = DateField(null=True)
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = InstantField()
        updated_at = InstantField()

        class Meta:
            database = db
            table_name = "task"
            indexes = ((("meeting", "number"), False),)

    db.create_tables([Task])

    class Assignment(Model):
        task = ForeignKeyField(Task, on_delete="CASCADE")
        unit = ForeignKeyField(Unit, on_delete="RESTRICT")
        role = CharField(max_length=15, default="lead")
        status = CharField(max_length=15, default="new")
        progress = IntegerField(default=0)
        deadline = DateField(null=True)
        original_deadline = DateField(null=True)
        extension_count = IntegerField(default=0)
        completed_at = InstantField(null=True)
        completed_on = DateField(null=True)
        last_report_at = InstantField(null=True)
        created_at = InstantField()
        updated_at = InstantField()

        class Meta:
            database = db
            table_name = "assignment"
            indexes = (
                (("task", "unit"), True),
                (("unit", "status", "deadline"), False),
                (("status", "deadline"), False),
            )

    db.create_tables([Assignment])

    class AuditEvent(Model):
        actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
        action = CharField(max_length=60)
        object_type = CharField(max_length=30)
        object_id = IntegerField(null=True)
        assignment = ForeignKeyField(Assignment, null=True, on_delete="CASCADE")
        before = TextField(default="")
        after = TextField(default="")
        message = TextField(default="")
        created_at = InstantField(index=True)

        class Meta:
            database = db
            table_name = "audit_event"
            indexes = ((("object_type", "object_id"), False), (("assignment", "created_at"), False))

    db.create_tables([AuditEvent])

    class ProgressReport(Model):
        assignment = ForeignKeyField(Assignment, on_delete="CASCADE")
        author = ForeignKeyField(User, null=True, on_delete="SET NULL")
        text = TextField()
        progress = IntegerField()
        difficulties = TextField(default="")
        proposals = TextField(default="")
        created_at = InstantField()

        class Meta:
            database = db
            table_name = "progress_report"
            indexes = ((("assignment", "created_at"), False),)

    db.create_tables([ProgressReport])

    class UnitGroup(Model):
        name = CharField(unique=True, max_length=200)
        description = CharField(max_length=500, default="")

        class Meta:
            database = db
            table_name = "unit_group"

    db.create_tables([UnitGroup])

    class UnitGroupMember(Model):
        group = ForeignKeyField(UnitGroup, on_delete="CASCADE")
        unit = ForeignKeyField(Unit, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "unit_group_member"
            indexes = ((("group", "unit"), True),)

    db.create_tables([UnitGroupMember])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("unit_group_member"))
    migrator.migrate(migrator.drop_table("unit_group"))
    migrator.migrate(migrator.drop_table("progress_report"))
    migrator.migrate(migrator.drop_table("audit_event"))
    migrator.migrate(migrator.drop_table("assignment"))
    migrator.migrate(migrator.drop_table("task"))
    migrator.migrate(migrator.drop_table("meeting"))
    migrator.migrate(migrator.drop_table("user"))
    migrator.migrate(migrator.drop_table("unit"))
