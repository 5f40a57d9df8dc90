"""The daily due-soon reminder for webhooks: one event per assignment due in exactly one of
the configured days (3, 1, today), for the webhooks of its unit that subscribed to it.

It runs when the scheduler's due-soon job runs (``signals.reminder_job_ran``), under that
job's once-a-day claim and in its transaction; the key holds the assignment and the local day,
so an assignment is announced once a day at most.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tracker.assignments.queries import listing
from tracker.core.clock import get_clock
from tracker.models import Assignment, OutboxMessage, Unit, Webhook
from tracker.policy import users_allowed
from tracker.reminders.common import ACTIONABLE, in_mail_locale
from tracker.reminders.due_soon import days_before
from tracker.webhooks import payload
from tracker.webhooks.events import queue_delivery

KIND = "due_soon"


def job_ran(job: str, period: str, at: datetime, **_: Any) -> None:
    """The receiver of ``reminder_job_ran``: after the units' due-soon mails, the webhooks'."""
    if job == KIND:
        queue_due_soon(at)


def _anyone_listens() -> bool:
    return any(hook.hears(KIND) for hook in Webhook.select().where(Webhook.active == True))  # noqa: E712


@in_mail_locale
def queue_due_soon(at: datetime) -> list[OutboxMessage]:
    """Queue the due-soon events of the local day of ``at``; return what was queued."""
    if not _anyone_listens():
        return []  # the usual case: no query of the assignments at all
    today = at.astimezone(get_clock().tz).date()
    days = [today + timedelta(days=n) for n in days_before()]
    due = (
        listing()
        .where(
            Unit.active == True,  # noqa: E712
            Assignment.status.in_(ACTIONABLE),
            Assignment.deadline.in_(days),
        )
        .order_by(Assignment.deadline, Assignment.id)
    )
    receives = users_allowed("mail.receive_unit")
    hooks_of: dict[int, list[Webhook]] = {}
    queued = []
    for a in due:
        if a.unit_id not in hooks_of:
            hooks_of[a.unit_id] = [
                h for h in Webhook.for_unit(a.unit_id, receives) if h.hears(KIND)
            ]
        details = {"days_left": (a.deadline - today).days}
        text = payload.event_text(KIND, a, None, details)
        part = payload.assignment_part(a)
        key = f"{KIND}:assignment:{a.id}:{today.isoformat()}"
        for hook in hooks_of[a.unit_id]:
            message = queue_delivery(hook, KIND, key, text, a=a, assignment=part, details=details)
            if message is not None:
                queued.append(message)
    return queued
