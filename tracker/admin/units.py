"""Đơn vị: the list of units, creating and editing one, deactivating and reactivating it."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user, login_required
from peewee import fn
from wtforms import SelectChoice

from tracker.admin import bp
from tracker.admin.common import (
    confirm_page,
    confirmed,
    finish,
    set_active,
    taken,
)
from tracker.admin.forms import UnitForm
from tracker.core.db import database
from tracker.core.i18n import N_
from tracker.models import Unit, UnitKind, User
from tracker.models.audit import changes, record
from tracker.policy import require
from tracker.web.listing import Filter, list_page
from tracker.web.lookup import get_or_404
from tracker.web.rendering import form_error_status, render

FIELDS = ["name", "short_name", "code", "kind", "email", "sort_order", "aliases"]

# Kinds in their order (UnitKind.sort_order), as Unit.ordered shows them.
KIND_ORDER = Unit.kind_order()

SORTS = {
    "kind": [KIND_ORDER, Unit.sort_order, Unit.name],
    "name": Unit.name,
    "short_name": Unit.short_name,
    "code": Unit.code,
    "sort_order": [Unit.sort_order, Unit.name],
}

STATE_FILTER = Filter(
    "state",
    N_("Trạng thái"),
    N_("Mọi trạng thái"),
    {"active": N_("Đang hoạt động"), "inactive": N_("Ngừng hoạt động")},
    lambda v: Unit.active == (v == "active"),
)


def _filters(kinds: dict[str, str]) -> list[Filter]:
    """The list's filters: the kinds of now (``kinds``: UnitKind.labels()) and the state."""
    return [
        Filter("kind", N_("Loại đơn vị"), N_("Tất cả các loại"), kinds, lambda v: Unit.kind == v),
        STATE_FILTER,
    ]


def _form(unit: Unit | None = None) -> UnitForm:
    """The unit form, offering the kinds of now."""
    form = UnitForm(obj=unit)
    form.kind.choices = [SelectChoice("", _("— Chọn loại —"))] + [
        SelectChoice(code, _(label)) for code, label in UnitKind.labels().items()
    ]
    return form


def _values(form: UnitForm) -> dict[str, Any]:
    return {
        "name": form.name.data,
        "short_name": form.short_name.data,
        "code": form.code.data,
        "kind": form.kind.data,
        "email": form.email.data or "",
        "sort_order": form.sort_order.data or 0,
        "aliases": form.aliases.data or "",
    }


def _unique(form: UnitForm, unit_id: int | None = None) -> bool:
    """Refuse a name or code another unit already has, with the error beside the field."""
    ok = True
    if taken(Unit.name, form.name.data, unit_id):
        form.name.errors.append(_("Tên đơn vị đã tồn tại."))
        ok = False
    if taken(Unit.code, form.code.data, unit_id):
        form.code.errors.append(_("Mã đơn vị đã tồn tại."))
        ok = False
    return ok


@bp.route("/units")
@login_required
def units() -> Response:
    """All units, inactive ones included (with a badge): search, kind and state filters."""
    require(current_user, "admin.manage")
    active_users = (
        User.select(fn.COUNT(User.id))
        .where(User.unit == Unit.id, User.active == True)  # noqa: E712
        .alias("user_count")
    )
    kinds = UnitKind.labels()
    listing = list_page(
        Unit.select(Unit, active_users),
        sorts=SORTS,
        default_sort="kind",
        search=Unit,
        filters=_filters(kinds),
    )
    return render("admin/units.html", block="results", listing=listing, kinds=kinds)


@bp.route("/units/new", methods=["GET", "POST"])
@login_required
def unit_new() -> Response:
    """Create a unit."""
    require(current_user, "admin.manage")
    form = _form()
    if form.validate_on_submit() and _unique(form):
        values = _values(form)
        with database.atomic():
            unit = Unit.create(**values)
            record(current_user, "create", unit, after=values)
            UnitKind.sync_groups()
        return finish(url_for("admin.units"), _("Đã thêm đơn vị %(name)s.", name=unit.name))
    status = form_error_status() if form.is_submitted() else 200
    return render("admin/unit_form.html", block="form", status=status, form=form, unit=None)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@login_required
def unit_edit(unit_id: int) -> Response:
    """Edit a unit's names, code, kind, e-mail and display order."""
    require(current_user, "admin.manage")
    unit = get_or_404(Unit, unit_id)
    form = _form(unit)
    if form.validate_on_submit() and _unique(form, unit.id):
        before, after = changes(unit, FIELDS, _values(form))
        if after:
            with database.atomic():
                Unit.update(**after).where(Unit.id == unit.id).execute()
                record(current_user, "update", unit, before=before, after=after)
                if "kind" in after:
                    UnitKind.sync_groups()
        return finish(url_for("admin.units"), _("Đã lưu đơn vị %(name)s.", name=form.name.data))
    status = form_error_status() if form.is_submitted() else 200
    return render("admin/unit_form.html", block="form", status=status, form=form, unit=unit)


def _set_active(unit_id: int, active: bool) -> Response:
    """The confirmation page, then the change of the unit's state (with its audit event)."""
    unit = get_or_404(Unit, unit_id)
    back = url_for("admin.units")
    if unit.active == active:
        flash(_("Đơn vị %(name)s đã ở trạng thái này.", name=unit.name), "info")
        return redirect(back)
    if request.method == "POST" and confirmed():
        set_active(unit, active)
        if active:
            return finish(back, _("Đã kích hoạt lại đơn vị %(name)s.", name=unit.name))
        return finish(back, _("Đã ngừng hoạt động đơn vị %(name)s.", name=unit.name))
    officers = User.select().where(User.unit == unit.id, User.active == True).count()  # noqa: E712
    if active:
        return confirm_page(
            title=_("Kích hoạt lại đơn vị"),
            question=_("Kích hoạt lại đơn vị «%(name)s»?", name=unit.name),
            details=[
                _("Đơn vị sẽ lại được chọn khi giao việc và xuất hiện trong các nhóm của nó.")
            ],
            action=url_for("admin.unit_reactivate", unit_id=unit.id),
            button=_("Kích hoạt lại"),
            cancel=back,
        )
    return confirm_page(
        title=_("Ngừng hoạt động đơn vị"),
        question=_("Ngừng hoạt động đơn vị «%(name)s»?", name=unit.name),
        details=[
            _(
                "Đơn vị sẽ không được chọn khi giao việc mới; "
                "các việc đã giao và lịch sử vẫn được giữ nguyên."
            ),
            _(
                "Đơn vị có %(n)s tài khoản đang hoạt động; các tài khoản này không bị khóa.",
                n=officers,
            ),
        ],
        action=url_for("admin.unit_deactivate", unit_id=unit.id),
        button=pgettext("action", "Ngừng hoạt động"),
        cancel=back,
        danger=True,
    )


@bp.route("/units/<int:unit_id>/deactivate", methods=["GET", "POST"])
@login_required
def unit_deactivate(unit_id: int) -> Response:
    """Ask, then mark a unit inactive (its work and history stay)."""
    require(current_user, "admin.manage")
    return _set_active(unit_id, False)


@bp.route("/units/<int:unit_id>/reactivate", methods=["GET", "POST"])
@login_required
def unit_reactivate(unit_id: int) -> Response:
    """Ask, then mark an inactive unit active again."""
    require(current_user, "admin.manage")
    return _set_active(unit_id, True)
