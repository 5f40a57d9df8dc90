"""Per-unit version of the data the timeliness counts are computed from (see tracker/cache.py).

Database triggers on ``assignment`` raise a unit's version on every insert, delete and every
update of a column the counts depend on, whichever code (or SQL) made the change; the counts
cached for a unit are used only while its version is the one they were computed at.
"""

from __future__ import annotations

from peewee import BigIntegerField, IntegerField

from tracker.core.db import BaseModel


class CounterVersion(BaseModel):
    """One row per unit that has (or had) assignments; ``version`` changes with them."""

    unit_id = IntegerField(primary_key=True)
    version = BigIntegerField()

    class Meta:
        table_name = "counter_version"

    @classmethod
    def create_table(cls, safe: bool = True, **options) -> None:
        """The table, and the triggers that keep it current (as migration 0011 creates them)."""
        super().create_table(safe=safe, **options)
        from tracker.overview.counts import create_triggers

        create_triggers(cls._meta.database)


class DataVersion(BaseModel):
    """One row (id 1): raised by triggers on every write to page data (tracker/page_cache.py)."""

    id = IntegerField(primary_key=True)
    version = BigIntegerField()

    class Meta:
        table_name = "data_version"
