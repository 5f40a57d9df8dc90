"""Meetings: the list with active search, a meeting's page, creating and editing meetings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from peewee import JOIN, fn
from werkzeug.wrappers import Response

from tracker.assignments.queries import count_where
from tracker.auth.sessions import current_account
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.meetings.forms import MeetingForm
from tracker.meetings.queries import assignments_by_task, unit_summary
from tracker.models import Assignment, Meeting, Task, User
from tracker.models.audit import changes, record
from tracker.policy import (
    can,
    get_or_403,
    require,
    visible_assignment_ids,
    visible_assignments,
    visible_meetings,
    visible_tasks,
)
from tracker.web.listing import list_page
from tracker.web.lookup import get_or_404
from tracker.web.pagination import paginate
from tracker.web.rendering import form_error_status, render

bp = Blueprint("meetings", __name__)

SORTS = {
    "date": [Meeting.held_on, Meeting.id],
    "title": [Meeting.title, Meeting.id],
    "notice": [Meeting.notice_number, Meeting.id],
}


def task_counts(user: User, meeting_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per meeting: the tasks ``user`` sees, and how many of the assignments of them that
    ``user`` may open are done (an officer's: not a co-lead unit's, ``visible_assignments``).

    One grouped query for a whole page of meetings, reading only those meetings' tasks: the
    scope's subqueries are limited to them too (``among``), so its cost does not grow with the
    tasks of other meetings (issue 13).
    """
    if not meeting_ids:
        return {}
    done = count_where(Assignment.status == "done")
    query = (
        Task.select(
            Task.meeting.alias("meeting_id"),
            fn.COUNT(fn.DISTINCT(Task.id)).alias("tasks"),
            fn.COUNT(Assignment.id).alias("total"),
            done.alias("done"),
        )
        .join(Assignment, join_type=JOIN.LEFT_OUTER, on=(Assignment.task == Task.id))
        .where(Task.meeting.in_(meeting_ids))
    )
    among = Task.select(Task.id).where(Task.meeting.in_(meeting_ids))
    # Those who read everything get the query as it is (tasks without units counted too); an
    # officer's tasks each hold their unit's own assignment, so none drops out of the count.
    query = visible_assignments(user, visible_tasks(user, query, among), among)
    rows = query.group_by(Task.meeting).dicts()
    return {
        row["meeting_id"]: {
            "tasks": row["tasks"],
            "total": row["total"],
            "done": int(row["done"] or 0),
        }
        for row in rows
    }


@bp.route("/meetings")
@login_required
def index() -> Response:
    """The meetings the user may see; htmx gets only the rows block (active search, pages)."""
    user = current_account()
    listing = list_page(
        Meeting.select().where(Meeting.id.in_(visible_meetings(user).select(Meeting.id))),
        sorts=SORTS,
        default_sort="-date",
        search=Meeting,
    )
    counts = task_counts(user, [m.id for m in listing.page.items])
    return render("meetings/index.html", block="rows", listing=listing, counts=counts)


def _form_page(form: MeetingForm, meeting: Meeting | None) -> Response:
    """The meeting form; after a POST it was refused, so its errors show (form_error_status)."""
    status = form_error_status() if form.is_submitted() else 200
    return render("meetings/form.html", block="form", status=status, form=form, meeting=meeting)


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def create() -> Response:
    """Enter a new meeting and its conclusion notice."""
    require(current_account(), "meeting.create")
    form = MeetingForm()
    if request.method == "POST":
        if not form.validate():
            return _form_page(form, None)
        user = current_account()
        now = get_clock().now()
        values = form.values()
        with database.atomic():
            meeting = Meeting.create(**values, created_by=user, created_at=now, updated_at=now)
            record(user, "create", meeting, after=values)
        flash(_("Đã thêm cuộc họp."), "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return _form_page(form, None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int) -> Response:
    """Correct a meeting's details or conclusion; the audit keeps what changed."""
    require(current_account(), "meeting.edit")
    meeting = get_or_404(Meeting, meeting_id)
    # A POST replaces every field: one left out is blank, not silently kept.
    form = MeetingForm(obj=meeting if request.method == "GET" else None)
    if request.method == "POST":
        if not form.validate():
            return _form_page(form, meeting)
        user = current_account()
        values = form.values()
        before, after = changes(meeting, list(values), values)
        if after:
            with database.atomic():
                for name, value in after.items():
                    setattr(meeting, name, value)
                meeting.updated_at = get_clock().now()
                meeting.save()
                record(user, "update", meeting, before=before, after=after)
            flash(_("Đã lưu thay đổi."), "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return _form_page(form, meeting)


@bp.route("/meetings/<int:meeting_id>")
@login_required
def detail(meeting_id: int) -> Response:
    """A meeting, its conclusion, and a page of the tasks the user may see, each in brief.

    Each task shows its lead unit and how many of its units are in each status and timeliness
    category; the task's page lists the units. htmx (the pager) gets only the tasks block.
    """
    user = current_account()
    meeting = get_or_403(user, "meeting.view", Meeting, meeting_id)
    page = paginate(
        visible_tasks(user).where(Task.meeting == meeting).order_by(Task.number, Task.id)
    )
    grouped = assignments_by_task([t.id for t in page.items])
    shown = visible_assignment_ids(user, (a for rows in grouped.values() for a in rows))
    return render(
        "meetings/detail.html",
        block="tasks",
        meeting=meeting,
        page=page,
        summaries={
            t.id: unit_summary(grouped[t.id], shown) for t in page.items if grouped.get(t.id)
        },
        can_edit=can(user, "meeting.edit"),
        can_add_task=can(user, "task.create"),
    )
