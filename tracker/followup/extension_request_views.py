"""Extension requests on the web: the unit asks, a leader approves or rejects.

The blueprint is named ``extensions`` (tracker/extensions.py holds the Flask extensions).
The assignment page draws the extension panel through the ``extension_panel`` template
global; the "Xin gia hạn" queue (tracker/queues.py) draws one row per pending request. An
htmx POST answers with the panel or the queue row it came from, a plain POST redirects back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.assignments.concurrency import parse_version
from tracker.assignments.forms import attach_error
from tracker.assignments.queries import listing
from tracker.assignments.workflow import WorkflowError
from tracker.followup import extension_requests as rules
from tracker.followup.extension_request_forms import DecisionForm, RequestForm, decision_form
from tracker.followup.queues import queue_row
from tracker.models import Assignment, ExtensionRequest, Task, Unit, User
from tracker.policy import can, get_or_403
from tracker.web.forms import BaseForm
from tracker.web.lookup import get_or_404
from tracker.web.rendering import form_error_status, render, wants_fragment
from tracker.web.urls import safe_next

bp = Blueprint("extensions", __name__)

PANEL = ("followup/extension_requests/_panel.html", "extension_panel")
QUEUE_ROW = ("followup/queues/_extension_row.html", "row")


@dataclass
class Panel:
    """The extension part of an assignment page, as its viewer sees it."""

    a: Assignment
    pending: ExtensionRequest | None
    form: RequestForm | None = None
    decision: DecisionForm | None = None
    saved: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def visible(self) -> bool:
        return bool(self.pending or self.form or self.saved or self.errors)


def _messages(form: BaseForm) -> list[str]:
    return [m for messages in form.errors.values() for m in messages] + list(form.form_errors)


def build_panel(
    a: Assignment,
    user: User,
    form: RequestForm | None = None,
    decision: DecisionForm | None = None,
    saved: str = "",
) -> Panel:
    """What ``user`` sees of ``a``'s extensions: a pending request, or the form to ask.

    A refused form that no longer applies (the request was decided, the work was closed)
    leaves its messages above the panel instead.
    """
    pending = rules.pending_request(a)
    panel = Panel(a=a, pending=pending, saved=saved)
    if pending is not None:
        if can(user, "extension_request.decide", pending):
            panel.decision = decision_form(pending, decision)
    elif can(user, "extension_request.ask", a) and rules.extendable(a):
        panel.form = form or RequestForm(formdata=None)
    if form is not None and panel.form is None:
        panel.errors += _messages(form)
    if decision is not None and panel.decision is None:
        panel.errors += _messages(decision)
    return panel


@bp.app_template_global("extension_panel")
def extension_panel(a: Assignment) -> Panel:
    """The panel for the assignment page (a template global, so the page needs no change)."""
    return build_panel(a, current_user)


def _requests():
    """Extension requests with their assignment, its task and unit (one query)."""
    return (
        ExtensionRequest.select(ExtensionRequest, Assignment, Task, Unit)
        .join(Assignment)
        .join(Task)
        .switch(Assignment)
        .join(Unit)
    )


def _panel_response(a: Assignment, status: int = 200, **kw) -> Response:
    """The panel alone to htmx, else the panel's own page (a refused plain POST)."""
    panel = build_panel(a, current_user, **kw)
    return render(
        "followup/extension_requests/page.html",
        block="extension_panel",
        status=status,
        ext_panel=panel,
        a=a,
    )


@bp.route("/assignments/<int:assignment_id>/extensions", methods=["POST"])
@login_required
def create(assignment_id: int) -> Response:
    """The unit's officer asks for a later deadline, with a reason."""
    a = get_or_403(current_user, "extension_request.ask", listing, assignment_id)
    form = RequestForm()
    if form.validate():
        try:
            rules.request_extension(a, current_user, form.requested_deadline.data, form.reason.data)
        except WorkflowError as exc:
            attach_error(form, exc)
        else:
            message = _("Đã gửi đề nghị gia hạn.")
            if wants_fragment():
                return _panel_response(a, saved=message)
            flash(message, "success")
            return redirect(url_for("assignments.view", assignment_id=a.id))
    return _panel_response(a, status=form_error_status(), form=form)


def _decided(req: ExtensionRequest, message: str, form: DecisionForm) -> Response:
    """After a decision: the queue row or the panel to htmx, a redirect otherwise."""
    a = get_or_404(listing, req.assignment_id)
    if wants_fragment():
        if form.origin.data == "queue":
            return queue_row(req, saved=message)
        return _panel_response(a, saved=message)
    flash(message, "success")
    target = safe_next(request.form.get("next"))
    return redirect(target or url_for("assignments.view", assignment_id=a.id))


def _refused(req: ExtensionRequest, form: DecisionForm) -> Response:
    """A refused decision: the errors beside the reason, in the queue row or on the panel."""
    if wants_fragment() and form.origin.data == "queue":
        return queue_row(req, form=form)
    a = get_or_404(listing, req.assignment_id)
    return _panel_response(a, status=form_error_status(), decision=form)


def _decide(request_id: int, approve: bool) -> Response:
    req = get_or_403(current_user, "extension_request.decide", _requests, request_id)
    form = DecisionForm()
    form.approving = approve
    decision_form(req, form)
    version = parse_version(request.form.get("version"))
    if form.validate():
        try:
            if approve:
                deadline = form.approved_deadline.data
                rules.approve(req, current_user, form.reason.data, version, deadline)
            else:
                rules.reject(req, current_user, form.reason.data, version)
        except WorkflowError as exc:
            attach_error(form, exc)
        else:
            message = _("Đã đồng ý gia hạn.") if approve else _("Đã từ chối đề nghị gia hạn.")
            return _decided(req, message, form)
    return _refused(req, form)


@bp.route("/extensions/<int:request_id>/approve", methods=["POST"])
@login_required
def approve(request_id: int) -> Response:
    """A leader approves: the deadline moves to the approved date (the requested one unless
    the leader changed it), with the leader's comment."""
    return _decide(request_id, approve=True)


@bp.route("/extensions/<int:request_id>/reject", methods=["POST"])
@login_required
def reject(request_id: int) -> Response:
    """A leader rejects, with a reason; the deadline stays."""
    return _decide(request_id, approve=False)
