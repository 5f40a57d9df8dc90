"""Urges ("Đôn đốc"): a leader or secretary presses a unit about one assignment.

The urge counts on the assignment, goes on its timeline and (``assignment_urged``, whose
receiver queues it) into the outbox as a mail to the unit, all in one transaction; the
scheduler's sender delivers it within the minute.

The same urge twice (same assignment, same text, within ``REPEAT_WINDOW``: a double click, or
a second leader who did not see the first) is refused, so the unit never gets two identical
mails and the count and timeline keep only the urges the unit received; the refusal says
when and by whom it was urged and how to urge again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import TextAreaField

from tracker.assignments import concurrency
from tracker.assignments.forms import attach_error
from tracker.assignments.queries import listing
from tracker.assignments.workflow import WorkflowError
from tracker.core.clock import get_clock
from tracker.core.db import write_transaction
from tracker.core.i18n import N_
from tracker.core.signals import assignment_urged
from tracker.models import Assignment, AuditEvent, User
from tracker.models.audit import record
from tracker.policy import can, get_or_403
from tracker.web.forms import BaseForm, max_len
from tracker.web.rendering import form_error_status, render, wants_fragment

bp = Blueprint("urges", __name__)

# The unit still has work to do: urging work that awaits confirmation, or is closed, is not.
URGEABLE = ("new", "in_progress", "returned")

MESSAGE_MAX = 1000

# A second urge of the same assignment with the same text within this time would only repeat
# the first mail.
REPEAT_WINDOW = timedelta(minutes=10)


class RepeatedUrge(WorkflowError):
    """The same urge was made moments ago (``previous``, its audit event); not made again."""

    def __init__(self, previous: AuditEvent) -> None:
        super().__init__(N_("Nhiệm vụ này vừa được đôn đốc với cùng nội dung."), "message")
        self.previous = previous

    def describe(self, viewer: User) -> str:
        """The refusal for ``viewer``, translated: when, by whom, and how to urge again."""
        tz = get_clock().tz
        at = self.previous.created_at
        values = {
            "time": at.astimezone(tz).strftime("%H:%M"),
            "until": (at + REPEAT_WINDOW).astimezone(tz).strftime("%H:%M"),
        }
        if self.previous.actor_id == viewer.id:
            return _(
                "Bạn đã đôn đốc nhiệm vụ này với cùng nội dung lúc %(time)s, thư đôn đốc đã "
                "được gửi cho đơn vị. Muốn đôn đốc thêm, vui lòng nhập nội dung khác hoặc đôn "
                "đốc lại từ %(until)s.",
                **values,
            )
        actor = self.previous.actor
        name = (actor.full_name or actor.username) if actor is not None else ""
        return _(
            "Đồng chí %(name)s đã đôn đốc nhiệm vụ này với cùng nội dung lúc %(time)s, thư đôn "
            "đốc đã được gửi cho đơn vị. Muốn đôn đốc thêm, vui lòng nhập nội dung khác hoặc "
            "đôn đốc lại từ %(until)s.",
            name=name,
            **values,
        )


def _same_text(a: str, b: str) -> bool:
    """Whether two urge texts say the same (spaces and letter case aside)."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _repeated(assignment: Assignment, message: str, now: datetime) -> AuditEvent | None:
    """The urge of ``assignment`` with the same text made within ``REPEAT_WINDOW``, if any."""
    recent = (
        AuditEvent.select()
        .where(
            AuditEvent.assignment == assignment.id,
            AuditEvent.action == "urge",
            AuditEvent.created_at > now - REPEAT_WINDOW,
        )
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    return next((event for event in recent if _same_text(event.message, message)), None)


class UrgeForm(BaseForm):
    """Đôn đốc, with an optional message to the unit."""

    message = TextAreaField(_l("Nội dung đôn đốc"), [max_len(MESSAGE_MAX)], id="urge-message")


def urge(assignment: Assignment, actor: User, message: str = "") -> None:
    """Count the urge, put it on the timeline and announce it (the unit's mail follows)."""
    message = (message or "").strip()
    if assignment.status not in URGEABLE:
        raise WorkflowError(N_("Không thể đôn đốc nhiệm vụ ở trạng thái hiện tại."))

    def not_repeated() -> None:
        # Asked after the UPDATE, which holds the assignment's row: a concurrent second urge
        # waits for the first to commit and then finds it here.
        previous = _repeated(assignment, message, get_clock().now())
        if previous is not None:
            raise RepeatedUrge(previous)  # rolls the count back: nothing changed

    with write_transaction():
        concurrency.guarded_update(
            assignment,
            {"urge_count": Assignment.urge_count + 1},
            Assignment.status.in_(URGEABLE),
            N_("Không thể đôn đốc nhiệm vụ ở trạng thái hiện tại."),
            check=not_repeated,
        )
        assignment.urge_count += 1
        event = record(actor, "urge", assignment, message=message)
        # The event's id is in the mail's key: each urge mails once, however many there are.
        assignment_urged.send(assignment, actor=actor, message=message, event_id=event.id)


def urge_form() -> UrgeForm:
    return UrgeForm(formdata=None)


@bp.app_template_global("urge_panel")
def urge_panel(a: Assignment) -> UrgeForm | None:
    """The urge form for the assignment page, if its viewer may urge this work now."""
    if can(current_user, "assignment.urge", a) and a.status in URGEABLE:
        return urge_form()
    return None


def _page(a: Assignment, form: UrgeForm | None, saved: str = "", status: int = 200) -> Response:
    return render(
        "followup/leader_actions/urge.html",
        block="urge_panel",
        status=status,
        a=a,
        urge_form=form,
        urge_saved=saved,
    )


@bp.route("/assignments/<int:assignment_id>/urge", methods=["POST"])
@login_required
def create(assignment_id: int) -> Response:
    """Press the unit about this assignment (đôn đốc)."""
    a = get_or_403(current_user, "assignment.urge", listing, assignment_id)
    form = UrgeForm()
    if form.validate():
        try:
            urge(concurrency.expect_from_request(a), current_user, form.message.data)
        except RepeatedUrge as exc:
            form.message.errors = [*form.message.errors, exc.describe(current_user)]
        except WorkflowError as exc:
            attach_error(form, exc)
        else:
            message = _("Đã đôn đốc đơn vị.")
            if wants_fragment():
                return _page(a, urge_panel(a), saved=message)
            flash(message, "success")
            return redirect(url_for("assignments.view", assignment_id=a.id))
    return _page(a, form, status=form_error_status())
