"""iCalendar feeds: a secret address per user (all the deadlines they see) or per unit."""

from __future__ import annotations

import hashlib
import secrets

from peewee import CharField, ForeignKeyField

from tracker.core.db import BaseModel, InstantField
from tracker.models.units import Unit
from tracker.models.users import User


def hash_token(token: str) -> str:
    """The SHA-256 (hex) under which a feed's token is stored; the token itself never is."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class CalendarFeed(BaseModel):
    """A calendar subscription; ``unit`` empty means "every deadline the owner may see"."""

    token_hash = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="calendar_feeds", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, null=True, backref="calendar_feeds", on_delete="CASCADE")
    created_at = InstantField()
    revoked_at = InstantField(null=True)

    class Meta:
        table_name = "calendar_feed"

    @classmethod
    def issue(cls, user: User, unit: Unit | None, now) -> tuple[CalendarFeed, str]:
        """A new feed and its token (shown once, then only its hash is kept)."""
        token = secrets.token_urlsafe(32)
        feed = cls.create(token_hash=hash_token(token), user=user, unit=unit, created_at=now)
        return feed, token

    @classmethod
    def by_token(cls, token: str) -> CalendarFeed | None:
        """The live feed of ``token``: not revoked, its owner active; else None."""
        if not token or len(token) > 100:
            return None
        feed = (
            cls.select(cls, User)
            .join(User)
            .where(cls.token_hash == hash_token(token), cls.revoked_at.is_null())
            .first()
        )
        if feed is None or not feed.user.active:
            return None
        return feed
