"""One assignment: its page and timeline, and the progress reports and status changes posted to it.

Both POSTs answer an htmx request (an inline form in a unit's work list) with the updated row
plus the unit's counters out of band, and a plain request with a redirect back.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, make_response, redirect, request, url_for
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block

from tracker.assignments import concurrency, workflow
from tracker.assignments.forms import (
    ReportForm,
    StatusForm,
    attach_error,
    build_row,
    row_labels,
)
from tracker.assignments.queries import listing
from tracker.assignments.timeline import timeline
from tracker.core import prepared
from tracker.core.i18n import gettext as _
from tracker.core.prepared import slot
from tracker.followup import submission_flow
from tracker.models import Assignment, Unit
from tracker.overview.unit_work import COUNTERS, counters
from tracker.policy import can, get_or_403, visible_assignment_ids
from tracker.web.rendering import render, wants_fragment
from tracker.web.urls import safe_next

bp = Blueprint("assignments", __name__)


def _others_query():
    return (
        Assignment.select(Assignment, Unit)
        .join(Unit)
        .where(Assignment.task == slot(0), Assignment.id != slot(1))
        .order_by(Unit.kind, Unit.sort_order, Unit.name)
    )


def _others(a: Assignment) -> list[Assignment]:
    """The other units' assignments of the same task (shown read-only, where the user may)."""
    return list(prepared.select("assignment.others", _others_query, [a.task_id, a.id]))


def _page(a: Assignment, status: int = 200, next_url: str | None = None, **forms) -> Response:
    """The assignment page, with the given (possibly invalid) forms.

    The other units of the task are all named; their work is shown where the policy lets
    the user open it (``others_shown``).
    """
    others = _others(a)
    user = current_user._get_current_object()  # the user, not the proxy, for every check
    return render(
        "assignments/view.html",
        status=status,
        next_url=next_url,
        a=a,
        row=build_row(a, user, **forms),
        others=others,
        others_shown=visible_assignment_ids(user, others),
        timeline=timeline(a),
        can_open_unit=can(user, "unit.view", a.unit_id),
    )


def _row(a: Assignment, saved: str = "", **forms) -> Response:
    """The assignment's row for htmx; after a change, the unit's counters out of band too."""
    list_url = safe_next(request.form.get("next")) or url_for("units.view", unit_id=a.unit_id)
    return render(
        "partials/assignment_row.html",
        block="row",
        oob=[COUNTERS] if saved else [],
        row=build_row(a, current_user, saved=saved, **forms),
        labels=row_labels(),
        counters=counters(a.unit_id, list_url) if saved else [],
        next_url=list_url,
        show_actions=can(current_user, "unit.act", a.unit_id),
    )


def _saved(a: Assignment, message: str) -> Response:
    """After a successful change: the new row to htmx, a redirect back otherwise."""
    if wants_fragment():
        return _row(a, saved=message)
    flash(message, "success")
    target = safe_next(request.form.get("next"))
    return redirect(target or url_for("assignments.view", assignment_id=a.id))


def _invalid(a: Assignment, **forms) -> Response:
    """Refused input: the row with the errors to htmx (200, so htmx swaps it), else the page.

    The page keeps ``next``, so a corrected form still leads back to the list it came from.
    """
    if wants_fragment():
        return _row(a, **forms)
    return _page(a, status=400, next_url=safe_next(request.form.get("next")), **forms)


@bp.route("/assignments/<int:assignment_id>")
@login_required
def view(assignment_id: int) -> Response:
    """The assignment: task, deadlines, status, the other units, actions and the timeline."""
    return _page(get_or_403(current_user, "assignment.view", listing, assignment_id))


@bp.route("/assignments/<int:assignment_id>/actions")
@login_required
def actions(assignment_id: int) -> Response:
    """A list row's forms, fetched by htmx when its "Cập nhật" opens; else the page has them."""
    # Its status and report forms: whoever may report on the work may move it too.
    a = get_or_403(current_user, "assignment.change_status", listing, assignment_id)
    next_url = safe_next(request.args.get("next")) or url_for("units.view", unit_id=a.unit_id)
    body = render_block(
        "partials/assignment_row.html",
        "actions",
        row=build_row(a, current_user),
        labels=row_labels(),
        next_url=next_url,
    )
    response = make_response(body)
    response.vary.add("HX-Request")
    return response


@bp.route("/assignments/<int:assignment_id>/reports", methods=["POST"])
@login_required
def post_report(assignment_id: int) -> Response:
    """A progress report by one of the unit's own officers."""
    a = get_or_403(current_user, "assignment.report", listing, assignment_id)
    form = ReportForm()
    if form.validate():
        try:
            workflow.post_report(
                concurrency.expect_from_request(a),
                current_user,
                text=form.text.data.strip(),
                progress=form.progress.data,
                difficulties=(form.difficulties.data or "").strip(),
                proposals=(form.proposals.data or "").strip(),
            )
        except workflow.WorkflowError as exc:
            attach_error(form, exc)
        else:
            return _saved(a, _("Đã gửi báo cáo tiến độ."))
    return _invalid(a, report_form=form)


@bp.route("/assignments/<int:assignment_id>/status", methods=["POST"])
@login_required
def change_status(assignment_id: int) -> Response:
    """Move the assignment along the status graph (the workflow decides which moves)."""
    a = get_or_403(current_user, "assignment.change_status", listing, assignment_id)
    form = StatusForm()
    if form.validate():
        try:
            submission_flow.change_status(
                concurrency.expect_from_request(a),
                current_user,
                form.status.data or "",
                form.reason.data,
            )
        except workflow.WorkflowError as exc:
            attach_error(form, exc)
        else:
            return _saved(a, _("Đã cập nhật trạng thái."))
    return _invalid(a, status_form=form)
