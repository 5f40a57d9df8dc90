"""Where a form may send the user back to: only paths on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (login, language, inline forms).

    Refused: anything with a scheme or host, protocol-relative ``//host``, backslashes (which
    browsers read as slashes) and white space or control characters (which browsers drop).
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(c.isspace() or not c.isprintable() for c in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
