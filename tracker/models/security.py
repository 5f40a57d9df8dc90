"""Failed logins, counted per account (or device cookie) and per address against guessing.

The rows live in the database, so every gunicorn worker and every machine serving the same
database sees the same counts (tracker/auth/limits.py reads them).
"""

from __future__ import annotations

from peewee import CharField

from tracker.core.db import BaseModel, InstantField


class LoginAttempt(BaseModel):
    """One failed login: the account name as typed (folded), or ``#device:`` and the nonce of
    the browser's device cookie for that account, and the client's address."""

    username = CharField(max_length=60)
    address = CharField(max_length=64)
    created_at = InstantField(index=True)

    class Meta:
        table_name = "login_attempt"
        indexes = (
            (("username", "created_at"), False),
            (("address", "created_at"), False),
        )
