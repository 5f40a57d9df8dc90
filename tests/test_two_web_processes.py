"""Two web machines on one PostgreSQL database: neither serves the other's stale data.

Two real gunicorn servers (each its own process, as two machines would run them) share one
database, one upload folder (the shared storage of docs/deployment.md) and one secret key. One
browser's cookies go to both, as behind a load balancer: a session opened on one machine is
valid on the other, a write through either shows at once on a page of the other, an evidence
file uploaded through one is downloaded through the other.
"""

from __future__ import annotations

import html
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from upload_support import PDF

from tracker.models import Attachment

GUNICORN = Path(sys.executable).with_name("gunicorn")
ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed"),
]

TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Machine:
    """``gunicorn tracker.wsgi:app`` with one sync worker, on a port of its own."""

    def __init__(self, database_url: str, shared: Path, name: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        env.update(
            TRACKER_DATABASE_URL=database_url,
            TRACKER_SECRET_KEY="the same key on every machine",
            TRACKER_UPLOAD_DIR=str(shared / "uploads"),
            TRACKER_BASE_URL="http://127.0.0.1",
        )
        self.log = (shared / f"{name}.log").open("w")
        self.proc = subprocess.Popen(
            [
                str(GUNICORN),
                "tracker.wsgi:app",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.log_path = shared / f"{name}.log"

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"gunicorn stopped:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        pytest.fail(f"no answer on {self.base}:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: one cookie jar, sent to whichever machine it asks."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, url: str, data: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def page(self, url: str) -> str:
        status, body = self.request(url)
        assert status == 200, (url, status, body[:500])
        return html.unescape(body.decode())

    def token(self, url: str) -> str:
        match = TOKEN_RE.search(self.page(url))
        assert match, f"no CSRF token on {url}"
        return match.group(1) or match.group(2)

    def post(self, url: str, fields: dict[str, str], token_from: str) -> int:
        data = urllib.parse.urlencode({**fields, "csrf_token": self.token(token_from)}).encode()
        status, _body = self.request(url, data)
        return status

    def post_files(self, url: str, fields: dict, files: dict, token_from: str) -> int:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**fields, "csrf_token": self.token(token_from)}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + str(value).encode()
                + b"\r\n"
            )
        for name, (filename, content, mimetype) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {mimetype}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        status, _body = self.request(url, body, headers)
        return status

    def login(self, base: str, username: str) -> None:
        fields = {"username": username, "password": "demo"}
        assert self.post(f"{base}/login", fields, token_from=f"{base}/login") == 302


@pytest.fixture
def machines(database_url, world, tmp_path):
    """Two machines on the test's database (its rows committed by ``world``)."""
    started = [Machine(database_url, tmp_path, name) for name in ("one", "two")]
    try:
        for machine in started:
            machine.wait_ready()
        yield [m.base for m in started]
    finally:
        for machine in started:
            machine.stop()


def test_a_write_through_one_machine_shows_at_once_on_the_other(machines, world):
    one, two = machines
    a = world.assignment_a
    officer, leader = Browser(), Browser()
    officer.login(one, "p.sodau")
    leader.login(two, "lanhdao")
    # The officer's session, opened on machine one, is valid on machine two (signed cookie).
    before = officer.page(f"{two}/assignments/{a.id}")
    assert "Tăng cường tuyên truyền CCHC" in before and "Phường đã họp dân" not in before
    unit_page = leader.page(f"{two}/units/{world.ward_a.id}")
    assert "Phường đã họp dân" not in unit_page

    # A report through machine one, with the CSRF token of a page machine two served.
    report = {"text": "Phường đã họp dân ở 5 tổ dân phố", "progress": "40"}
    status = officer.post(f"{one}/assignments/{a.id}/reports", report, f"{two}/assignments/{a.id}")
    assert status == 302
    # Machine two's pages, just read, show it on the next request: the officer's and the leader's.
    assert "Phường đã họp dân ở 5 tổ dân phố" in officer.page(f"{two}/assignments/{a.id}")
    assert "40%" in officer.page(f"{two}/")
    assert "40%" in leader.page(f"{two}/units/{world.ward_a.id}")

    # And the other way: the evidence submitted through machine two, seen and downloaded on one.
    status = officer.post_files(
        f"{two}/assignments/{a.id}/submit",
        {"summary": "Đã hoàn thành tuyên truyền"},
        {"files": ("Biên bản.pdf", PDF, "application/pdf")},
        token_from=f"{two}/assignments/{a.id}/submit",
    )
    assert status == 302
    page = leader.page(f"{one}/assignments/{a.id}")
    assert "Đã hoàn thành tuyên truyền" in page and "Biên bản.pdf" in page
    attachment = Attachment.get()
    status, content = leader.request(f"{one}/attachments/{attachment.id}")
    assert status == 200 and content == PDF


def test_a_session_ended_on_one_machine_is_ended_on_the_other(machines, world):
    one, two = machines
    officer = Browser()
    officer.login(one, "p.sodau")
    assert officer.page(f"{two}/")
    # Logging out on machine two raises the user's session version in the database.
    copy = http.cookiejar.CookieJar()
    for cookie in officer.jar:
        copy.set_cookie(cookie)
    thief = Browser()
    thief.jar = copy
    thief.opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(copy), NoRedirect()
    )
    assert officer.post(f"{two}/logout", {}, token_from=f"{two}/") in (302, 303)
    # The same cookie, kept by someone else, is refused by machine one.
    status, _body = thief.request(f"{one}/")
    assert status == 302
