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
from datetime import datetime, timedelta

from flask import current_app

from tracker.core.clock import get_clock
from tracker.core.security import client_address
from tracker.models import LoginAttempt


def account_key(username: str) -> str:
    """How an account name is counted: as typed, without surrounding spaces, case folded."""
    return username.strip().lower()[:60]


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


def retry_after(username: str) -> int:
    """Seconds the client must wait before trying ``username`` again; 0 when it may."""
    config = current_app.config
    now = get_clock().now()
    waits = [
        _wait(LoginAttempt.username, account_key(username), config["LOGIN_MAX_FAILURES"], now),
        _wait(
            LoginAttempt.address,
            client_address(),
            config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            now,
        ),
    ]
    return math.ceil(max(waits))


def record_failure(username: str) -> None:
    """Count one failed login (and forget failures that left the window)."""
    now = get_clock().now()
    LoginAttempt.delete().where(LoginAttempt.created_at <= now - _window()).execute()
    LoginAttempt.create(username=account_key(username), address=client_address(), created_at=now)


def forget_account(username: str) -> None:
    """A successful login clears the account's failures (not the address's)."""
    LoginAttempt.delete().where(LoginAttempt.username == account_key(username)).execute()


def minutes(seconds: int) -> int:
    """``seconds`` as whole minutes, rounded up, at least 1."""
    return max(1, math.ceil(seconds / 60))
