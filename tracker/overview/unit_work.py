"""A unit's work list ("Việc của đơn vị"): the officer's home and /units/<id> share it."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Response, current_app, request
from flask_login import current_user
from peewee import fn

from tracker.assignments.forms import Row, build_row, row_labels
from tracker.assignments.queries import action_rank, listing
from tracker.core import prepared, timeliness
from tracker.core.prepared import slot
from tracker.core.search_index import matching
from tracker.core.timeliness import CATEGORIES, ORDER
from tracker.followup import drafts
from tracker.models import STATUSES, Assignment, Meeting, Task, Unit
from tracker.overview import counts as cache
from tracker.overview import ranked
from tracker.policy import can
from tracker.tasks import cadence
from tracker.web.lookup import get_or_404
from tracker.web.pagination import NullsLast, Page, page_number, paginate_ids, sort_key
from tracker.web.rendering import render, wants_fragment

COUNTERS = ("partials/assignment_counters.html", "counters")

# Rows per page of a unit's work list: a row carries its task, meeting, deadline, status and
# actions, so eight keep the page within its 15 KB budget (the other lists show PAGE_SIZE).
WORK_PAGE_SIZE = 8


# What a row shows (partials/work_row.html, report cadences, the policy's checks): the tasks'
# and meetings' long texts (content, conclusion, attendees, search text) are not read.
ROW_COLUMNS = (
    Assignment,
    Task.id,
    Task.meeting,
    Task.number,
    Task.title,
    Task.deadline_kind,
    Task.deadline,
    Task.report_cadence,
    Meeting.id,
    Meeting.title,
    Meeting.notice_number,
    Unit,
)

SORTS = {
    "deadline": [NullsLast(Assignment.deadline), Assignment.id],
    "title": [fn.LOWER(Task.title), Assignment.id],
    "status": [Assignment.status, Assignment.id],
    "progress": [Assignment.progress, Assignment.id],
    "updated": [NullsLast(Assignment.last_report_at), Assignment.id],
}


def sorts() -> dict[str, list]:
    """``SORTS`` and the default "action": what needs the unit's action first, then deadline."""
    action = [action_rank(*timeliness.context()), *SORTS["deadline"]]
    return {**SORTS, "action": action}


def unit_assignments(unit_id: int):
    """The unit's assignments with their task, meeting and unit, in one query."""
    return listing().where(Assignment.unit == unit_id)


@dataclass
class WorkFilters:
    """The list's filters as read from the query string; unknown values are ignored."""

    status: str = ""
    category: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args) -> WorkFilters:
        status = args.get("status", "")
        category = args.get("category", "")
        return cls(
            status=status if status in STATUSES else "",
            category=category if category in CATEGORIES else "",
            q=args.get("q", "").strip()[:200],
        )

    @property
    def active(self) -> bool:
        return bool(self.status or self.category or self.q)

    def apply(self, query):
        """``query`` narrowed to these filters."""
        if self.status:
            query = query.where(Assignment.status == self.status)
        if self.category:
            query = query.where(Assignment.in_category(self.category))
        return matching(query, Task, self.q)


def unit_counts(unit_id: int) -> dict[str, int]:
    """How many of the unit's assignments fall in each timeliness category (cached per unit)."""
    return unit_counts_and_total(unit_id)[0]


def unit_counts_and_total(unit_id: int) -> tuple[dict[str, int], int]:
    """The unit's counts per category and how many assignments it has (cached per unit)."""
    today, window = timeliness.context()
    tally = cache.tallies([unit_id], today, window)[unit_id]
    return dict(tally.counts), tally.total


@dataclass
class Counter:
    """One category's counter above the list: a link that filters the list by it."""

    category: str
    label: str
    count: int
    href: str
    active: bool


def counters(unit_id: int, list_url: str, counts: dict[str, int] | None = None) -> list[Counter]:
    """The counters of ``unit_id``, linking to the list page at ``list_url``.

    ``list_url`` is the list page being looked at (path and query): its category marks the
    active counter, and clicking that counter again clears the filter.
    """
    parts = urlsplit(list_url)
    current = parse_qs(parts.query).get("category", [""])[0]
    counts = unit_counts(unit_id) if counts is None else counts
    result = []
    for cat in ORDER:
        active = cat == current
        href = parts.path if active else f"{parts.path}?{urlencode({'category': cat})}"
        result.append(Counter(cat, CATEGORIES[cat], counts[cat], href, active))
    return result


def here() -> str:
    """The current page's path and query, to come back to after a form is posted."""
    return request.full_path.rstrip("?")


def _page(
    unit_id: int, filters: WorkFilters, sort: str, order: list, total: int | None = None
) -> Page:
    """One page of the unit's list: ids first from ``assignment`` alone, then their rows.

    Counting and sorting the unit's thousands of assignments touch only the assignment table
    (and the task table for a title search or sort); the joins are made for the page's rows.
    Without a text search the three queries have a fixed shape per filter, sort and day: their
    SQL is written once (``tracker.core.prepared``), and only the unit, page and ids change.
    Without any filter, ``total`` (all the unit's assignments, from the cached counts) spares
    the count, and the default order is read from an index (``ranked``) instead of sorting
    every assignment of the unit.
    """
    needs_task = bool(filters.q) or sort.lstrip("-") == "title"
    per_page = min(current_app.config["PAGE_SIZE"], WORK_PAGE_SIZE)

    def base(unit):
        query = Assignment.select(Assignment.id)
        if needs_task:
            query = query.join(Task)
        return filters.apply(query.where(Assignment.unit == unit))

    if filters.q:
        return paginate_ids(listing(*ROW_COLUMNS), base(unit_id), order, per_page)
    shape = ("unit-work", filters.status, filters.category, sort, *timeliness.context())
    if total is None or filters.active:
        total = prepared.count(shape, lambda: base(slot(0)), [unit_id])
    page = min(page_number(), max(1, ceil(total / per_page)))
    if sort == "action" and not filters.active:
        ids = ranked.page_ids(unit_id, per_page, (page - 1) * per_page)
    else:
        ids = [
            row[0]
            for row in prepared.select(
                shape,
                lambda: base(slot(0)).order_by(*order).limit(slot(1)).offset(slot(2)).tuples(),
                [unit_id, per_page, (page - 1) * per_page],
            )
        ]
    rows = prepared.select(
        ("unit-work-rows", len(ids)),
        lambda: listing(*ROW_COLUMNS).where(Assignment.id.in_([slot(n) for n in range(len(ids))])),
        ids,
    )
    position = {row_id: n for n, row_id in enumerate(ids)}
    items = sorted(rows, key=lambda a: position[a.id])
    return Page(items=items, page=page, per_page=per_page, total=total)


def work_page(template: str, unit: Unit, **extra: object) -> Response:
    """Render a unit's work list page (or, to htmx, the list plus its counters)."""
    filters = WorkFilters.from_args(request.args)
    url = here()
    sort, order = sort_key(sorts(), "action")
    counts, total = unit_counts_and_total(unit.id)
    page = _page(unit.id, filters, sort, order, total)
    user = current_user._get_current_object()  # the user, not the proxy, for each row's checks
    rows: list[Row] = [build_row(a, user) for a in page.items]
    return render(
        template,
        block="work_list",
        oob=[COUNTERS],
        unit=unit,
        page=page,
        rows=rows,
        labels=row_labels(),
        report_statuses=cadence.statuses(page.items),
        filters=filters,
        sort=sort,
        counters=counters(unit.id, url, counts),
        next_url=url,
        show_actions=can(user, "unit.act", unit),
        lazy_forms=True,
        **extra,
    )


# How many of the drafts waiting for the unit head his home page names (the rest: a count).
WAITING_SHOWN = 5


@dataclass
class Waiting:
    """The handlers' drafts waiting for the unit head: how many, and the oldest few."""

    count: int
    drafts: list


def drafts_waiting(unit: Unit) -> Waiting | None:
    """For the one who approves the unit's drafts (``unit.decide_drafts``): those waiting, if
    any; for everyone else, and for the list alone (htmx), None (and no query)."""
    if wants_fragment() or not can(current_user, "unit.decide_drafts", unit):
        return None
    count = prepared.count("drafts.waiting", _waiting, [unit.id])
    if not count:
        return None
    rows = prepared.select(
        "drafts.waiting.first", lambda: _waiting().limit(WAITING_SHOWN), [unit.id]
    )
    return Waiting(count, list(rows))


def _waiting():
    return drafts.waiting_in_unit(slot(0))


def officer_home() -> Response:
    """The officer's home ("Việc của đơn vị"): their unit's work and inline actions; for the
    unit head, first the handlers' drafts waiting for his approval."""
    unit = get_or_404(Unit, current_user.unit_id)
    return work_page("overview/home/officer.html", unit, waiting=drafts_waiting(unit))
