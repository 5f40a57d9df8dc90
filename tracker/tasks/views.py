"""Tasks: creating them from a meeting with their units, their page, editing, assigning more."""

from __future__ import annotations

from math import ceil

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker.auth.sessions import current_account
from tracker.core import timeliness
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.core.i18n import N_
from tracker.meetings.queries import assignments_by_task, unit_summary
from tracker.models import Assignment, Meeting, Task, User
from tracker.models.audit import changes, record
from tracker.policy import can, get_or_403, require, visible_assignment_ids
from tracker.tasks.creation import create_task, give_units
from tracker.tasks.forms import AssignForm, TaskCreateForm, TaskForm
from tracker.web.lookup import get_or_404
from tracker.web.pagination import Page, page_number
from tracker.web.rendering import form_error_status, render

bp = Blueprint("tasks", __name__)


def _form_page(form: TaskForm, meeting: Meeting | None, task: Task | None) -> Response:
    """The task form; after a POST it was refused, so its errors show (form_error_status)."""
    status = form_error_status() if form.is_submitted() else 200
    return render(
        "tasks/form.html", block="form", status=status, form=form, meeting=meeting, task=task
    )


@bp.route("/meetings/<int:meeting_id>/tasks/new", methods=["GET", "POST"])
@login_required
def create(meeting_id: int) -> Response:
    """A new task of a meeting, given to its units in the same step."""
    require(current_account(), "task.create")
    meeting = get_or_404(Meeting, meeting_id)
    form = TaskCreateForm(number=Task.next_number(meeting))
    form.set_unit_choices()
    form.meeting = meeting
    if request.method == "POST":
        if not form.validate():
            return _form_page(form, meeting, None)
        task, created = create_task(meeting, current_account(), form.task_values(), form)
        if created:
            flash(_("Đã thêm nhiệm vụ và giao cho %(n)s đơn vị.", n=len(created)), "success")
        else:
            flash(_("Đã thêm nhiệm vụ; nhiệm vụ chưa được giao cho đơn vị nào."), "warning")
        return redirect(url_for("tasks.detail", task_id=task.id))
    return _form_page(form, meeting, None)


@bp.route("/tasks/<int:task_id>")
@login_required
def detail(task_id: int) -> Response:
    """A task, its units in brief, and a page of its assignments (lead units first).

    Officers of a unit holding the task see every unit named, and the work of those the
    policy lets them open (``shown``); the summary counts every unit and the statuses of
    those. htmx (the pager) gets only the units block.
    """
    user = current_account()
    task = get_or_403(user, "task.view", Task, task_id)
    assignments = assignments_by_task([task.id]).get(task.id, [])
    shown = visible_assignment_ids(user, assignments)
    per_page = current_app.config["PAGE_SIZE"]
    number = min(page_number(), max(1, ceil(len(assignments) / per_page)))
    start = (number - 1) * per_page
    page = Page(
        items=assignments[start : start + per_page],
        page=number,
        per_page=per_page,
        total=len(assignments),
    )
    return render(
        "tasks/detail.html",
        block="units",
        task=task,
        meeting=task.meeting,
        page=page,
        summary=unit_summary(assignments, shown),
        can_edit=can(user, "task.edit"),
        can_assign=can(user, "task.assign"),
    )


def update_task(task: Task, actor: User, values: dict[str, object]) -> bool:
    """Save the changed fields of ``task``; a new deadline reaches unextended assignments.

    Open assignments that were never extended take the new deadline as both their current
    and original deadline (no extension happened, so the original changed too). Finished or
    cancelled ones keep theirs: their timeliness is history. Returns whether anything changed.
    """
    before, after = changes(task, list(values), values)
    if not after:
        return False
    now = get_clock().now()
    with database.atomic():
        for name, value in after.items():
            setattr(task, name, value)
        task.updated_at = now
        task.save()
        record(actor, "update", task, before=before, after=after)
        if "deadline" in after or "deadline_kind" in after:
            deadline = task.deadline if task.deadline_kind == "date" else None
            unextended = Assignment.select().where(
                Assignment.task == task,
                Assignment.extension_count == 0,
                Assignment.status.not_in(timeliness.CLOSED),
            )
            for assignment in unextended:
                if (
                    assignment.deadline == deadline
                    and assignment.original_deadline == deadline
                    and assignment.deadline_kind == task.deadline_kind
                ):
                    continue
                record(
                    actor,
                    "deadline",
                    assignment,
                    before={"deadline": assignment.deadline},
                    after={"deadline": deadline},
                    # Stored as is; the timeline translates it when shown.
                    message=N_("Hạn của nhiệm vụ được điều chỉnh."),
                )
                Assignment.update(
                    deadline=deadline,
                    original_deadline=deadline,
                    stats_deadline=deadline,
                    deadline_kind=task.deadline_kind,
                    updated_at=now,
                ).where(Assignment.id == assignment.id).execute()
    return True


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit(task_id: int) -> Response:
    """Correct a task; changing its deadline moves the deadline of unextended assignments."""
    require(current_account(), "task.edit")
    task = get_or_404(Task, task_id)
    # A POST replaces every field: one left out is blank, not silently kept.
    form = TaskForm(obj=task if request.method == "GET" else None)
    form.meeting = task.meeting
    if request.method == "POST":
        if not form.validate():
            return _form_page(form, task.meeting, task)
        if update_task(task, current_account(), form.task_values()):
            flash(_("Đã lưu thay đổi."), "success")
        return redirect(url_for("tasks.detail", task_id=task.id))
    return _form_page(form, task.meeting, task)


@bp.route("/tasks/<int:task_id>/assign", methods=["GET", "POST"])
@login_required
def assign(task_id: int) -> Response:
    """Give a task to more units (directly or through unit groups), as lead or coordinating."""
    require(current_account(), "task.assign")
    task = get_or_404(Task, task_id)
    assignments = assignments_by_task([task.id]).get(task.id, [])
    has_lead = any(a.role == "lead" for a in assignments)
    form = AssignForm(has_lead=has_lead)
    form.set_unit_choices()
    context = {
        "form": form,
        "task": task,
        "meeting": task.meeting,
        "assignments": assignments,
        "assigned": {a.unit_id: a.role for a in assignments},
    }
    if request.method == "POST":
        if not form.validate():
            return render("tasks/assign.html", block="form", status=form_error_status(), **context)
        with database.atomic():
            created = give_units(task, current_account(), form)
        if created:
            flash(_("Đã giao nhiệm vụ cho thêm %(n)s đơn vị.", n=len(created)), "success")
        else:
            flash(_("Các đơn vị đã chọn đều đã được giao nhiệm vụ này."), "info")
        return redirect(url_for("tasks.detail", task_id=task.id))
    return render("tasks/assign.html", block="form", **context)
