"""An assignment's timeline: its progress reports and audit events, newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from peewee import JOIN

from tracker.core import prepared
from tracker.core.i18n import N_, gettext
from tracker.core.prepared import slot
from tracker.models import STATUSES, Assignment, AuditEvent, ProgressReport, Unit, User
from tracker.models.assignments import ROLES

# What each audit action is called on the timeline; other modules' actions fall back to
# a neutral word so a new kind of event never breaks the page.
ACTIONS = {
    "assign": N_("Giao nhiệm vụ cho đơn vị"),
    "status": N_("Chuyển trạng thái"),
    "urge": N_("Đôn đốc"),
    "extension_request": N_("Đề nghị gia hạn"),
    "extension_approve": N_("Đồng ý gia hạn"),
    "extension_reject": N_("Không đồng ý gia hạn"),
    "deadline": N_("Điều chỉnh thời hạn"),
    "update": N_("Cập nhật"),
    "reassign": N_("Chuyển giao cho đơn vị khác"),
    "submit": N_("Báo cáo hoàn thành"),
    "confirm": N_("Xác nhận hoàn thành"),
    "return": N_("Trả lại, yêu cầu thực hiện lại"),
}

KEYS = {
    "status": N_("Trạng thái"),
    "progress": N_("Tiến độ"),
    "deadline": N_("Thời hạn"),
    "original_deadline": N_("Thời hạn ban đầu"),
    "requested_deadline": N_("Thời hạn đề nghị"),
    "unit": N_("Đơn vị"),
    "role": N_("Vai trò"),
}

# Audit messages the application writes itself (others are what users typed): translated when shown.
SYSTEM_MESSAGES = frozenset({N_("Hạn của nhiệm vụ được điều chỉnh.")})

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
    message: str = ""

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
    if event.action == "extension_approve":
        after.pop("requested_deadline", None)  # said in the title (_title) when it differs
    keys = [*before, *(k for k in after if k not in before)]
    return [
        Change(
            _label(KEYS, k), _show(k, before.get(k)) if k in before else "", _show(k, after.get(k))
        )
        for k in keys
    ]


def _title(event: AuditEvent) -> str:
    """What the timeline calls ``event``; an approval names its date, and the one the unit
    asked for when the leader approved another."""
    if event.action == "extension_approve":
        after = _load(event.after)
        approved, requested = after.get("deadline"), after.get("requested_deadline")
        if approved and requested and requested != approved:
            return gettext(
                "Đồng ý gia hạn đến %(new)s (đơn vị đề nghị %(requested)s)",
                new=_show("deadline", approved),
                requested=_show("requested_deadline", requested),
            )
        if approved:
            return gettext("Đồng ý gia hạn đến %(new)s", new=_show("deadline", approved))
    return _label(ACTIONS, event.action if event.action in ACTIONS else "update")


def _reports():
    return (
        ProgressReport.select(ProgressReport, User, Unit)
        .join(User, JOIN.LEFT_OUTER, on=(ProgressReport.author == User.id))
        .join(Unit, JOIN.LEFT_OUTER, on=(User.unit == Unit.id))
        .where(ProgressReport.assignment == slot(0))
    )


def _events():
    return (
        AuditEvent.select(AuditEvent, User, Unit)
        .join(User, JOIN.LEFT_OUTER, on=(AuditEvent.actor == User.id))
        .join(Unit, JOIN.LEFT_OUTER, on=(User.unit == Unit.id))
        .where(AuditEvent.assignment == slot(0), AuditEvent.action.not_in(HIDDEN_ACTIONS))
    )


def timeline(assignment: Assignment) -> list[Entry]:
    """Reports and audit events of ``assignment`` merged, newest first (two queries).

    Each entry's actor comes with their unit, which the page shows beside the name.
    """
    reports = prepared.select("timeline.reports", _reports, [assignment.id])
    events = prepared.select("timeline.events", _events, [assignment.id])
    title = gettext("Báo cáo tiến độ")
    entries = [Entry(r.created_at, r.author, report=r, title=title) for r in reports]
    entries += [
        Entry(
            e.created_at,
            e.actor,
            event=e,
            title=_title(e),
            changes=_changes(e),
            message=gettext(e.message) if e.message in SYSTEM_MESSAGES else e.message,
        )
        for e in events
    ]
    # Newest first; at the same instant reports come first, and ids order the rest.
    entries.sort(
        key=lambda en: (en.at, en.kind == "report", (en.report or en.event).id), reverse=True
    )
    return entries
