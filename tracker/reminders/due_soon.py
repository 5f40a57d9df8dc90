"""The daily due-soon mail: per unit, its open work due in exactly N days (3, 1, today).

One query finds every unit's assignments due on one of those days; a unit with none gets no
mail. The key holds the local day, so a unit hears once a day at most.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext

from tracker.core.clock import get_clock
from tracker.core.i18n import N_
from tracker.mail.recipients import opted_out, unit_recipients
from tracker.models import Assignment, Unit, UnitKind
from tracker.reminders import periods
from tracker.reminders.common import (
    ACTIONABLE,
    Item,
    Lines,
    Mail,
    in_mail_locale,
    listing,
    render_mail,
    sort_key,
    subject,
)
from tracker.reminders.digest import display_order, officers_by_unit

KIND = "due_soon"


def days_before() -> tuple[int, ...]:
    """How many days ahead of a deadline units are reminded, largest first."""
    return tuple(sorted(current_app.config["DUE_SOON_DAYS_BEFORE"], reverse=True))


def _due(unit_id: int | None, days: list):
    query = listing().where(
        Unit.active == True,  # noqa: E712
        Assignment.status.in_(ACTIONABLE),
        Assignment.deadline.in_(days),
    )
    if unit_id is not None:
        query = query.where(Assignment.unit == unit_id)
    return query


def group_label(days_left: int) -> str:
    """How a group of items is headed: due today, or in N days."""
    if days_left == 0:
        return gettext("Đến hạn hôm nay")
    return gettext("Còn %(n)s ngày đến hạn", n=days_left)


def _subject(unit: Unit, day: str, groups: dict[int, list[Item]]) -> str:
    parts = [
        gettext("%(n)s nhiệm vụ đến hạn hôm nay", n=len(items))
        if left == 0
        else gettext("%(n)s nhiệm vụ còn %(days)s ngày", n=len(items), days=left)
        for left, items in groups.items()
    ]
    return subject(
        N_("Nhắc việc sắp đến hạn ngày %(day)s – %(unit)s: %(counts)s"),
        day=day,
        unit=unit.name,
        counts=", ".join(parts),
    )


@in_mail_locale
def build(at: datetime, unit_id: int | None = None) -> list[Mail]:
    """One mail per unit with open work due in exactly one of the configured days."""
    today = periods.local_date(at, get_clock().tz)
    ahead = days_before()
    found: dict[int, dict[int, list[Item]]] = defaultdict(lambda: defaultdict(list))
    units: dict[int, Unit] = {}
    line = Lines(at)
    for assignment in _due(unit_id, [today + timedelta(days=n) for n in ahead]):
        entry = line(assignment)
        found[assignment.unit_id][entry.days_left].append(entry)
        units[assignment.unit_id] = assignment.unit
    if not found:
        return []
    officers = officers_by_unit(unit_id)
    skip = opted_out(KIND)
    day = today.strftime("%d/%m/%Y")
    mails = []
    kinds = UnitKind.codes()
    for unit in sorted(units.values(), key=lambda u: display_order(u, kinds)):
        groups = {n: sorted(found[unit.id][n], key=sort_key) for n in ahead if found[unit.id][n]}
        recipients, missing = unit_recipients(
            unit, KIND, officers=officers.get(unit.id, []), skip=skip
        )
        title = _subject(unit, day, groups)
        text, html = render_mail(
            "due_soon",
            subject=title,
            unit=unit,
            day=day,
            groups=[(group_label(n), items) for n, items in groups.items()],
        )
        mails.append(
            Mail(
                key=f"{KIND}:unit:{unit.id}:{today.isoformat()}",
                kind=KIND,
                subject=title,
                body_text=text,
                body_html=html,
                recipients=recipients,
                missing=missing,
                unit=unit,
                counts={f"{n}d": len(items) for n, items in groups.items()},
            )
        )
    return mails
