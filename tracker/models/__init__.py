"""All models, importable from one place, in dependency order."""

from .assignments import STATUSES, Assignment, AuditEvent, ProgressReport
from .mail import MAIL_KINDS, MESSAGE_STATUSES, JobRun, MailPreference, OutboxMessage
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
    OutboxMessage,
    JobRun,
    MailPreference,
]

__all__ = [
    "DEADLINE_KINDS",
    "FIELDS",
    "MAIL_KINDS",
    "MESSAGE_STATUSES",
    "MODELS",
    "ROLES",
    "STATUSES",
    "UNIT_KINDS",
    "Assignment",
    "AuditEvent",
    "JobRun",
    "MailPreference",
    "Meeting",
    "OutboxMessage",
    "ProgressReport",
    "Task",
    "Unit",
    "UnitGroup",
    "UnitGroupMember",
    "User",
]
