"""Units, their kinds (data an admin sets: sở, ban, ngành; UBND xã, phường; phòng chuyên môn;
thôn, tổ dân phố …) and the named groups that assign to many at once."""

from __future__ import annotations

from peewee import (
    SQL,
    BooleanField,
    CharField,
    ForeignKeyField,
    IntegerField,
    TextField,
    Value,
    fn,
)

from tracker.core import prepared
from tracker.core.db import BaseModel
from tracker.core.org_levels import KindPreset, split_phrases
from tracker.core.prepared import slot


class UnitKind(BaseModel):
    """Loại đơn vị: what a unit is, the words pages use for it, and how notices name them all.

    ``Unit.kind`` holds the code. The labels are Vietnamese as the office writes them (a kind of
    the migration or a preset also has English where the catalog knows the words)."""

    code = CharField(max_length=40, unique=True)
    name = CharField(max_length=200)
    label = CharField(max_length=200)  # one unit of the kind ("UBND phường")
    group_label = CharField(max_length=200)  # all of them ("UBND các phường"): its group's name
    phrases = TextField(default="")  # how notices name all of them, one per line
    sort_order = IntegerField(default=0)

    SEARCH_FIELDS = ("code", "name", "label", "group_label")

    class Meta:
        # Not "unit_kind": on SQLite that is the name of the index of unit.kind.
        table_name = "unit_type"

    def __str__(self) -> str:
        return self.name

    @property
    def phrase_list(self) -> tuple[str, ...]:
        return split_phrases(self.phrases)

    @classmethod
    def ordered(cls):
        """The kinds in the order pages list units: by sort order, then name."""
        return cls.select().order_by(cls.sort_order, cls.name)

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Each kind's label by code, in display order (one query)."""
        rows = prepared.rows(
            "unit_kind.labels", lambda: cls.ordered().select(cls.code, cls.label).tuples(), []
        )
        return {code: label for code, label in rows}

    @classmethod
    def codes(cls) -> list[str]:
        return [k.code for k in cls.ordered()]

    def unit_count(self) -> int:
        """How many units, active or not, are of this kind."""
        return Unit.select().where(Unit.kind == self.code).count()

    @classmethod
    def add_preset(cls, preset: KindPreset) -> UnitKind | None:
        """Create the kind of a level's preset; None when its code exists (left as it is)."""
        if cls.select().where(cls.code == preset.code).exists():
            return None
        return cls.create(
            code=preset.code,
            name=preset.name,
            label=preset.label,
            group_label=preset.group_label,
            phrases="\n".join(preset.phrases),
            sort_order=preset.sort_order,
        )

    def sync_group(self) -> UnitGroup | None:
        """Keep the kind's own group in step: named by ``group_label``, holding every unit of
        the kind. Created when the kind first has units; a group already bearing the name and
        belonging to no kind is taken over."""
        group = UnitGroup.get_or_none(UnitGroup.kind == self.id)
        unit_ids = [u.id for u in Unit.select(Unit.id).where(Unit.kind == self.code)]
        if group is None:
            if not unit_ids:
                return None
            group = UnitGroup.get_or_none(
                UnitGroup.name == self.group_label,
                UnitGroup.kind.is_null(),
            )
            if group is None:
                group = UnitGroup.create(name=self._free_group_name(), kind=self.id)
            else:
                group.kind = self.id
                group.save()
        elif group.name != self.group_label:
            name = self._free_group_name(group.id)
            if name != group.name:
                group.name = name
                group.save()
        if sorted(unit_ids) != sorted(m.unit_id for m in group.members):
            group.set_units(unit_ids)
        return group

    def _free_group_name(self, group_id: int | None = None) -> str:
        """The group label, or with the kind's code beside it when another group holds it."""
        taken = UnitGroup.select().where(UnitGroup.name == self.group_label)
        if group_id is not None:
            taken = taken.where(UnitGroup.id != group_id)
        return f"{self.group_label} ({self.code})" if taken.exists() else self.group_label

    @classmethod
    def sync_groups(cls) -> None:
        """Every kind's group in step with its units (after units were added or changed)."""
        for kind in cls.select():
            kind.sync_group()


class Unit(BaseModel):
    """Đơn vị: a department, a ward People's Committee, a village … (its kind: ``UnitKind``)."""

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

    @property
    def kind_label(self) -> str:
        """The label of the unit's kind ("UBND phường", "Sở, ban, ngành"), else its code."""
        row = prepared.first("unit.kind_label", _kind_label, [self.kind])
        return row[0] if row is not None else self.kind

    @classmethod
    def kind_order(cls):
        """An ORDER BY term: the sort order of the unit's kind (a kind without a row last)."""
        order = UnitKind.select(UnitKind.sort_order).where(UnitKind.code == cls.kind)
        return fn.COALESCE(order, 1_000_000)

    @classmethod
    def ordered(cls):
        """Units in display order: by their kind's order (departments, then wards, then agencies
        in the district), then their own."""
        return cls.select().order_by(cls.kind_order(), cls.sort_order, cls.name)

    @classmethod
    def active_ordered(cls):
        """The active units in display order."""
        return cls.ordered().where(cls.active == True)  # noqa: E712


class UnitGroup(BaseModel):
    """A named set of units ("UBND các phường") to assign a task to in one step."""

    name = CharField(max_length=200, unique=True)
    description = CharField(max_length=500, default="")
    # Set on a kind's own group, whose members follow the kind (UnitKind.sync_group).
    kind = ForeignKeyField(UnitKind, null=True, unique=True, backref="+", on_delete="SET NULL")

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


def _kind_label():
    """A unit's kind's label (``Unit.kind_label``), its SQL written once."""
    # The stand-in as it is (a text column would turn it into text, and it would be lost).
    code = Value(slot(0), converter=False)
    return UnitKind.select(UnitKind.label).where(UnitKind.code == code).tuples()
