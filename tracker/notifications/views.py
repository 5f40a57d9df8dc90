"""Thông báo: the bell in the navigation and one's own list of notifications.

The bell is loaded by htmx after the page (so no page pays for it) and asks again every
``NOTIFICATION_POLL_SECONDS`` and whenever a response announces ``notify`` (every successful
htmx POST does: an action may have left or read notifications). Its count is one COUNT on the
index (recipient, read_at, created_at). A notification is read by opening it (a POST that marks
it read and then leads to its assignment, whose page asks the policy) or by marking it read,
both POSTs to /notifications; another user's notification does not exist for one (404).
"""

from __future__ import annotations

import json
from math import ceil

import flask_htmx
from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core.clock import get_clock
from tracker.core.db import write_transaction
from tracker.core.extensions import htmx
from tracker.core.params import parse_id
from tracker.models import MAIL_KINDS, Notification
from tracker.models.audit import record
from tracker.policy import get_visible_or_404
from tracker.web.pagination import Page, page_number
from tracker.web.rendering import render, wants_fragment

# No prefix: the bell's URL is short, as every page carries it (the 15 KB page budget).
bp = Blueprint("notifications", __name__)

EVENT = "notify"


def bell_label(unread: int) -> str:
    """What a screen reader says of the bell."""
    if unread:
        return _("Thông báo (%(n)s chưa đọc)", n=unread)
    return _("Thông báo")


@bp.route("/bell")
def bell() -> Response:
    """The bell's link and count, alone. Without a login: 286, which stops htmx polling and
    empties the bell (never a redirect to the login page from a timer, which would carry the
    user away from a half-filled form)."""
    if not current_user.is_authenticated:
        return Response("", 286)
    unread = Notification.unread_count(current_user)
    response = render(
        "notifications/bell.html", block="bell", unread=unread, label=bell_label(unread)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


class ListPage(Page):
    """A page of the list whose pager leads to the list, also when a POST (mark read)
    answers with it."""

    def url(self, page: int) -> str:
        return url_for("notifications.index", page=page)


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def index() -> Response:
    """One's notifications, newest first, the unread ones highlighted; a POST acts on them
    (one form for the whole list, so the page carries one CSRF token, not one per row):
    ``open`` (an id) marks it read and leads to its assignment, ``read`` (an id) marks it read,
    ``all`` marks every one read."""
    if request.method == "POST":
        return _act()
    return _list()


def _list() -> Response:
    user = current_user._get_current_object()
    per_page = current_app.config["PAGE_SIZE"]
    total = Notification.count_of(user)
    number = min(page_number(), max(1, ceil(total / per_page)))
    items = Notification.page_of(user, per_page, (number - 1) * per_page) if total else []
    page = ListPage(items=items, page=number, per_page=per_page, total=total)
    return render(
        "notifications/index.html",
        block="list",
        page=page,
        unread=Notification.unread_count(current_user),
        kinds=MAIL_KINDS,
    )


def _own(raw: str) -> Notification:
    """One of the current user's notifications, or 404 (another's does not exist here)."""
    try:
        notification_id = parse_id(raw)
    except ValueError:
        abort(404)
    return get_visible_or_404(current_user, Notification, notification_id)


def _act() -> Response:
    form = request.form
    if form.get("open"):
        notification = _own(form["open"])
        _mark_read(notification)
        return _open(notification)
    if form.get("read"):
        _mark_read(_own(form["read"]))
    elif form.get("all"):
        _mark_read(None)
    else:
        abort(400)
    if wants_fragment():
        return flask_htmx.make_response(_list(), trigger={EVENT: True})
    return redirect(url_for("notifications.index", page=request.args.get("page", type=int)))


def _mark_read(notification: Notification | None) -> None:
    """Mark ``notification`` (None: every one of one's own) read, with its audit event when
    anything changed (every change is one)."""
    with write_transaction():
        count = Notification.mark_read(
            current_user, get_clock().now(), notification.id if notification else None
        )
        if count:
            record(
                current_user,
                "notification_read",
                notification or current_user,
                after={"read": count},
            )


def _open(notification: Notification) -> Response:
    """What the notification is about: its assignment (whose page asks the policy, as for
    any link), or one's home page; htmx is told to load it as a whole page."""
    if notification.assignment_id:
        target = url_for("assignments.view", assignment_id=notification.assignment_id)
    else:
        target = url_for("home.index")
    if htmx:
        return flask_htmx.make_response(redirect=target)
    return redirect(target)


def _events(header: str) -> dict[str, object]:
    """The events an ``HX-Trigger`` header already names, so announcing one more keeps them."""
    if header.lstrip().startswith("{"):
        return json.loads(header)
    return {name.strip(): True for name in header.split(",") if name.strip()}


@bp.after_app_request
def _announce(response: Response) -> Response:
    """After a successful htmx POST of a signed-in user, tell the bell to ask again."""
    if (
        request.method == "POST"
        and htmx
        and response.status_code < 300
        and current_user.is_authenticated
    ):
        events = _events(response.headers.get("HX-Trigger", ""))
        events.setdefault(EVENT, True)
        response = flask_htmx.make_response(response, trigger=events)
    return response
