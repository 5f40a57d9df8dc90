"""Notifications in the application (the bell): one row per event and person, and each
user's choice of the kinds they see there."""

from __future__ import annotations

from datetime import datetime

from peewee import BooleanField, CharField, ForeignKeyField, ModelSelect

from tracker.core import prepared
from tracker.core.db import BaseModel, InstantField
from tracker.core.prepared import slot
from tracker.models.assignments import Assignment
from tracker.models.users import User


class Notification(BaseModel):
    """Something that happened for ``recipient``: the event mails' kinds (``MAIL_KINDS``),
    the same title as the mail's subject; ``read_at`` stays empty until they read it.

    ``key`` is the event's (the mail's key) and the recipient's, unique: one event notifies
    each person once, whoever sends its signal again.
    """

    key = CharField(max_length=240, unique=True)
    # No index of its own: the composite index below starts with it.
    recipient = ForeignKeyField(User, backref="notifications", on_delete="CASCADE", index=False)
    kind = CharField(max_length=30)
    assignment = ForeignKeyField(
        Assignment, null=True, backref="notifications", on_delete="CASCADE"
    )
    title = CharField(max_length=300)
    created_at = InstantField()
    read_at = InstantField(null=True)

    class Meta:
        table_name = "notification"
        # The bell's COUNT (recipient, read_at IS NULL) and the list (newest first) read it.
        indexes = ((("recipient", "read_at", "created_at"), False),)

    @classmethod
    def of(cls, user: User) -> ModelSelect:
        """``user``'s notifications, newest first."""
        return (
            cls.select()
            .where(cls.recipient == user.id)
            .order_by(cls.created_at.desc(), cls.id.desc())
        )

    @classmethod
    def count_of(cls, user: User) -> int:
        """How many notifications ``user`` has (the list's pager), its SQL written once."""
        return prepared.count("notifications.all", _all, [user.id])

    @classmethod
    def page_of(cls, user: User, limit: int, offset: int) -> list[Notification]:
        """``limit`` of ``user``'s notifications from ``offset`` on, newest first (``of``),
        the SQL written once: the list is what the bell leads to."""
        return list(prepared.select("notifications.page", _page, [user.id, limit, offset]))

    @classmethod
    def unread_count(cls, user: User) -> int:
        """How many of ``user``'s notifications are unread: one COUNT on the index, its SQL
        written once (every open page asks it again on a timer)."""
        return prepared.count("notifications.unread", _unread, [user.id])

    @classmethod
    def mark_read(cls, user: User, at: datetime, notification_id: int | None = None) -> int:
        """Mark one (or, without an id, every) unread notification of ``user`` read."""
        query = cls.update(read_at=at).where(cls.recipient == user.id, cls.read_at.is_null())
        if notification_id is not None:
            query = query.where(cls.id == notification_id)
        return query.execute()


class NotificationPreference(BaseModel):
    """A user's choice to see (or not) one kind of notification; no row means yes."""

    user = ForeignKeyField(User, backref="notification_preferences", on_delete="CASCADE")
    kind = CharField(max_length=30)
    enabled = BooleanField(default=True)

    class Meta:
        table_name = "notification_preference"
        indexes = ((("user", "kind"), True),)


def _all():
    return Notification.select(Notification.id).where(Notification.recipient == slot(0))


def _page():
    return (
        Notification.select()
        .where(Notification.recipient == slot(0))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(slot(1))
        .offset(slot(2))
    )


def _unread():
    return Notification.select().where(
        Notification.recipient == slot(0), Notification.read_at.is_null()
    )
