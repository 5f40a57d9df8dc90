"""The follow-up steps on an assignment: submissions with evidence, extension requests,
attachments, and the calendar of days off and make-up working days."""

from __future__ import annotations

from peewee import CharField, DateField, ForeignKeyField, IntegerField, TextField

from tracker.core.db import BaseModel, InstantField
from tracker.core.i18n import N_
from tracker.models.assignments import Assignment, ProgressReport
from tracker.models.unit_work import ReportDraft
from tracker.models.users import User

DECISIONS = {
    "pending": N_("Chờ xử lý"),
    "approved": N_("Đã duyệt"),
    "rejected": N_("Từ chối"),
    "confirmed": N_("Đã xác nhận"),
    "returned": N_("Trả lại"),
}


class Submission(BaseModel):
    """A unit reports its assignment done, with a result and evidence; a leader decides."""

    assignment = ForeignKeyField(Assignment, backref="submissions", on_delete="CASCADE")
    author = ForeignKeyField(User, null=True, backref="submissions", on_delete="SET NULL")
    summary = TextField()
    doc_number = CharField(max_length=60, default="")
    doc_date = DateField(null=True)
    created_at = InstantField()
    decision = CharField(max_length=10, default="pending")
    decided_by = ForeignKeyField(
        User, null=True, backref="decided_submissions", on_delete="SET NULL"
    )
    decided_at = InstantField(null=True)
    decision_reason = TextField(default="")

    class Meta:
        table_name = "submission"
        indexes = ((("assignment", "created_at"), False), (("decision",), False))


class ExtensionRequest(BaseModel):
    """Gia hạn: a unit asks for a later deadline with a reason; a leader approves or rejects."""

    assignment = ForeignKeyField(Assignment, backref="extension_requests", on_delete="CASCADE")
    requested_by = ForeignKeyField(
        User, null=True, backref="extension_requests", on_delete="SET NULL"
    )
    previous_deadline = DateField(null=True)
    requested_deadline = DateField()
    # The new deadline a leader approved (may differ from the requested one); None otherwise.
    approved_deadline = DateField(null=True)
    reason = TextField()
    created_at = InstantField()
    status = CharField(max_length=10, default="pending")
    decided_by = ForeignKeyField(
        User, null=True, backref="decided_extensions", on_delete="SET NULL"
    )
    decided_at = InstantField(null=True)
    decision_reason = TextField(default="")

    class Meta:
        table_name = "extension_request"
        indexes = ((("assignment", "created_at"), False), (("status",), False))


class Attachment(BaseModel):
    """An evidence file, stored outside static/ under a generated name, with its SHA-256."""

    assignment = ForeignKeyField(Assignment, backref="attachments", on_delete="CASCADE")
    submission = ForeignKeyField(Submission, null=True, backref="attachments", on_delete="SET NULL")
    report = ForeignKeyField(ProgressReport, null=True, backref="attachments", on_delete="SET NULL")
    # A handler's completion draft the file came with: until the unit head approves the draft
    # (then ``submission`` is set too), only its author and the head may read it.
    draft = ForeignKeyField(ReportDraft, null=True, backref="attachments", on_delete="SET NULL")
    original_name = CharField(max_length=255)
    stored_name = CharField(max_length=80, unique=True)
    content_type = CharField(max_length=100)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    uploaded_by = ForeignKeyField(User, null=True, backref="attachments", on_delete="SET NULL")
    created_at = InstantField()

    class Meta:
        table_name = "attachment"
        indexes = ((("assignment", "created_at"), False),)


class CalendarDay(BaseModel):
    """A day an admin marks as off (``off``) or as a make-up working day (``work``)."""

    day = DateField(unique=True)
    kind = CharField(max_length=5)
    note = CharField(max_length=200, default="")
    created_by = ForeignKeyField(User, null=True, backref="calendar_days", on_delete="SET NULL")
    created_at = InstantField()

    class Meta:
        table_name = "calendar_day"
