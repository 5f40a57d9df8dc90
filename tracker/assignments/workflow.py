"""State changes of assignments: the status graph, progress reports, giving tasks to units.

Each function checks what it may, writes the change and its audit event in one transaction,
and raises ``WorkflowError`` (with a Vietnamese message, marked with ``N_`` and translated where
it is shown) when the change is not allowed; the class lives in ``tracker.assignments.errors``
and is imported from here as before.
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker import policy
from tracker.assignments import concurrency
from tracker.assignments.errors import WorkflowError
from tracker.core.clock import get_clock
from tracker.core.db import write_transaction
from tracker.core.i18n import N_
from tracker.core.signals import assignment_created
from tracker.models import Assignment, AuditEvent, ProgressReport, Task, Unit, User
from tracker.models.audit import record

OPEN = ("new", "in_progress", "returned", "submitted")

# The status graph: (from, to) → the action that makes the move; who may take each action is
# the policy's (tracker/policy.py ``MOVES``).
GRAPH: dict[tuple[str, str], str] = {
    ("new", "in_progress"): "assignment.start",
    ("returned", "in_progress"): "assignment.start",
    ("in_progress", "submitted"): "assignment.submit",
    ("returned", "submitted"): "assignment.submit",
    ("submitted", "done"): "assignment.confirm",
    ("submitted", "returned"): "assignment.return",
    ("paused", "in_progress"): "assignment.resume",
    **{(s, "paused"): "assignment.pause" for s in OPEN},
    **{(s, "cancelled"): "assignment.cancel" for s in (*OPEN, "paused")},
}

# The graph with the roles that make each move ("officer": of the assignment's own unit), as
# the policy has them: for reading the rules at a glance, and for the tests.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    move: policy.MOVES[action] for move, action in GRAPH.items()
}

# Statuses in which a unit reports progress.
REPORTABLE = ("new", "in_progress", "returned")

# Moves that need a written reason.
NEEDS_REASON = {"returned", "paused", "cancelled"}


def allowed_targets(user: User, assignment: Assignment) -> list[str]:
    """The statuses ``user`` may move ``assignment`` to now: the graph's moves from its status
    that the policy lets them make, and none to those who do not move it at all (a secretary
    whom the setting lets confirm does so through the completion report, not this graph)."""
    if not policy.can(user, "assignment.change_status", assignment):
        return []
    return [
        to
        for (frm, to), action in GRAPH.items()
        if frm == assignment.status and policy.can(user, action, assignment)
    ]


def check_move(assignment: Assignment, actor: User, to: str, reason: str = "") -> str:
    """Refuse a move the graph does not allow ``actor``, or one missing its reason.

    Returns the reason, stripped.
    """
    if to not in allowed_targets(actor, assignment):
        raise WorkflowError(N_("Không được chuyển sang trạng thái này."), "status")
    reason = (reason or "").strip()
    if to in NEEDS_REASON and not reason:
        raise WorkflowError(N_("Vui lòng nêu lý do."), "reason")
    return reason


def move(
    assignment: Assignment,
    actor: User,
    to: str,
    reason: str = "",
    *,
    action: str = "status",
    obj: object = None,
    after: dict | None = None,
) -> AuditEvent:
    """Write an already checked move and its audit event; call inside the caller's transaction.

    ``action``, ``obj`` and ``after`` let a dedicated step (submit, confirm, return) record
    its own kind of event about its own object.
    """
    clock = get_clock()
    now = clock.now()
    values: dict[str, object] = {"status": to, "updated_at": now}
    if to == "submitted":
        values["submitted_at"] = now
    if to == "done":
        # The work was done when the unit submitted it, not when a leader got to confirming.
        completed = assignment.submitted_at or now
        values.update(
            completed_at=completed, completed_on=clock.local_date(completed), progress=100
        )
    else:
        values.update(completed_at=None, completed_on=None)
    # Conditional on the status this decision was made from (and on the version the form
    # showed): of two people acting on the same assignment at once, the second is told
    # instead of silently overwriting.
    concurrency.guarded_update(
        assignment,
        values,
        Assignment.status == assignment.status,
        N_("Trạng thái đã được người khác thay đổi, vui lòng tải lại."),
    )
    before = {"status": assignment.status}
    for key, value in values.items():
        setattr(assignment, key, value)
    return record(
        actor,
        action,
        assignment if obj is None else obj,
        before=before,
        after={"status": to, **(after or {})},
        message=reason,
        assignment=assignment,
    )


def change_status(assignment: Assignment, actor: User, to: str, reason: str = "") -> None:
    """Move ``assignment`` to status ``to`` if the graph allows it for ``actor``."""
    reason = check_move(assignment, actor, to, reason)
    with write_transaction():
        move(assignment, actor, to, reason)


def post_report(
    assignment: Assignment,
    actor: User,
    text: str,
    progress: int,
    difficulties: str = "",
    proposals: str = "",
) -> ProgressReport:
    """Record a progress report; the assignment takes its progress (and starts if new)."""
    if assignment.status not in REPORTABLE:
        raise WorkflowError(N_("Không thể báo cáo tiến độ ở trạng thái hiện tại."))
    now = get_clock().now()
    with write_transaction():
        report = ProgressReport.create(
            assignment=assignment,
            author=actor,
            text=text,
            progress=progress,
            difficulties=difficulties,
            proposals=proposals,
            created_at=now,
        )
        before = {"progress": assignment.progress, "status": assignment.status}
        values = {"progress": progress, "last_report_at": now, "updated_at": now}
        if assignment.status == "new":
            values["status"] = "in_progress"
        concurrency.guarded_update(
            assignment,
            values,
            Assignment.status.in_(REPORTABLE),
            N_("Không thể báo cáo tiến độ ở trạng thái hiện tại."),
        )
        for key, value in values.items():
            setattr(assignment, key, value)
        record(
            actor,
            "report",
            assignment,
            before=before,
            after={"progress": progress, "status": assignment.status},
            message=text,
        )
    return report


def assign(task: Task, actor: User, units: Iterable[Unit], role: str) -> list[Assignment]:
    """Give ``task`` to ``units`` (one assignment each); units that already have it are kept."""
    if role not in ("lead", "coordinating"):
        raise WorkflowError(N_("Vai trò không hợp lệ."), "role")
    now = get_clock().now()
    created = []
    with write_transaction():
        existing = {
            a.unit_id for a in Assignment.select(Assignment.unit).where(Assignment.task == task)
        }
        for unit in units:
            if unit.id in existing:
                continue
            assignment = Assignment.create(
                task=task,
                unit=unit,
                role=role,
                status="new",
                progress=0,
                deadline_kind=task.deadline_kind,
                deadline=task.deadline if task.deadline_kind == "date" else None,
                original_deadline=task.deadline if task.deadline_kind == "date" else None,
                stats_deadline=task.deadline if task.deadline_kind == "date" else None,
                created_at=now,
                updated_at=now,
            )
            record(actor, "assign", assignment, after={"unit": unit.name, "role": role})
            assignment_created.send(assignment, actor=actor)
            existing.add(unit.id)
            created.append(assignment)
    return created
