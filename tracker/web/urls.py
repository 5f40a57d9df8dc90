"""Where a form may send the user back to: only paths on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request


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


def page_path(url: str | None) -> str | None:
    """The path and query of ``url``, a whole URL of a page on this site, fit for ``next``.

    htmx names the page the browser shows by its whole URL (``HX-Current-URL``). Its path is
    kept only if the URL is on this very host and the path passes ``safe_next``.
    """
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", request.host):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(path)
