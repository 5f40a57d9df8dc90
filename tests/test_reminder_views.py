"""The weekly digest on the web: /units/<id>/digest and POST /units/<id>/digest/send."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.models import AuditEvent, OutboxMessage


def _text(response) -> str:
    return response.get_data(as_text=True)


def _snapshot() -> tuple[int, int]:
    """Messages queued and "send now" audit events (logging in is audited too)."""
    sent = AuditEvent.select().where(AuditEvent.action == "digest_send").count()
    return OutboxMessage.select().count(), sent


@pytest.fixture
def overdue(factory, world):
    """Ward A has one overdue task (with markup in its title) besides its on-time one."""
    task = factory.task(world.meeting, "Chỉnh trang <i>vỉa hè</i>", deadline=date(2026, 5, 5))
    return factory.assignment(task, world.ward_a, progress=30)


# --- preview -------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["lanhdao", "tonghop", "admin", "theodoi", "p.sodau"])
def test_preview_for_those_who_see_the_unit(client, auth, world, overdue, username):
    auth.login(username)
    page = _text(client.get(f"/units/{world.ward_a.id}/digest"))
    assert "Bản tổng hợp nhiệm vụ tuần 20/2026" in page
    assert "[Giao việc] Tổng hợp nhiệm vụ tuần 20/2026 – UBND phường Sở Dầu: 1 quá hạn" in page
    assert "P.Sodau" in page  # an officer without an address is shown
    # The mail itself is framed from a response of its own, as the mail will look.
    assert f'src="/units/{world.ward_a.id}/digest/mail"' in page
    mail = _text(client.get(f"/units/{world.ward_a.id}/digest/mail"))
    assert "Nhiệm vụ quá hạn (1)" in mail
    assert "Chỉnh trang &lt;i&gt;vỉa hè&lt;/i&gt;" in mail and "<i>vỉa hè" not in mail
    assert f"/assignments/{overdue.id}" in mail
    can_send = username in ("lanhdao", "tonghop", "admin")
    assert ("Gửi ngay bản tổng hợp này" in page) is can_send


def test_preview_without_anything_to_say(client, auth, world):
    auth.login("lanhdao")
    page = _text(client.get(f"/units/{world.ward_b.id}/digest"))
    assert "không có thư tổng hợp" in page and "Gửi ngay" not in page


def test_preview_of_an_inactive_unit(client, auth, factory, world):
    closed = factory.unit("UBND phường Cũ", code="cu", active=False)
    auth.login("lanhdao")
    page = _text(client.get(f"/units/{closed.id}/digest"))
    assert "Đơn vị đã ngừng hoạt động" in page


@pytest.mark.parametrize("htmx", [False, True])
def test_officer_of_another_unit_is_refused(client, auth, world, overdue, htmx):
    auth.login("p.hoangvanthu")
    get = client.hx_get if htmx else client.get
    assert get(f"/units/{world.ward_a.id}/digest").status_code == 403


def test_unknown_unit_is_404(client, auth, world):
    auth.login("lanhdao")
    assert client.get("/units/9999/digest").status_code == 404
    assert client.post("/units/9999/digest/send").status_code == 404


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(f"/units/{world.ward_a.id}/digest")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post(f"/units/{world.ward_a.id}/digest/send", csrf=False)
    assert response.status_code in (302, 400)
    assert _snapshot() == (0, 0)


def test_work_page_links_to_the_preview(client, auth, world):
    auth.login("lanhdao")
    page = _text(client.get(f"/units/{world.ward_a.id}"))
    assert f'href="/units/{world.ward_a.id}/digest"' in page and "Xem bản tổng hợp tuần" in page


# --- send now ------------------------------------------------------------------------------


def test_send_now_queues_once_per_week(client, auth, world, overdue):
    auth.login("tonghop")
    url = f"/units/{world.ward_a.id}/digest/send"
    response = client.post(url)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/units/{world.ward_a.id}/digest"
    (message,) = OutboxMessage.select()
    assert message.key == f"weekly_digest:unit:{world.ward_a.id}:2026-W20"
    assert message.kind == "weekly_digest" and message.unit_id == world.ward_a.id
    event = AuditEvent.get(AuditEvent.action == "digest_send")
    assert event.object_type == "unit" and event.object_id == world.ward_a.id
    assert event.actor_id == world.secretary.id and message.key in event.after
    page = _text(client.get(response.headers["Location"]))
    assert "Đã xếp bản tổng hợp tuần vào hàng đợi gửi." in page
    assert "đã được xếp vào hàng đợi gửi lúc" in page and "Gửi ngay bản tổng hợp này" not in page
    # A second press (say, from a stale page) queues nothing and says so.
    client.post(url)
    page = _text(client.get(f"/units/{world.ward_a.id}/digest"))
    assert "đã được xếp vào hàng đợi gửi trước đó" in page
    assert _snapshot() == (1, 1)


def test_send_now_then_the_weekly_run_sends_no_duplicate(client, auth, app, world, overdue):
    from tracker.reminders import jobs

    auth.login("lanhdao")
    client.post(f"/units/{world.ward_a.id}/digest/send")
    with app.app_context():
        outcome = jobs.run_job("weekly_digest", app.extensions["clock"].now())
    assert outcome.ran and outcome.built == 2 and outcome.queued == 1  # ward A's was queued
    keys = [m.key for m in OutboxMessage.select()]
    assert len(keys) == len(set(keys)) == 2


def test_send_now_with_htmx_returns_the_status_block(client, auth, world, overdue):
    auth.login("admin")
    response = client.post(f"/units/{world.ward_a.id}/digest/send", htmx=True)
    assert response.status_code == 200
    body = _text(response)
    assert body.lstrip().startswith('<section id="digest-status"')
    assert "Đã xếp bản tổng hợp tuần vào hàng đợi gửi." in body and "<html" not in body
    again = _text(client.post(f"/units/{world.ward_a.id}/digest/send", htmx=True))
    assert "đã được xếp vào hàng đợi gửi trước đó" in again
    assert _snapshot() == (1, 1)


def test_send_now_with_nothing_to_say(client, auth, world):
    auth.login("lanhdao")
    client.post(f"/units/{world.ward_b.id}/digest/send")
    page = _text(client.get(f"/units/{world.ward_b.id}/digest"))
    assert "Tuần này đơn vị không có nội dung cần tổng hợp." in page
    assert _snapshot() == (0, 0)


@pytest.mark.parametrize("username", ["theodoi", "p.sodau", "p.hoangvanthu"])
@pytest.mark.parametrize("htmx", [False, True])
def test_send_now_is_for_leaders_secretaries_and_admins(
    client, auth, world, overdue, username, htmx
):
    auth.login(username)
    response = client.post(f"/units/{world.ward_a.id}/digest/send", htmx=htmx)
    assert response.status_code == 403
    assert _snapshot() == (0, 0)


def test_send_now_needs_the_csrf_token(client, auth, world, overdue):
    auth.login("lanhdao")
    response = client.post(f"/units/{world.ward_a.id}/digest/send", csrf=False)
    assert response.status_code == 400
    assert _snapshot() == (0, 0)


def test_send_now_refuses_get(client, auth, world):
    auth.login("lanhdao")
    assert client.get(f"/units/{world.ward_a.id}/digest/send").status_code == 405
