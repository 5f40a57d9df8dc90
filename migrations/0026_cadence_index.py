"""The tasks whose ongoing work reports on a cadence, found without reading every task
(docs/performance.md, "The weekly digests at a million tasks"): a weekly digest sets that
work apart from the rest of the open work, and at a million tasks its question to the tasks
read the whole task table. A partial index: only the tasks with a cadence are in it."""

NAME = "task_with_cadence"


def up(migrator, db):
    where = "\"report_cadence\" <> ''"
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "task" ("id") WHERE {where}')


def down(migrator, db):
    db.execute_sql(f'DROP INDEX IF EXISTS "{NAME}"')
