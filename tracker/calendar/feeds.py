"""iCalendar feeds: /calendar/feeds to create and revoke them, /calendar/feed/<token>.ics to read.

The feed address holds a random token; only its SHA-256 is stored, so the address is shown
once, at creation. A wrong or revoked token, or one whose owner was deactivated or may no
longer see the unit, answers 404 and nothing else.
"""

from __future__ import annotations

import os

from flask import Blueprint, current_app, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from peewee import JOIN
from werkzeug.wrappers import Response

from tracker.auth.sessions import current_account
from tracker.calendar.queries import deadlines, feed_window, ics_feed
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.core.params import optional_id
from tracker.models import CalendarFeed, Unit, User
from tracker.models.audit import record
from tracker.policy import can, get_visible_or_404, require
from tracker.web.lookup import get_or_404
from tracker.web.rendering import form_error_status, render

bp = Blueprint("calendar_feeds", __name__)


def feed_base_url() -> str:
    """TRACKER_BASE_URL when set, else this request's own scheme and host."""
    configured = os.environ.get("TRACKER_BASE_URL") and current_app.config.get("BASE_URL")
    return (configured or request.host_url).rstrip("/")


def _own_feeds(user: User) -> list[CalendarFeed]:
    return list(
        CalendarFeed.select(CalendarFeed, Unit)
        .join(Unit, join_type=JOIN.LEFT_OUTER)
        .where(CalendarFeed.user == user.id)
        .order_by(CalendarFeed.revoked_at.is_null(False), CalendarFeed.created_at.desc())
    )


def _units_for(user: User) -> list[Unit]:
    """The units a feed of ``user``'s may follow: every active one, or an officer's own."""
    if can(user, "work.view_all"):
        return list(Unit.active_ordered())
    if can(user, "unit.own_work"):
        return [user.unit]
    return []


def _page(user: User, status: int = 200, **context) -> Response:
    context.setdefault("error", "")
    context.setdefault("new_url", "")
    return render(
        "calendar/feeds.html",
        block="feeds",
        status=status,
        feeds=_own_feeds(user),
        units=_units_for(user),
        **context,
    )


@bp.route("/calendar/feeds")
@login_required
def index() -> Response:
    """The user's feeds, and the form that creates one."""
    return _page(current_account())


@bp.route("/calendar/feeds", methods=["POST"])
@login_required
def create() -> Response:
    """A new feed; its address is shown on this answer only."""
    user = current_account()
    unit = None
    if request.form.get("scope") == "unit":
        try:
            unit_id = optional_id(request.form.get("unit"))
        except ValueError:
            unit_id = None
        if unit_id is None:
            return _page(user, form_error_status(), error=_("Hãy chọn đơn vị."))
        require(user, "unit.view", unit_id)
        unit = get_or_404(Unit, unit_id)
    elif request.form.get("scope") != "user":
        return _page(user, form_error_status(), error=_("Hãy chọn lịch cần đồng bộ."))
    with database.atomic():
        feed, token = CalendarFeed.issue(user, unit, get_clock().now())
        record(user, "calendar_feed.create", feed, after={"unit": unit.id if unit else None})
    new_url = feed_base_url() + url_for("calendar_feeds.ics", token=token)
    response = _page(user, new_url=new_url, new_id=feed.id)
    response.headers["Cache-Control"] = "no-store"
    return response


def _owned_feed(feed_id: int) -> CalendarFeed:
    """One of the current user's feeds; another user's answers 404 (audited) as if none."""
    return get_visible_or_404(current_account(), CalendarFeed, feed_id, "calendar_feed.revoke")


@bp.route("/calendar/feeds/<int:feed_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(feed_id: int) -> Response:
    """GET asks before revoking (subscribed calendars stop updating); POST revokes one's own
    feed, whose address answers 404 from then on. One rule for both: two rules on one path
    answer 405 instead of 404 to an id out of range."""
    if request.method == "GET":
        return render("calendar/revoke.html", block="confirm", feed=_owned_feed(feed_id))
    user = current_account()
    feed = _owned_feed(feed_id)
    if feed.revoked_at is None:
        with database.atomic():
            now = get_clock().now()
            CalendarFeed.update(revoked_at=now).where(
                CalendarFeed.id == feed.id, CalendarFeed.revoked_at.is_null()
            ).execute()
            record(user, "calendar_feed.revoke", feed)
    return _page(user, revoked=True)


def _not_found() -> Response:
    response = make_response("Not Found\n", 404)
    response.mimetype = "text/plain"
    return response


@bp.route("/calendar/feed/<token>.ics")
def ics(token: str) -> Response:
    """The feed itself, for calendar applications (no login: the token is the secret)."""
    feed = CalendarFeed.by_token(token)
    if feed is None:
        return _not_found()
    owner = feed.user
    if feed.unit_id is not None and not can(owner, "unit.view", feed.unit_id):
        return _not_found()
    unit = Unit.get_by_id(feed.unit_id) if feed.unit_id else None
    start, end = feed_window(get_clock().today())
    items = deadlines(owner, feed.unit_id, start, end)
    name = (
        _("Hạn xử lý – %(unit)s", unit=unit.name)
        if unit
        else _("Hạn xử lý – %(name)s", name=owner.full_name)
    )
    base = feed_base_url()
    body = ics_feed(
        name,
        items,
        base,
        get_clock().now(),
        lambda aid: base + url_for("assignments.view", assignment_id=aid),
    )
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="giao-viec.ics"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response
