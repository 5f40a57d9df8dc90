"""Leader actions on one assignment beyond the status graph: reassigning it to another unit.

Pausing and cancelling go through the status form (tracker/assignments.py), with a reason.
Reassigning cancels the assignment ("Chuyển giao cho …") and gives the same task, role and
deadlines to the new unit in a new assignment that points back at the old one, so the
history stays on both.
"""

from __future__ import annotations

from dataclasses import dataclass

import flask_htmx
from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from peewee import IntegrityError
from wtforms import SelectField, TextAreaField

from tracker.assignments import concurrency, workflow
from tracker.assignments.forms import REASON_MAX, attach_error
from tracker.assignments.queries import listing
from tracker.assignments.workflow import WorkflowError
from tracker.core import prepared
from tracker.core.clock import get_clock
from tracker.core.db import write_transaction
from tracker.core.i18n import N_
from tracker.core.params import optional_id
from tracker.core.prepared import slot
from tracker.core.signals import assignment_created
from tracker.models import Assignment, Unit, User
from tracker.models.audit import record
from tracker.policy import can, get_or_403
from tracker.web.forms import BaseForm, max_len, required
from tracker.web.rendering import form_error_status, render, wants_fragment

bp = Blueprint("leader_actions", __name__)

# Work that can still move: anything neither done nor cancelled.
MOVABLE = (*workflow.OPEN, "paused")


class ReassignForm(BaseForm):
    """Chuyển giao cho đơn vị khác."""

    unit = SelectField(_l("Đơn vị nhận"), choices=[], validate_choice=False, id="reassign-unit")
    reason = TextAreaField(
        _l("Lý do chuyển giao"), [required(), max_len(REASON_MAX)], id="reassign-reason"
    )


def _candidates():
    holders = Assignment.select(Assignment.unit).where(Assignment.task == slot(0))
    return Unit.active_ordered().where(Unit.id.not_in(holders))


def candidate_units(a: Assignment) -> list[Unit]:
    """Active units that do not hold this task yet, in display order."""
    return list(prepared.select("reassign.candidates", _candidates, [a.task_id]))


def reassign(a: Assignment, actor: User, unit: Unit | None, reason: str) -> Assignment:
    """Cancel ``a`` and give its task to ``unit``; returns the new assignment."""
    reason = (reason or "").strip()
    if a.status not in MOVABLE:
        raise WorkflowError(N_("Không thể chuyển giao nhiệm vụ ở trạng thái hiện tại."))
    if unit is None or not unit.active:
        raise WorkflowError(N_("Vui lòng chọn một đơn vị đang hoạt động."), "unit")
    if not reason:
        raise WorkflowError(N_("Vui lòng nêu lý do."), "reason")
    if Assignment.select().where(Assignment.task == a.task_id, Assignment.unit == unit).exists():
        raise WorkflowError(N_("Đơn vị này đã được giao nhiệm vụ."), "unit")
    now = get_clock().now()
    old_unit = a.unit.name
    try:
        with write_transaction():
            # Stored as written: the reason is the leader's own text, the unit a name.
            workflow.change_status(a, actor, "cancelled", f"Chuyển giao cho {unit.name}. {reason}")
            new = Assignment.create(
                task=a.task_id,
                unit=unit,
                role=a.role,
                status="new",
                progress=0,
                deadline_kind=a.deadline_kind,
                deadline=a.deadline,
                original_deadline=a.original_deadline,
                stats_deadline=a.stats_deadline,
                extension_count=a.extension_count,
                previous=a.id,
                created_at=now,
                updated_at=now,
            )
            after = {"unit": unit.name, "role": a.role}
            # The old assignment's status event above carries the reason already.
            record(actor, "reassign", a, before={"unit": old_unit}, after=after)
            record(actor, "reassign", new, before={"unit": old_unit}, after=after, message=reason)
            assignment_created.send(new, actor=actor)
    except IntegrityError as exc:
        # Another leader gave the task to the same unit a moment ago.
        raise WorkflowError(N_("Đơn vị này đã được giao nhiệm vụ."), "unit") from exc
    return new


@dataclass
class Panel:
    """The reassign form and the assignment's place in a chain of reassignments."""

    a: Assignment
    form: ReassignForm | None
    previous: Assignment | None
    successors: list[Assignment]
    # The form is offered but fetched when opened (its select lists every other unit: a
    # province's 150 are 10 KB the assignment page would carry on every view).
    offered: bool = False
    opened: bool = False


def _form(a: Assignment, form: ReassignForm | None = None) -> ReassignForm:
    form = form or ReassignForm(formdata=None)
    form.unit.choices = [("", _("— Chọn đơn vị —"))] + [
        (str(u.id), u.name) for u in candidate_units(a)
    ]
    return form


def _chain():
    """Assignments with their task and unit, oldest first (for the links between them)."""
    return listing().order_by(Assignment.created_at, Assignment.id)


def _previous():
    return _chain().where(Assignment.id == slot(0))


def _successors():
    return _chain().where(Assignment.previous == slot(0))


@bp.app_template_global("reassign_panel")
def reassign_panel(a: Assignment, form: ReassignForm | None = None, lazy: bool = True) -> Panel:
    """Where the work came from and went to, and (for deciders) the form to move it; with
    ``lazy``, only the offer of the form (``GET …/reassign`` gives it)."""
    previous = (
        prepared.first("reassign.previous", _previous, [a.previous_id]) if a.previous_id else None
    )
    successors = list(prepared.select("reassign.successors", _successors, [a.id]))
    offered = False
    if form is None and can(current_user, "assignment.reassign", a) and a.status in MOVABLE:
        if lazy:
            offered = True
        else:
            form = _form(a)
    return Panel(a=a, form=form, previous=previous, successors=successors, offered=offered)


def _form_page(a: Assignment) -> Response:
    """The reassign form: its panel for htmx (opened from the assignment page), a page of its
    own without JavaScript; work that can no longer move goes back to its page."""
    if a.status not in MOVABLE:
        return redirect(url_for("assignments.view", assignment_id=a.id))
    panel = reassign_panel(a, lazy=False)
    panel.opened = True
    return render(
        "followup/leader_actions/reassign.html", block="reassign_panel", a=a, reassign=panel
    )


@bp.route("/assignments/<int:assignment_id>/reassign", methods=["GET", "POST"])
@login_required
def create(assignment_id: int) -> Response:
    """Move the assignment to another unit, with a reason (history kept); GET: the form."""
    a = get_or_403(current_user, "assignment.reassign", listing, assignment_id)
    if request.method == "GET":
        return _form_page(a)
    form = _form(a, ReassignForm())
    if form.validate():
        try:
            unit_id = optional_id(form.unit.data)
        except ValueError:
            unit_id = None
        unit = Unit.get_or_none(Unit.id == unit_id) if unit_id else None
        try:
            new = reassign(concurrency.expect_from_request(a), current_user, unit, form.reason.data)
        except WorkflowError as exc:
            attach_error(form, exc)
        else:
            flash(_("Đã chuyển giao nhiệm vụ cho %(unit)s.", unit=new.unit.name), "success")
            target = url_for("assignments.view", assignment_id=new.id)
            if wants_fragment():
                # The page it was on now shows a cancelled assignment: go to the new one.
                return flask_htmx.make_response("", redirect=target)
            return redirect(target)
    return render(
        "followup/leader_actions/reassign.html",
        block="reassign_panel",
        status=form_error_status(),
        a=a,
        reassign=reassign_panel(a, form),
    )
