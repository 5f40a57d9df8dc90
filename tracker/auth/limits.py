"""Brute-force protection: failed logins per account and per client address.

Failures are rows of ``LoginAttempt``, so the limit holds across all gunicorn workers and all
machines that share the database. Only failures count: a hundred officers logging in correctly
from one office address are never slowed down. Within a sliding window of
``LOGIN_WINDOW_MINUTES``, ``LOGIN_MAX_FAILURES`` failures for one account name (as typed, known
or not, so the answer tells nothing about which accounts exist) or
``LOGIN_MAX_FAILURES_PER_ADDRESS`` failures from one address refuse further logins until the
oldest counted failure leaves the window.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeSerializer

from tracker.core.clock import get_clock
from tracker.core.security import client_address
from tracker.models import LoginAttempt


def account_key(username: str) -> str:
    """How an account name is counted: as typed, without surrounding spaces, case folded."""
    return username.strip().lower()[:60]


DEVICE_COOKIE = "tracker_device"
DEVICE_COOKIE_DAYS = 365
# A device cookie's failures are rows whose username is this prefix and the cookie's nonce;
# typed names cannot collide with a nonce no one has seen.
_DEVICE_PREFIX = "#device:"
_FIRST_DELAY = timedelta(minutes=1)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="tracker-device-cookie")


def device_token(username: str) -> str:
    """A new signed device cookie value for ``username``: its account key and a random nonce."""
    return _serializer().dumps({"u": account_key(username), "n": secrets.token_urlsafe(16)})


def device_key(request: Request, username: str) -> str | None:
    """The counting key of the request's device cookie if it is valid for ``username``.

    ``None`` for no cookie, a bad signature (forged, or another key), or another account's.
    """
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        data = _serializer().loads(value)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != account_key(username):
        return None
    nonce = data.get("n")
    if not isinstance(nonce, str) or not nonce:
        return None
    return (_DEVICE_PREFIX + nonce)[:60]


def set_device_cookie(response: Response, username: str) -> None:
    """Mark this browser as one ``username`` signed in from (HttpOnly, SameSite=Lax, Secure
    when served over HTTPS, kept ``DEVICE_COOKIE_DAYS`` days)."""
    response.set_cookie(
        DEVICE_COOKIE,
        device_token(username),
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        samesite="Lax",
    )


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])


def _wait(field, value: str, limit: int, now: datetime) -> float:
    """Seconds until fewer than ``limit`` failures of ``field == value`` are in the window."""
    since = now - _window()
    recent = (
        LoginAttempt.select(LoginAttempt.created_at)
        .where(field == value, LoginAttempt.created_at > since)
        .order_by(LoginAttempt.created_at.desc())
        .offset(limit - 1)
        .limit(1)
        .scalar()
    )
    if recent is None:
        return 0.0
    # The limit-th newest failure leaves the window last among those that block.
    return max((recent + _window() - now).total_seconds(), 1.0)


def _account_delay(key: str, now: datetime) -> float:
    """Seconds until a browser without a device cookie may try account ``key`` again.

    Below ``LOGIN_MAX_FAILURES`` failures in the window: none. From then on one attempt per
    interval after the newest failure: a minute, doubled with each further failure, at most
    the window.
    """
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    recent = LoginAttempt.select(LoginAttempt.created_at).where(
        LoginAttempt.username == key, LoginAttempt.created_at > now - _window()
    )
    count = recent.count()
    if count < limit:
        return 0.0
    newest = recent.order_by(LoginAttempt.created_at.desc()).limit(1).scalar()
    delay = min(_FIRST_DELAY * 2 ** min(count - limit, 20), _window())
    remaining = (newest + delay - now).total_seconds()
    return max(remaining, 1.0) if remaining > 0 else 0.0


def retry_after(username: str, device: str | None = None) -> int:
    """Seconds the client must wait before trying ``username`` again; 0 when it may.

    ``device`` is the request's device key for this account (``device_key``), if any.
    """
    config = current_app.config
    now = get_clock().now()
    address = _wait(
        LoginAttempt.address, client_address(), config["LOGIN_MAX_FAILURES_PER_ADDRESS"], now
    )
    if device:
        own = _wait(LoginAttempt.username, device, config["LOGIN_MAX_FAILURES"], now)
    else:
        own = _account_delay(account_key(username), now)
    return math.ceil(max(address, own))


def address_retry_after() -> int:
    """Seconds the client's address must wait before any login (single sign-on counts only
    failures of the address: it names no account before the provider answers)."""
    config = current_app.config
    now = get_clock().now()
    wait = _wait(
        LoginAttempt.address, client_address(), config["LOGIN_MAX_FAILURES_PER_ADDRESS"], now
    )
    return math.ceil(wait)


def record_failure(username: str, device: str | None = None) -> None:
    """Count one failed login against the device cookie if valid, else against the account
    (and forget failures that left the window)."""
    now = get_clock().now()
    LoginAttempt.delete().where(LoginAttempt.created_at <= now - _window()).execute()
    LoginAttempt.create(
        username=device or account_key(username), address=client_address(), created_at=now
    )


def forget_account(username: str, device: str | None = None) -> None:
    """A successful login clears the account's failures and the device cookie's (not the
    address's)."""
    keys = [account_key(username)] + ([device] if device else [])
    LoginAttempt.delete().where(LoginAttempt.username.in_(keys)).execute()


def minutes(seconds: int) -> int:
    """``seconds`` as whole minutes, rounded up, at least 1."""
    return max(1, math.ceil(seconds / 60))
