"""The leaders' weekly summary: the overview's counts per unit and the overdue list.

It goes to the active leaders and secretaries (the office that compiles the reports), not to
admins (a technical role) nor viewers (who read the overview when they need it). The numbers
are the leader overview's own (tracker/dashboard_queries.py), so mail and page agree.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext

from tracker.core import timeliness
from tracker.core.clock import get_clock
from tracker.core.i18n import N_
from tracker.mail.recipients import opted_out
from tracker.models import User
from tracker.overview import queries
from tracker.policy import users_allowed
from tracker.reminders import pending, periods, text_table
from tracker.reminders.common import Lines, Mail, in_mail_locale, render_mail, subject

KIND = "leader_summary"

# The mail lists the most overdue items; the rest are one click away on the overview.
OVERDUE_LIMIT = 50


def readers():
    """The active leaders and secretaries, in a stable order."""
    return (
        User.select()
        .where(users_allowed("mail.receive_summary"), User.active == True)  # noqa: E712
        .order_by(User.role, User.username)
    )


def percent(rate: float | None) -> str:
    """66.7 % as Vietnamese write it ("66,7%"), or a dash without data."""
    return "—" if rate is None else f"{rate * 100:.1f}%".replace(".", ",")


def table(rows: list, totals) -> list[str]:
    """The units' counts as an aligned plain-text table: the categories that occur (in the
    overview's order), the total and the on-time rate; one line per unit, then the total."""
    shown = [cat for cat in timeliness.ORDER if totals.counts[cat]]
    headings = [gettext(timeliness.CATEGORIES[cat]) for cat in shown]
    headings += [gettext("Tổng số"), gettext("Tỷ lệ đúng hạn")]

    def cells(row) -> list[str]:
        counts = [str(row.counts[cat]) for cat in shown]
        return counts + [str(row.total), percent(row.on_time_rate)]

    body = [[row.unit.name, *cells(row)] for row in rows]
    body.append([gettext("Tổng cộng"), *cells(totals)])
    return text_table.render(gettext("Đơn vị"), headings, body)


@in_mail_locale
def build(at: datetime) -> list[Mail]:
    """One summary per leader and secretary for the week of ``at``; none without any work."""
    tz = get_clock().tz
    today = periods.local_date(at, tz)
    window = int(current_app.config["DUE_SOON_DAYS"])
    rows, totals = queries.summary(queries.Filters(), today, window)
    if not totals.total:
        return []
    skip = opted_out(KIND)
    people = [u for u in readers() if u.id not in skip]
    if not people:
        return []
    line = Lines(at)
    listed = queries.overdue(queries.Filters(), today, window).limit(OVERDUE_LIMIT)
    overdue = [line(a) for a in listed]
    n_submitted, n_extensions = pending.counts()
    shown = [r for r in rows if r.total]
    week = periods.week_of(today)
    label = periods.week_label(week)
    n_overdue = totals.counts["overdue"]
    title = subject(
        N_(
            "Báo cáo tổng hợp tình hình thực hiện nhiệm vụ tuần %(week)s: %(total)s nhiệm vụ, "
            "%(overdue)s quá hạn"
        ),
        week=label,
        total=totals.total,
        overdue=n_overdue,
    )
    mails = []
    for person in people:
        text, html = render_mail(
            "leader_summary",
            subject=title,
            person=person,
            today=today,
            week_label=label,
            rows=shown,
            table=table(shown, totals),
            totals=totals,
            n_submitted=n_submitted,
            n_extensions=n_extensions,
            order=timeliness.ORDER,
            categories=timeliness.CATEGORIES,
            percent=percent,
            overdue=overdue,
            n_overdue=n_overdue,
        )
        mails.append(
            Mail.to_person(
                person,
                key=f"{KIND}:user:{person.id}:{week}",
                kind=KIND,
                subject=title,
                body_text=text,
                body_html=html,
                counts={
                    "units": len(shown),
                    "overdue": n_overdue,
                    "submitted": n_submitted,
                    "extensions": n_extensions,
                },
            )
        )
    return mails
