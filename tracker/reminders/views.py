"""A unit's weekly digest on the web: its preview, and "send now" (idempotent per week).

The preview page shows the mail itself in a sandboxed frame (``preview_mail``, served with
its own CSP by tracker/mail/preview.py), so the mail looks as it will and the page keeps the
site's CSP.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.mail import preview as mail_preview
from tracker.models import MESSAGE_STATUSES, OutboxMessage, Unit
from tracker.models.audit import record
from tracker.policy import can, get_or_403
from tracker.reminders import digest
from tracker.reminders.common import fmt_date, link
from tracker.web.rendering import render, wants_fragment

bp = Blueprint("reminders", __name__)


def _page(unit: Unit, notice: str = "", category: str = "info") -> Response:
    """The preview page (htmx: only its status block, with ``notice``)."""
    now = get_clock().now()
    window = digest.Window.at_instant(now)
    found = digest.for_unit(unit.id, now)
    key = found[0].key if found else f"{digest.KIND}:unit:{unit.id}:{window.week}"
    context: dict[str, Any] = {
        "unit": unit,
        "window": window,
        "digest": found[0] if found else None,
        "mail": found[1] if found else None,
        "queued": OutboxMessage.get_or_none(OutboxMessage.key == key),
        "can_send": can(current_user, "digest.send"),
        "notice": notice,
        "notice_category": category,
        **digest.template_context(),
        "base_url": "",  # the page links within the site
        "link": link,
        "fmt": fmt_date,
        "statuses": MESSAGE_STATUSES,
        "sandbox": mail_preview.SANDBOX,
    }
    return render("reminders/digest.html", block="digest_status", **context)


@bp.route("/units/<int:unit_id>/digest")
@login_required
def preview(unit_id: int) -> Response:
    """This week's digest of a unit, as it would be mailed (who may see the unit's work)."""
    unit = get_or_403(current_user, "unit.view", Unit, unit_id)
    return _page(unit)


@bp.route("/units/<int:unit_id>/digest/mail")
@login_required
def preview_mail(unit_id: int) -> Response:
    """This week's digest of a unit, the mail's HTML alone: the frame of the preview page."""
    unit = get_or_403(current_user, "unit.view", Unit, unit_id)
    found = digest.for_unit(unit.id, get_clock().now())
    if found is None:
        abort(404)
    return mail_preview.document(found[1].body_html)


@bp.route("/units/<int:unit_id>/digest/send", methods=["POST"])
@login_required
def send(unit_id: int) -> Response:
    """Queue this week's digest of a unit now; a second press finds it already queued."""
    unit = get_or_403(current_user, "digest.send", Unit, unit_id)
    now = get_clock().now()
    with database.atomic():
        found = digest.for_unit(unit.id, now)
        message = found[1].queue() if found else None
        if message is not None:
            record(
                current_user._get_current_object(),
                "digest_send",
                unit,
                after={"key": message.key, "subject": message.subject},
            )
    if found is None:
        notice, category = gettext("Tuần này đơn vị không có nội dung cần tổng hợp."), "warning"
    elif message is None:
        notice = gettext("Bản tổng hợp tuần này của đơn vị đã được xếp vào hàng đợi gửi trước đó.")
        category = "info"
    else:
        notice, category = gettext("Đã xếp bản tổng hợp tuần vào hàng đợi gửi."), "success"
    if wants_fragment():
        return _page(unit, notice, category)
    flash(notice, category)
    return redirect(url_for("reminders.preview", unit_id=unit.id))
