"""Extension decisions keep the date the leader approved, which may differ from the one the
unit asked for (null while pending and for a rejection)."""

from peewee import DateField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("extension_request", "approved_deadline", DateField(null=True))
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("extension_request", "approved_deadline"))
