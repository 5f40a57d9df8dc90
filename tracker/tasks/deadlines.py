"""The one rule on when a deadline may fall: not before the meeting, nor before its notice.

A deadline before the day the task was given is overdue the moment it is saved, and the unit is
counted late for work it could never have done in time (docs/domain.md, "Deadline kinds"). Every
place that sets a deadline asks this module: the task form (pages and API), the review of a
notice's drafts, extension requests and their approval.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from tracker.models import Meeting

DAY_FORMAT = "%d/%m/%Y"


def deadline_error(
    held_on: date | None, notice_date: date | None, deadline: date | None
) -> str | None:
    """Why ``deadline`` may not be set, translated, or None if it may.

    ``held_on`` is the meeting's day, ``notice_date`` the day its conclusion notice (or, for a
    task given by a document, the document) was issued; either may be unknown, and then only
    the other one bounds the deadline. The deadline may fall on that day itself. The meeting is
    checked first: a notice dated before its own meeting is a typing error, and the meeting's
    day is then the one that matters.
    """
    if deadline is None:
        return None
    if held_on is not None and deadline < held_on:
        return _(
            "Hạn hoàn thành không được trước ngày họp (%(date)s).",
            date=held_on.strftime(DAY_FORMAT),
        )
    if notice_date is not None and deadline < notice_date:
        return _(
            "Hạn hoàn thành không được trước ngày thông báo kết luận (%(date)s).",
            date=notice_date.strftime(DAY_FORMAT),
        )
    return None


def meeting_deadline_error(meeting: Meeting | None, deadline: date | None) -> str | None:
    """``deadline_error`` for a task of ``meeting`` (None: a task of no meeting, unbounded)."""
    if meeting is None:
        return None
    return deadline_error(meeting.held_on, meeting.notice_date, deadline)
