"""Mails caused by one change of one assignment: new assignment, urge, decisions of a leader.

Each builder is a receiver of a domain signal (``tracker.core.signals``; ``connect`` below,
called by ``create_app``): the feature that makes the change sends the signal inside its
transaction, so the outbox row is written in that transaction too (a rolled-back change then
mails nothing), and the workflow never imports this module. The keys hold the assignment and,
for repeatable events, the audit event's id, so each event mails once. Recipients are the
unit's officers and address, minus those who turned the kind off.

New assignments are gathered per action (``signals.batched``: a conclusion notice turned into
tasks, a task given to a group): each unit gets one mail at the end of the action listing all
it was given; a unit given one task gets the mail of that one assignment.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext

from tracker.assignments.queries import listing
from tracker.core import signals
from tracker.core.clock import get_clock
from tracker.core.i18n import N_
from tracker.mail.recipients import unit_recipients
from tracker.models import Assignment, OutboxMessage, User
from tracker.reminders import inside_unit
from tracker.reminders.common import (
    Item,
    Lines,
    Mail,
    fmt_date,
    in_mail_locale,
    item,
    render_mail,
    subject,
)


def _joined(assignment: Assignment) -> Assignment:
    """The assignment again, with its task, meeting and unit, in one query."""
    return listing().where(Assignment.id == assignment.id).get()


def _name(user: User | None) -> str:
    return (user.full_name or user.username) if user is not None else ""


def _deadline(a: Assignment) -> str:
    if a.deadline:
        return fmt_date(a.deadline)
    return a.task.deadline_kind_label


def _send(
    kind: str,
    key: str,
    a: Assignment,
    title: str,
    intro: str,
    *,
    fields: list[tuple[str, str]] | None = None,
    note_label: str = "",
    note: str = "",
    action: str = "",
) -> OutboxMessage | None:
    """Build the event mail to the unit of ``a`` (task, meeting and unit joined); queue it."""
    entry = item(a, get_clock().now())
    recipients, missing = unit_recipients(a.unit, kind)
    full_title = subject(
        N_("%(what)s: %(task)s – %(unit)s"), what=title, task=a.task.title, unit=a.unit.name
    )
    text, html = render_mail(
        "event",
        subject=full_title,
        unit=a.unit,
        title=title,
        intro=intro,
        fields=fields or [],
        note_label=note_label,
        note=note,
        it=entry,
        action=action or gettext("Xem nhiệm vụ và cập nhật tiến độ"),
    )
    mail = Mail(
        key=key,
        kind=kind,
        subject=full_title,
        body_text=text,
        body_html=html,
        recipients=recipients,
        missing=missing,
        unit=a.unit,
        assignment=a,
    )
    return mail.queue()


@in_mail_locale
def new_assignment(assignment: Assignment, actor: User | None = None) -> OutboxMessage | None:
    """Tell the unit it was given a task (each assignment ``workflow.assign`` or a reassignment
    creates)."""
    a = _joined(assignment)
    fields = [(gettext("Nội dung"), a.task.content)] if a.task.content else []
    fields.append((gettext("Thời hạn"), _deadline(a)))
    if actor is not None:
        fields.append((gettext("Người giao"), _name(actor)))
    return _send(
        "new_assignment",
        f"new_assignment:assignment:{a.id}",
        a,
        gettext("Nhiệm vụ mới được giao"),
        gettext(
            "Đơn vị được giao là đơn vị %(role)s thực hiện nhiệm vụ sau:",
            role=a.role_label.lower(),
        ),
        fields=fields,
    )


@dataclass
class NewEntry:
    """One assignment in the mail that lists a unit's new assignments."""

    it: Item
    content: str
    deadline: str


@in_mail_locale
def new_assignments_of_unit(
    assignments: list[Assignment], actor: User | None = None
) -> OutboxMessage | None:
    """One mail telling a unit of all the ``assignments`` one action gave it (two or more).

    The key holds the first assignment's id and their number: an assignment is announced by
    one action only, so the key is the action's, and queueing it again does nothing.
    """
    ids = sorted(a.id for a in assignments)
    rows = list(listing().where(Assignment.id.in_(ids)).order_by(Assignment.id))
    unit = rows[0].unit
    line = Lines(get_clock().now())
    entries = [NewEntry(line(a), a.task.content, _deadline(a)) for a in rows]
    meetings = {entry.it.meeting for entry in entries}
    roles = {role: sum(a.role == role for a in rows) for role in ("lead", "coordinating")}
    n = len(rows)
    if roles["lead"] == n:
        intro = gettext("Đơn vị được giao chủ trì thực hiện %(n)s nhiệm vụ mới sau:", n=n)
    elif roles["coordinating"] == n:
        intro = gettext("Đơn vị được giao phối hợp thực hiện %(n)s nhiệm vụ mới sau:", n=n)
    else:
        intro = gettext(
            "Đơn vị được giao %(n)s nhiệm vụ mới, trong đó chủ trì %(lead)s nhiệm vụ, phối hợp "
            "%(coordinating)s nhiệm vụ:",
            n=n,
            **roles,
        )
    title = subject(N_("Giao %(n)s nhiệm vụ mới cho %(unit)s"), n=n, unit=unit.name)
    text, html = render_mail(
        "new_assignments",
        subject=title,
        unit=unit,
        title=gettext("Nhiệm vụ mới được giao"),
        intro=intro,
        meeting=meetings.pop() if len(meetings) == 1 else "",
        actor=_name(actor),
        entries=entries,
    )
    recipients, missing = unit_recipients(unit, "new_assignment")
    mail = Mail(
        key=f"new_assignment:unit:{unit.id}:assignments:{ids[0]}:count:{n}",
        kind="new_assignment",
        subject=title,
        body_text=text,
        body_html=html,
        recipients=recipients,
        missing=missing,
        unit=unit,
    )
    return mail.queue()


def new_assignments(given: list[tuple[Assignment, User | None]]) -> list[OutboxMessage]:
    """The mails of the assignments one action created: one per unit, in the order the units
    were first given something; a unit given one task gets that assignment's own mail."""
    by_unit: dict[int, list[tuple[Assignment, User | None]]] = defaultdict(list)
    for assignment, actor in given:
        by_unit[assignment.unit_id].append((assignment, actor))
    queued = []
    for pairs in by_unit.values():
        first, actor = pairs[0]
        if len(pairs) == 1:
            message = new_assignment(first, actor)
        else:
            message = new_assignments_of_unit([a for a, _actor in pairs], actor)
        if message is not None:
            queued.append(message)
    return queued


def assignment_created(assignment: Assignment, actor: User | None = None) -> None:
    """The receiver of ``assignment_created``: the mail waits for the end of the action, so
    that a unit given many tasks at once gets one mail (``signals.gather``)."""
    signals.gather(new_assignments, (assignment, actor))


@in_mail_locale
def urge(assignment: Assignment, actor: User, message: str, event_id: int) -> OutboxMessage | None:
    """A leader or secretary presses the unit about one assignment (đôn đốc)."""
    return _send(
        "urge",
        f"urge:assignment:{assignment.id}:event:{event_id}",
        _joined(assignment),
        gettext("Đôn đốc thực hiện nhiệm vụ"),
        gettext("Đồng chí %(name)s đôn đốc đơn vị thực hiện nhiệm vụ sau:", name=_name(actor)),
        note_label=gettext("Nội dung đôn đốc"),
        note=message,
    )


@in_mail_locale
def extension_decided(
    assignment: Assignment,
    actor: User,
    approved: bool,
    deadline: date | None,
    reason: str,
    event_id: int,
) -> OutboxMessage | None:
    """The answer to the unit's extension request; ``deadline`` is the new one if approved."""
    if approved:
        title = gettext("Đồng ý gia hạn")
        intro = gettext(
            "Đồng chí %(name)s đồng ý gia hạn thực hiện nhiệm vụ sau:", name=_name(actor)
        )
        fields = [(gettext("Thời hạn mới"), fmt_date(deadline) if deadline else "")]
    else:
        title = gettext("Không đồng ý gia hạn")
        intro = gettext(
            "Đồng chí %(name)s không đồng ý gia hạn thực hiện nhiệm vụ sau; đề nghị đơn vị "
            "hoàn thành theo thời hạn hiện tại:",
            name=_name(actor),
        )
        fields = []
    return _send(
        "extension_decided",
        f"extension_decided:assignment:{assignment.id}:event:{event_id}",
        _joined(assignment),
        title,
        intro,
        fields=fields,
        note_label=gettext("Ý kiến") if reason else "",
        note=reason,
    )


@in_mail_locale
def submission_returned(
    assignment: Assignment, actor: User, reason: str, event_id: int
) -> OutboxMessage | None:
    """The leader did not accept the reported completion; the unit must do more."""
    return _send(
        "submission_returned",
        f"submission_returned:assignment:{assignment.id}:event:{event_id}",
        _joined(assignment),
        gettext("Nhiệm vụ bị trả lại"),
        gettext(
            "Đồng chí %(name)s chưa xác nhận hoàn thành và trả lại nhiệm vụ sau, đề nghị đơn "
            "vị tiếp tục thực hiện:",
            name=_name(actor),
        ),
        note_label=gettext("Lý do trả lại"),
        note=reason,
    )


@in_mail_locale
def submission_confirmed(
    assignment: Assignment, actor: User, event_id: int
) -> OutboxMessage | None:
    """The leader confirmed the unit's completion."""
    return _send(
        "submission_confirmed",
        f"submission_confirmed:assignment:{assignment.id}:event:{event_id}",
        _joined(assignment),
        gettext("Nhiệm vụ được xác nhận hoàn thành"),
        gettext("Đồng chí %(name)s đã xác nhận đơn vị hoàn thành nhiệm vụ sau:", name=_name(actor)),
        action=gettext("Xem nhiệm vụ"),
    )


# Signal → the mail it queues. Blinker passes the sender (the assignment) positionally and the
# signal's keyword arguments by name, which are these builders' parameters.
RECEIVERS = {
    signals.assignment_created: assignment_created,
    signals.assignment_urged: urge,
    signals.extension_decided: extension_decided,
    signals.assignment_returned: submission_returned,
    signals.work_confirmed: submission_confirmed,
    # Work inside a unit: mails to the handler and to the unit head (reminders/inside_unit.py).
    signals.handlers_assigned: inside_unit.handler_assigned,
    signals.draft_submitted: inside_unit.draft_submitted,
    signals.draft_returned: inside_unit.draft_returned,
}


def connect() -> None:
    """Queue the event mails on the domain signals; safe to call again (once per receiver).

    Strong references: blinker's default weak ones would let a receiver be collected without a
    word, and the mails would silently stop.
    """
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver, weak=False)
