"""tracker/policy.py directly: ``can`` over every action × every role (and the objects that
change the answer), the list scopes against ``can``, and a guard that no other module decides
access on its own.

The route matrices (tests/test_permissions.py and tests/perm_*.py, tests/test_api_permissions.py)
check what the pages and the API answer; this checks the one place they all ask.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import NOW
from flask_login import AnonymousUserMixin
from werkzeug.exceptions import Forbidden, NotFound

from tracker import policy
from tracker.assignments import workflow
from tracker.models import (
    ROLES,
    ApiToken,
    Assignment,
    Attachment,
    AuditEvent,
    CalendarFeed,
    ExtensionRequest,
    Meeting,
    Notification,
    ProgressReport,
    ReportDraft,
    Task,
    User,
)

USERS = ["admin", "lanhdao", "tonghop", "theodoi", "p.sodau", "p.hoangvanthu", "pb.noivu"]
READ_ALL = {"admin", "lanhdao", "tonghop", "theodoi"}
MANAGERS = {"admin", "lanhdao", "tonghop"}
DECIDERS = {"admin", "lanhdao"}
OFFICERS = {"p.sodau", "p.hoangvanthu", "pb.noivu"}
WARD_A = "p.sodau"  # officer of ward A, whose assignment ``a`` is
WARD_B = "p.hoangvanthu"  # officer of ward B: the same task, another assignment
DEPT = "pb.noivu"  # officer of the department: another task of the same meeting

# Actions that need no object: who may, by username.
ROLE_ONLY = {
    "meeting.create": MANAGERS,
    "meeting.edit": MANAGERS,
    "task.create": MANAGERS,
    "task.edit": MANAGERS,
    "task.assign": MANAGERS,
    "dashboard.view": READ_ALL,
    "report.view": READ_ALL,
    "report.freeze": DECIDERS,
    "work.view_all": READ_ALL,
    "queue.view": MANAGERS,
    "digest.send": MANAGERS,
    "assignment.reassign": DECIDERS,
    "admin.manage": {"admin"},
    "outbox.view": {"admin"},
    "outbox.retry": {"admin"},
    "webhook.manage": {"admin"},
    "mail.receive_unit": OFFICERS,
    "mail.receive_summary": {"lanhdao", "tonghop"},
    "mail.receive_pending": {"lanhdao"},
    "mail.choose_unit": MANAGERS | OFFICERS,
    "mail.choose_summary": READ_ALL,
    "unit.own_work": OFFICERS,
    # Without an object: the queues' question, "may decide on any".
    "assignment.urge": MANAGERS,
    "assignment.confirm": DECIDERS,
    "extension_request.decide": DECIDERS,
}

# (action, object name) → who may; objects are built by ``objects`` below.
ON_OBJECTS = {
    ("meeting.view", "meeting"): set(USERS),
    ("meeting.view", "empty_meeting"): READ_ALL,
    ("task.view", "task"): READ_ALL | {WARD_A, WARD_B},
    ("task.view", "other_task"): READ_ALL | {DEPT},
    # Co-leads of a task do not read each other's work (tests/test_unit_privacy.py: the lead
    # and coordinating units do, and the office's setting opens it to all).
    ("assignment.view", "a"): READ_ALL | {WARD_A},
    ("assignment.view", "dept"): READ_ALL | {DEPT},
    ("attachment.view", "file"): READ_ALL | {DEPT},
    # A file of a handler's completion draft not yet approved: its author and the one who
    # decides the draft (ward A has no head: its officer), not even those who read all.
    ("attachment.view", "draft_file"): {WARD_A},
    ("extension_request.view", "request"): READ_ALL | {WARD_A},
    ("unit.view", "ward_a"): READ_ALL | {WARD_A},
    ("unit.view", "ward_a_id"): READ_ALL | {WARD_A},
    ("unit.act", "ward_a"): DECIDERS | {WARD_A},
    ("unit.act", "dept_id"): DECIDERS | {DEPT},
    ("assignment.report", "a"): {WARD_A},
    ("assignment.change_status", "a"): DECIDERS | {WARD_A},
    ("assignment.start", "a"): DECIDERS | {WARD_A},
    ("assignment.submit", "a"): {WARD_A},
    ("assignment.confirm", "a"): DECIDERS,
    ("assignment.return", "a"): DECIDERS,
    ("assignment.pause", "a"): DECIDERS,
    ("assignment.resume", "a"): DECIDERS,
    ("assignment.cancel", "a"): DECIDERS,
    ("assignment.urge", "a"): MANAGERS,
    ("assignment.reassign", "a"): DECIDERS,
    ("extension_request.ask", "a"): {WARD_A},
    ("extension_request.ask", "dept"): {DEPT},
    ("extension_request.decide", "request"): DECIDERS,
    # Ward A has no unit head: its focal point officer leads the work inside it
    # (tests/test_inside_unit.py: with a head, the head alone).
    ("assignment.assign_handlers", "a"): {WARD_A},
    ("assignment.decide_draft", "a"): {WARD_A},
    ("report_draft.view", "draft"): READ_ALL | {WARD_A},
    ("unit.decide_drafts", "ward_a"): {WARD_A},
    ("unit.decide_drafts", "ward_a_id"): {WARD_A},
    ("unit.decide_drafts", "dept_id"): {DEPT},
    # A unit's report per handler: those who read reports; the one who leads the work inside
    # the unit, for their own (tests/test_handler_report.py: a head, another unit's head).
    ("unit.handlers_report", "ward_a"): READ_ALL | {WARD_A},
    ("unit.handlers_report", "dept_id"): READ_ALL | {DEPT},
    ("api_token.revoke", "token"): {DEPT},
    ("calendar_feed.revoke", "feed"): {WARD_A},
    ("notification.view", "notification"): {WARD_A},
}


@pytest.fixture
def objects(app_ctx, world, factory):
    dept = world.assignment_dept
    file = Attachment.create(
        assignment=dept,
        original_name="a.pdf",
        stored_name="a.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        created_at=NOW,
    )
    request = ExtensionRequest.create(
        assignment=world.assignment_a,
        previous_deadline=date(2026, 5, 30),
        requested_deadline=date(2026, 6, 30),
        reason="Chờ kinh phí",
        created_at=NOW,
    )
    token = ApiToken.create(
        user=world.officer_dept, name="t", token_hash="h", prefix="gv_", created_at=NOW
    )
    feed, _token = CalendarFeed.issue(world.officer_a, None, NOW)
    draft = ReportDraft.create(
        assignment=world.assignment_a, author=world.officer_a, kind="progress", created_at=NOW
    )
    draft_file = Attachment.create(
        assignment=world.assignment_a,
        draft=draft,
        original_name="b.pdf",
        stored_name="b.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=world.officer_a,
        created_at=NOW,
    )
    notification = Notification.create(
        key="urge:test", recipient=world.officer_a, kind="urge", title="t", created_at=NOW
    )
    return {
        "draft": ReportDraft.get_by_id(draft.id),
        "meeting": world.meeting,
        "empty_meeting": factory.meeting("Họp chưa có nhiệm vụ"),
        "task": world.task,
        "other_task": world.other_task,
        "a": world.assignment_a,
        "dept": dept,
        # Loaded afresh: the policy reads the assignment of a file or request itself.
        "file": Attachment.get_by_id(file.id),
        "draft_file": Attachment.get_by_id(draft_file.id),
        "request": ExtensionRequest.get_by_id(request.id),
        "ward_a": world.ward_a,
        "ward_a_id": world.ward_a.id,
        "dept_id": world.dept.id,
        "token": token,
        "feed": feed,
        "notification": notification,
    }


def _user(username: str) -> User:
    return User.get(User.username == username)


def test_every_action_is_in_this_matrix():
    """A new action must be added here, so that who may take it is written down twice."""
    covered = set(ROLE_ONLY) | {action for action, _name in ON_OBJECTS}
    assert covered == policy.ACTIONS


def test_the_policy_knows_every_role():
    assert set(ROLES) == policy.READ_ALL | policy.UNIT_MEMBERS
    assert policy.DECIDERS < policy.MANAGERS < policy.READ_ALL


@pytest.mark.parametrize("action", sorted(ROLE_ONLY))
def test_role_only_actions(app_ctx, world, action):
    allowed = {u for u in USERS if policy.can(_user(u), action)}
    assert allowed == ROLE_ONLY[action]


@pytest.mark.parametrize(("action", "name"), sorted(ON_OBJECTS), ids=lambda v: v)
def test_actions_on_objects(objects, action, name):
    allowed = {u for u in USERS if policy.can(_user(u), action, objects[name])}
    assert allowed == ON_OBJECTS[(action, name)]


@pytest.mark.parametrize("action", ["assignment.confirm", "assignment.return"])
def test_the_setting_lets_secretaries_decide_on_reported_work(app, objects, action):
    app.config["SECRETARY_MAY_CONFIRM"] = True
    allowed = {u for u in USERS if policy.can(_user(u), action, objects["a"])}
    assert allowed == DECIDERS | {"tonghop"}
    # Through the completion report only: the status form's moves stay the deciders'.
    assert not policy.can(_user("tonghop"), "assignment.change_status", objects["a"])
    assert workflow.allowed_targets(_user("tonghop"), objects["a"]) == []


def test_nobody_anonymous_or_locked_may_do_anything(objects):
    locked = _user("admin")
    locked.active = False
    for action in policy.ACTIONS:
        for obj in (None, objects["a"]):
            assert not policy.can(AnonymousUserMixin(), action, obj)
            assert not policy.can(None, action, obj)
            assert not policy.can(locked, action, obj)


def test_an_unknown_action_is_an_error_not_a_no(app_ctx, world):
    with pytest.raises(KeyError):
        policy.can(world.admin, "meeting.delete")


def test_whoever_reports_may_also_move_the_work(objects):
    """The row's forms (/assignments/<id>/actions) are refused only to those who may neither."""
    for username in USERS:
        user = _user(username)
        for name in ("a", "dept"):
            if policy.can(user, "assignment.report", objects[name]):
                assert policy.can(user, "assignment.change_status", objects[name])


def test_the_status_graph_names_a_policy_action_for_every_move():
    assert set(workflow.GRAPH.values()) <= set(policy.MOVES)
    assert workflow.TRANSITIONS == {
        move: policy.MOVES[action] for move, action in workflow.GRAPH.items()
    }


def test_moves_follow_the_status(objects):
    a = objects["a"]
    assert workflow.allowed_targets(_user(WARD_A), a) == ["in_progress"]
    assert workflow.allowed_targets(_user(WARD_B), a) == []
    assert workflow.allowed_targets(_user("lanhdao"), a) == ["in_progress", "paused", "cancelled"]
    a.status = "submitted"
    assert workflow.allowed_targets(_user(WARD_A), a) == []
    assert workflow.allowed_targets(_user("admin"), a) == [
        "done",
        "returned",
        "paused",
        "cancelled",
    ]


# --- list scopes agree with the rules on one object --------------------------------------------


@pytest.mark.parametrize(
    ("model", "scope", "action"),
    [
        (Meeting, policy.visible_meetings, "meeting.view"),
        (Task, policy.visible_tasks, "task.view"),
        (Assignment, policy.visible_assignments, "assignment.view"),
    ],
    ids=["meetings", "tasks", "assignments"],
)
def test_each_scope_holds_what_can_view_allows(objects, model, scope, action):
    for username in USERS:
        user = _user(username)
        listed = {row.id for row in scope(user)}
        assert listed == {row.id for row in policy.visible(user, model)}
        allowed = {row.id for row in model.select() if policy.can(user, action, row)}
        assert listed == allowed, username


def test_visible_assignment_ids_agree_with_can(objects):
    rows = list(Assignment.select())
    for username in USERS:
        user = _user(username)
        allowed = {a.id for a in rows if policy.can(user, "assignment.view", a)}
        assert policy.visible_assignment_ids(user, rows) == allowed, username
        assert policy.visible_assignment_ids(user, []) == set()


def test_progress_reports_are_the_units_own(objects, world):
    for a, author in ((world.assignment_a, world.officer_a), (world.assignment_b, world.officer_b)):
        ProgressReport.create(assignment=a, author=author, text="x", progress=5, created_at=NOW)
    found = {u: {r.assignment_id for r in policy.visible(_user(u), ProgressReport)} for u in USERS}
    both = {world.assignment_a.id, world.assignment_b.id}
    assert found == {
        **{u: both for u in READ_ALL},
        WARD_A: {world.assignment_a.id},
        WARD_B: {world.assignment_b.id},
        DEPT: set(),
    }


def test_unit_work_scope(app_ctx, world):
    assert policy.unit_work_scope(world.leader, Assignment.unit) == []
    assert policy.unit_work_scope(world.officer_a, Assignment.unit) is not None
    nowhere = User(username="x", role="officer", unit=None, active=True)
    assert policy.unit_work_scope(nowhere, Assignment.unit) is None
    assert policy.visible_tasks(nowhere).count() == 0


def test_users_allowed_chooses_the_recipients(app_ctx, world):
    def chosen(action: str) -> set[str]:
        return {u.username for u in User.select().where(policy.users_allowed(action))}

    assert chosen("mail.receive_unit") == OFFICERS
    assert chosen("mail.receive_summary") == {"lanhdao", "tonghop"}
    assert chosen("admin.manage") == {"admin"}


# --- loading the row a URL names ---------------------------------------------------------------


def _denied() -> int:
    return AuditEvent.select().where(AuditEvent.action == "denied").count()


def test_get_or_403_and_get_visible_or_404(app, objects):
    a = objects["dept"]
    with app.test_request_context("/"):
        assert policy.get_or_403(_user(DEPT), "assignment.view", Assignment, a.id) == a
        with pytest.raises(Forbidden):
            policy.get_or_403(_user(WARD_A), "assignment.view", Assignment, a.id)
        with pytest.raises(NotFound):
            policy.get_or_403(_user("admin"), "assignment.view", Assignment, 99999)
        # Hidden: the same 404 as a row that does not exist, but audited as a refusal.
        with pytest.raises(NotFound):
            policy.get_visible_or_404(_user(WARD_A), Assignment.select(), a.id)
        assert _denied() == 1
        with pytest.raises(NotFound):
            policy.get_visible_or_404(_user(WARD_A), Assignment, 99999)
        assert _denied() == 1
        token = objects["token"]
        assert policy.get_visible_or_404(_user(DEPT), ApiToken, token.id, "api_token.revoke")


# --- no other module decides ------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
USER_ROLES = set(ROLES)
PERMISSION_NAME = re.compile(r"^(can|may|is_own|sees|require_role)(_|$)")
# The properties that once decided on the model; policy holds their rules now.
GONE = {"sees_everything", "manages_tasks", "decides"}

# Modules that compare roles without deciding access: they *give* roles.
ASSIGN_ROLES = {
    # ``tracker create-user``: an officer needs a unit.
    "tracker/cli.py",
    # Accounts imported from a spreadsheet: an officer needs an active unit, admins are not
    # imported, only officers keep a unit.
    "tracker/admin/imports_check.py",
    # The benchmark's seed picks its officers to create work for.
    "tracker/ops/bench_seed.py",
}


def _strings(node: ast.AST, constants: dict[str, set[str]]) -> set[str]:
    """The string literals ``node`` stands for (a constant, a collection of them, a name bound
    to one at module level)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return set().union(*(_strings(e, constants) for e in node.elts))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        if node.func.id in ("frozenset", "set", "tuple"):
            return _strings(node.args[0], constants)
    if isinstance(node, ast.Name):
        return constants.get(node.id, set())
    return set()


def _is_role(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "role") or (
        isinstance(node, ast.Name) and node.id == "role"
    )


def _decisions(source: str) -> list[tuple[int, str]]:
    """Where a module decides access by itself: its line numbers and what it does there."""
    tree = ast.parse(source)
    constants = {
        target.id: _strings(node.value, {})
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if PERMISSION_NAME.match(node.name):
                found.append((node.lineno, f"defines {node.name}()"))
        elif isinstance(node, ast.Attribute) and node.attr in GONE:
            found.append((node.lineno, f"asks .{node.attr}"))
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            others = [o for o in operands if not _is_role(o)]
            if len(others) < len(operands) and any(
                _strings(o, constants) & USER_ROLES for o in others
            ):
                found.append((node.lineno, "compares a role"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("in_", "not_in") and _is_role(node.func.value):
                if any(_strings(arg, constants) & USER_ROLES for arg in node.args):
                    found.append((node.lineno, "filters on a role"))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "abort" and node.args and getattr(node.args[0], "value", 0) == 403:
                found.append((node.lineno, "refuses with abort(403), not policy.require"))
    return sorted(found)


def test_the_guard_sees_what_it_guards_against():
    source = """
ROLES = ("admin", "leader")
def may_edit(user): return user.role in ROLES
def f(user): return user.sees_everything or user.role == "officer"
query = User.select().where(User.role.in_(["viewer"]))
abort(403)
ok = a.role == "lead" and role not in ("lead", "coordinating")
"""
    assert _decisions(source) == [
        (3, "compares a role"),
        (3, "defines may_edit()"),
        (4, "asks .sees_everything"),
        (4, "compares a role"),
        (5, "filters on a role"),
        (6, "refuses with abort(403), not policy.require"),
    ]


def test_only_the_policy_decides_who_may():
    found = []
    for path in sorted((ROOT / "tracker").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name == "tracker/policy.py":
            continue
        for line, what in _decisions(path.read_text(encoding="utf-8")):
            if name in ASSIGN_ROLES and what in ("compares a role", "filters on a role"):
                continue
            found.append(f"{name}:{line}: {what}")
    assert found == []


TEMPLATE_DECISION = re.compile(
    r"\.role\s*(==|!=|(not\s+)?in\b)[^%}]*['\"](admin|leader|secretary|officer|viewer)['\"]"
    r"|\.(sees_everything|manages_tasks|decides)\b"
)


def test_templates_ask_can_instead_of_comparing_roles():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TEMPLATE_DECISION.search(line)
    ]
    assert found == []
