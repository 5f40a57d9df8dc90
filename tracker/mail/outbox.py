"""Queueing mail in the outbox, inside the transaction of the change that causes it.

A webhook's delivery is queued the same way (``channel="webhook"``, the ``webhook`` it goes to,
its JSON body as ``body_text``), and the same sender delivers it with the same retries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from tracker.core.clock import get_clock
from tracker.models import Assignment, OutboxMessage, Unit, User, Webhook

# Messages per INSERT when many are queued at once (a weekly digest: one per unit).
BATCH = 200


def _row(
    now: datetime,
    *,
    key: str,
    kind: str,
    recipients: list[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    missing: list[str] | None = None,
    unit: Unit | None = None,
    user: User | None = None,
    assignment: Assignment | None = None,
    channel: str = "mail",
    webhook: Webhook | None = None,
) -> dict:
    """The outbox row of one message (a message with nobody to send to is ``dead``)."""
    status, error = "queued", ""
    if not recipients:
        status, error = "dead", "Không có địa chỉ email người nhận."
    row = {
        "key": key[:200],
        "kind": kind,
        "channel": channel,
        "webhook": webhook.id if webhook else None,
        "unit": unit.id if unit else None,
        "user": user.id if user else None,
        "assignment": assignment.id if assignment else None,
        "recipients": ", ".join(recipients),
        "missing_recipients": ", ".join(missing or []),
        "subject": subject[:300],
        "body_text": body_text,
        "body_html": body_html,
        "status": status,
        "last_error": error,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
    }
    row["search_text"] = OutboxMessage.search_text_from(row)
    return row


def enqueue(
    *,
    key: str,
    kind: str,
    recipients: list[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    missing: list[str] | None = None,
    unit: Unit | None = None,
    user: User | None = None,
    assignment: Assignment | None = None,
    channel: str = "mail",
    webhook: Webhook | None = None,
) -> OutboxMessage | None:
    """Queue one message unless one with ``key`` exists; return it, or None if it existed.

    Call inside the transaction of the change that causes the mail: a rolled-back change then
    queues nothing. The unique key (kind + recipient + period) is what makes every reminder
    idempotent, also across two schedulers. A message with nobody to send to is kept as
    ``dead`` with the reason, so a missing address is reported rather than dropped.
    """
    row = _row(
        get_clock().now(),
        key=key,
        kind=kind,
        recipients=recipients,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        missing=missing,
        unit=unit,
        user=user,
        assignment=assignment,
        channel=channel,
        webhook=webhook,
    )
    # The new row's id from the INSERT itself, not a second SELECT.
    query = OutboxMessage.insert(row).on_conflict_ignore()
    database = OutboxMessage._meta.database
    if database.returning_clause:  # PostgreSQL
        ids = [found for (found,) in query.returning(OutboxMessage.id).tuples().execute()]
        if not ids:
            return None
        new_id = ids[0]
    else:  # SQLite: the cursor tells whether the row went in, and its rowid
        cursor = database.execute(query)
        if cursor.rowcount != 1:
            return None
        new_id = cursor.lastrowid
    return OutboxMessage(id=new_id, **row)


def enqueue_many(messages: Iterable[Mapping]) -> int:
    """Queue many messages (each the keyword arguments of ``enqueue``); return how many went in.

    One multi-row INSERT per ``BATCH`` messages, nothing read back: a key queued before is
    skipped, as by ``enqueue``. Call inside the transaction of the change that causes them.
    """
    now = get_clock().now()
    rows = [_row(now, **message) for message in messages]
    queued = 0
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        queued += OutboxMessage.insert_many(chunk).on_conflict_ignore().as_rowcount().execute()
    return queued
