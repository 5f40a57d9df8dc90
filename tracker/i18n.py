"""Vietnamese first, English second; the choice is remembered per user."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_login import current_user

from .extensions import babel


def select_locale() -> str:
    """The user's saved language, else the session's, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with the selectors above."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"current_locale": select_locale(), "request_path": request.path}
