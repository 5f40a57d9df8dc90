"""Deadlines written in a directive: a date, a month, a quarter, N working days, "thường xuyên".

``find_deadline`` needs the meeting's day (for years left out and for counted days) and a
function adding working days (``tracker.workdays.add_working_days`` in the application).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.meetings.notice.text import fold

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
YEAR = r"(?:\s*/\s*(\d{4})|\s+nam\s+(\d{4}))?"
# A day and month (and year): 30/6/2022, 30-6-2022, 30.6.2022, ngày 30 tháng 6 năm 2022.
DATE = re.compile(
    r"(?<![\d/])(\d{1,2})\s*([/.-])\s*(\d{1,2})(?:\s*\2\s*(\d{4}|\d{2}))?(?![\d/]|-[a-z])"
    r"|ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?"
)
BEFORE_DATE = re.compile(
    r"(truoc|cham nhat|han chot|thoi han|hoan thanh|xong|den het|den|muon nhat|ket thuc|"
    r"han|trong ngay)\b[^.;]{0,22}$"
)
MONTH = re.compile(r"(trong|truoc|cuoi|het|ngay cuoi)\s+thang\s+(\d{1,2})" + YEAR)
QUARTER = re.compile(r"(trong|truoc|cuoi|het|trong|xong)?\s*quy\s+(iv|iii|ii|i|[1-4])\b" + YEAR)
YEAR_END = re.compile(r"(trong|cuoi|het|truoc 31/12)\s+nam\s+(\d{4})")
WORKING_DAYS = re.compile(r"(\d{1,3})\s+ngay\s+lam\s+viec")
CALENDAR_DAYS = re.compile(r"trong\s+(?:vong\s+|thoi han\s+)?(\d{1,3})\s+ngay(?!\s+lam)")
DATE_PROBLEM = "Ngày %(date)s không tồn tại."
ONGOING = re.compile(r"thuong xuyen|lien tuc|hang tuan|hang thang|hang quy|dinh ky")


@dataclass
class Deadline:
    """What a directive says about its deadline."""

    kind: str = "none"  # date, ongoing, none
    day: date | None = None
    working_days: int | None = None
    cadence: str = ""
    phrase: str = ""
    problem: str = ""  # e.g. a date that does not exist; shown on the draft
    bad_date: str = ""  # that date, as dd/mm/yyyy

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "date": self.day.isoformat() if self.day else None,
            "working_days": self.working_days,
            "cadence": self.cadence,
            "phrase": self.phrase,
            "problem": self.problem,
        }


def _year(groups: tuple, default: int) -> int:
    for g in groups:
        if g:
            year = int(g)
            return year + 2000 if year < 100 else year
    return default


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _date_candidate(folded: str, text: str, meeting_day: date) -> Deadline | None:
    for m in DATE.finditer(folded):
        before = folded[max(0, m.start() - 40) : m.start()]
        if not BEFORE_DATE.search(before):
            continue
        if m.group(1):
            day, month, year = int(m.group(1)), int(m.group(3)), m.group(4)
        else:
            day, month, year = int(m.group(5)), int(m.group(6)), m.group(7)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        year = _year((year,), meeting_day.year)
        phrase = text[m.start() : m.end()]
        try:
            return Deadline("date", date(year, month, day), phrase=phrase)
        except ValueError:
            bad = f"{day:02d}/{month:02d}/{year}"
            return Deadline(
                "date", None, phrase=phrase, problem=DATE_PROBLEM % {"date": bad}, bad_date=bad
            )
    return None


def find_deadline(
    text: str, meeting_day: date, add_working_days: Callable[[date, int], date]
) -> Deadline:
    """The deadline a directive states (the first of: date, working days, calendar days,
    month, quarter, year, ongoing), or the kind ``none``."""
    folded = fold(text)
    found = _date_candidate(folded, text, meeting_day)
    if found:
        return found
    m = WORKING_DAYS.search(folded)
    if m and 0 < int(m.group(1)) <= 365:
        n = int(m.group(1))
        return Deadline(
            "date",
            add_working_days(meeting_day, n),
            working_days=n,
            phrase=text[m.start() : m.end()],
        )
    m = CALENDAR_DAYS.search(folded)
    if m and 0 < int(m.group(1)) <= 365:
        return Deadline(
            "date", meeting_day + timedelta(days=int(m.group(1))), phrase=text[m.start() : m.end()]
        )
    m = MONTH.search(folded)
    if m and 1 <= int(m.group(2)) <= 12:
        year, month = _year(m.group(3, 4), meeting_day.year), int(m.group(2))
        if m.group(1) == "truoc":
            day = date(year, month, 1) - timedelta(days=1)
        else:
            day = month_end(year, month)
        return Deadline("date", day, phrase=text[m.start() : m.end()].strip())
    m = QUARTER.search(folded)
    if m:
        year, quarter = _year(m.group(3, 4), meeting_day.year), ROMAN[m.group(2)]
        if m.group(1) == "truoc":
            quarter -= 1
            if quarter == 0:
                return Deadline("date", date(year - 1, 12, 31), phrase=text[m.start() : m.end()])
        day = month_end(year, quarter * 3)
        return Deadline("date", day, phrase=text[m.start() : m.end()].strip())
    m = YEAR_END.search(folded)
    if m:
        return Deadline("date", date(int(m.group(2)), 12, 31), phrase=text[m.start() : m.end()])
    m = ONGOING.search(folded)
    if m:
        cadence = "monthly"
        if "hang tuan" in folded:
            cadence = "weekly"
        elif "hang quy" in folded:
            cadence = "quarterly"
        return Deadline("ongoing", cadence=cadence, phrase=text[m.start() : m.end()])
    return Deadline()
