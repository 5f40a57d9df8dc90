"""The JSON API: tokens, bad input, reading with filters and pages, writing through the workflow."""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import NOW

from tracker.api.tokens import create_token
from tracker.models import ApiToken, Assignment, AuditEvent, OutboxMessage, ProgressReport, Task
from tracker.models.api_tokens import hash_token


@pytest.fixture
def bearer(app, world):
    """``bearer(user)``: the Authorization header of a fresh token of ``user``."""

    def make(user) -> dict[str, str]:
        with app.app_context():
            _token, secret = create_token(user, "test")
        return {"Authorization": f"Bearer {secret}"}

    return make


def api_post(client, path, headers, body=None, **kw):
    return client.post(path, headers=headers, json=body, csrf=False, **kw)


def assert_error(response, status: int, code: str, *fields: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json and response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    for field in fields:
        assert field in error["fields"], error
    return error


# --- tokens -------------------------------------------------------------------------------


def _created_secret(response) -> str:
    match = re.search(r'class="token-secret">([^<]+)<', response.get_data(as_text=True))
    assert match, "the new token is shown once"
    return match.group(1)


def test_token_lifecycle_through_the_profile(client, auth, world):
    auth.login("p.sodau")
    response = client.post("/profile/tokens", data={"name": "Phần mềm văn bản"})
    assert response.status_code == 200
    secret = _created_secret(response)
    assert response.headers["Cache-Control"] == "no-store"
    auth.logout()

    # Stored hashed: the secret is nowhere in the database, its SHA-256 is.
    token = ApiToken.get()
    assert token.token_hash == hash_token(secret) and secret not in token.token_hash
    assert token.prefix == secret[:10] and token.user_id == world.officer_a.id
    assert AuditEvent.select().where(AuditEvent.action == "api_token_create").count() == 1

    headers = {"Authorization": f"Bearer {secret}"}
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.get_json()["username"] == "p.sodau"
    assert ApiToken.get().last_used_at == NOW

    # The profile lists it by its prefix only; the secret is not shown again.
    auth.login("p.sodau")
    page = client.get("/profile").get_data(as_text=True)
    assert token.prefix in page and secret not in page

    # Revocation asks first: a GET shows the question, a POST without the button changes nothing.
    confirm = client.get(f"/profile/tokens/{token.id}/revoke")
    assert confirm.status_code == 200 and "Thu hồi" in confirm.get_data(as_text=True)
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 400
    assert ApiToken.get().revoked_at is None
    done = client.post(f"/profile/tokens/{token.id}/revoke", data={"confirm": "yes"})
    assert done.status_code == 302
    assert ApiToken.get().revoked_at == NOW
    assert AuditEvent.select().where(AuditEvent.action == "api_token_revoke").count() == 1

    revoked = client.get("/api/v1/me", headers=headers)
    assert_error(revoked, 401, "unauthorized")
    assert revoked.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_name_is_required_and_shown_beside_the_field(client, auth, world):
    auth.login("p.sodau")
    response = client.post("/profile/tokens", data={"name": "  "}, htmx=True)
    assert response.status_code == 200
    assert "field-error" in response.get_data(as_text=True)
    assert ApiToken.select().count() == 0


def test_another_users_token_cannot_be_revoked(client, auth, world, bearer):
    bearer(world.officer_a)
    token = ApiToken.get()
    auth.login("p.hoangvanthu")
    assert client.get(f"/profile/tokens/{token.id}/revoke").status_code == 404
    response = client.post(f"/profile/tokens/{token.id}/revoke", data={"confirm": "yes"})
    assert response.status_code == 404
    assert ApiToken.get().revoked_at is None


def test_deactivated_user_token_is_refused(client, world, bearer):
    headers = bearer(world.officer_a)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    world.officer_a.active = False
    world.officer_a.save()
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthorized")


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer gv_unknown", "Basic dXNlcjpwYXNz", "Token abc", "Bearer " + "x" * 300],
)
def test_missing_or_unknown_token_is_401(client, world, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/meetings", headers=headers)
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_session_cookie_alone_does_not_authenticate(client, auth, world):
    auth.login("lanhdao")
    assert client.get("/meetings").status_code == 200  # the browser session works for pages
    assert_error(client.get("/api/v1/meetings"), 401, "unauthorized")
    before = Task.select().count()
    # Even with the session's own CSRF token, as a script on the site's page could send it.
    response = client.post(
        f"/api/v1/meetings/{world.meeting.id}/tasks",
        json={"title": "Giả mạo"},
        headers={"X-CSRFToken": client.csrf_token()},
        csrf=False,
    )
    assert_error(response, 401, "unauthorized")
    assert Task.select().count() == before


def test_token_of_another_user_does_not_leak_into_the_session(client, world, bearer):
    client.get("/api/v1/me", headers=bearer(world.leader))
    # No session was opened by the API call: the pages still ask to log in.
    assert client.get("/meetings").status_code == 302


# --- bad input ----------------------------------------------------------------------------


def test_bad_json_is_400(client, world, bearer):
    headers = bearer(world.leader)
    response = client.post(
        f"/api/v1/meetings/{world.meeting.id}/tasks",
        data="{bad json",
        headers=headers,
        content_type="application/json",
        csrf=False,
    )
    assert_error(response, 400, "invalid_json")
    response = api_post(client, f"/api/v1/meetings/{world.meeting.id}/tasks", headers, [1, 2])
    assert_error(response, 400, "invalid_json")


def test_missing_and_wrong_typed_fields_are_named(client, world, bearer):
    headers = bearer(world.leader)
    path = f"/api/v1/meetings/{world.meeting.id}/tasks"
    assert_error(api_post(client, path, headers, {}), 400, "invalid_request", "title")
    error = assert_error(
        api_post(
            client,
            path,
            headers,
            {"title": 5, "number": "3", "each_leads": 1, "units": ["x"], "deadline": "30/06/2026"},
        ),
        400,
        "invalid_request",
        "title",
        "number",
        "each_leads",
        "units",
        "deadline",
    )
    assert error["fields"]["title"] == "Phải là một chuỗi ký tự."
    assert_error(
        api_post(client, path, headers, {"title": "A", "colour": "red"}),
        400,
        "invalid_request",
        "colour",
    )
    # true is not an integer, 30.5 is not a whole percentage, NUL cannot be stored.
    report_path = f"/api/v1/assignments/{world.assignment_a.id}/reports"
    officer = bearer(world.officer_a)
    assert_error(
        api_post(client, report_path, officer, {"text": "x", "progress": True}),
        400,
        "invalid_request",
        "progress",
    )
    assert_error(
        api_post(client, report_path, officer, {"text": "x", "progress": 30.5}),
        400,
        "invalid_request",
        "progress",
    )
    assert_error(
        api_post(client, report_path, officer, {"text": "a\x00b", "progress": 3}),
        400,
        "invalid_request",
        "text",
    )
    assert_error(
        api_post(client, report_path, officer, {"text": "x", "progress": 101}),
        400,
        "invalid_request",
        "progress",
    )
    assert Task.select().count() == 2 and ProgressReport.select().count() == 0


def test_wrong_content_type_is_415(client, world, bearer):
    response = client.post(
        f"/api/v1/assignments/{world.assignment_a.id}/reports",
        data={"text": "x", "progress": "3"},
        headers=bearer(world.officer_a),
        csrf=False,
    )
    assert_error(response, 415, "unsupported_media_type")


def test_bad_query_arguments_are_named(client, world, bearer):
    headers = bearer(world.viewer)
    response = client.get(
        "/api/v1/assignments?per_page=500&page=0&status=doing&deadline_from=2026-02-30&unit=x",
        headers=headers,
    )
    error = assert_error(response, 400, "invalid_request")
    assert set(error["fields"]) == {"per_page", "page", "status", "deadline_from", "unit"}
    # A misspelt filter is refused rather than ignored (which would list everything).
    error = assert_error(
        client.get("/api/v1/tasks?meetng=1", headers=headers), 400, "invalid_request"
    )
    assert error["fields"] == {"meetng": "Trường này không được hỗ trợ."}
    assert_error(
        client.get("/api/v1/meetings?q=a%00b", headers=headers), 400, "invalid_request", "q"
    )


def test_unknown_route_wrong_method_and_too_large_are_json(app, client, world, bearer):
    headers = bearer(world.leader)
    assert_error(client.get("/api/v1/nothing-here", headers=headers), 404, "not_found")
    assert_error(client.get("/api/elsewhere"), 404, "not_found")
    assert_error(client.get("/api/v1/tasks/99999999999", headers=headers), 404, "not_found")
    response = client.delete(f"/api/v1/tasks/{world.task.id}", headers=headers)
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    big = {"text": "x" * (1024 * 1024 + 10), "progress": 5}
    response = api_post(
        client, f"/api/v1/assignments/{world.assignment_a.id}/reports", bearer(world.officer_a), big
    )
    assert_error(response, 413, "payload_too_large")


def test_rule_refusals_are_422_and_workflow_refusals_409(client, world, bearer):
    headers = bearer(world.secretary)
    path = f"/api/v1/meetings/{world.meeting.id}/tasks"
    error = assert_error(
        api_post(client, path, headers, {"title": "Việc", "deadline_kind": "date"}),
        422,
        "validation_failed",
        "deadline",
    )
    assert "hạn hoàn thành" in error["fields"]["deadline"]
    assert_error(
        api_post(client, path, headers, {"title": "Việc", "deadline_kind": "none", "lead": 999}),
        422,
        "validation_failed",
        "lead",
    )
    Assignment.update(status="submitted").where(Assignment.id == world.assignment_a.id).execute()
    response = api_post(
        client,
        f"/api/v1/assignments/{world.assignment_a.id}/reports",
        bearer(world.officer_a),
        {"text": "Thêm", "progress": 90},
    )
    assert_error(response, 409, "conflict")
    assert ProgressReport.select().count() == 0


# --- reading ------------------------------------------------------------------------------


def test_lists_filter_and_paginate(client, world, factory, bearer):
    for n in range(3):
        extra = factory.task(world.meeting, f"Việc thêm {n}", deadline=date(2026, 8, 1 + n))
        factory.assignment(extra, world.ward_a, status="in_progress")
    headers = bearer(world.viewer)
    page = client.get(f"/api/v1/assignments?unit={world.ward_a.id}&per_page=2", headers=headers)
    body = page.get_json()
    assert body["total"] == 4 and body["pages"] == 2 and len(body["items"]) == 2
    assert {a["unit"]["id"] for a in body["items"]} == {world.ward_a.id}
    second = client.get(
        f"/api/v1/assignments?unit={world.ward_a.id}&per_page=2&page=2", headers=headers
    ).get_json()
    assert len(second["items"]) == 2
    assert not {a["id"] for a in body["items"]} & {a["id"] for a in second["items"]}

    overdue = client.get("/api/v1/assignments?category=overdue", headers=headers).get_json()
    assert [a["id"] for a in overdue["items"]] == [world.assignment_dept.id]
    assert overdue["items"][0]["category"] == "overdue" and overdue["items"][0]["days_late"] == 5

    ranged = client.get(
        "/api/v1/tasks?deadline_from=2026-08-02&deadline_to=2026-08-31", headers=headers
    ).get_json()
    assert [t["title"] for t in ranged["items"]] == ["Việc thêm 1", "Việc thêm 2"]
    searched = client.get("/api/v1/tasks?q=H%E1%BA%A0+T%E1%BA%A6NG", headers=headers).get_json()
    assert [t["title"] for t in searched["items"]] == ["Nâng cấp hạ tầng số"]
    status = client.get("/api/v1/assignments?status=in_progress", headers=headers).get_json()
    assert status["total"] == 3
    meetings = client.get("/api/v1/meetings?held_from=2026-05-01", headers=headers).get_json()
    assert meetings["total"] == 1 and meetings["items"][0]["held_on"] == "2026-05-01"


def test_detail_shapes_use_iso_dates_and_offsets(client, world, bearer):
    headers = bearer(world.officer_a)
    task = client.get(f"/api/v1/tasks/{world.task.id}", headers=headers).get_json()
    assert task["deadline"] == "2026-05-30"
    assert task["created_at"] == "2026-05-15T03:00:00+00:00"
    # The other ward leads the same task too: co-leads do not read each other's work, as on
    # the task page (issue 14, item 18); a leader reads both.
    assert {a["unit"]["id"] for a in task["assignments"]} == {world.ward_a.id}
    task = client.get(f"/api/v1/tasks/{world.task.id}", headers=bearer(world.leader)).get_json()
    assert {a["unit"]["id"] for a in task["assignments"]} == {world.ward_a.id, world.ward_b.id}


# --- writing ------------------------------------------------------------------------------


def test_create_task_assigns_units_with_audit_and_mail(client, world, bearer):
    world.ward_a.email = "sodau@example.vn"
    world.ward_a.save()
    headers = bearer(world.secretary)
    response = api_post(
        client,
        f"/api/v1/meetings/{world.meeting.id}/tasks",
        headers,
        {
            "title": "Rà soát thủ tục",
            "field": "thu_tuc",
            "deadline": "2026-06-30",
            "lead": world.ward_a.id,
            "units": [world.dept.id],
        },
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["number"] == 3 and body["field"] == "thu_tuc"
    roles = {a["unit"]["id"]: a["role"] for a in body["assignments"]}
    assert roles == {world.ward_a.id: "lead", world.dept.id: "coordinating"}
    task = Task.get_by_id(body["id"])
    assert task.created_by_id == world.secretary.id
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert actions[-3:] == ["create", "assign", "assign"]
    assert OutboxMessage.select().where(OutboxMessage.kind == "new_assignment").count() >= 1


def test_assign_more_units_and_report_progress(client, world, bearer):
    headers = bearer(world.leader)
    path = f"/api/v1/tasks/{world.task.id}/assignments"
    response = api_post(client, path, headers, {"units": [world.dept.id]})
    assert response.status_code == 201
    created = response.get_json()["created"]
    assert [(a["unit"]["id"], a["role"]) for a in created] == [(world.dept.id, "coordinating")]
    again = api_post(client, path, headers, {"units": [world.dept.id]})
    assert again.status_code == 200 and again.get_json()["created"] == []
    assert_error(api_post(client, path, headers, {}), 422, "validation_failed", "units")

    officer = bearer(world.officer_a)
    response = api_post(
        client,
        f"/api/v1/assignments/{world.assignment_a.id}/reports",
        officer,
        {"text": "  Đã tuyên truyền  ", "progress": 40, "difficulties": "Thiếu kinh phí"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["report"]["text"] == "Đã tuyên truyền"
    assert body["assignment"]["status"] == "in_progress" and body["assignment"]["progress"] == 40
    detail = client.get(f"/api/v1/assignments/{world.assignment_a.id}", headers=officer).get_json()
    assert [r["progress"] for r in detail["reports"]] == [40]
    event = AuditEvent.select().where(AuditEvent.action == "report").get()
    assert event.actor_id == world.officer_a.id and event.assignment_id == world.assignment_a.id


def test_openapi_documents_every_route(app, client):
    """Each /api/v1 route (but the document itself) is in the document, with its methods."""
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    routes = {
        (re.sub(r"<int:(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1")), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routes == documented


def test_messages_follow_the_token_users_language(client, auth, world, bearer):
    world.leader.locale = "en"
    world.leader.save()
    auth.login("p.sodau")  # a Vietnamese session in the same browser changes nothing
    response = client.get("/api/v1/assignments?page=0", headers=bearer(world.leader))
    assert assert_error(response, 400, "invalid_request", "page")["fields"]["page"] == (
        "Out of the allowed range."
    )
