"""Delivering a webhook's outbox message: sign it as of now and POST it (the sender of
tracker/mail/sender.py claims it and calls ``post``, with the mail's retries and backoff)."""

from __future__ import annotations

from flask import Flask

from tracker.core.clock import get_clock
from tracker.mail.claims import DEFAULT_MAX_ATTEMPTS, SendStats, claim, mark_failed, mark_sent
from tracker.models import OutboxMessage, Webhook
from tracker.webhooks import signing
from tracker.webhooks.delivery import DeliveryError
from tracker.webhooks.delivery import post as http_post

DEFAULT_TIMEOUT = 10


def post(
    message: OutboxMessage,
    max_attempts: int,
    timeout: float,
    stats: SendStats,
    down: set[int] | None = None,
) -> bool:
    """Try ``message`` (claimed, channel ``webhook``); return whether a 2xx accepted it.

    A webhook that failed in a way waiting may mend (unreachable, slow, 5xx) is added to
    ``down``: the batch leaves its other deliveries for a later run instead of waiting for
    each one's timeout (as a batch of mail stops at an unreachable SMTP server).
    """
    if message.attempts > max_attempts:
        # Claimed again after its sender died on its last allowed try.
        mark_failed(message, "Bộ gửi dừng giữa chừng.", True, 0, stats)
        return False
    hook = Webhook.get_or_none(Webhook.id == message.webhook_id) if message.webhook_id else None
    if hook is None:
        mark_failed(message, "Webhook đã bị xóa.", True, 0, stats)
        return False
    if not hook.active and message.kind != "webhook_test":
        mark_failed(message, "Webhook đã ngừng hoạt động.", True, 0, stats)
        return False
    body = message.body_text.encode("utf-8")
    delivery = signing.delivery_id(message.key)
    headers = signing.headers(hook.secret, message.kind, delivery, get_clock().now(), body)
    try:
        http_post(hook.url, body, headers, timeout)
    except DeliveryError as exc:
        mark_failed(message, str(exc), exc.permanent, max_attempts, stats)
        if not exc.permanent and down is not None:
            down.add(hook.id)
        return False
    mark_sent(message, stats)
    return True


def settings(app: Flask) -> tuple[int, float]:
    """(the most tries of a message, the seconds one POST may take) from the app's config."""
    attempts = int(app.config.get("MAIL_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
    return attempts, float(app.config.get("WEBHOOK_TIMEOUT", DEFAULT_TIMEOUT))


def send_now(app: Flask, message: OutboxMessage) -> OutboxMessage:
    """Try one queued webhook message at once (a test from the webhook's page); return it as
    it is afterwards. A message that another sender took meanwhile is left to that sender."""
    taken = claim(message, get_clock().now())
    if taken is not None:
        max_attempts, timeout = settings(app)
        post(taken, max_attempts, timeout, SendStats())
    return OutboxMessage.get_by_id(message.id)
