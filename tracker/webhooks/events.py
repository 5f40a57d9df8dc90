"""The webhooks' share of the domain signals: each event that mails a unit is queued as one
delivery per matching active webhook, in the outbox, inside the change's transaction.

Receivers of the signals of ``tracker.core.signals`` (connected by ``receivers.connect``),
beside the unit's mail (``tracker.reminders.events``): a rolled-back change queues nothing.
The outbox key is the webhook's id and the event's mail key, so each event reaches each
webhook once, however often it is queued.
"""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from flask_babel import gettext

from tracker.assignments.queries import listing
from tracker.core import signals
from tracker.core.clock import get_clock
from tracker.mail.outbox import enqueue
from tracker.models import Assignment, OutboxMessage, User, Webhook
from tracker.policy import users_allowed
from tracker.reminders.common import in_mail_locale
from tracker.webhooks import payload
from tracker.webhooks.signing import delivery_id


def queue_delivery(
    webhook: Webhook, kind: str, key: str, text: str, *, a: Assignment | None = None, **body
) -> OutboxMessage | None:
    """Queue one delivery of an event to ``webhook``; None if it was queued before.

    ``key`` is the event's (as the mail's); ``body`` the body's ``assignment``, ``actor`` and
    ``details`` (tracker/webhooks/payload.py)."""
    full_key = f"webhook:{webhook.id}:{key}"
    at = get_clock().local_now()
    return enqueue(
        key=full_key,
        kind=kind,
        recipients=[webhook.name],
        subject=text,
        body_text=payload.body(kind, delivery_id(full_key), at, text, **body),
        unit=a.unit if a is not None else None,
        assignment=a,
        channel="webhook",
        webhook=webhook,
    )


@in_mail_locale
def queue_event(
    kind: str, key: str, assignment: Assignment, actor: User | None, details: dict | None = None
) -> list[OutboxMessage]:
    """Queue the event ``kind`` of ``assignment`` for every active webhook that hears it."""
    hooks = [
        hook
        for hook in Webhook.for_unit(assignment.unit_id, users_allowed("mail.receive_unit"))
        if hook.hears(kind)
    ]
    if not hooks:
        return []
    a = listing().where(Assignment.id == assignment.id).get()
    details = details or {}
    text = payload.event_text(kind, a, actor, details)
    part = payload.assignment_part(a)
    queued = []
    for hook in hooks:
        message = queue_delivery(
            hook, kind, key, text, a=a, assignment=part, actor=actor, details=details
        )
        if message is not None:
            queued.append(message)
    return queued


@in_mail_locale
def queue_test(webhook: Webhook, actor: User) -> OutboxMessage:
    """A test event for ``webhook`` (its page's "Gửi thử"), a new delivery each time."""
    text = gettext(
        "Tin nhắn thử từ hệ thống Giao việc: webhook «%(name)s» đã kết nối thành công.",
        name=webhook.name,
    )
    # A new key each time: every test is a delivery of its own.
    key = f"webhook_test:{uuid4().hex}"
    message = queue_delivery(webhook, "webhook_test", key, text, actor=actor)
    return message or OutboxMessage.get(OutboxMessage.key == f"webhook:{webhook.id}:{key}")


def new_assignments(given: list[tuple[Assignment, User | None]]) -> None:
    """The new-assignment events of one action, one per assignment; with no active webhook
    (the usual case) one query for the whole action, not one per assignment."""
    if not Webhook.select().where(Webhook.active == True).exists():  # noqa: E712
        return
    for assignment, actor in given:
        key = f"new_assignment:assignment:{assignment.id}"
        queue_event("new_assignment", key, assignment, actor)


def assignment_created(assignment: Assignment, actor: User | None = None) -> None:
    """Answered at the end of the action (``signals.gather``), as the unit's mail is."""
    signals.gather(new_assignments, (assignment, actor))


def urge(assignment: Assignment, actor: User, message: str, event_id: int) -> None:
    key = f"urge:assignment:{assignment.id}:event:{event_id}"
    queue_event("urge", key, assignment, actor, {"message": message})


def extension_decided(
    assignment: Assignment,
    actor: User,
    approved: bool,
    deadline: date | None,
    reason: str,
    event_id: int,
) -> None:
    details = {
        "approved": approved,
        "new_deadline": deadline.isoformat() if approved and deadline else None,
        "reason": reason,
    }
    key = f"extension_decided:assignment:{assignment.id}:event:{event_id}"
    queue_event("extension_decided", key, assignment, actor, details)


def submission_returned(assignment: Assignment, actor: User, reason: str, event_id: int) -> None:
    key = f"submission_returned:assignment:{assignment.id}:event:{event_id}"
    queue_event("submission_returned", key, assignment, actor, {"reason": reason})


def submission_confirmed(assignment: Assignment, actor: User, event_id: int) -> None:
    key = f"submission_confirmed:assignment:{assignment.id}:event:{event_id}"
    queue_event("submission_confirmed", key, assignment, actor)
