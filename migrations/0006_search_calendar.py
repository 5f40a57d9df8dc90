"""Accent-insensitive search: a folded search_text on meetings, tasks and progress reports, filled
for existing rows, with its index (GIN text search on PostgreSQL); iCalendar feeds behind
hashed secret tokens."""
from peewee import *
from tracker.core.db import InstantField
from tracker.core.search_index import search_index
from tracker.core.textfold import fold_all

SEARCHABLE = {
    'meeting': ('title', 'notice_number', 'place', 'chair_name', 'conclusion'),
    'task': ('title', 'content'),
    'progress_report': ('text', 'difficulties', 'proposals'),
}
BATCH = 2000


def _backfill(db, table, columns):
    """Fill search_text of every existing row, a batch of ids at a time."""
    param = db.param
    cols = ', '.join(f'"{c}"' for c in columns)
    last = 0
    while True:
        rows = db.execute_sql(
            f'SELECT id, {cols} FROM "{table}" WHERE id > {param} ORDER BY id LIMIT {BATCH}',
            (last,),
        ).fetchall()
        if not rows:
            return
        for row in rows:
            db.execute_sql(
                f'UPDATE "{table}" SET search_text = {param} WHERE id = {param}',
                (fold_all(row[1:]), row[0]),
            )
        last = rows[-1][0]


def up(migrator, db):
    class Unit(Model):
        class Meta:
            database = db
            table_name = 'unit'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    for table, columns in SEARCHABLE.items():
        migrator.migrate(migrator.add_column(table, 'search_text', TextField(default='')))
        _backfill(db, table, columns)

        class Stand(Model):
            search_text = TextField(default='')
            class Meta:
                database = db
                table_name = table
        db.execute(search_index(Stand))
        if isinstance(db, PostgresqlDatabase):
            # Fresh statistics, so the planner knows the new index at once.
            db.execute_sql(f'ANALYZE "{table}"')

    class CalendarFeed(Model):
        token_hash = CharField(max_length=64, unique=True)
        user = ForeignKeyField(User, on_delete='CASCADE')
        unit = ForeignKeyField(Unit, null=True, on_delete='CASCADE')
        created_at = InstantField()
        revoked_at = InstantField(null=True)
        class Meta:
            database = db
            table_name = 'calendar_feed'
    db.create_tables([CalendarFeed])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('calendar_feed'))
    for table in SEARCHABLE:
        migrator.migrate(migrator.drop_index(table, f'{table}_search'))
        migrator.migrate(migrator.drop_column(table, 'search_text'))
