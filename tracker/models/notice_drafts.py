"""Drafts read from a conclusion notice, kept while a secretary reviews them."""

from __future__ import annotations

import json

from peewee import ForeignKeyField, TextField

from tracker.core.db import BaseModel, InstantField
from tracker.models.meetings import Meeting
from tracker.models.users import User


class NoticeDraft(BaseModel):
    """One review in progress: a user's drafts for a meeting (JSON list in ``data``)."""

    meeting = ForeignKeyField(Meeting, backref="notice_drafts", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="notice_drafts", on_delete="CASCADE")
    source = TextField(default="")
    data = TextField(default="[]")
    created_at = InstantField()
    updated_at = InstantField()

    class Meta:
        table_name = "notice_draft"
        indexes = ((("meeting", "user"), True),)

    @property
    def drafts(self) -> list[dict]:
        try:
            value = json.loads(self.data or "[]")
        except ValueError:
            return []
        return value if isinstance(value, list) else []

    @drafts.setter
    def drafts(self, value: list[dict]) -> None:
        self.data = json.dumps(value, ensure_ascii=False)
