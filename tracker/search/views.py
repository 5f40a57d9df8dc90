"""/search: meetings, tasks and progress reports, without accents or case, scoped to the user.

Every word of the query must start a word of the row's folded text (tracker/search_index.py),
so "cai cach hanh chinh" finds "cải cách hành chính" and "DUONG" finds "đường".
"""

from __future__ import annotations

from math import ceil

from flask import Blueprint, current_app, request
from flask_login import login_required
from peewee import JOIN
from werkzeug.wrappers import Response

from tracker.auth.sessions import current_account
from tracker.core.i18n import N_
from tracker.core.search_index import matches, search_plans, sort_term
from tracker.core.textfold import highlight, terms
from tracker.models import Assignment, Meeting, ProgressReport, Task, Unit, User
from tracker.policy import visible, visible_meetings, visible_tasks
from tracker.web.pagination import Page, page_number
from tracker.web.rendering import render

bp = Blueprint("search", __name__)
bp.add_app_template_global(highlight, "highlight")

KINDS = {
    "meeting": N_("Cuộc họp"),
    "task": N_("Nhiệm vụ"),
    "report": N_("Báo cáo tiến độ"),
}
# Results of each kind shown on the "all kinds" page; the kind's own page has them all.
PREVIEW = 5
# Matches counted at most: a word as short as "d" matches most rows, and counting them all
# would scan the whole table; beyond this the page says "1000+" and asks for more words.
COUNT_CAP = 1000


def visible_reports(user: User):
    """Progress reports ``user`` may find (officers: their own unit's only), with their
    assignment, task and unit."""
    query = ProgressReport.select(ProgressReport, Assignment, Task, Unit).join(Assignment)
    return visible(user, query.join(Task).switch(Assignment).join(Unit))


def search_query(user: User, kind: str, words: list[str]):
    """The ordered query of one kind's results for ``words``."""
    if kind == "meeting":
        return (
            visible_meetings(user)
            .where(matches(Meeting, words))
            .order_by(sort_term(Meeting.held_on).desc(), sort_term(Meeting.id).desc())
        )
    if kind == "task":
        return (
            visible_tasks(user)
            .select(Task, Meeting)
            .join(Meeting, on=(Task.meeting == Meeting.id), join_type=JOIN.LEFT_OUTER)
            .where(matches(Task, words))
            .order_by(sort_term(Task.id).desc())
        )
    return (
        visible_reports(user)
        .where(matches(ProgressReport, words))
        .order_by(sort_term(ProgressReport.id).desc())
    )


def _page(query, total: int) -> Page:
    """One page of ``query`` whose (capped) row count is ``total``."""
    per_page = current_app.config["PAGE_SIZE"]
    total = min(total, COUNT_CAP)
    page = min(page_number(), max(1, ceil(total / per_page)))
    items = list(query.paginate(page, per_page))[: max(0, total - (page - 1) * per_page)]
    return Page(items, page, per_page, total)


@bp.route("/search")
@login_required
def index() -> Response:
    """The search page; htmx gets the results block (active search, pages, kind tabs)."""
    user = current_account()
    q = request.args.get("q", "").strip()[:200]
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    words = terms(q)
    counts: dict[str, int] = {}
    groups: dict[str, list] = {}
    page: Page | None = None
    with search_plans():
        for name in KINDS if words else ():
            query = search_query(user, name, words)
            counts[name] = query.order_by().limit(COUNT_CAP + 1).count()
            if kind == name:
                page = _page(query, counts[name])
                groups[name] = page.items
            elif not kind and counts[name]:
                groups[name] = list(query.limit(PREVIEW))
    return render(
        "search/index.html",
        block="results",
        q=q,
        kind=kind,
        words=words,
        kinds=KINDS,
        counts=counts,
        groups=groups,
        page=page,
        total=sum(min(c, COUNT_CAP) for c in counts.values()),
        more=any(c > COUNT_CAP for c in counts.values()),
        preview=PREVIEW,
        cap=COUNT_CAP,
        current_page=page_number(),
    )
