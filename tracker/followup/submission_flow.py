"""Submitting an assignment as done with evidence, and a leader's confirmation or return.

The status moves themselves go through ``workflow.move`` (the guarded update); this module
adds the Submission row, the evidence files, the audit event of its own kind and, for a
decision, the signal (``work_confirmed``, ``assignment_returned``) on which the unit's mail is
queued, all in the transaction of the move.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from werkzeug.datastructures import FileStorage

from tracker.assignments import workflow
from tracker.assignments.attachments import record_files, staged_files
from tracker.assignments.workflow import GRAPH, WorkflowError
from tracker.core.clock import get_clock
from tracker.core.db import write_transaction
from tracker.core.i18n import N_
from tracker.core.signals import assignment_returned, work_confirmed
from tracker.models import Assignment, Attachment, Submission, User
from tracker.policy import can

EVIDENCE_MISSING = N_("Cần đính kèm minh chứng (tệp hoặc số, ngày văn bản báo cáo).")
DOC_DATE_MISSING = N_("Vui lòng nhập ngày của văn bản báo cáo.")
DOC_NUMBER_MISSING = N_("Vui lòng nhập số của văn bản báo cáo.")
DOC_DATE_FUTURE = N_("Ngày văn bản không được sau ngày hôm nay.")
USE_SUBMIT_FORM = N_(
    "Để báo cáo hoàn thành, vui lòng dùng biểu mẫu “Báo cáo hoàn thành” "
    "(nêu kết quả và đính kèm minh chứng)."
)
NOT_ALLOWED = N_("Không được chuyển sang trạng thái này.")

# Moves with a step of their own: the generic status form never performs them directly.
DEDICATED = ("submitted", "done", "returned")


def pending_submission(a: Assignment) -> Submission | None:
    """The submission awaiting a decision on ``a`` (the newest, should there be several)."""
    return (
        Submission.select()
        .where(Submission.assignment == a.id, Submission.decision == "pending")
        .order_by(Submission.created_at.desc(), Submission.id.desc())
        .first()
    )


def check_submission(
    assignment: Assignment,
    actor: User,
    summary: str,
    doc_number: str,
    doc_date: date | None,
    has_files: bool,
) -> tuple[str, str]:
    """Refuse a completion report ``actor`` may not make now or whose result or evidence is
    missing; return the summary and document number, stripped. Also the rule of a handler's
    completion draft (tracker/followup/drafts.py)."""
    if "submitted" not in workflow.allowed_targets(actor, assignment):
        raise WorkflowError(NOT_ALLOWED)
    summary = (summary or "").strip()
    doc_number = (doc_number or "").strip()
    if not summary:
        raise WorkflowError(N_("Trường này là bắt buộc."), "summary")
    if doc_number and doc_date is None:
        raise WorkflowError(DOC_DATE_MISSING, "doc_date")
    if doc_date is not None and not doc_number:
        raise WorkflowError(DOC_NUMBER_MISSING, "doc_number")
    if doc_date is not None and doc_date > get_clock().today():
        raise WorkflowError(DOC_DATE_FUTURE, "doc_date")
    if assignment.task.evidence_required and not has_files and not doc_number:
        raise WorkflowError(EVIDENCE_MISSING, "files")
    return summary, doc_number


def submit(
    assignment: Assignment,
    actor: User,
    summary: str,
    doc_number: str = "",
    doc_date: date | None = None,
    files: Sequence[FileStorage] = (),
    kept: Sequence[Attachment] = (),
) -> Submission:
    """Report ``assignment`` done with its result and evidence → "Chờ xác nhận".

    Files are written first under temporary names and renamed into place after the commit;
    a refusal anywhere leaves no row and no file behind. ``kept``: files already stored (those
    of an approved completion draft), which become this submission's evidence.
    """
    summary, doc_number = check_submission(
        assignment, actor, summary, doc_number, doc_date, bool(files or kept)
    )
    with staged_files(files) as staged, write_transaction():
        submission = Submission.create(
            assignment=assignment,
            author=actor,
            summary=summary,
            doc_number=doc_number,
            doc_date=doc_date,
            created_at=get_clock().now(),
        )
        record_files(staged, assignment, submission, actor)
        if kept:
            Attachment.update(submission=submission).where(
                Attachment.id.in_([k.id for k in kept])
            ).execute()
        workflow.move(assignment, actor, "submitted", summary, action="submit", obj=submission)
    return submission


def _check_decision(assignment: Assignment, actor: User, to: str) -> None:
    """Refuse a confirmation or return the graph lacks or the policy does not allow ``actor``
    (secretaries too where the setting lets them confirm)."""
    action = GRAPH.get((assignment.status, to))
    if action is None or not can(actor, action, assignment):
        raise WorkflowError(NOT_ALLOWED, "status")


def _decide(submission: Submission | None, actor: User, decision: str, reason: str = "") -> None:
    if submission is None:
        return
    (
        Submission.update(
            decision=decision,
            decided_by=actor,
            decided_at=get_clock().now(),
            decision_reason=reason,
        )
        .where(Submission.id == submission.id, Submission.decision == "pending")
        .execute()
    )


def confirm(assignment: Assignment, actor: User) -> None:
    """Confirm the submitted work: done, completed when it was submitted; mail the unit."""
    _check_decision(assignment, actor, "done")
    with write_transaction():
        submission = pending_submission(assignment)
        event = workflow.move(assignment, actor, "done", action="confirm", obj=submission)
        _decide(submission, actor, "confirmed")
        work_confirmed.send(assignment, actor=actor, event_id=event.id)


def return_submission(assignment: Assignment, actor: User, reason: str) -> None:
    """Send the work back ("Thực hiện lại") with the leader's reason; mail the unit."""
    _check_decision(assignment, actor, "returned")
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(N_("Vui lòng nêu lý do."), "reason")
    with write_transaction():
        submission = pending_submission(assignment)
        event = workflow.move(
            assignment, actor, "returned", reason, action="return", obj=submission
        )
        _decide(submission, actor, "returned", reason)
        assignment_returned.send(assignment, actor=actor, reason=reason, event_id=event.id)


def change_status(assignment: Assignment, actor: User, to: str, reason: str = "") -> None:
    """The generic status form's move: submitting needs its own form; a leader's confirmation
    or return is the same step as from the submission's own forms."""
    if to == "submitted":
        raise WorkflowError(USE_SUBMIT_FORM, "status")
    if to in ("done", "returned"):
        # Same rules as the generic form (graph and role), then the dedicated step.
        reason = workflow.check_move(assignment, actor, to, reason)
        if to == "done":
            confirm(assignment, actor)
        else:
            return_submission(assignment, actor, reason)
        return
    workflow.change_status(assignment, actor, to, reason)
