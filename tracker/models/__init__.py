"""All models, importable from one place, in dependency order."""

from .api_tokens import ApiToken
from .assignments import STATUSES, Assignment, AuditEvent, ProgressReport
from .calendar_feeds import CalendarFeed
from .counters import CounterVersion, DataVersion
from .followup import DECISIONS, Attachment, CalendarDay, ExtensionRequest, Submission
from .mail import MAIL_KINDS, MESSAGE_STATUSES, JobRun, MailPreference, OutboxMessage
from .meetings import Meeting
from .notice_drafts import NoticeDraft
from .reports import FrozenReport
from .security import LoginAttempt
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
    NoticeDraft,
    CalendarFeed,
    ApiToken,
    FrozenReport,
    LoginAttempt,
    CounterVersion,
    DataVersion,
]

__all__ = [
    "CounterVersion",
    "DataVersion",
    "CalendarFeed",
    "LoginAttempt",
    "FrozenReport",
    "ApiToken",
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
    "NoticeDraft",
    "OutboxMessage",
    "ProgressReport",
    "Task",
    "Unit",
    "UnitGroup",
    "UnitGroupMember",
    "User",
]
