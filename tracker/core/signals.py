"""Domain events, announced by the feature where they happen, heard by whoever cares.

A feature that changes an assignment sends one of these signals; the side effects of the change
in other features (the unit's event mail, queued by ``tracker.reminders.events``; the officers'
notifications, left by ``tracker.notifications.receivers``) are receivers connected by those
features. So the workflow and the follow-up steps import no mail
or reminder module, and a new kind of notification is a new receiver, not an edit of the
workflow.

Blinker calls receivers synchronously, in the sender's thread: a signal is sent inside the
transaction of its change, so whatever a receiver writes (an outbox row) commits or rolls back
with the change itself. A receiver's exception propagates to the sender and rolls the change back.

Every signal's sender is the ``Assignment`` concerned (``reminder_job_ran``'s: the job's name);
the keyword arguments are listed with each.
``event_id`` is the id of the change's audit event: receivers use it to act once per event.

One action of a user may make many changes at once: a conclusion notice turned into tasks, a
task given to a group of units. Such an action runs inside ``batched()``; a receiver that would
answer each change on its own (one mail per new assignment) hands what it heard to
``gather()`` instead, and answers them all together at the end of the action, still inside its
transaction (one mail per unit listing everything it was given).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from typing import Any

from blinker import Namespace

from tracker.core.db import database

_signals = Namespace()

# What the receivers gathered in the current action: each one's finishing call → its items.
Finish = Callable[[list[Any]], object]
_gathered: ContextVar[dict[Finish, list[Any]] | None] = ContextVar("gathered", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Run one action: what receivers ``gather`` inside is finished once, at its end.

    The finishing calls run inside the action's transaction (opened here if the caller has
    none), after the last change and before the commit, so what they write commits or rolls
    back with the action. Nested, the outermost action finishes; a failed action finishes
    nothing. Each finishing call gets its items in the order they were gathered, and runs
    outside the batch: a signal it sends is answered at once.
    """
    if _gathered.get() is not None:
        yield
        return
    gathered: dict[Finish, list[Any]] = {}
    transaction = nullcontext() if database.in_transaction() else database.atomic()
    with transaction:
        token = _gathered.set(gathered)
        try:
            yield
        finally:
            _gathered.reset(token)
        for finish, items in gathered.items():
            finish(items)


def gather(finish: Finish, item: Any) -> None:
    """Hand ``item`` to ``finish``: with the rest of the current action's at its end, or now
    (as a list of one) when no action is ``batched``."""
    gathered = _gathered.get()
    if gathered is None:
        finish([item])
    else:
        gathered.setdefault(finish, []).append(item)


assignment_created = _signals.signal(
    "assignment-created",
    doc="A unit was given a task (a new assignment, or one reassigned to it). actor: User | None.",
)

assignment_urged = _signals.signal(
    "assignment-urged",
    doc="A leader or secretary urged the unit (đôn đốc). actor: User, message: str, event_id.",
)

extension_decided = _signals.signal(
    "extension-decided",
    doc=(
        "A leader answered the unit's extension request. actor: User, approved: bool, "
        "deadline: date | None (the new one, if approved), reason: str, event_id."
    ),
)

assignment_returned = _signals.signal(
    "assignment-returned",
    doc="The reported completion was not accepted; the unit must do more. actor, reason, event_id.",
)

work_confirmed = _signals.signal(
    "work-confirmed",
    doc="A leader confirmed the unit's reported completion. actor: User, event_id.",
)

handlers_assigned = _signals.signal(
    "handlers-assigned",
    doc=(
        "The unit head gave the assignment to one officer of the unit to handle (chuyên viên "
        "xử lý), with an internal deadline. actor: User, handler: User, event_id."
    ),
)

draft_submitted = _signals.signal(
    "draft-submitted",
    doc=(
        "A handler's progress or completion report waits for the unit head's approval. "
        "actor: User (the handler), draft: ReportDraft, event_id."
    ),
)

draft_returned = _signals.signal(
    "draft-returned",
    doc=(
        "The unit head returned a handler's draft with a reason. actor: User (the head), "
        "draft: ReportDraft, reason: str, event_id."
    ),
)

reminder_job_ran = _signals.signal(
    "reminder-job-ran",
    doc=(
        "A scheduled reminder job (sender: its name, such as 'due_soon') ran for its period, "
        "once, inside the transaction that claimed the period. period: str, at: datetime, "
        "mails: the messages it queued, each with key, kind, subject and its unit or user."
    ),
)
