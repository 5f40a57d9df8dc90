"""All models, importable from one place, in dependency order."""

from .assignments import STATUSES, Assignment, AuditEvent, ProgressReport
from .followup import DECISIONS, Attachment, CalendarDay, ExtensionRequest, Submission
from .mail import MAIL_KINDS, MESSAGE_STATUSES, JobRun, MailPreference, OutboxMessage
from .meetings import Meeting
from .tasks import DEADLINE_KINDS, FIELDS, REPORT_CADENCES, Task
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
    Submission,
    ExtensionRequest,
    Attachment,
    CalendarDay,
]

__all__ = [
    "DEADLINE_KINDS",
    "FIELDS",
    "MAIL_KINDS",
    "MESSAGE_STATUSES",
    "MODELS",
    "REPORT_CADENCES",
    "ROLES",
    "STATUSES",
    "UNIT_KINDS",
    "DECISIONS",
    "Assignment",
    "Attachment",
    "CalendarDay",
    "ExtensionRequest",
    "Submission",
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
