"""Every unit given work has a counter version (tracker/overview/counts.py): the navigation's
queue and the leader's summary read the tallies of every versioned unit. Migration 0011 made the
triggers that create a unit's row at its next write, but wrote none for work that already
existed: a unit of an older installation not written since would be missing from them."""

from peewee import PostgresqlDatabase


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        start = "floor(random() * 1000000000000)::bigint"
    else:
        start = "abs(random() % 1000000000000)"
    db.execute_sql(
        f"INSERT INTO counter_version (unit_id, version) SELECT u.unit_id, {start} "
        "FROM (SELECT DISTINCT unit_id FROM assignment WHERE unit_id IS NOT NULL "
        "AND unit_id NOT IN (SELECT unit_id FROM counter_version)) AS u"
    )


def down(migrator, db):
    pass  # the rows are what the triggers would write at the unit's next change
