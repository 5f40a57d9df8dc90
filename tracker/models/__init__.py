"""All models, importable from one place, in dependency order."""

from tracker.models.api_tokens import ApiToken
from tracker.models.assignments import STATUSES, Assignment, AuditEvent, ProgressReport
from tracker.models.calendar_feeds import CalendarFeed
from tracker.models.counters import CounterVersion
from tracker.models.followup import DECISIONS, Attachment, CalendarDay, ExtensionRequest, Submission
from tracker.models.mail import (
    CHANNELS,
    MAIL_KINDS,
    MESSAGE_STATUSES,
    OUTBOX_KINDS,
    JobRun,
    MailPreference,
    OutboxMessage,
)
from tracker.models.meetings import Meeting
from tracker.models.notice_drafts import NoticeDraft
from tracker.models.notifications import Notification, NotificationPreference
from tracker.models.reports import FrozenReport, ReportLetterhead
from tracker.models.security import LoginAttempt
from tracker.models.settings import Setting
from tracker.models.tasks import DEADLINE_KINDS, FIELDS, REPORT_CADENCES, Task
from tracker.models.unit_work import (
    DRAFT_KINDS,
    DRAFT_STATUSES,
    AssignmentHandler,
    ReportDraft,
)
from tracker.models.units import Unit, UnitGroup, UnitGroupMember, UnitKind
from tracker.models.users import ROLES, UNIT_NEEDED, UNIT_ROLES, User
from tracker.models.webhooks import WEBHOOK_EVENTS, WEBHOOK_SCOPES, Webhook

MODELS = [
    UnitKind,
    Unit,
    UnitGroup,
    UnitGroupMember,
    User,
    Meeting,
    Task,
    Assignment,
    ProgressReport,
    AuditEvent,
    Webhook,
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
    AssignmentHandler,
    ReportDraft,
    Notification,
    NotificationPreference,
]

__all__ = [
    "AssignmentHandler",
    "DRAFT_KINDS",
    "DRAFT_STATUSES",
    "ReportDraft",
    "CHANNELS",
    "OUTBOX_KINDS",
    "WEBHOOK_EVENTS",
    "WEBHOOK_SCOPES",
    "Webhook",
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
    "UNIT_NEEDED",
    "UNIT_ROLES",
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
    "UnitKind",
    "User",
]
