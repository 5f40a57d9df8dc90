"""`make run` (``tracker dev``): Ctrl+C or SIGTERM stops the server and the scheduler, status 0.

Real processes, each in a session of its own, signalled as a terminal signals a job: the whole
process group at once. A few seconds each; they run once (SQLite run only).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tracker.ops.devserver import sender_hint

ROOT = Path(__file__).resolve().parent.parent
TRACKER = Path(sys.executable).parent / "tracker"

pytestmark = [
    pytest.mark.sqlite_only,
    pytest.mark.skipif(not TRACKER.exists(), reason="the tracker command is not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}",
        TRACKER_SECRET_KEY="test",
        TRACKER_UPLOAD_DIR=str(tmp_path / "uploads"),
        **extra,
    )
    return env


class Job:
    """A command in its own process group, its output collected as it comes."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, *texts: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not all(t in self.output for t in texts):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"never printed {texts}:\n{self.output}")
            time.sleep(0.1)

    def signal_group(self, sig: int) -> int:
        """``sig`` to every process of the job (what Ctrl+C does); the leader's status."""
        os.killpg(self.proc.pid, sig)
        try:
            status = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            pytest.fail(f"still running 60 s after the signal:\n{self.output}")
        self._reader.join(5)
        return status

    def group_is_gone(self) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture
def database(tmp_path):
    env = _env(tmp_path)
    subprocess.run([str(TRACKER), "init-db"], env=env, cwd=ROOT, check=True, capture_output=True)
    return tmp_path


def _dev(tmp_path: Path, port: int, **env: str) -> Job:
    return Job([str(TRACKER), "dev", "--port", str(port)], _env(tmp_path, **env))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_dev_server_stops_cleanly_with_status_0(database, sig):
    port = _free_port()
    job = _dev(database, port)
    try:
        job.wait_for(f"Serving on http://127.0.0.1:{port}", "Running on", "Scheduler started")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=60) as response:
            assert response.status == 200
        job.wait_for("GET /health")
        status = job.signal_group(sig)
        assert status == 0, job.output
        assert job.group_is_gone(), "the scheduler outlived the server"
    finally:
        job.stop()
    assert "Traceback" not in job.output and "Error" not in job.output
    assert "Stopped: the server and the scheduler." in job.output
    assert "Scheduler has been shut down" in job.output
    # The development server's own lines reach the JSON log without colour codes.
    assert "\\u001b" not in job.output and "\x1b" not in job.output
    werkzeug = [json.loads(line) for line in job.lines if '"logger": "werkzeug"' in line]
    warning = next(e for e in werkzeug if "development server" in e["message"])
    assert warning["level"] == "WARNING"
    assert warning["message"].startswith("WARNING: This is a development server.")
    # The default sender is named, with the setting that changes it.
    assert "TRACKER_MAIL_FROM" in job.output and "tracker@localhost" in job.output


def test_a_real_sender_needs_no_hint_and_a_taken_port_fails(database):
    assert sender_hint("Giao việc <giaoviec@hongbang.example>") is None
    assert "TRACKER_MAIL_FROM" in sender_hint("tracker@localhost")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        job = _dev(database, port, TRACKER_MAIL_FROM="Giao việc <giaoviec@hongbang.example>")
        try:
            assert job.proc.wait(timeout=60) == 1
            job._reader.join(5)
        finally:
            job.stop()
    assert "Cannot listen on" in job.output
    assert "TRACKER_MAIL_FROM" not in job.output and "Scheduler started" not in job.output


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_ends_without_an_error_on_ctrl_c(database):
    """The real `make run` (installation taken as done, an account there so that no demo is
    loaded): Ctrl+C leaves no "make: *** [run] Error 143"."""
    env = _env(database)
    account = ["--username", "admin", "--full-name", "Trần Quang Minh", "--role", "admin"]
    command = [str(TRACKER), "create-user", *account, "--password", "mat-khau-dai"]
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    port = _free_port()
    job = Job(["make", "--no-print-directory", "-o", "install", "run", f"PORT={port}"], env)
    try:
        job.wait_for(f"Serving on http://127.0.0.1:{port}", "Scheduler started", timeout=120)
        status = job.signal_group(signal.SIGINT)
        assert job.group_is_gone()
    finally:
        job.stop()
    # make itself got the Ctrl+C: it ends as interrupted (130 in a shell, no message), never
    # with an error of its recipe.
    assert status in (0, -signal.SIGINT), job.output
    assert "make: ***" not in job.output and "Error" not in job.output, job.output
    assert "Stopped: the server and the scheduler." in job.output
