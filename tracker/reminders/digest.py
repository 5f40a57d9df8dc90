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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from flask_babel import gettext
from peewee import JOIN, SQL, Case, Select, Value, fn

from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.core.i18n import N_
from tracker.core.search_index import is_postgres
from tracker.mail.recipients import opted_out, unit_recipients
from tracker.models import Assignment, Submission, Task, Unit, UnitKind, User
from tracker.policy import users_allowed
from tracker.reminders import periods
from tracker.reminders.common import (
    ACTIONABLE,
    Item,
    Lines,
    Mail,
    fmt_date,
    in_mail_locale,
    listing,
    render_mail,
    sort_key,
    subject,
)
from tracker.tasks import cadence

KIND = "weekly_digest"

SECTIONS = ("returned", "overdue", "this_week", "next_week", "report_due", "stale")

TITLES = {
    "returned": N_("Nhiệm vụ bị trả lại, cần thực hiện lại"),
    "overdue": N_("Nhiệm vụ quá hạn"),
    "this_week": N_("Nhiệm vụ đến hạn trong tuần này"),
    "next_week": N_("Nhiệm vụ đến hạn trong tuần sau"),
    "report_due": N_("Nhiệm vụ thường xuyên đến kỳ báo cáo"),
    "stale": N_("Nhiệm vụ chưa cập nhật tiến độ từ %(days)s ngày trở lên"),
}

# A section lists this many items at most (the most urgent first); the rest are counted and
# one click away on the unit's page, so a mail stays short enough to read.
SECTION_LIMIT = 25

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
class Window:
    """The days and instants one digest is built for."""

    at: datetime
    today: date
    week: str
    monday: date
    sunday: date
    next_sunday: date
    stale_days: int

    @property
    def week_label(self) -> str:
        """The week as Vietnamese write it: "20/2026"."""
        return periods.week_label(self.week)

    @property
    def stale_before(self) -> datetime:
        return self.at - timedelta(days=self.stale_days)

    @classmethod
    def at_instant(cls, at: datetime) -> Window:
        tz = get_clock().tz
        today = periods.local_date(at, tz)
        monday, sunday = periods.week_bounds(today)
        return cls(
            at=at,
            today=today,
            week=periods.week_of(today),
            monday=monday,
            sunday=sunday,
            next_sunday=sunday + timedelta(days=7),
            stale_days=int(current_app.config["STALE_DAYS"]),
        )

    def section(self, assignment: Assignment) -> str | None:
        """The first section ``assignment`` belongs in (each item is listed once), or None."""
        deadline = assignment.deadline
        if deadline is not None:
            if deadline < self.today:
                return "overdue"
            if deadline <= self.sunday:
                return "this_week"
            if deadline <= self.next_sunday:
                return "next_week"
        since = assignment.last_report_at or assignment.created_at
        return "stale" if since <= self.stale_before else None


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


def _stale(window: Window):
    return (Assignment.last_report_at <= window.stale_before) | (
        Assignment.last_report_at.is_null() & (Assignment.created_at <= window.stale_before)
    )


# Open ongoing work with a reporting cadence: "report due" or not is decided in Python from its
# reports (``cadence.due_now``), so all of it is loaded (a small share of the work).
ONGOING = "ongoing"


def _cadenced():
    """Ongoing work whose task reports on a cadence (``ONGOING``), as SQL.

    The task's cadence is asked of ongoing work only (an index lookup each), not joined to
    every open item: at a million tasks that join read the whole task table (issue 13).
    """
    reports = Task.alias("reported")
    has_cadence = fn.EXISTS(
        reports.select(SQL("1")).where(
            (reports.id == Assignment.task) & (reports.report_cadence != "")
        )
    )
    return (Assignment.deadline_kind == "ongoing") & has_cadence


def _section(window: Window):
    """The section of open work as SQL, as ``Window.section`` gives it (returned work first),
    ``ONGOING`` for ongoing work with a reporting cadence, NULL for none."""
    return Case(
        None,
        [
            (Assignment.status == "returned", "returned"),
            (_cadenced(), ONGOING),
            (Assignment.deadline < window.today, "overdue"),
            (Assignment.deadline <= window.sunday, "this_week"),
            (Assignment.deadline <= window.next_sunday, "next_week"),
            (_stale(window), "stale"),
        ],
        None,
    )


def _in_section(window: Window) -> list[tuple[str, object]]:
    """``_section``'s CASE spelled out, section by section, for open work not returned: each
    condition holds exactly when the CASE gives that section (the later branches of a CASE
    hold only where the earlier do not). Each names the range of deadlines it takes, so an
    index on the deadline finds its items in order; "stale" is two, with a deadline after
    next week and with none (an index reads each in order, not both at once)."""
    d = Assignment.deadline
    dated = ~_cadenced()  # never NULL: deadline_kind is NOT NULL, EXISTS is true or false
    stale = _stale(window)
    return [
        ("overdue", dated & (d < window.today)),
        ("this_week", dated & (d >= window.today) & (d <= window.sunday)),
        ("next_week", dated & (d > window.sunday) & (d <= window.next_sunday)),
        ("stale", dated & (d > window.next_sunday) & stale),
        ("stale", dated & d.is_null() & stale),
    ]


def _open_work(unit_id: int | None):
    """The open work of the active units (or of ``unit_id``): what the digests look at."""
    query = Assignment.select().where(
        Assignment.unit.in_(Unit.select(Unit.id).where(Unit.active == True)),  # noqa: E712
        Assignment.status.in_(ACTIONABLE),
    )
    return query if unit_id is None else query.where(Assignment.unit == unit_id)


def _ranked_by_window(window: Window, unit_id: int | None):
    """Every open item's section, its rank in the section and the section's size: one window
    over all the open work, ranked by a sort of all of it (SQLite; ``_ranked_per_unit`` on
    PostgreSQL). Columns: aid, section, rn, total."""
    # Each open item's section, computed once: the OFFSET keeps the database from copying the
    # CASE (and its question to the task) into the window's sort and partition keys.
    sections = (
        _open_work(unit_id)
        .select(
            Assignment.id.alias("aid"),
            Assignment.unit.alias("unit_id"),
            Assignment.deadline.alias("deadline"),
            _section(window).alias("section"),
        )
        .offset(0)
        .alias("sections")
    )
    item = sections.c
    per_section = [item.unit_id, item.section]
    rank = fn.ROW_NUMBER().over(
        partition_by=per_section,
        # Not by title (a collated sort of every open item costs more than the rest): ties
        # at the cut go to the older assignment; the items kept are then sorted by sort_key.
        order_by=[item.deadline.is_null(), item.deadline, item.aid],
    )
    return Select(
        from_list=[sections],
        columns=[
            item.aid,
            item.section,
            rank.alias("rn"),
            fn.COUNT(item.aid).over(partition_by=per_section).alias("total"),
        ],
    ).where(item.section.is_null(False))


def _ranked_per_unit(window: Window, unit_id: int | None):
    """``_ranked_by_window``'s rows that matter, read from indexes (PostgreSQL).

    A province has hundreds of thousands of open items; a window over them sorted them all
    (and spilled to disk) to keep 25 a section. Here, for each unit (a LATERAL subquery), each
    status and each section, the first ``SECTION_LIMIT`` in the digest's order are read from
    the index ``(unit_id, status, deadline, id, …)`` (migration 0024) and no more (those
    without a deadline too, in id order); the first of each section are
    among them (they are the first of their status), and the window ranks these few only.
    Each section's size is counted per unit in one pass over the open work (FILTER per
    section: 150 groups, no sort), and the ongoing work with a cadence is listed whole, as
    before. Columns: aid, section, rn, total.
    """
    section = _section(window)
    units = Unit.select(Unit.id).where(Unit.active == True)  # noqa: E712
    if unit_id is not None:
        units = units.where(Unit.id == unit_id)
    limit = SECTION_LIMIT

    def first(status: str, name: str, condition) -> Select:
        """The unit's first items of ``status`` in section ``name`` (``condition``), in the
        index's order: deadline (none last), then id."""
        return (
            Assignment.select(
                Assignment.id.alias("aid"),
                Assignment.unit.alias("unit_id"),
                Assignment.deadline.alias("deadline"),
                Value(name).alias("section"),
            )
            .where(Assignment.unit == Unit.id, Assignment.status == status, condition)
            .order_by(Assignment.deadline.asc(nulls="LAST"), Assignment.id)
            .limit(limit)
        )

    # Returned work is in "returned" whatever its deadline; the rest by _in_section.
    parts = [first("returned", "returned", True)]
    for status in ACTIONABLE:
        if status != "returned":
            parts += [first(status, name, cond) for name, cond in _in_section(window)]
    compound = parts[0]
    for part in parts[1:]:
        compound = compound + part  # UNION ALL
    firsts = units.select(SQL("first.*")).join(
        compound.alias("first"), JOIN.LATERAL, on=SQL("TRUE")
    )
    reported = Task.alias("cadenced")
    ongoing = (
        _open_work(unit_id)
        .select(
            Assignment.id.alias("aid"),
            Assignment.unit.alias("unit_id"),
            Assignment.deadline.alias("deadline"),
            Value(ONGOING).alias("section"),
        )
        # Implied by the section; lets the database start from the tasks with a cadence.
        .join(reported, on=(reported.id == Assignment.task) & (reported.report_cadence != ""))
        .where(section == ONGOING)
    )
    candidates = (firsts + ongoing).alias("candidates")
    sizes = (
        _open_work(unit_id)
        .select(Assignment.unit.alias("unit_id"), section.alias("section"))
        .offset(0)  # the CASE computed once per item, not once per count
        .alias("open_work")
    )
    counted = [name for name in SECTIONS if name != "report_due"]
    counts = (
        Select(
            from_list=[sizes],
            columns=[
                sizes.c.unit_id,
                *(
                    fn.COUNT(SQL("*")).filter(sizes.c.section == name).alias(name)
                    for name in counted
                ),
            ],
        )
        .group_by(sizes.c.unit_id)
        .alias("counts")
    )
    item = candidates.c
    rank = fn.ROW_NUMBER().over(
        partition_by=[item.unit_id, item.section],
        order_by=[item.deadline.is_null(), item.deadline, item.aid],
    )
    total = Case(item.section, [(name, getattr(counts.c, name)) for name in counted], None)
    return Select(
        from_list=[candidates],
        columns=[item.aid, item.section, rank.alias("rn"), total.alias("total")],
    ).join(counts, JOIN.LEFT_OUTER, on=(counts.c.unit_id == item.unit_id))


def _work(window: Window, unit_id: int | None):
    """The items the digests list, task, meeting and unit joined (one query).

    The first ``SECTION_LIMIT`` of each unit's section (earliest deadline first, none last),
    each with its section's size counted by the database
    (``row.ranked["section"]``, ``row.ranked["total"]``), and all the ``ONGOING`` work.
    """
    if is_postgres():
        ranked = _ranked_per_unit(window, unit_id)
    else:
        ranked = _ranked_by_window(window, unit_id)
    ranked = ranked.alias("ranked")
    return (
        listing(unit=False)
        .select_extend(ranked.c.section, ranked.c.total)
        .join_from(Assignment, ranked, on=(Assignment.id == ranked.c.aid), attr="ranked")
        .where((ranked.c.rn <= SECTION_LIMIT) | (ranked.c.section == ONGOING))
    )


class _Meeting:
    """The meeting of a digest's item: what its line shows."""

    __slots__ = ("id", "title", "notice_number", "notice_date")

    def __init__(self, id: int, title: str, notice_number: str, notice_date: date | None):
        self.id, self.title = id, title
        self.notice_number, self.notice_date = notice_number, notice_date


class _Task:
    """The task of a digest's item: what its line and its reporting cadence need."""

    __slots__ = ("id", "title", "meeting_id", "meeting", "report_cadence")

    def __init__(self, id: int, title: str, meeting: _Meeting | None, report_cadence: str):
        self.id, self.title, self.report_cadence = id, title, report_cadence
        self.meeting_id = meeting.id if meeting is not None else None
        self.meeting = meeting


class _Item:
    """One row of ``_work``: the assignment's columns a line reads, its task and meeting, and
    ``ranked`` (its section and the section's size), as the joined models would give them."""

    __slots__ = (
        "id",
        "task_id",
        "unit_id",
        "role",
        "status",
        "progress",
        "deadline",
        "last_report_at",
        "created_at",
        "deadline_kind",
        "task",
        "unit",
        "ranked",
    )


def _rows(query: Select) -> list[_Item]:
    """The rows of ``_work`` as plain objects, each meeting made once.

    Tens of thousands of rows: a model of each of the three joined tables per row, and every
    column passed through its field, cost more than the query. Only the dates and instants
    need converting (SQLite gives them as text), each distinct date once; an instant's text
    is read by ``_instant``.
    """
    meetings: dict[int, _Meeting] = {}
    dates: dict[object, date | None] = {None: None}
    to_date = Assignment.deadline.python_value
    found = []
    for (
        aid,
        task_id,
        unit_id,
        role,
        status,
        progress,
        deadline,
        last_report_at,
        created_at,
        deadline_kind,
        _task_id,
        title,
        meeting_id,
        report_cadence,
        _meeting_id,
        meeting_title,
        notice_number,
        notice_date,
        section,
        total,
    ) in database.execute(query):
        if deadline not in dates:
            dates[deadline] = to_date(deadline)
        meeting = None
        if meeting_id is not None:
            meeting = meetings.get(meeting_id)
            if meeting is None:
                meeting = meetings[meeting_id] = _Meeting(
                    meeting_id, meeting_title, notice_number, to_date(notice_date)
                )
        row = _Item()
        row.id, row.task_id, row.unit_id = aid, task_id, unit_id
        row.role, row.status, row.progress = role, status, progress
        row.deadline = dates[deadline]
        row.last_report_at = _instant(last_report_at)
        row.created_at = _instant(created_at)
        row.deadline_kind = deadline_kind
        row.task = _Task(task_id, title, meeting, report_cadence)
        row.unit = None
        row.ranked = {"section": section, "total": total}
        found.append(row)
    return found


def _instant(value: object) -> datetime | None:
    """An instant column's value as its field gives it (``InstantField``: aware, UTC), the
    text SQLite keeps ("2026-05-04 08:30:00.123456") read without ``strptime``."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is None and len(value) >= 19:
            return parsed.replace(tzinfo=UTC)
    return Assignment.created_at.python_value(value)


@contextmanager
def _compiled_plans_off() -> Iterator[None]:
    """On PostgreSQL, the items' query runs without JIT compilation, in a transaction of its
    own (a savepoint when in one already; the setting then lasts until that one ends).

    Its cost estimate (150 units' LATERAL subqueries, a CASE asking the tasks) is above the
    server's ``jit_above_cost``: compiling it took 0.4 to 2.9 s on a province's data, for a
    statement that runs in about 1 s without (docs/performance.md, "The weekly digests").
    """
    if not is_postgres():
        yield
        return
    with database.atomic():
        database.execute_sql("SET LOCAL jit = off")
        yield


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
    return {"sections": SECTIONS, "titles": TITLES, "limit": SECTION_LIMIT, "links": SECTION_LINKS}


def digests(at: datetime, unit_id: int | None = None) -> list[Digest]:
    """The non-empty digests of the week of ``at``, in unit display order.

    The database counts each section and returns only the items a mail lists (at most
    ``SECTION_LIMIT`` per section): a province's open work is not loaded row by row.
    """
    window = Window.at_instant(at)
    line = Lines(at)
    by_unit: dict[int, Digest] = {}
    with _compiled_plans_off():
        work = _rows(_work(window, unit_id))
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
