"""Who may see and do what: the role × action matrix, enforced in views and queries.

Templates may ask these functions to hide a button, but every view calls them itself,
because any URL and any htmx fragment can be requested directly.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from tracker.models import Assignment, Meeting, Task, User

# Actions that depend only on the role.
MATRIX: dict[str, frozenset[str]] = {
    "meeting.create": frozenset({"admin", "leader", "secretary"}),
    "meeting.edit": frozenset({"admin", "leader", "secretary"}),
    "task.create": frozenset({"admin", "leader", "secretary"}),
    "task.edit": frozenset({"admin", "leader", "secretary"}),
    "task.assign": frozenset({"admin", "leader", "secretary"}),
    "dashboard.view": frozenset({"admin", "leader", "secretary", "viewer"}),
    "admin.manage": frozenset({"admin"}),
    "digest.send": frozenset({"admin", "leader", "secretary"}),
}


def can(user: User, action: str) -> bool:
    """Whether ``user``'s role allows ``action``."""
    return bool(user and user.is_authenticated and user.role in MATRIX[action])


def require(allowed: bool) -> None:
    """Stop the request with 403 unless ``allowed``."""
    if not allowed:
        abort(403)


def require_role(action: str) -> None:
    """Stop with 403 unless the current user's role allows ``action``."""
    require(can(current_user, action))


def _unit_task_ids(user: User):
    return Assignment.select(Assignment.task).where(Assignment.unit == user.unit_id)


def visible_tasks(user: User):
    """Tasks ``user`` may read."""
    query = Task.select()
    if user.sees_everything:
        return query
    if user.role == "officer" and user.unit_id:
        return query.where(Task.id.in_(_unit_task_ids(user)))
    return query.where(False)


def visible_meetings(user: User):
    """Meetings ``user`` may read: all, or (officers) those holding their unit's tasks."""
    query = Meeting.select()
    if user.sees_everything:
        return query
    if user.role == "officer" and user.unit_id:
        task_meetings = Task.select(Task.meeting).where(Task.id.in_(_unit_task_ids(user)))
        return query.where(Meeting.id.in_(task_meetings))
    return query.where(False)


def can_view_assignment(user: User, assignment: Assignment) -> bool:
    """Read access to one assignment (and its timeline)."""
    if user.sees_everything:
        return True
    if user.role == "officer" and user.unit_id:
        return (
            Assignment.select()
            .where(Assignment.task == assignment.task_id, Assignment.unit == user.unit_id)
            .exists()
        )
    return False


def can_view_task(user: User, task: Task) -> bool:
    """Read access to one task."""
    return visible_tasks(user).where(Task.id == task.id).exists()


def can_view_meeting(user: User, meeting: Meeting) -> bool:
    """Read access to one meeting."""
    return visible_meetings(user).where(Meeting.id == meeting.id).exists()


def is_own_unit(user: User, assignment: Assignment) -> bool:
    """Whether ``user`` is an officer of the unit that holds ``assignment``."""
    return (
        user.role == "officer" and user.unit_id is not None and (user.unit_id == assignment.unit_id)
    )


def can_report(user: User, assignment: Assignment) -> bool:
    """Post a progress report: the unit's own officers, while the work is open."""
    return is_own_unit(user, assignment) and assignment.status in ("new", "in_progress", "returned")


def can_view_unit(user: User, unit_id: int) -> bool:
    """Read a unit's work page: everyone who sees everything, and the unit's own officers."""
    return user.sees_everything or (user.role == "officer" and user.unit_id == unit_id)
