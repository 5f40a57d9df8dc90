"""A real SMTP server on loopback for the mail tests (aiosmtpd), and a self-signed certificate.

``SmtpServer`` keeps every message it accepted (``received``). Its handler misbehaves on
purpose when told: ``mode = "rcpt"`` or ``"data"`` answers ``reply`` (such as ``"451 …"`` or
``"550 …"``) to that command; ``refuse[address] = reply`` answers the RCPT of one address;
``mode = "hang"`` sleeps ``delay`` seconds at DATA (past the client's timeout) and then
refuses, so a message the client gave up on is never accepted.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    """One accepted message: the envelope and the bytes as they came over the wire."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def parsed(self) -> EmailMessage:
        return BytesParser(policy=default).parsebytes(self.data)

    @property
    def message_id(self) -> str:
        return self.parsed()["Message-ID"]


class Handler:
    """Accepts (and keeps) messages, or answers as ``mode`` says."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.mode = "accept"
        self.reply = "451 4.3.0 Try again later"
        self.delay = 0.0
        self.refuse: dict[str, str] = {}  # address → reply to its RCPT
        self.logins: list[str] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "rcpt":
            return self.reply
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "data":
            return self.reply
        if self.mode == "hang":
            await asyncio.sleep(self.delay)
            return "451 4.4.2 Too slow"
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
        return "250 OK"


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 in a thread; a context manager."""

    def __init__(
        self,
        port: int | None = None,
        *,
        tls: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
        login: tuple[str, str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.handler = Handler()
        kwargs: dict = {}
        if tls is not None and implicit_tls:
            kwargs["ssl_context"] = tls
        elif tls is not None:
            kwargs.update(tls_context=tls, require_starttls=True)
        if login is not None:
            kwargs["authenticator"] = self._authenticator(login)
            # aiosmtpd counts only STARTTLS as encryption when it checks before AUTH.
            kwargs["auth_require_tls"] = tls is not None and not implicit_tls
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=5, **kwargs
        )

    def _authenticator(self, login: tuple[str, str]):
        def check(server, session, envelope, mechanism, auth_data) -> AuthResult:
            ok = (
                isinstance(auth_data, LoginPassword)
                and (
                    auth_data.login.decode(),
                    auth_data.password.decode(),
                )
                == login
            )
            if ok:
                self.handler.logins.append(auth_data.login.decode())
            return AuthResult(success=ok, handled=False)

        return check

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def url(self, scheme: str = "smtp", query: str = "", userinfo: str = "") -> str:
        at = f"{userinfo}@" if userinfo else ""
        return f"{scheme}://{at}127.0.0.1:{self.port}{'?' + query if query else ''}"

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with the openssl tool.

    The tool is always installed where the suite runs: without it the TLS tests fail, not skip.
    """
    openssl = shutil.which("openssl")
    assert openssl is not None, "the openssl tool is not installed"
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context
