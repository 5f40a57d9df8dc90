"""Personal API tokens: making, revoking, and finding the user a request's bearer token names.

Only the SHA-256 hash of a token is stored; the token itself is shown once, when it is made.
The session cookie never authenticates an API call (a browser would send it with a forged
cross-site request); only the ``Authorization: Bearer`` header does.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import request

from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.models import ApiToken, User
from tracker.models.api_tokens import hash_token
from tracker.models.audit import record

PREFIX = "gv_"
# Writing "last used" on every call would make every GET a write; once a minute is enough.
TOUCH_EVERY = timedelta(minutes=1)
MAX_ACTIVE = 20


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the secret (never stored, shown once)."""
    secret = PREFIX + secrets.token_urlsafe(32)
    now = get_clock().now()
    with database.atomic():
        token = ApiToken.create(
            user=user,
            name=name,
            token_hash=hash_token(secret),
            prefix=secret[:10],
            created_at=now,
        )
        record(user, "api_token_create", token, after={"name": name, "prefix": token.prefix})
    return token, secret


def revoke_token(token: ApiToken, actor: User) -> bool:
    """Revoke ``token`` (once); returns whether it was active."""
    now = get_clock().now()
    with database.atomic():
        changed = (
            ApiToken.update(revoked_at=now)
            .where(ApiToken.id == token.id, ApiToken.revoked_at.is_null())
            .execute()
        )
        if changed:
            token.revoked_at = now
            record(actor, "api_token_revoke", token, before={"prefix": token.prefix})
    return bool(changed)


def active_count(user: User) -> int:
    return ApiToken.select().where(ApiToken.user == user, ApiToken.revoked_at.is_null()).count()


def bearer_secret() -> str | None:
    """The token in ``Authorization: Bearer …``, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 200:
        return None
    return secret


def user_for_request() -> User | None:
    """The active user whose unrevoked token the request carries, or None."""
    secret = bearer_secret()
    if secret is None:
        return None
    try:
        digest = hash_token(secret)
    except UnicodeEncodeError:
        return None
    row = (
        ApiToken.select(ApiToken, User)
        .join(User)
        .where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_null())
        .get_or_none()
    )
    if row is None or not row.user.active:
        return None
    now = get_clock().now()
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        ApiToken.update(last_used_at=now).where(ApiToken.id == row.id).execute()
    return row.user
