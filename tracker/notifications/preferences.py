"""Which kinds of notification reach whom: the kinds the application shows, and each user's
choice among them (beside their choice of mail, on the profile page)."""

from __future__ import annotations

from tracker.models import NotificationPreference, User
from tracker.models import preferences as choices

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
    return choices.enabled_kinds(NotificationPreference, user, kinds)


def save(user: User, chosen: set[str], kinds: tuple[str, ...]) -> dict[str, bool]:
    """Store ``user``'s choice among ``kinds`` (audited); return the kinds that changed."""
    return choices.save_choices(
        NotificationPreference, "notification_preferences", user, chosen, kinds
    )
