"""Tasks: the directives of a meeting's conclusion."""

from __future__ import annotations

from flask_babel import gettext
from peewee import BooleanField, CharField, DateField, ForeignKeyField, IntegerField, TextField

from tracker.core.db import BaseModel, InstantField
from tracker.core.i18n import N_
from tracker.core.search_index import Searchable, search_index
from tracker.models.meetings import Meeting
from tracker.models.users import User

FIELDS = {
    "the_che": N_("Cải cách thể chế"),
    "thu_tuc": N_("Cải cách thủ tục hành chính"),
    "bo_may": N_("Cải cách tổ chức bộ máy"),
    "cong_vu": N_("Cải cách chế độ công vụ"),
    "tai_chinh": N_("Cải cách tài chính công"),
    "chinh_quyen_so": N_("Chính quyền điện tử, chính quyền số"),
    "khac": N_("Lĩnh vực khác"),
}

REPORT_CADENCES = {
    "weekly": N_("Hằng tuần"),
    "monthly": N_("Hằng tháng"),
    "quarterly": N_("Hằng quý"),
}

DEADLINE_KINDS = {
    "date": N_("Có thời hạn"),
    "ongoing": N_("Thường xuyên"),
    "none": N_("Cần xác định hạn"),
}


class Task(Searchable, BaseModel):
    """Nhiệm vụ: one directive, given to one or more units."""

    meeting = ForeignKeyField(Meeting, null=True, backref="tasks", on_delete="RESTRICT")
    number = IntegerField()
    title = CharField(max_length=300)
    content = TextField(default="")
    field = CharField(max_length=30, default="khac")
    deadline_kind = CharField(max_length=10, default="date")
    deadline = DateField(null=True)
    # "N working days from the notice date", when the deadline was given that way.
    working_days = IntegerField(null=True)
    # Ongoing tasks: how often units must report (weekly, monthly, quarterly).
    report_cadence = CharField(max_length=10, default="")
    evidence_required = BooleanField(default=True)
    created_by = ForeignKeyField(User, null=True, backref="tasks", on_delete="SET NULL")
    created_at = InstantField()
    updated_at = InstantField()
    # Folded title and content (tracker/search_index.py).
    search_text = TextField(default="")

    SEARCH_FIELDS = ("title", "content")

    class Meta:
        table_name = "task"
        indexes = ((("meeting", "number"), False),)

    def __str__(self) -> str:
        return self.title

    @property
    def field_label(self) -> str:
        return gettext(FIELDS[self.field]) if self.field in FIELDS else self.field

    @property
    def deadline_kind_label(self) -> str:
        kind = self.deadline_kind
        return gettext(DEADLINE_KINDS[kind]) if kind in DEADLINE_KINDS else kind

    @classmethod
    def next_number(cls, meeting: Meeting) -> int:
        """The number the next task of ``meeting`` gets."""
        last = (
            cls.select(cls.number)
            .where(cls.meeting == meeting)
            .order_by(cls.number.desc())
            .limit(1)
            .scalar()
        )
        return (last or 0) + 1


Task.add_index(search_index(Task))
# The few tasks whose ongoing work reports on a cadence, which the weekly digests set apart
# from the rest of the open work without reading every task (migration 0026).
Task.add_index(Task.index(Task.id, name="task_with_cadence").where(Task.report_cadence != ""))
