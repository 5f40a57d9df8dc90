"""Vietnamese first, English second; the choice is remembered per user.

The source strings (msgids) are Vietnamese. Fixed labels kept in Python constants are marked
with ``N_`` so that ``make extract`` finds them, and translated where they are shown.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (it is translated when shown)."""
    return message


def NP_(context: str, message: str) -> str:
    """Like ``N_`` for a message with a context; it is shown with ``pgettext(context, message)``."""
    return message


def select_locale() -> str:
    """The user's saved language, else the session's, else Vietnamese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command-line work (CLI, demo data) stays Vietnamese
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]


def init_app(app: Flask) -> None:
    """The template globals of the language switch.

    Flask-Babel itself is bound in ``create_app`` with the selectors above, like the other
    extensions: ``tracker.core.extensions`` marks its messages with ``N_`` from here, so this
    module must not import it back.
    """

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"current_locale": select_locale(), "request_path": request.path}
