"""Audit events: every change, who made it, before → after."""

from __future__ import annotations

import json
import logging
from typing import Any

from tracker.core.clock import get_clock
from tracker.models import Assignment, AuditEvent, User

logger = logging.getLogger("tracker.audit")


def _dump(values: dict[str, Any] | None) -> str:
    if not values:
        return ""
    return json.dumps(values, ensure_ascii=False, default=str, sort_keys=True)


def record(
    actor: User | None,
    action: str,
    obj: Any,
    *,
    before: dict | None = None,
    after: dict | None = None,
    message: str = "",
    assignment: Assignment | None = None,
) -> AuditEvent:
    """Write one audit event about ``obj`` (call inside the change's transaction)."""
    if assignment is None and isinstance(obj, Assignment):
        assignment = obj
    return AuditEvent.create(
        actor=actor.id if actor is not None and getattr(actor, "id", None) else None,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=getattr(obj, "id", None),
        assignment=assignment,
        before=_dump(before),
        after=_dump(after),
        message=message,
        created_at=get_clock().now(),
    )


def changes(obj: Any, fields: list[str], new_values: dict[str, Any]) -> tuple[dict, dict]:
    """The before/after pairs of the ``fields`` of ``obj`` that ``new_values`` changes."""
    before, after = {}, {}
    for name in fields:
        if name in new_values and getattr(obj, name) != new_values[name]:
            before[name] = getattr(obj, name)
            after[name] = new_values[name]
    return before, after


def record_security(action: str, actor: User | None, obj: Any = None, **details: Any) -> None:
    """An audit event about access rather than data: a login, a logout, a refusal.

    ``details`` (the account name as typed, the address, the path and method) are kept as
    JSON in ``after`` and logged as one structured line (tracker/logs.py), so user input can
    neither forge a log line nor an audit row. Never pass a password. A failure to write the
    row is logged, never raised: the refusal or the login answer must still go out.
    """
    from tracker.core.db import database

    logger.info("security event %s", action, extra={"event": action, **details})
    try:
        with database.atomic():
            AuditEvent.create(
                actor=getattr(actor, "id", None),
                action=action,
                object_type=type(obj).__name__.lower() if obj is not None else "request",
                object_id=getattr(obj, "id", None),
                after=_dump(details),
                created_at=get_clock().now(),
            )
    except Exception:  # noqa: BLE001 - the audit row must not turn a 403 into a 500
        logger.exception("could not record security event %s", action)
