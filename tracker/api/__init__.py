"""The JSON API under ``/api/v1``: bearer tokens, the pages' permissions, JSON errors only.

Every error under ``/api/`` is ``{"error": {"code", "message", "fields"}}``: those the views
raise (``ApiError``), those Flask raises inside them (handled per status code, so they win over
the application's HTML error pages) and routing's own 404 and 405, which never reach a view
and are answered before the request is dispatched.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from tracker.api.tokens import user_for_request
from tracker.api.validation import ApiError
from tracker.core.extensions import csrf, login_manager
from tracker.core.i18n import N_
from tracker.models import User
from tracker.web.security_errors import audit_denied

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Token authentication only, so no cross-site request can act for a logged-in browser.
csrf.exempt(bp)

MAX_BODY = 1024 * 1024
PUBLIC = {"api.openapi"}

HTTP_ERRORS = {
    400: ("bad_request", N_("Yêu cầu không hợp lệ.")),
    401: ("unauthorized", N_("Cần mã truy cập API hợp lệ (Authorization: Bearer …).")),
    403: ("forbidden", N_("Bạn không có quyền thực hiện thao tác này.")),
    404: ("not_found", N_("Không tìm thấy dữ liệu yêu cầu.")),
    405: ("method_not_allowed", N_("Phương thức không được hỗ trợ.")),
    413: ("payload_too_large", N_("Dữ liệu gửi lên quá lớn.")),
    415: ("unsupported_media_type", N_("Nội dung phải là JSON (Content-Type: application/json).")),
    500: ("internal_error", N_("Lỗi hệ thống, vui lòng thử lại sau.")),
}


def error_response(error: ApiError):
    body = {"error": {"code": error.code, "message": error.message, "fields": error.fields}}
    response = jsonify(body)
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def http_error(status: int, allowed: list[str] | None = None):
    code, message = HTTP_ERRORS[status]
    response = error_response(ApiError(status, code, _(message)))
    if allowed:
        response.headers["Allow"] = ", ".join(sorted(allowed))
    return response


def api_user() -> User:
    """The user the request's token belongs to (set before every view but the public ones)."""
    return g.api_user


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    if error.status == 403:
        audit_denied()  # the API's refusals are audited as the pages' are
    return error_response(error)


def _handle(error: HTTPException):
    status = error.code if error.code in HTTP_ERRORS else 400
    allowed = error.valid_methods if isinstance(error, MethodNotAllowed) else None
    return http_error(status, allowed)


# Per status code: the application's own handlers are registered per code too, and Flask
# looks at the code before the class, blueprint before application.
for _code in HTTP_ERRORS:
    bp.register_error_handler(_code, _handle)


@bp.before_app_request
def _routing_errors():
    """An unknown path or method under /api/ answers JSON, not the HTML error page."""
    failed = request.routing_exception
    if failed is not None and (request.path == "/api" or request.path.startswith("/api/")):
        if isinstance(failed, HTTPException) and failed.code in (404, 405):
            return _handle(failed)
    return None


@bp.before_request
def _authenticate():
    request.max_content_length = MAX_BODY
    # Flask-Login's user for this request is the token's (or nobody), never the session's:
    # whatever reads ``current_user`` (the language, logging) sees who the API acts for.
    g._login_user = login_manager.anonymous_user()
    g.api_user = None
    if request.endpoint in PUBLIC:
        return None
    user = user_for_request()
    if user is None:
        return http_error(401)
    g.api_user = g._login_user = user
    return None


@bp.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


from tracker.api import openapi, reads, writes  # noqa: E402,F401  (routes register on bp)
