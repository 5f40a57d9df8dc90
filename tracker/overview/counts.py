"""Timeliness counts per unit, cached per process and never stale.

The leader's overview counts every assignment of every unit by timeliness category; the
officer's home counts its unit's. Both read the counts through ``category_counts_by_unit``:

* Database triggers on ``assignment`` (created by migration 0011, and by
  ``CounterVersion.create_table`` for databases built from the models) raise the unit's row in
  ``counter_version`` on every INSERT and DELETE and on every UPDATE that changes a column a
  category depends on (status, statistics deadline, completion date, deadline kind, unit). They
  fire for every write path: the workflow, bulk updates, cascading deletes, raw SQL, other
  processes and other machines.
* Each process keeps, per unit, the counts with the key they were computed for: the unit's
  version, the local date and the due-soon window (due soon and overdue change with the date
  even when no row changes). A request reads the versions (one small query) and recomputes,
  in one grouped query, only the units whose key differs.

Versions start at a random number, so a database rebuilt from scratch (tests, a restore)
cannot meet counts cached for an earlier database with the same unit ids; the cache is also
held by the database object itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from peewee import Database, PostgresqlDatabase

from tracker.assignments.queries import category_counts, category_sums
from tracker.core import timeliness
from tracker.core.db import database
from tracker.models import Assignment, CounterVersion

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
    """Create the triggers on ``assignment`` (once it exists); the same SQL for every path."""
    db = getattr(db, "obj", None) or db  # the models' DatabaseProxy: the database behind it
    if "assignment" not in db.get_tables():
        return
    statements = _pg_triggers() if isinstance(db, PostgresqlDatabase) else _sqlite_triggers()
    for sql in statements:
        db.execute_sql(sql)


def backfill(db: Database) -> None:
    """A version for every unit that already has assignments (migration 0011)."""
    start = (
        "floor(random() * 1000000000000)::bigint"
        if isinstance(db, PostgresqlDatabase)
        else "abs(random() % 1000000000000)"
    )
    db.execute_sql(
        f"INSERT INTO counter_version (unit_id, version) "
        f"SELECT DISTINCT unit_id, {start} FROM assignment WHERE unit_id IS NOT NULL "
        f"ON CONFLICT (unit_id) DO NOTHING"
    )


def _cache() -> dict[int, tuple[tuple, dict[str, int]]]:
    # Held by the database object: a database bound anew starts with an empty cache.
    db = database.obj
    cache = getattr(db, "_tracker_category_cache", None)
    if cache is None:
        cache = {}
        db._tracker_category_cache = cache
    return cache


def _compute(unit_ids: list[int], today: date, window: int, everyone: bool) -> dict[int, dict]:
    query = (
        Assignment.select(Assignment.unit.alias("unit_id"), *category_sums(today, window))
        .where(Assignment.status != "cancelled")
        .group_by(Assignment.unit)
    )
    if not everyone:
        query = query.where(Assignment.unit.in_(unit_ids))
    rows = {row["unit_id"]: category_counts(row) for row in query.dicts()}
    zero = dict.fromkeys(timeliness.ORDER, 0)
    return {unit_id: rows.get(unit_id, dict(zero)) for unit_id in unit_ids}


def category_counts_by_unit(
    unit_ids: Iterable[int], today: date, window: int
) -> dict[int, dict[str, int]]:
    """For each unit, how many of its (non-cancelled) assignments fall in each category.

    At most two queries: the units' versions, then the counts of the units not cached at
    their current version for ``today`` and ``window``.
    """
    unit_ids = list(dict.fromkeys(unit_ids))
    if not unit_ids:
        return {}
    wanted = CounterVersion.select(CounterVersion.unit_id, CounterVersion.version)
    if len(unit_ids) <= 50:
        wanted = wanted.where(CounterVersion.unit_id.in_(unit_ids))
    versions = dict(wanted.tuples())
    cache = _cache()
    result: dict[int, dict[str, int]] = {}
    stale: list[int] = []
    for unit_id in unit_ids:
        # A unit without a version row is never cached (its counts are computed each time).
        key = (versions.get(unit_id), today, window)
        hit = cache.get(unit_id)
        if key[0] is not None and hit is not None and hit[0] == key:
            result[unit_id] = hit[1]
        else:
            stale.append(unit_id)
    if stale:
        everyone = len(stale) > 50
        for unit_id, counts in _compute(stale, today, window, everyone).items():
            version = versions.get(unit_id)
            if version is not None:
                cache[unit_id] = ((version, today, window), counts)
            result[unit_id] = counts
    return {unit_id: dict(result[unit_id]) for unit_id in unit_ids}
