"""A handler's completion draft carries evidence files: an attachment may name the draft it
came with (until the unit head approves it, it belongs to no submission)."""

from peewee import ForeignKeyField, Model


def up(migrator, db):
    class ReportDraft(Model):
        class Meta:
            database = db
            table_name = "report_draft"

    columns = {c.name for c in db.get_columns("attachment")}
    if "draft_id" not in columns:
        field = ForeignKeyField(ReportDraft, null=True, on_delete="SET NULL", field=ReportDraft.id)
        migrator.migrate(migrator.add_column("attachment", "draft_id", field))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("attachment", "draft_id"))
