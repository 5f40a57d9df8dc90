"""Logging in and out, changing one's password, choosing the language."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import EqualTo, Length

from tracker.auth import limits, sso
from tracker.auth.sessions import (
    clear_session,
    continue_session,
    current_account,
    end_sessions,
    log_in,
)
from tracker.core.db import database
from tracker.core.security import client_address
from tracker.models import User
from tracker.models.audit import record, record_security
from tracker.models.users import hash_method
from tracker.web.forms import BaseForm, max_len, required
from tracker.web.rendering import render
from tracker.web.urls import safe_next

bp = Blueprint("auth", __name__)


class LoginForm(BaseForm):
    username = StringField(_l("Tên đăng nhập"), [required(), max_len(60)])
    password = PasswordField(_l("Mật khẩu"), [required(), max_len(200)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên máy này"))


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


def _too_many(form: LoginForm, wait: int):
    """429 with the Vietnamese message and Retry-After."""
    message = _(
        "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.",
        minutes=limits.minutes(wait),
    )
    response = _login_page(form, message, 429)
    response.headers["Retry-After"] = str(wait)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; the same message for an unknown user and a wrong password.

    Failed attempts are counted per address and per account name, or per device cookie for a
    browser that signed in as that account before (tracker/auth/limits.py); past a limit the
    answer is 429 without checking the password.
    """
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if request.method == "POST" and not sso.passwords_allowed():
        # Single sign-on only (TRACKER_OIDC_LOCAL_PASSWORDS=0): no password is even checked.
        record_security("login.password_disabled", None, address=client_address())
        message = _("Đăng nhập bằng mật khẩu đã tắt. Vui lòng đăng nhập bằng tài khoản một cửa.")
        return _login_page(LoginForm(formdata=None), message, 403)
    if form.validate_on_submit():
        typed = form.username.data
        where = {"username": typed[:60], "address": client_address()}
        device = limits.device_key(request, typed)
        wait = limits.retry_after(typed, device)
        if wait:
            record_security("login.blocked", None, **where)
            return _too_many(form, wait)
        user = User.get_or_none(User.username == typed.strip())
        # The password is checked first, so a locked account answers no faster than others.
        if _password_matches(user, form.password.data) and user.active:
            log_in(
                user,
                remember=bool(form.remember.data),
                method="password",
                forget=typed,
                device=device,
            )
            response = redirect(_next_or_home(request.args.get("next")))
            limits.set_device_cookie(response, user.username)
            return response
        with database.atomic():
            limits.record_failure(typed, device)
        record_security("login.failed", None, **where)
        wait = limits.retry_after(typed, device)
        if wait:
            return _too_many(form, wait)
        error = _("Tên đăng nhập hoặc mật khẩu không đúng.")
    return _login_page(form, error, 200 if not error else 401)


def _login_page(form: LoginForm, error: str | None, status: int):
    """The login page: the password form where passwords are allowed, the single sign-on
    button where a provider is configured, and the provider's logout after leaving a session
    opened through it."""
    sso_logout = None
    if session.pop(sso.LOGOUT_KEY, False) and sso.enabled():
        sso_logout = sso.logout_url()
    return render(
        "auth/login.html",
        form=form,
        error=error,
        status=status,
        sso_enabled=sso.enabled(),
        passwords_allowed=sso.passwords_allowed(),
        sso_logout=sso_logout,
        next=safe_next(request.args.get("next")),
    )


@bp.route("/logout", methods=["POST"])
def logout():
    """End the session and every other session of the user (POST with CSRF, so no link can
    log a user out); a copy of the old session or remember cookie no longer logs anyone in."""
    through_sso = session.get(sso.SESSION_KEY) == sso.SESSION_VALUE
    if current_user.is_authenticated:
        user = current_account()
        with database.atomic():
            end_sessions(user)
            record(user, "logout", user)
    clear_session()
    logout_user()  # after clearing: it marks the remember cookie for deletion in the session
    if through_sso:
        # The provider's own session goes on: the login page offers to end it too.
        session[sso.LOGOUT_KEY] = True
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
            user = current_account()
            with database.atomic():
                user.set_password(form.new.data)
                User.update(password_hash=user.password_hash).where(User.id == user.id).execute()
                end_sessions(user)
                record(user, "password", user)
            continue_session(user)
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
