"""Completion reports ("Báo cáo hoàn thành"): the submit form, a leader's confirm and return,
and the submission panel shown on the assignment page, the submission page and the queue.

Confirm and return answer an htmx request with the assignment's submission panel (block
``panel`` of templates/submissions/panel.html), or with its row when the form came from the
"Chờ xác nhận" queue (``origin=queue``), and a plain one with a redirect to ``next`` (a path
on this site) or to the assignment.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.assignments import concurrency, workflow
from tracker.assignments.attachments import UploadError, uploads_from
from tracker.assignments.queries import listing
from tracker.assignments.workflow import WorkflowError
from tracker.followup import drafts, queues, submission_flow
from tracker.followup.submission_forms import DecisionForm, SubmitForm, show_error
from tracker.followup.submission_queries import Evidence, cached_evidence, coordination, evidence_of
from tracker.models import DECISIONS, Assignment, AuditEvent, Submission, User
from tracker.policy import can, get_visible_or_404, require
from tracker.web.lookup import get_or_404
from tracker.web.rendering import form_error_status, render, wants_fragment
from tracker.web.urls import safe_next

bp = Blueprint("submissions", __name__)
bp.add_app_template_global(DECISIONS, "DECISIONS")

PANEL = "followup/submissions/panel.html"


@dataclass
class Panel:
    """Everything the submission panel of one assignment shows to one user."""

    a: Assignment
    evidence: list[Evidence]
    coordination: list[Assignment]
    may_submit: bool
    may_decide: bool
    form: DecisionForm
    next_url: str | None = None

    @property
    def latest(self) -> Evidence | None:
        return self.evidence[0] if self.evidence else None

    @property
    def is_empty(self) -> bool:
        return not (self.evidence or self.coordination or self.may_submit or self.may_decide)


def build_panel(
    a: Assignment, user: User, form: DecisionForm | None = None, next_url: str | None = None
) -> Panel:
    """The panel of ``a`` as ``user`` sees it; a fresh decision form unless one is given."""
    form = form if form is not None else DecisionForm(formdata=None)
    # The assignment page also holds the status form's "reason": ids must differ.
    form.reason.id = f"decision-reason-{a.id}"
    return Panel(
        a=a,
        evidence=list(evidence_of(a.id).values()),
        coordination=coordination(a.task_id, user) if a.role == "lead" else [],
        may_submit="submitted" in workflow.allowed_targets(user, a),
        # Confirming and returning are one decision: the same people take both.
        may_decide=a.status == "submitted" and can(user, "assignment.confirm", a),
        form=form,
        next_url=next_url,
    )


@bp.app_template_global()
def submission_panel(a: Assignment, decide: bool = True) -> Panel:
    """The panel for the assignment page (which has already checked the user may see it).

    ``decide=False`` leaves the decision to the page's status form, which offers it already.
    """
    panel = build_panel(a, current_user)
    panel.may_decide = panel.may_decide and decide
    return panel


@bp.app_template_global()
def offers_submit(a: Assignment) -> bool:
    """Whether a link to the submit form of ``a`` leads the current user anywhere: the move to
    "submitted" is among theirs now."""
    return "submitted" in workflow.allowed_targets(current_user, a)


@bp.app_template_global()
def submission_evidence(event: AuditEvent) -> Evidence | None:
    """The submission a timeline event of this module is about, with its files."""
    if event.action != "submit" or event.object_type != "submission":
        return None
    return cached_evidence(event.assignment_id).get(event.object_id)


def _viewable(assignment_id: int) -> Assignment:
    """The assignment if the user may see it; 404 otherwise (its existence stays hidden)."""
    return get_visible_or_404(current_user, listing, assignment_id)


def _panel_response(a: Assignment, status: int = 200, **kwargs) -> Response:
    panel = build_panel(a, current_user, **kwargs)
    return render(PANEL, block="panel", status=status, panel=panel)


@bp.route("/assignments/<int:assignment_id>/submit", methods=["GET", "POST"])
@login_required
def submit(assignment_id: int) -> Response:
    """The unit's officer reports the assignment done, with its result and evidence."""
    a = _viewable(assignment_id)
    require(current_user, "assignment.submit", a)
    form = SubmitForm()
    allowed = "submitted" in workflow.allowed_targets(current_user, a)
    # A handler of a unit that requires its head's approval: the report waits as a draft.
    drafting = drafts.needs_approval(a, current_user)
    if request.method == "POST" and allowed and form.validate():
        try:
            files = uploads_from(request.files.getlist(form.files.name))
            if drafting:
                drafts.draft_completion(
                    concurrency.expect_from_request(a),
                    current_user,
                    summary=form.summary.data,
                    doc_number=form.doc_number.data or "",
                    doc_date=form.doc_date.data,
                    files=files,
                )
            else:
                submission_flow.submit(
                    concurrency.expect_from_request(a),
                    current_user,
                    summary=form.summary.data,
                    doc_number=form.doc_number.data or "",
                    doc_date=form.doc_date.data,
                    files=files,
                )
        except (WorkflowError, UploadError) as exc:
            show_error(form, exc)
        else:
            if drafting:
                flash(_("Đã gửi báo cáo hoàn thành, chờ lãnh đạo đơn vị duyệt."), "success")
                return redirect(url_for("assignments.view", assignment_id=a.id))
            message = _("Đã gửi báo cáo hoàn thành, chờ lãnh đạo xác nhận.")
            if wants_fragment():
                return _panel_response(a)
            flash(message, "success")
            return redirect(url_for("assignments.view", assignment_id=a.id))
    elif request.method == "POST" and not allowed:
        show_error(form, WorkflowError(submission_flow.NOT_ALLOWED))
    status = form_error_status() if request.method == "POST" else 200
    return render(
        "followup/submissions/form.html",
        block="submit_form",
        status=status,
        a=a,
        form=form,
        allowed=allowed,
        drafting=drafting,
        coordinating=coordination(a.task_id, current_user) if a.role == "lead" else [],
    )


def _from_queue() -> bool:
    """An htmx decision from a row of the "Chờ xác nhận" queue (it answers with the row)."""
    return wants_fragment() and request.form.get("origin") == "queue"


def _decided(a: Assignment, message: str, next_url: str | None) -> Response:
    if _from_queue():
        return queues.submitted_row(a, saved=message)
    if wants_fragment():
        return _panel_response(a, next_url=next_url)
    flash(message, "success")
    return redirect(next_url or url_for("assignments.view", assignment_id=a.id))


def _refused(a: Assignment, form: DecisionForm, next_url: str | None) -> Response:
    """A refused decision: the panel with the error (htmx, 200) or the submission page (400).

    From the queue, the row with its forms open and the error beside the reason."""
    if _from_queue():
        return queues.submitted_row(a, form=form)
    if wants_fragment():
        return _panel_response(a, form=form, next_url=next_url)
    return render(
        "followup/submissions/detail.html",
        status=400,
        a=a,
        panel=build_panel(a, current_user, form=form, next_url=next_url),
    )


def _decide(assignment_id: int, returning: bool) -> Response:
    a = _viewable(assignment_id)
    require(current_user, "assignment.return" if returning else "assignment.confirm", a)
    next_url = safe_next(request.form.get("next"))
    form = DecisionForm()
    concurrency.expect_from_request(a)
    if form.validate():
        try:
            if returning:
                submission_flow.return_submission(a, current_user, form.reason.data or "")
            else:
                submission_flow.confirm(a, current_user)
        except WorkflowError as exc:
            show_error(form, exc)
        else:
            if returning:
                return _decided(a, _("Đã trả lại, yêu cầu đơn vị thực hiện lại."), next_url)
            return _decided(a, _("Đã xác nhận hoàn thành."), next_url)
    return _refused(a, form, next_url)


@bp.route("/assignments/<int:assignment_id>/confirm", methods=["POST"])
@login_required
def confirm(assignment_id: int) -> Response:
    """A leader confirms the reported completion (done as of the submission time)."""
    return _decide(assignment_id, returning=False)


@bp.route("/assignments/<int:assignment_id>/return", methods=["POST"])
@login_required
def return_work(assignment_id: int) -> Response:
    """A leader returns the reported completion with a reason ("Thực hiện lại")."""
    return _decide(assignment_id, returning=True)


@bp.route("/submissions/<int:submission_id>")
@login_required
def detail(submission_id: int) -> Response:
    """One assignment's completion reports, evidence and (for the lead) coordinating units."""
    submission = get_or_404(Submission, submission_id)
    a = _viewable(submission.assignment_id)
    return render(
        "followup/submissions/detail.html",
        block="panel",
        a=a,
        panel=build_panel(a, current_user),
    )
