"""Periods of the scheduled jobs, in the configured zone: ISO weeks ("2026-W20") and days.

A run belongs to the week (or day) of its local date, so Sunday 23:59 and Monday 00:00 in
Hà Nội fall in different weeks even though both are on Sunday in UTC.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def local_date(at: datetime, tz: ZoneInfo) -> date:
    """The date of the instant ``at`` in the zone ``tz``."""
    if at.tzinfo is None:
        raise ValueError("a period needs an aware datetime")
    return at.astimezone(tz).date()


def week_of(day: date) -> str:
    """The ISO week of ``day``, as "2026-W20"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_label(week: str) -> str:
    """An ISO week as Vietnamese write it: "2026-W20" → "20/2026"."""
    year, number = week.split("-W")
    return f"{int(number)}/{year}"


def week_key(at: datetime, tz: ZoneInfo) -> str:
    """The ISO week the instant ``at`` falls in, in the zone ``tz``."""
    return week_of(local_date(at, tz))


def day_key(at: datetime, tz: ZoneInfo) -> str:
    """The local day the instant ``at`` falls on, as "2026-05-15"."""
    return local_date(at, tz).isoformat()


def week_bounds(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week of ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def parse_instant(text: str, tz: ZoneInfo) -> datetime:
    """An ISO date-time ("2026-05-18T07:30", with or without offset); naive means ``tz``."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value
