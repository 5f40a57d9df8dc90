"""The migrations build exactly the models' schema, and migrating a database keeps its rows."""

from __future__ import annotations

import ast
import os
import sys

import pytest
from peewee import PostgresqlDatabase
from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from tracker.core import db
from tracker.models import MODELS
from tracker.ops.migrate import MIGRATIONS_DIR, migrate

PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL", "")


def _schema_name(database) -> str | None:
    if isinstance(database, PostgresqlDatabase):
        return database.execute_sql("SELECT current_schema()").fetchone()[0]
    return None


def _normalise_type(data_type: str) -> str:
    return data_type.lower().replace("character varying", "varchar").split("(")[0].strip()


def describe(database) -> dict:
    """Tables → columns (type, null, pk), indexes (columns, unique), foreign keys."""
    schema = _schema_name(database)
    described = {}
    for model in MODELS:
        table = model._meta.table_name
        columns = sorted(
            (c.name, _normalise_type(c.data_type), c.null, c.primary_key)
            for c in database.get_columns(table, schema)
        )
        indexes = sorted((tuple(i.columns), i.unique) for i in database.get_indexes(table, schema))
        fks = sorted(
            (f.column, f.dest_table, f.dest_column)
            for f in database.get_foreign_keys(table, schema)
        )
        described[table] = {"columns": columns, "indexes": indexes, "foreign_keys": fks}
    return described


@pytest.fixture
def two_databases(tmp_path):
    """Two empty databases: (migrated, created from the models)."""
    if PG_URL:
        import psycopg2

        names = [f"mig_{os.getpid()}_a", f"mig_{os.getpid()}_b"]
        conn = psycopg2.connect(PG_URL)
        conn.autocommit = True
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE; CREATE SCHEMA "{name}"')
        sep = "&" if "?" in PG_URL else "?"
        urls = [f"{PG_URL}{sep}options=-csearch_path%3D{name}" for name in names]
        yield urls
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        conn.close()
    else:
        yield [f"sqlite:///{tmp_path / 'a.sqlite3'}", f"sqlite:///{tmp_path / 'b.sqlite3'}"]


# What a migration may import: it must mean the same thing forever, whatever the application's
# code becomes, so it carries its own copy of anything else it needs.
ALLOWED_IMPORTS = frozenset({"peewee", "playhouse"}) | sys.stdlib_module_names


def imported_modules(path) -> list[str]:
    """Every module a Python file imports (in functions too); relative imports as ``.name``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append("." * node.level + (node.module or ""))
    return found


def test_migrations_import_only_peewee_playhouse_and_the_standard_library():
    paths = sorted(MIGRATIONS_DIR.glob("*.py"))
    assert len(paths) >= 12
    foreign = [
        (path.name, name)
        for path in paths
        for name in imported_modules(path)
        if name.startswith(".") or name.partition(".")[0] not in ALLOWED_IMPORTS
    ]
    assert foreign == []


def test_migrated_schema_equals_models_schema(two_databases):
    migrated_url, models_url = two_databases
    db.bind(migrated_url)
    migrate()
    with db.database.connection_context():
        migrated = describe(db.database.obj)
        assert not diff_models(db.database.obj, MODELS)

    db.bind(models_url)
    with db.database.connection_context():
        db.database.create_tables(MODELS)
        from_models = describe(db.database.obj)

    assert migrated == from_models


def _triggers(database) -> set[tuple[str, str]]:
    """(table, trigger) of every trigger in the database (its current schema on PostgreSQL)."""
    if isinstance(database, PostgresqlDatabase):
        sql = (
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
        )
    else:
        sql = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
    return set(database.execute_sql(sql).fetchall())


def test_the_migrations_alone_create_every_trigger(two_databases):
    """playhouse's Runner, without the step migrate() adds, leaves the same triggers."""
    alone_url, migrated_url = two_databases
    db.bind(alone_url)
    with db.database.connection_context():
        Runner(db.database.obj, directory=str(MIGRATIONS_DIR)).up()
        alone = _triggers(db.database.obj)
    db.bind(migrated_url)
    migrate()
    with db.database.connection_context():
        migrated = _triggers(db.database.obj)
    assert ("assignment", "counter_assignment_update") in alone
    assert alone == migrated


def test_migrate_is_idempotent(two_databases):
    db.bind(two_databases[0])
    assert migrate()
    assert migrate() == []


# Rows written with the columns of the first migration only, so this test keeps working as
# later migrations change the schema: every later migration must keep them.
BASE_ROWS = [
    (
        "unit",
        {
            "id": 1,
            "name": "UBND phường Sở Dầu",
            "short_name": "Sở Dầu",
            "code": "sodau",
            "kind": "ward",
            "email": "",
            "active": True,
            "sort_order": 0,
        },
    ),
    (
        "unit",
        {
            "id": 2,
            "name": "Phòng Nội vụ",
            "short_name": "Nội vụ",
            "code": "noivu",
            "kind": "department",
            "email": "",
            "active": True,
            "sort_order": 0,
        },
    ),
    ("unit_group", {"id": 1, "name": "UBND các phường", "description": ""}),
    ("unit_group_member", {"id": 1, "group_id": 1, "unit_id": 1}),
    (
        "user",
        {
            "id": 1,
            "username": "p.sodau",
            "full_name": "Cán bộ Sở Dầu",
            "email": "",
            "password_hash": "x",
            "role": "officer",
            "unit_id": 1,
            "active": True,
            "locale": "",
            "created_at": "2022-04-26 04:00:00",
        },
    ),
    (
        "meeting",
        {
            "id": 1,
            "title": "Họp Ban Chỉ đạo CCHC",
            "held_on": "2022-04-26",
            "place": "",
            "chair_name": "",
            "chair_title": "",
            "attendees": "",
            "notice_number": "45/TB-UBND",
            "notice_date": None,
            "conclusion": "…",
            "created_by_id": None,
            "created_at": "2022-04-26 04:00:00",
            "updated_at": "2022-04-26 04:00:00",
        },
    ),
    (
        "task",
        {
            "id": 1,
            "meeting_id": 1,
            "number": 1,
            "title": "Tuyên truyền CCHC",
            "content": "",
            "field": "khac",
            "deadline_kind": "ongoing",
            "deadline": None,
            "created_by_id": None,
            "created_at": "2022-04-26 04:00:00",
            "updated_at": "2022-04-26 04:00:00",
        },
    ),
    (
        "assignment",
        {
            "id": 1,
            "task_id": 1,
            "unit_id": 1,
            "role": "lead",
            "status": "in_progress",
            "progress": 40,
            "deadline": None,
            "original_deadline": None,
            "extension_count": 0,
            "completed_at": None,
            "completed_on": None,
            "last_report_at": None,
            "created_at": "2022-04-26 04:00:00",
            "updated_at": "2022-04-26 04:00:00",
        },
    ),
    (
        "progress_report",
        {
            "id": 1,
            "assignment_id": 1,
            "author_id": 1,
            "text": "Đã triển khai",
            "progress": 40,
            "difficulties": "",
            "proposals": "",
            "created_at": "2022-05-02 02:00:00",
        },
    ),
    (
        "audit_event",
        {
            "id": 1,
            "actor_id": 1,
            "action": "report",
            "object_type": "assignment",
            "object_id": 1,
            "assignment_id": 1,
            "before": "",
            "after": "",
            "message": "",
            "created_at": "2022-05-02 02:00:00",
        },
    ),
]


def insert_base_rows(database) -> None:
    """``BASE_ROWS`` written as the first migration's tables take them (plain SQL: the
    models describe the last migration's tables)."""
    mark = "%s" if isinstance(database, PostgresqlDatabase) else "?"
    for table, row in BASE_ROWS:
        cols = ", ".join(f'"{c}"' for c in row)
        database.execute_sql(
            f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join([mark] * len(row))})',
            list(row.values()),
        )


def test_migrating_a_database_with_rows_loses_none(two_databases):
    db.bind(two_databases[0])
    database = db.database.obj
    with db.database.connection_context():
        runner = Runner(database, directory=str(MIGRATIONS_DIR))
        migrations = runner.migrations()
        runner.up(migrations[0].name)
        insert_base_rows(database)
        before = {
            t: database.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
            for t, _ in BASE_ROWS
        }
        runner.up()
        after = {
            t: database.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
            for t, _ in BASE_ROWS
        }
    # 0020 gives each unit kind with units its own group: the wards' group is the one of the
    # rows ("UBND các phường", kept with its member), the departments' is new.
    grown = {"unit_group": 1, "unit_group_member": 1}
    assert after == {t: n + grown.get(t, 0) for t, n in before.items()}
    # The rows read back through today's models.
    from tracker.models import Assignment, ProgressReport, Unit, UnitGroup, UnitKind

    with db.database.connection_context():
        assignment = Assignment.get_by_id(1)
        assert assignment.unit.code == "sodau" and assignment.task.meeting.notice_number
        # 0003 copied the task's deadline kind onto its assignment.
        assert assignment.deadline_kind == "ongoing"
        # 0004 set the deadline statistics count against.
        assert assignment.stats_deadline == assignment.deadline
        assert ProgressReport.get_by_id(1).assignment_id == 1
        wards = UnitGroup.get_by_id(1)
        assert wards.name == "UBND các phường" and wards.kind.code == "ward"
        assert [u.code for u in wards.units()] == ["sodau"]
        departments = UnitGroup.get(UnitGroup.kind == UnitKind.get(UnitKind.code == "department"))
        assert departments.name == "Các phòng, ban chuyên môn"
        assert [u.code for u in departments.units()] == ["noivu"]
        assert UnitGroup.get_or_none(UnitGroup.name == "Các cơ quan, đơn vị") is None  # no agency
        # The units keep their kind, now a row with the labels pages show.
        assert Unit.get_by_id(1).kind_label == "UBND phường"
        assert [u.code for u in Unit.ordered()] == ["noivu", "sodau"]
        # 0028: the unit given work before the counters' triggers (0011) has its version, so
        # the leader's summary and the navigation's queue, which read every versioned unit's
        # tallies, count its work; a unit never given any has none.
        from tracker.models import CounterVersion

        assert {v.unit_id for v in CounterVersion.select()} == {assignment.unit_id}


def test_outbox_messages_queued_before_0017_are_found_by_the_search(two_databases):
    """0017 folds the subject and recipients of the messages already in the outbox."""
    db.bind(two_databases[0])
    database = db.database.obj
    mark = "%s" if isinstance(database, PostgresqlDatabase) else "?"
    row = {
        "key": "urge:1",
        "kind": "urge",
        "recipients": "hvt@example.org",
        "missing_recipients": "",
        "subject": "Đôn đốc: Cải cách HÀNH CHÍNH",
        "body_text": "…",
        "body_html": "",
        "status": "sent",
        "attempts": 1,
        "next_attempt_at": "2026-05-02 02:00:00",
        "last_error": "",
        "created_at": "2026-05-02 02:00:00",
        "updated_at": "2026-05-02 02:00:00",
    }
    with db.database.connection_context():
        runner = Runner(database, directory=str(MIGRATIONS_DIR))
        runner.up("0016_office_settings")
        cols = ", ".join(f'"{c}"' for c in row)
        database.execute_sql(
            f'INSERT INTO "outbox_message" ({cols}) VALUES ({", ".join([mark] * len(row))})',
            list(row.values()),
        )
        runner.up()
        from tracker.core.search_index import matching
        from tracker.models import OutboxMessage

        found = matching(OutboxMessage.select(), OutboxMessage, "cai cach hanh chinh HVT")
        assert [m.search_text for m in found] == ["don doc cai cach hanh chinh hvt example org"]


def _data_version_left(database) -> list:
    """Whatever is left of the old database-wide version: table, triggers, function."""
    if isinstance(database, PostgresqlDatabase):
        sql = (
            "SELECT 'table', c.relname FROM pg_class c WHERE c.relname = 'data_version' "
            "AND c.relnamespace = current_schema()::regnamespace "
            "UNION ALL SELECT 'trigger', t.tgname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal "
            "AND c.relnamespace = current_schema()::regnamespace "
            "AND t.tgname LIKE 'data_version%%' "
            "UNION ALL SELECT 'function', p.proname FROM pg_proc p "
            "WHERE p.proname = 'data_version_bump' "
            "AND p.pronamespace = current_schema()::regnamespace"
        )
    else:
        sql = "SELECT type, name FROM sqlite_master WHERE sql LIKE '%data_version%'"
    return database.execute_sql(sql).fetchall()


def _writes_work(database) -> None:
    """A write to a table that had the triggers: with one left over it would fail on SQLite."""
    mark = "%s" if isinstance(database, PostgresqlDatabase) else "?"
    row = {"name": "UBND xã Mới", "short_name": "Xã Mới", "code": "xamoi", "kind": "ward"}
    row.update(email="", active=True, sort_order=0, aliases="")
    database.execute_sql(
        f"INSERT INTO unit ({', '.join(row)}) VALUES ({', '.join([mark] * len(row))})",
        list(row.values()),
    )
    database.execute_sql("UPDATE unit SET short_name = 'Mới' WHERE code = " + mark, ("xamoi",))
    database.execute_sql("DELETE FROM unit WHERE code = " + mark, ("xamoi",))


def test_0018_drops_the_database_wide_version_and_writes_go_on(two_databases):
    """A database of 0017, its data version's triggers on every table, loses them all."""
    db.bind(two_databases[0])
    database = db.database.obj
    with db.database.connection_context():
        runner = Runner(database, directory=str(MIGRATIONS_DIR))
        runner.up("0017_outbox_search_text")
        before = _data_version_left(database)
        assert ("table", "data_version") in before and len(before) > 10
        runner.up()
        assert _data_version_left(database) == []
        _writes_work(database)


def test_0018_runs_whatever_is_left_of_the_version(two_databases):
    """Safe on a database that lost some of it already, and run a second time."""
    import importlib.util

    db.bind(two_databases[0])
    database = db.database.obj
    with db.database.connection_context():
        runner = Runner(database, directory=str(MIGRATIONS_DIR))
        runner.up("0017_outbox_search_text")
        # Part of it gone by hand: the table (PostgreSQL keeps the function and its triggers,
        # SQLite the triggers that name the table).
        database.execute_sql("DROP TABLE data_version")
        runner.up()
        assert _data_version_left(database) == []
        _writes_work(database)
        path = MIGRATIONS_DIR / "0018_drop_data_version.py"
        spec = importlib.util.spec_from_file_location("m0018", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with database.atomic():
            module.up(None, database)  # nothing left to drop: still no error
        assert _data_version_left(database) == []


def test_0020_kinds_are_the_district_presets(two_databases):
    """The kinds the migration writes are the district's preset (core/org_levels.py), which the
    level's preset in the settings and the PostgreSQL tests recreate."""
    from tracker.core.org_levels import DISTRICT_KINDS
    from tracker.models import UnitKind

    db.bind(two_databases[0])
    migrate()
    with db.database.connection_context():
        rows = [
            (k.code, k.name, k.label, k.group_label, k.phrase_list, k.sort_order)
            for k in UnitKind.ordered()
        ]
    assert rows == [
        (p.code, p.name, p.label, p.group_label, p.phrases, p.sort_order) for p in DISTRICT_KINDS
    ]


def test_0019_creates_the_hot_statements_indexes(two_databases):
    """The leader's counts and the report read a narrow index; completions by their date."""
    db.bind(two_databases[0])
    database = db.database.obj
    with db.database.connection_context():
        runner = Runner(database, directory=str(MIGRATIONS_DIR))
        runner.up("0018_drop_data_version")

        def assignment_indexes() -> set[tuple[str, ...]]:
            found = database.get_indexes("assignment", _schema_name(database))
            return {tuple(i.columns) for i in found}

        hot = ("unit_id", "status", "deadline_kind", "stats_deadline", "completed_on", "created_at")
        assert hot not in assignment_indexes()
        migrate()
        assert {hot, ("completed_on",), ("stats_deadline",)} <= assignment_indexes()


def test_0028_gives_every_unit_with_work_its_counter_version(two_databases):
    """A unit given work and not written since the counters' triggers came (0011) had no
    version: the tallies of every versioned unit (the leader's summary, the navigation's
    queue) would leave its work out. 0028 writes one, for units with work only."""
    db.bind(two_databases[0])
    database = db.database.obj
    with db.database.connection_context():
        runner = Runner(database, directory=str(MIGRATIONS_DIR))
        runner.up(runner.migrations()[0].name)
        insert_base_rows(database)
        runner.up("0027_pending_drafts_index")
        database.execute_sql("DELETE FROM counter_version")  # as before 0011's triggers
        runner.up()
        rows = database.execute_sql("SELECT unit_id, version FROM counter_version").fetchall()
        units = database.execute_sql("SELECT DISTINCT unit_id FROM assignment").fetchall()
    assert {unit_id for unit_id, _version in rows} == {unit_id for (unit_id,) in units}
    assert all(version is not None for _unit, version in rows)
