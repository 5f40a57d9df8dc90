"""How long notifications are kept: read ones for ``NOTIFICATION_KEEP_DAYS`` after their
reading, then deleted by the scheduler (``purge_notifications``, daily); unread ones stay
until read, whatever their age. The audit log, not this table, is the record of events."""

from __future__ import annotations

from datetime import datetime, timedelta

from tracker.models import Notification


def purge(now: datetime, keep_days: int) -> int:
    """Delete the notifications read more than ``keep_days`` before ``now``; 0 keeps all.
    Returns how many went."""
    if keep_days <= 0:
        return 0
    cutoff = now - timedelta(days=keep_days)
    return Notification.delete().where(Notification.read_at < cutoff).execute()
