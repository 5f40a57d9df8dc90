"""TRACKER_SMTP_URL: parsing it into settings, opening a connection, classifying SMTP errors.

``smtp://[user:pass@]host[:port]`` (plain, or ``?starttls=1``), ``smtps://…`` (TLS from the
first byte), with an optional ``?timeout=SECONDS``. User and password are percent-decoded. An
unset or empty URL means no delivery: mail stays in the outbox. Error messages never repeat the
password.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

DEFAULT_TIMEOUT = 10.0
DEFAULT_PORTS = {"plain": 25, "starttls": 587, "ssl": 465}
SECURITY_LABELS = {"plain": "không mã hóa", "starttls": "STARTTLS", "ssl": "SSL/TLS"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SmtpUrlError(ValueError):
    """TRACKER_SMTP_URL cannot be used; the message names the problem (Vietnamese, English)."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to deliver mail."""

    host: str
    port: int
    security: str  # plain | starttls | ssl
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = DEFAULT_TIMEOUT

    def describe(self) -> str:
        """The server as shown to admins: never the password."""
        who = f"{self.username}@" if self.username else ""
        return f"{who}{self.host}:{self.port} ({SECURITY_LABELS[self.security]})"


def _error(vi: str, en: str) -> SmtpUrlError:
    return SmtpUrlError(f"TRACKER_SMTP_URL không hợp lệ: {vi} / Invalid TRACKER_SMTP_URL: {en}")


def _flag(name: str, value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise _error(
        f"tham số {name}={value!r} phải là 0 hoặc 1", f"parameter {name}={value!r} must be 0 or 1"
    )


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 600:
        raise _error(
            f"timeout={value!r} phải là số giây từ 0 đến 600",
            f"timeout={value!r} must be a number of seconds between 0 and 600",
        )
    return seconds


def _query(query: str, scheme: str) -> tuple[bool, float]:
    """(starttls, timeout) from the query string; unknown or repeated parameters are refused."""
    starttls, timeout, seen = False, DEFAULT_TIMEOUT, set()
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name in seen:
            raise _error(f"tham số {name!r} bị lặp lại", f"parameter {name!r} is repeated")
        seen.add(name)
        if name == "starttls":
            starttls = _flag(name, value)
            if starttls and scheme == "smtps":
                raise _error(
                    "smtps:// đã mã hóa từ đầu, không dùng kèm starttls=1",
                    "smtps:// is already encrypted; do not add starttls=1",
                )
        elif name == "timeout":
            timeout = _timeout(value)
        else:
            raise _error(
                f"tham số không được hỗ trợ {name!r} (chỉ có starttls, timeout)",
                f"unsupported parameter {name!r} (only starttls, timeout)",
            )
    return starttls, timeout


def parse_smtp_url(url: str | None) -> SmtpSettings | None:
    """The settings in ``url``, or None when it is unset or empty (no delivery)."""
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps"):
        shown = scheme or "(không có)"
        raise _error(
            f"giao thức {shown!r} không được hỗ trợ, hãy dùng smtp:// hoặc smtps://",
            f"scheme {scheme or '(none)'!r} is not supported; use smtp:// or smtps://",
        )
    if parts.path not in ("", "/") or parts.fragment:
        raise _error(
            "không dùng đường dẫn hay '#' sau tên máy chủ", "no path or '#' after the host"
        )
    host = parts.hostname
    if not host:
        raise _error("thiếu tên máy chủ", "the host is missing")
    try:
        port = parts.port
    except ValueError:
        # The port text is shown, never the rest of the address (which may hold the password).
        raw = parts.netloc.rpartition("@")[2].rpartition(":")[2]
        raise _error(
            f"cổng {raw!r} phải là số từ 1 đến 65535", f"port {raw!r} must be 1 to 65535"
        ) from None
    if port == 0:
        raise _error("cổng 0 không hợp lệ", "port 0 is not valid")
    starttls, timeout = _query(parts.query, scheme)
    security = "ssl" if scheme == "smtps" else "starttls" if starttls else "plain"
    username = unquote(parts.username or "")
    password = unquote(parts.password or "")
    if password and not username:
        raise _error("có mật khẩu nhưng thiếu tên đăng nhập", "a password without a user name")
    if not (username + password).isascii():
        # smtplib sends credentials as ASCII only.
        raise _error(
            "tên đăng nhập và mật khẩu chỉ được chứa ký tự ASCII (không dấu)",
            "the user name and password must be ASCII",
        )
    return SmtpSettings(
        host=host,
        port=port or DEFAULT_PORTS[security],
        security=security,
        username=username,
        password=password,
        timeout=timeout,
    )


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An open, greeted, (if asked) encrypted and logged-in SMTP connection."""
    context = ssl.create_default_context()
    if settings.security == "ssl":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        conn = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        conn.ehlo()
        if settings.security == "starttls":
            conn.starttls(context=context)
            conn.ehlo()
        if settings.username:
            conn.login(settings.username, settings.password)
    except BaseException:
        conn.close()
        raise
    return conn


def disconnect(conn: smtplib.SMTP | None) -> None:
    """Say goodbye if the server still listens; close in any case."""
    if conn is None:
        return
    try:
        if conn.sock is not None:
            conn.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        conn.close()


def _decode(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)


def describe_error(exc: BaseException) -> str:
    """A short, readable account of an SMTP failure for the outbox's ``last_error``."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{addr}: {code} {_decode(text)}" for addr, (code, text) in exc.recipients.items()
        )
        return f"Người nhận bị từ chối — {refused}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"Máy chủ trả lời {exc.smtp_code}: {_decode(exc.smtp_error)}"
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return "Quá thời gian chờ máy chủ thư."
    if isinstance(exc, ConnectionRefusedError):
        return "Máy chủ thư từ chối kết nối."
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def is_permanent(exc: BaseException) -> bool:
    """Whether a failure while sending one message will never go away (5xx for everyone)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False
