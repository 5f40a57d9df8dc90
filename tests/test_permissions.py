"""Every route × every role, as a plain and as an htmx request.

The objects requested belong to a second meeting whose only task is given to the
department: the wards' officers are outsiders to all of it. A refused request answers
403 or 404 (anonymous: a redirect to the login page; to htmx, a 401 whose HX-Redirect leads
there) and leaves every table as it was.
"""

from __future__ import annotations

import importlib
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import NOW

from tracker.models import (
    MODELS,
    Assignment,
    Attachment,
    AuditEvent,
    ExtensionRequest,
    OutboxMessage,
    Submission,
    Task,
)

ROLES = [
    "anonymous",
    "admin",
    "lanhdao",
    "tonghop",
    "theodoi",
    "p.sodau",
    "p.hoangvanthu",
    "pb.noivu",
]
EVERYONE = set(ROLES) - {"anonymous"}
MANAGERS = {"admin", "lanhdao", "tonghop"}
READERS = MANAGERS | {"theodoi"}
DECIDERS = {"admin", "lanhdao"}
INSIDER = "pb.noivu"

# (path template, roles allowed to GET)
GETS = [
    ("/", EVERYONE),
    ("/meetings", EVERYONE),
    ("/meetings/new", MANAGERS),
    ("/meetings/{meeting}", READERS | {INSIDER}),
    ("/meetings/{meeting}/edit", MANAGERS),
    ("/meetings/{meeting}/tasks/new", MANAGERS),
    ("/tasks/{task}", READERS | {INSIDER}),
    ("/tasks/{task}/edit", MANAGERS),
    ("/tasks/{task}/assign", MANAGERS),
    ("/assignments/{assignment}", READERS | {INSIDER}),
    ("/units/{unit}", READERS | {INSIDER}),
    ("/dashboard/assignments", READERS),
    ("/admin/", {"admin"}),
    ("/admin/units", {"admin"}),
    ("/admin/users", {"admin"}),
    ("/admin/groups", {"admin"}),
    ("/password", EVERYONE),
    ("/profile", EVERYONE),
    ("/outbox", {"admin"}),
    ("/outbox/{message}", {"admin"}),
    ("/outbox/{message}/html", {"admin"}),
    ("/units/{unit}/digest", READERS | {INSIDER}),
    ("/units/{unit}/digest/mail", READERS | {INSIDER}),
    ("/queues/submitted", MANAGERS),
    ("/queues/extensions", MANAGERS),
    ("/queues/counts", MANAGERS),
    ("/assignments/{progressing}/submit", {INSIDER}),
    ("/submissions/{submission}", READERS | {INSIDER}),
    ("/attachments/{attachment}", READERS | {INSIDER}),
]

# (path template, form data, roles allowed to POST)
POSTS = [
    ("/meetings/new", {"title": "Họp mới", "held_on": "2026-05-20"}, MANAGERS),
    ("/meetings/{meeting}/edit", {"title": "Đổi tên", "held_on": "2026-05-02"}, MANAGERS),
    (
        "/meetings/{meeting}/tasks/new",
        {
            "number": "9",
            "title": "Việc mới",
            "field": "khac",
            "deadline_kind": "date",
            "deadline": "2026-06-30",
            "lead": "{unit}",
        },
        MANAGERS,
    ),
    (
        "/tasks/{task}/edit",
        {"number": "1", "title": "Sửa", "field": "khac", "deadline_kind": "none"},
        MANAGERS,
    ),
    ("/tasks/{task}/assign", {"units": "{ward}", "lead": ""}, MANAGERS),
    ("/assignments/{assignment}/reports", {"text": "Đã làm", "progress": "30"}, {INSIDER}),
    ("/assignments/{assignment}/status", {"status": "in_progress"}, {INSIDER, "lanhdao", "admin"}),
    ("/outbox/{message}/retry", {}, {"admin"}),
    # A real form always sends a field; an empty body would leave the choices as they were.
    ("/profile", {"save": "1"}, EVERYONE),
    ("/units/{unit}/digest/send", {}, MANAGERS),
    (
        "/assignments/{assignment}/extensions",
        {"requested_deadline": "2026-06-30", "reason": "Chờ kinh phí"},
        {INSIDER},
    ),
    ("/extensions/{extension}/approve", {}, {"lanhdao", "admin"}),
    ("/extensions/{extension}/reject", {"reason": "Không đủ căn cứ"}, {"lanhdao", "admin"}),
    ("/assignments/{assignment}/urge", {"message": "Khẩn trương"}, MANAGERS),
    ("/assignments/{assignment}/reassign", {"unit": "{ward}", "reason": "Chuyển"}, DECIDERS),
    (
        "/assignments/{progressing}/submit",
        {"summary": "Đã xong", "doc_number": "7/BC", "doc_date": "2026-05-14"},
        {INSIDER},
    ),
    ("/assignments/{pending}/confirm", {}, DECIDERS),
    ("/assignments/{pending}/return", {"reason": "Bổ sung"}, DECIDERS),
    (
        "/admin/units/new",
        {"name": "Phòng Mới", "short_name": "Mới", "code": "moi", "kind": "department"},
        {"admin"},
    ),
]


# Each later feature lists its routes in its own tests/perm_<feature>.py: GETS and POSTS as
# above, and optionally extra_ids(app, world, factory, ids) -> dict of further path ids.
EXTENSIONS = [
    importlib.import_module(path.stem) for path in sorted(Path(__file__).parent.glob("perm_*.py"))
]
for _module in EXTENSIONS:
    GETS += getattr(_module, "GETS", [])
    POSTS += getattr(_module, "POSTS", [])


# The htmx variant sends the same request with HX-Request: the same permission checks, another
# template block. It runs in the SQLite run; the PostgreSQL run, which checks what the
# database answers, runs the plain variant (half the matrix, ~3 minutes of the suite).
HTMX_VARIANTS = [False, pytest.param(True, marks=pytest.mark.sqlite_only)]


@pytest.fixture
def ids(app, world, factory):
    meeting = factory.meeting("Họp riêng của Phòng Nội vụ")
    # Overdue, so the department's weekly digest has something to say.
    task = factory.task(meeting, "Việc riêng của Phòng Nội vụ", deadline=date(2026, 5, 14))
    assignment = factory.assignment(task, world.dept)
    world.dept.email = "noivu@hongbang.example"
    world.dept.save()
    message = OutboxMessage.create(
        key="weekly_digest:unit:0:2026-W19",
        kind="weekly_digest",
        recipients="x@example.vn",
        subject="Tổng hợp",
        body_text="…",
        body_html="<p>Tổng hợp</p>",
        status="dead",
        last_error="550",
        next_attempt_at=NOW,
        created_at=NOW,
        updated_at=NOW,
    )
    ids = {
        "meeting": meeting.id,
        "task": task.id,
        "assignment": assignment.id,
        "unit": world.dept.id,
        "ward": world.ward_a.id,
        "message": message.id,
        "extension": _pending_extension(meeting, world.dept).id,
        **_submitted_work(app, meeting, world.dept),
    }
    for module in EXTENSIONS:
        if hasattr(module, "extra_ids"):
            ids.update(module.extra_ids(app, world, factory, ids))
    return ids


def _pending_extension(meeting, unit) -> ExtensionRequest:
    """A request awaiting a decision, on a second task of the department's own."""
    task = Task.create(
        meeting=meeting,
        number=Task.next_number(meeting),
        title="Việc thứ hai của Phòng Nội vụ",
        deadline_kind="date",
        deadline=date(2026, 6, 1),
        created_at=NOW,
        updated_at=NOW,
    )
    assignment = Assignment.create(
        task=task,
        unit=unit,
        deadline=task.deadline,
        original_deadline=task.deadline,
        stats_deadline=task.deadline,
        created_at=NOW,
        updated_at=NOW,
    )
    return ExtensionRequest.create(
        assignment=assignment,
        previous_deadline=task.deadline,
        requested_deadline=date(2026, 6, 20),
        reason="Chờ kinh phí",
        created_at=NOW,
    )


def _submitted_work(app, meeting, unit) -> dict[str, int]:
    """The department's work in progress, and work submitted with a file on disk."""
    ids = {}
    for key, status in (("progressing", "in_progress"), ("pending", "submitted")):
        task = Task.create(
            meeting=meeting,
            number=Task.next_number(meeting),
            title=f"Việc {key} của Phòng Nội vụ",
            created_at=NOW,
            updated_at=NOW,
        )
        ids[key] = Assignment.create(
            task=task, unit=unit, status=status, created_at=NOW, updated_at=NOW
        ).id
    submission = Submission.create(assignment=ids["pending"], summary="Xong", created_at=NOW)
    folder = app.config["INSTANCE_PATH"] / "uploads"
    folder.mkdir(exist_ok=True)
    (folder / "0123abcd.pdf").write_bytes(b"%PDF-1.4 minh chung")
    attachment = Attachment.create(
        assignment=ids["pending"],
        submission=submission,
        original_name="Minh chứng.pdf",
        stored_name="0123abcd.pdf",
        content_type="application/pdf",
        size=19,
        sha256="0" * 64,
        created_at=NOW,
    )
    return {**ids, "submission": submission.id, "attachment": attachment.id}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table (audit events included, but not the record of a refusal)."""
    return {
        m._meta.table_name: sorted(tuple(map(str, row)) for row in _rows(m).tuples())
        for m in MODELS
    }


def _rows(model):
    if model is AuditEvent:  # a refused request is itself audited ("denied"): no data change
        return model.select().where(AuditEvent.action != "denied")
    return model.select()


def _sent_to_login(response, htmx: bool) -> bool:
    """A plain request is redirected to the login page; htmx is told to load it (a redirect
    it would follow and swap the login page into the page)."""
    if htmx:
        return response.status_code == 401 and response.headers["HX-Redirect"].startswith("/login")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def _login(auth, role: str) -> None:
    if role != "anonymous":
        response = auth.login(role)
        assert response.status_code == 302, role


@pytest.mark.parametrize("htmx", HTMX_VARIANTS, ids=["plain", "htmx"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("template", "allowed"), GETS, ids=[g[0] for g in GETS])
def test_get(client, auth, ids, template, allowed, role, htmx):
    _login(auth, role)
    path = template.format(**ids)
    response = client.hx_get(path) if htmx else client.get(path)
    if role == "anonymous":
        assert _sent_to_login(response, htmx), (path, response.status_code)
    elif role in allowed:
        assert response.status_code == 200, (path, role, response.status_code)
    else:
        assert response.status_code in (403, 404), (path, role, response.status_code)


@pytest.mark.parametrize("htmx", HTMX_VARIANTS, ids=["plain", "htmx"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("template", "data", "allowed"), POSTS, ids=[p[0] for p in POSTS])
def test_post(client, auth, ids, template, data, allowed, role, htmx):
    _login(auth, role)
    path = template.format(**ids)
    form = {k: v.format(**ids) for k, v in data.items()}
    before = snapshot()
    response = client.post(path, data=form, htmx=htmx)
    if role in allowed:
        assert response.status_code in (200, 302), (path, role, response.status_code)
        assert snapshot() != before, f"{role} was allowed {path} but nothing changed"
        return
    if role == "anonymous":
        assert _sent_to_login(response, htmx), (path, response.status_code)
    else:
        assert response.status_code in (403, 404), (path, role, response.status_code)
    assert snapshot() == before, f"{role} changed data through {path}"


def _shape(path: str) -> str:
    return re.sub(r"<[^>]+>|\{[a-z]+\}", "{}", path.split("?")[0])


def test_every_route_is_in_the_matrix(app):
    """A new route must be added here, so its permissions get tested."""
    covered = {_shape(t) for t, _ in GETS} | {_shape(t) for t, *_ in POSTS}
    exempt = {"static", "auth.login", "auth.logout", "auth.language", "health.health"}
    exempt.add("calendar_feeds.ics")  # public by secret token: tests/test_calendar.py
    exempt.update({"oidc.start", "oidc.callback"})  # the way in: tests/test_oidc.py
    exempt.add("notifications.bell")  # no login: 286, polling stops (tests/test_notifications.py)
    missing = [
        rule.rule
        for rule in app.url_map.iter_rules()
        # the admin pages have their own full matrix in test_admin.py
        if rule.endpoint not in exempt
        and not rule.endpoint.startswith("admin.")
        and not rule.rule.startswith("/api/")  # token matrix in test_api_permissions.py
        and _shape(rule.rule) not in covered
    ]
    assert not missing, missing
