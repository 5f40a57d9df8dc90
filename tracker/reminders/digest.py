"""The unit's weekly digest: work the leader returned (with the reason), overdue, due this
week, due next week, ongoing work whose report is due, not updated for a while.

All units are built from seven queries at most (the items the mails list, at most SECTION_LIMIT
a section, each with its section's size counted by the database; the open ongoing work with a
reporting cadence; the units of those items, each read once rather than with every item; the
reports of its current periods; the leader's reasons for returned work; the officers; the
opt-outs), never one query per unit, and never every open assignment row by
row (a province has hundreds of thousands). A unit with nothing in any section gets no mail.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext

from tracker.core.i18n import N_
from tracker.mail.recipients import opted_out, unit_recipients
from tracker.models import Submission, Unit, UnitKind, User
from tracker.policy import users_allowed
from tracker.reminders import digest_items
from tracker.reminders.common import (
    Item,
    Lines,
    Mail,
    fmt_date,
    in_mail_locale,
    render_mail,
    sort_key,
    subject,
)
from tracker.reminders.digest_items import ONGOING, SECTIONS, Window, items
from tracker.tasks import cadence

KIND = "weekly_digest"

TITLES = {
    "returned": N_("Nhiệm vụ bị trả lại, cần thực hiện lại"),
    "overdue": N_("Nhiệm vụ quá hạn"),
    "this_week": N_("Nhiệm vụ đến hạn trong tuần này"),
    "next_week": N_("Nhiệm vụ đến hạn trong tuần sau"),
    "report_due": N_("Nhiệm vụ thường xuyên đến kỳ báo cáo"),
    "stale": N_("Nhiệm vụ chưa cập nhật tiến độ từ %(days)s ngày trở lên"),
}

# The unit's page, filtered where a filter matches the section, shows what a section leaves out.
SECTION_LINKS = {"overdue": {"category": "overdue"}}

# How each section is counted in the subject line.
COUNTS = {
    "returned": N_("%(n)s bị trả lại"),
    "overdue": N_("%(n)s quá hạn"),
    "this_week": N_("%(n)s đến hạn trong tuần"),
    "next_week": N_("%(n)s đến hạn tuần sau"),
    "report_due": N_("%(n)s đến kỳ báo cáo"),
    "stale": N_("%(n)s chưa cập nhật"),
}


@dataclass
class Digest:
    """One unit's sections for one week."""

    unit: Unit
    window: Window
    # The items a mail lists: at most SECTION_LIMIT a section (the most urgent first).
    sections: dict[str, list[Item]] = field(default_factory=dict)
    # How many items each section holds in all (counted by the database).
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {
            name: max(self.totals.get(name, 0), len(self.sections.get(name, [])))
            for name in SECTIONS
        }

    @property
    def key(self) -> str:
        return f"{KIND}:unit:{self.unit.id}:{self.window.week}"


def returns(ids: list[int]) -> dict[int, tuple[str, str]]:
    """The date and reason of the leader's last return of each of ``ids`` (one query)."""
    if not ids:
        return {}
    found: dict[int, tuple[str, str]] = {}
    query = (
        Submission.select(Submission.assignment, Submission.decided_at, Submission.decision_reason)
        .where(Submission.assignment.in_(ids), Submission.decision == "returned")
        .order_by(Submission.decided_at, Submission.id)
    )
    for row in query:  # the latest comes last and stays
        found[row.assignment_id] = (fmt_date(row.decided_at), row.decision_reason)
    return found


def template_context() -> dict[str, object]:
    """What templates/mail/_digest_body.html needs besides the digest (mail and preview)."""
    # The limit read when asked (``digest_items`` holds it: the query and the mail agree).
    limit = digest_items.SECTION_LIMIT
    return {"sections": SECTIONS, "titles": TITLES, "limit": limit, "links": SECTION_LINKS}


def digests(at: datetime, unit_id: int | None = None) -> list[Digest]:
    """The non-empty digests of the week of ``at``, in unit display order.

    The database counts each section and returns only the items a mail lists (at most
    ``SECTION_LIMIT`` per section): a province's open work is not loaded row by row.
    """
    window = Window.at_instant(at)
    line = Lines(at)
    by_unit: dict[int, Digest] = {}
    work = items(window, unit_id)
    # Each unit read once, not with each of its items (a model of every column per row).
    units = {unit.id: unit for unit in Unit.select().where(Unit.id.in_({a.unit_id for a in work}))}
    for assignment in work:
        assignment.unit = units[assignment.unit_id]
    ongoing_counts: dict[int, dict[str, int]] = defaultdict(dict)
    report_due = cadence.due_now([a for a in work if a.ranked["section"] == ONGOING], window.today)
    line.report_due = report_due
    line.returns = returns([a.id for a in work if a.status == "returned"])
    for assignment in work:
        name = assignment.ranked["section"]
        if name == ONGOING:
            # Ongoing work has no deadline: a due report comes before "not updated".
            name = "report_due" if assignment.id in report_due else window.section(assignment)
            if name is None:
                continue
        digest = by_unit.get(assignment.unit_id)
        if digest is None:
            digest = by_unit[assignment.unit_id] = Digest(assignment.unit, window)
        digest.sections.setdefault(name, []).append(line(assignment))
        if assignment.ranked["section"] == ONGOING:  # counted here, one by one
            ongoing = ongoing_counts[assignment.unit_id]
            ongoing[name] = ongoing.get(name, 0) + 1
        else:  # the section's size, counted by the database
            digest.totals[name] = int(assignment.ranked["total"])
    for unit_id, counts in ongoing_counts.items():
        totals = by_unit[unit_id].totals
        for name, n in counts.items():
            totals[name] = totals.get(name, 0) + n
    for digest in by_unit.values():
        for entries in digest.sections.values():
            entries.sort(key=sort_key)
    kinds = UnitKind.codes()
    return sorted(by_unit.values(), key=lambda d: display_order(d.unit, kinds))


def display_order(unit: Unit, kinds: list[str]) -> tuple:
    """The units' order of Unit.ordered(): by their kind's order (``kinds``, the codes in
    display order: UnitKind.codes()), then their own."""
    rank = kinds.index(unit.kind) if unit.kind in kinds else len(kinds)
    return (rank, unit.sort_order, unit.name)


def officers_by_unit(unit_id: int | None) -> dict[int, list[User]]:
    """Active officers by unit, in one query."""
    officers = users_allowed("mail.receive_unit")
    query = User.select().where(officers, User.active == True)  # noqa: E712
    if unit_id is not None:
        query = query.where(User.unit == unit_id)
    result: dict[int, list[User]] = defaultdict(list)
    for user in query.order_by(User.id):
        result[user.unit_id].append(user)
    return result


def _subject(digest: Digest) -> str:
    counts = digest.counts
    parts = [gettext(COUNTS[name], n=counts[name]) for name in SECTIONS if counts[name]]
    return subject(
        N_("Tổng hợp nhiệm vụ tuần %(week)s – %(unit)s: %(counts)s"),
        week=digest.window.week_label,
        unit=digest.unit.name,
        counts=", ".join(parts),
    )


def mail(digest: Digest, officers: list[User], skip: set[int]) -> Mail:
    """The message of one digest, to the unit's officers and address minus opt-outs."""
    recipients, missing = unit_recipients(digest.unit, KIND, officers=officers, skip=skip)
    title = _subject(digest)
    text, html = render_mail("weekly_digest", digest=digest, subject=title, **template_context())
    return Mail(
        key=digest.key,
        kind=KIND,
        subject=title,
        body_text=text,
        body_html=html,
        recipients=recipients,
        missing=missing,
        unit=digest.unit,
        counts=digest.counts,
    )


@in_mail_locale
def build(at: datetime, unit_id: int | None = None) -> list[Mail]:
    """The weekly digests of the week of ``at``: one per active unit with something to say."""
    found = digests(at, unit_id)
    if not found:
        return []
    officers = officers_by_unit(unit_id)
    skip = opted_out(KIND)
    return [mail(d, officers.get(d.unit.id, []), skip) for d in found]


@in_mail_locale
def for_unit(unit_id: int, at: datetime) -> tuple[Digest, Mail] | None:
    """One unit's digest of the week of ``at`` and its message; None when it has nothing."""
    found = digests(at, unit_id)
    if not found:
        return None
    officers = officers_by_unit(unit_id).get(unit_id, [])
    return found[0], mail(found[0], officers, opted_out(KIND))
