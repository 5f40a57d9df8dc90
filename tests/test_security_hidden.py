"""Issue 7, audit: refusals answered 404 (so that what exists stays hidden) are audit events too,
on the pages and in the API; an id that exists nowhere is a plain 404, not a refusal."""

from __future__ import annotations

import json

import pytest
from conftest import NOW

from tracker.api.tokens import create_token
from tracker.models import ApiToken, Attachment, AuditEvent, CalendarFeed, Submission


def denials() -> list[dict]:
    events = AuditEvent.select().where(AuditEvent.action == "denied").order_by(AuditEvent.id)
    return [{"actor": e.actor_id, **json.loads(e.after)} for e in events]


@pytest.fixture
def evidence(app, world):
    """The department's submitted work with one evidence file."""
    a = world.assignment_dept
    submission = Submission.create(assignment=a, summary="Xong", created_at=NOW)
    folder = app.config["INSTANCE_PATH"] / "uploads"
    folder.mkdir(exist_ok=True)
    (folder / "0123abcd.pdf").write_bytes(b"%PDF-1.4 minh chung")
    attachment = Attachment.create(
        assignment=a,
        submission=submission,
        original_name="Minh chứng.pdf",
        stored_name="0123abcd.pdf",
        content_type="application/pdf",
        size=19,
        sha256="0" * 64,
        created_at=NOW,
    )
    return submission, attachment


def test_another_units_file_and_submission_are_hidden_and_audited(client, auth, world, evidence):
    submission, attachment = evidence
    auth.login("p.sodau")
    assert client.get(f"/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/submissions/{submission.id}").status_code == 404
    seen = denials()
    assert [(d["actor"], d["method"], d["path"]) for d in seen] == [
        (world.officer_a.id, "GET", f"/attachments/{attachment.id}"),
        (world.officer_a.id, "GET", f"/submissions/{submission.id}"),
    ]
    # The unit's own officer gets the file; an id that exists nowhere is no refusal.
    auth.logout()
    auth.login("pb.noivu")
    assert client.get(f"/attachments/{attachment.id}").status_code == 200
    assert client.get("/attachments/99999").status_code == 404
    assert len(denials()) == 2


def test_another_users_token_and_feed_are_hidden_and_audited(app, client, auth, world):
    with app.app_context():
        token, _secret = create_token(world.leader, "Cổng tổng hợp")
        feed, _ = CalendarFeed.issue(world.leader, None, NOW)
    auth.login("p.sodau")
    for url in (f"/profile/tokens/{token.id}/revoke", f"/calendar/feeds/{feed.id}/revoke"):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert client.post("/profile/tokens/99999/revoke").status_code == 404
    assert [(d["method"], d["path"]) for d in denials()] == [
        ("GET", f"/profile/tokens/{token.id}/revoke"),
        ("POST", f"/profile/tokens/{token.id}/revoke"),
        ("GET", f"/calendar/feeds/{feed.id}/revoke"),
        ("POST", f"/calendar/feeds/{feed.id}/revoke"),
    ]
    assert ApiToken.get_by_id(token.id).revoked_at is None
    assert CalendarFeed.get_by_id(feed.id).revoked_at is None


@pytest.fixture
def bearer(app, world):
    with app.app_context():
        return {"Authorization": f"Bearer {create_token(world.officer_a, 'Phần mềm phường')[1]}"}


def test_api_hidden_objects_and_forbidden_actions_are_audited(client, world, bearer):
    dept = world.assignment_dept
    hidden = [
        f"/api/v1/assignments/{dept.id}",
        f"/api/v1/tasks/{world.other_task.id}",
    ]
    for url in hidden:
        response = client.get(url, headers=bearer)
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert client.get("/api/v1/tasks/99999", headers=bearer).status_code == 404
    # Visible, but not theirs to do: 403.
    forbidden = client.post(
        f"/api/v1/tasks/{world.task.id}/assignments",
        json={"units": [world.dept.id]},
        headers=bearer,
        csrf=False,
    )
    assert forbidden.status_code == 403
    seen = denials()
    assert [(d["actor"], d["path"]) for d in seen] == [
        (world.officer_a.id, hidden[0]),
        (world.officer_a.id, hidden[1]),
        (world.officer_a.id, f"/api/v1/tasks/{world.task.id}/assignments"),
    ]
