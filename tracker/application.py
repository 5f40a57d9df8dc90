"""Wiring of the web side: blueprints, login loading, template helpers, error pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask, Response, current_app, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter

from tracker import admin, api, policy, reports
from tracker.assignments import attachment_views, inside_views
from tracker.assignments import views as assignments
from tracker.auth import oidc, profile, sessions
from tracker.auth import views as auth
from tracker.calendar import feeds as calendar_feeds
from tracker.calendar import views as calendar_views
from tracker.core import prepared, security, timeliness
from tracker.core.clock import get_clock
from tracker.core.extensions import htmx, login_manager
from tracker.core.params import MAX_ID, optional_id
from tracker.core.prepared import slot
from tracker.followup import extension_request_views as extension_views
from tracker.followup import leader_actions, queues, urges
from tracker.followup import submission_views as submissions
from tracker.mail import outbox_views
from tracker.meetings import views as meetings
from tracker.meetings.notice import views as notice_views
from tracker.models import (
    DEADLINE_KINDS,
    FIELDS,
    REPORT_CADENCES,
    ROLES,
    STATUSES,
    User,
)
from tracker.notifications import views as notifications
from tracker.ops import health as ops_health
from tracker.overview import dashboard, home, units
from tracker.reminders import views as reminder_views
from tracker.search import views as search
from tracker.tasks import cadence
from tracker.tasks import views as tasks
from tracker.web import security_errors
from tracker.web.pagination import url_with
from tracker.web.rendering import StripIndentation
from tracker.web.urls import template_url_for
from tracker.webhooks import views as webhooks

# Every feature's blueprint, registered by name (a new feature adds its blueprint here).
BLUEPRINTS = [
    auth.bp,
    oidc.bp,
    home.bp,
    meetings.bp,
    tasks.bp,
    assignments.bp,
    units.bp,
    admin.bp,
    dashboard.bp,
    outbox_views.bp,
    profile.bp,
    reminder_views.bp,
    attachment_views.bp,
    submissions.bp,
    inside_views.bp,
    extension_views.bp,
    urges.bp,
    leader_actions.bp,
    queues.bp,
    notice_views.bp,
    api.bp,
    reports.bp,
    search.bp,
    calendar_views.bp,
    calendar_feeds.bp,
    ops_health.bp,
    webhooks.bp,
    notifications.bp,
]


USER_BY_ID = "load_user"


def _user_by_id():
    return User.select().where(User.id == slot(0))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of a session or remember cookie holding ``id:version`` (``User.get_id``).

    None, so the request is anonymous, for an inactive user or an old version: logging out,
    changing the password or an admin's lock or reset raised the version and so ended every
    session and remember cookie issued before.
    """
    raw_id, _sep, raw_version = user_id.partition(":")
    try:
        row_id, version = optional_id(raw_id), optional_id(raw_version)
    except ValueError:
        row_id = version = None
    user = prepared.first(USER_BY_ID, _user_by_id, [row_id]) if row_id and version else None
    if user is None or not user.active or user.session_version != version:
        _forget(user_id)
        return None
    return user


# An ended session answers htmx with HX-Redirect to the login page, not a redirect it would
# follow and swap into the page (tracker/auth/sessions.py).
login_manager.unauthorized_handler(sessions.login_required_response)


def _forget(user_id: str) -> None:
    """Drop an ended login from the session, and have the browser drop its remember cookie."""
    if session.get("_user_id") == user_id:
        session.pop("_user_id", None)
        session.pop("_fresh", None)
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        session["_remember"] = "clear"


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: ASCII digits up to MAX_ID; anything larger is a 404.

    Without the bound, /tasks/99999999999999999999 reaches the database and fails there.
    """

    regex = r"[0-9]+"

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def _fmt_date(value: date | None) -> str:
    """dd/mm/yyyy (Babel's "dd/MM/yyyy", written directly: a list has one per row)."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


def _fmt_datetime(value: datetime | None) -> str:
    """HH:mm dd/mm/yyyy in the configured zone (a naive value is UTC, as for Flask-Babel)."""
    if not value:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(get_clock().tz)
    return f"{local.hour:02d}:{local.minute:02d} {_fmt_date(local)}"


def init_app(app: Flask) -> None:
    """Register blueprints, filters, globals and error handlers."""
    # Before any blueprint: each rule picks its converter when it is added to the map.
    app.url_map.converters["int"] = IdConverter
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)

    app.jinja_env.add_extension(StripIndentation)
    app.jinja_env.filters["d"] = _fmt_date
    app.jinja_env.filters["dt"] = _fmt_datetime
    app.jinja_env.globals.update(
        STATUSES=STATUSES,
        FIELDS=FIELDS,
        ROLES=ROLES,
        DEADLINE_KINDS=DEADLINE_KINDS,
        CATEGORIES=timeliness.CATEGORIES,
        can=policy.can,
        url_with=url_with,
        REPORT_CADENCES=REPORT_CADENCES,
        report_status=cadence.report_status,
        # Rows link to their assignment: each route's URL is built once (tracker/web/urls.py).
        url_for=template_url_for,
    )

    @app.context_processor
    def _user() -> dict[str, object]:
        # The user itself, not Flask-Login's proxy: a page reads ``user`` hundreds of times
        # (``can(user, …)`` per row), and each read through the proxy finds the request anew.
        return {"user": current_user._get_current_object()}

    @app.after_request
    def _headers(response: Response) -> Response:
        return security.set_headers(response, https=app.config["HTTPS"])

    def _error(code: int, message: str):
        return render_template("error.html", code=code, message=message), code

    @app.errorhandler(403)
    def _forbidden(_e):
        security_errors.audit_denied()
        return _error(403, _("Bạn không có quyền thực hiện thao tác này."))

    @app.errorhandler(404)
    def _not_found(_e):
        return _error(404, _("Không tìm thấy trang hoặc dữ liệu yêu cầu."))

    @app.errorhandler(405)
    def _not_allowed(_e):
        return _error(405, _("Phương thức không được hỗ trợ."))

    @app.errorhandler(413)
    def _too_large(_e):
        return _error(413, _("Dữ liệu gửi lên quá lớn."))

    security_errors.init_app(app)  # 500: an error id on the page, the trace in the log

    @app.errorhandler(CSRFError)
    def _csrf(e):
        security_errors.logger.warning("CSRF check failed: %s", e.description)
        if htmx and not current_user.is_authenticated:
            # The session ended with its token (its cookie is gone): the check runs before
            # any view asks for the login, and htmx would show nothing of a 400.
            return login_manager.unauthorized()
        return _error(
            400,
            _(
                "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                "Vui lòng tải lại trang và thử lại."
            ),
        )
