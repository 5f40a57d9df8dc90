"""The leader's overview ("Tổng hợp") and the list of assignments behind each of its numbers."""

from __future__ import annotations

from datetime import date
from math import ceil
from typing import Any

from flask import Blueprint, Response, current_app, make_response, request, url_for
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block

from tracker.core import timeliness
from tracker.core.search_index import search_plans
from tracker.models import Assignment, Unit, UnitKind
from tracker.overview import queries
from tracker.overview.queries import Filters, InvalidFilter, parse_filters
from tracker.policy import require
from tracker.web.numbers import percent_text
from tracker.web.pagination import Page, page_number, paginate_ids, sort_key
from tracker.web.rendering import render

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

OVERDUE_PER_PAGE = 10
# Rows of the list behind a number: twelve keep it within the 15 KB page budget.
LIST_PER_PAGE = 12

# CSS modifier of each overdue band (timeliness.overdue_band).
BAND_CLASSES = {"1–7": "band-1", "8–30": "band-2", ">30": "band-3"}


def _overdue_rows(items: list[Assignment], today: date) -> list[tuple[Assignment, int, str, str]]:
    """Each overdue assignment with its days overdue, band and the band's CSS class."""
    rows = []
    for a in items:
        days = timeliness.days_late(a.status, a.stats_deadline, a.completed_on, today)
        band = timeliness.overdue_band(days)
        rows.append((a, days, band, BAND_CLASSES.get(band, "")))
    return rows


def _percent(rate: float | None) -> str:
    """A share as a percentage in the user's locale ("66,7%"), or a dash without data."""
    return percent_text(rate)


def _link(filters: Filters, **overrides: Any) -> str:
    """The list behind a number: ``filters`` with ``overrides``."""
    return url_for("dashboard.assignments", **filters.args(**overrides))


def leader_home() -> Response:
    """Counts per unit and timeliness category, then the overdue list (htmx: that list only)."""
    require(current_user, "dashboard.view")
    today, window = timeliness.context()
    context: dict[str, Any] = {
        "today": today,
        "order": timeliness.ORDER,
        "meetings": queries.meetings_for_select(request.args.get("meeting")),
        "kinds": UnitKind.labels(),
        "percent": _percent,
    }
    try:
        filters = parse_filters(request.args, ("kind", "meeting"))
    except InvalidFilter:
        return render(
            "overview/home/leader.html",
            block="overdue",
            status=400,
            invalid=True,
            filters=Filters(),
            rows=[],
            totals=None,
            overdue=None,
            overdue_rows=[],
            **context,
        )
    rows, totals = queries.summary(filters, today, window)
    # The overdue list covers the summary's units: its length is the total's overdue count.
    total = totals.counts["overdue"]
    number = min(page_number(), max(1, ceil(total / OVERDUE_PER_PAGE)))
    items = queries.overdue_page(
        [r.unit for r in rows], filters, today, window, number, OVERDUE_PER_PAGE
    )
    page = Page(items=items, page=number, per_page=OVERDUE_PER_PAGE, total=total)
    return render(
        "overview/home/leader.html",
        block="overdue",
        filters=filters,
        rows=rows,
        totals=totals,
        overdue=page,
        overdue_rows=_overdue_rows(page.items, today),
        link=lambda **kw: _link(filters, **kw),
        **context,
    )


@bp.route("/meeting-options")
@login_required
def meeting_options() -> Response:
    """The meeting filter's options for what was typed in its search field (htmx)."""
    require(current_user, "dashboard.view")
    search = request.args.get("mq", "").strip()[:100]
    meetings = queries.meetings_for_select(request.args.get("meeting"), search)
    try:
        chosen = queries.parse_filters(request.args, ("meeting",))
    except InvalidFilter:
        chosen = Filters()
    # Only the options, whether htmx asks or not: it is never a page of its own.
    body = render_block(
        "overview/home/leader.html", "meeting_options", meetings=meetings, filters=chosen
    )
    response = make_response(body)
    response.vary.add("HX-Request")
    return response


@bp.route("/assignments")
@login_required
def assignments() -> Response:
    """The assignments behind a number of the overview, filtered, sorted and paginated."""
    require(current_user, "dashboard.view")
    today, window = timeliness.context()
    context: dict[str, Any] = {
        "order": timeliness.ORDER,
        "meetings": queries.meetings_for_select(request.args.get("meeting")),
        "units": list(Unit.active_ordered()),
        "kinds": UnitKind.labels(),
    }
    sort, terms = sort_key(queries.SORTS, "deadline")
    try:
        filters = parse_filters(request.args)
    except InvalidFilter:
        return render(
            "overview/dashboard/assignments.html",
            block="results",
            status=400,
            invalid=True,
            filters=Filters(),
            sort=sort,
            page=None,
            rows=[],
            **context,
        )
    if filters.unit is not None and not filters.unit.active:
        context["units"].insert(0, filters.unit)
    per_page = min(current_app.config["PAGE_SIZE"], LIST_PER_PAGE)
    with search_plans(bool(filters.q)):
        page = paginate_ids(
            queries.assignments(filters, today, window),
            queries.assignments(
                filters, today, window, ids_only=True, by_unit=sort.lstrip("-") == "unit"
            ),
            [*terms, Assignment.id],
            per_page,
        )
    rows = [(a, a.category()) for a in page.items]
    return render(
        "overview/dashboard/assignments.html",
        block="results",
        filters=filters,
        sort=sort,
        page=page,
        rows=rows,
        **context,
    )
