"""Frozen reports: a period's report as it stood when a leader froze it."""

from __future__ import annotations

import json
from typing import Any

from peewee import CharField, DateField, ForeignKeyField, TextField

from tracker.core.db import BaseModel, InstantField
from tracker.models.users import User


class FrozenReport(BaseModel):
    """Báo cáo đã chốt: parameters, title and the computed rows, kept as JSON text.

    The rows are copies, not references: later changes to assignments never alter them.
    """

    title = CharField(max_length=300)
    params = TextField()
    period_start = DateField()
    period_end = DateField()
    as_of = DateField()
    summary = TextField()
    detail = TextField()
    created_by = ForeignKeyField(User, null=True, backref="frozen_reports", on_delete="SET NULL")
    created_at = InstantField(index=True)

    class Meta:
        table_name = "frozen_report"

    def __str__(self) -> str:
        return self.title

    @property
    def params_dict(self) -> dict[str, Any]:
        return json.loads(self.params)

    @property
    def summary_data(self) -> dict[str, Any]:
        return json.loads(self.summary)

    @property
    def detail_rows(self) -> list[dict[str, Any]]:
        return json.loads(self.detail)


class ReportLetterhead(BaseModel):
    """Thông tin văn bản: who issues the printed report, where, and who signs it (one row,
    edited by an admin; until then the defaults of ``tracker.reports.letterhead``)."""

    governing_body = CharField(max_length=200, default="")
    issuing_body = CharField(max_length=200)
    place = CharField(max_length=100)
    number_suffix = CharField(max_length=40, default="")
    recipients = TextField(default="")
    authority = CharField(max_length=100, default="")
    position = CharField(max_length=100, default="")
    signer = CharField(max_length=100, default="")

    class Meta:
        table_name = "report_letterhead"
