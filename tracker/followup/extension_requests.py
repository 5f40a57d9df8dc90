"""Extensions ("Gia hạn"): a unit asks for a later deadline, a leader approves or rejects.

The current deadline moves on approval; the original one stays. Statistics keep counting
against the deadline they used before unless the extension was approved while that deadline
had not yet passed (docs/domain.md, "Timeliness"): for a first extension, the original deadline.
Each step writes its audit event (and, for a decision, sends ``extension_decided``, on which
the unit's mail is queued) in one transaction.
"""

from __future__ import annotations

from datetime import date

from tracker.assignments import concurrency
from tracker.assignments.workflow import WorkflowError
from tracker.core import prepared
from tracker.core.clock import get_clock
from tracker.core.db import write_transaction
from tracker.core.i18n import N_
from tracker.core.prepared import slot
from tracker.core.signals import extension_decided
from tracker.core.timeliness import CLOSED
from tracker.models import Assignment, ExtensionRequest, Task, User
from tracker.models.audit import record
from tracker.tasks.deadlines import meeting_deadline_error

# Statuses in which the unit still works towards a deadline it may ask to move.
EXTENDABLE = ("new", "in_progress", "returned")

NOT_EXTENDABLE = N_("Không thể đề nghị gia hạn đối với nhiệm vụ ở trạng thái hiện tại.")
ALREADY_PENDING = N_("Đơn vị đã có một đề nghị gia hạn đang chờ xử lý.")
ALREADY_DECIDED = N_("Đề nghị gia hạn này đã được xử lý.")
CLOSED_ASSIGNMENT = N_("Nhiệm vụ đã kết thúc, không thể gia hạn.")


def _pending():
    return (
        ExtensionRequest.select()
        .where(ExtensionRequest.assignment == slot(0), ExtensionRequest.status == "pending")
        .order_by(ExtensionRequest.created_at)
        .limit(1)
    )


def pending_request(assignment: Assignment) -> ExtensionRequest | None:
    """The assignment's request awaiting a decision, if any."""
    return prepared.first("extension.pending", _pending, [assignment.id])


def extendable(assignment: Assignment) -> bool:
    """Open work with a calendar deadline: the only kind an extension can move."""
    return (
        assignment.status in EXTENDABLE
        and assignment.deadline_kind == "date"
        and assignment.deadline is not None
    )


def _before_meeting(assignment: Assignment, deadline: date) -> str | None:
    """Why ``deadline`` may not be the assignment's (translated), or None.

    The request's other bounds (after today, after the current deadline) normally imply this
    one; not when the meeting's date lies ahead, as when it was corrected after the tasks were
    entered, nor for a request made before that correction and decided after it.
    """
    return meeting_deadline_error(Task.get_by_id(assignment.task_id).meeting, deadline)


# Why a requested or an approved date is refused: (after today, after the current deadline).
REQUESTED_BOUNDS = (
    N_("Hạn đề nghị phải sau ngày hôm nay."),
    N_("Hạn đề nghị phải sau hạn hiện tại."),
)
APPROVED_BOUNDS = (
    N_("Hạn gia hạn phải sau ngày hôm nay."),
    N_("Hạn gia hạn phải sau hạn hiện tại."),
)


def _check_deadline(
    assignment: Assignment, deadline: date | None, field: str, bounds: tuple[str, str]
) -> None:
    """Refuse ``deadline`` as ``assignment``'s new one (the error beside ``field``).

    The same rules for the unit's request and the leader's approved date: required, after
    today, after the current deadline, not before the meeting.
    """
    if deadline is None:
        raise WorkflowError(N_("Trường này là bắt buộc."), field)
    if deadline <= get_clock().today():
        raise WorkflowError(bounds[0], field)
    if deadline <= assignment.deadline:
        raise WorkflowError(bounds[1], field)
    if error := _before_meeting(assignment, deadline):
        raise WorkflowError(error, field)


def request_extension(
    assignment: Assignment, actor: User, requested: date | None, reason: str
) -> ExtensionRequest:
    """Record the unit's request for ``requested`` as the new deadline."""
    reason = (reason or "").strip()
    if not extendable(assignment):
        raise WorkflowError(NOT_EXTENDABLE)
    _check_deadline(assignment, requested, "requested_deadline", REQUESTED_BOUNDS)
    if not reason:
        raise WorkflowError(N_("Vui lòng nêu lý do."), "reason")
    now = get_clock().now()
    with write_transaction():
        # Touching the row first serialises two requests for the same assignment (row lock on
        # PostgreSQL, the write lock on SQLite), so the check for a pending one below holds.
        touched = (
            Assignment.update(updated_at=now)
            .where(
                Assignment.id == assignment.id,
                Assignment.status.in_(EXTENDABLE),
                Assignment.deadline == assignment.deadline,
            )
            .execute()
        )
        if touched != 1:
            raise WorkflowError(N_("Nhiệm vụ đã được người khác thay đổi, vui lòng tải lại."))
        if pending_request(assignment) is not None:
            raise WorkflowError(ALREADY_PENDING)
        req = ExtensionRequest.create(
            assignment=assignment,
            requested_by=actor,
            previous_deadline=assignment.deadline,
            requested_deadline=requested,
            reason=reason,
            created_at=now,
        )
        record(
            actor,
            "extension_request",
            req,
            assignment=assignment,
            before={"deadline": assignment.deadline},
            after={"requested_deadline": requested},
            message=reason,
        )
    return req


def _mark_decided(
    req: ExtensionRequest, actor: User, status: str, reason: str, approved: date | None = None
) -> None:
    """Set the decision only if the request is still pending (the second decider is told)."""
    now = get_clock().now()
    changed = (
        ExtensionRequest.update(
            status=status,
            decided_by=actor.id,
            decided_at=now,
            decision_reason=reason,
            approved_deadline=approved,
        )
        .where(ExtensionRequest.id == req.id, ExtensionRequest.status == "pending")
        .execute()
    )
    if changed != 1:
        raise WorkflowError(ALREADY_DECIDED)
    req.status, req.decided_by, req.decided_at = status, actor, now
    req.decision_reason, req.approved_deadline = reason, approved


def approve(
    req: ExtensionRequest,
    actor: User,
    note: str = "",
    version: int | None = None,
    deadline: date | None = None,
) -> Assignment:
    """Move the deadline to the approved one; statistics follow only if approved in time.

    ``deadline``: the date the leader approved (None: the requested one); it is checked like
    the request. ``note``: the leader's comment, kept with the decision and mailed to the unit.
    ``version``: the assignment's version the decider's page showed (None: no check).
    """
    note = (note or "").strip()
    approved = deadline or req.requested_deadline
    clock = get_clock()
    with write_transaction():
        _mark_decided(req, actor, "approved", note, approved)
        a = concurrency.expect(Assignment.get_by_id(req.assignment_id), version)
        if a.status in CLOSED:
            raise WorkflowError(CLOSED_ASSIGNMENT)
        _check_deadline(a, approved, "approved_deadline", APPROVED_BOUNDS)
        previous = a.deadline
        # Approved while the deadline statistics use had not passed: the new one counts.
        in_time = a.stats_deadline is None or clock.today() <= a.stats_deadline
        values: dict[str, object] = {
            "deadline": approved,
            "extension_count": Assignment.extension_count + 1,
            "updated_at": clock.now(),
        }
        if in_time:
            values["stats_deadline"] = approved
        concurrency.guarded_update(a, values, Assignment.status.not_in(CLOSED), CLOSED_ASSIGNMENT)
        event = record(
            actor,
            "extension_approve",
            req,
            assignment=a,
            before={"deadline": previous},
            after={"deadline": approved, "requested_deadline": req.requested_deadline},
            message=note,
        )
        a = Assignment.get_by_id(a.id)
        extension_decided.send(
            a, actor=actor, approved=True, deadline=a.deadline, reason=note, event_id=event.id
        )
    return a


def reject(req: ExtensionRequest, actor: User, reason: str, version: int | None = None) -> None:
    """Refuse the request with a reason; the deadlines stay as they are."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(N_("Vui lòng nêu lý do."), "reason")
    with write_transaction():
        _mark_decided(req, actor, "rejected", reason)
        a = concurrency.expect(Assignment.get_by_id(req.assignment_id), version)
        # The assignment itself does not change (its version neither), but a decision taken
        # on a page older than its last change is refused like any other.
        concurrency.check_stale(a)
        event = record(
            actor,
            "extension_reject",
            req,
            assignment=a,
            after={"requested_deadline": req.requested_deadline},
            message=reason,
        )
        extension_decided.send(
            a, actor=actor, approved=False, deadline=None, reason=reason, event_id=event.id
        )
