"""Logging in and out, changing one's password, choosing the language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, Length

from .audit import record
from .db import database
from .forms import BaseForm, max_len, required
from .models import User
from .rendering import render

bp = Blueprint("auth", __name__)


class LoginForm(BaseForm):
    username = StringField(_l("Tên đăng nhập"), [required(), max_len(60)])
    password = PasswordField(_l("Mật khẩu"), [required(), max_len(200)])


class PasswordForm(BaseForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), [required()])
    new = PasswordField(
        _l("Mật khẩu mới"),
        [required(), Length(min=8, max=200, message=_l("Mật khẩu mới phải có từ 8 ký tự."))],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        [required(), EqualTo("new", message=_l("Hai mật khẩu không khớp."))],
    )


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; the same message for an unknown user and a wrong password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = User.get_or_none(User.username == form.username.data.strip())
        if user and user.active and user.check_password(form.password.data):
            session.clear()
            login_user(user)
            with database.atomic():
                record(user, "login", user)
            return redirect(_safe_next(request.args.get("next")))
        error = _("Tên đăng nhập hoặc mật khẩu không đúng.")
    status = 200 if not error else 401
    return render("auth/login.html", form=form, error=error, status=status)


@bp.route("/logout", methods=["POST"])
def logout():
    """End the session (POST with CSRF, so no link can log a user out)."""
    logout_user()
    session.clear()
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password after giving the current one."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("Mật khẩu hiện tại không đúng."))
        else:
            with database.atomic():
                current_user.set_password(form.new.data)
                current_user.save()
                record(current_user, "password", current_user)
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("home.index"))
    return render("auth/password.html", form=form)


@bp.route("/language", methods=["POST"])
def language():
    """Switch the interface language; remembered on the user's account."""
    chosen = request.form.get("locale", "")
    if chosen not in current_app.config["LANGUAGES"]:
        chosen = current_app.config["BABEL_DEFAULT_LOCALE"]
    session["locale"] = chosen
    if current_user.is_authenticated:
        User.update(locale=chosen).where(User.id == current_user.id).execute()
    return redirect(_safe_next(request.form.get("next")))
