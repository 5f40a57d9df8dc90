"""The office's details printed on reports (issuing body, place, number, recipients, signer):
one row an admin edits. Its writes move the data version like every page data's (0012)."""

from peewee import *

SQLITE_BUMP = "UPDATE data_version SET version = version + 1 WHERE id = 1;"


def up(migrator, db):
    class ReportLetterhead(Model):
        governing_body = CharField(max_length=200, default="")
        issuing_body = CharField(max_length=200)
        place = CharField(max_length=100)
        number_suffix = CharField(max_length=40, default="")
        recipients = TextField(default="")
        authority = CharField(max_length=100, default="")
        position = CharField(max_length=100, default="")
        signer = CharField(max_length=100, default="")

        class Meta:
            database = db
            table_name = "report_letterhead"

    db.create_tables([ReportLetterhead])
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('DROP TRIGGER IF EXISTS data_version_write ON "report_letterhead"')
        db.execute_sql(
            "CREATE TRIGGER data_version_write BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE "
            'ON "report_letterhead" FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump()'
        )
    else:
        for op in ("insert", "update", "delete"):
            db.execute_sql(
                f'CREATE TRIGGER IF NOT EXISTS "data_version_report_letterhead_{op}" '
                f'AFTER {op.upper()} ON "report_letterhead" BEGIN {SQLITE_BUMP} END'
            )


def down(migrator, db):
    migrator.migrate(migrator.drop_table("report_letterhead"))
