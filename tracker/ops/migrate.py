"""Applying the migrations in ``migrations/`` (``tracker init-db``, the tests, the scripts).

Each migration carries everything it creates (tables, indexes, the counters' triggers, SQLite's
full-text index), so playhouse's ``Runner`` alone builds the schema: nothing runs after it.
"""

from __future__ import annotations

from playhouse.migrations import Runner

from tracker.core.db import database
from tracker.core.paths import resource_dir

MIGRATIONS_DIR = resource_dir("migrations")


def migrate() -> list[str]:
    """Apply the pending migrations; return their names."""
    with database.connection_context():
        return Runner(database.obj, directory=str(MIGRATIONS_DIR)).up()
