"""The one place the application reads the time, so tests can travel in it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask.globals import _cv_app


class Clock:
    """An aware 'now' in UTC plus the configured zone; tests replace ``now_fn``."""

    def __init__(self, tz: str, now_fn: Callable[[], datetime] | None = None) -> None:
        self.tz = ZoneInfo(tz)
        self.now_fn = now_fn or (lambda: datetime.now(UTC))

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        value = self.now_fn()
        if value.tzinfo is None:
            raise ValueError("the clock must return an aware datetime")
        return value

    def local_now(self) -> datetime:
        """The current instant in the configured zone."""
        return self.now().astimezone(self.tz)

    def today(self) -> date:
        """Today's date in the configured zone."""
        return self.local_now().date()

    def local_date(self, instant: datetime) -> date:
        """The date an instant falls on in the configured zone."""
        return instant.astimezone(self.tz).date()

    def end_of_day(self, day: date) -> datetime:
        """The last instant of ``day`` in the configured zone (a deadline's end)."""
        nxt = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
        return nxt - timedelta(microseconds=1)

    def set(self, instant: datetime) -> None:
        """Freeze the clock at ``instant`` (tests)."""
        self.now_fn = lambda: instant


def get_clock() -> Clock:
    """The application's clock, or a real one outside an application context."""
    app_ctx = _cv_app.get(None)  # not through current_app's proxy: rows ask per cell
    if app_ctx is not None:
        return app_ctx.app.extensions["clock"]
    return Clock("Asia/Ho_Chi_Minh")
