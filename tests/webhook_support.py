"""A real HTTP receiver for webhook tests: http.server in a thread, on a free loopback port."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tracker.models import Webhook
from tracker.webhooks.signing import verify


@dataclass
class Received:
    """One request as the receiver got it: path, headers and the raw body."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body.decode("utf-8"))

    def verifies(self, secret: str) -> bool:
        """Whether the signature checks out with ``secret``, as docs/webhooks.md says to."""
        return verify(
            secret,
            self.headers["X-Tracker-Timestamp"],
            self.body,
            self.headers["X-Tracker-Signature"],
        )


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        receiver: Receiver = self.server.receiver  # type: ignore[attr-defined]
        receiver.received.append(Received(self.path, dict(self.headers.items()), body))
        time.sleep(receiver.delay)
        status = receiver.status
        answer = b"ok" if status < 300 else b"server error"
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args) -> None:
        pass


class Receiver:
    """``with Receiver() as r:`` listens on 127.0.0.1:<free port>; ``r.status`` is what every
    POST is answered (200 unless set) after ``r.delay`` seconds, ``r.received`` what arrived."""

    def __init__(self, status: int = 200, delay: float = 0) -> None:
        self.status = status
        self.delay = delay
        self.received: list[Received] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.receiver = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def make_webhook(url: str, scope: str = "all", **kw) -> Webhook:
    """A webhook row, as the admin's form would save it."""
    from conftest import NOW

    return Webhook.create(
        name=kw.pop("name", "Nhóm chat"), url=url, scope=scope, created_at=NOW, **kw
    )
