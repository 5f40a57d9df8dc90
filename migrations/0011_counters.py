"""Performance budget: per-unit versions of the timeliness counts, kept by database triggers
(tracker/cache.py), and the indexes the overview, the overdue list and the unit lists use."""

from peewee import *


def up(migrator, db):
    class CounterVersion(Model):
        unit_id = IntegerField(primary_key=True)
        version = BigIntegerField()

        class Meta:
            database = db
            table_name = 'counter_version'

    db.create_tables([CounterVersion])
    from tracker.overview.counts import backfill, create_triggers

    create_triggers(db)
    backfill(db)
    migrator.migrate(
        migrator.add_index('assignment', ('stats_deadline',), False),
        migrator.add_index('assignment', ('unit_id', 'deadline'), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('assignment', 'assignment_stats_deadline'),
        migrator.drop_index('assignment', 'assignment_unit_id_deadline'),
    )
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('DROP FUNCTION IF EXISTS counter_version_bump() CASCADE')
    else:
        for name in ('insert', 'delete', 'update'):
            db.execute_sql(f'DROP TRIGGER IF EXISTS counter_assignment_{name}')
    db.execute_sql('DROP TABLE IF EXISTS counter_version')
