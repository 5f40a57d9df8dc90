"""Taking an outbox message to send and recording how it went: the part of delivery shared by
the SMTP sender (``sender.py``) and the webhooks' HTTP one (``tracker/webhooks/sending.py``).

A due message is claimed with a conditional UPDATE before it is sent, so two senders never
send the same one; its outcome is recorded in its own short transaction. A crashed sender's
claim runs out after ``CLAIM_TIME`` and the message is tried again. Transient failures are
retried with exponential backoff; permanent ones, and the last allowed try, are dead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.core.clock import get_clock
from tracker.core.db import write_transaction
from tracker.models import OutboxMessage

CLAIM_TIME = timedelta(minutes=5)
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
DEFAULT_MAX_ATTEMPTS = 8
SENDABLE = ("queued", "failed")


@dataclass
class SendStats:
    """What one batch did."""

    sent: int = 0
    failed: int = 0
    dead: int = 0
    configured: bool = True
    waiting: int = 0  # due mails left alone because no SMTP server is configured

    def report(self) -> str:
        """One line for the command line and the logs."""
        if not self.configured:
            line = (
                "TRACKER_SMTP_URL is not set: no mail was sent; "
                f"{self.waiting} message(s) wait in the outbox."
            )
            if self.sent or self.failed or self.dead:
                line += f" Webhooks: sent {self.sent}, failed {self.failed}, dead {self.dead}."
            return line
        return f"Sent {self.sent}, failed {self.failed}, dead {self.dead}."


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed try: 1 min, 2, 4, 8 … at most 6 h."""
    return min(FIRST_BACKOFF * 2 ** max(0, min(attempts - 1, 20)), MAX_BACKOFF)


def due(now: datetime):
    """Messages to try now: queued or failed and due, or left ``sending`` by a crashed sender."""
    ready = (OutboxMessage.status.in_(SENDABLE)) & (OutboxMessage.next_attempt_at <= now)
    abandoned = (OutboxMessage.status == "sending") & (OutboxMessage.claimed_until < now)
    return OutboxMessage.select().where(ready | abandoned)


def claim(seen: OutboxMessage, now: datetime) -> OutboxMessage | None:
    """Take ``seen`` for this sender if nobody changed it since it was read; else None."""
    still = (OutboxMessage.id == seen.id) & (OutboxMessage.status == seen.status)
    if seen.status == "sending":
        still &= OutboxMessage.claimed_until < now
    else:
        still &= OutboxMessage.next_attempt_at <= now
    with write_transaction():
        taken = (
            OutboxMessage.update(
                status="sending",
                claimed_until=now + CLAIM_TIME,
                attempts=OutboxMessage.attempts + 1,
                updated_at=now,
            )
            .where(still)
            .execute()
        )
    return OutboxMessage.get_by_id(seen.id) if taken == 1 else None


def finish(message: OutboxMessage, **values) -> None:
    """Record the outcome of this sender's claim in its own short transaction."""
    values.update(claimed_until=None, updated_at=get_clock().now())
    with write_transaction():
        OutboxMessage.update(**values).where(
            OutboxMessage.id == message.id, OutboxMessage.status == "sending"
        ).execute()


def mark_sent(message: OutboxMessage, stats: SendStats, note: str = "") -> None:
    """The message was accepted (``note``: what the receiver said beside, if anything)."""
    finish(message, status="sent", sent_at=get_clock().now(), last_error=note)
    stats.sent += 1


def mark_failed(
    message: OutboxMessage, error: str, permanent: bool, max_attempts: int, stats: SendStats
) -> None:
    """A try failed: dead if ``permanent`` or the last allowed one, else due after a backoff."""
    if permanent or message.attempts >= max_attempts:
        if not permanent:
            error = f"{error} (đã thử {message.attempts} lần)"
        finish(message, status="dead", last_error=error[:2000])
        stats.dead += 1
        return
    later = get_clock().now() + backoff(message.attempts)
    finish(message, status="failed", next_attempt_at=later, last_error=error[:2000])
    stats.failed += 1
