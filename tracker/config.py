"""Configuration read from TRACKER_* environment variables, with embedded defaults."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.core.paths import resource_dir
from tracker.core.security import security_settings
from tracker.core.settings import DEFAULT_MAIL_FROM, ConfigError, parse_positive_int
from tracker.mail.smtp import SmtpUrlError, parse_smtp_url


def _secret_key(instance_path: Path) -> str:
    """Return TRACKER_SECRET_KEY, or a key generated once and kept under instance/."""
    key = os.environ.get("TRACKER_SECRET_KEY")
    if key:
        return key
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


class Config:
    """Settings of one application instance; every value can come from the environment."""

    def __init__(self, instance_path: str | os.PathLike[str]) -> None:
        env = os.environ
        self.INSTANCE_PATH = Path(instance_path)
        self.DATABASE_URL = env.get(
            "TRACKER_DATABASE_URL", f"sqlite:///{self.INSTANCE_PATH / 'tracker.sqlite3'}"
        )
        # PostgreSQL: the hot statements prepared on the server once per connection
        # (tracker/core/db.py); 0 behind a pooler that shares server connections between
        # clients transaction by transaction (PgBouncer's transaction mode).
        self.PG_PREPARE = parse_flag("TRACKER_PG_PREPARE", env.get("TRACKER_PG_PREPARE", "1"))
        self.SECRET_KEY = _secret_key(self.INSTANCE_PATH)
        self.TIMEZONE = env.get("TRACKER_TIMEZONE", "Asia/Ho_Chi_Minh")
        try:
            ZoneInfo(self.TIMEZONE)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"TRACKER_TIMEZONE không hợp lệ: {self.TIMEZONE!r}") from exc
        self.BASE_URL = env.get("TRACKER_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        self.SMTP_URL = env.get("TRACKER_SMTP_URL", "")
        try:
            parse_smtp_url(self.SMTP_URL)
        except SmtpUrlError as exc:
            raise ConfigError(str(exc)) from None
        self.MAIL_FROM = env.get("TRACKER_MAIL_FROM", DEFAULT_MAIL_FROM)
        attempts = env.get("TRACKER_MAIL_MAX_ATTEMPTS", "8").strip()
        if not (attempts.isascii() and attempts.isdigit() and int(attempts) >= 1):
            raise ConfigError(
                f"TRACKER_MAIL_MAX_ATTEMPTS phải là số nguyên dương / must be a positive whole "
                f"number, not {attempts!r}"
            )
        self.MAIL_MAX_ATTEMPTS = int(attempts)
        # Seconds one webhook POST may take before it counts as a failed try.
        self.WEBHOOK_TIMEOUT = parse_positive_int(
            "TRACKER_WEBHOOK_TIMEOUT", env.get("TRACKER_WEBHOOK_TIMEOUT", "10")
        )
        self.DUE_SOON_DAYS = int(env.get("TRACKER_DUE_SOON_DAYS", "3"))
        self.PAGE_SIZE = int(env.get("TRACKER_PAGE_SIZE", "20"))
        # How often the bell in the navigation asks for its count of unread notifications.
        self.NOTIFICATION_POLL_SECONDS = max(
            1, int(env.get("TRACKER_NOTIFICATION_POLL_SECONDS", "60"))
        )
        # Read notifications are deleted this many days after their reading (0: kept).
        self.NOTIFICATION_KEEP_DAYS = max(0, int(env.get("TRACKER_NOTIFICATION_KEEP_DAYS", "90")))
        self.BABEL_DEFAULT_LOCALE = "vi"
        self.BABEL_DEFAULT_TIMEZONE = self.TIMEZONE
        self.LANGUAGES = ("vi", "en")
        self.BABEL_TRANSLATION_DIRECTORIES = str(resource_dir("translations"))
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.WTF_CSRF_TIME_LIMIT = None
        self.MAX_CONTENT_LENGTH = 20 * 1024 * 1024
        vars(self).update(reminder_settings(env))
        vars(self).update(upload_settings(env))
        vars(self).update(security_settings(env, self.BASE_URL))
        vars(self).update(oidc_settings(env))

    def as_dict(self) -> dict[str, object]:
        """The settings as a mapping for ``app.config.update``."""
        return {k: v for k, v in vars(self).items() if k.isupper()}


# Reminders and the scheduler (tracker/reminders, tracker/scheduler.py).

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_CLOCK_RE = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def parse_daily_time(name: str, raw: str) -> tuple[int, int]:
    """Parse "HH:MM" into (hour, minute); ConfigError otherwise."""
    match = _CLOCK_RE.fullmatch(raw.strip())
    if not match:
        raise ConfigError(f"{name} phải có dạng HH:MM (ví dụ 07:00), không phải {raw!r}")
    return int(match.group(1)), int(match.group(2))


def parse_weekly_time(name: str, raw: str) -> tuple[str, int, int]:
    """Parse "mon 07:30" into ("mon", 7, 30); ConfigError otherwise."""
    parts = raw.strip().lower().split()
    if len(parts) != 2 or parts[0] not in WEEKDAYS or not _CLOCK_RE.fullmatch(parts[1]):
        raise ConfigError(
            f"{name} phải có dạng 'thứ HH:MM' với thứ là một trong {', '.join(WEEKDAYS)} "
            f"(ví dụ mon 07:30), không phải {raw!r}"
        )
    hour, minute = parse_daily_time(name, parts[1])
    return parts[0], hour, minute


def parse_days_list(name: str, raw: str) -> tuple[int, ...]:
    """Parse "3,1,0" into (3, 1, 0): distinct numbers of days, 0 to 366; ConfigError otherwise."""
    items = [item.strip() for item in raw.split(",")]
    if not all(i.isascii() and i.isdigit() and int(i) <= 366 for i in items):
        raise ConfigError(
            f"{name} phải là các số ngày (0 đến 366) cách nhau bởi dấu phẩy, "
            f"ví dụ 3,1,0; không phải {raw!r}"
        )
    days = tuple(int(i) for i in items)
    if len(set(days)) != len(days):
        raise ConfigError(f"{name} có số ngày bị lặp: {raw!r}")
    return days


def reminder_settings(env: Mapping[str, str]) -> dict[str, object]:
    """When the reminders go out, read strictly: a bad value stops start-up."""
    get = env.get
    return {
        "WEEKLY_DIGEST_AT": parse_weekly_time(
            "TRACKER_WEEKLY_DIGEST_AT", get("TRACKER_WEEKLY_DIGEST_AT", "mon 07:30")
        ),
        "LEADER_SUMMARY_AT": parse_weekly_time(
            "TRACKER_LEADER_SUMMARY_AT", get("TRACKER_LEADER_SUMMARY_AT", "mon 07:30")
        ),
        "DUE_SOON_AT": parse_daily_time("TRACKER_DUE_SOON_AT", get("TRACKER_DUE_SOON_AT", "07:00")),
        "LEADER_PENDING_AT": parse_daily_time(
            "TRACKER_LEADER_PENDING_AT", get("TRACKER_LEADER_PENDING_AT", "07:00")
        ),
        "DUE_SOON_DAYS_BEFORE": parse_days_list(
            "TRACKER_DUE_SOON_DAYS_BEFORE", get("TRACKER_DUE_SOON_DAYS_BEFORE", "3,1,0")
        ),
        "STALE_DAYS": parse_positive_int("TRACKER_STALE_DAYS", get("TRACKER_STALE_DAYS", "14")),
        "SCHEDULER_GRACE_HOURS": parse_positive_int(
            "TRACKER_SCHEDULER_GRACE_HOURS", get("TRACKER_SCHEDULER_GRACE_HOURS", "12")
        ),
    }


# Evidence files and their review (tracker/attachments.py, tracker/submissions.py).


def upload_settings(env: Mapping[str, str]) -> dict[str, object]:
    """Where evidence files are kept and how large a request may be.

    UPLOAD_DIR empty means ``uploads`` under the instance folder (resolved when used, so an
    application given another instance path keeps its files there).
    """
    get = env.get
    mb = parse_positive_int("TRACKER_MAX_UPLOAD_MB", get("TRACKER_MAX_UPLOAD_MB", "20"))
    return {
        "UPLOAD_DIR": get("TRACKER_UPLOAD_DIR", "").strip(),
        "MAX_CONTENT_LENGTH": mb * 1024 * 1024,
        "SECRETARY_MAY_CONFIRM": get("TRACKER_SECRETARY_MAY_CONFIRM", "").strip().lower()
        in ("1", "true", "yes", "on"),
        # Scanned conclusion notices (docs/notice.md): the OCR programs and their bounds.
        "TESSERACT_CMD": get("TRACKER_TESSERACT", "tesseract").strip() or "tesseract",
        "PDFTOPPM_CMD": get("TRACKER_PDFTOPPM", "pdftoppm").strip() or "pdftoppm",
        "OCR_MAX_PAGES": parse_positive_int(
            "TRACKER_OCR_MAX_PAGES", get("TRACKER_OCR_MAX_PAGES", "10")
        ),
        "OCR_TIMEOUT": parse_positive_int("TRACKER_OCR_TIMEOUT", get("TRACKER_OCR_TIMEOUT", "45")),
    }


# Single sign-on with an OpenID provider (tracker/auth/sso.py, tracker/auth/oidc.py).

OIDC_MATCHES = ("username", "email")


def parse_flag(name: str, raw: str) -> bool:
    """1/true/yes/on or 0/false/no/off; ConfigError otherwise."""
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} phải là 1 hoặc 0 (bật hoặc tắt), không phải {raw!r}")


def oidc_settings(env: Mapping[str, str]) -> dict[str, object]:
    """The OpenID provider and how its identities become accounts; SSO is off without an issuer.

    ``OIDC_MATCH`` says which account an identity logs in as: ``username`` compares the claim
    ``OIDC_USERNAME_CLAIM`` with the account name, ``email`` the verified ``email`` claim with
    the account's e-mail address.
    """
    get = env.get
    issuer = get("TRACKER_OIDC_ISSUER", "").strip().rstrip("/")
    client_id = get("TRACKER_OIDC_CLIENT_ID", "").strip()
    secret = get("TRACKER_OIDC_CLIENT_SECRET", "")
    # A server-side application is a confidential client: it proves itself at the token endpoint.
    for name, value in (
        ("TRACKER_OIDC_CLIENT_ID", client_id),
        ("TRACKER_OIDC_CLIENT_SECRET", secret),
    ):
        if issuer and not value:
            raise ConfigError(f"TRACKER_OIDC_ISSUER đã đặt nhưng thiếu {name}")
    if issuer and not issuer.lower().startswith(("https://", "http://")):
        raise ConfigError(f"TRACKER_OIDC_ISSUER phải là địa chỉ http(s), không phải {issuer!r}")
    match = get("TRACKER_OIDC_MATCH", "username").strip().lower()
    if match not in OIDC_MATCHES:
        raise ConfigError(
            f"TRACKER_OIDC_MATCH phải là {' hoặc '.join(OIDC_MATCHES)}, không phải {match!r}"
        )
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": client_id,
        "OIDC_CLIENT_SECRET": secret,
        "OIDC_MATCH": match,
        "OIDC_USERNAME_CLAIM": get("TRACKER_OIDC_USERNAME_CLAIM", "").strip()
        or "preferred_username",
        "OIDC_LOCAL_PASSWORDS": parse_flag(
            "TRACKER_OIDC_LOCAL_PASSWORDS", get("TRACKER_OIDC_LOCAL_PASSWORDS", "1")
        ),
        "OIDC_CREATE_USERS": parse_flag(
            "TRACKER_OIDC_CREATE_USERS", get("TRACKER_OIDC_CREATE_USERS", "0")
        ),
    }
