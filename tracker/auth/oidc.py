"""Đăng nhập bằng tài khoản một cửa: the authorization code flow with an OpenID provider.

/login/oidc sends the browser to the provider (state, nonce and a PKCE S256 challenge kept in
the session by Authlib); /login/oidc/callback checks the state, exchanges the code, checks the
ID token (tracker/auth/sso.py) and logs the matching active account in as the password form
does (tracker/auth/sessions.py ``log_in``). Every refusal goes back to /login with a Vietnamese
message and counts as a failed login of the client's address (tracker/auth/limits.py).
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.auth import limits, sso
from tracker.auth.sessions import log_in
from tracker.core.db import database
from tracker.core.security import client_address
from tracker.models.audit import record_security
from tracker.web.urls import safe_next

logger = logging.getLogger(__name__)

bp = Blueprint("oidc", __name__)


def _refuse(message: str, event: str, **details: object):
    """Back to /login with ``message``; audited, and counted against the client's address."""
    details["address"] = client_address()
    record_security(event, None, **details)
    with database.atomic():
        limits.record_failure("#oidc")
    flash(message, "error")
    return redirect(url_for("auth.login"))


def _unavailable():
    logger.warning("OpenID provider unreachable", exc_info=True)
    return _refuse(
        _("Không kết nối được với hệ thống một cửa. Vui lòng thử lại sau ít phút."),
        "login.oidc_unavailable",
    )


@bp.route("/login/oidc")
def start():
    """Send the browser to the provider's login page (GET: a link on the login page)."""
    if not sso.enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    import requests  # with Authlib, loaded only where single sign-on is used (sso.client)

    session[sso.NEXT_KEY] = safe_next(request.args.get("next")) or ""
    try:
        return sso.client().authorize_redirect(sso.external_url("oidc.callback"))
    except (requests.RequestException, ValueError):
        return _unavailable()


@bp.route("/login/oidc/callback")
def callback():
    """Where the provider sends the browser back: check everything, then log in."""
    if not sso.enabled():
        abort(404)
    wait = limits.address_retry_after()
    if wait:
        record_security("login.blocked", None, address=client_address())
        flash(
            _(
                "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.",
                minutes=limits.minutes(wait),
            ),
            "error",
        )
        return redirect(url_for("auth.login"))
    import requests
    from authlib.integrations.flask_client import OAuthError
    from joserfc.errors import JoseError

    client = sso.client()
    try:
        token = client.authorize_access_token(
            claims_options=sso.id_token_options(), leeway=sso.LEEWAY
        )
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise OAuthError(description="no ID token")
        if sso.needs_userinfo(claims):
            extra = client.userinfo(token=token)
            if extra.get("sub") == claims["sub"]:
                claims = {**extra, **claims}
    except (OAuthError, JoseError) as exc:
        logger.warning("OpenID login refused: %s", exc)
        return _refuse(
            _(
                "Không xác thực được lượt đăng nhập từ hệ thống một cửa "
                "(phiên đăng nhập đã hết hạn hoặc thông tin không hợp lệ). Vui lòng thử lại."
            ),
            "login.oidc_invalid",
            reason=type(exc).__name__,
        )
    except (requests.RequestException, ValueError):
        return _unavailable()
    return _log_in(claims)


def _log_in(claims: dict):
    """Log in the account ``claims`` name, or refuse: no identity, unknown, or locked."""
    try:
        person = sso.identity(claims)
    except sso.IdentityError:
        return _refuse(
            _(
                "Hệ thống một cửa không cung cấp tên đăng nhập hoặc thư điện tử đã xác minh "
                "của bạn. Vui lòng liên hệ quản trị viên."
            ),
            "login.oidc_no_identity",
            subject=str(claims.get("sub", ""))[:200],
        )
    user = sso.find_account(person)
    if user is None and current_app.config["OIDC_CREATE_USERS"]:
        user = sso.create_account(person)
    if user is None:
        return _refuse(
            _(
                "Tài khoản một cửa “%(name)s” chưa được cấp quyền sử dụng phần mềm Giao việc. "
                "Vui lòng liên hệ quản trị viên.",
                name=person.key,
            ),
            "login.oidc_unknown",
            username=person.key[:200],
        )
    if not user.active:
        return _refuse(
            _("Tài khoản của bạn đã bị khóa. Vui lòng liên hệ quản trị viên."),
            "login.oidc_inactive",
            username=user.username,
        )
    target = session.get(sso.NEXT_KEY) or ""
    log_in(user, remember=False, method="oidc", forget=user.username, device=None)
    session[sso.SESSION_KEY] = sso.SESSION_VALUE
    response = redirect(safe_next(target) or url_for("home.index"))
    limits.set_device_cookie(response, user.username)
    return response
