"""Webhooks end to end: a domain event → a signed JSON POST to a real HTTP receiver on
loopback, queued in the outbox with the change and delivered by the outbox's sender, with its
retries; each webhook hears only its scope and its kinds."""

from __future__ import annotations

import json
from datetime import date, timedelta
from unittest import mock

import pytest
from conftest import NOW
from webhook_support import Receiver, make_webhook

from tracker import create_app
from tracker.assignments import workflow
from tracker.cli import cli
from tracker.config import ConfigError
from tracker.core import db, signals
from tracker.core.db import database
from tracker.mail.sender import send_pending
from tracker.models import OutboxMessage, User, Webhook
from tracker.reminders.jobs import run_job
from tracker.webhooks import events
from tracker.webhooks.signing import delivery_id, signature


def login(auth, username: str) -> None:
    auth.logout()
    assert auth.login(username).status_code == 302


def urge(client, auth, assignment, message: str = "Đề nghị báo cáo trước thứ Sáu") -> None:
    login(auth, "lanhdao")
    response = client.post(f"/assignments/{assignment.id}/urge", data={"message": message})
    assert response.status_code == 302


def deliveries() -> list[OutboxMessage]:
    return list(
        OutboxMessage.select().where(OutboxMessage.channel == "webhook").order_by(OutboxMessage.id)
    )


def test_an_urge_reaches_the_units_webhook_once_signed_with_its_secret(app, client, auth, world):
    assert not app.config["SMTP_URL"]  # mail waits for a server; webhooks go out all the same
    world.ward_a.email = "ubnd.sodau@hongbang.example"
    world.ward_a.save()
    with Receiver() as receiver:
        hook = make_webhook(receiver.url("/hooks/sodau"), "unit", unit=world.ward_a)
        urge(client, auth, world.assignment_a)
        # Queued in the urge's own transaction, beside the unit's mail.
        (message,) = deliveries()
        assert (message.kind, message.status, message.webhook_id) == ("urge", "queued", hook.id)
        assert OutboxMessage.get(OutboxMessage.channel == "mail").kind == "urge"

        stats = send_pending(app)
        assert (stats.sent, stats.failed, stats.dead) == (1, 0, 0)
        assert "TRACKER_SMTP_URL is not set" in stats.report()
        assert "Webhooks: sent 1" in stats.report()
        assert send_pending(app).sent == 0  # once

    (got,) = receiver.received
    assert got.path == "/hooks/sodau"
    assert got.verifies(hook.secret)
    assert not got.verifies("another secret")
    assert got.headers["X-Tracker-Event"] == "urge"
    assert got.headers["X-Tracker-Timestamp"] == str(int(NOW.timestamp()))
    assert got.headers["X-Tracker-Delivery"] == delivery_id(message.key)
    assert got.headers["Content-Type"] == "application/json; charset=utf-8"
    # The signature covers the timestamp too: the same body at another time does not verify.
    later = str(int(NOW.timestamp()) + 600)
    assert signature(hook.secret, later, got.body) != got.headers["X-Tracker-Signature"]

    body = got.json()
    a = world.assignment_a
    link = f"{app.config['BASE_URL']}/assignments/{a.id}"
    assert body["event"] == "urge"
    assert body["delivery"] == got.headers["X-Tracker-Delivery"]
    assert body["time"] == "2026-05-15T10:00:00+07:00"
    assert body["assignment"] == {
        "id": a.id,
        "url": link,
        "task": "Tăng cường tuyên truyền CCHC",
        "unit": "UBND phường Sở Dầu",
        "unit_id": world.ward_a.id,
        "role": "lead",
        "status": "new",
        "deadline": "2026-05-30",
        "deadline_label": "30/05/2026",
    }
    assert body["actor"] == {"id": world.leader.id, "username": "lanhdao", "name": "Lanhdao"}
    assert body["details"] == {"message": "Đề nghị báo cáo trước thứ Sáu"}
    assert body["text"] == (
        "Đồng chí Lanhdao đôn đốc UBND phường Sở Dầu thực hiện nhiệm vụ «Tăng cường tuyên "
        "truyền CCHC» (thời hạn: 30/05/2026): “Đề nghị báo cáo trước thứ Sáu”. " + link
    )
    sent = OutboxMessage.get_by_id(message.id)
    assert (sent.status, sent.attempts, sent.sent_at) == ("sent", 1, NOW)
    # The mail was left for an SMTP server.
    assert OutboxMessage.get(OutboxMessage.channel == "mail").status == "queued"


def test_a_failing_receiver_is_retried_with_backoff_then_dead_and_shown_in_the_outbox(
    app, client, auth, world, clock
):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    with Receiver(status=500) as receiver:
        make_webhook(receiver.url(), "all", name="Máy nhận hỏng")
        urge(client, auth, world.assignment_a)
        (message,) = deliveries()

        assert send_pending(app).failed == 1
        first = OutboxMessage.get_by_id(message.id)
        assert (first.status, first.attempts) == ("failed", 1)
        assert first.next_attempt_at == NOW + timedelta(minutes=1)
        assert "HTTP 500" in first.last_error

        assert send_pending(app).failed == 0  # not due yet: nothing is tried
        assert len(receiver.received) == 1

        clock.set(NOW + timedelta(minutes=1))
        assert send_pending(app).failed == 1
        second = OutboxMessage.get_by_id(message.id)
        assert second.attempts == 2
        assert second.next_attempt_at == NOW + timedelta(minutes=3)  # 1 + 2 minutes

        clock.set(NOW + timedelta(minutes=3))
        assert send_pending(app).dead == 1
        dead = OutboxMessage.get_by_id(message.id)
        assert (dead.status, dead.attempts) == ("dead", 3)
        assert "HTTP 500" in dead.last_error and "đã thử 3 lần" in dead.last_error
        assert len(receiver.received) == 3
        clock.set(NOW + timedelta(days=1))
        send_pending(app)
        assert len(receiver.received) == 3
        # Every try carries the same delivery id, so a receiver can tell a resend.
        assert {r.headers["X-Tracker-Delivery"] for r in receiver.received} == {
            delivery_id(message.key)
        }

        login(auth, "admin")
        page = client.get("/outbox?channel=webhook").get_data(as_text=True)
        assert "Máy nhận hỏng" in page and "Không gửi được" in page and "Webhook" in page
        assert "Đồng chí Lanhdao đôn đốc" in page
        mail_only = client.get("/outbox?channel=mail").get_data(as_text=True)
        assert "Máy nhận hỏng" not in mail_only
        dead_only = client.get("/outbox?status=dead&kind=urge").get_data(as_text=True)
        assert "Máy nhận hỏng" in dead_only
        shown = client.get(f"/outbox/{message.id}").get_data(as_text=True)
        assert "Nội dung (JSON)" in shown and "HTTP 500" in shown
        assert "&#34;event&#34;: &#34;urge&#34;" in shown  # laid out, escaped
        assert "127.0.0.1" in shown and "/hook" not in shown.split("Nội dung (JSON)")[0]

        # Retried from the outbox once the receiver is mended: delivered.
        receiver.status = 200
        assert client.post(f"/outbox/{message.id}/retry").status_code == 302
        assert send_pending(app).sent == 1
        assert OutboxMessage.get_by_id(message.id).status == "sent"
        assert len(receiver.received) == 4


def test_a_refusal_that_waiting_cannot_mend_is_dead_at_once(app, app_ctx, world):
    with Receiver(status=404) as receiver:
        make_webhook(receiver.url(), "all")
        with database.atomic():
            events.urge(world.assignment_a, world.leader, "Khẩn trương", 1)
        assert send_pending(app).dead == 1
    (message,) = deliveries()
    assert message.status == "dead" and "HTTP 404" in message.last_error
    assert message.attempts == 1


def test_a_unreachable_receiver_is_a_failed_try(app, app_ctx, world):
    with Receiver() as receiver:
        url = receiver.url()
    make_webhook(url, "all")  # nothing listens there any more
    with database.atomic():
        events.urge(world.assignment_a, world.leader, "Khẩn trương", 1)
    assert send_pending(app).failed == 1
    (message,) = deliveries()
    assert message.status == "failed" and "Không kết nối được" in message.last_error


def queued_for(assignment, actor, event_id: int) -> list[int]:
    """Urge ``assignment``; the ids of the webhooks a delivery was queued for."""
    with database.atomic():
        events.urge(assignment, actor, "Khẩn trương", event_id)
    return [m.webhook_id for m in deliveries() if m.key.endswith(f":event:{event_id}")]


def test_each_webhook_hears_its_own_scope(app_ctx, world, factory):
    url = "http://127.0.0.1:9/hook"
    everything = make_webhook(url, "all")
    ward_a = make_webhook(url, "unit", unit=world.ward_a)
    dept = make_webhook(url, "unit", unit=world.dept)
    officer_a = make_webhook(url, "user", user=world.officer_a)
    leader = make_webhook(url, "user", user=world.leader)  # the unit's mail never reaches him
    locked = factory.user("p.sodau2", "officer", world.ward_a, active=False)
    make_webhook(url, "user", user=locked)

    assert queued_for(world.assignment_a, world.leader, 1) == [
        everything.id,
        ward_a.id,
        officer_a.id,
    ]
    assert queued_for(world.assignment_b, world.leader, 2) == [everything.id]
    assert queued_for(world.assignment_dept, world.leader, 3) == [everything.id, dept.id]
    assert leader.id not in [m.webhook_id for m in deliveries()]


def test_inactive_webhooks_and_unsubscribed_kinds_hear_nothing(app_ctx, world):
    url = "http://127.0.0.1:9/hook"
    make_webhook(url, "all", active=False)
    confirmations = make_webhook(url, "all", events="submission_confirmed")
    assert queued_for(world.assignment_a, world.leader, 1) == []
    with database.atomic():
        events.submission_confirmed(world.assignment_a, world.leader, 2)
    assert [m.webhook_id for m in deliveries()] == [confirmations.id]


def test_a_delivery_queued_before_its_webhook_was_paused_or_deleted_is_not_sent(
    app, app_ctx, world
):
    with Receiver() as receiver:
        paused = make_webhook(receiver.url(), "all", name="Tạm dừng")
        deleted = make_webhook(receiver.url(), "all", name="Đã xóa")
        with database.atomic():
            events.urge(world.assignment_a, world.leader, "Khẩn trương", 1)
        Webhook.update(active=False).where(Webhook.id == paused.id).execute()
        deleted.delete_instance()
        assert send_pending(app).dead == 2
    assert receiver.received == []
    errors = {m.recipients: m.last_error for m in deliveries()}
    assert errors == {"Tạm dừng": "Webhook đã ngừng hoạt động.", "Đã xóa": "Webhook đã bị xóa."}


def test_every_event_kind_has_its_line_and_is_queued_once(app_ctx, world):
    make_webhook("http://127.0.0.1:9/hook", "unit", unit=world.ward_a)
    a, leader = world.assignment_a, world.leader
    with database.atomic():
        for _twice in range(2):
            events.assignment_created(a, leader)
            events.extension_decided(a, leader, True, NOW.date() + timedelta(days=30), "", 5)
            events.extension_decided(a, leader, False, None, "Chưa đủ căn cứ", 6)
            events.submission_returned(a, leader, "Bổ sung\nminh chứng", 7)
            events.submission_confirmed(a, leader, 8)
    texts = {m.key.split(":", 2)[2]: m for m in deliveries()}
    assert len(deliveries()) == 5
    link = f"/assignments/{a.id}"
    new = texts[f"new_assignment:assignment:{a.id}"]
    assert new.subject.startswith(
        "Giao UBND phường Sở Dầu chủ trì thực hiện nhiệm vụ «Tăng cường tuyên truyền CCHC», "
        "thời hạn: 30/05/2026. Người giao: Lanhdao."
    )
    approved = texts[f"extension_decided:assignment:{a.id}:event:5"]
    assert (
        "đồng ý gia hạn nhiệm vụ «Tăng cường tuyên truyền CCHC» của UBND phường Sở Dầu "
        "đến ngày 14/06/2026" in approved.subject
    )
    assert json.loads(approved.body_text)["details"] == {
        "approved": True,
        "new_deadline": "2026-06-14",
        "reason": "",
    }
    refused = texts[f"extension_decided:assignment:{a.id}:event:6"]
    assert "không đồng ý gia hạn" in refused.subject
    returned = texts[f"submission_returned:assignment:{a.id}:event:7"]
    assert "Lý do: Bổ sung minh chứng" in returned.subject  # on one line
    confirmed = texts[f"submission_confirmed:assignment:{a.id}:event:8"]
    assert "xác nhận UBND phường Sở Dầu đã hoàn thành nhiệm vụ" in confirmed.subject
    for message in deliveries():
        body = json.loads(message.body_text)
        assert body["text"] == message.subject and message.subject.endswith(link)
        assert "\n" not in body["text"]
        assert body["event"] == message.kind and body["assignment"]["id"] == a.id


def test_a_change_rolled_back_queues_no_delivery(app_ctx, world):
    make_webhook("http://127.0.0.1:9/hook", "all")

    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        with database.atomic():
            events.urge(world.assignment_a, world.leader, "Khẩn trương", 1)
            raise Undo
    assert deliveries() == []


def test_user_scope_follows_the_person_to_another_unit(app_ctx, world):
    hook = make_webhook("http://127.0.0.1:9/hook", "user", user=world.officer_a)
    User.update(unit=world.ward_b).where(User.id == world.officer_a.id).execute()
    assert queued_for(world.assignment_a, world.leader, 1) == []
    assert queued_for(world.assignment_b, world.leader, 2) == [hook.id]


def test_a_receiver_slower_than_the_timeout_is_a_failed_try(app, app_ctx, world):
    app.config["WEBHOOK_TIMEOUT"] = 1
    with Receiver(delay=2) as receiver:
        make_webhook(receiver.url(), "all")
        with database.atomic():
            events.urge(world.assignment_a, world.leader, "Khẩn trương", 1)
        assert send_pending(app).failed == 1
    (message,) = deliveries()
    assert message.status == "failed"
    assert message.last_error == "Máy nhận không trả lời sau 1 giây."


def test_a_redirect_is_not_followed(app, app_ctx, world):
    with Receiver(status=307) as receiver:
        make_webhook(receiver.url(), "all")
        with database.atomic():
            events.urge(world.assignment_a, world.leader, "Khẩn trương", 1)
        assert send_pending(app).dead == 1
    assert len(receiver.received) == 1  # the address it points to (port 9) was never tried
    (message,) = deliveries()
    assert "HTTP 307" in message.last_error


def test_the_timeout_setting_is_read_and_checked(monkeypatch, tmp_path, database_url):
    monkeypatch.setenv("TRACKER_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("TRACKER_WEBHOOK_TIMEOUT", "4")
    assert create_app({"DATABASE_URL": database_url}).config["WEBHOOK_TIMEOUT"] == 4
    for value in ("0", "-1", "soon"):
        monkeypatch.setenv("TRACKER_WEBHOOK_TIMEOUT", value)
        with pytest.raises(ConfigError, match="TRACKER_WEBHOOK_TIMEOUT"):
            create_app({"INSTANCE_PATH": tmp_path})


def test_the_daily_due_soon_job_tells_the_webhooks_that_subscribed_once_a_day(
    app, app_ctx, world, factory
):
    """NOW is 15/05/2026; the job reminds of work due in 3 days, 1 day and today."""
    due_in_3 = factory.assignment(
        factory.task(world.meeting, "Rà soát thủ tục hành chính", deadline=date(2026, 5, 18)),
        world.ward_a,
    )
    due_today = factory.assignment(
        factory.task(world.meeting, "Báo cáo sơ kết", deadline=date(2026, 5, 15)),
        world.ward_a,
    )
    factory.assignment(  # due in 2 days: not one of the reminded days
        factory.task(world.meeting, "Kiểm tra hồ sơ", deadline=date(2026, 5, 17)), world.ward_a
    )
    factory.assignment(  # another unit's
        factory.task(world.meeting, "Việc của phường khác", deadline=date(2026, 5, 18)),
        world.ward_b,
    )
    with Receiver() as receiver:
        hook = make_webhook(receiver.url(), "unit", unit=world.ward_a, events="due_soon")
        make_webhook(receiver.url(), "unit", unit=world.ward_a, events="urge")  # not subscribed
        assert run_job("due_soon", NOW).ran
        assert not run_job("due_soon", NOW + timedelta(hours=5)).ran  # once a day
        assert send_pending(app).sent == 2
    by_assignment = {r.json()["assignment"]["id"]: r for r in receiver.received}
    assert set(by_assignment) == {due_in_3.id, due_today.id}
    for got in receiver.received:
        assert got.verifies(hook.secret) and got.headers["X-Tracker-Event"] == "due_soon"
    body = by_assignment[due_in_3.id].json()
    assert body["details"] == {"days_left": 3} and body["actor"] is None
    assert body["text"] == (
        "Nhắc việc: nhiệm vụ «Rà soát thủ tục hành chính» của UBND phường Sở Dầu còn 3 ngày "
        f"đến hạn (18/05/2026). {app.config['BASE_URL']}/assignments/{due_in_3.id}"
    )
    today = by_assignment[due_today.id].json()["text"]
    assert today.startswith(
        "Nhắc việc: nhiệm vụ «Báo cáo sơ kết» của UBND phường Sở Dầu đến hạn hôm nay (15/05/2026)."
    )


def test_without_a_due_soon_subscriber_the_job_queues_no_delivery(app_ctx, world):
    make_webhook("http://127.0.0.1:9/hook", "all", events="urge")
    world.assignment_a.deadline = NOW.date()
    world.assignment_a.save()
    assert run_job("due_soon", NOW).ran
    assert deliveries() == []


def test_a_receiver_down_holds_its_other_deliveries_not_the_others(app, app_ctx, world):
    with Receiver() as gone:
        url = gone.url()
    down = make_webhook(url, "unit", unit=world.ward_a, name="Máy nhận tắt")
    with Receiver() as receiver:
        make_webhook(receiver.url(), "unit", unit=world.ward_a, name="Máy nhận chạy")
        with database.atomic():
            for event_id in (1, 2, 3):
                events.urge(world.assignment_a, world.leader, "Khẩn trương", event_id)
        stats = send_pending(app)
        assert (stats.sent, stats.failed) == (3, 1)
    assert len(receiver.received) == 3
    tried = {m.id: (m.status, m.attempts) for m in deliveries() if m.webhook_id == down.id}
    # The first failed; the other two were left as they were, for the next run.
    assert sorted(tried.values()) == [("failed", 1), ("queued", 0), ("queued", 0)]


def test_send_outbox_command_delivers_webhooks_without_smtp(app, app_ctx, world, runner):
    with Receiver() as receiver:
        make_webhook(receiver.url(), "all")
        with database.atomic():
            events.urge(world.assignment_a, world.leader, "Khẩn trương", 1)
        result = runner.invoke(cli, ["send-outbox"])
    assert result.exit_code == 0, result.output
    assert "Webhooks: sent 1, failed 0, dead 0." in result.output
    assert len(receiver.received) == 1


def test_tasks_given_in_one_action_are_one_event_per_assignment_and_one_lookup(
    app_ctx, factory, world
):
    tasks = [factory.task(world.meeting, f"Việc {n}", deadline=date(2026, 6, n)) for n in (1, 2)]

    def give() -> None:
        with signals.batched():
            for task in tasks:
                workflow.assign(task, world.leader, [world.ward_a, world.ward_b], "lead")

    # No webhook: the action asks once whether any is active, not once per assignment.
    spy_count = count_webhook_queries(give)
    assert spy_count == 1
    assert deliveries() == []

    hook = make_webhook("http://127.0.0.1:9/hook", "unit", unit=world.ward_b)
    more = [factory.task(world.meeting, f"Việc {n}", deadline=date(2026, 6, n)) for n in (3, 4)]
    with signals.batched():
        for task in more:
            workflow.assign(task, world.leader, [world.ward_a, world.ward_b], "lead")
    queued = deliveries()
    assert [(m.webhook_id, m.kind, m.unit_id) for m in queued] == [
        (hook.id, "new_assignment", world.ward_b.id)
    ] * 2
    assert {json.loads(m.body_text)["assignment"]["task"] for m in queued} == {"Việc 3", "Việc 4"}


def count_webhook_queries(call) -> int:
    """How many statements of ``call`` read the webhook table."""
    database = db.database.obj
    with mock.patch.object(database, "execute_sql", wraps=database.execute_sql) as spy:
        call()
    return sum('"webhook"' in str(c.args[0]) for c in spy.call_args_list)
