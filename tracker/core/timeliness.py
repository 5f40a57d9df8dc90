"""Timeliness of an assignment (docs/domain.md, "Timeliness"): computed from a clock, never stored.

The same rules exist twice on purpose: ``classify`` for one row in Python, and
``condition`` as SQL for counting many rows in the database. Tests hold them together.

Both judge an assignment against its statistics deadline (``Assignment.stats_deadline``): the
original deadline, unless an extension was approved before that deadline passed, in which case
the extended one. Pages still show the current deadline beside the category.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask.globals import _cv_app
from peewee import Expression

from tracker.core.clock import get_clock
from tracker.core.i18n import N_

CATEGORIES = {
    "on_time": N_("Trong hạn"),
    "due_soon": N_("Sắp đến hạn"),
    "overdue": N_("Quá hạn"),
    "done_on_time": N_("Hoàn thành đúng hạn"),
    "done_late": N_("Hoàn thành quá hạn"),
    "ongoing": N_("Thường xuyên"),
    "no_deadline": N_("Cần xác định hạn"),
}

# Categories in the order pages and reports show them.
ORDER = ("on_time", "due_soon", "overdue", "done_on_time", "done_late", "ongoing", "no_deadline")

CLOSED = ("done", "cancelled")


def classify(
    status: str,
    deadline: date | None,
    completed_on: date | None,
    today: date,
    due_soon_days: int,
    *,
    ongoing: bool = False,
) -> str | None:
    """The category of one assignment on ``today``; None for a cancelled one.

    ``ongoing`` marks work without a single deadline ("thường xuyên"); it is never overdue
    by date (its reporting cadence is judged elsewhere).
    """
    if status == "cancelled":
        return None
    if status == "done":
        if deadline is None or completed_on is None or completed_on <= deadline:
            return "done_on_time"
        return "done_late"
    if ongoing:
        return "ongoing"
    if deadline is None:
        return "no_deadline"
    if deadline < today:
        return "overdue"
    if deadline <= today + timedelta(days=due_soon_days):
        return "due_soon"
    return "on_time"


def days_late(status: str, deadline: date | None, completed_on: date | None, today: date) -> int:
    """Whole days past the deadline: until completion if done, until today otherwise."""
    if deadline is None:
        return 0
    end = completed_on if status == "done" and completed_on else today
    return max(0, (end - deadline).days)


def overdue_band(days: int) -> str:
    """The band docs/domain.md names for days overdue."""
    if days <= 0:
        return ""
    if days <= 7:
        return "1–7"
    if days <= 30:
        return "8–30"
    return ">30"


def condition(model, category: str, today: date, due_soon_days: int) -> Expression:
    """A SQL condition on ``model`` (Assignment) selecting one category (statistics deadline)."""
    status, deadline, completed = model.status, model.stats_deadline, model.completed_on
    ongoing = model.deadline_kind == "ongoing"
    open_ = status.not_in(CLOSED)
    dated = open_ & (model.deadline_kind != "ongoing")
    soon = today + timedelta(days=due_soon_days)
    if category == "done_on_time":
        return (status == "done") & (
            deadline.is_null() | completed.is_null() | (completed <= deadline)
        )
    if category == "done_late":
        return (status == "done") & (completed > deadline)
    if category == "overdue":
        return dated & (deadline < today)
    if category == "due_soon":
        return dated & (deadline >= today) & (deadline <= soon)
    if category == "on_time":
        return dated & (deadline > soon)
    if category == "ongoing":
        return open_ & ongoing
    if category == "no_deadline":
        return dated & deadline.is_null()
    raise ValueError(category)


def context() -> tuple[date, int]:
    """Today in the configured zone and the due-soon window, for the current application."""
    app_ctx = _cv_app.get(None)
    config = app_ctx.app.config if app_ctx is not None else current_app.config
    return get_clock().today(), int(config["DUE_SOON_DAYS"])
