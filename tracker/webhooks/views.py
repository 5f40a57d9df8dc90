"""Webhook (admins): the list, adding and editing one, its test, pausing and deleting it."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from peewee import JOIN

from tracker.admin.common import confirm_page, confirmed, finish
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.models import (
    MESSAGE_STATUSES,
    OUTBOX_KINDS,
    WEBHOOK_EVENTS,
    WEBHOOK_SCOPES,
    OutboxMessage,
    Unit,
    User,
    Webhook,
)
from tracker.models.audit import record
from tracker.models.webhooks import new_secret
from tracker.policy import require
from tracker.web.lookup import get_or_404
from tracker.web.rendering import form_error_status, render
from tracker.webhooks.delivery import origin
from tracker.webhooks.events import queue_test
from tracker.webhooks.forms import WebhookForm, apply, webhook_form
from tracker.webhooks.sending import send_now

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")

RECENT = 10


def _state(hook: Webhook) -> dict[str, object]:
    """What the audit trail keeps of a webhook (never its secret nor its address's path)."""
    return {
        "name": hook.name,
        "url": origin(hook.url),
        "scope": hook.scope,
        "unit": hook.unit_id if hook.scope == "unit" else None,
        "user": hook.user_id if hook.scope == "user" else None,
        "events": hook.event_list,
        "active": hook.active,
    }


def _show_form(form: WebhookForm, hook: Webhook | None) -> Response:
    status = form_error_status() if form.is_submitted() else 200
    return render("webhooks/form.html", block="form", status=status, form=form, hook=hook)


@bp.route("")
@login_required
def webhooks() -> Response:
    """Every webhook with its scope, events and state."""
    require(current_user, "webhook.manage")
    hooks = list(
        Webhook.select(Webhook, Unit, User)
        .join(Unit, JOIN.LEFT_OUTER, on=(Webhook.unit == Unit.id))
        .switch(Webhook)
        .join(User, JOIN.LEFT_OUTER, on=(Webhook.user == User.id))
        .order_by(Webhook.name, Webhook.id)
    )
    return render(
        "webhooks/index.html",
        hooks=hooks,
        origin=origin,
        scopes=WEBHOOK_SCOPES,
        events=WEBHOOK_EVENTS,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def webhook_new() -> Response:
    """Add a webhook; its secret is generated and shown on its page."""
    require(current_user, "webhook.manage")
    form = webhook_form()
    if form.validate_on_submit():
        hook = Webhook(created_at=get_clock().now())
        apply(hook, form)
        with database.atomic():
            hook.save()
            record(current_user, "create", hook, after=_state(hook))
        flash(
            _("Đã thêm webhook %(name)s. Cấu hình khóa ký bên dưới cho nơi nhận.", name=hook.name),
            "success",
        )
        return redirect(url_for("webhooks.webhook_view", webhook_id=hook.id))
    return _show_form(form, None)


@bp.route("/<int:webhook_id>")
@login_required
def webhook_view(webhook_id: int) -> Response:
    """One webhook: its address, secret, scope, events and latest deliveries."""
    require(current_user, "webhook.manage")
    hook = get_or_404(Webhook, webhook_id)
    recent = list(
        OutboxMessage.select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.subject,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.last_error,
            OutboxMessage.created_at,
        )
        .where(OutboxMessage.webhook == hook.id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(RECENT)
    )
    return render(
        "webhooks/view.html",
        hook=hook,
        recent=recent,
        scopes=WEBHOOK_SCOPES,
        events=WEBHOOK_EVENTS,
        kinds=OUTBOX_KINDS,
        statuses=MESSAGE_STATUSES,
    )


@bp.route("/<int:webhook_id>/edit", methods=["GET", "POST"])
@login_required
def webhook_edit(webhook_id: int) -> Response:
    """Change a webhook's name, address, scope, events or state (its secret stays)."""
    require(current_user, "webhook.manage")
    hook = get_or_404(Webhook, webhook_id)
    form = webhook_form(hook)
    if form.validate_on_submit():
        old, old_url = _state(hook), hook.url
        apply(hook, form)
        new = _state(hook)
        with database.atomic():
            hook.save()
            before = {k: v for k, v in old.items() if new[k] != v}
            after = {k: v for k, v in new.items() if old[k] != v}
            # A new path on the same host is a change too, recorded without the path itself.
            note = "url path changed" if hook.url != old_url and "url" not in after else ""
            if after or note:
                record(current_user, "update", hook, before=before, after=after, message=note)
        return finish(
            url_for("webhooks.webhook_view", webhook_id=hook.id),
            _("Đã lưu webhook %(name)s.", name=hook.name),
        )
    return _show_form(form, hook)


@bp.route("/<int:webhook_id>/test", methods=["POST"])
@login_required
def webhook_test(webhook_id: int) -> Response:
    """Gửi thử: queue a test event and try it at once; the outcome is said on the page (and
    the delivery stays in the outbox, retried like any other if it failed)."""
    require(current_user, "webhook.manage")
    hook = get_or_404(Webhook, webhook_id)
    with database.atomic():
        message = queue_test(hook, current_user)
        record(current_user, "test", hook, after={"outbox_message": message.id})
    message = send_now(current_app._get_current_object(), message)
    back = url_for("webhooks.webhook_view", webhook_id=hook.id)
    if message.status == "sent":
        flash(_("Đã gửi thử thành công: nơi nhận đã trả lời chấp nhận."), "success")
    else:
        flash(_("Gửi thử không thành công: %(error)s", error=message.last_error), "error")
    return redirect(back)


@bp.route("/<int:webhook_id>/deactivate", methods=["GET", "POST"])
@login_required
def webhook_deactivate(webhook_id: int) -> Response:
    """Ask, then stop sending events to a webhook (those queued are not sent either)."""
    require(current_user, "webhook.manage")
    hook = get_or_404(Webhook, webhook_id)
    back = url_for("webhooks.webhook_view", webhook_id=hook.id)
    if request.method == "POST" and confirmed():
        _set_active(hook, False)
        return finish(back, _("Đã ngừng gửi sự kiện đến webhook %(name)s.", name=hook.name))
    return confirm_page(
        title=_("Ngừng hoạt động webhook"),
        question=_("Ngừng gửi sự kiện đến webhook «%(name)s»?", name=hook.name),
        details=[_("Các sự kiện đang chờ gửi cũng không được gửi. Có thể kích hoạt lại sau.")],
        action=url_for("webhooks.webhook_deactivate", webhook_id=hook.id),
        button=_("Ngừng hoạt động"),
        cancel=back,
        danger=True,
    )


@bp.route("/<int:webhook_id>/reactivate", methods=["POST"])
@login_required
def webhook_reactivate(webhook_id: int) -> Response:
    """Send events to a paused webhook again (from the next event on)."""
    require(current_user, "webhook.manage")
    hook = get_or_404(Webhook, webhook_id)
    _set_active(hook, True)
    return finish(
        url_for("webhooks.webhook_view", webhook_id=hook.id),
        _("Đã kích hoạt lại webhook %(name)s.", name=hook.name),
    )


def _set_active(hook: Webhook, active: bool) -> None:
    with database.atomic():
        Webhook.update(active=active).where(Webhook.id == hook.id).execute()
        record(
            current_user,
            "reactivate" if active else "deactivate",
            hook,
            before={"active": hook.active},
            after={"active": active},
        )


@bp.route("/<int:webhook_id>/secret", methods=["GET", "POST"])
@login_required
def webhook_secret(webhook_id: int) -> Response:
    """Ask, then give a webhook a new signing secret (the old one stops working at once)."""
    require(current_user, "webhook.manage")
    hook = get_or_404(Webhook, webhook_id)
    back = url_for("webhooks.webhook_view", webhook_id=hook.id)
    if request.method == "POST" and confirmed():
        with database.atomic():
            Webhook.update(secret=new_secret()).where(Webhook.id == hook.id).execute()
            record(current_user, "update", hook, message="signing secret renewed")
        return finish(
            back,
            _(
                "Đã tạo khóa ký mới cho webhook %(name)s: cập nhật khóa này ở nơi nhận.",
                name=hook.name,
            ),
        )
    return confirm_page(
        title=_("Tạo khóa ký mới"),
        question=_("Tạo khóa ký mới cho webhook «%(name)s»?", name=hook.name),
        details=[
            _(
                "Khóa cũ hết hiệu lực ngay: nơi nhận sẽ từ chối các sự kiện cho đến khi được "
                "cập nhật khóa mới. Các sự kiện đang chờ gửi sẽ được ký bằng khóa mới."
            )
        ],
        action=url_for("webhooks.webhook_secret", webhook_id=hook.id),
        button=_("Tạo khóa mới"),
        cancel=back,
    )


@bp.route("/<int:webhook_id>/delete", methods=["GET", "POST"])
@login_required
def webhook_delete(webhook_id: int) -> Response:
    """Ask, then delete a webhook; its deliveries stay in the outbox as a record."""
    require(current_user, "webhook.manage")
    hook = get_or_404(Webhook, webhook_id)
    if request.method == "POST" and confirmed():
        with database.atomic():
            before = _state(hook)
            hook.delete_instance()
            record(current_user, "delete", hook, before=before)
        return finish(url_for("webhooks.webhooks"), _("Đã xóa webhook %(name)s.", name=hook.name))
    return confirm_page(
        title=_("Xóa webhook"),
        question=_("Xóa webhook «%(name)s»?", name=hook.name),
        details=[
            _(
                "Nơi nhận sẽ không nhận được sự kiện nào nữa; các lần gửi trước vẫn được giữ "
                "trong hộp thư đi."
            )
        ],
        action=url_for("webhooks.webhook_delete", webhook_id=hook.id),
        button=_("Xóa webhook"),
        cancel=url_for("webhooks.webhook_view", webhook_id=hook.id),
        danger=True,
    )
