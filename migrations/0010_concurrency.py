"""Assignments carry a version: every change increments it, and a form that shows version N
may change the assignment only while it is still at N (optimistic concurrency)."""

from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(migrator.add_column("assignment", "version", IntegerField(default=1)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("assignment", "version"))
