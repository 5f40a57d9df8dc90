"""Sessions: the signed-in account, and ending or continuing a user's sessions."""

from __future__ import annotations

from flask import current_app, g, request, session
from flask_login import current_user, login_user

from tracker.models import User


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
