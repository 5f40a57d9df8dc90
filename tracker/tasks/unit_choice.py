"""Choosing the units a task is given to: lead and coordinating, each named or by unit group."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectMultipleField

from tracker.core.params import parse_id
from tracker.models import Unit, UnitGroup, UnitGroupMember, UnitKind

UNIT_ERROR = _l("Đơn vị không hợp lệ hoặc đã ngừng hoạt động.")
GROUP_ERROR = _l("Nhóm đơn vị không hợp lệ.")
LEAD_MISSING = _l("Vui lòng chọn đơn vị chủ trì (một hoặc nhiều đơn vị, hoặc một nhóm đơn vị).")


def _kind_label(labels: dict[str, str], kind: str) -> str:
    """A unit kind's label (the unit lists' headings; ``labels``: UnitKind.labels())."""
    return gettext(labels[kind]) if kind in labels else kind


class UnitIds(SelectMultipleField):
    """Unit (or group) ids ticked in a list; a blank value, as a single select's blank choice
    sends, is no choice."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata([v for v in valuelist if str(v).strip()])


class UnitChoice:
    """Fields choosing units: lead units and coordinating units, each named or by unit group.

    Lead and coordinating choices are kept apart: several lead units lead together (each in
    its own area), and a unit named as coordinating never becomes a lead. A unit may not be
    both: named in both columns, or leading through a group and named as coordinating, is
    refused beside the field. A coordinating *group* is a shorthand for "the others": its
    member chosen as lead leads.
    """

    lead = UnitIds(
        _l("Đơn vị chủ trì"),
        coerce=parse_id,
        invalid_value_message=UNIT_ERROR,
        invalid_choice_message=UNIT_ERROR,
    )
    units = UnitIds(
        _l("Đơn vị phối hợp"),
        coerce=parse_id,
        invalid_value_message=UNIT_ERROR,
        invalid_choice_message=UNIT_ERROR,
    )
    lead_groups = UnitIds(
        _l("Nhóm đơn vị chủ trì"),
        coerce=parse_id,
        invalid_value_message=GROUP_ERROR,
        invalid_choice_message=GROUP_ERROR,
    )
    groups = UnitIds(
        _l("Nhóm đơn vị phối hợp"),
        coerce=parse_id,
        invalid_value_message=GROUP_ERROR,
        invalid_choice_message=GROUP_ERROR,
    )

    # Set by check_units: the ids of units (and of groups) chosen for both roles, marked on
    # the page beside the error.
    conflicts: frozenset[int] = frozenset()
    group_conflicts: frozenset[int] = frozenset()

    def set_unit_choices(self) -> None:
        """Offer the active units (grouped by kind) and the unit groups, for either role."""
        labels = UnitKind.labels()
        units = [
            SelectChoice(u.id, u.name, optgroup=_kind_label(labels, u.kind))
            for u in Unit.active_ordered()
        ]
        self.lead.choices = units
        self.units.choices = list(units)
        groups = [SelectChoice(g.id, g.name) for g in UnitGroup.select().order_by(UnitGroup.name)]
        self.lead_groups.choices = groups
        self.groups.choices = list(groups)

    def anything_chosen(self) -> bool:
        return any(f.data for f in (self.lead, self.units, self.lead_groups, self.groups))

    def check_units(self, needs_lead: bool) -> bool:
        """No unit or group both leading and coordinating, and a lead when one is needed
        (else an error beside the field)."""
        fields = (self.lead, self.units, self.lead_groups, self.groups)
        if any(f.errors for f in fields):
            return False
        ok = True
        both_groups = set(self.lead_groups.data or []) & set(self.groups.data or [])
        if both_groups:
            self.group_conflicts = frozenset(both_groups)
            names = [g.name for g in UnitGroup.select().where(UnitGroup.id.in_(both_groups))]
            self.groups.errors.append(
                gettext(
                    "Một nhóm không thể vừa chủ trì vừa phối hợp. "
                    "Đã chọn cả hai vai trò cho: %(names)s.",
                    names=", ".join(sorted(names)),
                )
            )
            ok = False
        leading = self._lead_ids()
        both = leading & set(self.units.data or [])
        if both:
            self.conflicts = frozenset(both)
            names = [u.name for u in Unit.select().where(Unit.id.in_(both)).order_by(Unit.name)]
            self.units.errors.append(
                gettext(
                    "Một đơn vị không thể vừa chủ trì vừa phối hợp. "
                    "Đã chọn cả hai vai trò cho: %(names)s.",
                    names=", ".join(names),
                )
            )
            ok = False
        if ok and needs_lead and not self.chosen()["lead"]:
            self.lead.errors.append(LEAD_MISSING)
            ok = False
        return ok

    def _members(self, group_ids: list[int] | None) -> set[int]:
        if not group_ids:
            return set()
        query = UnitGroupMember.select(UnitGroupMember.unit).where(
            UnitGroupMember.group.in_(group_ids)
        )
        return {m.unit_id for m in query}

    def _lead_ids(self) -> set[int]:
        return set(self.lead.data or []) | self._members(self.lead_groups.data)

    def chosen(self) -> dict[str, list[Unit]]:
        """The chosen active units by role; a unit chosen twice (directly, by group) once, and
        a lead unit also in a coordinating group leads."""
        leading = self._lead_ids()
        coordinating = (set(self.units.data or []) | self._members(self.groups.data)) - leading
        units = list(Unit.active_ordered().where(Unit.id.in_(list(leading | coordinating))))
        return {
            "lead": [u for u in units if u.id in leading],
            "coordinating": [u for u in units if u.id in coordinating],
        }
