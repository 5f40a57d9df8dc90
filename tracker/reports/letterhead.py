"""What the printed report needs to read as an administrative document (Nghị định
30/2020/NĐ-CP): the issuing body and its number, place and date, recipients and signer.

The office's details are one row an admin edits (``ReportLetterhead``); until then, the
defaults of the seed organisation (Văn phòng HĐND và UBND quận Hồng Bàng, Hải Phòng), or of
the office's level (a province's or a commune's office, the place left blank). Each
print may give its own number, recipients and signer (``print_options``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from tracker.core.org_levels import COMMUNE, PROVINCE
from tracker.models import ReportLetterhead, Setting

# The columns an admin edits, with their defaults and maximum lengths.
DEFAULTS: dict[str, str] = {
    "governing_body": "UBND QUẬN HỒNG BÀNG",
    "issuing_body": "VĂN PHÒNG HĐND VÀ UBND",
    "place": "Hải Phòng",
    "number_suffix": "BC-VP",
    "recipients": "- Như trên;\n- Lưu: VT.",
    "authority": "",
    "position": "CHÁNH VĂN PHÒNG",
    "signer": "",
}
# Until the admin fills them in, a province's or a commune's print names its own kind of office
# rather than the seed district (the level: /admin/settings).
LEVEL_DEFAULTS: dict[str, dict[str, str]] = {
    PROVINCE: {
        "governing_body": "UBND TỈNH",
        "issuing_body": "VĂN PHÒNG UBND TỈNH",
        "place": "……",  # a blank to fill in, as on a printed form
        "number_suffix": "BC-VP",
        "position": "CHÁNH VĂN PHÒNG",
    },
    COMMUNE: {
        "governing_body": "UBND XÃ",
        "issuing_body": "VĂN PHÒNG HĐND VÀ UBND",
        "place": "……",  # a blank to fill in, as on a printed form
        "number_suffix": "BC-VP",
        "position": "CHÁNH VĂN PHÒNG",
    },
}
MAX_LENGTHS = {
    "governing_body": 200,
    "issuing_body": 200,
    "place": 100,
    "number_suffix": 40,
    "recipients": 1000,
    "authority": 100,
    "position": 100,
    "signer": 100,
}
# What one print may set for itself (query string), and the longest value of each.
OPTION_LENGTHS = {
    "number": 40,
    "recipients": 1000,
    "authority": 100,
    "position": 100,
    "signer": 100,
}
FILED = "- Lưu: VT."


@dataclass(frozen=True)
class Letterhead:
    """The blocks of the printed document, ready to show."""

    governing_body: str
    issuing_body: str
    place: str
    number_suffix: str
    recipients: tuple[str, ...]
    authority: str
    position: str
    signer: str
    number: str = ""
    detail: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def number_line(self) -> str:
        """ "Số: 15/BC-VP"; without a number, room to write it by hand ("Số:      /BC-VP")."""
        if "/" in self.number:
            return _("Số: %(n)s", n=self.number)
        suffix = f"/{self.number_suffix}" if self.number_suffix else ""
        return _("Số: %(n)s", n=(self.number or "\u00a0" * 6) + suffix)


def stored() -> dict[str, str]:
    """The office's details: the admin's row, or the defaults (the place from the
    ``REPORT_PLACE`` setting when there is one)."""
    row = ReportLetterhead.select().order_by(ReportLetterhead.id).first()
    if row is None:
        values = {**DEFAULTS, **LEVEL_DEFAULTS.get(Setting.org_level(), {})}
        values["place"] = current_app.config.get("REPORT_PLACE") or values["place"]
        return values
    return {name: getattr(row, name) for name in DEFAULTS}


def recipient_lines(text: str) -> tuple[str, ...]:
    """One recipient a line, each starting with "- "; the copy filed ("Lưu") always last."""
    lines = []
    for raw in text.replace("\r", "").split("\n"):
        line = raw.strip().lstrip("-–•").strip()
        if line:
            lines.append(f"- {line}")
    if not any(line.startswith("- Lưu") for line in lines):
        lines.append(FILED)
    return tuple(lines)


def letterhead(values: dict[str, str] | None = None) -> Letterhead:
    values = values or stored()
    return Letterhead(
        governing_body=values["governing_body"],
        issuing_body=values["issuing_body"],
        place=values["place"],
        number_suffix=values["number_suffix"],
        recipients=recipient_lines(values["recipients"]),
        authority=values["authority"],
        position=values["position"],
        signer=values["signer"],
    )


def print_options(args) -> tuple[Letterhead, dict[str, str]]:
    """The office's letterhead with what this print sets for itself, and the raw values to show
    in the form again. Too long a value is an error beside its field (``errors``)."""
    raw = {name: str(args.get(name, "")).strip() for name in OPTION_LENGTHS}
    raw["detail"] = "1" if args.get("detail") in ("1", "on", "y") else ""
    errors = {
        name: _("Tối đa %(max)d ký tự.", max=limit)
        for name, limit in OPTION_LENGTHS.items()
        if len(raw[name]) > limit
    }
    head = letterhead()
    changes: dict[str, Any] = {"detail": bool(raw["detail"]), "errors": errors}
    if not errors:
        changes["number"] = raw["number"]
        if raw["recipients"]:
            changes["recipients"] = recipient_lines(raw["recipients"])
        # A position given for this print replaces the whole signature block (another person
        # signs); otherwise the authority or the name given replace only themselves.
        if raw["position"]:
            changes.update(
                authority=raw["authority"], position=raw["position"], signer=raw["signer"]
            )
        else:
            changes.update(
                authority=raw["authority"] or head.authority, signer=raw["signer"] or head.signer
            )
    return replace(head, **changes), raw


def issue_day(day: date) -> tuple[str, str, str]:
    """Day, month and year as the date line writes them: days below 10 and the months 1 and 2
    take a leading zero (Nghị định 30/2020/NĐ-CP, Phụ lục I): ("06", "12", "2026")."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{day.day:02d}", month, str(day.year)


def issue_line(place: str, day: date) -> str:
    """ "Hải Phòng, ngày 06 tháng 12 năm 2026"."""
    d, m, y = issue_day(day)
    return _("%(place)s, ngày %(d)s tháng %(m)s năm %(y)s", place=place, d=d, m=m, y=y)
