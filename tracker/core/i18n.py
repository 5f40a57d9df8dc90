"""Vietnamese first, English second; the choice is remembered per user.

The source strings (msgids) are Vietnamese. Fixed labels kept in Python constants are marked
with ``N_`` so that ``make extract`` finds them, and translated where they are shown.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

# The request's catalog, with the locale it was looked up for (see ``translations``).
_CATALOG = "_tracker_catalog"


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


def translations() -> Any:
    """The catalog of the request's language, looked up once per request.

    Flask-Babel finds the catalog anew for every message (domain, locale, its name, the cache:
    about 16 µs, a hundred times a page); this keeps the one found first on ``g``. It is kept
    with its locale object, so ``force_locale`` (a mail in its recipient's language) gets its
    own catalog and the request's comes back after it. Outside an application context:
    Flask-Babel's answer (no translation).
    """
    app_ctx = _cv_app.get(None)
    if app_ctx is None:  # no application context
        return get_translations()
    # Flask-Babel keeps the context's locale on ``g._flask_babel`` (``force_locale`` puts
    # another Locale object there and the first one back after): while that object is the one
    # the catalog was found for, the catalog stands, without asking Flask-Babel (and its
    # context-local proxies) again. This runs for every ``_()`` of a page.
    state = app_ctx.g.__dict__
    memo = state.get(_CATALOG)
    babel = state.get("_flask_babel")
    if memo is not None and babel is not None and memo[0] is babel.__dict__.get("babel_locale"):
        return memo[1]
    locale = get_locale()
    if memo is None or memo[0] is not locale:
        memo = (locale, get_translations())
        state[_CATALOG] = memo
    return memo[1]


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's ``gettext``, with the request's catalog looked up once."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def pgettext(context: str, string: str, **variables: Any) -> str:
    """Flask-Babel's ``pgettext``, with the request's catalog looked up once."""
    text = translations().upgettext(context, string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's ``ngettext`` (``num`` is a variable too), with the catalog looked up once."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def init_app(app: Flask) -> None:
    """The templates' translation functions, and the template globals of the language switch.

    Flask-Babel itself is bound in ``create_app`` with the selectors above, like the other
    extensions: ``tracker.core.extensions`` marks its messages with ``N_`` from here, so this
    module must not import it back. Flask-Babel installs its own ``_()`` for templates, which
    looks the catalog up on every call; these replace it (still Jinja's new-style gettext:
    the translation is escaped as a template and its variables as values).
    """
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    installed = app.jinja_env.globals["gettext"]

    @pass_context
    def _(context: Context, string: str, **variables: Any) -> str:
        # Jinja's ``_`` asks the context for ``gettext`` and calls it through two more
        # layers; this does what they do (escape the translation as a template, the values
        # as values) in one, unless a render put its own ``gettext`` in the context (a mail
        # in its recipient's language), which is then called as Jinja would.
        found = context.resolve_or_missing("gettext")
        if found is not installed:
            # A catalog's own ``gettext`` (tracker/reminders/common.py) says how to call it
            # without Jinja's layers: a mail calls ``_()`` hundreds of times.
            direct = getattr(found, "translate", None)
            if direct is not None:
                return direct(string, context.eval_ctx.autoescape, variables)
            return context.call(found, string, **variables)
        text = translations().ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    app.jinja_env.globals["_"] = _

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"current_locale": select_locale(), "request_path": request.path}
