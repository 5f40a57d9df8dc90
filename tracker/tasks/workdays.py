"""Working days: Monday to Friday, less Vietnamese public holidays and the admin's days off.

Public holidays (Tết, Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh …, with their observed days and
the Saturdays the government swaps in as working days) come from the ``holidays`` library, so no
table here needs updating each year. The admin calendar (``CalendarDay``) overrides both ways:
an ``off`` day is never a working day, a ``work`` day (a make-up Saturday) always is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

from tracker.models import CalendarDay

COUNTRY = "VN"
MAX_WORKING_DAYS = 365


@lru_cache(maxsize=64)
def public_holidays(year: int, language: str = "vi") -> holidays.HolidayBase:
    """The public holidays of one year (cached: the library computes the lunar calendar)."""
    # expand=False: a cached object must never grow (and change) when asked about another year.
    return holidays.country_holidays(COUNTRY, years=year, language=language, expand=False)


def is_public_working_day(day: date) -> bool:
    """Whether ``day`` is a working day by the law alone (weekends, holidays, swapped days)."""
    return public_holidays(day.year).is_working_day(day)


def holidays_of(year: int, language: str = "vi") -> list[tuple[date, str]]:
    """The public holidays of ``year`` with their names, in date order."""
    return sorted(public_holidays(year, language).items())


@dataclass
class WorkCalendar:
    """The working days as seen with a given set of admin overrides (day → "off" or "work")."""

    overrides: dict[date, str] = field(default_factory=dict)

    @classmethod
    def load(cls, since: date | None = None, until: date | None = None) -> WorkCalendar:
        """The calendar with the admin's days after ``since`` up to ``until`` (one query)."""
        query = CalendarDay.select(CalendarDay.day, CalendarDay.kind)
        if since is not None:
            query = query.where(CalendarDay.day > since)
        if until is not None:
            query = query.where(CalendarDay.day <= until)
        return cls({day: kind for day, kind in query.tuples()})

    def is_working_day(self, day: date) -> bool:
        """An admin day decides; otherwise Monday to Friday that is not a public holiday."""
        kind = self.overrides.get(day)
        if kind == "work":
            return True
        if kind == "off":
            return False
        return is_public_working_day(day)

    def add(self, start: date, n: int) -> date:
        """The date ``n`` working days after ``start`` (``start`` itself is not counted)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day, the admin calendar included (one query)."""
    return WorkCalendar.load(since=day - timedelta(days=1), until=day).is_working_day(day)


def add_working_days(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (``start`` not counted; one query)."""
    return WorkCalendar.load(since=start).add(start, n)
