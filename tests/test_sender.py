"""Delivering the outbox to a real SMTP server (aiosmtpd on loopback): once, and never lost."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from conftest import NOW
from smtp_support import SmtpServer, free_port, self_signed, server_context

from tracker.cli import cli
from tracker.mail.outbox import enqueue
from tracker.mail.sender import CLAIM_TIME, backoff, message_id, send_pending
from tracker.models import OutboxMessage

SUBJECT = "Tổng hợp công việc tuần 20 — UBND phường Sở Dầu"
BODY = (
    "Kính gửi UBND phường Sở Dầu,\n"
    "\n"
    "Nhiệm vụ quá hạn: Tăng cường tuyên truyền cải cách hành chính (hạn 10/05/2026).\n"
    "Sắp đến hạn: Rà soát thủ tục hành chính; Ứng dụng chữ ký số trong văn bản điều hành, "
    "triển khai đồng bộ ở tất cả các bộ phận một cửa của phường trước ngày 30/05/2026.\n"
)
HTML = "<p>Kính gửi <strong>UBND phường Sở Dầu</strong>,</p><p>Nhiệm vụ quá hạn: …</p>"


class Killed(BaseException):
    """Stands for the process being killed: not an Exception, so nothing catches it."""


def queue(n: int = 1, prefix: str = "weekly_digest:unit", **kw) -> list[OutboxMessage]:
    """``n`` queued messages, each to its own address."""
    messages = []
    for i in range(1, n + 1):
        values = {
            "kind": "weekly_digest",
            "recipients": [f"donvi{i}@hongbang.example"],
            "subject": f"{SUBJECT} ({i})",
            "body_text": BODY,
            "body_html": HTML,
        }
        values.update(kw)
        messages.append(enqueue(key=f"{prefix}{i}:2026-W20", **values))
    return messages


def fresh(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.get_by_id(message.id)


def statuses() -> list[str]:
    return [m.status for m in OutboxMessage.select().order_by(OutboxMessage.id)]


@pytest.fixture
def smtp(app_ctx):
    with SmtpServer() as server:
        app_ctx.config["SMTP_URL"] = server.url()
        yield server


def test_backoff_doubles_from_one_minute_up_to_six_hours():
    minutes = [backoff(n) / timedelta(minutes=1) for n in range(1, 12)]
    assert minutes[:6] == [1, 2, 4, 8, 16, 32]
    assert max(minutes) == 360 and minutes[-1] == 360


def test_delivers_each_queued_message_once(app, smtp):
    messages = queue(3)
    stats = send_pending(app)
    assert (stats.sent, stats.failed, stats.dead) == (3, 0, 0)
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [
        "donvi1@hongbang.example",
        "donvi2@hongbang.example",
        "donvi3@hongbang.example",
    ]
    for m in map(fresh, messages):
        assert (m.status, m.attempts, m.sent_at, m.claimed_until) == ("sent", 1, NOW, None)
    again = send_pending(app)
    assert (again.sent, again.failed, again.dead) == (0, 0, 0)
    assert len(smtp.received) == 3


def test_vietnamese_subject_and_body_arrive_intact(app, smtp):
    app.config["MAIL_FROM"] = "Hệ thống Giao việc <giaoviec@hongbang.example>"
    (message,) = queue(1)
    send_pending(app)
    (received,) = smtp.received
    assert received.mail_from == "giaoviec@hongbang.example"
    assert b"\r\n" in received.data
    parsed = received.parsed()
    assert parsed["Subject"] == f"{SUBJECT} (1)"
    assert parsed["From"].addresses[0].display_name == "Hệ thống Giao việc"
    assert parsed["To"] == "donvi1@hongbang.example"
    assert parsed["Message-ID"] == message_id(message.key, app.config["MAIL_FROM"])
    assert parsed["Date"].datetime == NOW
    assert parsed["Auto-Submitted"] == "auto-generated"
    text = parsed.get_body(("plain",)).get_content()
    assert text.replace("\r\n", "\n") == BODY
    html = parsed.get_body(("html",)).get_content()
    assert html.replace("\r\n", "\n").strip() == HTML


def test_message_id_depends_only_on_the_key():
    assert message_id("k:1", "a@x.vn") == message_id("k:1", "Tên <b@x.vn>")
    assert message_id("k:1", "a@x.vn") != message_id("k:2", "a@x.vn")
    assert message_id("k:1", "a@x.vn").endswith("@x.vn>")


def test_refused_connection_keeps_them_failed_then_delivers_once(app, clock):
    port = free_port()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}?timeout=2"
    with app.app_context():
        messages = queue(2)
        now = NOW
        for attempt in (1, 2, 3):
            stats = send_pending(app)
            assert stats.failed == 2
            for m in map(fresh, messages):
                assert (m.status, m.attempts) == ("failed", attempt)
                assert m.next_attempt_at == now + backoff(attempt)
                assert "từ chối kết nối" in m.last_error
            # Not due yet: nothing is tried, nothing changes.
            assert send_pending(app).failed == 0
            assert fresh(messages[0]).attempts == attempt
            now = fresh(messages[0]).next_attempt_at
            clock.set(now)
        with SmtpServer(port) as server:
            stats = send_pending(app)
            assert (stats.sent, stats.failed) == (2, 0)
            clock.set(now + timedelta(days=1))
            send_pending(app)
        assert len(server.received) == 2
        assert len({r.message_id for r in server.received}) == 2
        assert statuses() == ["sent", "sent"]


@pytest.mark.parametrize(
    ("mode", "reply"),
    [("rcpt", "451 4.3.0 Try again later"), ("data", "452 4.3.1 Out of space"), ("rcpt", "421")],
)
def test_transient_reply_is_retried(app, smtp, clock, mode, reply):
    (message,) = queue(1)
    smtp.handler.mode, smtp.handler.reply = mode, reply
    stats = send_pending(app)
    assert stats.failed == 1
    message = fresh(message)
    assert (message.status, message.attempts) == ("failed", 1)
    assert reply.split()[0] in message.last_error
    smtp.handler.mode = "accept"
    clock.set(message.next_attempt_at)
    assert send_pending(app).sent == 1
    assert len(smtp.received) == 1
    assert fresh(message).status == "sent" and fresh(message).attempts == 2


@pytest.mark.parametrize(
    ("mode", "reply"), [("rcpt", "550 5.1.1 No such user"), ("data", "554 5.6.0 Rejected")]
)
def test_permanent_reply_is_dead_at_once(app, smtp, clock, mode, reply):
    (message,) = queue(1)
    smtp.handler.mode, smtp.handler.reply = mode, reply
    stats = send_pending(app)
    assert (stats.sent, stats.failed, stats.dead) == (0, 0, 1)
    message = fresh(message)
    assert (message.status, message.attempts) == ("dead", 1)
    assert reply.split()[0] in message.last_error
    smtp.handler.mode = "accept"
    clock.set(NOW + timedelta(days=2))
    assert send_pending(app).sent == 0
    assert smtp.received == []


def test_one_dead_address_does_not_stop_the_batch(app, smtp):
    queue(3)
    smtp.handler.refuse["donvi2@hongbang.example"] = "550 5.1.1 No such user"
    stats = send_pending(app)
    assert (stats.sent, stats.dead) == (2, 1)
    assert statuses() == ["sent", "dead", "sent"]


def test_partly_refused_recipients_are_noted_on_the_sent_message(app, smtp):
    (message,) = queue(1, recipients=["a@hongbang.example", "b@hongbang.example"])
    smtp.handler.refuse["b@hongbang.example"] = "550 5.1.1 No such user"
    assert send_pending(app).sent == 1
    message = fresh(message)
    assert message.status == "sent"
    assert "b@hongbang.example" in message.last_error and "550" in message.last_error
    assert smtp.received[0].rcpt_tos == ["a@hongbang.example"]


def test_timeout_fails_then_is_retried(app, smtp, clock):
    app.config["SMTP_URL"] = smtp.url(query="timeout=0.5")
    (message,) = queue(1)
    smtp.handler.mode, smtp.handler.delay = "hang", 1.5
    assert send_pending(app).failed == 1
    message = fresh(message)
    assert message.status == "failed" and "thời gian" in message.last_error
    smtp.handler.mode, smtp.handler.delay = "accept", 0
    clock.set(message.next_attempt_at)
    assert send_pending(app).sent == 1
    assert len(smtp.received) == 1


def test_gives_up_after_max_attempts(app, clock):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    with app.app_context():
        (message,) = queue(1)
        for _ in range(3):
            send_pending(app)
            clock.set(fresh(message).next_attempt_at)
        message = fresh(message)
        assert (message.status, message.attempts) == ("dead", 3)
        assert "đã thử 3 lần" in message.last_error


def test_killed_sender_resumes_without_resending(app, smtp):
    messages = queue(5)
    delivered = []

    def killed_after_two(message: OutboxMessage) -> None:
        delivered.append(message.id)
        if len(delivered) == 2:
            raise Killed

    with pytest.raises(Killed):
        send_pending(app, on_sent=killed_after_two)
    assert statuses() == ["sent", "sent", "queued", "queued", "queued"]
    assert len(smtp.received) == 2
    assert send_pending(app).sent == 3
    assert len(smtp.received) == 5
    assert len({r.message_id for r in smtp.received}) == 5
    assert {r.rcpt_tos[0] for r in smtp.received} == {m.recipients for m in messages}


def test_abandoned_claim_is_taken_again_when_it_runs_out(app, smtp, clock):
    (message,) = queue(1)
    # A sender claimed it and died before sending.
    OutboxMessage.update(status="sending", claimed_until=NOW + CLAIM_TIME, attempts=1).execute()
    assert send_pending(app).sent == 0
    clock.set(NOW + CLAIM_TIME + timedelta(seconds=1))
    assert send_pending(app).sent == 1
    assert len(smtp.received) == 1
    assert (fresh(message).status, fresh(message).attempts) == ("sent", 2)


def test_sent_message_is_never_sent_again(app, smtp, clock):
    (message,) = queue(1)
    OutboxMessage.update(status="sent", sent_at=NOW).execute()
    clock.set(NOW + timedelta(days=30))
    assert send_pending(app).sent == 0
    assert smtp.received == []


def test_two_senders_at_once_deliver_each_message_once(app, smtp):
    queue(20)
    smtp.handler.delay = 0.01
    start = threading.Barrier(2)
    results, errors = [], []

    def run() -> None:
        try:
            start.wait()
            results.append(send_pending(app))
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert sum(r.sent for r in results) == 20
    assert len(smtp.received) == 20
    assert len({r.message_id for r in smtp.received}) == 20
    assert statuses() == ["sent"] * 20


def test_without_smtp_nothing_is_sent_and_it_says_so(app_ctx):
    app_ctx.config["SMTP_URL"] = ""
    messages = queue(2)
    stats = send_pending(app_ctx)
    assert not stats.configured and stats.waiting == 2
    assert "TRACKER_SMTP_URL is not set" in stats.report()
    assert [(m.status, m.attempts) for m in map(fresh, messages)] == [("queued", 0)] * 2


def test_plain_login_with_percent_encoded_user(app, clock):
    with SmtpServer(login=("giaoviec@hongbang.example", "p@ss w:rd/1")) as server:
        userinfo = "giaoviec%40hongbang.example:p%40ss%20w%3Ard%2F1"
        app.config["SMTP_URL"] = server.url(userinfo=userinfo)
        with app.app_context():
            queue(1)
            assert send_pending(app).sent == 1
        assert server.handler.logins == ["giaoviec@hongbang.example"]


def test_wrong_password_is_a_transient_failure(app):
    with SmtpServer(login=("giaoviec", "right")) as server:
        app.config["SMTP_URL"] = server.url(userinfo="giaoviec:wrong")
        with app.app_context():
            (message,) = queue(1)
            assert send_pending(app).failed == 1
            message = fresh(message)
        assert message.status == "failed" and "535" in message.last_error
        assert "wrong" not in message.last_error
        assert server.received == []


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1 that this test's clients trust."""
    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    return server_context(cert, key)


@pytest.mark.parametrize(
    ("scheme", "query", "implicit"), [("smtp", "starttls=1", False), ("smtps", "", True)]
)
def test_tls_with_login(app, certificate, scheme, query, implicit):
    with SmtpServer(
        tls=certificate, implicit_tls=implicit, login=("giaoviec", "s3cret!")
    ) as server:
        app.config["SMTP_URL"] = server.url(scheme, query, "giaoviec:s3cret%21")
        with app.app_context():
            queue(2)
            assert send_pending(app).sent == 2
        assert server.handler.logins == ["giaoviec"]
        assert server.received[0].parsed()["Subject"] == f"{SUBJECT} (1)"


def test_tls_against_an_untrusted_certificate_fails(app, tmp_path):
    with SmtpServer(tls=server_context(*self_signed(tmp_path)), implicit_tls=True) as server:
        app.config["SMTP_URL"] = server.url("smtps")
        with app.app_context():
            (message,) = queue(1)
            assert send_pending(app).failed == 1
            assert "CERTIFICATE" in fresh(message).last_error.upper()
        assert server.received == []


def test_send_outbox_command(app, smtp, runner):
    queue(3)
    result = runner.invoke(cli, ["send-outbox", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "Sent 2, failed 0, dead 0." in result.output
    assert len(smtp.received) == 2
    result = runner.invoke(cli, ["send-outbox"])
    assert "Sent 1, failed 0, dead 0." in result.output


def test_send_outbox_command_without_smtp(app_ctx, runner):
    app_ctx.config["SMTP_URL"] = ""
    queue(1)
    result = runner.invoke(cli, ["send-outbox"])
    assert result.exit_code == 0
    assert "TRACKER_SMTP_URL is not set" in result.output and "1 message(s)" in result.output


def test_subject_with_a_line_break_is_sent_on_one_line_and_the_batch_goes_on(app, smtp):
    """A task title typed with a line break reaches mail subjects; it must not stall the outbox."""
    from tracker.mail.outbox import enqueue

    enqueue(
        key="k:1",
        kind="urge",
        recipients=["a@hongbang.example"],
        subject="Dòng 1\r\nBcc: x@evil.example",
        body_text="Nội dung",
    )
    enqueue(
        key="k:2",
        kind="urge",
        recipients=["b@hongbang.example"],
        subject="Thư thứ hai",
        body_text="Nội dung",
    )
    stats = send_pending(app)
    assert stats.sent == 2
    subjects = [r.parsed()["Subject"] for r in smtp.received]
    assert "Dòng 1 Bcc: x@evil.example" in subjects and "Thư thứ hai" in subjects
    assert all("x@evil.example" not in r.rcpt_tos for r in smtp.received)
