"""Security settings and the headers every response carries.

Settings (environment, read by ``tracker.config.Config``):

- ``TRACKER_HTTPS=1`` (or a ``TRACKER_BASE_URL`` starting with https): the site is served over
  HTTPS, so cookies are ``Secure`` and responses carry HSTS.
- ``TRACKER_PROXY_FIX=1``: the app runs behind one reverse proxy that sets ``X-Forwarded-For``
  and ``X-Forwarded-Proto``; the client's address (login limits, audit) is then taken from
  them. Never set it without a proxy: clients could then choose their own address.
- ``TRACKER_LOGIN_MAX_FAILURES`` (5), ``TRACKER_LOGIN_MAX_FAILURES_PER_ADDRESS`` (20),
  ``TRACKER_LOGIN_WINDOW_MINUTES`` (15): failed logins allowed per account and per address
  within the sliding window before logins are refused with 429.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from flask import Flask, Response, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.core.settings import parse_positive_int

# No inline script or style anywhere: templates keep JS in static/js and CSS in static/css;
# htmx runs with allowEval off (base.html's htmx-config).
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
HSTS = "max-age=31536000; includeSubDomains"


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def security_settings(env: Mapping[str, str], base_url: str) -> dict[str, object]:
    """The settings above, read strictly: a bad number stops start-up."""
    get = env.get
    https = _flag(env, "TRACKER_HTTPS") or base_url.lower().startswith("https://")
    return {
        "HTTPS": https,
        "PROXY_FIX": _flag(env, "TRACKER_PROXY_FIX"),
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "LOGIN_MAX_FAILURES": parse_positive_int(
            "TRACKER_LOGIN_MAX_FAILURES", get("TRACKER_LOGIN_MAX_FAILURES", "5")
        ),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": parse_positive_int(
            "TRACKER_LOGIN_MAX_FAILURES_PER_ADDRESS",
            get("TRACKER_LOGIN_MAX_FAILURES_PER_ADDRESS", "20"),
        ),
        "LOGIN_WINDOW_MINUTES": parse_positive_int(
            "TRACKER_LOGIN_WINDOW_MINUTES", get("TRACKER_LOGIN_WINDOW_MINUTES", "15")
        ),
    }


def client_address() -> str:
    """The client's address; behind a reverse proxy only with TRACKER_PROXY_FIX=1.

    Here, beside the proxy setting it depends on, so that the login limits and the audit of
    refusals (``tracker.web.security_errors``, below every feature) read it the same way.
    """
    return (request.remote_addr or "")[:64]


def _logged_in() -> bool:
    """Whether this request loaded a user (without loading one only to ask)."""
    user = g.get("_login_user")
    return bool(user is not None and getattr(user, "is_authenticated", False))


def set_headers(response: Response, https: bool) -> Response:
    """The security headers; a view's own (attachments: ``sandbox``) are kept."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if https:
        headers.setdefault("Strict-Transport-Security", HSTS)
    # A shared office PC must not show the last user's pages from its cache.
    if _logged_in() and request.endpoint != "static":
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Trust the reverse proxy's forwarded headers when configured to."""
    if app.config.get("PROXY_FIX") and not isinstance(app.wsgi_app, ProxyFix):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
