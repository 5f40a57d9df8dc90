"""The leader's daily mail: what waits for their decision.

Reports of completion awaiting confirmation ("Chờ xác nhận") and extension requests awaiting a
decision ("Xin gia hạn") on open work, oldest first, each linking to its assignment, with the
two queue pages. It goes to the active leaders (those who decide), only on a day when something
waits; the key holds the local day, so a leader hears once a day at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext

from tracker.core.clock import get_clock
from tracker.core.i18n import N_
from tracker.core.timeliness import CLOSED
from tracker.mail.recipients import opted_out
from tracker.models import Assignment, ExtensionRequest, Submission, User
from tracker.policy import users_allowed
from tracker.reminders import periods
from tracker.reminders.common import (
    Item,
    Lines,
    Mail,
    fmt_date,
    in_mail_locale,
    listing,
    render_mail,
    subject,
)

KIND = "leader_pending"

# A section lists this many items at most (the oldest first); the queue page has the rest.
SECTION_LIMIT = 30


@dataclass
class Waiting:
    """One item waiting for the leader: the assignment's line and what the unit sent."""

    it: Item
    since: str
    days: int
    text: str
    previous: str = ""
    requested: str = ""


def readers():
    """The active leaders, in a stable order."""
    return (
        User.select()
        .where(users_allowed("mail.receive_pending"), User.active == True)  # noqa: E712
        .order_by(User.username)
    )


def _latest_submissions(ids: list[int]) -> dict[int, Submission]:
    """The latest report of completion of each of ``ids`` (one query)."""
    latest: dict[int, Submission] = {}
    query = (
        Submission.select(Submission.assignment, Submission.summary, Submission.created_at)
        .where(Submission.assignment.in_(ids))
        .order_by(Submission.created_at, Submission.id)
    )
    for row in query:
        latest[row.assignment_id] = row
    return latest


def submitted(line: Lines, today: date) -> list[Waiting]:
    """Work the units report done, awaiting confirmation, oldest first."""
    work = list(
        listing()
        .select_extend(Assignment.submitted_at, Assignment.updated_at)
        .where(Assignment.status == "submitted")
    )
    reports = _latest_submissions([a.id for a in work]) if work else {}
    clock = get_clock()
    found = []
    for a in work:
        report = reports.get(a.id)
        at = a.submitted_at or (report.created_at if report else a.updated_at)
        day = clock.local_date(at) if at else today
        found.append(
            Waiting(
                it=line(a),
                since=fmt_date(day),
                days=(today - day).days,
                text=report.summary if report else "",
            )
        )
    found.sort(key=lambda w: (-w.days, w.it.title, w.it.id))
    return found


def extensions(line: Lines, today: date) -> list[Waiting]:
    """Extension requests awaiting a decision on open work, oldest first."""
    requests = list(
        ExtensionRequest.select()
        .join(Assignment)
        .where(ExtensionRequest.status == "pending", Assignment.status.not_in(CLOSED))
        .order_by(ExtensionRequest.created_at, ExtensionRequest.id)
    )
    if not requests:
        return []
    ids = list({r.assignment_id for r in requests})
    work = {a.id: a for a in listing().where(Assignment.id.in_(ids))}
    clock = get_clock()
    found = []
    for request in requests:
        a = work.get(request.assignment_id)
        if a is None:
            continue
        day = clock.local_date(request.created_at)
        found.append(
            Waiting(
                it=line(a),
                since=fmt_date(day),
                days=(today - day).days,
                text=request.reason,
                previous=fmt_date(request.previous_deadline) or gettext("Chưa xác định"),
                requested=fmt_date(request.requested_deadline),
            )
        )
    found.sort(key=lambda w: (-w.days, w.it.title, w.it.id))
    return found


def counts() -> tuple[int, int]:
    """How many reports of completion and extension requests wait (two COUNT queries), as the
    leader's queues count them."""
    n_submitted = Assignment.select().where(Assignment.status == "submitted").count()
    n_extensions = (
        ExtensionRequest.select()
        .join(Assignment)
        .where(ExtensionRequest.status == "pending", Assignment.status.not_in(CLOSED))
        .count()
    )
    return n_submitted, n_extensions


def _subject(day: str, n_submitted: int, n_extensions: int) -> str:
    parts = []
    if n_submitted:
        parts.append(gettext("%(n)s báo cáo hoàn thành chờ xác nhận", n=n_submitted))
    if n_extensions:
        parts.append(gettext("%(n)s đề nghị gia hạn chờ cho ý kiến", n=n_extensions))
    return subject(
        N_("Việc chờ đồng chí xử lý ngày %(day)s: %(counts)s"), day=day, counts=", ".join(parts)
    )


@in_mail_locale
def build(at: datetime) -> list[Mail]:
    """One mail per active leader who wants it, on a day when something waits; else none."""
    today = periods.local_date(at, get_clock().tz)
    skip = opted_out(KIND)
    people = [u for u in readers() if u.id not in skip]
    if not people:
        return []
    line = Lines(at)
    waiting = submitted(line, today)
    requests = extensions(line, today)
    if not waiting and not requests:
        return []
    day = fmt_date(today)
    title = _subject(day, len(waiting), len(requests))
    mails = []
    for person in people:
        text, html = render_mail(
            "leader_pending",
            subject=title,
            person=person,
            day=day,
            submitted=waiting[:SECTION_LIMIT],
            n_submitted=len(waiting),
            extensions=requests[:SECTION_LIMIT],
            n_extensions=len(requests),
        )
        mails.append(
            Mail.to_person(
                person,
                key=f"{KIND}:user:{person.id}:{today.isoformat()}",
                kind=KIND,
                subject=title,
                body_text=text,
                body_html=html,
                counts={"submitted": len(waiting), "extensions": len(requests)},
            )
        )
    return mails
