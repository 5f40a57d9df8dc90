"""The leaders' queues: work awaiting confirmation ("Chờ xác nhận") and extension requests
awaiting a decision ("Xin gia hạn"), with their counts in the navigation.

Leaders and admins decide; secretaries may look. The navigation's counts are a fragment of
their own (``partials/queue_counts.html``) that reloads itself when a response carries the
``queues-changed`` event: every successful htmx POST by someone who sees the queues does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Blueprint, Response, request
from flask_login import current_user, login_required
from peewee import JOIN, fn

from . import submission_flow
from .assignment_queries import listing
from .extension_forms import DecisionForm, decision_form
from .models import DECISIONS, Assignment, ExtensionRequest, Meeting, Task, Unit, User
from .pagination import NullsLast, paginate, sort_key
from .permissions import require
from .rendering import render
from .timeliness import CLOSED
from .urls import safe_next

bp = Blueprint("queues", __name__, url_prefix="/queues")
bp.add_app_template_global(DECISIONS, "DECISIONS")

ROLES = ("admin", "leader", "secretary")
EVENT = "queues-changed"

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


def sees_queues(user: User) -> bool:
    """Whether ``user`` has the queues (and their counts in the navigation)."""
    return bool(user and user.is_authenticated and user.role in ROLES)


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


@bp.app_template_global("queue_counts")
def counts() -> Counts:
    """How many items each queue holds (two COUNT queries)."""
    return Counts(
        submitted=Assignment.select().where(Assignment.status == "submitted").count(),
        extensions=_pending_extensions().count(),
    )


@bp.after_app_request
def _announce_change(response: Response) -> Response:
    """Tell the page the queues may have changed after a successful htmx POST.

    The navigation's counts listen for the event (``hx-trigger="queues-changed from:body"``),
    so any module's action — a confirmation, a decision on an extension — refreshes them.
    """
    if (
        request.method == "POST"
        and request.headers.get("HX-Request") == "true"
        and response.status_code < 300
        and sees_queues(current_user)
    ):
        existing = response.headers.get("HX-Trigger", "")
        if not existing:
            response.headers["HX-Trigger"] = EVENT
        elif existing.lstrip().startswith("{"):
            events = json.loads(existing)
            events.setdefault(EVENT, True)
            response.headers["HX-Trigger"] = json.dumps(events)
        elif EVENT not in existing.split(","):
            response.headers["HX-Trigger"] = f"{existing}, {EVENT}"
    return response


@bp.route("/counts")
@login_required
def counts_fragment() -> Response:
    """The navigation's counts, alone (they reload themselves through htmx)."""
    require(sees_queues(current_user))
    return render("partials/queue_counts.html")


def _search(query):
    q = request.args.get("q", "").strip()[:200]
    if q:
        query = query.where(fn.LOWER(Task.title).contains(q.lower()))
    return query, q


@bp.route("/submitted")
@login_required
def submitted() -> Response:
    """Chờ xác nhận: work the units report done, oldest submission first."""
    require(sees_queues(current_user))
    query, q = _search(listing().where(Assignment.status == "submitted"))
    sort, terms = sort_key(SUBMITTED_SORTS, "submitted")
    page = paginate(query.order_by(*terms))
    return render(
        "queues/submitted.html",
        block="queue",
        page=page,
        sort=sort,
        q=q,
        # Confirming may be open to secretaries too (TRACKER_SECRETARY_MAY_CONFIRM).
        may_decide=submission_flow.may_decide(current_user),
        here=request.full_path.rstrip("?"),
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
    """Xin gia hạn: pending extension requests, oldest first, with inline decisions."""
    require(sees_queues(current_user))
    query = _extension_listing().where(
        ExtensionRequest.status == "pending", Assignment.status.not_in(CLOSED)
    )
    query, q = _search(query)
    sort, terms = sort_key(EXTENSION_SORTS, "created")
    page = paginate(query.order_by(*terms))
    may_decide = current_user.decides
    rows = [Row(req, decision_form(req) if may_decide else None) for req in page.items]
    return render(
        "queues/extensions.html",
        block="queue",
        page=page,
        rows=rows,
        sort=sort,
        q=q,
        may_decide=may_decide,
        here=request.full_path.rstrip("?"),
    )


@dataclass
class Row:
    """One request in the "Xin gia hạn" queue, with its decision form (for deciders)."""

    req: ExtensionRequest
    form: DecisionForm | None
    saved: str = ""


def queue_row(req: ExtensionRequest, saved: str = "", form: DecisionForm | None = None) -> Response:
    """One queue row after an inline decision (htmx): decided, or the form with its errors."""
    req = _extension_listing().where(ExtensionRequest.id == req.id).get()
    pending = req.status == "pending"
    row = Row(req, decision_form(req, form) if pending else None, saved=saved)
    return render(
        "queues/_extension_row.html",
        block="row",
        row=row,
        may_decide=current_user.decides,
        here=safe_next(request.form.get("next")) or "",
    )
