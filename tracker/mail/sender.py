"""Delivering the outbox over SMTP: claim, send, record — never twice, never lost.

Each due message is claimed with a conditional UPDATE before it is sent, so two senders never
send the same one; it is marked sent in its own short transaction right after the server
accepted it. A crashed sender's claim runs out after ``CLAIM_TIME`` and the message is tried
again. Transient failures are retried with exponential backoff; permanent ones are dead at once.
The one window for a duplicate is a crash between the server's "250 OK" and that commit: the
resend then carries the same Message-ID, derived from the outbox key.
"""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, getaddresses, parseaddr

from flask import Flask

from tracker.core.clock import get_clock
from tracker.core.db import database, write_transaction
from tracker.mail.headers import mailbox, unstructured
from tracker.mail.smtp import (
    SmtpSettings,
    connect,
    describe_error,
    disconnect,
    is_permanent,
    parse_smtp_url,
)
from tracker.models import OutboxMessage

CLAIM_TIME = timedelta(minutes=5)
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
DEFAULT_MAX_ATTEMPTS = 8
SENDABLE = ("queued", "failed")


@dataclass
class SendStats:
    """What one batch did."""

    sent: int = 0
    failed: int = 0
    dead: int = 0
    configured: bool = True
    waiting: int = 0  # due messages left alone because no SMTP server is configured

    def report(self) -> str:
        """One line for the command line and the logs."""
        if not self.configured:
            return (
                "TRACKER_SMTP_URL is not set: nothing was sent; "
                f"{self.waiting} message(s) wait in the outbox."
            )
        return f"Sent {self.sent}, failed {self.failed}, dead {self.dead}."


class _ConnectionLost(Exception):
    """The SMTP session broke; the batch stops and the rest waits for the next run."""


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed try: 1 min, 2, 4, 8 … at most 6 h."""
    return min(FIRST_BACKOFF * 2 ** max(0, min(attempts - 1, 20)), MAX_BACKOFF)


def due(now: datetime):
    """Messages to try now: queued or failed and due, or left ``sending`` by a crashed sender."""
    ready = (OutboxMessage.status.in_(SENDABLE)) & (OutboxMessage.next_attempt_at <= now)
    abandoned = (OutboxMessage.status == "sending") & (OutboxMessage.claimed_until < now)
    return OutboxMessage.select().where(ready | abandoned)


def message_id(key: str, mail_from: str) -> str:
    """A Message-ID derived from the outbox key, so that even a resend is recognisable."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "tracker.invalid"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def recipient_list(message: OutboxMessage) -> list[str]:
    """The addresses of ``message`` (stored as one comma-separated text)."""
    return [addr for _name, addr in getaddresses([message.recipients]) if addr]


def build_email(message: OutboxMessage, mail_from: str, now: datetime) -> EmailMessage:
    """The e-mail for ``message``: plain text, plus an HTML alternative when there is one."""
    email = EmailMessage(policy=default_policy)
    # Folded here, not by the email package: its folder can put the space between two words
    # outside the encoded-words, and mail clients then drop it (tracker.mail.headers).
    email["From"] = mailbox("From", mail_from)
    email["To"] = ", ".join(recipient_list(message))
    email["Subject"] = unstructured("Subject", message.subject)
    email["Date"] = format_datetime(now.astimezone(get_clock().tz))
    email["Message-ID"] = message_id(message.key, mail_from)
    email["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps Vietnamese intact even through servers without 8BITMIME.
    email.set_content(message.body_text, cte="quoted-printable")
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html", cte="quoted-printable")
    return email


def _claim(seen: OutboxMessage, now: datetime) -> OutboxMessage | None:
    """Take ``seen`` for this sender if nobody changed it since it was read; else None."""
    still = (OutboxMessage.id == seen.id) & (OutboxMessage.status == seen.status)
    if seen.status == "sending":
        still &= OutboxMessage.claimed_until < now
    else:
        still &= OutboxMessage.next_attempt_at <= now
    with write_transaction():
        taken = (
            OutboxMessage.update(
                status="sending",
                claimed_until=now + CLAIM_TIME,
                attempts=OutboxMessage.attempts + 1,
                updated_at=now,
            )
            .where(still)
            .execute()
        )
    return OutboxMessage.get_by_id(seen.id) if taken == 1 else None


def _finish(message: OutboxMessage, **values) -> None:
    """Record the outcome of this sender's claim in its own short transaction."""
    values.update(claimed_until=None, updated_at=get_clock().now())
    with write_transaction():
        OutboxMessage.update(**values).where(
            OutboxMessage.id == message.id, OutboxMessage.status == "sending"
        ).execute()


def _mark_sent(message: OutboxMessage, refused: dict) -> None:
    note = ""
    if refused:
        note = describe_error(smtplib.SMTPRecipientsRefused(refused))
    _finish(message, status="sent", sent_at=get_clock().now(), last_error=note)


def _mark_failed(
    message: OutboxMessage, error: str, permanent: bool, max_attempts: int, stats: SendStats
) -> None:
    if permanent or message.attempts >= max_attempts:
        if not permanent:
            error = f"{error} (đã thử {message.attempts} lần)"
        _finish(message, status="dead", last_error=error[:2000])
        stats.dead += 1
        return
    later = get_clock().now() + backoff(message.attempts)
    _finish(message, status="failed", next_attempt_at=later, last_error=error[:2000])
    stats.failed += 1


class _Batch:
    """One SMTP connection, opened on the first claimed message, shared by the whole batch."""

    def __init__(self, settings: SmtpSettings, mail_from: str, max_attempts: int) -> None:
        self.settings = settings
        self.mail_from = mail_from
        self.max_attempts = max_attempts
        self.conn: smtplib.SMTP | None = None
        self.connect_error: str | None = None
        self.stats = SendStats()

    def deliver(self, message: OutboxMessage) -> bool:
        """Try ``message`` (already claimed); return whether it was accepted."""
        if message.attempts > self.max_attempts:
            # Claimed again after its sender died on its last allowed try.
            _mark_failed(message, "Bộ gửi thư dừng giữa chừng.", True, 0, self.stats)
            return False
        recipients = recipient_list(message)
        if not recipients:
            _mark_failed(message, "Không có địa chỉ email người nhận.", True, 0, self.stats)
            return False
        if self.connect_error is None and self.conn is None:
            try:
                self.conn = connect(self.settings)
            except OSError as exc:  # refused, timeout, TLS, SMTP errors (OSErrors too)
                self.connect_error = f"Không kết nối được máy chủ thư: {describe_error(exc)}"
        if self.connect_error is not None:
            # The server is unreachable: every message of this batch counts a failed try.
            _mark_failed(message, self.connect_error, False, self.max_attempts, self.stats)
            return False
        now = get_clock().now()
        try:
            email = build_email(message, self.mail_from, now)
        except (ValueError, TypeError) as exc:
            # A message that cannot be written as e-mail will never be: dead, and the batch
            # goes on with the next one.
            _mark_failed(message, f"Thư không hợp lệ: {exc}", True, 0, self.stats)
            return False
        try:
            refused = self.conn.send_message(email, to_addrs=recipients)
        except OSError as exc:  # smtplib's errors are OSErrors too, like timeouts and resets
            lost = not isinstance(exc, smtplib.SMTPException) or (
                isinstance(exc, smtplib.SMTPServerDisconnected)
            )
            permanent = not lost and is_permanent(exc)
            _mark_failed(message, describe_error(exc), permanent, self.max_attempts, self.stats)
            if lost or self.conn.sock is None:  # 421 too: the server closed the session
                raise _ConnectionLost from exc
            return False
        _mark_sent(message, refused)
        self.stats.sent += 1
        return True

    def close(self) -> None:
        disconnect(self.conn)
        self.conn = None


def send_pending(
    app: Flask,
    limit: int = 100,
    on_sent: Callable[[OutboxMessage], None] | None = None,
) -> SendStats:
    """Deliver up to ``limit`` due messages over one SMTP connection; return the counts.

    Without TRACKER_SMTP_URL nothing is sent (mail stays readable in the outbox) and the
    stats say so. ``on_sent`` is called after each message is recorded as sent.
    """
    with app.app_context():
        connection = database.connection_context() if database.is_closed() else nullcontext()
        with connection:
            return _send(app, limit, on_sent)


def _send(app: Flask, limit: int, on_sent: Callable[[OutboxMessage], None] | None) -> SendStats:
    now = get_clock().now()
    settings = parse_smtp_url(app.config.get("SMTP_URL"))
    if settings is None:
        return SendStats(configured=False, waiting=due(now).count())
    max_attempts = int(app.config.get("MAIL_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
    candidates = list(
        due(now).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    )
    batch = _Batch(settings, app.config["MAIL_FROM"], max_attempts)
    try:
        for seen in candidates:
            message = _claim(seen, get_clock().now())
            if message is None:
                continue  # another sender took it, or it changed since it was read
            if batch.deliver(message) and on_sent is not None:
                on_sent(message)
    except _ConnectionLost:
        pass
    finally:
        batch.close()
    return batch.stats
