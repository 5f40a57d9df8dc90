"""The bridge of docs/webhooks.md (scripts/webhook_bridge.py), end to end on loopback: a leader
urges a unit → the tracker's sender POSTs to the bridge → the bridge checks the signature and
posts the event's line to a (fake, real HTTP) Mattermost incoming webhook."""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import re
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from webhook_support import Receiver, make_webhook

from tracker.mail.sender import send_pending
from tracker.models import OutboxMessage

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "webhook_bridge.py"


def _load_bridge():
    spec = importlib.util.spec_from_file_location("webhook_bridge", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bridge = _load_bridge()


@pytest.fixture
def mattermost():
    with Receiver() as receiver:
        yield receiver


def serve(secret: str, chat_url: str):
    server = bridge.make_server("127.0.0.1", 0, secret, {"MATTERMOST_URL": chat_url})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def urge(client, auth, world) -> OutboxMessage:
    auth.login("lanhdao")
    data = {"message": "Báo cáo kết quả trước 16 giờ"}
    assert client.post(f"/assignments/{world.assignment_a.id}/urge", data=data).status_code == 302
    return OutboxMessage.get(OutboxMessage.channel == "webhook")


def test_an_urge_reaches_the_chat_through_the_bridge_once(
    app, client, auth, world, clock, mattermost
):
    clock.set(datetime.now(UTC))  # the bridge refuses a signature older than five minutes
    hook = make_webhook("http://placeholder.invalid/", "unit", unit=world.ward_a)
    server = serve(hook.secret, mattermost.url("/hooks/mm"))
    try:
        hook.url = f"http://127.0.0.1:{server.server_address[1]}/"
        hook.save()
        message = urge(client, auth, world)
        assert send_pending(app).sent == 1
        (posted,) = mattermost.received
        assert posted.path == "/hooks/mm"
        text = posted.json()["text"]
        assert text == json.loads(message.body_text)["text"]
        assert text.startswith("Đồng chí Lanhdao đôn đốc UBND phường Sở Dầu")
        assert "“Báo cáo kết quả trước 16 giờ”" in text

        # The same delivery again (sent again from the outbox): the bridge does not repeat it.
        auth.logout()
        auth.login("admin")
        OutboxMessage.update(status="dead").where(OutboxMessage.id == message.id).execute()
        assert client.post(f"/outbox/{message.id}/retry").status_code == 302
        assert send_pending(app).sent == 1
        assert len(mattermost.received) == 1
    finally:
        server.shutdown()
        server.server_close()


def test_a_wrong_secret_is_refused_and_a_chat_outage_is_retried(
    app, client, auth, world, clock, mattermost
):
    clock.set(datetime.now(UTC))
    hook = make_webhook("http://placeholder.invalid/", "unit", unit=world.ward_a)
    wrong = serve("not the webhook's secret", mattermost.url())
    try:
        hook.url = f"http://127.0.0.1:{wrong.server_address[1]}/"
        hook.save()
        message = urge(client, auth, world)
        assert send_pending(app).dead == 1  # 401: retrying cannot help
        assert "HTTP 401" in OutboxMessage.get_by_id(message.id).last_error
        assert mattermost.received == []
    finally:
        wrong.shutdown()
        wrong.server_close()

    mattermost.status = 500
    right = serve(hook.secret, mattermost.url())
    try:
        hook.url = f"http://127.0.0.1:{right.server_address[1]}/"
        hook.save()
        auth.logout()
        auth.login("admin")
        assert client.post(f"/outbox/{message.id}/retry").status_code == 302
        assert send_pending(app).failed == 1  # the bridge answers 502: tried again later
        failed = OutboxMessage.get_by_id(message.id)
        assert failed.status == "failed" and "HTTP 502" in failed.last_error
    finally:
        right.shutdown()
        right.server_close()


def test_the_bridge_refuses_an_old_timestamp():
    body = b'{"text": "x"}'
    now = 1_800_000_000
    timestamp = str(now - 301)
    signed = (
        "sha256=" + hmac.new(b"k", timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    )
    assert not bridge.verify("k", timestamp, body, signed, now)
    assert bridge.verify("k", timestamp, body, signed, now - 2)


def documented_verify():
    """The ``verify`` function of docs/webhooks.md, as a reader would copy it."""
    text = (SCRIPT.parent.parent / "docs" / "webhooks.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 (the documentation's own example)
    return namespace["verify"]


def test_the_documented_check_accepts_a_real_delivery_and_nothing_altered(
    app, client, auth, world, clock
):
    verify = documented_verify()
    clock.set(datetime.now(UTC))
    with Receiver() as receiver:
        hook = make_webhook(receiver.url(), "all")
        urge(client, auth, world)
        assert send_pending(app).sent == 1
    (got,) = receiver.received
    assert verify(hook.secret, got.headers, got.body)
    assert not verify("another secret", got.headers, got.body)
    assert not verify(hook.secret, got.headers, got.body.replace(b"16", b"17"))
    older = {**got.headers, "X-Tracker-Timestamp": str(int(got.headers["X-Tracker-Timestamp"]) - 1)}
    assert not verify(hook.secret, older, got.body)
