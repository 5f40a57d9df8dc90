"""The drafts waiting for a unit head, found from the few pending ones (docs/performance.md):
his home page counted them by joining every assignment of his unit to its drafts."""

NAME = "report_draft_status_assignment_id"


def up(migrator, db):
    db.execute_sql(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "report_draft" ("status", "assignment_id")'
    )


def down(migrator, db):
    db.execute_sql(f'DROP INDEX IF EXISTS "{NAME}"')
