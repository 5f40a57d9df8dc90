"""/calendar: a month of deadlines (officers: their unit's; others: all, or one unit's).

Each day of the month shows its first few deadlines and links to the day's full list
(``?day=YYYY-MM-DD``), a page of its own, in pages of ``PAGE_SIZE``.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, current_app, request
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker.auth.sessions import current_account
from tracker.calendar.queries import day_page, first_per_day, month_weeks, parse_month, shift_month
from tracker.core.clock import get_clock
from tracker.core.params import optional_id
from tracker.models import Unit
from tracker.policy import can, require
from tracker.web.lookup import get_or_404
from tracker.web.pagination import Page, page_number
from tracker.web.rendering import render

bp = Blueprint("calendar", __name__)

# Items listed in a day's cell, the rest behind a link to the day's full list: up to
# PER_DAY, fewer in a crowded month so that the month lists about MONTH_ITEMS (the page
# stays within its 15 KB when every day of the month has deadlines).
PER_DAY = 3
MONTH_ITEMS = 31


def _unit_filter(user) -> Unit | None:
    """The ``unit`` argument, if the user may see that unit (403) and it exists (404)."""
    try:
        unit_id = optional_id(request.args.get("unit"))
    except ValueError:
        abort(404)
    if unit_id is None:
        return None
    require(user, "unit.view", unit_id)
    return get_or_404(Unit, unit_id)


def _day_arg() -> date | None:
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


@bp.route("/calendar")
@login_required
def index() -> Response:
    """The month view, or one day's list (``day``); htmx gets the calendar block."""
    user = current_account()
    today = get_clock().today()
    unit = _unit_filter(user)
    if unit is None and can(user, "unit.own_work"):
        unit = user.unit
    unit_id = unit.id if unit else None
    units = list(Unit.active_ordered()) if can(user, "work.view_all") else []
    day = _day_arg()
    if day is not None:
        return _day(user, unit, units, day, today)
    first = parse_month(request.args.get("month"), today)
    weeks = month_weeks(first)
    by_day, counts = first_per_day(user, unit_id, weeks[0][0], weeks[-1][-1], PER_DAY)
    busy_days = sum(1 for d in counts if d.month == first.month)
    per_day = max(1, min(PER_DAY, MONTH_ITEMS // max(1, busy_days)))
    by_day = {d: items[:per_day] for d, items in by_day.items() if d.month == first.month}
    return render(
        "calendar/month.html",
        block="calendar",
        first=first,
        weeks=weeks,
        by_day=by_day,
        counts=counts,
        month_count=sum(n for d, n in counts.items() if d.month == first.month),
        today=today,
        unit=unit,
        units=units,
        prev_month=f"{shift_month(first, -1):%Y-%m}",
        next_month=f"{shift_month(first, 1):%Y-%m}",
        this_month=f"{today:%Y-%m}",
    )


def _day(user, unit: Unit | None, units: list[Unit], day: date, today: date) -> Response:
    """One day's deadlines, a page at a time, with the way back to its month."""
    per_page = current_app.config["PAGE_SIZE"]
    items, total, number = day_page(user, unit.id if unit else None, day, page_number(), per_page)
    return render(
        "calendar/day.html",
        block="calendar",
        day=day,
        page=Page(items=items, page=number, per_page=per_page, total=total),
        today=today,
        unit=unit,
        units=units,
        prev_day=(day - timedelta(days=1)).isoformat(),
        next_day=(day + timedelta(days=1)).isoformat(),
        month=f"{day:%Y-%m}",
    )
