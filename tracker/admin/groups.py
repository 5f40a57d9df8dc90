"""Nhóm đơn vị: named sets of units, so one task can be given to all of them in one step."""

from __future__ import annotations

from itertools import groupby

from flask import Response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from peewee import SQL, fn
from wtforms import SelectChoice

from tracker.admin import bp
from tracker.admin.common import confirm_page, confirmed, finish, taken
from tracker.admin.forms import GroupForm
from tracker.core.db import database
from tracker.models import Unit, UnitGroup, UnitGroupMember, UnitKind
from tracker.models.audit import record
from tracker.policy import require
from tracker.web.listing import list_page
from tracker.web.lookup import get_or_404
from tracker.web.rendering import form_error_status, render

SORTS = {"name": UnitGroup.name, "members": [SQL("member_count"), UnitGroup.name]}


def _member_codes(group: UnitGroup) -> list[str]:
    """All member units' codes, inactive ones included (for the audit trail)."""
    query = (
        Unit.select(Unit.code)
        .join(UnitGroupMember, on=(UnitGroupMember.unit == Unit.id))
        .where(UnitGroupMember.group == group.id)
        .order_by(Unit.code)
    )
    return [u.code for u in query]


def _state(group: UnitGroup) -> dict[str, object]:
    """What the audit trail keeps of a group: its name, description and member codes."""
    return {"name": group.name, "description": group.description, "units": _member_codes(group)}


def _form(group: UnitGroup | None = None) -> GroupForm:
    """The group form; its choices are the active units (inactive members are kept as they are)."""
    if group is None:
        form = GroupForm()
    else:
        form = GroupForm(
            name=group.name,
            description=group.description,
            units=[u.id for u in group.units()],
        )
    form.units.choices = [SelectChoice(u.id, u.name) for u in Unit.active_ordered()]
    return form


def _show_form(form: GroupForm, group: UnitGroup | None) -> Response:
    """The form page, with the active units as checkboxes grouped by kind."""
    labels = UnitKind.labels()
    kinds = [
        (labels.get(kind, kind), list(units))
        for kind, units in groupby(Unit.active_ordered(), key=lambda u: u.kind)
    ]
    status = form_error_status() if form.is_submitted() else 200
    return render(
        "admin/group_form.html",
        block="form",
        status=status,
        form=form,
        group=group,
        kinds=kinds,
        selected=set(form.units.data or []),
    )


def _name_free(form: GroupForm, group_id: int | None = None) -> bool:
    """Refuse a name another group already has, with the error beside the field."""
    if taken(UnitGroup.name, form.name.data, group_id):
        form.name.errors.append(_("Tên nhóm đã tồn tại."))
        return False
    return True


def _save_members(group: UnitGroup, chosen: list[int]) -> None:
    """Set the active members to ``chosen``; members that are inactive units stay members."""
    inactive = (
        UnitGroupMember.select(UnitGroupMember.unit)
        .join(Unit)
        .where(UnitGroupMember.group == group.id, Unit.active == False)  # noqa: E712
    )
    group.set_units(list(chosen) + [m.unit_id for m in inactive])


@bp.route("/groups")
@login_required
def groups() -> Response:
    """The unit groups with their number of active members."""
    require(current_user, "admin.manage")
    member_count = (
        UnitGroupMember.select(fn.COUNT(UnitGroupMember.id))
        .join(Unit)
        .where(UnitGroupMember.group == UnitGroup.id, Unit.active == True)  # noqa: E712
    )
    listing = list_page(
        UnitGroup.select(UnitGroup, member_count.alias("member_count")),
        sorts=SORTS,
        default_sort="name",
        search=UnitGroup,
    )
    return render("admin/groups.html", block="results", listing=listing)


@bp.route("/groups/new", methods=["GET", "POST"])
@login_required
def group_new() -> Response:
    """Create a group and choose its units."""
    require(current_user, "admin.manage")
    form = _form()
    if form.validate_on_submit() and _name_free(form):
        with database.atomic():
            group = UnitGroup.create(name=form.name.data, description=form.description.data)
            group.set_units(form.units.data)
            record(current_user, "create", group, after=_state(group))
        return finish(url_for("admin.groups"), _("Đã thêm nhóm %(name)s.", name=group.name))
    return _show_form(form, None)


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
def group_edit(group_id: int) -> Response:
    """Edit a group's name, description and member units."""
    require(current_user, "admin.manage")
    group = get_or_404(UnitGroup, group_id)
    form = _form(group)
    if form.validate_on_submit() and _name_free(form, group.id):
        old = _state(group)
        with database.atomic():
            group.name = form.name.data
            group.description = form.description.data
            group.save()
            _save_members(group, form.units.data)
            if group.kind_id is not None:  # a kind's own group: its members follow the kind
                UnitKind.get_by_id(group.kind_id).sync_group()
            new = _state(group)
            before = {k: v for k, v in old.items() if new[k] != v}
            after = {k: v for k, v in new.items() if old[k] != v}
            if after:
                record(current_user, "update", group, before=before, after=after)
        return finish(url_for("admin.groups"), _("Đã lưu nhóm %(name)s.", name=group.name))
    return _show_form(form, group)


@bp.route("/groups/<int:group_id>/delete", methods=["GET", "POST"])
@login_required
def group_delete(group_id: int) -> Response:
    """Ask, then delete a group (its units and the work already assigned stay)."""
    require(current_user, "admin.manage")
    group = get_or_404(UnitGroup, group_id)
    back = url_for("admin.groups")
    if group.kind_id is not None:
        return confirm_page(
            title=_("Xóa nhóm đơn vị"),
            question=_("Xóa nhóm «%(name)s»?", name=group.name),
            action=url_for("admin.group_delete", group_id=group.id),
            button=_("Xóa nhóm"),
            cancel=back,
            refusal=_(
                "Không xóa được: đây là nhóm của loại đơn vị «%(kind)s», gồm mọi đơn vị thuộc "
                "loại này và tự cập nhật.",
                kind=group.kind.name,
            ),
        )
    if request.method == "POST" and confirmed():
        with database.atomic():
            before = _state(group)
            UnitGroupMember.delete().where(UnitGroupMember.group == group.id).execute()
            group.delete_instance()
            record(current_user, "delete", group, before=before)
        return finish(back, _("Đã xóa nhóm %(name)s.", name=group.name))
    return confirm_page(
        title=_("Xóa nhóm đơn vị"),
        question=_("Xóa nhóm «%(name)s»?", name=group.name),
        details=[_("Các đơn vị trong nhóm và những việc đã giao cho chúng không bị ảnh hưởng.")],
        action=url_for("admin.group_delete", group_id=group.id),
        button=_("Xóa nhóm"),
        cancel=back,
        danger=True,
    )
