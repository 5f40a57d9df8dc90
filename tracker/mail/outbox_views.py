"""Hộp thư đi (admins): every queued, sent and failed mail, its content, and retrying it.

The outbox also holds the webhooks' deliveries (channel ``webhook``): listed, filtered, shown
(their JSON body) and retried the same way.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from peewee import JOIN, fn

from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.core.i18n import N_
from tracker.mail import preview
from tracker.mail.sender import message_id as mail_message_id
from tracker.mail.sender import recipient_list
from tracker.mail.smtp import parse_smtp_url
from tracker.models import CHANNELS, MESSAGE_STATUSES, OUTBOX_KINDS, OutboxMessage, Unit, Webhook
from tracker.models.audit import record
from tracker.policy import require
from tracker.web.listing import Filter, list_page
from tracker.web.lookup import get_or_404
from tracker.web.rendering import form_error_status, render, wants_fragment
from tracker.webhooks.delivery import origin

bp = Blueprint("outbox", __name__, url_prefix="/outbox")

RETRYABLE = ("dead", "failed")

SORTS = {
    "created": [OutboxMessage.created_at, OutboxMessage.id],
    "subject": [OutboxMessage.subject, OutboxMessage.id],
    "status": [OutboxMessage.status, OutboxMessage.id],
    "attempts": [OutboxMessage.attempts, OutboxMessage.id],
    "next": [OutboxMessage.next_attempt_at, OutboxMessage.id],
}

FILTERS = [
    Filter(
        "status",
        N_("Trạng thái"),
        N_("Mọi trạng thái"),
        MESSAGE_STATUSES,
        lambda v: OutboxMessage.status == v,
    ),
    Filter(
        "kind", N_("Loại thư"), N_("Mọi loại thư"), OUTBOX_KINDS, lambda v: OutboxMessage.kind == v
    ),
    Filter(
        "channel", N_("Kênh gửi"), N_("Mọi kênh"), CHANNELS, lambda v: OutboxMessage.channel == v
    ),
]

# The list leaves the (possibly long) bodies in the database.
LIST_COLUMNS = [
    OutboxMessage.id,
    OutboxMessage.kind,
    OutboxMessage.channel,
    OutboxMessage.webhook,
    OutboxMessage.unit,
    OutboxMessage.recipients,
    OutboxMessage.missing_recipients,
    OutboxMessage.subject,
    OutboxMessage.status,
    OutboxMessage.attempts,
    OutboxMessage.next_attempt_at,
    OutboxMessage.last_error,
    OutboxMessage.created_at,
    OutboxMessage.sent_at,
]


def status_counts() -> dict[str, int]:
    """How many messages are in each status (every status present, zeros included)."""
    counts = dict.fromkeys(MESSAGE_STATUSES, 0)
    rows = (
        OutboxMessage.select(OutboxMessage.status, fn.COUNT(OutboxMessage.id))
        .group_by(OutboxMessage.status)
        .tuples()
    )
    counts.update(dict(rows))
    return counts


def _smtp_description() -> str | None:
    """The configured server (never its password), or None when mail is not delivered."""
    settings = parse_smtp_url(current_app.config.get("SMTP_URL"))
    return settings.describe() if settings else None


@bp.route("")
@login_required
def index() -> Response:
    """The outbox: filter by status and kind, search subject and recipients, newest first."""
    require(current_user, "outbox.view")
    query = OutboxMessage.select(*LIST_COLUMNS, Unit.id, Unit.name).join(
        Unit, JOIN.LEFT_OUTER, on=(OutboxMessage.unit == Unit.id)
    )
    listing = list_page(
        query,
        sorts=SORTS,
        default_sort="-created",
        search=OutboxMessage,
        filters=FILTERS,
    )
    return render(
        "mail/outbox/index.html",
        block="results",
        listing=listing,
        counts=status_counts(),
        smtp=_smtp_description(),
        kinds=OUTBOX_KINDS,
        channels=CHANNELS,
        statuses=MESSAGE_STATUSES,
    )


def _pretty_json(text: str) -> str:
    """A webhook's body laid out for reading (the stored text is what is sent and signed)."""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    except ValueError:
        return text


def _show(
    message: OutboxMessage, status: int = 200, error: str | None = None, notice: str | None = None
) -> Response:
    mail_from = current_app.config["MAIL_FROM"]
    webhook = None
    if message.channel == "webhook" and message.webhook_id:
        webhook = Webhook.get_or_none(Webhook.id == message.webhook_id)
    return render(
        "mail/outbox/view.html",
        block="message",
        status=status,
        message=message,
        error=error,
        notice=notice,
        mail_from=mail_from,
        message_id=mail_message_id(message.key, mail_from),
        to=recipient_list(message),
        retryable=message.status in RETRYABLE,
        kinds=OUTBOX_KINDS,
        channels=CHANNELS,
        statuses=MESSAGE_STATUSES,
        sandbox=preview.SANDBOX,
        webhook=webhook,
        webhook_origin=origin(webhook.url) if webhook else "",
        json_body=_pretty_json(message.body_text) if message.channel == "webhook" else "",
    )


@bp.route("/<int:message_id>")
@login_required
def view(message_id: int) -> Response:
    """One message: its headers, recipients (and those without an address), and its bodies."""
    require(current_user, "outbox.view")
    return _show(get_or_404(OutboxMessage, message_id))


@bp.route("/<int:message_id>/html")
@login_required
def html(message_id: int) -> Response:
    """A message's HTML alone, as its mail client shows it: the frame of its page."""
    require(current_user, "outbox.view")
    message = get_or_404(OutboxMessage, message_id)
    if not message.body_html:
        abort(404)
    return preview.document(message.body_html)


@bp.route("/<int:message_id>/retry", methods=["POST"])
@login_required
def retry(message_id: int) -> Response:
    """Queue a failed or dead message again, as if new: attempts reset, due now."""
    require(current_user, "outbox.retry")
    message = get_or_404(OutboxMessage, message_id)
    now = get_clock().now()
    with database.atomic():
        # Conditional, so a message that a sender just took or sent is left alone.
        changed = (
            OutboxMessage.update(
                status="queued",
                attempts=0,
                next_attempt_at=now,
                claimed_until=None,
                last_error="",
                updated_at=now,
            )
            .where(OutboxMessage.id == message.id, OutboxMessage.status.in_(RETRYABLE))
            .execute()
        )
        if changed:
            record(
                current_user,
                "retry",
                message,
                before={"status": message.status, "attempts": message.attempts},
                after={"status": "queued", "attempts": 0},
            )
    if not changed:
        error = _("Chỉ gửi lại được thư bị lỗi hoặc không gửi được.")
        return _show(message, status=form_error_status(), error=error)
    notice = _("Đã đưa thư vào hàng đợi để gửi lại.")
    if wants_fragment():
        return _show(OutboxMessage.get_by_id(message.id), notice=notice)
    flash(notice, "success")
    return redirect(url_for("outbox.view", message_id=message.id))
