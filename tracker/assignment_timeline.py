"""An assignment's timeline: its progress reports and audit events, newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext
from peewee import JOIN

from .models import STATUSES, Assignment, AuditEvent, ProgressReport, User
from .models.assignments import ROLES

# What each audit action is called on the timeline; other modules' actions fall back to
# a neutral word so a new kind of event never breaks the page.
ACTIONS = {
    "assign": "Giao nhiệm vụ cho đơn vị",
    "status": "Chuyển trạng thái",
    "urge": "Đôn đốc",
    "extension_request": "Đề nghị gia hạn",
    "extension_approve": "Đồng ý gia hạn",
    "extension_reject": "Không đồng ý gia hạn",
    "deadline": "Điều chỉnh thời hạn",
    "update": "Cập nhật",
}

KEYS = {
    "status": "Trạng thái",
    "progress": "Tiến độ",
    "deadline": "Thời hạn",
    "original_deadline": "Thời hạn ban đầu",
    "requested_deadline": "Thời hạn đề nghị",
    "unit": "Đơn vị",
    "role": "Vai trò",
}

# Progress reports are drawn from their own table (with difficulties and proposals), so the
# audit event each one also writes would only repeat it.
HIDDEN_ACTIONS = ("report",)


@dataclass
class Change:
    """One field of an audit event: its label, and the value before and after."""

    label: str
    before: str
    after: str


@dataclass
class Entry:
    """One line of the timeline: a progress report or an audit event."""

    at: datetime
    actor: User | None
    report: ProgressReport | None = None
    event: AuditEvent | None = None
    title: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "report" if self.report is not None else "event"


def _label(labels: dict[str, str], code) -> str:
    # Only the application's own labels go through gettext; anything else is shown as is.
    return gettext(labels[code]) if code in labels else str(code)


def _show(key: str, value) -> str:
    """One value of an audit event, readable (user-entered values stay as entered)."""
    if value is None or value == "":
        return "—"
    if key in ("status", "role"):
        return _label(STATUSES if key == "status" else ROLES, value)
    if key == "progress":
        return f"{value}%"
    if key.endswith("deadline") and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def _load(text: str) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _changes(event: AuditEvent) -> list[Change]:
    before, after = _load(event.before), _load(event.after)
    keys = [*before, *(k for k in after if k not in before)]
    return [
        Change(
            _label(KEYS, k), _show(k, before.get(k)) if k in before else "", _show(k, after.get(k))
        )
        for k in keys
    ]


def timeline(assignment: Assignment) -> list[Entry]:
    """Reports and audit events of ``assignment`` merged, newest first (two queries)."""
    reports = (
        ProgressReport.select(ProgressReport, User)
        .join(User, JOIN.LEFT_OUTER, on=(ProgressReport.author == User.id))
        .where(ProgressReport.assignment == assignment.id)
    )
    events = (
        AuditEvent.select(AuditEvent, User)
        .join(User, JOIN.LEFT_OUTER, on=(AuditEvent.actor == User.id))
        .where(
            AuditEvent.assignment == assignment.id,
            AuditEvent.action.not_in(HIDDEN_ACTIONS),
        )
    )
    title = gettext("Báo cáo tiến độ")
    entries = [Entry(r.created_at, r.author, report=r, title=title) for r in reports]
    entries += [
        Entry(
            e.created_at,
            e.actor,
            event=e,
            title=_label(ACTIONS, e.action if e.action in ACTIONS else "update"),
            changes=_changes(e),
        )
        for e in events
    ]
    # Newest first; at the same instant reports come first, and ids order the rest.
    entries.sort(
        key=lambda en: (en.at, en.kind == "report", (en.report or en.event).id), reverse=True
    )
    return entries
