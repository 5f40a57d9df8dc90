"""The webhooks' receivers of the domain signals, connected by ``create_app``."""

from __future__ import annotations

from tracker.core import signals
from tracker.webhooks import due_soon, events

RECEIVERS = {
    signals.assignment_created: events.assignment_created,
    signals.assignment_urged: events.urge,
    signals.extension_decided: events.extension_decided,
    signals.assignment_returned: events.submission_returned,
    signals.work_confirmed: events.submission_confirmed,
    signals.reminder_job_ran: due_soon.job_ran,
}


def connect() -> None:
    """Queue the webhooks' deliveries on the domain signals; safe to call again. Strong
    references, as the mail's receivers (tracker/reminders/events.py)."""
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver, weak=False)
