"""Assignments (one task given to one unit) and the progress units report on them."""

from __future__ import annotations

from flask_babel import gettext
from peewee import (
    CharField,
    DateField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from tracker.core import timeliness
from tracker.core.db import BaseModel, InstantField
from tracker.core.i18n import N_
from tracker.core.search_index import Searchable, search_index
from tracker.models.tasks import Task
from tracker.models.units import Unit
from tracker.models.users import User

STATUSES = {
    "new": N_("Chưa thực hiện"),
    "in_progress": N_("Đang thực hiện"),
    "submitted": N_("Chờ xác nhận"),
    "done": N_("Hoàn thành"),
    "returned": N_("Thực hiện lại"),
    "paused": N_("Tạm dừng"),
    "cancelled": N_("Hủy"),
}

ROLES = {"lead": N_("Chủ trì"), "coordinating": N_("Phối hợp")}


class Assignment(BaseModel):
    """Giao việc: a task given to one unit, as lead or coordinating unit."""

    task = ForeignKeyField(Task, backref="assignments", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="assignments", on_delete="RESTRICT")
    role = CharField(max_length=15, default="lead")
    status = CharField(max_length=15, default="new")
    progress = IntegerField(default=0)
    deadline_kind = CharField(max_length=10, default="date")
    deadline = DateField(null=True)
    original_deadline = DateField(null=True)
    # The deadline statistics count against: the original one, unless an extension was
    # approved before the original passed (docs/domain.md, "Timeliness"). Set when deciding.
    stats_deadline = DateField(null=True)
    extension_count = IntegerField(default=0)
    urge_count = IntegerField(default=0)
    previous = ForeignKeyField("self", null=True, backref="successors", on_delete="SET NULL")
    submitted_at = InstantField(null=True)
    completed_at = InstantField(null=True)
    completed_on = DateField(null=True)
    last_report_at = InstantField(null=True)
    created_at = InstantField()
    updated_at = InstantField()
    # Incremented by every change; forms send the version they showed (tracker/concurrency.py).
    version = IntegerField(default=1)

    class Meta:
        table_name = "assignment"
        indexes = (
            (("task", "unit"), True),
            # A unit's list in its default order, one branch per status read in index order
            # (tracker/overview/ranked.py; migration 0024 widened the index of 0001); a
            # unit's first items of one status in a weekly digest too (deadline, then id).
            (("unit", "status", "deadline", "id", "stats_deadline", "deadline_kind"), False),
            (("status", "deadline"), False),
            # The overdue list and the statistics filter on it (migration 0011).
            (("stats_deadline",), False),
            # A unit's list sorted by deadline, counted and paged from the index alone.
            (("unit", "deadline"), False),
            # Every unit's timeliness counts and the report's summary from one narrow index;
            # the report's monthly completions by date (migration 0019, docs/performance.md).
            (
                ("unit", "status", "deadline_kind", "stats_deadline", "completed_on", "created_at"),
                False,
            ),
            (("completed_on",), False),
        )

    @property
    def status_label(self) -> str:
        return gettext(STATUSES[self.status]) if self.status in STATUSES else self.status

    @property
    def role_label(self) -> str:
        return gettext(ROLES[self.role]) if self.role in ROLES else self.role

    def category(self) -> str | None:
        """This assignment's timeliness category now, against its statistics deadline."""
        today, window = timeliness.context()
        return timeliness.classify(
            self.status,
            self.stats_deadline,
            self.completed_on,
            today,
            window,
            ongoing=self.deadline_kind == "ongoing",
        )

    def days_late(self) -> int:
        """Days past the statistics deadline (until completion, or until today)."""
        today, _ = timeliness.context()
        return timeliness.days_late(self.status, self.stats_deadline, self.completed_on, today)

    @classmethod
    def in_category(cls, category: str):
        """A condition selecting the assignments of one timeliness category now."""
        today, window = timeliness.context()
        return timeliness.condition(cls, category, today, window)


class ProgressReport(Searchable, BaseModel):
    """Báo cáo tiến độ: what a unit did, how far it is, its difficulties and proposals."""

    assignment = ForeignKeyField(Assignment, backref="reports", on_delete="CASCADE")
    author = ForeignKeyField(User, null=True, backref="reports", on_delete="SET NULL")
    text = TextField()
    progress = IntegerField()
    difficulties = TextField(default="")
    proposals = TextField(default="")
    created_at = InstantField()
    # Folded text, difficulties and proposals (tracker/search_index.py).
    search_text = TextField(default="")

    SEARCH_FIELDS = ("text", "difficulties", "proposals")

    class Meta:
        table_name = "progress_report"
        indexes = ((("assignment", "created_at"), False),)


ProgressReport.add_index(search_index(ProgressReport))


class AuditEvent(BaseModel):
    """Who changed what, before and after, and when; an assignment's timeline reads these."""

    actor = ForeignKeyField(User, null=True, backref="audit_events", on_delete="SET NULL")
    action = CharField(max_length=60)
    object_type = CharField(max_length=30)
    object_id = IntegerField(null=True)
    assignment = ForeignKeyField(Assignment, null=True, backref="audit_events", on_delete="CASCADE")
    before = TextField(default="")
    after = TextField(default="")
    message = TextField(default="")
    created_at = InstantField(index=True)

    class Meta:
        table_name = "audit_event"
        indexes = (
            (("object_type", "object_id"), False),
            (("assignment", "created_at"), False),
        )
