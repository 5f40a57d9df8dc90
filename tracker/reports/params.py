"""A report's parameters read from the query string: its period and its scope, validated.

Period: ``period`` = month | quarter | year | custom, with ``year``, ``month``, ``quarter``,
``from`` and ``to`` (dates as yyyy-mm-dd or dd/mm/yyyy). Scope: ``scope`` = ``all``,
``kind:<unit kind>``, ``group:<unit group id>``, ``field:<field code>`` or ``meeting:<id>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.core.params import parse_id
from tracker.models import FIELDS, Meeting, UnitGroup, UnitKind
from tracker.web.forms import DATE_ERROR

PERIODS = {
    "month": _l("Tháng"),
    "quarter": _l("Quý"),
    "year": _l("Năm"),
    "custom": _l("Tùy chọn (từ ngày – đến ngày)"),
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MAX_YEARS = 5
PARAM_NAMES = ("period", "year", "month", "quarter", "from", "to", "scope")


@dataclass(frozen=True)
class ReportParams:
    """A validated period [start, end] (inclusive local dates) and scope."""

    period: str
    start: date
    end: date
    scope: str  # "all" or "<kind>:<value>"
    scope_label: str
    raw: dict[str, str]

    @property
    def scope_kind(self) -> str:
        return self.scope.split(":", 1)[0]

    @property
    def scope_value(self) -> str:
        return self.scope.split(":", 1)[1] if ":" in self.scope else ""

    def as_of(self, today: date) -> date:
        """The day the report is evaluated on: the period's end, or today if it is not over."""
        return min(self.end, today)

    def period_label(self) -> str:
        if self.period == "month":
            return _("tháng %(m)d/%(y)d", m=self.start.month, y=self.start.year)
        if self.period == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return _("quý %(q)s/%(y)d", q=ROMAN[q], y=self.start.year)
        if self.period == "year":
            return _("năm %(y)d", y=self.start.year)
        return _(
            "từ ngày %(a)s đến ngày %(b)s",
            a=self.start.strftime("%d/%m/%Y"),
            b=self.end.strftime("%d/%m/%Y"),
        )

    def title(self) -> str:
        return _(
            "Báo cáo kết quả thực hiện nhiệm vụ được giao %(period)s", period=self.period_label()
        )

    def args(self, **extra: Any) -> dict[str, Any]:
        """The query-string arguments that rebuild this report (plus ``extra``)."""
        args: dict[str, Any] = {"period": self.period, "scope": self.scope}
        if self.period == "custom":
            args.update({"from": self.start.isoformat(), "to": self.end.isoformat()})
        else:
            args["year"] = self.start.year
            if self.period == "month":
                args["month"] = self.start.month
            elif self.period == "quarter":
                args["quarter"] = (self.start.month - 1) // 3 + 1
        args.update(extra)
        return {k: v for k, v in args.items() if v not in (None, "")}


def _parse_date(raw: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


def _int(raw: str, low: int, high: int) -> int:
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise ValueError(raw)
    return int(text)


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _period(raw: dict[str, str], today: date, errors: dict[str, str]) -> tuple[date, date] | None:
    period = raw["period"]
    if period not in PERIODS:
        errors["period"] = _("Loại kỳ báo cáo không hợp lệ.")
        return None
    if period == "custom":
        dates = {}
        for name in ("from", "to"):
            if not raw[name]:
                errors[name] = _("Chọn ngày bắt đầu và ngày kết thúc của kỳ báo cáo.")
                continue
            try:
                dates[name] = _parse_date(raw[name])
            except ValueError:
                errors[name] = str(DATE_ERROR)
        if len(dates) < 2:
            return None
        start, end = dates["from"], dates["to"]
        if end < start:
            errors["to"] = _("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.")
            return None
        if end >= _years_later(start, MAX_YEARS):
            errors["to"] = _("Kỳ báo cáo không được dài quá %(n)d năm.", n=MAX_YEARS)
            return None
        return start, end
    try:
        year = _int(raw["year"], 2000, 2100)
    except ValueError:
        errors["year"] = _("Năm không hợp lệ.")
        return None
    if period == "year":
        return date(year, 1, 1), date(year, 12, 31)
    if period == "quarter":
        try:
            q = _int(raw["quarter"], 1, 4)
        except ValueError:
            errors["quarter"] = _("Quý phải từ 1 đến 4.")
            return None
        first = 3 * (q - 1) + 1
        nxt = date(year + 1, 1, 1) if q == 4 else date(year, first + 3, 1)
        return date(year, first, 1), nxt - timedelta(days=1)
    try:
        m = _int(raw["month"], 1, 12)
    except ValueError:
        errors["month"] = _("Tháng phải từ 1 đến 12.")
        return None
    nxt = date(year + 1, 1, 1) if m == 12 else date(year, m + 1, 1)
    return date(year, m, 1), nxt - timedelta(days=1)


def _scope(raw: str, errors: dict[str, str]) -> tuple[str, str]:
    """The normalised scope and its label."""
    kind, _sep, value = raw.partition(":")
    label = None
    if raw == "all":
        return "all", _("Tất cả đơn vị")
    kind_row = UnitKind.get_or_none(UnitKind.code == value) if kind == "kind" else None
    if kind_row is not None:
        label = _(kind_row.label)
    elif kind == "field" and value in FIELDS:
        label = _("Lĩnh vực: %(name)s", name=_(FIELDS[value]))
    elif kind in ("group", "meeting"):
        try:
            row_id = parse_id(value)
        except ValueError:
            row_id = None
        model = UnitGroup if kind == "group" else Meeting
        row = model.get_or_none(model.id == row_id) if row_id else None
        if row is not None:
            value = str(row.id)
            if kind == "group":
                label = _("Nhóm đơn vị: %(name)s", name=row.name)
            else:
                label = _("Cuộc họp: %(name)s", name=row.title)
    if label is None:
        errors["scope"] = _("Phạm vi báo cáo không hợp lệ.")
        return "all", ""
    return f"{kind}:{value}", label


def defaults(today: date) -> dict[str, str]:
    """The form's values when nothing was chosen: this month, all units."""
    return {
        "period": "month",
        "year": str(today.year),
        "month": str(today.month),
        "quarter": str((today.month - 1) // 3 + 1),
        "from": "",
        "to": "",
        "scope": "all",
    }


def parse(args, today: date) -> tuple[ReportParams | None, dict[str, str], dict[str, str]]:
    """(params or None, errors by field, the raw values to show in the form again)."""
    raw = defaults(today)
    for name in PARAM_NAMES:
        value = args.get(name)
        if value is not None:
            raw[name] = str(value).strip()[:100]
    errors: dict[str, str] = {}
    span = _period(raw, today, errors)
    scope, label = _scope(raw["scope"] or "all", errors)
    if span and span[0] > today and "period" not in errors:
        errors["from" if raw["period"] == "custom" else "period"] = _(
            "Kỳ báo cáo chưa bắt đầu: chọn một kỳ đã qua hoặc đang diễn ra."
        )
    if errors or span is None:
        return None, errors, raw
    return ReportParams(raw["period"], span[0], span[1], scope, label, raw), errors, raw
