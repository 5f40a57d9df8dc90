"""The leaders' queues: work awaiting confirmation ("Chờ xác nhận") and extension requests
awaiting a decision ("Xin gia hạn"), with their counts in the navigation.

Leaders and admins decide; secretaries may look. The navigation's counts are a fragment of
their own (``partials/queue_counts.html``) that reloads itself when a response carries the
``queues-changed`` event: every successful htmx POST by someone who sees the queues does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import flask_htmx
from flask import Blueprint, Response, current_app, make_response, request
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block
from peewee import JOIN, SQL, ModelSelect, Select, fn

from tracker.assignments.queries import listing
from tracker.core import prepared, timeliness
from tracker.core.extensions import htmx
from tracker.core.search_index import matching, search_plans
from tracker.core.timeliness import CLOSED
from tracker.followup.extension_request_forms import DecisionForm, decision_form
from tracker.followup.submission_forms import DecisionForm as ReturnForm
from tracker.followup.submission_queries import Evidence, evidence_of
from tracker.models import DECISIONS, Assignment, ExtensionRequest, Meeting, Task, Unit, User
from tracker.overview.counts import tallies
from tracker.policy import can, get_visible_or_404, require
from tracker.web.lookup import get_or_404
from tracker.web.pagination import NullsLast, paginate, paginate_ids, sort_key
from tracker.web.rendering import render
from tracker.web.urls import safe_next

bp = Blueprint("queues", __name__, url_prefix="/queues")
bp.add_app_template_global(DECISIONS, "DECISIONS")

EVENT = "queues-changed"

# A row's forms are fetched when its "Xác nhận / trả lại" or "Cho ý kiến" opens (htmx; without
# JavaScript the row links to the assignment page, which has them); twelve rows a page keep
# either queue within its 15 KB budget (the other lists show PAGE_SIZE).
QUEUE_PAGE_SIZE = 12

SUBMITTED_SORTS = {
    "submitted": [NullsLast(Assignment.submitted_at), Assignment.id],
    "deadline": [NullsLast(Assignment.deadline), Assignment.id],
    "unit": [Unit.sort_order, Unit.name, Assignment.id],
}

EXTENSION_SORTS = {
    "created": [ExtensionRequest.created_at, ExtensionRequest.id],
    "requested": [ExtensionRequest.requested_deadline, ExtensionRequest.id],
    "unit": [Unit.sort_order, Unit.name, ExtensionRequest.id],
}


def _pending_extensions():
    """Requests awaiting a decision on work that is still open."""
    return (
        ExtensionRequest.select()
        .join(Assignment)
        .where(ExtensionRequest.status == "pending", Assignment.status.not_in(CLOSED))
    )


@dataclass
class Counts:
    submitted: int
    extensions: int


def _extensions_query() -> Select:
    return _pending_extensions().select(fn.COUNT(SQL("1"))).tuples()


@bp.app_template_global("queue_counts")
def counts() -> Counts:
    """How many items each queue holds. The work waiting for confirmation is summed from the
    units' cached tallies (``overview.counts``: the units' counter versions are read, a unit
    changed since is counted again), so the count does not grow with the database; the
    pending extension requests are few, counted in one statement written once."""
    today, window = timeliness.context()
    submitted = sum(t.submitted for t in tallies(None, today, window).values())
    (extensions,) = prepared.first("queue_counts.extensions", _extensions_query, [])
    return Counts(submitted=submitted, extensions=int(extensions or 0))


def _events(header: str) -> dict[str, object]:
    """The events an ``HX-Trigger`` header already names (a JSON object, or names and commas),
    so that announcing one more keeps them."""
    if header.lstrip().startswith("{"):
        return json.loads(header)
    return {name.strip(): True for name in header.split(",") if name.strip()}


@bp.after_app_request
def _announce_change(response: Response) -> Response:
    """Tell the page the queues may have changed after a successful htmx POST.

    The navigation's counts listen for the event (``hx-trigger="queues-changed from:body"``),
    so any module's action — a confirmation, a decision on an extension — refreshes them. The
    header is written as JSON (flask-htmx encodes a dict, every non-ASCII letter escaped), so
    an event named in Vietnamese would still be a valid Latin-1 header.
    """
    if (
        request.method == "POST"
        and htmx
        and response.status_code < 300
        and can(current_user, "queue.view")
    ):
        events = _events(response.headers.get("HX-Trigger", ""))
        events.setdefault(EVENT, True)
        response = flask_htmx.make_response(response, trigger=events)
    return response


@bp.route("/counts")
@login_required
def counts_fragment() -> Response:
    """The navigation's counts, alone (they reload themselves through htmx)."""
    require(current_user, "queue.view")
    return render("partials/queue_counts.html")


def _per_page() -> int:
    return min(current_app.config["PAGE_SIZE"], QUEUE_PAGE_SIZE)


def _row_to_decide(action: str, query: ModelSelect, row_id: int) -> Any:
    """The row of ``query`` whose decision forms open, for one who sees the queues and may take
    ``action`` on it (a row they may not see is a 404)."""
    require(current_user, "queue.view")
    require(current_user, action)
    return get_visible_or_404(current_user, query, row_id)


def _row_forms(template: str, **context: Any) -> Response:
    """A row's decision forms alone (the template's block ``actions``), fetched by htmx when the
    row opens; they lead back to the queue page ``next`` names. The answer differs from the
    page it came from."""
    here = safe_next(request.args.get("next")) or ""
    response = make_response(render_block(template, "actions", here=here, **context))
    response.vary.add("HX-Request")
    return response


def _queue_page(
    template: str,
    query: ModelSelect,
    sorts: dict[str, Any],
    default_sort: str,
    decide: str,
    item: Callable[[Any], Any] = lambda row: row,
    ids: Callable[[bool, str], ModelSelect] | None = None,
) -> Response:
    """A queue's page (its list alone for htmx): ``query`` searched by task title, sorted and
    paginated, each row made ``item`` (what the row's template takes); its rows' decision forms
    open for those who may ``decide``.

    ``ids(searching, sort)``: the rows' ids with only the joins the search and the sort need;
    the page is then counted and sorted on them, and only its own rows read whole
    (``paginate_ids``): a queue of thousands costs as much as one of twelve, nearly."""
    q = request.args.get("q", "").strip()[:200]
    query = matching(query, Task, q)
    sort, terms = sort_key(sorts, default_sort)
    with search_plans(bool(q)):
        if ids is None:
            page = paginate(query.order_by(*terms), per_page=_per_page())
        else:
            key = query.model._meta.primary_key
            id_query = matching(ids(bool(q), sort.lstrip("-")), Task, q)
            page = paginate_ids(query, id_query, [*terms, key], _per_page())
    return render(
        template,
        block="queue",
        page=replace(page, items=[item(row) for row in page.items]),
        sort=sort,
        q=q,
        may_decide=can(current_user, decide),
        here=request.full_path.rstrip("?"),
    )


@bp.route("/submitted")
@login_required
def submitted() -> Response:
    """Chờ xác nhận: work the units report done, oldest submission first; a row's confirm
    and return forms are fetched when it opens (``submitted_actions``)."""
    require(current_user, "queue.view")
    # What the rows show: the work, its task's number and title, meeting's title, unit's name.
    query = listing(
        Assignment,
        Task.id,
        Task.number,
        Task.title,
        Task.meeting,
        Meeting.id,
        Meeting.title,
        Unit.id,
        Unit.name,
    ).where(Assignment.status == "submitted")
    # Confirming may be open to secretaries too (TRACKER_SECRETARY_MAY_CONFIRM).
    return _queue_page(
        "followup/queues/submitted.html",
        query,
        SUBMITTED_SORTS,
        "submitted",
        "assignment.confirm",
        ids=_submitted_ids,
    )


def _submitted_ids(searching: bool, sort: str) -> ModelSelect:
    """The ids of the work awaiting confirmation, joined to its task to search, to its unit to
    sort by unit (every assignment has both: the joins drop no row)."""
    query = Assignment.select(Assignment.id).where(Assignment.status == "submitted")
    if searching:
        query = query.join(Task).switch(Assignment)
    if sort == "unit":
        query = query.join(Unit)
    return query


def _return_form(a: Assignment, form: ReturnForm | None = None) -> ReturnForm:
    """The return form of one row (its reason has an id of its own: a queue shows many)."""
    form = form if form is not None else ReturnForm(formdata=None)
    form.reason.id = f"return-reason-{a.id}"
    return form


def _latest_evidence(a: Assignment) -> Evidence | None:
    """What the unit reported last for ``a`` (result text, document, files), shown above the
    decision forms of its row only; None once decided or without a report (two queries)."""
    if a.status != "submitted":
        return None
    return next(iter(evidence_of(a.id).values()), None)


@bp.route("/submitted/<int:assignment_id>/actions")
@login_required
def submitted_actions(assignment_id: int) -> Response:
    """One row's confirm and return forms, fetched when the row's action opens, below what the
    unit reported (the leader decides seeing the result and its evidence)."""
    a = _row_to_decide("assignment.confirm", listing(), assignment_id)
    return _row_forms(
        "followup/queues/_submitted_row.html",
        a=a,
        form=_return_form(a),
        evidence=_latest_evidence(a),
    )


def submitted_row(a: Assignment, saved: str = "", form: ReturnForm | None = None) -> Response:
    """One row of "Chờ xác nhận" after an inline decision (htmx): decided, or its errors."""
    a = get_or_404(listing, a.id)  # 404: deleted meanwhile (its task removed)
    return render(
        "followup/queues/_submitted_row.html",
        block="row",
        a=a,
        saved=saved,
        form=_return_form(a, form) if form is not None else None,
        evidence=_latest_evidence(a) if form is not None else None,
        may_decide=can(current_user, "assignment.confirm"),
        here=safe_next(request.form.get("next")) or "",
    )


def _extension_listing():
    """Requests with their assignment, task, meeting, unit and requester (one query)."""
    return (
        ExtensionRequest.select(ExtensionRequest, Assignment, Task, Meeting, Unit, User)
        .join(Assignment)
        .join(Task)
        .join(Meeting, JOIN.LEFT_OUTER)
        .switch(Assignment)
        .join(Unit)
        .switch(ExtensionRequest)
        .join(User, JOIN.LEFT_OUTER, on=(ExtensionRequest.requested_by == User.id))
    )


@bp.route("/extensions")
@login_required
def extensions() -> Response:
    """Xin gia hạn: pending extension requests, oldest first; a row's decision forms are
    fetched when it opens (``extension_actions``) and answer with the row."""
    require(current_user, "queue.view")
    query = _extension_listing().where(
        ExtensionRequest.status == "pending", Assignment.status.not_in(CLOSED)
    )
    return _queue_page(
        "followup/queues/extensions.html",
        query,
        EXTENSION_SORTS,
        "created",
        "extension_request.decide",
        item=Row,  # what the row template takes, as after an inline decision
    )


@bp.route("/extensions/<int:request_id>/actions")
@login_required
def extension_actions(request_id: int) -> Response:
    """One row's approve and reject forms, fetched when the row's "Cho ý kiến" opens."""
    req = _row_to_decide("extension_request.decide", _extension_listing(), request_id)
    form = decision_form(req) if req.status == "pending" else None
    return _row_forms("followup/queues/_extension_row.html", row=Row(req, form))


@dataclass
class Row:
    """One request in the "Xin gia hạn" queue; its decision form only when it is shown open
    (after a refused decision) or fetched alone."""

    req: ExtensionRequest
    form: DecisionForm | None = None
    saved: str = ""


def queue_row(req: ExtensionRequest, saved: str = "", form: DecisionForm | None = None) -> Response:
    """One queue row after an inline decision (htmx): decided, or the form with its errors."""
    req = get_or_404(_extension_listing, req.id)  # 404: deleted meanwhile (its task removed)
    pending = req.status == "pending"
    row = Row(req, decision_form(req, form) if pending else None, saved=saved)
    return render(
        "followup/queues/_extension_row.html",
        block="row",
        row=row,
        may_decide=can(current_user, "extension_request.decide"),
        here=safe_next(request.form.get("next")) or "",
    )
