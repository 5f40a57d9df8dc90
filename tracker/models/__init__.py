"""All models, importable from one place, in dependency order."""

from .assignments import STATUSES, Assignment, AuditEvent, ProgressReport
from .meetings import Meeting
from .tasks import DEADLINE_KINDS, FIELDS, Task
from .units import UNIT_KINDS, Unit, UnitGroup, UnitGroupMember
from .users import ROLES, User

MODELS = [
    Unit,
    UnitGroup,
    UnitGroupMember,
    User,
    Meeting,
    Task,
    Assignment,
    ProgressReport,
    AuditEvent,
]

__all__ = [
    "DEADLINE_KINDS",
    "FIELDS",
    "MODELS",
    "ROLES",
    "STATUSES",
    "UNIT_KINDS",
    "Assignment",
    "AuditEvent",
    "Meeting",
    "ProgressReport",
    "Task",
    "Unit",
    "UnitGroup",
    "UnitGroupMember",
    "User",
]
