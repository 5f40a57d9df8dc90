"""Loại đơn vị: the kinds of units the office has (sở, ban, ngành; UBND xã, phường, đặc khu;
thôn, tổ dân phố …), the labels pages show for them and the phrases notices use for all of
them. A kind's own unit group follows its units (UnitKind.sync_group); a kind in use cannot be
deleted."""

from __future__ import annotations

from flask import Response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from peewee import fn

from tracker.admin import bp
from tracker.admin.common import confirm_page, confirmed, finish, taken
from tracker.admin.forms import KindForm
from tracker.core.db import database
from tracker.models import Unit, UnitGroup, UnitKind
from tracker.models.audit import changes, record
from tracker.policy import require
from tracker.web.lookup import get_or_404
from tracker.web.rendering import form_error_status, render

FIELDS = ["code", "name", "label", "group_label", "phrases", "sort_order"]


def _values(form: KindForm) -> dict[str, object]:
    phrases = "\n".join(p.strip() for p in (form.phrases.data or "").splitlines() if p.strip())
    return {
        "code": form.code.data,
        "name": form.name.data,
        "label": form.label.data,
        "group_label": form.group_label.data,
        "phrases": phrases,
        "sort_order": form.sort_order.data or 0,
    }


def _check(form: KindForm, kind: UnitKind | None) -> bool:
    """Refuse a code or name another kind holds, a group name another group holds, and a new
    code for a kind in use — each error beside its field."""
    kind_id = kind.id if kind else None
    ok = True
    if taken(UnitKind.code, form.code.data, kind_id):
        form.code.errors.append(_("Mã loại đã tồn tại."))
        ok = False
    if taken(UnitKind.name, form.name.data, kind_id):
        form.name.errors.append(_("Tên loại đã tồn tại."))
        ok = False
    own_group = UnitGroup.get_or_none(UnitGroup.kind == kind_id) if kind else None
    if taken(UnitGroup.name, form.group_label.data, own_group.id if own_group else None):
        other = UnitGroup.get(fn.LOWER(UnitGroup.name) == form.group_label.data.lower())
        if other.kind_id is not None:  # a group of no kind with that name is taken over
            form.group_label.errors.append(_("Đã có nhóm đơn vị mang tên này."))
            ok = False
    if kind and form.code.data != kind.code and kind.unit_count():
        form.code.errors.append(
            _("Đã có đơn vị thuộc loại này: không đổi được mã (đổi loại của các đơn vị trước).")
        )
        ok = False
    return ok


def _show_form(form: KindForm, kind: UnitKind | None) -> Response:
    status = form_error_status() if form.is_submitted() else 200
    return render("admin/kind_form.html", block="form", status=status, form=form, kind=kind)


@bp.route("/kinds")
@login_required
def kinds() -> Response:
    """The unit kinds in display order, with how many units each has."""
    require(current_user, "admin.manage")
    counts = dict(Unit.select(Unit.kind, fn.COUNT(Unit.id)).group_by(Unit.kind).tuples())
    return render("admin/kinds.html", kinds=list(UnitKind.ordered()), counts=counts)


@bp.route("/kinds/new", methods=["GET", "POST"])
@login_required
def kind_new() -> Response:
    """Create a unit kind."""
    require(current_user, "admin.manage")
    form = KindForm()
    if form.validate_on_submit() and _check(form, None):
        values = _values(form)
        with database.atomic():
            kind = UnitKind.create(**values)
            record(current_user, "create", kind, after=values)
        return finish(url_for("admin.kinds"), _("Đã thêm loại đơn vị %(name)s.", name=kind.name))
    return _show_form(form, None)


@bp.route("/kinds/<int:kind_id>/edit", methods=["GET", "POST"])
@login_required
def kind_edit(kind_id: int) -> Response:
    """Edit a kind's names, labels, phrases and order (its code while no unit has it)."""
    require(current_user, "admin.manage")
    kind = get_or_404(UnitKind, kind_id)
    form = KindForm(obj=kind)
    if form.validate_on_submit() and _check(form, kind):
        before, after = changes(kind, FIELDS, _values(form))
        if after:
            with database.atomic():
                UnitKind.update(**after).where(UnitKind.id == kind.id).execute()
                record(current_user, "update", kind, before=before, after=after)
                UnitKind.get_by_id(kind.id).sync_group()
        return finish(
            url_for("admin.kinds"), _("Đã lưu loại đơn vị %(name)s.", name=form.name.data)
        )
    return _show_form(form, kind)


@bp.route("/kinds/<int:kind_id>/delete", methods=["GET", "POST"])
@login_required
def kind_delete(kind_id: int) -> Response:
    """Ask, then delete a kind no unit has (with its own, empty, group); refuse one in use."""
    require(current_user, "admin.manage")
    kind = get_or_404(UnitKind, kind_id)
    back = url_for("admin.kinds")
    in_use = kind.unit_count()
    refusal = None
    if in_use:
        refusal = _(
            "Không xóa được: %(n)s đơn vị đang thuộc loại này. Hãy chuyển các đơn vị đó sang "
            "loại khác trước.",
            n=in_use,
        )
    elif request.method == "POST" and confirmed():
        with database.atomic():
            before = {f: getattr(kind, f) for f in FIELDS}
            UnitGroup.delete().where(UnitGroup.kind == kind.id).execute()
            kind.delete_instance()
            record(current_user, "delete", kind, before=before)
        return finish(back, _("Đã xóa loại đơn vị %(name)s.", name=kind.name))
    return confirm_page(
        title=_("Xóa loại đơn vị"),
        question=_("Xóa loại đơn vị «%(name)s»?", name=kind.name),
        details=[] if refusal else [_("Không có đơn vị nào thuộc loại này.")],
        action=url_for("admin.kind_delete", kind_id=kind.id),
        button=_("Xóa loại"),
        cancel=back,
        refusal=refusal,
        danger=True,
    )
