"""The outbox pages (admins only): list, filters, message view, retry."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from conftest import NOW

from tracker.models import AuditEvent, OutboxMessage

OTHERS = ["lanhdao", "tonghop", "theodoi", "p.sodau"]


def make(key: str, status: str = "queued", minutes: int = 0, **kw) -> OutboxMessage:
    values = {
        "kind": "weekly_digest",
        "recipients": "ubndsodau@hongbang.example",
        "subject": f"Tổng hợp công việc tuần — {key}",
        "body_text": "Kính gửi đơn vị,\nNhiệm vụ quá hạn: 1.",
        "body_html": "<p>Kính gửi đơn vị</p>",
        "status": status,
        "attempts": 0 if status == "queued" else 2,
        "next_attempt_at": NOW,
        "created_at": NOW + timedelta(minutes=minutes),
        "updated_at": NOW,
    }
    values.update(kw)
    return OutboxMessage.create(key=key, **values)


@pytest.fixture
def outbox(world):
    return {
        "queued": make("weekly:sodau", unit=world.ward_a, minutes=1),
        "sent": make(
            "weekly:hvt", "sent", minutes=2, sent_at=NOW, recipients="hvt@hongbang.example"
        ),
        "failed": make("urge:1", "failed", minutes=3, kind="urge", last_error="451 Try later"),
        "dead": make(
            "due_soon:1",
            "dead",
            minutes=4,
            kind="due_soon",
            subject="Nhắc việc: hạn 18/05/2026",
            recipients="sai@hongbang.example",
            missing_recipients="Nguyễn Văn Bình",
            last_error="550 No such user",
            assignment=world.assignment_a,
            body_html='<p>Xin chào</p><script>alert("xss")</script><img src=x onerror="alert(1)">',
        ),
    }


def rows() -> list[tuple]:
    return list(OutboxMessage.select().order_by(OutboxMessage.id).tuples())


def test_list_shows_counts_and_newest_first(client, auth, outbox):
    auth.login("admin")
    page = client.get("/outbox").get_data(as_text=True)
    assert "Hộp thư đi" in page
    order = [page.index(outbox[name].subject) for name in ("dead", "failed", "sent", "queued")]
    assert order == sorted(order)
    for label in ("Chờ gửi: <strong>1</strong>", "Không gửi được: <strong>1</strong>"):
        assert label in page
    assert 'class="mail-row-dead"' in page
    assert "Chưa có địa chỉ: Nguyễn Văn Bình" in page


def test_list_says_when_smtp_is_not_configured(app, client, auth, outbox):
    auth.login("admin")
    notice = "Chưa cấu hình máy chủ gửi thư: thư được lưu tại đây và chưa được gửi đi."
    assert notice in client.get("/outbox").get_data(as_text=True)
    app.config["SMTP_URL"] = "smtps://giaoviec:bimat123@mail.hongbang.example"
    page = client.get("/outbox").get_data(as_text=True)
    assert notice not in page
    assert "giaoviec@mail.hongbang.example:465" in page and "bimat123" not in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("status=dead", ["dead"], ["queued", "sent", "failed"]),
        ("kind=urge", ["failed"], ["queued", "sent", "dead"]),
        ("q=hvt@", ["sent"], ["queued", "failed", "dead"]),
        ("q=NHẮC VIỆC", ["dead"], ["queued", "sent", "failed"]),
        ("q=bình", ["dead"], ["queued", "sent", "failed"]),
        ("status=bogus&kind=bogus", ["queued", "sent", "failed", "dead"], []),
    ],
)
def test_filters_and_search(client, auth, outbox, query, shown, hidden):
    auth.login("admin")
    page = client.get(f"/outbox?{query}").get_data(as_text=True)
    for name in shown:
        assert f'/outbox/{outbox[name].id}"' in page, name
    for name in hidden:
        assert f'/outbox/{outbox[name].id}"' not in page, name


def test_htmx_gets_only_the_results(client, auth, outbox):
    auth.login("admin")
    response = client.hx_get("/outbox?status=failed")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and 'id="outbox-results"' in body
    assert outbox["failed"].subject in body and outbox["queued"].subject not in body


def test_empty_list(client, auth, world):
    auth.login("admin")
    assert "Không có thư nào phù hợp." in client.get("/outbox").get_data(as_text=True)


def test_pagination_and_sort(app, client, auth, outbox):
    app.config["PAGE_SIZE"] = 2
    auth.login("admin")
    first = client.get("/outbox").get_data(as_text=True)
    second = client.get("/outbox?page=2").get_data(as_text=True)
    assert outbox["dead"].subject in first and outbox["queued"].subject in second
    assert "Trang 2 / 2" in second
    oldest = client.get("/outbox?sort=created").get_data(as_text=True)
    assert outbox["queued"].subject in oldest and outbox["dead"].subject not in oldest


def test_view_shows_headers_and_escapes_the_html_body(client, auth, outbox):
    auth.login("admin")
    message = outbox["dead"]
    response = client.get(f"/outbox/{message.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("sai@hongbang.example", "Nguyễn Văn Bình", "550 No such user", "due_soon:1"):
        assert text in page
    assert "Kính gửi đơn vị" in page  # the plain text body
    assert "<script>alert" not in page and 'onerror="alert' not in page
    # The HTML is framed from a response of its own (tests/test_mail_preview.py).
    assert f'src="/outbox/{message.id}/html"' in page and "Xin chào" not in page
    assert f"/assignments/{message.assignment_id}" in page
    assert "Gửi lại" in page


def test_view_of_a_sent_message_offers_no_retry(client, auth, outbox):
    auth.login("admin")
    page = client.get(f"/outbox/{outbox['sent'].id}").get_data(as_text=True)
    assert "/retry" not in page


def test_unknown_message_is_404(client, auth, outbox):
    auth.login("admin")
    assert client.get("/outbox/99999").status_code == 404
    assert client.post("/outbox/99999/retry").status_code == 404


@pytest.mark.parametrize("name", ["dead", "failed"])
def test_retry_queues_again_with_an_audit_event(client, auth, outbox, name):
    auth.login("admin")
    message = outbox[name]
    response = client.post(f"/outbox/{message.id}/retry")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/outbox/{message.id}")
    message = OutboxMessage.get_by_id(message.id)
    assert (message.status, message.attempts, message.next_attempt_at) == ("queued", 0, NOW)
    assert message.last_error == ""
    event = AuditEvent.get(AuditEvent.action == "retry")
    assert event.object_type == "outboxmessage" and event.object_id == message.id
    assert json.loads(event.before) == {"status": name, "attempts": 2}
    assert "Đã đưa thư vào hàng đợi để gửi lại." in client.get(response.headers["Location"]).text


def test_retry_by_htmx_returns_the_message_block(client, auth, outbox):
    auth.login("admin")
    response = client.post(f"/outbox/{outbox['dead'].id}/retry", htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and 'id="outbox-message"' in body
    assert "Đã đưa thư vào hàng đợi để gửi lại." in body and "Chờ gửi" in body
    assert OutboxMessage.get_by_id(outbox["dead"].id).status == "queued"


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("name", ["sent", "queued"])
def test_retry_refused_unless_failed_or_dead(client, auth, outbox, name, htmx):
    auth.login("admin")
    before = rows()
    response = client.post(f"/outbox/{outbox[name].id}/retry", htmx=htmx)
    assert response.status_code == (200 if htmx else 400)
    assert "Chỉ gửi lại được thư bị lỗi hoặc không gửi được." in response.get_data(as_text=True)
    assert rows() == before
    assert not AuditEvent.select().where(AuditEvent.action == "retry").exists()


def test_retry_without_csrf_is_refused(client, auth, outbox):
    auth.login("admin")
    before = rows()
    assert client.post(f"/outbox/{outbox['dead'].id}/retry", csrf=False).status_code == 400
    assert rows() == before


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_are_refused(client, auth, outbox, role, htmx):
    auth.login(role)
    message = outbox["dead"]
    for path in ("/outbox", f"/outbox/{message.id}", "/outbox?status=dead"):
        response = client.hx_get(path) if htmx else client.get(path)
        assert response.status_code == 403, (path, role)
    before = rows()
    assert client.post(f"/outbox/{message.id}/retry", htmx=htmx).status_code == 403
    assert rows() == before


def test_nav_link_only_for_admins(client, auth, world):
    auth.login("admin")
    assert 'href="/outbox"' in client.get("/meetings").get_data(as_text=True)
    auth.logout()
    auth.login("lanhdao")
    assert 'href="/outbox"' not in client.get("/meetings").get_data(as_text=True)


def test_anonymous_is_sent_to_login(client, outbox):
    response = client.get("/outbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
