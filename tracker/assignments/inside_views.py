"""Work inside a unit on one assignment: the section "Phân công xử lý" of the assignment page
(the handlers and their internal deadlines, the drafts waiting for the unit head), its forms,
and each handler's own list, "Việc của tôi" (/my-work).

Every POST is a plain form (post/redirect/get); refused input shows the assignment page again
with the message beside its field (400), nothing saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Response, flash, redirect, url_for
from flask_login import current_user, login_required

from tracker.assignments import handlers, views
from tracker.assignments.forms import attach_error
from tracker.assignments.handler_forms import DraftDecisionForm, HandlerForm
from tracker.assignments.queries import listing
from tracker.assignments.workflow import WorkflowError
from tracker.core import prepared, timeliness
from tracker.core.i18n import gettext as _
from tracker.core.prepared import slot
from tracker.followup import drafts
from tracker.models import Assignment, AssignmentHandler, Attachment, ReportDraft, User
from tracker.policy import (
    can,
    get_or_403,
    get_visible_or_404,
    require,
    visible_assignment_ids,
)
from tracker.web.rendering import render

bp = Blueprint("inside", __name__)


@dataclass
class Inside:
    """The section "Phân công xử lý" of one assignment as one user sees it."""

    a: Assignment
    handlers: list[AssignmentHandler]
    drafts: list[ReportDraft]
    own_drafts: list[ReportDraft]
    may_assign: bool
    may_decide: bool
    requires_approval: bool
    form: HandlerForm
    decision_form: DraftDecisionForm
    decision_draft: int | None = None
    categories: dict[int, str | None] = field(default_factory=dict)
    # The evidence files of the completion drafts shown, by draft.
    files: dict[int, list[Attachment]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.handlers or self.drafts or self.own_drafts or self.may_assign)


def _handler_form(a: Assignment, form: HandlerForm | None = None) -> HandlerForm:
    form = form if form is not None else HandlerForm(formdata=None)
    form.handlers.choices = [
        (u.id, f"{u.full_name} ({u.role_label})")
        for u in prepared.select("inside.officers", _officers, [a.unit_id])
    ]
    return form


def _officers():
    return handlers.officers_of_unit(slot(0))


def _pending_drafts():
    return drafts.pending(slot(0))


def _handlers():
    return AssignmentHandler.of(slot(0))


def _own_drafts():
    return (
        ReportDraft.select()
        .where(ReportDraft.assignment == slot(0), ReportDraft.author == slot(1))
        .order_by(ReportDraft.created_at.desc(), ReportDraft.id.desc())
        .limit(5)
    )


def build_inside(
    a: Assignment,
    user: User,
    form: HandlerForm | None = None,
    decision_form: DraftDecisionForm | None = None,
    decision_draft: int | None = None,
) -> Inside:
    """The section of ``a`` for ``user`` (who may view ``a``); fresh forms unless given."""
    rows = list(prepared.select("inside.handlers", _handlers, [a.id]))
    may_decide = can(user, "assignment.decide_draft", a)
    today, window = timeliness.context()
    own = () if may_decide else prepared.select("inside.own_drafts", _own_drafts, [a.id, user.id])
    for row in rows:
        row.assignment = a
    waiting = list(prepared.select("inside.pending", _pending_drafts, [a.id])) if may_decide else []
    own = [] if may_decide else list(own)
    return Inside(
        a=a,
        handlers=rows,
        drafts=waiting,
        own_drafts=own,
        files=_draft_files(waiting + own),
        may_assign=can(user, "assignment.assign_handlers", a) and a.status not in handlers.CLOSED,
        may_decide=may_decide,
        requires_approval=bool(a.unit.requires_head_approval),
        form=_handler_form(a, form),
        decision_form=decision_form or DraftDecisionForm(formdata=None),
        decision_draft=decision_draft,
        categories={r.id: handlers.internal_category(r, today, window) for r in rows},
    )


def _draft_files(shown: list[ReportDraft]) -> dict[int, list[Attachment]]:
    """The files of the completion drafts among ``shown`` (one query, only if there are)."""
    ids = [d.id for d in shown if d.kind == "completion"]
    found: dict[int, list[Attachment]] = {}
    if ids:
        for f in drafts.files_of(ids):
            found.setdefault(f.draft_id, []).append(f)
    return found


@bp.app_template_global()
def inside_unit(a: Assignment, given: dict | None = None) -> Inside:
    """The section for the assignment page (which has checked the user may see ``a``)."""
    return build_inside(a, current_user._get_current_object(), **(given or {}))


def _back(a: Assignment, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("assignments.view", assignment_id=a.id) + "#inside-unit")


@bp.route("/assignments/<int:assignment_id>/handlers", methods=["POST"])
@login_required
def assign(assignment_id: int) -> Response:
    """The unit head gives the assignment to officers of the unit with an internal deadline."""
    a = get_or_403(current_user, "assignment.assign_handlers", listing, assignment_id)
    form = _handler_form(a, HandlerForm())
    if form.validate():
        try:
            handlers.assign_handlers(
                a, current_user, form.handlers.data or [], form.internal_deadline.data
            )
        except WorkflowError as exc:
            attach_error(form, exc)
        else:
            return _back(a, _("Đã phân công xử lý."))
    return views.page(a, status=400, inside={"form": form})


@bp.route("/assignments/<int:assignment_id>/handlers/<int:handler_id>/remove", methods=["POST"])
@login_required
def remove(assignment_id: int, handler_id: int) -> Response:
    """The unit head takes the assignment back from one handler."""
    a = get_or_403(current_user, "assignment.assign_handlers", listing, assignment_id)
    handlers.remove_handler(a, current_user, handler_id)
    return _back(a, _("Đã thôi phân công xử lý."))


def _decide(draft_id: int, returning: bool) -> Response:
    draft = get_visible_or_404(current_user, ReportDraft, draft_id)
    a = listing().where(Assignment.id == draft.assignment_id).get()
    require(current_user, "assignment.decide_draft", a)
    draft.assignment = a
    form = DraftDecisionForm()
    if form.validate():
        try:
            if returning:
                drafts.return_draft(draft, current_user, form.reason.data or "")
            else:
                drafts.approve(draft, current_user)
        except WorkflowError as exc:
            attach_error(form, exc)
        else:
            if returning:
                return _back(a, _("Đã trả lại báo cáo cho chuyên viên xử lý."))
            return _back(a, _("Đã duyệt, báo cáo đã được gửi lên lãnh đạo."))
    given = {"decision_form": form, "decision_draft": draft.id}
    return views.page(a, status=400, inside=given)


@bp.route("/drafts/<int:draft_id>/approve", methods=["POST"])
@login_required
def approve(draft_id: int) -> Response:
    """The unit head approves a handler's draft: it goes up as the unit's report."""
    return _decide(draft_id, returning=False)


@bp.route("/drafts/<int:draft_id>/return", methods=["POST"])
@login_required
def return_draft(draft_id: int) -> Response:
    """The unit head returns a handler's draft with a reason."""
    return _decide(draft_id, returning=True)


@bp.route("/my-work")
@login_required
def my_work() -> Response:
    """Việc của tôi: the assignments the user handles, by internal deadline, with timeliness."""
    require(current_user, "unit.own_work")
    today, window = timeliness.context()
    rows = list(handlers.my_work(current_user))
    visible = visible_assignment_ids(current_user, [r.assignment for r in rows])
    rows = [r for r in rows if r.assignment_id in visible]
    return render(
        "assignments/my_work.html",
        rows=rows,
        categories={r.id: handlers.internal_category(r, today, window) for r in rows},
    )
