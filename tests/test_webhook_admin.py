"""The administration of webhooks (/admin/webhooks): admins only, CSRF on every POST, a bad
address refused beside its field with nothing lost, the secret shown to the admin, a test sent
for real, pausing and deleting after a confirmation."""

from __future__ import annotations

import re

import pytest
from webhook_support import Receiver, make_webhook

from tracker.mail.sender import send_pending
from tracker.models import WEBHOOK_EVENTS, AuditEvent, OutboxMessage, Webhook
from tracker.webhooks import events


def login(auth, username: str = "admin") -> None:
    auth.logout()
    assert auth.login(username).status_code == 302


def form(**kw) -> dict:
    data = {
        "name": "Nhóm Mattermost phường Sở Dầu",
        "url": "https://chat.hongbang.example/hooks/abc123",
        "scope": "all",
        "unit": "",
        "user": "",
        "active": "y",
    }
    data.update(kw)
    return data


def error_beside(page: str, field: str) -> str:
    """The error message shown beside ``field`` (its ``<small id="<field>-error">``)."""
    match = re.search(rf'<small id="{field}-error" class="field-error">([^<]*)</small>', page)
    assert match, f"no error beside {field}"
    return match.group(1)


def test_an_admin_adds_a_webhook_for_a_unit_and_sees_its_secret(client, auth, world):
    login(auth)
    page = client.get("/admin/webhooks/new").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    data = form(scope="unit", unit=str(world.ward_a.id), events=["urge", "submission_returned"])
    response = client.post("/admin/webhooks/new", data=data)
    assert response.status_code == 302
    hook = Webhook.get()
    assert response.headers["Location"].endswith(f"/admin/webhooks/{hook.id}")
    assert (hook.scope, hook.unit_id, hook.user_id, hook.active) == (
        "unit",
        world.ward_a.id,
        None,
        True,
    )
    assert hook.event_list == ["urge", "submission_returned"]
    assert re.fullmatch(r"[0-9a-f]{64}", hook.secret)
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert hook.secret in shown and "UBND phường Sở Dầu" in shown
    event = AuditEvent.get(AuditEvent.action == "create", AuditEvent.object_type == "webhook")
    # The audit trail keeps neither the secret nor the address's path (often a chat's token).
    assert hook.secret not in (event.after or "") and "abc123" not in (event.after or "")
    assert "https://chat.hongbang.example" in event.after
    listing = client.get("/admin/webhooks").get_data(as_text=True)
    assert "Nhóm Mattermost phường Sở Dầu" in listing and "abc123" not in listing


def test_every_kind_ticked_means_every_kind(client, auth, world):
    login(auth)
    kinds = list(WEBHOOK_EVENTS)
    assert len(kinds) == 6
    client.post("/admin/webhooks/new", data=form(events=kinds[:-1]))
    assert Webhook.get().event_list == kinds[:-1]
    client.post("/admin/webhooks/new", data=form(events=kinds))
    assert Webhook.select().order_by(Webhook.id.desc()).get().events == ""


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("ftp://chat.hongbang.example/hook", "Địa chỉ phải bắt đầu bằng http:// hoặc https://."),
        ("javascript:alert(1)", "Địa chỉ phải bắt đầu bằng http:// hoặc https://."),
        ("chat.hongbang.example/hook", "Địa chỉ phải bắt đầu bằng http:// hoặc https://."),
        ("https://bot:s3cret@chat.hongbang.example/hook", "Không ghi tên đăng nhập hay mật khẩu"),
        ("https://bot@chat.hongbang.example/hook", "Không ghi tên đăng nhập hay mật khẩu"),
        ("https:///hook", "Địa chỉ thiếu tên máy chủ."),
        ("https://chat.hongbang.example:99999/hook", "Cổng (port) trong địa chỉ không hợp lệ."),
        ("https://chat.hongbang.example/a b", "Địa chỉ không được chứa dấu cách."),
        ("", "Trường này là bắt buộc."),
    ],
)
def test_a_bad_address_is_refused_beside_its_field_and_nothing_typed_is_lost(
    client, auth, world, url, error
):
    login(auth)
    response = client.post("/admin/webhooks/new", data=form(url=url, name="Nhóm Zalo của phường"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error_beside(page, "url").startswith(error)
    assert 'value="Nhóm Zalo của phường"' in page
    assert Webhook.select().count() == 0


def test_a_unit_or_user_scope_needs_its_unit_or_user(client, auth, world):
    login(auth)
    page = client.post("/admin/webhooks/new", data=form(scope="unit")).get_data(as_text=True)
    assert error_beside(page, "unit") == "Chọn đơn vị có sự kiện được gửi đến webhook này."
    page = client.post("/admin/webhooks/new", data=form(scope="user")).get_data(as_text=True)
    assert error_beside(page, "user") == "Chọn người dùng có sự kiện được gửi đến webhook này."
    # A leader is no choice: the unit's mail never reaches him.
    data = form(scope="user", user=str(world.leader.id))
    page = client.post("/admin/webhooks/new", data=data).get_data(as_text=True)
    assert error_beside(page, "user") == "Lựa chọn không hợp lệ."
    assert Webhook.select().count() == 0
    data = form(scope="user", user=str(world.officer_a.id))
    assert client.post("/admin/webhooks/new", data=data).status_code == 302
    assert Webhook.get().user_id == world.officer_a.id


def test_editing_keeps_the_secret_and_records_the_change(client, auth, world):
    hook = make_webhook("https://chat.hongbang.example/hooks/old", "all")
    secret = hook.secret
    login(auth)
    page = client.get(f"/admin/webhooks/{hook.id}/edit").get_data(as_text=True)
    assert "https://chat.hongbang.example/hooks/old" in page
    data = form(
        name="Đổi tên",
        url="https://chat.hongbang.example/hooks/new",
        scope="unit",
        unit=str(world.dept.id),
    )
    assert client.post(f"/admin/webhooks/{hook.id}/edit", data=data).status_code == 302
    hook = Webhook.get_by_id(hook.id)
    assert (hook.name, hook.url, hook.scope, hook.unit_id) == (
        "Đổi tên",
        "https://chat.hongbang.example/hooks/new",
        "unit",
        world.dept.id,
    )
    assert hook.secret == secret
    assert AuditEvent.select().where(AuditEvent.action == "update").count() == 1


def test_deactivating_asks_first_and_reactivating_is_one_button(client, auth, world):
    hook = make_webhook("https://chat.hongbang.example/hooks/x", "all")
    login(auth)
    page = client.get(f"/admin/webhooks/{hook.id}/deactivate").get_data(as_text=True)
    assert "Ngừng gửi sự kiện đến webhook «Nhóm chat»?" in page and 'name="csrf_token"' in page
    assert client.post(f"/admin/webhooks/{hook.id}/deactivate").status_code == 400
    assert Webhook.get_by_id(hook.id).active
    response = client.post(f"/admin/webhooks/{hook.id}/deactivate", data={"confirm": "yes"})
    assert response.status_code == 302
    assert not Webhook.get_by_id(hook.id).active
    assert "Ngừng hoạt động" in client.get("/admin/webhooks").get_data(as_text=True)
    assert client.post(f"/admin/webhooks/{hook.id}/reactivate").status_code == 302
    assert Webhook.get_by_id(hook.id).active


def test_deleting_asks_first_and_keeps_the_deliveries(client, auth, world):
    hook = make_webhook("https://chat.hongbang.example/hooks/x", "all")
    login(auth)
    assert "Xóa webhook «Nhóm chat»?" in client.get(f"/admin/webhooks/{hook.id}/delete").get_data(
        as_text=True
    )
    assert client.post(f"/admin/webhooks/{hook.id}/delete").status_code == 400
    assert Webhook.select().count() == 1
    with Receiver(status=503) as receiver:
        Webhook.update(url=receiver.url()).where(Webhook.id == hook.id).execute()
        client.post(f"/admin/webhooks/{hook.id}/test")
    response = client.post(f"/admin/webhooks/{hook.id}/delete", data={"confirm": "yes"})
    assert response.status_code == 302
    assert Webhook.select().count() == 0
    (kept,) = OutboxMessage.select().where(OutboxMessage.channel == "webhook")
    assert kept.webhook_id is None
    page = client.get(f"/outbox/{kept.id}").get_data(as_text=True)
    assert "đã bị xóa" in page


def test_a_test_is_sent_at_once_signed_and_its_outcome_is_said(client, auth, world):
    login(auth)
    with Receiver() as receiver:
        hook = make_webhook(receiver.url("/bridge"), "unit", unit=world.ward_a, active=False)
        response = client.post(f"/admin/webhooks/{hook.id}/test", follow_redirects=True)
        page = response.get_data(as_text=True)
        assert "Đã gửi thử thành công" in page
        (got,) = receiver.received
        assert got.verifies(hook.secret)
        body = got.json()
        assert body["event"] == "webhook_test" and body["assignment"] is None
        assert body["text"] == (
            "Tin nhắn thử từ hệ thống Giao việc: webhook «Nhóm chat» đã kết nối thành công."
        )
        assert body["actor"]["username"] == "admin"
        receiver.status = 500
        page = client.post(f"/admin/webhooks/{hook.id}/test", follow_redirects=True).get_data(
            as_text=True
        )
        assert "Gửi thử không thành công: Máy nhận trả lời HTTP 500" in page
    statuses = [
        m.status
        for m in OutboxMessage.select().order_by(OutboxMessage.id)
        if m.kind == "webhook_test"
    ]
    assert statuses == ["sent", "failed"]
    # Both are listed on the webhook's page.
    shown = client.get(f"/admin/webhooks/{hook.id}").get_data(as_text=True)
    assert shown.count("Tin nhắn thử từ hệ thống Giao việc") == 2


@pytest.mark.parametrize("username", ["lanhdao", "tonghop", "theodoi", "p.sodau"])
def test_only_admins_reach_the_webhooks(client, auth, world, username):
    hook = make_webhook("https://chat.hongbang.example/hooks/x", "all")
    login(auth, username)
    for path in ("", "/new", f"/{hook.id}", f"/{hook.id}/edit", f"/{hook.id}/delete"):
        assert client.get(f"/admin/webhooks{path}").status_code in (403, 404), path
    for path in ("/new", f"/{hook.id}/test", f"/{hook.id}/delete", f"/{hook.id}/deactivate"):
        response = client.post(f"/admin/webhooks{path}", data={**form(), "confirm": "yes"})
        assert response.status_code in (403, 404), path
    assert Webhook.select().count() == 1 and Webhook.get().active
    assert OutboxMessage.select().count() == 0
    assert hook.secret not in client.get("/outbox").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    assert "/login" in client.get("/admin/webhooks").headers["Location"]


def test_posts_without_the_csrf_token_are_refused(client, auth, world):
    hook = make_webhook("https://chat.hongbang.example/hooks/x", "all")
    login(auth)
    assert client.post("/admin/webhooks/new", data=form(), csrf=False).status_code == 400
    assert client.post(f"/admin/webhooks/{hook.id}/test", csrf=False).status_code == 400
    data = {"confirm": "yes"}
    assert (
        client.post(f"/admin/webhooks/{hook.id}/delete", data=data, csrf=False).status_code == 400
    )
    assert Webhook.select().count() == 1 and OutboxMessage.select().count() == 0
    page = client.get(f"/admin/webhooks/{hook.id}").get_data(as_text=True)
    assert page.count('name="csrf_token"') >= 1


def test_a_new_secret_after_a_confirmation_signs_what_is_still_queued(app, client, auth, world):
    hook = make_webhook("https://chat.hongbang.example/hooks/x", "all")
    old = hook.secret
    login(auth)
    page = client.get(f"/admin/webhooks/{hook.id}/secret").get_data(as_text=True)
    assert "Tạo khóa ký mới cho webhook «Nhóm chat»?" in page
    assert client.post(f"/admin/webhooks/{hook.id}/secret").status_code == 400
    assert Webhook.get_by_id(hook.id).secret == old
    with Receiver() as receiver:
        Webhook.update(url=receiver.url()).where(Webhook.id == hook.id).execute()
        with app.app_context():
            events.urge(world.assignment_a, world.leader, "Khẩn trương", 1)
        response = client.post(f"/admin/webhooks/{hook.id}/secret", data={"confirm": "yes"})
        assert response.status_code == 302
        new = Webhook.get_by_id(hook.id).secret
        assert new != old and re.fullmatch(r"[0-9a-f]{64}", new)
        assert new in client.get(f"/admin/webhooks/{hook.id}").get_data(as_text=True)
        assert send_pending(app).sent == 1
    (got,) = receiver.received
    assert got.verifies(new) and not got.verifies(old)
    event = AuditEvent.get(AuditEvent.message == "signing secret renewed")
    assert old not in (event.after or "") and new not in (event.after or "")
