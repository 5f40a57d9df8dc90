"""Static files under fingerprinted names, cached for a year and sent compressed (WhiteNoise).

At start-up every file of static/ gets a name carrying a hash of its content
(``css/app.css`` → ``css/app.3f2a9c1b7d.css``), written once with its gzip (and, when the
``brotli`` package is installed, brotli) version into a build folder under the instance folder.
WhiteNoise serves exactly those names, with ``Cache-Control: public, max-age=31536000,
immutable``, ``Vary: Accept-Encoding`` and the compressed version the browser accepts, so a
page view costs no request for its assets once they are cached, and no revalidation either.

``url_for('static', filename='css/app.css')`` gives the fingerprinted URL (a URL default), so
templates link assets as before. A CSS ``url(...)`` pointing at another static file is rewritten
to that file's fingerprinted name (its hash is then part of the stylesheet's own hash).

A name with a hash that is not the current one (an old page during a deploy, a typo) is not
served under it: it reaches Flask's static route, which answers 404. The plain names
(``/static/css/app.css``) are still served by Flask, revalidated each time, for anything that
links them by hand.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import posixpath
import re
import tempfile
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise

from tracker.core.security import CSP, HSTS, PERMISSIONS_POLICY

IMMUTABLE = "public, max-age=31536000, immutable"
HASH_LENGTH = 10
COMPRESSED = {".css", ".js", ".svg", ".json", ".txt", ".html", ".xml", ".map"}
"""Suffixes worth compressing (images other than SVG and fonts are compressed already)."""
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
MANIFEST = "manifest.json"


def _hashed_name(name: str, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{name}.{digest}"


def _rewrite_css(name: str, text: str, manifest: dict[str, str]) -> str:
    """``text`` with each relative ``url(...)`` to a known static file made fingerprinted."""
    folder = posixpath.dirname(name)

    def replace(match: re.Match[str]) -> str:
        quote, target = match.group(1), match.group(2).strip()
        if re.match(r"^([a-z][a-z0-9+.-]*:|/|#)", target, re.IGNORECASE):
            return match.group(0)  # data:, http:, absolute and fragment URLs stay as they are
        path, _sep, rest = target.partition("?")
        path, hash_sep, fragment = path.partition("#")
        logical = posixpath.normpath(posixpath.join(folder, path))
        if logical not in manifest:
            return match.group(0)
        relative = posixpath.relpath(manifest[logical], folder or ".")
        tail = (f"?{rest}" if _sep else "") + (f"#{fragment}" if hash_sep else "")
        return f"url({quote}{relative}{tail}{quote})"

    return CSS_URL.sub(replace, text)


def _write(path: Path, content: bytes) -> None:
    """Write ``path`` unless it exists (names are content hashes), atomically."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    os.replace(tmp, path)


def _compressed(content: bytes) -> dict[str, bytes]:
    """The gzip (and brotli) versions of ``content`` that are worth sending."""
    found = {".gz": gzip.compress(content, compresslevel=9, mtime=0)}
    try:
        import brotli  # optional: served when installed
    except ImportError:
        pass
    else:
        found[".br"] = brotli.compress(content)
    return {suffix: data for suffix, data in found.items() if len(data) < len(content) * 0.95}


def build(source: Path, target: Path) -> dict[str, str]:
    """Fingerprint and compress every file of ``source`` into ``target``.

    Returns the manifest: logical name (``css/app.css``) → fingerprinted name. Files that are
    already there are kept (a name is its content), so several workers may build at once.
    """
    names = sorted(
        path.relative_to(source).as_posix()
        for path in source.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    )
    # Stylesheets last: their url(...) references need the other files' names first.
    names.sort(key=lambda name: name.endswith(".css"))
    manifest: dict[str, str] = {}
    for name in names:
        content = (source / name).read_bytes()
        if name.endswith(".css"):
            content = _rewrite_css(name, content.decode("utf-8"), manifest).encode("utf-8")
        hashed = _hashed_name(name, content)
        manifest[name] = hashed
        _write(target / hashed, content)
        if Path(name).suffix.lower() in COMPRESSED:
            for suffix, data in _compressed(content).items():
                _write(target / (hashed + suffix), data)
    _write_manifest(target, manifest)
    return manifest


def _write_manifest(target: Path, manifest: dict[str, str]) -> None:
    fd, tmp = tempfile.mkstemp(dir=target, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(manifest, out, indent=1, sort_keys=True)
    os.replace(tmp, target / MANIFEST)


def build_folder(app: Flask) -> Path:
    """Where the fingerprinted files go: ``static-build`` under the instance folder, else (when
    that cannot be written) a folder under the system's temporary folder."""
    configured = app.config.get("STATIC_BUILD_DIR")
    if configured:
        return Path(configured)
    folder = Path(app.instance_path) / "static-build"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError:
        folder = Path(tempfile.gettempdir()) / "tracker-static-build"
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def init_app(app: Flask) -> None:
    """Build the fingerprinted files, serve them with WhiteNoise, and make ``url_for('static',
    ...)`` give their names."""
    assert app.static_folder is not None
    target = build_folder(app)
    manifest = build(Path(app.static_folder), target)
    app.extensions["static_manifest"] = manifest
    prefix = (app.static_url_path or "/static").rstrip("/") + "/"
    security_headers = {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if app.config.get("HTTPS"):
        security_headers["Strict-Transport-Security"] = HSTS

    def add_headers(headers, _path: str, _url: str) -> None:
        headers["Cache-Control"] = IMMUTABLE
        for name, value in security_headers.items():
            headers[name] = value

    server = WhiteNoise(
        app.wsgi_app,
        allow_all_origins=False,
        add_headers_function=add_headers,
        immutable_file_test=lambda _path, _url: True,
    )
    for hashed in manifest.values():
        server.add_file_to_dictionary(prefix + hashed, str(target / hashed))
    app.wsgi_app = server  # type: ignore[method-assign]

    @app.url_defaults
    def fingerprinted(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest.get(values["filename"], values["filename"])
