"""JSON log lines carry plain text: no terminal colour codes, whoever wrote the record."""

from __future__ import annotations

import io
import json
import logging

from werkzeug.serving import _ansi_style

from tracker.core import logs

BANNER = (
    "WARNING: This is a development server. Do not use it in a production deployment. "
    "Use a production WSGI server instead."
)


def _format(message: str, name: str = "werkzeug", **extra) -> dict:
    record = logging.LogRecord(name, logging.INFO, "", 0, message, (), None)
    record.__dict__.update(extra)
    line = logs.JsonFormatter().format(record)
    assert "\\u001b" not in line and "\x1b" not in line, line
    return json.loads(line)


def test_colour_codes_are_stripped_from_the_message():
    entry = _format(f"\x1b[31m\x1b[1m{BANNER}\x1b[0m\n * Running on http://127.0.0.1:5000")
    assert entry["message"] == f"{BANNER}\n * Running on http://127.0.0.1:5000"
    assert _format("\x1b[33mPress CTRL+C to quit\x1b[0m")["message"] == "Press CTRL+C to quit"
    # Whatever a record carries: extras too, and other escape sequences (cursor, title).
    entry = _format("a\x1b[2Kb\x1b]0;title\x07c", name="t", username="x\x1b[31my")
    assert (entry["message"], entry["username"]) == ("abc", "xy")


def test_the_development_servers_warning_is_a_warning():
    assert _format(f"\x1b[31m\x1b[1m{BANNER}\x1b[0m")["level"] == "WARNING"
    assert _format("127.0.0.1 - - \x1b[32mGET / 200\x1b[0m")["level"] == "INFO"
    assert _format("WARNING: a user's text", name="tracker")["level"] == "INFO"


def test_werkzeugs_own_coloured_lines_reach_the_log_plain():
    """werkzeug colours its banner and request lines; through the JSON handler they are plain."""
    stream = io.StringIO()
    handler = logs.make_handler(stream)
    logger = logging.getLogger("werkzeug")
    saved = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info(_ansi_style(BANNER, "bold", "red"))
        logger.info('"%s" %s %s', "GET /health HTTP/1.1", _ansi_style("404", "yellow"), "-")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved)
    text = stream.getvalue()
    assert "\\u001b" not in text and "[0m" not in text
    entries = [json.loads(line) for line in text.splitlines()]
    assert [e["message"] for e in entries] == [BANNER, '"GET /health HTTP/1.1" 404 -']
