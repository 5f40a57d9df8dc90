"""Performance budget: per-unit versions of the timeliness counts, kept by database triggers
(see tracker.models.counters), and the indexes the overview, the overdue list and the unit
lists use.

The triggers' SQL is written out here as it was when this migration was made, so what this
migration creates never changes with the application's code."""

from peewee import *

# A unit's version is raised on every INSERT and DELETE of its assignments, and on every
# UPDATE that changes a column a timeliness category depends on (status, stats_deadline,
# completed_on, deadline_kind, unit_id); a new row starts at a random version.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS counter_assignment_insert AFTER INSERT ON assignment "
    "BEGIN INSERT INTO counter_version (unit_id, version) SELECT NEW.unit_id, "
    "abs(random() % 1000000000000) WHERE NEW.unit_id IS NOT NULL "
    "ON CONFLICT (unit_id) DO UPDATE SET version = counter_version.version + 1; END",
    "CREATE TRIGGER IF NOT EXISTS counter_assignment_delete AFTER DELETE ON assignment "
    "BEGIN INSERT INTO counter_version (unit_id, version) SELECT OLD.unit_id, "
    "abs(random() % 1000000000000) WHERE OLD.unit_id IS NOT NULL "
    "ON CONFLICT (unit_id) DO UPDATE SET version = counter_version.version + 1; END",
    "CREATE TRIGGER IF NOT EXISTS counter_assignment_update AFTER UPDATE ON assignment "
    "WHEN OLD.status IS NOT NEW.status OR OLD.stats_deadline IS NOT NEW.stats_deadline "
    "OR OLD.completed_on IS NOT NEW.completed_on OR OLD.deadline_kind IS NOT NEW.deadline_kind "
    "OR OLD.unit_id IS NOT NEW.unit_id "
    "BEGIN INSERT INTO counter_version (unit_id, version) SELECT OLD.unit_id, "
    "abs(random() % 1000000000000) WHERE OLD.unit_id IS NOT NULL "
    "ON CONFLICT (unit_id) DO UPDATE SET version = counter_version.version + 1; "
    "INSERT INTO counter_version (unit_id, version) SELECT NEW.unit_id, "
    "abs(random() % 1000000000000) WHERE NEW.unit_id IS NOT NULL "
    "AND NEW.unit_id IS NOT OLD.unit_id "
    "ON CONFLICT (unit_id) DO UPDATE SET version = counter_version.version + 1; END",
)

PG_TRIGGERS = (
    """
CREATE OR REPLACE FUNCTION counter_version_bump() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.unit_id IS NOT NULL THEN
    INSERT INTO counter_version (unit_id, version)
    VALUES (OLD.unit_id, floor(random() * 1000000000000)::bigint)
    ON CONFLICT (unit_id) DO UPDATE SET version = counter_version.version + 1;
  END IF;
  IF (TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.unit_id IS DISTINCT FROM OLD.unit_id))
     AND NEW.unit_id IS NOT NULL THEN
    INSERT INTO counter_version (unit_id, version)
    VALUES (NEW.unit_id, floor(random() * 1000000000000)::bigint)
    ON CONFLICT (unit_id) DO UPDATE SET version = counter_version.version + 1;
  END IF;
  RETURN NULL;
END $$
""",
    "DROP TRIGGER IF EXISTS counter_assignment_write ON assignment",
    "CREATE TRIGGER counter_assignment_write AFTER INSERT OR DELETE ON assignment "
    "FOR EACH ROW EXECUTE FUNCTION counter_version_bump()",
    "DROP TRIGGER IF EXISTS counter_assignment_update ON assignment",
    "CREATE TRIGGER counter_assignment_update AFTER UPDATE ON assignment FOR EACH ROW "
    "WHEN (OLD.status IS DISTINCT FROM NEW.status "
    "OR OLD.stats_deadline IS DISTINCT FROM NEW.stats_deadline "
    "OR OLD.completed_on IS DISTINCT FROM NEW.completed_on "
    "OR OLD.deadline_kind IS DISTINCT FROM NEW.deadline_kind "
    "OR OLD.unit_id IS DISTINCT FROM NEW.unit_id) "
    "EXECUTE FUNCTION counter_version_bump()",
)


def up(migrator, db):
    class CounterVersion(Model):
        unit_id = IntegerField(primary_key=True)
        version = BigIntegerField()

        class Meta:
            database = db
            table_name = "counter_version"

    db.create_tables([CounterVersion])
    postgres = isinstance(db, PostgresqlDatabase)
    for sql in PG_TRIGGERS if postgres else SQLITE_TRIGGERS:
        db.execute_sql(sql)
    # A version for every unit that already has assignments.
    start = (
        "floor(random() * 1000000000000)::bigint" if postgres else "abs(random() % 1000000000000)"
    )
    db.execute_sql(
        f"INSERT INTO counter_version (unit_id, version) "
        f"SELECT DISTINCT unit_id, {start} FROM assignment WHERE unit_id IS NOT NULL "
        f"ON CONFLICT (unit_id) DO NOTHING"
    )
    migrator.migrate(
        migrator.add_index("assignment", ("stats_deadline",), False),
        migrator.add_index("assignment", ("unit_id", "deadline"), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("assignment", "assignment_stats_deadline"),
        migrator.drop_index("assignment", "assignment_unit_id_deadline"),
    )
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP FUNCTION IF EXISTS counter_version_bump() CASCADE")
    else:
        for name in ("insert", "delete", "update"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS counter_assignment_{name}")
    db.execute_sql("DROP TABLE IF EXISTS counter_version")
