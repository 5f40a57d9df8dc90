"""Mails of the work inside a unit, to people rather than to the unit: the handler given an
assignment, the unit head when a draft waits for approval, the handler whose draft was
returned, and the unit head when a handler's internal deadline passed without a report.

The first three are receivers of domain signals (``handlers_assigned``, ``draft_submitted``,
``draft_returned``), queued in the transaction of their change; the last is built by the daily
due-soon run (tracker/reminders/jobs.py). Keys hold the event or the deadline, so each mails
once.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext

from tracker.assignments.handlers import overdue_unreported, unit_leads
from tracker.assignments.queries import listing
from tracker.core.clock import get_clock
from tracker.core.i18n import N_
from tracker.mail.recipients import wants
from tracker.models import (
    Assignment,
    AssignmentHandler,
    OutboxMessage,
    ReportDraft,
    User,
)
from tracker.reminders import periods
from tracker.reminders.common import Mail, fmt_date, in_mail_locale, item, render_mail, subject


def _joined(assignment: Assignment | int) -> Assignment:
    """The assignment again, with its task, meeting and unit, in one query."""
    return listing().where(Assignment.id == getattr(assignment, "id", assignment)).get()


def _name(user: User | None) -> str:
    return (user.full_name or user.username) if user is not None else ""


def _mail(
    kind: str,
    key: str,
    a: Assignment,
    person: User,
    title: str,
    intro: str,
    *,
    fields: list[tuple[str, str]] | None = None,
    note_label: str = "",
    note: str = "",
    at: datetime | None = None,
) -> Mail:
    """The event mail about ``a`` (task, meeting and unit joined) to one ``person``."""
    full_title = subject(
        N_("%(what)s: %(task)s – %(unit)s"), what=title, task=a.task.title, unit=a.unit.name
    )
    text, html = render_mail(
        "event",
        subject=full_title,
        unit=a.unit,
        addressee=_name(person),
        title=title,
        intro=intro,
        fields=fields or [],
        note_label=note_label,
        note=note,
        it=item(a, at or get_clock().now()),
        action=gettext("Xem nhiệm vụ"),
    )
    return Mail.to_person(
        person,
        key=key,
        kind=kind,
        subject=full_title,
        body_text=text,
        body_html=html,
        assignment=a,
    )


def _queue(mail: Mail) -> OutboxMessage | None:
    return mail.queue() if wants(mail.user, mail.kind) else None


@in_mail_locale
def handler_assigned(
    assignment: Assignment, actor: User, handler: User, event_id: int
) -> OutboxMessage | None:
    """Tell the officer they handle the assignment, with the internal deadline."""
    a = _joined(assignment)
    row = AssignmentHandler.get_or_none(
        AssignmentHandler.assignment == a.id, AssignmentHandler.user == handler.id
    )
    fields = [(gettext("Người phân công"), _name(actor))]
    if row is not None:
        fields.insert(0, (gettext("Hạn xử lý nội bộ"), fmt_date(row.internal_deadline)))
    return _queue(
        _mail(
            "handler_assigned",
            f"handler_assigned:assignment:{a.id}:event:{event_id}",
            a,
            handler,
            gettext("Được phân công xử lý nhiệm vụ"),
            gettext("Đồng chí được phân công là chuyên viên xử lý nhiệm vụ sau:"),
            fields=fields,
        )
    )


@in_mail_locale
def draft_submitted(
    assignment: Assignment, actor: User, draft: ReportDraft, event_id: int
) -> list[OutboxMessage]:
    """Tell the unit head a handler's report waits for approval."""
    a = _joined(assignment)
    queued = []
    for head in unit_leads(a):
        mail = _mail(
            "draft_submitted",
            f"draft_submitted:draft:{draft.id}:user:{head.id}",
            a,
            head,
            gettext("Báo cáo chờ lãnh đạo đơn vị duyệt"),
            gettext(
                "Chuyên viên %(name)s gửi %(kind)s chờ đồng chí duyệt:",
                name=_name(actor),
                kind=draft.kind_label.lower(),
            ),
            note_label=gettext("Nội dung"),
            note=draft.text,
        )
        message = _queue(mail)
        if message is not None:
            queued.append(message)
    return queued


@in_mail_locale
def draft_returned(
    assignment: Assignment, actor: User, draft: ReportDraft, reason: str, event_id: int
) -> OutboxMessage | None:
    """Tell the handler their draft was returned, with the unit head's reason."""
    if draft.author is None:
        return None
    a = _joined(assignment)
    return _queue(
        _mail(
            "draft_returned",
            f"draft_returned:draft:{draft.id}:event:{event_id}",
            a,
            draft.author,
            gettext("Báo cáo bị lãnh đạo đơn vị trả lại"),
            gettext(
                "Đồng chí %(name)s trả lại %(kind)s của đồng chí về nhiệm vụ sau:",
                name=_name(actor),
                kind=draft.kind_label.lower(),
            ),
            note_label=gettext("Lý do trả lại"),
            note=reason,
        )
    )


@in_mail_locale
def build_overdue(at: datetime, unit_id: int | None = None) -> list[Mail]:
    """Mails to the unit heads about handlers whose internal deadline passed before the day
    of ``at`` without a report from them, on work still open: one per handler and deadline."""
    today = periods.local_date(at, get_clock().tz)
    mails = []
    for row in overdue_unreported(today, unit_id):
        a = _joined(row.assignment_id)
        for head in unit_leads(a):
            if not wants(head, "internal_overdue"):
                continue
            mails.append(
                _mail(
                    "internal_overdue",
                    f"internal_overdue:handler:{row.id}:user:{head.id}:"
                    f"{row.internal_deadline.isoformat()}",
                    a,
                    head,
                    gettext("Quá hạn xử lý nội bộ"),
                    gettext(
                        "Chuyên viên %(name)s chưa báo cáo nhiệm vụ sau dù đã quá hạn xử lý "
                        "nội bộ:",
                        name=_name(row.user),
                    ),
                    fields=[(gettext("Hạn xử lý nội bộ"), fmt_date(row.internal_deadline))],
                    at=at,
                )
            )
    return mails
