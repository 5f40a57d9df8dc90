"""Sessions: the signed-in account, and ending or continuing a user's sessions."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, request, session
from flask_babel import gettext
from flask_htmx import make_response as htmx_response
from flask_login import current_user, login_url, login_user
from werkzeug.wrappers import Response

from tracker.auth import limits
from tracker.core.db import database
from tracker.core.extensions import htmx, login_manager
from tracker.core.security import client_address
from tracker.models import User
from tracker.models.audit import record
from tracker.web.urls import page_path


def current_account() -> User:
    """The logged-in user as a model instance (not the proxy), for queries and foreign keys."""
    return current_user._get_current_object()


def clear_session() -> None:
    """Forget everything in the session but the chosen language, and the CSRF token with it.

    The session cookie is signed data kept by the browser: clearing it at login and logout is
    what gives the new session fresh contents (a fixed session cannot carry over).
    """
    locale = session.get("locale")
    session.clear()
    g.pop("csrf_token", None)
    if locale:
        session["locale"] = locale


def end_sessions(user: User) -> None:
    """End every session and remember cookie of ``user`` (they carry the old version)."""
    User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()


def has_remember_cookie() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def continue_session(user: User) -> None:
    """After ``end_sessions(user)`` by ``user`` themself: every other session has ended, and
    this one goes on under a new session (and a new remember cookie, if it had one)."""
    remember = has_remember_cookie()
    clear_session()
    login_user(User.get_by_id(user.id), remember=remember)


def log_in(user: User, *, remember: bool, method: str, forget: str, device: str | None) -> None:
    """Start a fresh session for ``user`` after a password or the OpenID provider proved who
    it is: the failures counted against ``forget`` (the account name) and ``device`` end, and
    the login is audited with the address and, for single sign-on, how it was made."""
    clear_session()
    login_user(user, remember=remember)
    after = {"address": client_address()}
    if method != "password":
        after["method"] = method
    with database.atomic():
        limits.forget_account(forget, device)
        record(user, "login", user, after=after)


def login_required_response() -> Response:
    """The answer to a request that needs a login it does not have (Flask-Login's
    ``unauthorized_handler``): the session ended, or there never was one.

    A plain request is redirected to the login page, back here after it (``next``). htmx
    would follow that redirect inside its request and swap the login page into the element it
    targets (a row of a table, a panel), so an htmx request gets 401 with ``HX-Redirect``
    instead: the browser then loads the login page as a whole page, ``next`` being the page it
    showed (htmx names it in ``HX-Current-URL``), not the fragment asked for.
    """
    flash(gettext(login_manager.login_message), login_manager.login_message_category)
    view = login_manager.login_view
    if htmx:
        target = login_url(view, next_url=page_path(htmx.current_url))
        return htmx_response("", 401, redirect=target)
    return redirect(login_url(view, next_url=request.url))
