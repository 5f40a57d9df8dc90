"""The office's settings an admin chooses on /admin/settings (which ones: core/settings.py).

A row per setting that was ever saved; a setting without a row has its default (off; the
organisation level's is the district).
"""

from __future__ import annotations

from peewee import CharField, Expression, ForeignKeyField, fn

from tracker.core.clock import get_clock
from tracker.core.db import BaseModel, InstantField
from tracker.core.org_levels import DEFAULT_LEVEL, LEVEL_CODES
from tracker.core.settings import ORG_LEVEL
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
        return cls.put_value(key, ON if on else OFF, actor)

    @classmethod
    def value_of(cls, key: str, default: str) -> str:
        """The saved value of a setting that is not yes-or-no (``default`` without a row)."""
        row = cls.select(cls.value).where(cls.key == key).first()
        return row.value if row is not None and row.value else default

    @classmethod
    def org_level(cls) -> str:
        """The organisation level the office chose (core/org_levels.py), else the district."""
        value = cls.value_of(ORG_LEVEL, DEFAULT_LEVEL)
        return value if value in LEVEL_CODES else DEFAULT_LEVEL

    @classmethod
    def put_value(cls, key: str, value: str, actor: User | None) -> Setting:
        """Save ``value`` for ``key`` (the caller records the audit event)."""
        now = get_clock().now()
        row = cls.get_or_none(cls.key == key)
        actor_id = actor.id if actor is not None else None
        if row is None:
            return cls.create(key=key, value=value, updated_at=now, updated_by=actor_id)
        row.value, row.updated_at, row.updated_by = value, now, actor_id
        row.save()
        return row
