"""Refusals in the audit trail, and server errors shown without traces but with an error id."""

from __future__ import annotations

import logging
import secrets
from types import MethodType
from typing import NoReturn

from flask import Flask, Response, abort, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from tracker.core.security import client_address
from tracker.models.audit import record_security

logger = logging.getLogger("tracker.errors")

SERVER_ERROR = (
    "Đã có lỗi xảy ra phía máy chủ. Vui lòng thử lại sau; nếu lỗi lặp lại, hãy báo "
    "cho quản trị viên mã lỗi %(id)s."
)


def audit_denied() -> None:
    """A refused request (403): who, what, from where, as an audit event and a log line."""
    actor = current_user._get_current_object() if current_user.is_authenticated else None
    record_security(
        "denied",
        actor,
        path=request.path[:500],
        method=request.method,
        address=client_address(),
    )


def refuse_hidden() -> NoReturn:
    """Refuse with 404, so the object's existence stays hidden, and audit it as a refusal.

    For an object that exists but is not the user's to see (another unit's evidence file or
    assignment, another user's token or feed): what an outsider gets is the same 404 as for an
    id that exists nowhere, while the audit trail records the refused access.
    """
    audit_denied()
    abort(404)


def _log_exception(app: Flask, exc_info) -> None:
    """Flask's own log of an unhandled exception, given a short id the error page shows."""
    g.error_id = secrets.token_hex(4)
    try:  # load the user now, so the log line says whose request failed
        current_user.is_authenticated  # noqa: B018
    except Exception:  # noqa: BLE001 - the database may be what failed
        pass
    app.logger.error(
        "Unhandled exception %s on %s %s",
        g.error_id,
        request.method,
        request.path,
        exc_info=exc_info,
        extra={"error_id": g.error_id},
    )


def init_app(app: Flask) -> None:
    """Register the 500 page; the exception's traceback goes to the log only."""
    app.log_exception = MethodType(_log_exception, app)  # type: ignore[method-assign]

    @app.errorhandler(500)
    def _server_error(_e) -> tuple[str, int] | Response:
        error_id = g.get("error_id") or secrets.token_hex(4)
        message = SERVER_ERROR % {"id": error_id}
        try:
            # The user's language needs the user, and so the database, which may be what failed.
            message = _(SERVER_ERROR, id=error_id)
            return render_template("error.html", code=500, message=message, error_id=error_id), 500
        except Exception:  # noqa: BLE001 - the page itself failed (database down): plain text
            logger.exception("error page failed", extra={"error_id": error_id})
            return Response(f"500 - {message}", 500, mimetype="text/plain")
