"""Indexes the hot statements need on a province's data (docs/performance.md, "The hot
statements"): the timeliness counts of every unit (the leader's home, a unit's counters, the
report's per-unit summary) read from one narrow index instead of the whole table, and the
report's monthly trend of completions finds a year's completions by their date."""

INDEXES = {
    # unit first: the counts are grouped by unit, a unit's counters filter on it; the other
    # columns are every column a timeliness category or the report's period reads.
    "assignment_hot_counts": (
        "assignment",
        ("unit_id", "status", "deadline_kind", "stats_deadline", "completed_on", "created_at"),
    ),
    "assignment_completed_on": ("assignment", ("completed_on",)),
}


def up(migrator, db):
    for name, (table, columns) in INDEXES.items():
        cols = ", ".join(f'"{c}"' for c in columns)
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({cols})')


def down(migrator, db):
    for name in INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
