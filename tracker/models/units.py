"""Units (phòng, ban, UBND phường) and the named groups that assign to many at once."""

from __future__ import annotations

from peewee import SQL, BooleanField, Case, CharField, ForeignKeyField, IntegerField, TextField

from tracker.core.db import BaseModel
from tracker.core.i18n import N_

UNIT_KINDS = {
    "department": N_("Phòng, ban chuyên môn"),
    "ward": N_("UBND phường"),
    "agency": N_("Cơ quan, đơn vị"),
}


class Unit(BaseModel):
    """Đơn vị: a department, a ward People's Committee or another agency."""

    name = CharField(max_length=200, unique=True)
    short_name = CharField(max_length=60)
    code = CharField(max_length=40, unique=True)
    kind = CharField(max_length=20, index=True)
    email = CharField(max_length=200, default="")
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)
    # Other names notices use for the unit: one per line or separated by ";".
    aliases = TextField(default="")
    # Reports of the unit's handlers wait for its head's approval before going up (drafts).
    requires_head_approval = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])

    # What a list's search looks in (tracker/core/search_index.py ``condition``).
    SEARCH_FIELDS = ("name", "short_name", "code")

    class Meta:
        table_name = "unit"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def kind_order(cls) -> Case:
        """An ORDER BY term: departments, then wards, then agencies (UNIT_KINDS' order)."""
        return Case(cls.kind, [(k, i) for i, k in enumerate(UNIT_KINDS)], len(UNIT_KINDS))

    @classmethod
    def ordered(cls):
        """Units in display order: departments, then wards, then agencies."""
        return cls.select().order_by(cls.kind_order(), cls.sort_order, cls.name)

    @classmethod
    def active_ordered(cls):
        """The active units in display order."""
        return cls.ordered().where(cls.active == True)  # noqa: E712


class UnitGroup(BaseModel):
    """A named set of units ("UBND các phường") to assign a task to in one step."""

    name = CharField(max_length=200, unique=True)
    description = CharField(max_length=500, default="")

    SEARCH_FIELDS = ("name", "description")

    class Meta:
        table_name = "unit_group"

    def __str__(self) -> str:
        return self.name

    def units(self):
        """The active units of this group, in display order."""
        return (
            Unit.active_ordered()
            .join(UnitGroupMember, on=(UnitGroupMember.unit == Unit.id))
            .where(UnitGroupMember.group == self)
        )

    def set_units(self, unit_ids: list[int]) -> None:
        """Replace the group's members."""
        UnitGroupMember.delete().where(UnitGroupMember.group == self).execute()
        rows = [{"group": self.id, "unit": uid} for uid in sorted(set(unit_ids))]
        if rows:
            UnitGroupMember.insert_many(rows).execute()


class UnitGroupMember(BaseModel):
    """Membership of a unit in a group."""

    group = ForeignKeyField(UnitGroup, backref="members", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="group_memberships", on_delete="CASCADE")

    class Meta:
        table_name = "unit_group_member"
        indexes = ((("group", "unit"), True),)
