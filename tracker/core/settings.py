"""Reading TRACKER_* settings strictly: the error that stops start-up, and shared parsers.

``tracker.config`` assembles the settings; modules of ``tracker.core`` that read their own
(``core.security``) parse them with the same rules and raise the same error, without importing
the configuration, which sits above every feature.

The office's own choices, which an admin makes on /admin/settings rather than in the
environment, are named here too (``OFFICE_SETTINGS``); their values are rows of ``setting``
(tracker/models/settings.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.core.i18n import N_

# The sender of mail while TRACKER_MAIL_FROM is unset; `make run` says how to set a real one.
DEFAULT_MAIL_FROM = "tracker@localhost"


class ConfigError(RuntimeError):
    """A setting that cannot be used; start-up stops with its message."""


def parse_positive_int(name: str, raw: str) -> int:
    """A whole number of at least 1; ConfigError otherwise."""
    value = raw.strip()
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ConfigError(f"{name} phải là số nguyên dương, không phải {raw!r}")
    return int(value)


# --- the office's own settings, chosen by an admin (stored in ``setting``) ----------------------

# Units that share a task see each other's progress, reports and evidence (off: a unit sees its
# own work, the lead unit its coordinating units' and they the lead's; tracker/policy.py).
UNITS_SHARE_PROGRESS = "units_share_progress"
# The organisation level the installation serves (core/org_levels.py; the district without a row).
ORG_LEVEL = "org_level"


@dataclass(frozen=True)
class OfficeSetting:
    """One yes-or-no choice of the office on the admin's settings page (default: no)."""

    key: str
    label: str  # a Vietnamese msgid, translated where it is shown
    help: str
    default: bool = False


OFFICE_SETTINGS: tuple[OfficeSetting, ...] = (
    OfficeSetting(
        UNITS_SHARE_PROGRESS,
        N_("Các đơn vị cùng nhiệm vụ được xem tiến độ của nhau"),
        N_(
            "Khi không chọn, mỗi đơn vị chỉ xem báo cáo, minh chứng và diễn biến của mình; "
            "đơn vị chủ trì xem của các đơn vị phối hợp và ngược lại. Khi chọn, mọi đơn vị "
            "cùng thực hiện một nhiệm vụ xem được tiến độ của nhau. Lãnh đạo, văn phòng và "
            "quản trị viên luôn xem được tất cả."
        ),
    ),
)
