"""Structured logs: one JSON object per line, with the request id, user and path.

User input (an account name, a title) reaches the log only inside JSON strings, where CR, LF
and the other line separators are escaped, so no input can start a forged log line. Terminal
escape sequences are removed: werkzeug colours its banner and request lines for a terminal, and
a log reader must never be sent colour or cursor codes (from werkzeug or from anyone's input).
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import sys
from datetime import UTC, datetime
from typing import IO

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

# The attributes every LogRecord has; anything else was given through ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# JSON leaves these unescaped (with ensure_ascii=False), yet some readers break lines at them.
_SEPARATORS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# ANSI escape sequences: CSI (colours, cursor: ESC [ … final letter), OSC (a window title:
# ESC ] … BEL) and the two-character ones (ESC and one of @ to _).
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-_])")
# werkzeug logs the development server's warning at INFO; it is a warning.
_DEV_SERVER_WARNING = "WARNING: This is a development server."


def plain(value: object) -> object:
    """``value`` without terminal escape sequences, if it is text."""
    return _ANSI.sub("", value) if isinstance(value, str) and "\x1b" in value else value


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request_id, user_id, method, path, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        message = plain(record.getMessage())
        level = record.levelname
        if record.name == "werkzeug" and str(message).startswith(_DEV_SERVER_WARNING):
            level = "WARNING"
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": level,
            "logger": record.name,
            "message": message,
        }
        if has_request_context():
            user = g.get("_login_user")
            data["request_id"] = g.get("request_id")
            data["user_id"] = getattr(user, "id", None)
            data["method"] = request.method
            data["path"] = request.path
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in data:
                data[key] = plain(value)
        if record.exc_info:
            data["exception"] = plain(self.formatException(record.exc_info))
        if record.stack_info:
            data["stack"] = plain(self.formatStack(record.stack_info))
        return json.dumps(data, ensure_ascii=False, default=str).translate(_SEPARATORS)


class _StandardError(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (test runners swap it)."""

    @property
    def stream(self) -> IO[str]:  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value: IO[str]) -> None:
        pass


def make_handler(stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing JSON lines to ``stream`` (standard error by default)."""
    handler = logging.StreamHandler(stream) if stream is not None else _StandardError()
    handler.setFormatter(JsonFormatter())
    handler.name = "tracker-json"
    return handler


def configure(level: str | None = None) -> None:
    """Send every logger's records, once, as JSON lines to standard error."""
    root = logging.getLogger()
    if not any(h.name == "tracker-json" for h in root.handlers):
        root.addHandler(make_handler())
    root.setLevel((level or os.environ.get("TRACKER_LOG_LEVEL", "INFO")).upper())


def init_app(app: Flask) -> None:
    """JSON logs for this app; a request id for each request (``X-Request-ID``)."""
    configure()
    # The app's logger goes through the root's JSON handler, not Flask's plain-text one.
    app.logger.removeHandler(default_handler)

    @app.before_request
    def _request_id() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else secrets.token_hex(8)

    @app.after_request
    def _echo_request_id(response: Response) -> Response:
        if "request_id" in g:
            response.headers.setdefault("X-Request-ID", g.request_id)
        return response
