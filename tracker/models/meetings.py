"""Meetings and the conclusion notices that come out of them."""

from __future__ import annotations

from peewee import CharField, DateField, ForeignKeyField, TextField

from tracker.core.db import BaseModel, InstantField
from tracker.core.search_index import Searchable, search_index
from tracker.models.users import User


class Meeting(Searchable, BaseModel):
    """Cuộc họp, with its conclusion notice ("Thông báo kết luận")."""

    title = CharField(max_length=300)
    held_on = DateField(index=True)
    place = CharField(max_length=300, default="")
    chair_name = CharField(max_length=200, default="")
    chair_title = CharField(max_length=300, default="")
    attendees = TextField(default="")
    notice_number = CharField(max_length=60, default="")
    notice_date = DateField(null=True)
    conclusion = TextField(default="")
    created_by = ForeignKeyField(User, null=True, backref="meetings", on_delete="SET NULL")
    created_at = InstantField()
    updated_at = InstantField()
    # Folded title, notice, place, chair and conclusion (tracker/search_index.py).
    search_text = TextField(default="")

    SEARCH_FIELDS = ("title", "notice_number", "place", "chair_name", "conclusion")

    class Meta:
        table_name = "meeting"

    def __str__(self) -> str:
        return self.title


Meeting.add_index(search_index(Meeting))
