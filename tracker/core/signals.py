"""Domain events, announced by the feature where they happen, heard by whoever cares.

A feature that changes an assignment sends one of these signals; the side effects of the change
in other features (today: the unit's event mail, queued by ``tracker.reminders.events``) are
receivers connected by those features. So the workflow and the follow-up steps import no mail
or reminder module, and a new kind of notification is a new receiver, not an edit of the
workflow.

Blinker calls receivers synchronously, in the sender's thread: a signal is sent inside the
transaction of its change, so whatever a receiver writes (an outbox row) commits or rolls back
with the change itself. A receiver's exception propagates to the sender and rolls the change back.

Every signal's sender is the ``Assignment`` concerned; the keyword arguments are listed with each.
``event_id`` is the id of the change's audit event: receivers use it to act once per event.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

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
