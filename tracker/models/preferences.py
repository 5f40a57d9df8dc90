"""A user's choices among kinds (of mail, of notification): one row per kind turned off or
back on, no row meaning yes. ``MailPreference`` and ``NotificationPreference`` share the
shape (user, kind, enabled); these read and store either."""

from __future__ import annotations

from peewee import Model

from tracker.core.db import database
from tracker.models import User
from tracker.models.audit import record


def enabled_kinds(model: type[Model], user: User, kinds: tuple[str, ...]) -> list[str]:
    """Which of ``kinds`` ``user`` has not turned off."""
    off = {
        p.kind
        for p in model.select(model.kind).where(
            model.user == user.id,
            model.enabled == False,  # noqa: E712
        )
    }
    return [k for k in kinds if k not in off]


def save_choices(
    model: type[Model], action: str, user: User, chosen: set[str], kinds: tuple[str, ...]
) -> dict[str, bool]:
    """Store ``user``'s choice among ``kinds`` (audited as ``action``); return the kinds that
    changed (kind → enabled)."""
    current = set(enabled_kinds(model, user, kinds))
    changed = {k: k in chosen for k in kinds if (k in chosen) != (k in current)}
    if not changed:
        return changed
    with database.atomic():
        for kind, enabled in changed.items():
            model.insert(user=user.id, kind=kind, enabled=enabled).on_conflict(
                conflict_target=[model.user, model.kind],
                update={model.enabled: enabled},
            ).execute()
        record(user, action, user, before={k: not v for k, v in changed.items()}, after=changed)
    return changed
