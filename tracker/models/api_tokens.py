"""Personal API tokens: one user's keys to the JSON API, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib

from peewee import CharField, ForeignKeyField

from tracker.core.db import BaseModel, InstantField
from tracker.models.users import User


def hash_token(token: str) -> str:
    """The SHA-256 hex digest stored for ``token`` (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(BaseModel):
    """A bearer token; the secret itself is shown once at creation and never stored."""

    user = ForeignKeyField(User, backref="api_tokens", on_delete="CASCADE")
    name = CharField(max_length=100)
    token_hash = CharField(max_length=64, unique=True)
    # The first characters, so the owner can tell tokens apart in the list.
    prefix = CharField(max_length=16)
    created_at = InstantField()
    last_used_at = InstantField(null=True)
    revoked_at = InstantField(null=True)

    class Meta:
        table_name = "api_token"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
