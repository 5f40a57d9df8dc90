"""A tiny bridge from Giao việc's webhooks to a chat: Mattermost (or Slack, Rocket.Chat) through
an incoming webhook, or Telegram through a bot. Standard library only; docs/webhooks.md.

It listens for the tracker's POSTs, checks each one's signature and timestamp with the
webhook's secret, ignores a delivery it already forwarded (a retry), and posts the event's
``text`` line to the chat. It answers 2xx only once the chat accepted the line, so the
tracker retries (with its backoff) whatever the chat could not take.

    BRIDGE_SECRET=<the webhook's secret, from its page in /admin/webhooks> \\
    MATTERMOST_URL=https://chat.example.gov.vn/hooks/xxxxxxxx \\
    python scripts/webhook_bridge.py --port 8088

    # or, to a Telegram group:
    BRIDGE_SECRET=… TELEGRAM_BOT_TOKEN=123456:ABC… TELEGRAM_CHAT_ID=-1001234567890 \\
    python scripts/webhook_bridge.py --port 8088

The webhook's address in the tracker is then http://<this machine>:8088/ (behind HTTPS in
production).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import time
import urllib.request
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# A request signed longer ago than this (or this far in the future) is refused: a captured
# request cannot be replayed later.
TOLERANCE_SECONDS = 300
REMEMBERED = 1000  # delivery ids kept to ignore retries of what was already forwarded
MAX_BODY = 1_000_000


def verify(secret: str, timestamp: str, body: bytes, signature: str, now: float) -> bool:
    """Whether ``signature`` (X-Tracker-Signature) signs ``body`` at ``timestamp``
    (X-Tracker-Timestamp), and that timestamp is recent."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    material = timestamp.encode("ascii") + b"." + body
    expected = "sha256=" + hmac.new(secret.encode("utf-8"), material, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def chat_request(text: str, env: dict[str, str]) -> urllib.request.Request:
    """The request that posts ``text`` to the configured chat."""
    if env.get("TELEGRAM_BOT_TOKEN"):
        url = f"https://api.telegram.org/bot{env['TELEGRAM_BOT_TOKEN']}/sendMessage"
        data = {"chat_id": env["TELEGRAM_CHAT_ID"], "text": text, "disable_web_page_preview": True}
    else:
        url, data = env["MATTERMOST_URL"], {"text": text}
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    return urllib.request.Request(url, data=body, headers=headers, method="POST")


class Bridge(BaseHTTPRequestHandler):
    """One POST from the tracker → one line in the chat."""

    secret = ""
    env: dict[str, str] = {}
    seen: OrderedDict[str, None] = OrderedDict()

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._answer(413, "too large")
        body = self.rfile.read(length)  # the raw bytes: verify before parsing anything
        timestamp = self.headers.get("X-Tracker-Timestamp", "")
        signature = self.headers.get("X-Tracker-Signature", "")
        if not verify(self.secret, timestamp, body, signature, time.time()):
            return self._answer(401, "bad signature")
        delivery = self.headers.get("X-Tracker-Delivery", "")
        if delivery in self.seen:
            return self._answer(200, "already forwarded")
        event = json.loads(body.decode("utf-8"))
        try:
            with urllib.request.urlopen(chat_request(event["text"], self.env), timeout=10):
                pass
        except OSError as exc:  # the chat is down or refused: the tracker will retry
            return self._answer(502, f"chat refused: {exc}")
        self.seen[delivery] = None
        while len(self.seen) > REMEMBERED:
            self.seen.popitem(last=False)
        return self._answer(200, "ok")

    def _answer(self, status: int, text: str) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def make_server(host: str, port: int, secret: str, env: dict[str, str]) -> ThreadingHTTPServer:
    """The bridge's server (not yet serving), with its own secret, chat and memory."""
    handler = type(
        "ConfiguredBridge", (Bridge,), {"secret": secret, "env": env, "seen": OrderedDict()}
    )
    return ThreadingHTTPServer((host, port), handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8088)
    args = parser.parse_args()
    env = dict(os.environ)
    if not env.get("MATTERMOST_URL") and not env.get("TELEGRAM_BOT_TOKEN"):
        parser.error("set MATTERMOST_URL, or TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID")
    server = make_server(args.host, args.port, env["BRIDGE_SECRET"], env)
    print(f"Bridge listening on http://{args.host}:{args.port}/")
    server.serve_forever()


if __name__ == "__main__":
    main()
