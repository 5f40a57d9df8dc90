"""Per-unit version of the data the timeliness counts are computed from (see
tracker.overview.counts).

Database triggers on ``assignment`` raise a unit's version on every insert, delete and every
update of a column the counts depend on, whichever code (or SQL) made the change; the counts
cached for a unit are used only while its version is the one they were computed at. Their SQL
lives here, beside the table they write: a database built from the models gets them from
``CounterVersion.create_table``; migration 0011 created them with its own copy of this SQL.
"""

from __future__ import annotations

from peewee import BigIntegerField, Database, IntegerField, PostgresqlDatabase

from tracker.core.db import BaseModel

# The columns of ``assignment`` that decide a row's timeliness category.
WATCHED = ("status", "stats_deadline", "completed_on", "deadline_kind", "unit_id")

_SQLITE_BUMP = (
    "INSERT INTO counter_version (unit_id, version) SELECT {row}.unit_id, "
    "abs(random() % 1000000000000) WHERE {row}.unit_id IS NOT NULL {extra}"
    "ON CONFLICT (unit_id) DO UPDATE SET version = counter_version.version + 1;"
)


def _sqlite_triggers() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    new, old = _SQLITE_BUMP.format(row="NEW", extra=""), _SQLITE_BUMP.format(row="OLD", extra="")
    moved = _SQLITE_BUMP.format(row="NEW", extra="AND NEW.unit_id IS NOT OLD.unit_id ")
    return [
        f"CREATE TRIGGER IF NOT EXISTS counter_assignment_insert AFTER INSERT ON assignment "
        f"BEGIN {new} END",
        f"CREATE TRIGGER IF NOT EXISTS counter_assignment_delete AFTER DELETE ON assignment "
        f"BEGIN {old} END",
        f"CREATE TRIGGER IF NOT EXISTS counter_assignment_update AFTER UPDATE ON assignment "
        f"WHEN {changed} BEGIN {old} {moved} END",
    ]


_PG_FUNCTION = """
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
"""


def _pg_triggers() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
    return [
        _PG_FUNCTION,
        "DROP TRIGGER IF EXISTS counter_assignment_write ON assignment",
        "CREATE TRIGGER counter_assignment_write AFTER INSERT OR DELETE ON assignment "
        "FOR EACH ROW EXECUTE FUNCTION counter_version_bump()",
        "DROP TRIGGER IF EXISTS counter_assignment_update ON assignment",
        f"CREATE TRIGGER counter_assignment_update AFTER UPDATE ON assignment "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION counter_version_bump()",
    ]


def create_triggers(db: Database) -> None:
    """Create the triggers on ``assignment`` (once it exists); idempotent."""
    db = getattr(db, "obj", None) or db  # the models' DatabaseProxy: the database behind it
    if "assignment" not in db.get_tables():
        return
    statements = _pg_triggers() if isinstance(db, PostgresqlDatabase) else _sqlite_triggers()
    for sql in statements:
        db.execute_sql(sql)


class CounterVersion(BaseModel):
    """One row per unit that has (or had) assignments; ``version`` changes with them."""

    unit_id = IntegerField(primary_key=True)
    version = BigIntegerField()

    class Meta:
        table_name = "counter_version"

    @classmethod
    def create_table(cls, safe: bool = True, **options) -> None:
        """The table, and the triggers that keep it current (as migration 0011 creates them)."""
        super().create_table(safe=safe, **options)
        create_triggers(cls._meta.database)
