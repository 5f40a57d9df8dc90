"""Delivering the outbox over SMTP: claim, send, record — never twice, never lost.

Each due message is claimed with a conditional UPDATE before it is sent, so two senders never
send the same one; it is marked sent in its own short transaction right after the server
accepted it. A crashed sender's claim runs out after ``CLAIM_TIME`` and the message is tried
again. Transient failures are retried with exponential backoff; permanent ones are dead at once
(``claims.py``). A webhook's message in the same outbox is POSTed instead
(``tracker/webhooks/sending.py``), with the same claims and retries, SMTP configured or not.
The one window for a duplicate is a crash between the server's "250 OK" and that commit: the
resend then carries the same Message-ID, derived from the outbox key.
"""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, getaddresses, parseaddr

from flask import Flask

from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.mail.claims import (
    CLAIM_TIME,
    SendStats,
    backoff,
    claim,
    due,
    mark_failed,
    mark_sent,
)
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
from tracker.webhooks import sending as webhook_sending

__all__ = ["CLAIM_TIME", "backoff", "build_email", "message_id", "send_pending"]


class _ConnectionLost(Exception):
    """The SMTP session broke; the rest of the batch's mail waits for the next run."""


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
            mark_failed(message, "Bộ gửi thư dừng giữa chừng.", True, 0, self.stats)
            return False
        recipients = recipient_list(message)
        if not recipients:
            mark_failed(message, "Không có địa chỉ email người nhận.", True, 0, self.stats)
            return False
        if self.connect_error is None and self.conn is None:
            try:
                self.conn = connect(self.settings)
            except OSError as exc:  # refused, timeout, TLS, SMTP errors (OSErrors too)
                self.connect_error = f"Không kết nối được máy chủ thư: {describe_error(exc)}"
        if self.connect_error is not None:
            # The server is unreachable: every message of this batch counts a failed try.
            mark_failed(message, self.connect_error, False, self.max_attempts, self.stats)
            return False
        now = get_clock().now()
        try:
            email = build_email(message, self.mail_from, now)
        except (ValueError, TypeError) as exc:
            # A message that cannot be written as e-mail will never be: dead, and the batch
            # goes on with the next one.
            mark_failed(message, f"Thư không hợp lệ: {exc}", True, 0, self.stats)
            return False
        try:
            refused = self.conn.send_message(email, to_addrs=recipients)
        except OSError as exc:  # smtplib's errors are OSErrors too, like timeouts and resets
            lost = not isinstance(exc, smtplib.SMTPException) or (
                isinstance(exc, smtplib.SMTPServerDisconnected)
            )
            permanent = not lost and is_permanent(exc)
            mark_failed(message, describe_error(exc), permanent, self.max_attempts, self.stats)
            if lost or self.conn.sock is None:  # 421 too: the server closed the session
                raise _ConnectionLost from exc
            return False
        note = describe_error(smtplib.SMTPRecipientsRefused(refused)) if refused else ""
        mark_sent(message, self.stats, note)
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
    max_attempts, timeout = webhook_sending.settings(app)
    query = due(now)
    waiting = 0
    if settings is None:
        # Mail waits for a server to be configured; webhooks go out all the same.
        waiting = due(now).where(OutboxMessage.channel == "mail").count()
        query = query.where(OutboxMessage.channel == "webhook")
    candidates = list(query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    batch = _Batch(settings, app.config["MAIL_FROM"], max_attempts)
    batch.stats.configured, batch.stats.waiting = settings is not None, waiting
    smtp_lost = False
    hooks_down: set[int] = set()
    try:
        for seen in candidates:
            if smtp_lost and seen.channel == "mail":
                continue  # the SMTP session broke: the rest of the mail waits for the next run
            if seen.channel == "webhook" and seen.webhook_id in hooks_down:
                continue  # that receiver just failed: its other deliveries wait too
            message = claim(seen, get_clock().now())
            if message is None:
                continue  # another sender took it, or it changed since it was read
            if message.channel == "webhook":
                accepted = webhook_sending.post(
                    message, max_attempts, timeout, batch.stats, hooks_down
                )
            else:
                try:
                    accepted = batch.deliver(message)
                except _ConnectionLost:
                    smtp_lost, accepted = True, False
            if accepted and on_sent is not None:
                on_sent(message)
    finally:
        batch.close()
    return batch.stats
