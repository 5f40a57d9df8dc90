"""All models, importable from one place, in dependency order."""

from tracker.models.api_tokens import ApiToken
from tracker.models.assignments import STATUSES, Assignment, AuditEvent, ProgressReport
from tracker.models.calendar_feeds import CalendarFeed
from tracker.models.counters import CounterVersion
from tracker.models.followup import DECISIONS, Attachment, CalendarDay, ExtensionRequest, Submission
from tracker.models.mail import MAIL_KINDS, MESSAGE_STATUSES, JobRun, MailPreference, OutboxMessage
from tracker.models.meetings import Meeting
from tracker.models.notice_drafts import NoticeDraft
from tracker.models.notifications import Notification, NotificationPreference
from tracker.models.reports import FrozenReport, ReportLetterhead
from tracker.models.security import LoginAttempt
from tracker.models.settings import Setting
from tracker.models.tasks import DEADLINE_KINDS, FIELDS, REPORT_CADENCES, Task
from tracker.models.units import UNIT_KINDS, Unit, UnitGroup, UnitGroupMember
from tracker.models.users import ROLES, User

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
    ReportLetterhead,
    LoginAttempt,
    CounterVersion,
    Setting,
    Notification,
    NotificationPreference,
]

__all__ = [
    "CounterVersion",
    "CalendarFeed",
    "LoginAttempt",
    "FrozenReport",
    "ReportLetterhead",
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
    "Notification",
    "NotificationPreference",
    "OutboxMessage",
    "ProgressReport",
    "Setting",
    "Task",
    "Unit",
    "UnitGroup",
    "UnitGroupMember",
    "User",
]
