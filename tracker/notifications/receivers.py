"""Notifications left by the domain signals (``tracker.core.signals``), beside the mails.

Every event that mails a unit (``tracker.reminders.events``) also leaves a notification for
each of the unit's officers whom the mail's rules reach (``mail.receive_unit``, active), minus
those who turned the kind off here: people only, never the unit's own address. The receivers
run inside the sender's transaction, so a rolled-back change notifies nobody. Keys are the
mails' keys plus the person, so one event notifies each person once.

New assignments are gathered per action (``signals.gather``), as their mails are: a unit given
many tasks at once gets one notification per officer naming the first and how many more.
The daily reminders (due soon, the leader's pending work, a handler's passed internal deadline)
come through ``reminder_job_ran`` with the mails the job queued.

The work inside a unit (tracker/reminders/inside_unit.py) notifies people rather than the
unit: the handler given an assignment, the unit's leads (``handlers.unit_leads``) when a
handler's draft waits for them, the draft's author when it is returned.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tracker.assignments.handlers import overdue_unreported, unit_leads
from tracker.core import signals
from tracker.core.clock import get_clock
from tracker.models import Assignment, Notification, ReportDraft, Task, User
from tracker.notifications.preferences import opted_out
from tracker.policy import users_allowed

# Titles are stored as the mails' subjects are, in the source language (Vietnamese).
MORE = "%(title)s và %(n)s nhiệm vụ khác"
# The product's name before every mail subject ("[Giao việc] "): the bell needs none.
PREFIX = re.compile(r"^\[[^\]]*\]\s*")


def unit_people(
    unit_id: int, kind: str, actor: User | None = None, skip: set[int] | None = None
) -> list[int]:
    """Ids of the people a notification of ``kind`` to the unit reaches (as its mail would);
    ``skip`` (who turned the kind off) may be given by a job that read it once."""
    skip = set(opted_out(kind) if skip is None else skip)
    if actor is not None:
        skip.add(actor.id)  # nobody is told of their own action
    query = User.select(User.id).where(
        User.unit == unit_id,
        users_allowed("mail.receive_unit"),
        User.active == True,  # noqa: E712
    )
    return [u.id for u in query if u.id not in skip]


def leave(
    kind: str, key: str, people: Iterable[int], title: str, assignment_id: int | None = None
) -> int:
    """One notification per person in ``people``; those of this key already left stay as
    they were. Returns how many were new."""
    now = get_clock().now()
    rows = [
        {
            "key": f"{key}:user:{person}",
            "recipient": person,
            "kind": kind,
            "assignment": assignment_id,
            "title": title[:300],
            "created_at": now,
        }
        for person in people
    ]
    if not rows:
        return 0
    return Notification.insert_many(rows).on_conflict_ignore().as_rowcount().execute()


def _task_title(assignment: Assignment) -> str:
    return Task.select(Task.title).where(Task.id == assignment.task_id).scalar() or ""


def _to_unit(kind: str, key: str, assignment: Assignment, actor: User | None) -> None:
    people = unit_people(assignment.unit_id, kind, actor)
    if people:
        leave(kind, key, people, _task_title(assignment), assignment.id)


def new_assignments(given: list[tuple[Assignment, User | None]]) -> None:
    """One notification per officer of each unit given something by one action."""
    by_unit: dict[int, list[tuple[Assignment, User | None]]] = defaultdict(list)
    for assignment, actor in given:
        by_unit[assignment.unit_id].append((assignment, actor))
    for unit_id, pairs in by_unit.items():
        first, actor = pairs[0]
        if len(pairs) == 1:
            _to_unit("new_assignment", f"new_assignment:assignment:{first.id}", first, actor)
            continue
        people = unit_people(unit_id, "new_assignment", actor)
        if not people:
            continue
        ids = sorted(a.id for a, _actor in pairs)
        lowest = next(a for a, _actor in pairs if a.id == ids[0])
        title = MORE % {"title": _task_title(lowest), "n": len(ids) - 1}
        key = f"new_assignment:unit:{unit_id}:assignments:{ids[0]}:count:{len(ids)}"
        leave("new_assignment", key, people, title)


def assignment_created(assignment: Assignment, actor: User | None = None, **_: Any) -> None:
    """Gathered to the end of the action, as the new-assignment mails are."""
    signals.gather(new_assignments, (assignment, actor))


def urged(assignment: Assignment, actor: User, event_id: int, **_: Any) -> None:
    _to_unit("urge", f"urge:assignment:{assignment.id}:event:{event_id}", assignment, actor)


def extension_decided(assignment: Assignment, actor: User, event_id: int, **_: Any) -> None:
    key = f"extension_decided:assignment:{assignment.id}:event:{event_id}"
    _to_unit("extension_decided", key, assignment, actor)


def returned(assignment: Assignment, actor: User, event_id: int, **_: Any) -> None:
    key = f"submission_returned:assignment:{assignment.id}:event:{event_id}"
    _to_unit("submission_returned", key, assignment, actor)


def confirmed(assignment: Assignment, actor: User, event_id: int, **_: Any) -> None:
    key = f"submission_confirmed:assignment:{assignment.id}:event:{event_id}"
    _to_unit("submission_confirmed", key, assignment, actor)


def active_people(ids: Iterable[int | None], kind: str, actor: User | None = None) -> list[int]:
    """Those of ``ids`` still active who did not turn ``kind`` off, never ``actor``."""
    wanted = {i for i in ids if i is not None} - opted_out(kind)
    if actor is not None:
        wanted.discard(actor.id)  # nobody is told of their own action
    if not wanted:
        return []
    query = User.select(User.id).where(User.id.in_(wanted), User.active == True)  # noqa: E712
    return sorted(u.id for u in query)


def _to_people(
    kind: str, key: str, assignment: Assignment, ids: Iterable[int | None], actor: User | None
) -> None:
    people = active_people(ids, kind, actor)
    if people:
        leave(kind, key, people, _task_title(assignment), assignment.id)


def handler_assigned(
    assignment: Assignment, actor: User, handler: User, event_id: int, **_: Any
) -> None:
    """The officer now handles the assignment (with an internal deadline)."""
    key = f"handler_assigned:assignment:{assignment.id}:event:{event_id}"
    _to_people("handler_assigned", key, assignment, [handler.id], actor)


def draft_submitted(
    assignment: Assignment, actor: User, draft: ReportDraft, event_id: int, **_: Any
) -> None:
    """A handler's draft waits for the unit's leads (those its mail goes to)."""
    heads = [u.id for u in unit_leads(assignment)]
    _to_people("draft_submitted", f"draft_submitted:draft:{draft.id}", assignment, heads, actor)


def draft_returned(
    assignment: Assignment, actor: User, draft: ReportDraft, event_id: int, **_: Any
) -> None:
    """The unit head returned the draft to its author."""
    key = f"draft_returned:draft:{draft.id}:event:{event_id}"
    _to_people("draft_returned", key, assignment, [draft.author_id], actor)


def internal_overdue(at: datetime) -> None:
    """The handlers whose internal deadline passed unreported, to the unit's leads who did
    not turn the kind off (whether or not they take its mail), once per handler, deadline
    and person."""
    skip = opted_out("internal_overdue")
    today = at.astimezone(get_clock().tz).date()
    for row in overdue_unreported(today):
        assignment = row.assignment
        heads = [u.id for u in unit_leads(assignment) if u.id not in skip]
        if not heads:
            continue
        name = row.user.full_name or row.user.username
        key = f"internal_overdue:handler:{row.id}:{row.internal_deadline.isoformat()}"
        title = f"{_task_title(assignment)} – {name}"
        leave("internal_overdue", key, heads, title, assignment.id)


def reminders_queued(job: str, mails: list[Any], at: datetime | None = None, **_: Any) -> None:
    """The daily reminders: due soon (to the unit's officers) and the leader's pending work
    (to the leader), keyed as their mails; in the due-soon run, the handlers whose internal
    deadline passed (to the unit's leads). Other jobs leave no notification."""
    if job not in ("due_soon", "leader_pending"):
        return
    skip = opted_out(job)
    for mail in mails:
        if mail.kind != job:  # the internal deadlines' mails: told below, apart from them
            continue
        if mail.user is not None:
            people = [mail.user.id] if mail.user.id not in skip else []
        elif mail.unit is not None:
            people = unit_people(mail.unit.id, job, skip=skip)
        else:
            continue
        leave(job, mail.key, people, PREFIX.sub("", mail.subject))
    if job == "due_soon" and at is not None:
        internal_overdue(at)


RECEIVERS = {
    signals.assignment_created: assignment_created,
    signals.assignment_urged: urged,
    signals.extension_decided: extension_decided,
    signals.assignment_returned: returned,
    signals.work_confirmed: confirmed,
    signals.handlers_assigned: handler_assigned,
    signals.draft_submitted: draft_submitted,
    signals.draft_returned: draft_returned,
    signals.reminder_job_ran: reminders_queued,
}


def connect() -> None:
    """Leave notifications on the domain signals; safe to call again. Strong references, so
    a receiver is never collected without a word."""
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver, weak=False)
