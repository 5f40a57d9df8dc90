"""A unit's list in its default order from an index (docs/performance.md, "A unit's list
without a sort"): ``(unit_id, status, deadline)`` of 0001 becomes ``(unit_id, status,
deadline, id, stats_deadline, deadline_kind)``. Each status's rows are then read already in
the list's order (deadline, then id), and the action group's conditions (the statistics
deadline, ongoing or not) are checked from the index alone, so a page reads a few index
entries per status instead of sorting every assignment of the unit
(tracker/overview/ranked.py). The new index serves everything the old one did."""

OLD = "assignment_unit_id_status_deadline"
NEW = "assignment_unit_id_status_deadline_id_stats_deadline_deadline_kind"
COLUMNS = ("unit_id", "status", "deadline", "id", "stats_deadline", "deadline_kind")


def up(migrator, db):
    cols = ", ".join(f'"{c}"' for c in COLUMNS)
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{NEW}" ON "assignment" ({cols})')
    db.execute_sql(f'DROP INDEX IF EXISTS "{OLD}"')


def down(migrator, db):
    db.execute_sql(
        f'CREATE INDEX IF NOT EXISTS "{OLD}" ON "assignment" ("unit_id", "status", "deadline")'
    )
    db.execute_sql(f'DROP INDEX IF EXISTS "{NEW}"')
