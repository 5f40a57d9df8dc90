"""Handlers (chuyên viên xử lý): the unit head gives an assignment to officers of the unit with
an internal deadline (hạn xử lý nội bộ) that falls within the unit's own.

Who may give it is the policy's (``assignment.assign_handlers``: the unit head, or the focal
point officer of a unit with no active head). The leader's view of the work is unchanged: the
unit's timeliness still counts against the unit's deadline; the internal deadline only moves
the handlers (their list "Việc của tôi", and a mail to the head when it passes unreported).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from peewee import JOIN

from tracker import policy
from tracker.assignments.errors import WorkflowError
from tracker.core import timeliness
from tracker.core.clock import get_clock
from tracker.core.db import write_transaction
from tracker.core.i18n import N_
from tracker.core.signals import handlers_assigned
from tracker.models import (
    UNIT_ROLES,
    Assignment,
    AssignmentHandler,
    Meeting,
    ProgressReport,
    ReportDraft,
    Task,
    Unit,
    User,
)
from tracker.models.audit import record

DAY_FORMAT = "%d/%m/%Y"
CLOSED = ("done", "cancelled")
# Work a handler still has to report on (their internal deadline can pass on it).
OPEN = ("new", "in_progress", "returned")

NOT_ALLOWED = N_("Bạn không được phân công xử lý nhiệm vụ này.")
CLOSED_WORK = N_("Không thể phân công xử lý nhiệm vụ đã hoàn thành hoặc đã hủy.")
NO_HANDLER = N_("Vui lòng chọn ít nhất một chuyên viên xử lý.")
NOT_OF_UNIT = N_("Chỉ phân công cho cán bộ đang hoạt động của đơn vị.")
NO_DEADLINE = N_("Vui lòng nhập hạn xử lý nội bộ.")
AFTER_UNIT = N_("Hạn xử lý nội bộ không được sau thời hạn của đơn vị (%(date)s).")
BEFORE_TODAY = N_("Hạn xử lý nội bộ không được trước ngày hôm nay (%(date)s).")
BEFORE_MEETING = N_("Hạn xử lý nội bộ không được trước ngày họp (%(date)s).")


def unit_officers(assignment: Assignment):
    """The active officers and head of the assignment's unit: whom it may be given to."""
    return officers_of_unit(assignment.unit_id)


def officers_of_unit(unit_id: int):
    """The active officers and head of ``unit_id``, by name."""
    return (
        User.select()
        .where(
            User.unit == unit_id,
            User.role.in_(UNIT_ROLES),
            User.active == True,  # noqa: E712
        )
        .order_by(User.full_name, User.username)
    )


def unit_leads(assignment: Assignment) -> list[User]:
    """Who leads the work inside the unit of ``assignment`` (its head, or its focal point
    officers where it has no active head): those who approve the handlers' drafts and hear of
    them, by mail and in the application."""
    members = User.select().where(
        User.unit == assignment.unit_id,
        User.role.in_(UNIT_ROLES),
        User.active == True,  # noqa: E712
    )
    return [
        u for u in members.order_by(User.id) if policy.can(u, "assignment.decide_draft", assignment)
    ]


def _reported_since(row: AssignmentHandler) -> bool:
    """Whether the handler reported (a progress report or a draft) since being assigned."""
    since = row.assigned_at
    return (
        ProgressReport.select()
        .where(
            ProgressReport.assignment == row.assignment_id,
            ProgressReport.author == row.user_id,
            ProgressReport.created_at >= since,
        )
        .exists()
        or ReportDraft.select()
        .where(
            ReportDraft.assignment == row.assignment_id,
            ReportDraft.author == row.user_id,
            ReportDraft.created_at >= since,
        )
        .exists()
    )


def overdue_unreported(today: date, unit_id: int | None = None) -> list[AssignmentHandler]:
    """The handlers (with their user) whose internal deadline passed before ``today`` without
    a report from them since being assigned, on open work of an active unit; the oldest
    deadline first. The daily run tells the unit's leads of each, by mail and in the
    application, keyed by handler and deadline (so once)."""
    rows = (
        AssignmentHandler.select(AssignmentHandler, User)
        .join(User, on=(AssignmentHandler.user == User.id))
        .switch(AssignmentHandler)
        .join(Assignment)
        .join(Unit)
        .where(
            AssignmentHandler.internal_deadline < today,
            Assignment.status.in_(OPEN),
            Unit.active == True,  # noqa: E712
        )
        .order_by(AssignmentHandler.internal_deadline, AssignmentHandler.id)
    )
    if unit_id is not None:
        rows = rows.where(Assignment.unit == unit_id)
    return [row for row in rows if not _reported_since(row)]


def deadline_problem(assignment: Assignment, deadline: date | None) -> WorkflowError | None:
    """Why ``deadline`` may not be the internal deadline of ``assignment``, or None.

    Not after the unit's deadline (where it has a date), not before today nor before the
    meeting that gave the task.
    """
    if deadline is None:
        return WorkflowError(NO_DEADLINE, "internal_deadline")
    if assignment.deadline_kind == "date" and assignment.deadline is not None:
        if deadline > assignment.deadline:
            return _error(AFTER_UNIT, assignment.deadline)
    today = get_clock().today()
    if deadline < today:
        return _error(BEFORE_TODAY, today)
    meeting = assignment.task.meeting
    if meeting is not None and meeting.held_on and deadline < meeting.held_on:
        return _error(BEFORE_MEETING, meeting.held_on)
    return None


def _error(message: str, day: date) -> WorkflowError:
    return WorkflowError(message, "internal_deadline", date=day.strftime(DAY_FORMAT))


def assign_handlers(
    assignment: Assignment, actor: User, user_ids: Sequence[int], internal_deadline: date | None
) -> list[AssignmentHandler]:
    """Give ``assignment`` to the officers ``user_ids`` with ``internal_deadline``.

    An officer already handling it keeps the row and takes the new deadline. Everything is
    checked before anything is written: a refusal saves nothing.
    """
    if not policy.can(actor, "assignment.assign_handlers", assignment):
        raise WorkflowError(NOT_ALLOWED)
    if assignment.status in CLOSED:
        raise WorkflowError(CLOSED_WORK)
    wanted = sorted(set(user_ids))
    if not wanted:
        raise WorkflowError(NO_HANDLER, "handlers")
    officers = {u.id: u for u in unit_officers(assignment).where(User.id.in_(wanted))}
    if len(officers) != len(wanted):
        raise WorkflowError(NOT_OF_UNIT, "handlers")
    problem = deadline_problem(assignment, internal_deadline)
    if problem is not None:
        raise problem
    now = get_clock().now()
    saved = []
    with write_transaction():
        existing = {h.user_id: h for h in AssignmentHandler.of(assignment)}
        for user_id in wanted:
            row = existing.get(user_id)
            before = None
            if row is None:
                row = AssignmentHandler.create(
                    assignment=assignment,
                    user=user_id,
                    internal_deadline=internal_deadline,
                    assigned_by=actor,
                    assigned_at=now,
                )
            else:
                before = {"internal_deadline": row.internal_deadline.isoformat()}
                row.internal_deadline = internal_deadline
                row.assigned_by = actor
                row.assigned_at = now
                row.save()
            event = record(
                actor,
                "assign_handler",
                row,
                before=before,
                after={
                    "handler": officers[user_id].full_name,
                    "internal_deadline": internal_deadline.isoformat(),
                },
                assignment=assignment,
            )
            handlers_assigned.send(
                assignment, actor=actor, handler=officers[user_id], event_id=event.id
            )
            saved.append(row)
    return saved


def remove_handler(assignment: Assignment, actor: User, handler_id: int) -> None:
    """Take the assignment back from one handler (its drafts stay, with their author)."""
    if not policy.can(actor, "assignment.assign_handlers", assignment):
        raise WorkflowError(NOT_ALLOWED)
    row = AssignmentHandler.of(assignment).where(AssignmentHandler.id == handler_id).first()
    if row is None:
        return
    with write_transaction():
        record(
            actor,
            "remove_handler",
            row,
            before={"handler": row.user.full_name},
            assignment=assignment,
        )
        row.delete_instance()


def handler_of(user: User, assignment: Assignment) -> AssignmentHandler | None:
    """The handler row of ``user`` on ``assignment``, if they handle it."""
    return (
        AssignmentHandler.select()
        .where(AssignmentHandler.assignment == assignment, AssignmentHandler.user == user.id)
        .first()
    )


def handled_on(assignment: Assignment):
    """The day the unit reported the work (submitted or done), or None while it is open."""
    if assignment.status in ("submitted", "done") and assignment.submitted_at is not None:
        return get_clock().local_date(assignment.submitted_at)
    if assignment.status == "done":
        return assignment.completed_on
    return None


def internal_category(row: AssignmentHandler, today: date, window: int) -> str | None:
    """The timeliness of a handler's work against the internal deadline: the unit's report
    of completion (submitted or done) counts as handled that day."""
    a = row.assignment
    reported = handled_on(a)
    status = "done" if reported is not None else a.status
    return timeliness.classify(status, row.internal_deadline, reported, today, window)


def my_work(user: User):
    """The assignments ``user`` handles, with task, meeting and unit, by internal deadline."""
    return (
        AssignmentHandler.select(AssignmentHandler, Assignment, Task, Meeting, Unit)
        .join(Assignment)
        .join(Task)
        .join(Meeting, JOIN.LEFT_OUTER)
        .switch(Assignment)
        .join(Unit)
        .where(AssignmentHandler.user == user.id, Assignment.status != "cancelled")
        .order_by(AssignmentHandler.internal_deadline, Assignment.id)
    )
