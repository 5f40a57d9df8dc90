"""The JSON body of a webhook's event and its ``text`` line, which a chat bridge posts as is.

The body's fields are documented in docs/webhooks.md; a new field may be added, none renamed.
The text is Vietnamese (the language of the unit's mail) on one line, ending with the link.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from flask_babel import gettext

from tracker.models import WEBHOOK_EVENTS, Assignment, User
from tracker.models.mail import OUTBOX_KINDS
from tracker.reminders.common import base_url, fmt_date, path_for


def _one_line(text: str) -> str:
    """User text (an urge, a reason) squeezed onto one line."""
    return " ".join(text.split())


def actor_of(user: User | None) -> dict | None:
    """Who caused the event, or None when nobody did (an import, the system)."""
    if user is None:
        return None
    return {"id": user.id, "username": user.username, "name": user.full_name or user.username}


def actor_name(user: User | None) -> str:
    return (user.full_name or user.username) if user is not None else ""


def deadline_label(a: Assignment) -> str:
    """The deadline as the unit's mail writes it (a date, or the task's kind of deadline)."""
    return fmt_date(a.deadline) if a.deadline else a.task.deadline_kind_label


def assignment_part(a: Assignment) -> dict:
    """What the body says of the assignment (task and unit joined)."""
    return {
        "id": a.id,
        "url": base_url() + path_for("assignments.view", assignment_id=a.id),
        "task": a.task.title,
        "unit": a.unit.name,
        "unit_id": a.unit_id,
        "role": a.role,
        "status": a.status,
        "deadline": a.deadline.isoformat() if a.deadline else None,
        "deadline_label": deadline_label(a),
    }


def event_text(kind: str, a: Assignment, actor: User | None, details: dict) -> str:
    """The Vietnamese line of one event, ending with the assignment's link."""
    name, task, unit = actor_name(actor), _one_line(a.task.title), a.unit.name
    deadline = deadline_label(a)
    if kind == "new_assignment":
        if a.role == "lead":
            text = gettext(
                "Giao %(unit)s chủ trì thực hiện nhiệm vụ «%(task)s», thời hạn: %(deadline)s.",
                unit=unit,
                task=task,
                deadline=deadline,
            )
        else:
            text = gettext(
                "Giao %(unit)s phối hợp thực hiện nhiệm vụ «%(task)s», thời hạn: %(deadline)s.",
                unit=unit,
                task=task,
                deadline=deadline,
            )
        if name:
            text += " " + gettext("Người giao: %(name)s.", name=name)
    elif kind == "urge":
        text = gettext(
            "Đồng chí %(name)s đôn đốc %(unit)s thực hiện nhiệm vụ «%(task)s» (thời hạn: "
            "%(deadline)s): “%(message)s”.",
            name=name,
            unit=unit,
            task=task,
            deadline=deadline,
            message=_one_line(details["message"]),
        )
    elif kind == "extension_decided" and details["approved"]:
        text = gettext(
            "Đồng chí %(name)s đồng ý gia hạn nhiệm vụ «%(task)s» của %(unit)s đến ngày %(new)s.",
            name=name,
            task=task,
            unit=unit,
            new=fmt_date(date.fromisoformat(details["new_deadline"])),
        )
    elif kind == "extension_decided":
        text = gettext(
            "Đồng chí %(name)s không đồng ý gia hạn nhiệm vụ «%(task)s» của %(unit)s; đề nghị "
            "hoàn thành theo thời hạn hiện tại (%(deadline)s).",
            name=name,
            task=task,
            unit=unit,
            deadline=deadline,
        )
    elif kind == "due_soon" and details["days_left"] == 0:
        text = gettext(
            "Nhắc việc: nhiệm vụ «%(task)s» của %(unit)s đến hạn hôm nay (%(deadline)s).",
            task=task,
            unit=unit,
            deadline=deadline,
        )
    elif kind == "due_soon":
        text = gettext(
            "Nhắc việc: nhiệm vụ «%(task)s» của %(unit)s còn %(n)s ngày đến hạn (%(deadline)s).",
            task=task,
            unit=unit,
            n=details["days_left"],
            deadline=deadline,
        )
    elif kind == "submission_returned":
        text = gettext(
            "Đồng chí %(name)s trả lại nhiệm vụ «%(task)s» của %(unit)s, đề nghị tiếp tục "
            "thực hiện. Lý do: %(reason)s",
            name=name,
            task=task,
            unit=unit,
            reason=_one_line(details["reason"]),
        )
    else:
        text = gettext(
            "Đồng chí %(name)s xác nhận %(unit)s đã hoàn thành nhiệm vụ «%(task)s».",
            name=name,
            unit=unit,
            task=task,
        )
    return f"{text} {assignment_part(a)['url']}"


def body(
    kind: str,
    delivery: str,
    at: datetime,
    text: str,
    *,
    assignment: dict | None = None,
    actor: User | None = None,
    details: dict | None = None,
) -> str:
    """The JSON text POSTed (compact, UTF-8 when sent: the bytes the signature covers)."""
    data = {
        "event": kind,
        "event_label": gettext(WEBHOOK_EVENTS.get(kind) or OUTBOX_KINDS.get(kind, kind)),
        "delivery": delivery,
        "time": at.isoformat(timespec="seconds"),
        "text": text,
        "assignment": assignment,
        "actor": actor_of(actor),
        "details": details or {},
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
