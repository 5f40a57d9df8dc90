"""``make run``: the development web server and the scheduler side by side, stopped together.

Ctrl+C (SIGINT, which a terminal sends to every process of the job) or SIGTERM (``kill``,
``timeout``, an editor's stop button) stops both, and the command ends with status 0: make then
reports no error (before, a server killed by SIGTERM ended ``make run`` with "Error 143"). A
server that cannot start (its port taken) ends the command with status 1.

The web server runs in this process; the scheduler is a child process (``tracker scheduler``)
started with SIGINT ignored, so that Ctrl+C reaches it only through this process, once, as a
SIGTERM.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from flask import Flask
from werkzeug.serving import make_server

from tracker.core.settings import DEFAULT_MAIL_FROM

STOP_TIMEOUT = 10  # seconds the scheduler has to stop before it is killed


def sender_hint(mail_from: str) -> str | None:
    """One line saying how to set a real sender, while mail would leave from the default."""
    if mail_from.strip() != DEFAULT_MAIL_FROM:
        return None
    return (
        f"Địa chỉ gửi thư đang là mặc định {DEFAULT_MAIL_FROM}: đặt địa chỉ thật bằng biến "
        f"TRACKER_MAIL_FROM / The mail sender is the default {DEFAULT_MAIL_FROM}: set a real one "
        "with TRACKER_MAIL_FROM, e.g. TRACKER_MAIL_FROM='Giao việc <giaoviec@ubnd.gov.vn>' make run"
    )


def _tracker_command() -> list[str]:
    """How to run ``tracker``: the script beside this Python, or the module through it."""
    script = shutil.which("tracker", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-c", "from tracker.cli import cli; cli()"]


def _start_scheduler() -> subprocess.Popen:
    """``tracker scheduler`` as a child that ignores SIGINT (it inherits the disposition)."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return subprocess.Popen([*_tracker_command(), "scheduler"])
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop(child: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if the child has not stopped within STOP_TIMEOUT seconds."""
    if child.poll() is None:
        child.terminate()
    try:
        child.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve(app: Flask, host: str, port: int, echo: Callable[[str], None]) -> int:
    """Serve ``app`` on host:port with the scheduler beside it, until Ctrl+C or SIGTERM.

    Returns the exit status: 0 when stopped by a signal, 1 when the server cannot start.
    """
    try:
        server = make_server(host, port, app, threaded=True)
    except (OSError, SystemExit):  # werkzeug has said why (port in use) and exits
        echo(f"Không mở được cổng {host}:{port} / Cannot listen on {host}:{port}.")
        return 1
    hint = sender_hint(app.config.get("MAIL_FROM", ""))
    if hint:
        echo(hint)
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGTERM, _interrupt)
    scheduler = None
    try:
        scheduler = _start_scheduler()
        echo(f"Serving on http://{host}:{server.port} (Ctrl+C stops the server and the scheduler)")
        server.log_startup()
        server.serve_forever()  # returns on KeyboardInterrupt (Ctrl+C, or SIGTERM above)
    except KeyboardInterrupt:
        pass
    finally:
        for sig in previous:  # a second Ctrl+C must not cut the stop short
            signal.signal(sig, signal.SIG_IGN)
        server.server_close()
        if scheduler is not None:
            _stop(scheduler)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    echo("Stopped: the server and the scheduler. / Đã dừng máy chủ và bộ lập lịch.")
    return 0
