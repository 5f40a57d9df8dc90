"""The office's settings an admin chooses on /admin/settings (which ones: core/settings.py).

A row per setting that was ever saved; a setting without a row has its default (off).
"""

from __future__ import annotations

from peewee import CharField, Expression, ForeignKeyField, fn

from tracker.core.clock import get_clock
from tracker.core.db import BaseModel, InstantField
from tracker.models.users import User

ON, OFF = "1", "0"


class Setting(BaseModel):
    """One of ``OFFICE_SETTINGS`` (tracker/core/settings.py) and its value."""

    key = CharField(max_length=50, unique=True)
    value = CharField(max_length=200, default="")
    updated_at = InstantField()
    updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "setting"

    @classmethod
    def flag(cls, key: str) -> bool:
        """Whether the yes-or-no setting ``key`` is on (one query; off without a row)."""
        return cls.select().where(cls.key == key, cls.value == ON).exists()

    @classmethod
    def flags(cls) -> dict[str, bool]:
        """Every saved yes-or-no setting, by key (one query)."""
        return {row.key: row.value == ON for row in cls.select()}

    @classmethod
    def is_on(cls, key: str) -> Expression:
        """A condition true while ``key`` is on, for a query that must not wait for a second
        one (the policy's scopes embed it)."""
        return fn.EXISTS(cls.select(cls.id).where(cls.key == key, cls.value == ON))

    @classmethod
    def put(cls, key: str, on: bool, actor: User | None) -> Setting:
        """Save ``key`` as on or off (the caller records the audit event)."""
        now = get_clock().now()
        row = cls.get_or_none(cls.key == key)
        actor_id = actor.id if actor is not None else None
        if row is None:
            return cls.create(key=key, value=ON if on else OFF, updated_at=now, updated_by=actor_id)
        row.value, row.updated_at, row.updated_by = ON if on else OFF, now, actor_id
        row.save()
        return row
