"""Configuration read from TRACKER_* environment variables, with embedded defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A setting that cannot be used; start-up stops with its message."""


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
        self.SECRET_KEY = _secret_key(self.INSTANCE_PATH)
        self.TIMEZONE = env.get("TRACKER_TIMEZONE", "Asia/Ho_Chi_Minh")
        try:
            ZoneInfo(self.TIMEZONE)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"TRACKER_TIMEZONE không hợp lệ: {self.TIMEZONE!r}") from exc
        self.BASE_URL = env.get("TRACKER_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        self.SMTP_URL = env.get("TRACKER_SMTP_URL", "")
        self.MAIL_FROM = env.get("TRACKER_MAIL_FROM", "tracker@localhost")
        self.DUE_SOON_DAYS = int(env.get("TRACKER_DUE_SOON_DAYS", "3"))
        self.PAGE_SIZE = int(env.get("TRACKER_PAGE_SIZE", "20"))
        self.BABEL_DEFAULT_LOCALE = "vi"
        self.BABEL_DEFAULT_TIMEZONE = self.TIMEZONE
        self.LANGUAGES = ("vi", "en")
        self.BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.WTF_CSRF_TIME_LIMIT = None
        self.MAX_CONTENT_LENGTH = 20 * 1024 * 1024

    def as_dict(self) -> dict[str, object]:
        """The settings as a mapping for ``app.config.update``."""
        return {k: v for k, v in vars(self).items() if k.isupper()}
