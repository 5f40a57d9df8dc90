"""Drafts (bản nháp chờ duyệt): where a unit requires its head's approval ("Báo cáo phải được
lãnh đạo đơn vị duyệt"), a handler's progress report and completion report wait for the unit
head, who approves them (the report then goes up exactly as a report or a completion report
posted then: ``workflow.post_report``, ``submission_flow.submit``) or returns them with a
reason (the handler is mailed, through the ``draft_returned`` signal).

Where the unit does not require it, or the one reporting leads the unit's work themselves,
the report goes straight up as before (``needs_approval``). The leader's timeliness is
unchanged: it still counts against the unit's deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from werkzeug.datastructures import FileStorage

from tracker import policy
from tracker.assignments import handlers, workflow
from tracker.assignments.attachments import record_files, staged_files
from tracker.assignments.workflow import REPORTABLE, WorkflowError
from tracker.core.clock import get_clock
from tracker.core.db import write_transaction
from tracker.core.i18n import N_
from tracker.core.signals import draft_returned, draft_submitted
from tracker.followup import submission_flow
from tracker.models import Assignment, Attachment, ReportDraft, Task, User
from tracker.models.audit import record

NOT_ALLOWED = N_("Bạn không được duyệt báo cáo của đơn vị này.")
ALREADY_DECIDED = N_("Báo cáo này đã được xử lý, vui lòng tải lại trang.")
COMPLETION_WAITING = N_("Đã có báo cáo hoàn thành đang chờ lãnh đạo đơn vị duyệt.")
NOT_REPORTABLE = N_("Không thể báo cáo tiến độ ở trạng thái hiện tại.")
REASON_MISSING = N_("Vui lòng nêu lý do trả lại.")
USE_PAGE = N_(
    "Báo cáo của chuyên viên xử lý phải được lãnh đạo đơn vị duyệt: vui lòng gửi báo cáo trên "
    "trang nhiệm vụ."
)


def needs_approval(assignment: Assignment, actor: User) -> bool:
    """Whether ``actor``'s report on ``assignment`` waits for the unit head: the unit requires
    it, ``actor`` handles the assignment, and does not lead the unit's work themselves."""
    unit = assignment.unit
    return (
        bool(unit.requires_head_approval)
        and handlers.handler_of(actor, assignment) is not None
        and not policy.can(actor, "assignment.decide_draft", assignment)
    )


def pending(assignment: Assignment | int):
    """The drafts of ``assignment`` waiting for the unit head, oldest first, with authors."""
    return (
        ReportDraft.select(ReportDraft, User)
        .join(User, on=(ReportDraft.author == User.id))
        .where(ReportDraft.assignment == assignment, ReportDraft.status == "pending")
        .order_by(ReportDraft.created_at, ReportDraft.id)
    )


def waiting_in_unit(unit_id: int):
    """The drafts waiting for the head of ``unit_id``, on any of its assignments, oldest
    first, each with its author, assignment and task (its head's home page lists them)."""
    # The unit is asked of each pending draft's assignment (a subquery per draft), so the
    # database starts from the few pending drafts (index ``(status, assignment_id)``) rather
    # than from the unit's thousands of assignments, on every visit of the head's home page.
    inner = Assignment.alias("unit_of")
    unit_of = inner.select(inner.unit).where(inner.id == ReportDraft.assignment)
    return (
        ReportDraft.select(ReportDraft, User, Assignment, Task.id, Task.number, Task.title)
        .join(User, on=(ReportDraft.author == User.id))
        .switch(ReportDraft)
        .join(Assignment)
        .join(Task)
        .where(ReportDraft.status == "pending", unit_of == unit_id)
        .order_by(ReportDraft.created_at, ReportDraft.id)
    )


def files_of(draft_ids: list[int]):
    """The evidence files of the drafts ``draft_ids``, in the order they were attached."""
    return (
        Attachment.select()
        .where(Attachment.draft.in_(draft_ids))
        .order_by(Attachment.created_at, Attachment.id)
    )


def _submitted(draft: ReportDraft, actor: User) -> ReportDraft:
    event = record(
        actor,
        "draft_submit",
        draft,
        # The draft's text stays in its row: until approved it is the unit's own business.
        after={"kind": draft.kind},
        assignment=draft.assignment,
    )
    draft_submitted.send(draft.assignment, actor=actor, draft=draft, event_id=event.id)
    return draft


def draft_report(
    assignment: Assignment,
    actor: User,
    text: str,
    progress: int,
    difficulties: str = "",
    proposals: str = "",
) -> ReportDraft:
    """A handler's progress report, kept for the unit head's approval."""
    if assignment.status not in REPORTABLE:
        raise WorkflowError(NOT_REPORTABLE)
    with write_transaction():
        draft = ReportDraft.create(
            assignment=assignment,
            author=actor,
            kind="progress",
            text=text,
            progress=progress,
            difficulties=difficulties,
            proposals=proposals,
            created_at=get_clock().now(),
        )
        return _submitted(draft, actor)


def draft_completion(
    assignment: Assignment,
    actor: User,
    summary: str,
    doc_number: str = "",
    doc_date: date | None = None,
    files: Sequence[FileStorage] = (),
) -> ReportDraft:
    """A handler's completion report (result, evidence files and the report document), kept
    for the unit head's approval; one at a time per assignment. The files are stored as a
    submission's are (``submission_flow.submit``) but name the draft: approved, they become
    the submission's evidence."""
    summary, doc_number = submission_flow.check_submission(
        assignment, actor, summary, doc_number, doc_date, has_files=bool(files)
    )
    with staged_files(files) as staged, write_transaction():
        waiting = pending(assignment).where(ReportDraft.kind == "completion").exists()
        if waiting:
            raise WorkflowError(COMPLETION_WAITING, "summary")
        draft = ReportDraft.create(
            assignment=assignment,
            author=actor,
            kind="completion",
            text=summary,
            doc_number=doc_number,
            doc_date=doc_date,
            created_at=get_clock().now(),
        )
        record_files(staged, assignment, None, actor, draft=draft)
        return _submitted(draft, actor)


def _decide(draft: ReportDraft, head: User, status: str, reason: str = "") -> None:
    """Mark ``draft`` decided, unless someone decided it meanwhile (then refuse)."""
    changed = (
        ReportDraft.update(
            status=status,
            decided_by=head,
            decided_at=get_clock().now(),
            decision_reason=reason,
        )
        .where(ReportDraft.id == draft.id, ReportDraft.status == "pending")
        .execute()
    )
    if not changed:
        raise WorkflowError(ALREADY_DECIDED)
    draft.status = status


def _check(draft: ReportDraft, head: User) -> Assignment:
    assignment = draft.assignment
    if not policy.can(head, "assignment.decide_draft", assignment):
        raise WorkflowError(NOT_ALLOWED)
    if draft.status != "pending":
        raise WorkflowError(ALREADY_DECIDED)
    return assignment


def approve(draft: ReportDraft, head: User) -> None:
    """The unit head approves: the report goes up as its author's, as if posted now."""
    assignment = _check(draft, head)
    author = draft.author
    with write_transaction():
        _decide(draft, head, "approved")
        if draft.kind == "progress":
            workflow.post_report(
                assignment,
                author,
                draft.text,
                draft.progress,
                draft.difficulties,
                draft.proposals,
            )
        else:
            submission_flow.submit(
                assignment,
                author,
                draft.text,
                draft.doc_number,
                draft.doc_date,
                kept=list(files_of([draft.id])),
            )
        record(
            head,
            "draft_approve",
            draft,
            after={"kind": draft.kind, "author": author.full_name if author else ""},
            assignment=assignment,
        )


def return_draft(draft: ReportDraft, head: User, reason: str) -> None:
    """The unit head returns the draft to its author with a reason (mailed to the author)."""
    assignment = _check(draft, head)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(REASON_MISSING, "reason")
    with write_transaction():
        _decide(draft, head, "returned", reason)
        event = record(
            head,
            "draft_return",
            draft,
            after={"kind": draft.kind, "author": draft.author.full_name if draft.author else ""},
            message=reason,
            assignment=assignment,
        )
        draft_returned.send(assignment, actor=head, draft=draft, reason=reason, event_id=event.id)
