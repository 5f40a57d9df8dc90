"""Deadlines for the calendar page and the iCalendar feeds, scoped to what a user may see.

A deadline is an assignment with a date deadline that is not cancelled. Officers see their own
unit's; everyone who sees everything sees all units' (optionally one unit's).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import gettext
from icalendar import Calendar, Event
from peewee import JOIN, Case, fn

from tracker.core import timeliness
from tracker.core.db import database
from tracker.models import STATUSES, Assignment, Meeting, Task, Unit, User
from tracker.policy import unit_work_scope

SHOWN_STATUSES = tuple(s for s in STATUSES if s != "cancelled")

# The window an iCalendar feed covers, around today.
FEED_PAST_DAYS = 90
FEED_FUTURE_DAYS = 366


@dataclass
class Deadline:
    """One assignment's deadline, with what the calendar shows of it."""

    id: int
    day: date
    status: str
    category: str | None
    role: str
    task_number: int
    task_title: str
    unit_id: int
    unit_name: str
    unit_short: str
    meeting_title: str
    progress: int

    @property
    def status_label(self) -> str:
        return gettext(STATUSES[self.status]) if self.status in STATUSES else self.status

    @property
    def category_label(self) -> str:
        return gettext(timeliness.CATEGORIES[self.category]) if self.category else ""


def _conditions(user: User, unit_id: int | None, start: date | None, end: date | None):
    """What the deadlines ``user`` may see satisfy (None when they may see none)."""
    # Statuses listed (not "!= cancelled"): the (status, deadline) index then serves a
    # month's range instead of a scan of every assignment.
    conditions = [Assignment.deadline.is_null(False), Assignment.status.in_(SHOWN_STATUSES)]
    scope = unit_work_scope(user, Assignment.unit)
    if scope is None:
        return None
    conditions += scope
    if unit_id is not None:
        conditions.append(Assignment.unit == unit_id)
    if start is not None:
        conditions.append(Assignment.deadline >= start)
    if end is not None:
        conditions.append(Assignment.deadline <= end)
    return conditions


def _query(conditions):
    """The deadlines meeting ``conditions``, with their task, unit and meeting."""
    return (
        Assignment.select(
            Assignment.id,
            Assignment.deadline,
            Assignment.status,
            Assignment.stats_deadline,
            Assignment.completed_on,
            Assignment.role,
            Assignment.progress,
            Task.number,
            Task.title,
            Unit.id,
            Unit.name,
            Unit.short_name,
            Meeting.title,
        )
        .join(Task)
        .join(Meeting, join_type=JOIN.LEFT_OUTER)
        .switch(Assignment)
        .join(Unit)
        .where(*conditions)
    )


# A day's deadlines: the work still to do first (a crowded day's cell shows the first few),
# then by unit and task.
ORDER = (
    Assignment.deadline,
    Case(None, [(Assignment.status == "done", 1)], 0),
    Unit.short_name,
    Task.number,
    Assignment.id,
)


def _as_date(value) -> date | None:
    # Raw SQL on SQLite gives dates as text; PostgreSQL gives dates.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _deadline(row, today: date, window: int) -> Deadline:
    (aid, day, status, stats, done_on, role, progress, number, title) = row[:9]
    uid, uname, ushort, mtitle = row[9:13]
    stats, done_on = _as_date(stats), _as_date(done_on)
    category = timeliness.classify(status, stats, done_on, today, window)
    return Deadline(
        aid, _as_date(day), status, category, role, number, title, uid, uname,
        ushort or uname, mtitle or "", progress,
    )  # fmt: skip


def deadlines(
    user: User,
    unit_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Deadline]:
    """The deadlines ``user`` may see, of one unit or all, ``start`` ≤ day ≤ ``end``."""
    conditions = _conditions(user, unit_id, start, end)
    if conditions is None:
        return []
    today, window = timeliness.context()
    query = _query(conditions).order_by(*ORDER).tuples()
    return [_deadline(row, today, window) for row in query]


def first_per_day(
    user: User, unit_id: int | None, start: date, end: date, per_day: int
) -> tuple[dict[date, list[Deadline]], dict[date, int]]:
    """The first ``per_day`` deadlines of each day (see ``ORDER``), and each day's count.

    A month of every unit holds thousands: the database numbers them per day (a window
    function, on SQLite and PostgreSQL alike) and only the few shown are read whole.
    """
    conditions = _conditions(user, unit_id, start, end)
    if conditions is None:
        return {}, {}
    numbered = (
        Assignment.select(
            Assignment.id,
            Assignment.deadline,
            fn.ROW_NUMBER()
            .over(partition_by=[Assignment.deadline], order_by=list(ORDER[1:]))
            .alias("rn"),
            fn.COUNT(Assignment.id).over(partition_by=[Assignment.deadline]).alias("n_day"),
        )
        .join(Task)
        .switch(Assignment)
        .join(Unit)
        .where(*conditions)
    )
    sql, params = numbered.sql()
    rows = database.execute_sql(
        f'SELECT * FROM ({sql}) AS "numbered" WHERE "rn" <= {int(per_day)}', params
    ).fetchall()
    counts = {_as_date(day): n for _id, day, _rn, n in rows}
    today, window = timeliness.context()
    by_day: dict[date, list[Deadline]] = defaultdict(list)
    query = _query([Assignment.id.in_([row[0] for row in rows])]) if rows else []
    for row in query.order_by(*ORDER).tuples() if rows else []:
        item = _deadline(row, today, window)
        by_day[item.day].append(item)
    return by_day, counts


def day_page(user: User, unit_id: int | None, day: date, page: int, per_page: int):
    """One page of the deadlines of ``day`` (in the calendar's order) and the day's count."""
    conditions = _conditions(user, unit_id, day, day)
    if conditions is None:
        return [], 0, 1
    total = Assignment.select(Assignment.id).where(*conditions).count()
    page = min(page, max(1, -(-total // per_page)))
    today, window = timeliness.context()
    query = _query(conditions).order_by(*ORDER).paginate(page, per_page).tuples()
    return [_deadline(row, today, window) for row in query], total, page


def parse_month(value: str | None, today: date) -> date:
    """The first day of the month ``YYYY-MM``; this month when missing or invalid."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_weeks(first: date) -> list[list[date]]:
    """The weeks (Monday to Sunday) covering the month of ``first``."""
    return calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)


def _host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "tracker"


def ics_feed(
    name: str, items: list[Deadline], base_url: str, now: datetime, url_for_assignment
) -> bytes:
    """An iCalendar file: one all-day event per deadline, with stable UIDs."""
    cal = Calendar()
    cal.add("prodid", "-//Giao viec//tracker//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    host = _host(base_url)
    for item in items:
        event = Event()
        event.add("uid", f"assignment-{item.id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", f"[{item.unit_short}] {item.task_number}. {item.task_title}")
        lines = [
            f"{gettext('Đơn vị')}: {item.unit_name}",
            f"{gettext('Trạng thái')}: {item.status_label} ({item.progress}%)",
        ]
        if item.category:
            lines.append(f"{gettext('Đánh giá')}: {item.category_label}")
            event.add("categories", [item.category_label])
        if item.meeting_title:
            lines.append(f"{gettext('Cuộc họp')}: {item.meeting_title}")
        url = url_for_assignment(item.id)
        lines.append(url)
        event.add("description", "\n".join(lines))
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


def feed_window(today: date) -> tuple[date, date]:
    return today - timedelta(days=FEED_PAST_DAYS), today + timedelta(days=FEED_FUTURE_DAYS)
