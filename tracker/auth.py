"""Logging in and out, changing one's password, choosing the language."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, Length

from .audit import record
from .db import database
from .forms import BaseForm, max_len, required
from .models import User
from .models.users import hash_method
from .rendering import render
from .urls import safe_next

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


def current_account() -> User:
    """The logged-in user as a model instance (not the proxy), for queries and foreign keys."""
    return current_user._get_current_object()


def _next_or_home(target: str | None) -> str:
    """``target`` if it is a path on this site, else the home page."""
    return safe_next(target) or url_for("home.index")


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """A hash of no one's password, made once per method, for ``_password_matches``."""
    return generate_password_hash("không phải mật khẩu của ai", method=method)


def _password_matches(user: User | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s; an unknown user costs the same hash check.

    Without it a wrong username would answer faster than a wrong password, and the time taken
    would tell which usernames exist.
    """
    if user is None:
        check_password_hash(_dummy_hash(hash_method()), password)
        return False
    return user.check_password(password)


def _clear_session() -> None:
    """Forget everything in the session but the chosen language."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; the same message for an unknown user and a wrong password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = User.get_or_none(User.username == form.username.data.strip())
        # The password is checked first, so a locked account answers no faster than others.
        if _password_matches(user, form.password.data) and user.active:
            _clear_session()
            login_user(user)
            with database.atomic():
                record(user, "login", user)
            return redirect(_next_or_home(request.args.get("next")))
        error = _("Tên đăng nhập hoặc mật khẩu không đúng.")
    status = 200 if not error else 401
    return render("auth/login.html", form=form, error=error, status=status)


@bp.route("/logout", methods=["POST"])
def logout():
    """End the session (POST with CSRF, so no link can log a user out)."""
    logout_user()
    _clear_session()
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
    return redirect(_next_or_home(request.form.get("next")))
