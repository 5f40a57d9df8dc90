"""Where a form may send the user back to: only paths on this site."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import request, url_for
from flask.globals import _cv_request

from tracker.core.params import MAX_ID

# Stand-ins for integer values while a URL's pattern is built: ten digits, within MAX_ID.
_STAND_IN = 2_147_400_000
# Kept per application (``app.extensions``): (endpoint, names of its integer values, script
# root) -> the URL with "{0}", "{1}"… for them; (file name, script root) -> a static file's
# URL (its fingerprinted name is fixed for the application's life).
_KEY = "tracker.template_urls"
MAX_PATTERNS = 2048


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


def template_url_for(endpoint: str, **values: Any) -> str:
    """Flask's ``url_for`` for templates, each route's URL built once per process.

    A row of a list links to its assignment, its actions and its submit form: ``url_for``
    matches the route's rule and converters anew for each (about 15 µs). Here a URL whose
    values are all ids (non-negative integers up to MAX_ID) is built once per endpoint and set
    of names with stand-ins, and later ones are that pattern with the ids put in; a static
    file's URL is kept by name. Anything else (strings, relative endpoints, ``_external``…)
    and any call outside a request goes to ``url_for`` itself.
    """
    req_ctx = _cv_request.get(None)
    if req_ctx is None or endpoint[:1] == ".":
        return url_for(endpoint, **values)
    root = req_ctx.request.script_root
    stores = req_ctx.app.extensions.get(_KEY)
    if stores is None:
        stores = req_ctx.app.extensions[_KEY] = ({}, {})
    patterns, static = stores
    if endpoint == "static" and len(values) == 1 and type(values.get("filename")) is str:
        key = (values["filename"], root)
        url = static.get(key)
        if url is None:
            url = url_for(endpoint, **values)
            if len(static) < MAX_PATTERNS:
                static[key] = url
        return url
    names = tuple(sorted(values))
    for name in names:
        value = values[name]
        if type(value) is not int or not 0 <= value <= MAX_ID or name[:1] == "_":
            return url_for(endpoint, **values)
    pattern_key = (endpoint, names, root)
    pattern = patterns.get(pattern_key, "")
    if pattern == "":
        pattern = _pattern(endpoint, names)
        if len(patterns) < MAX_PATTERNS:
            patterns[pattern_key] = pattern
    if pattern is None:
        return url_for(endpoint, **values)
    return pattern.format(*[values[name] for name in names])


def _pattern(endpoint: str, names: tuple[str, ...]) -> str | None:
    """The URL of ``endpoint`` with ``{i}`` where the ``i``-th name's value goes, or None when
    a stand-in does not come out as written (a converter or default that changes it)."""
    stand_ins = [str(_STAND_IN + i) for i in range(len(names))]
    url = url_for(endpoint, **{name: _STAND_IN + i for i, name in enumerate(names)})
    url = url.replace("{", "{{").replace("}", "}}")
    for i, stand_in in enumerate(stand_ins):
        if url.count(stand_in) != 1:
            return None
        url = url.replace(stand_in, "{" + str(i) + "}")
    return url
