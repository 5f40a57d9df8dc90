"""Every move between two statuses, by every role, through the page that makes it.

A move the graph (tracker/workflow.py TRANSITIONS) allows the role is carried out; every other
one is refused and leaves every table (and the upload folder) exactly as it was.
"""

from __future__ import annotations

from itertools import permutations

import pytest
from conftest import NOW
from upload_support import db_snapshot, stored_files

from tracker.assignments.workflow import TRANSITIONS
from tracker.models import STATUSES, Assignment, AuditEvent, Submission

# Who acts (username) and the role the graph knows them by; another ward's officer is nobody.
ACTORS = {
    "admin": "admin",
    "lanhdao": "leader",
    "tonghop": "secretary",
    "theodoi": "viewer",
    "p.sodau": "officer",  # of ward A, whose assignment moves
    "p.hoangvanthu": None,  # an officer of ward B, on the same task
}

PAIRS = list(permutations(STATUSES, 2))
AUDIT = {"submitted": "submit", "done": "confirm", "returned": "return"}


def _request(to: str, assignment_id: int) -> tuple[str, dict[str, str]]:
    """The form that asks for the move to ``to``: the dedicated ones, else the status form."""
    base = f"/assignments/{assignment_id}"
    if to == "submitted":
        return f"{base}/submit", {
            "summary": "Đã hoàn thành",
            "doc_number": "12/BC-UBND",
            "doc_date": "2026-05-14",
        }
    if to == "done":
        return f"{base}/confirm", {}
    if to == "returned":
        return f"{base}/return", {"reason": "Bổ sung minh chứng"}
    return f"{base}/status", {"status": to, "reason": "Theo chỉ đạo"}


def _start(a: Assignment, status: str) -> None:
    values = {"status": status}
    if status in ("submitted", "done"):
        values["submitted_at"] = NOW
    if status == "done":
        values.update(completed_at=NOW, completed_on=NOW.date(), progress=100)
    Assignment.update(values).where(Assignment.id == a.id).execute()
    if status == "submitted":
        Submission.create(assignment=a, summary="Đã xong", created_at=NOW)


def _allowed(frm: str, to: str, username: str) -> bool:
    return ACTORS[username] in TRANSITIONS.get((frm, to), ())


def _ids(pair: tuple[str, str]) -> str:
    return f"{pair[0]}->{pair[1]}"


def test_the_graph_is_what_design_says():
    assert set(TRANSITIONS) <= set(PAIRS)
    assert TRANSITIONS[("in_progress", "submitted")] == {"officer"}
    assert TRANSITIONS[("submitted", "done")] == {"leader", "admin"}
    assert TRANSITIONS[("submitted", "returned")] == {"leader", "admin"}


def _check(app, client, auth, a: Assignment, frm: str, to: str, htmx: bool) -> None:
    """Each actor in turn asks for ``frm`` → ``to``; the state is set afresh after a move."""
    _start(a, frm)
    for username in ACTORS:
        auth.logout()
        auth.login(username)
        path, data = _request(to, a.id)
        before = db_snapshot()
        response = client.post(path, data=data, htmx=htmx)
        who = f"{username}: {frm} → {to}"
        if _allowed(frm, to, username):
            assert response.status_code == (200 if htmx else 302), who
            assert Assignment.get_by_id(a.id).status == to, who
            event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
            assert event.action == AUDIT.get(to, "status") and event.assignment_id == a.id, who
            if htmx:
                assert "<html" not in response.get_data(as_text=True), who
            _start(a, frm)
            continue
        # htmx shows a refusal with 200 so that it is swapped in beside the field.
        assert response.status_code in ((200, 403, 404) if htmx else (400, 403, 404)), who
        assert db_snapshot() == before, f"{who} changed data"
        assert stored_files(app) == [], who


@pytest.mark.parametrize("pair", PAIRS, ids=[_ids(p) for p in PAIRS])
def test_move(app, client, auth, world, pair):
    _check(app, client, auth, world.assignment_a, *pair, htmx=False)


GRAPH = sorted(TRANSITIONS)


@pytest.mark.parametrize("pair", GRAPH, ids=[_ids(p) for p in GRAPH])
def test_move_by_htmx(app, client, auth, world, pair):
    """The moves of the graph as htmx requests: a fragment when allowed."""
    _check(app, client, auth, world.assignment_a, *pair, htmx=True)


@pytest.mark.parametrize("frm", ["in_progress", "returned"])
def test_a_secretary_allowed_by_the_setting_decides_only_submitted_work(
    app, client, auth, world, frm
):
    app.config["SECRETARY_MAY_CONFIRM"] = True
    _start(world.assignment_a, frm)
    auth.login("tonghop")
    before = db_snapshot()
    assert client.post(f"/assignments/{world.assignment_a.id}/confirm").status_code == 400
    assert db_snapshot() == before
