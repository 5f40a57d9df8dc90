"""Work inside a unit: the officers who handle an assignment (chuyên viên xử lý) with an
internal deadline, and their reports waiting for the unit head's approval (drafts)."""

from __future__ import annotations

from flask_babel import gettext
from peewee import CharField, DateField, ForeignKeyField, IntegerField, TextField

from tracker.core.db import BaseModel, InstantField
from tracker.core.i18n import N_
from tracker.models.assignments import Assignment
from tracker.models.users import User

DRAFT_KINDS = {"progress": N_("Báo cáo tiến độ"), "completion": N_("Báo cáo hoàn thành")}
DRAFT_STATUSES = {
    "pending": N_("Chờ lãnh đạo đơn vị duyệt"),
    "approved": N_("Đã duyệt"),
    "returned": N_("Trả lại"),
}


class AssignmentHandler(BaseModel):
    """Chuyên viên xử lý: an officer of the unit given the assignment to handle, with an
    internal deadline (hạn xử lý nội bộ) not after the unit's."""

    assignment = ForeignKeyField(Assignment, backref="handlers", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="handled", on_delete="CASCADE")
    internal_deadline = DateField()
    assigned_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    assigned_at = InstantField()

    class Meta:
        table_name = "assignment_handler"
        indexes = ((("assignment", "user"), True), (("user", "internal_deadline"), False))

    @classmethod
    def of(cls, assignment: Assignment | int):
        """The handlers of ``assignment`` with their users, by internal deadline and name."""
        return (
            cls.select(cls, User)
            .join(User, on=(cls.user == User.id))
            .where(cls.assignment == assignment)
            .order_by(cls.internal_deadline, User.full_name)
        )

    @classmethod
    def handles(cls, user: User, assignment: Assignment) -> bool:
        """Whether ``user`` is one of the handlers of ``assignment``."""
        return cls.select().where(cls.assignment == assignment, cls.user == user.id).exists()


class ReportDraft(BaseModel):
    """A handler's progress or completion report waiting for the unit head (lãnh đạo đơn vị):
    approved, it becomes the unit's report as if posted then; returned, it carries the reason."""

    assignment = ForeignKeyField(Assignment, backref="drafts", on_delete="CASCADE")
    author = ForeignKeyField(User, null=True, backref="drafts", on_delete="SET NULL")
    kind = CharField(max_length=12)
    text = TextField(default="")
    progress = IntegerField(null=True)
    difficulties = TextField(default="")
    proposals = TextField(default="")
    doc_number = CharField(max_length=60, default="")
    doc_date = DateField(null=True)
    status = CharField(max_length=10, default="pending")
    created_at = InstantField()
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = InstantField(null=True)
    decision_reason = TextField(default="")

    class Meta:
        table_name = "report_draft"
        indexes = (
            (("assignment", "status"), False),
            (("author", "created_at"), False),
            # The drafts waiting in a unit (its head's home page): the few pending ones first
            # (migration 0027).
            (("status", "assignment"), False),
        )

    @property
    def kind_label(self) -> str:
        return gettext(DRAFT_KINDS.get(self.kind, self.kind))

    @property
    def status_label(self) -> str:
        return gettext(DRAFT_STATUSES.get(self.status, self.status))
