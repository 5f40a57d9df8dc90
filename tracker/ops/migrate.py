"""Applying the migrations in ``migrations/`` (``tracker init-db``, the tests, the scripts).

Each migration carries everything it creates (tables, indexes, the counters' triggers, SQLite's
full-text index), so playhouse's ``Runner`` alone builds the schema. One step runs after every
migration run on top of it: the page cache's data version (tracker.web.page_cache) is raised by
triggers on every table, so a table a later migration creates gets its triggers here (and one a
SQLite migration rebuilt, which lost them, gets them back), and the version starts again at a
random number, as the page cache expects after every run. This lives here, not in the database
module, because the page cache is a layer above the models.
"""

from __future__ import annotations

from playhouse.migrations import Runner

from tracker.core.db import database
from tracker.core.paths import resource_dir
from tracker.web.page_cache import ensure_triggers

MIGRATIONS_DIR = resource_dir("migrations")


def migrate() -> list[str]:
    """Apply the pending migrations and the page cache's triggers; return the migrations' names."""
    with database.connection_context():
        applied = Runner(database.obj, directory=str(MIGRATIONS_DIR)).up()
        ensure_triggers(database.obj)
    return applied
