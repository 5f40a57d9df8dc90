"""/calendar: a month of deadlines (officers: their unit's; others: all, or one unit's)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, request
from flask_login import login_required
from werkzeug.wrappers import Response

from .auth import current_account
from .calendar_data import (
    deadlines,
    first_per_day,
    may_see_unit,
    month_weeks,
    parse_month,
    shift_month,
)
from .clock import get_clock
from .models import Unit
from .params import optional_id
from .permissions import require
from .rendering import render

bp = Blueprint("calendar", __name__)

# Items listed in a day's cell; the rest behind a link to the day's full list.
PER_DAY = 4


def _unit_filter(user) -> Unit | None:
    """The ``unit`` argument, if the user may see that unit (403) and it exists (404)."""
    try:
        unit_id = optional_id(request.args.get("unit"))
    except ValueError:
        abort(404)
    if unit_id is None:
        return None
    require(may_see_unit(user, unit_id))
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        abort(404)
    return unit


def _day_arg() -> date | None:
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None


@bp.route("/calendar")
@login_required
def index() -> Response:
    """The month view; htmx gets the calendar block (previous/next month, unit filter)."""
    user = current_account()
    today = get_clock().today()
    unit = _unit_filter(user)
    if unit is None and user.role == "officer" and user.unit_id:
        unit = user.unit
    day = _day_arg()
    first = parse_month(request.args.get("month") or (day and f"{day:%Y-%m}"), today)
    weeks = month_weeks(first)
    unit_id = unit.id if unit else None
    by_day, counts = first_per_day(user, unit_id, weeks[0][0], weeks[-1][-1], PER_DAY)
    if day is not None and day.month == first.month and day.year == first.year:
        day_items = deadlines(user, unit_id, day, day)
    else:
        day, day_items = None, []
    units = []
    if user.sees_everything:
        units = list(Unit.active_ordered())
    return render(
        "calendar/month.html",
        block="calendar",
        first=first,
        weeks=weeks,
        by_day=by_day,
        counts=counts,
        day_items=day_items,
        month_count=sum(n for d, n in counts.items() if d.month == first.month),
        today=today,
        unit=unit,
        units=units,
        day=day,
        prev_month=f"{shift_month(first, -1):%Y-%m}",
        next_month=f"{shift_month(first, 1):%Y-%m}",
        this_month=f"{today:%Y-%m}",
        per_day=PER_DAY,
    )
