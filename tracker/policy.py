"""Who may do what: the one module that decides whether a user may take an action on an object.

Every view, list query, export and API call asks here. ``can(user, action, obj)`` answers yes
or no over the named actions of ``ACTIONS``; ``require`` refuses with 403; ``get_or_403`` and
``get_visible_or_404`` load the row a URL names and refuse it the same way everywhere; the
``visible*`` scopes narrow a query to the rows a user may read. Templates ask ``can`` as well
(a Jinja global) to leave out what a view would refuse, but every view checks for itself:
any URL and any htmx fragment can be requested directly.

Who may take a step is decided here. Whether the object's state allows the step now (a
progress report on closed work, a move the status graph lacks, a decision on a request
already decided) is the step's own rule, in tracker/assignments/workflow.py and the follow-up
modules: it is answered with a message beside the form rather than a refusal, because the
page may show an older state than the database now holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import abort, current_app
from peewee import Expression, Field, Model, ModelSelect

from tracker.core import prepared
from tracker.core.prepared import slot
from tracker.core.settings import UNITS_SHARE_PROGRESS
from tracker.models import Assignment, Meeting, ProgressReport, Setting, Task, Unit, User
from tracker.web.lookup import get_or_404
from tracker.web.security_errors import refuse_hidden

M = TypeVar("M", bound=Model)

ADMIN, LEADER, SECRETARY, OFFICER, VIEWER = "admin", "leader", "secretary", "officer", "viewer"
UNIT_HEAD = "unit_head"

# The roles that act for one unit: its head (lãnh đạo đơn vị) does everything its officers do,
# and leads the work inside the unit (handlers, internal deadlines, approving drafts).
UNIT_MEMBERS = frozenset({OFFICER, UNIT_HEAD})

# Read every unit's work: the overview roles. Officers read only the work of their unit.
READ_ALL = frozenset({ADMIN, LEADER, SECRETARY, VIEWER})
# Enter and edit meetings and tasks, give tasks to units, urge units, watch the queues.
MANAGERS = frozenset({ADMIN, LEADER, SECRETARY})
# Decide on the units' work: confirm, return, pause, resume, cancel, reassign, extend.
DECIDERS = frozenset({ADMIN, LEADER})

# Actions that depend on the role alone (an object, if given, changes nothing).
MATRIX: dict[str, frozenset[str]] = {
    "meeting.create": MANAGERS,
    "meeting.edit": MANAGERS,
    "task.create": MANAGERS,
    "task.edit": MANAGERS,
    "task.assign": MANAGERS,
    "dashboard.view": READ_ALL,
    "report.view": READ_ALL,
    "report.freeze": DECIDERS,
    # Every unit's work at once: the calendar's unit choice, feeds of any unit.
    "work.view_all": READ_ALL,
    "queue.view": MANAGERS,
    "digest.send": MANAGERS,
    "assignment.reassign": DECIDERS,
    "admin.manage": frozenset({ADMIN}),
    "outbox.view": frozenset({ADMIN}),
    "outbox.retry": frozenset({ADMIN}),
    # Outgoing webhooks: their addresses and signing secrets (tracker/webhooks/).
    "webhook.manage": frozenset({ADMIN}),
    # Who a unit's mail (digests, due-soon and event mails) reaches besides the unit's address.
    "mail.receive_unit": UNIT_MEMBERS,
    # The weekly summary goes to the office that compiles the reports, not to admins (a
    # technical role) nor viewers (who read the overview when they need it).
    "mail.receive_summary": frozenset({LEADER, SECRETARY}),
    # The daily mail of what waits for a decision (confirmations, extensions): the deciders
    # who lead, not admins (a technical role).
    "mail.receive_pending": frozenset({LEADER}),
    # The kinds of mail a profile offers to choose from.
    "mail.choose_unit": frozenset({ADMIN, LEADER, SECRETARY}) | UNIT_MEMBERS,
    "mail.choose_summary": READ_ALL,
}

# The moves of the status graph (tracker/assignments/workflow.py names one per move) and
# who makes them; OFFICER means an officer (or the head) of the assignment's own unit.
MOVES: dict[str, frozenset[str]] = {
    "assignment.start": frozenset({OFFICER, LEADER, ADMIN}),
    "assignment.submit": frozenset({OFFICER}),
    # Secretaries too where TRACKER_SECRETARY_MAY_CONFIRM allows it (``_decides_submission``).
    "assignment.confirm": DECIDERS,
    "assignment.return": DECIDERS,
    "assignment.pause": DECIDERS,
    "assignment.resume": DECIDERS,
    "assignment.cancel": DECIDERS,
}

Rule = Callable[[User, Any], bool]


def _role(user: Any) -> str | None:
    """The role of a signed-in user; none for anonymous visitors and for locked accounts
    (Flask-Login counts an inactive user as not signed in), who may then do nothing."""
    if user is None or not user.is_authenticated:
        return None
    return user.role


def _reads_all(user: User) -> bool:
    return _role(user) in READ_ALL


def _own_unit(user: User) -> int | None:
    """The unit an officer or a unit head acts for; None for every other role and for an
    officer without one."""
    if _role(user) in UNIT_MEMBERS and user.unit_id:
        return user.unit_id
    return None


def _unit_id(obj: Unit | int | None) -> int | None:
    return obj.id if isinstance(obj, Unit) else obj


def _own_officer(user: User, assignment: Assignment | None) -> bool:
    """An officer or the head of the unit that holds ``assignment`` (without one, of none)."""
    return (
        assignment is not None
        and _own_unit(user) is not None
        and user.unit_id == assignment.unit_id
    )


def _acting_role(user: User, assignment: Assignment | None) -> str | None:
    """The role ``user`` acts in on ``assignment``: its unit's head acts as its officers do;
    another unit's officer or head acts in none."""
    if _role(user) in UNIT_MEMBERS:
        return OFFICER if _own_officer(user, assignment) else None
    return _role(user)


def _heads_of_unit():
    return (
        User.select(User.id)
        .where(User.unit == slot(0), User.role == UNIT_HEAD, User.active == True)  # noqa: E712
        .limit(1)
        .tuples()
    )


def _unit_has_head(unit_id: int) -> bool:
    """Whether ``unit_id`` has an active head (lãnh đạo đơn vị); its SQL written once."""
    return prepared.first("policy.unit_head", _heads_of_unit, [unit_id]) is not None


def _leads_unit_work(user: User, assignment: Assignment | None) -> bool:
    """Lead the work inside the unit on ``assignment``: give it to handlers with an internal
    deadline, approve or return their drafts. The unit's head; where the unit has no active
    head, its focal point officers (cán bộ đầu mối)."""
    if not _own_officer(user, assignment):
        return False
    return _leads_unit(user, assignment.unit_id)


def _leads_unit(user: User, unit_id: int) -> bool:
    """One of the unit's own people who leads the work inside it: its head, or (where it has
    no active head) its focal point officers. The caller has checked the user is of the unit."""
    return _role(user) == UNIT_HEAD or not _unit_has_head(unit_id)


def _decides_units_drafts(user: User, unit: Unit | int | None) -> bool:
    """The drafts of a whole unit (its head's home page): the one who leads the work inside
    it (``_leads_unit``), for their own unit only; as ``assignment.decide_draft`` on each."""
    unit_id = _unit_id(unit)
    if unit_id is None or _own_unit(user) != unit_id:
        return False
    return _leads_unit(user, unit_id)


def _reads_handlers_report(user: User, unit: Unit | int | None) -> bool:
    """A unit's report per handler (chuyên viên xử lý): those who read reports, for any unit;
    the one who leads the work inside the unit (``_leads_unit``), for their own unit only."""
    if _role(user) in MATRIX["report.view"]:
        return True
    unit_id = _unit_id(unit)
    if unit_id is None or _own_unit(user) != unit_id:
        return False
    return _leads_unit(user, unit_id)


def _decides_submission(user: User) -> bool:
    """Confirm or return reported work: deciders, secretaries where the setting allows it."""
    if _role(user) in DECIDERS:
        return True
    return _role(user) == SECRETARY and bool(current_app.config.get("SECRETARY_MAY_CONFIRM"))


def _unit_task_ids(unit_id: int, among: ModelSelect | list[int] | None = None) -> ModelSelect:
    """The ids of the tasks given to ``unit_id``; with ``among`` (a query of task ids), only
    those of them: the subquery then reads a page's tasks, not every task of the unit."""
    query = Assignment.select(Assignment.task).where(Assignment.unit == unit_id)
    return query if among is None else query.where(Assignment.task.in_(among))


# --- list scopes ------------------------------------------------------------------------------


def _by_unit_tasks(
    user: User,
    query: ModelSelect,
    kept: Callable[[ModelSelect], Expression],
    among: ModelSelect | list[int] | None = None,
) -> ModelSelect:
    """The scope meetings, tasks and assignments share: ``query`` whole for those who read
    everything; for an officer, the rows ``kept`` selects given the ids of their unit's tasks;
    for anyone else, none."""
    if _reads_all(user):
        return query
    unit_id = _own_unit(user)
    if unit_id:
        return query.where(kept(_unit_task_ids(unit_id, among)))
    return query.where(False)


def visible_tasks(
    user: User, query: ModelSelect | None = None, among: ModelSelect | list[int] | None = None
) -> ModelSelect:
    """Tasks ``user`` may read: all, or (officers) those given to their unit.

    ``among``: a query of the task ids ``query`` is limited to anyway (a page's); the scope's
    subquery then reads only those, so its cost does not grow with the unit's other tasks.
    """
    query = Task.select() if query is None else query
    return _by_unit_tasks(user, query, Task.id.in_, among)


def visible_meetings(user: User, query: ModelSelect | None = None) -> ModelSelect:
    """Meetings ``user`` may read: all, or (officers) those holding their unit's tasks."""

    def holding(task_ids: ModelSelect) -> Expression:
        return Meeting.id.in_(Task.select(Task.meeting).where(Task.id.in_(task_ids)))

    return _by_unit_tasks(user, Meeting.select() if query is None else query, holding)


def _pairs_with(unit_id: int, among: ModelSelect | list[int] | None = None) -> Expression:
    """The assignments an officer of ``unit_id`` may open, as a condition on ``Assignment``.

    Their unit's own; on a task their unit leads, the coordinating units'; on a task their unit
    coordinates, the lead units'. Co-leads and fellow coordinating units do not read each
    other's work unless the office's setting ``UNITS_SHARE_PROGRESS`` opens a shared task to
    all its units. The setting is read inside the same query (no query of its own).
    """

    def tasks(role: str | None = None) -> ModelSelect:
        query = _unit_task_ids(unit_id, among)
        return query.where(Assignment.role == role) if role else query

    return (
        (Assignment.unit == unit_id)
        | ((Assignment.role == "coordinating") & Assignment.task.in_(tasks("lead")))
        | ((Assignment.role == "lead") & Assignment.task.in_(tasks("coordinating")))
        | (Setting.is_on(UNITS_SHARE_PROGRESS) & Assignment.task.in_(tasks()))
    )


def visible_assignments(
    user: User, query: ModelSelect | None = None, among: ModelSelect | list[int] | None = None
) -> ModelSelect:
    """Assignments ``user`` may open (with their reports, evidence, requests and history).

    All, for those who read everything. An officer: their unit's own, and on a task shared
    with other units, the pairs of lead and coordinating unit (``_pairs_with``); the task
    page names the other units but shows their work only where this allows it. ``among``: as
    for ``visible_tasks``, the task ids ``query`` is limited to anyway.
    """
    query = Assignment.select() if query is None else query
    if _reads_all(user):
        return query
    unit_id = _own_unit(user)
    if unit_id:
        return query.where(_pairs_with(unit_id, among))
    return query.where(False)


# Past this many tasks or rows, a visibility query is written for the occasion (its SQL is not
# kept): the prepared ones are keyed by both numbers.
PREPARED_MAX = 64


def visible_assignment_ids(user: User, assignments: Iterable[Assignment]) -> set[int]:
    """Of ``assignments`` (rows a page has loaded, such as a task's units), the ids ``user``
    may open: every one for those who read everything (no query), else one query."""
    assignments = list(assignments)
    ids = [a.id for a in assignments]
    if _reads_all(user) or not ids:
        return set(ids)
    unit_id = _own_unit(user)
    if not unit_id:
        return set()
    among = sorted({a.task_id for a in assignments})  # the subqueries read these tasks only
    k, m = len(among), len(ids)
    if k > PREPARED_MAX or m > PREPARED_MAX:  # a long meeting page: written for the occasion
        query = visible_assignments(user, Assignment.select(Assignment.id), among)
        return {row_id for (row_id,) in query.where(Assignment.id.in_(ids)).tuples()}

    def build() -> ModelSelect:
        # The same condition, its values stand-ins: written once per number of tasks and rows.
        condition = _pairs_with(slot(0), prepared.slots(1, k))
        query = Assignment.select(Assignment.id).where(condition)
        return query.where(Assignment.id.in_(prepared.slots(1 + k, m))).tuples()

    rows = prepared.rows(("policy.visible_ids", k, m), build, [unit_id, *among, *ids])
    return {row_id for (row_id,) in rows}


def visible_assignments_of_task(
    user: User, key: str, build: Callable[[], ModelSelect], task_id: int
) -> ModelSelect | None:
    """The rows of ``build()`` (a query of one task's assignments, the task's id written as
    ``slot(0)``) that ``user`` may open, its SQL written once per ``key`` and kind of user:
    a page that lists a task's other units asks this on every view. None for a user who may
    open none (no query)."""
    if _reads_all(user):
        return prepared.select((key, "all"), build, [task_id])
    unit_id = _own_unit(user)
    if not unit_id:
        return None
    return prepared.select(
        (key, "unit"), lambda: build().where(_pairs_with(slot(1), [slot(0)])), [task_id, unit_id]
    )


def unit_work_scope(user: User, unit_field: Field) -> list[Expression] | None:
    """Conditions keeping ``unit_field`` to the units whose own work ``user`` follows.

    None when they follow no unit's; no condition for those who read everything; the
    officer's unit otherwise. Deadlines (the calendar, its feeds) are a unit's own: an officer
    sees their own unit's, not the other units' of a shared task.
    """
    if _reads_all(user):
        return []
    unit_id = _own_unit(user)
    if unit_id:
        return [unit_field == unit_id]
    return None


def visible(user: User, source: type[Model] | ModelSelect) -> ModelSelect:
    """``source`` (a model or a query of one) narrowed to the rows ``user`` may read.

    A query of progress reports must join their assignment, as every listing of them does;
    a report is read where its assignment is (``visible_assignments``).
    """
    query = source.select() if isinstance(source, type) else source
    model = query.model
    if model is Meeting:
        return visible_meetings(user, query)
    if model is Task:
        return visible_tasks(user, query)
    if model is Assignment:
        return visible_assignments(user, query)
    if model is ProgressReport:
        if isinstance(source, type):
            query = query.join(Assignment)
        return visible_assignments(user, query)
    raise TypeError(f"no visibility rule for {model.__name__}")


def users_allowed(action: str) -> Expression:
    """A condition on ``User`` selecting the users whose role allows ``action`` (role-only).

    For choosing people in one query: whom a kind of mail goes to, whether another admin is
    left to manage the administration.
    """
    roles = sorted(MATRIX[action])
    return User.role == roles[0] if len(roles) == 1 else User.role.in_(roles)


# --- rules about one object -------------------------------------------------------------------


def _meeting_visible(user: User, meeting: Meeting) -> bool:
    """Read one meeting: as ``visible_meetings`` lists them."""
    return visible_meetings(user).where(Meeting.id == meeting.id).exists()


def _task_visible(user: User, task: Task) -> bool:
    """Read one task: as ``visible_tasks`` lists them."""
    return visible_tasks(user).where(Task.id == task.id).exists()


def _assignment_visible(user: User, assignment: Assignment) -> bool:
    """Read one assignment (and its timeline, submissions, evidence, requests): as
    ``visible_assignments`` lists them (one query for an officer)."""
    if _reads_all(user):
        return True
    unit_id = _own_unit(user)
    if unit_id and assignment.unit_id == unit_id:  # the first of ``_pairs_with``'s terms
        return True
    among = [assignment.task_id]
    return visible_assignments(user, among=among).where(Assignment.id == assignment.id).exists()


def _part_visible(user: User, row: Any) -> bool:
    """Read a row of an assignment (an evidence file, an extension request) as the assignment.

    Those who read everything are answered before the row's assignment is loaded.
    """
    return _reads_all(user) or _assignment_visible(user, row.assignment)


def _file_visible(user: User, row: Any) -> bool:
    """An evidence file, as its assignment; but one that came with a handler's completion draft
    not (yet) approved is the unit's own business: its author and whoever decides the draft
    (``assignment.decide_draft``) only, as the draft's text."""
    if row.draft_id is not None and row.submission_id is None:
        return row.uploaded_by_id == user.id or _leads_unit_work(user, row.assignment)
    return _part_visible(user, row)


def _unit_visible(user: User, unit: Unit | int) -> bool:
    """A unit's work page, its digest and its calendar: all units, or an officer's own."""
    return _reads_all(user) or (_own_unit(user) is not None and user.unit_id == _unit_id(unit))


def _acts_on_unit(user: User, unit: Unit | int) -> bool:
    """Act on a unit's work from its list: its own officers and the deciders."""
    return _role(user) in DECIDERS or (
        _own_unit(user) is not None and user.unit_id == _unit_id(unit)
    )


def _has_own_unit(user: User, _obj: Any) -> bool:
    """The user acts for one unit (officers): home and calendar open on that unit's work."""
    return _own_unit(user) is not None


def _changes_status(user: User, assignment: Assignment | None) -> bool:
    """The status form: the unit's own officers and the deciders (which move: ``MOVES``).

    Whoever reports on the work (``assignment.report``) may move it too.
    """
    return _own_officer(user, assignment) or _role(user) in DECIDERS


def _urges(user: User, assignment: Assignment | None) -> bool:
    """Press a unit about work one can read: leaders, secretaries and admins."""
    return _role(user) in MANAGERS and (assignment is None or _assignment_visible(user, assignment))


def _decides_extension(user: User, request: Any) -> bool:
    """Approve or reject a unit's request for a later deadline: the deciders."""
    return _role(user) in DECIDERS and (request is None or _part_visible(user, request))


def _owner(user: User, row: Any) -> bool:
    """One's own API token or calendar feed; another user's does not exist for one."""
    return row.user_id == user.id


def _recipient(user: User, notification: Any) -> bool:
    """One's own notification; another user's does not exist for one."""
    return notification.recipient_id == user.id


def _move(action: str) -> Rule:
    """The rule of a move of the status graph: the acting role is among ``MOVES[action]``."""
    roles = MOVES[action]
    if action in ("assignment.confirm", "assignment.return"):
        return lambda user, a: _decides_submission(user) or _acting_role(user, a) in roles
    return lambda user, a: _acting_role(user, a) in roles


def _role_only(action: str) -> Rule:
    roles = MATRIX[action]
    return lambda user, _obj: _role(user) in roles


RULES: dict[str, Rule] = {
    **{action: _role_only(action) for action in MATRIX},
    **{action: _move(action) for action in MOVES},
    "meeting.view": _meeting_visible,
    "task.view": _task_visible,
    "assignment.view": _assignment_visible,
    "attachment.view": _file_visible,
    "extension_request.view": _part_visible,
    "report_draft.view": _part_visible,
    "unit.view": _unit_visible,
    "unit.act": _acts_on_unit,
    "unit.own_work": _has_own_unit,
    # Progress reports: the unit's own officers (while the work is open: the workflow's).
    "assignment.report": _own_officer,
    "assignment.change_status": _changes_status,
    "assignment.urge": _urges,
    # Ask for a later deadline: the unit's own officers (whether it can move: the request's).
    "extension_request.ask": _own_officer,
    "extension_request.decide": _decides_extension,
    # Work inside a unit: handlers with internal deadlines, drafts approved before going up.
    "assignment.assign_handlers": _leads_unit_work,
    "assignment.decide_draft": _leads_unit_work,
    "unit.decide_drafts": _decides_units_drafts,
    "unit.handlers_report": _reads_handlers_report,
    "api_token.revoke": _owner,
    "calendar_feed.revoke": _owner,
    "notification.view": _recipient,
}

ACTIONS = frozenset(RULES)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether ``user`` may take ``action`` (a name of ``ACTIONS``) on ``obj``.

    Anonymous visitors and locked accounts may do nothing; an unknown action is a programming
    error (a misspelt name in a template would otherwise hide a button for good), not a no.
    """
    rule = RULES.get(action)
    if rule is None:
        raise KeyError(f"unknown action: {action}")
    if _role(user) is None:
        return False
    return bool(rule(user, obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    """Stop the request with 403 (audited as a refusal) unless ``user`` may take ``action``."""
    if not can(user, action, obj):
        abort(403)


def get_or_403(
    user: Any,
    action: str,
    source: type[M] | Callable[[], ModelSelect] | ModelSelect,
    object_id: int,
) -> M:
    """The row a URL names (404 when there is none), if ``user`` may take ``action`` on it (403)."""
    row = get_or_404(source, object_id)
    require(user, action, row)
    return row


def get_visible_or_404(
    user: Any,
    source: type[M] | Callable[[], ModelSelect] | ModelSelect,
    object_id: int,
    action: str | None = None,
) -> M:
    """The row a URL names, or 404 both when there is none and when ``user`` may not see it.

    The refusal is audited, but an outsider cannot tell it from a row that does not exist.
    ``action`` defaults to the model's ``<table>.view``.
    """
    row = get_or_404(source, object_id)
    if not can(user, action or f"{row._meta.table_name}.view", row):
        refuse_hidden()
    return row
