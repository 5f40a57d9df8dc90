"""Reading TRACKER_* settings strictly: the error that stops start-up, and shared parsers.

``tracker.config`` assembles the settings; modules of ``tracker.core`` that read their own
(``core.security``) parse them with the same rules and raise the same error, without importing
the configuration, which sits above every feature.
"""

from __future__ import annotations

# The sender of mail while TRACKER_MAIL_FROM is unset; `make run` says how to set a real one.
DEFAULT_MAIL_FROM = "tracker@localhost"


class ConfigError(RuntimeError):
    """A setting that cannot be used; start-up stops with its message."""


def parse_positive_int(name: str, raw: str) -> int:
    """A whole number of at least 1; ConfigError otherwise."""
    value = raw.strip()
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ConfigError(f"{name} phải là số nguyên dương, không phải {raw!r}")
    return int(value)
