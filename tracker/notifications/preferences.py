"""Which kinds of notification reach whom: the kinds the application shows, and each user's
choice among them (beside their choice of mail, on the profile page)."""

from __future__ import annotations

from tracker.core.db import database
from tracker.models import NotificationPreference, User
from tracker.models.audit import record

# The kinds shown in the application: the event mails' and the daily reminders' codes
# (tracker.models.mail.MAIL_KINDS). The weekly digest and summary are lists, not events.
KINDS = (
    "leader_pending",
    "due_soon",
    "new_assignment",
    "urge",
    "extension_decided",
    "submission_returned",
    "submission_confirmed",
    # Work inside a unit: to the handler, and to the unit head (tracker/reminders/inside_unit.py).
    "handler_assigned",
    "draft_submitted",
    "draft_returned",
    "internal_overdue",
)


def opted_out(kind: str) -> set[int]:
    """Ids of the users who turned ``kind`` off (one query)."""
    return {
        p.user_id
        for p in NotificationPreference.select(NotificationPreference.user).where(
            NotificationPreference.kind == kind,
            NotificationPreference.enabled == False,  # noqa: E712
        )
    }


def enabled_kinds(user: User, kinds: tuple[str, ...]) -> list[str]:
    """Which of ``kinds`` ``user`` sees (no preference row means yes)."""
    off = {
        p.kind
        for p in NotificationPreference.select(NotificationPreference.kind).where(
            NotificationPreference.user == user.id,
            NotificationPreference.enabled == False,  # noqa: E712
        )
    }
    return [k for k in kinds if k not in off]


def save(user: User, chosen: set[str], kinds: tuple[str, ...]) -> dict[str, bool]:
    """Store ``user``'s choice among ``kinds`` (audited); return the kinds that changed."""
    current = set(enabled_kinds(user, kinds))
    changed = {k: k in chosen for k in kinds if (k in chosen) != (k in current)}
    if not changed:
        return changed
    with database.atomic():
        for kind, enabled in changed.items():
            NotificationPreference.insert(user=user.id, kind=kind, enabled=enabled).on_conflict(
                conflict_target=[NotificationPreference.user, NotificationPreference.kind],
                update={NotificationPreference.enabled: enabled},
            ).execute()
        record(
            user,
            "notification_preferences",
            user,
            before={k: not v for k, v in changed.items()},
            after=changed,
        )
    return changed
