"""Người dùng: accounts, their role and unit, passwords set by an admin, (de)activation."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from peewee import JOIN
from wtforms import SelectChoice

from tracker.admin import bp
from tracker.admin.common import (
    confirm_page,
    confirmed,
    finish,
    set_active,
    taken,
)
from tracker.admin.forms import NewUserForm, UserForm
from tracker.auth.sessions import continue_session, end_sessions
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.core.i18n import N_
from tracker.models import ROLES, Unit, UnitKind, User
from tracker.models.audit import changes, record
from tracker.policy import can, require, users_allowed
from tracker.web.listing import Filter, list_page
from tracker.web.lookup import get_or_404
from tracker.web.rendering import form_error_status, render

FIELDS = ["full_name", "email", "role", "unit_id"]

SORTS = {
    "username": User.username,
    "full_name": [User.full_name, User.username],
    "role": [User.role, User.username],
    "unit": [Unit.name, User.username],
    "created": [User.created_at, User.username],
}

BY_ROLE = Filter("role", N_("Vai trò"), N_("Mọi vai trò"), ROLES, lambda v: User.role == v)
BY_STATE = Filter(
    "state",
    N_("Trạng thái"),
    N_("Mọi trạng thái"),
    {"active": N_("Đang hoạt động"), "inactive": N_("Đã khóa")},
    lambda v: User.active == (v == "active"),
)

LAST_ADMIN = N_("Không thể thực hiện: hệ thống phải còn ít nhất một quản trị viên đang hoạt động.")


def _unit_choices(form: UserForm, current_id: int | None = None) -> None:
    """Active units to choose from, plus the user's own unit if it is no longer active."""
    shown = Unit.active == True  # noqa: E712
    if current_id is not None:
        shown |= Unit.id == current_id
    units = Unit.ordered().where(shown)
    labels = UnitKind.labels()
    form.unit.choices = [SelectChoice("", _("— Không thuộc đơn vị —"))] + [
        SelectChoice(
            u.id,
            u.name if u.active else _("%(name)s (ngừng hoạt động)", name=u.name),
            optgroup=_(labels[u.kind]) if u.kind in labels else u.kind,
        )
        for u in units
    ]


def _values(form: UserForm) -> dict[str, Any]:
    """The submitted details; only officers keep a unit."""
    return {
        "full_name": form.full_name.data,
        "email": form.email.data or "",
        "role": form.role.data,
        "unit_id": form.unit.data if form.role.data == "officer" else None,
    }


def _admin_refusal(user: User, own_message: str) -> str | None:
    """Why ``user`` may not stop being an active admin, or None if nothing stands in the way.

    Someone must remain who may manage the administration.
    """
    if not can(user, "admin.manage"):  # an inactive account may do nothing: no admin
        return None
    others = User.select().where(
        users_allowed("admin.manage"),
        User.active == True,  # noqa: E712
        User.id != user.id,
    )
    if not others.exists():
        return _(LAST_ADMIN)
    if user.id == current_user.id:
        return own_message
    return None


def _show_form(form: UserForm, account: User | None) -> Response:
    status = form_error_status() if form.is_submitted() else 200
    return render("admin/user_form.html", block="form", status=status, form=form, account=account)


@bp.route("/users")
@login_required
def users() -> Response:
    """Accounts: search by username or name, filter by role, unit and state."""
    require(current_user, "admin.manage")
    units = {str(u.id): u.name for u in Unit.ordered()}
    by_unit = Filter(
        "unit", N_("Đơn vị"), N_("Mọi đơn vị"), units, lambda v: User.unit == int(v), False
    )
    listing = list_page(
        User.select(User, Unit).join(Unit, JOIN.LEFT_OUTER, on=(User.unit == Unit.id)),
        sorts=SORTS,
        default_sort="username",
        search=User,
        filters=[BY_ROLE, by_unit, BY_STATE],
    )
    return render("admin/users.html", block="results", listing=listing)


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def user_new() -> Response:
    """Create an account with its first password."""
    require(current_user, "admin.manage")
    form = NewUserForm()
    _unit_choices(form)
    if form.validate_on_submit():
        if taken(User.username, form.username.data):
            form.username.errors.append(_("Tên đăng nhập đã tồn tại."))
        else:
            values = _values(form)
            with database.atomic():
                account = User(username=form.username.data, created_at=get_clock().now(), **values)
                account.set_password(form.password.data)
                account.save()
                after = {"username": account.username, **values}
                record(current_user, "create", account, after=after)
            return finish(
                url_for("admin.users"), _("Đã tạo tài khoản %(name)s.", name=account.username)
            )
    return _show_form(form, None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int) -> Response:
    """Edit an account's name, e-mail, role and unit; optionally set a new password."""
    require(current_user, "admin.manage")
    account = get_or_404(User, user_id)
    form = UserForm(
        full_name=account.full_name, email=account.email, role=account.role, unit=account.unit_id
    )
    _unit_choices(form, account.unit_id)
    if form.validate_on_submit():
        values = _values(form)
        refusal = None
        if values["role"] != "admin":
            refusal = _admin_refusal(account, _("Bạn không thể tự bỏ quyền quản trị của mình."))
        if refusal:
            form.role.errors.append(refusal)
        else:
            before, after = changes(account, FIELDS, values)
            with database.atomic():
                if after:
                    User.update(**after).where(User.id == account.id).execute()
                if form.password.data:
                    account.set_password(form.password.data)
                    User.update(password_hash=account.password_hash).where(
                        User.id == account.id
                    ).execute()
                    end_sessions(account)  # a reset password logs the account out everywhere
                    after["password"] = "đã đặt lại"
                if after:
                    record(current_user, "update", account, before=before, after=after)
            if form.password.data and account.id == current_user.id:
                continue_session(account)  # an admin's own reset keeps this session only
            return finish(
                url_for("admin.users"), _("Đã lưu tài khoản %(name)s.", name=account.username)
            )
    return _show_form(form, account)


def _set_active(user_id: int, active: bool) -> Response:
    """The confirmation page, then the change of the account's state (with its audit event)."""
    account = get_or_404(User, user_id)
    back = url_for("admin.users")
    if account.active == active:
        flash(_("Tài khoản %(name)s đã ở trạng thái này.", name=account.username), "info")
        return redirect(back)
    refusal = None
    if not active:
        refusal = _admin_refusal(account, _("Bạn không thể tự khóa tài khoản của chính mình."))
    if request.method == "POST" and confirmed() and not refusal:
        set_active(account, active)
        if not active:
            end_sessions(account)  # unlocking later must not revive the old sessions
        if active:
            return finish(back, _("Đã mở khóa tài khoản %(name)s.", name=account.username))
        return finish(back, _("Đã khóa tài khoản %(name)s.", name=account.username))
    label = f"{account.full_name} ({account.username})"
    if active:
        return confirm_page(
            title=_("Mở khóa tài khoản"),
            question=_("Mở khóa tài khoản %(name)s?", name=label),
            details=[_("Người dùng sẽ đăng nhập lại được bằng mật khẩu hiện có.")],
            action=url_for("admin.user_reactivate", user_id=account.id),
            button=_("Mở khóa"),
            cancel=back,
        )
    return confirm_page(
        title=_("Khóa tài khoản"),
        question=_("Khóa tài khoản %(name)s?", name=label),
        details=[
            _(
                "Người dùng bị đăng xuất ngay ở lần thao tác tiếp theo và không đăng nhập được "
                "nữa; dữ liệu và lịch sử của tài khoản vẫn được giữ nguyên."
            )
        ],
        action=url_for("admin.user_deactivate", user_id=account.id),
        button=_("Khóa tài khoản"),
        cancel=back,
        refusal=refusal,
        danger=True,
    )


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@login_required
def user_deactivate(user_id: int) -> Response:
    """Ask, then lock an account (never one's own, never the last active admin)."""
    require(current_user, "admin.manage")
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/reactivate", methods=["GET", "POST"])
@login_required
def user_reactivate(user_id: int) -> Response:
    """Ask, then unlock an account."""
    require(current_user, "admin.manage")
    return _set_active(user_id, True)
