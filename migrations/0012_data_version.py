"""Performance budget: one data version, raised by triggers on every write to page data, that
the rendered pages each web process keeps are checked against (see tracker.web.page_cache).

The triggers' SQL is written out here as it was when this migration was made, so what this
migration creates never changes with the application's code. Tables made after this
migration get their triggers from the step ``tracker init-db`` runs after the migrations."""

from peewee import *

# Tables no page shows, or written by the triggers themselves.
EXCLUDED = frozenset({"login_attempt", "counter_version", "data_version", "schema_migration"})
# Tables of which only the rows with this column set are page data.
ROWS_WITH = {"audit_event": "assignment_id"}

SQLITE_BUMP = "UPDATE data_version SET version = version + 1 WHERE id = 1;"

# SET search_path FROM CURRENT: the function finds data_version in the application's schema
# whoever writes (a maintenance session with another search_path included).
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE data_version SET version = version + 1 WHERE id = 1;
  RETURN COALESCE(NEW, OLD);  -- a BEFORE row trigger returning NULL would skip the row
END $$
"""


def fresh_version(postgres):
    """SQL for a random starting version below 2**62 (room for 2**62 writes after it)."""
    if postgres:
        return "floor(random() * 4611686018427387904)::bigint"
    return "abs(random() % 4611686018427387904)"


def watched_tables(db):
    """The tables whose writes move the data version."""
    return [
        t
        for t in db.get_tables()
        if t not in EXCLUDED and "_fts" not in t and not t.startswith("sqlite_")
    ]


def sqlite_triggers(table):
    column = ROWS_WITH.get(table)
    conditions = {
        "insert": f"WHEN NEW.{column} IS NOT NULL " if column else "",
        "update": f"WHEN OLD.{column} IS NOT NULL OR NEW.{column} IS NOT NULL " if column else "",
        "delete": f"WHEN OLD.{column} IS NOT NULL " if column else "",
    }
    return [
        f'CREATE TRIGGER IF NOT EXISTS "data_version_{table}_{op}" AFTER {op.upper()} '
        f'ON "{table}" {when}BEGIN {SQLITE_BUMP} END'
        for op, when in conditions.items()
    ]


def pg_triggers(table):
    column = ROWS_WITH.get(table)
    run = "EXECUTE FUNCTION data_version_bump()"
    if not column:
        triggers = {
            "data_version_write": "BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE FOR EACH STATEMENT"
        }
    else:  # row triggers, to look at the row; BEFORE as well, for the same lock order
        triggers = {
            "data_version_insert": f"BEFORE INSERT FOR EACH ROW WHEN (NEW.{column} IS NOT NULL)",
            "data_version_update": "BEFORE UPDATE FOR EACH ROW "
            f"WHEN (OLD.{column} IS NOT NULL OR NEW.{column} IS NOT NULL)",
            "data_version_delete": f"BEFORE DELETE FOR EACH ROW WHEN (OLD.{column} IS NOT NULL)",
            "data_version_truncate": "BEFORE TRUNCATE FOR EACH STATEMENT",
        }
    statements = []
    for name, when in triggers.items():
        # DROP and CREATE (CREATE OR REPLACE TRIGGER needs PostgreSQL 14).
        timing, _sep, rest = when.partition(" FOR EACH ")
        statements.append(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
        statements.append(f'CREATE TRIGGER {name} {timing} ON "{table}" FOR EACH {rest} {run}')
    return statements


def up(migrator, db):
    class DataVersion(Model):
        id = IntegerField(primary_key=True)
        version = BigIntegerField()

        class Meta:
            database = db
            table_name = "data_version"

    db.create_tables([DataVersion])
    postgres = isinstance(db, PostgresqlDatabase)
    db.execute_sql(
        f"INSERT INTO data_version (id, version) VALUES (1, {fresh_version(postgres)}) "
        f"ON CONFLICT (id) DO UPDATE SET version = {fresh_version(postgres)}"
    )
    if postgres:
        db.execute_sql(PG_FUNCTION)
    for table in watched_tables(db):
        for sql in pg_triggers(table) if postgres else sqlite_triggers(table):
            db.execute_sql(sql)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP FUNCTION IF EXISTS data_version_bump() CASCADE")
    else:
        for table in watched_tables(db):
            for op in ("insert", "update", "delete"):
                db.execute_sql(f'DROP TRIGGER IF EXISTS "data_version_{table}_{op}"')
    db.execute_sql("DROP TABLE IF EXISTS data_version")
