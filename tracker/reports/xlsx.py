"""The report as an Excel workbook (openpyxl, write-only so large lists stay fast).

Sheet 1 "Tổng hợp": title, period, then one row per unit and a totals row (header frozen).
Sheet 2 "Danh sách chi tiết": the national report's columns, one row per assignment.
Difficulties and proposals come from the assignment's latest progress report.
Every value goes through tracker.core.spreadsheet: titles, unit names and reports are users'
text, and none of it may become a formula in the leader's Excel.
"""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tracker.core.clock import get_clock
from tracker.core.i18n import N_
from tracker.core.spreadsheet import xlsx_cell, xlsx_row
from tracker.models import STATUSES
from tracker.reports.charts import labels as category_labels

COUNT = "#,##0"
PERCENT = "0.0%"
DECIMAL = "0.0"
DATE = "DD/MM/YYYY"
DATETIME = "DD/MM/YYYY HH:MM"
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _cell(ws, value: Any, fmt: str | None = None, bold: bool = False, wrap: bool = False):
    cell = WriteOnlyCell(ws, value=value)
    if fmt:
        cell.number_format = fmt
    if bold:
        cell.font = BOLD
    if wrap:
        cell.alignment = WRAP
    return xlsx_cell(ws, cell)


def _header(ws, names: list[str]) -> list:
    cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, HEADER_ALIGN
        cells.append(xlsx_cell(ws, cell))
    return cells


def _widths(ws, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _local(value: str | None) -> datetime | None:
    if not value:
        return None
    instant = datetime.fromisoformat(value)
    return instant.astimezone(get_clock().tz).replace(tzinfo=None)


SUMMARY_HEADERS = [
    N_("STT"),
    N_("Đơn vị"),
    N_("Số nhiệm vụ được giao"),
    N_("Hoàn thành đúng hạn"),
    N_("Hoàn thành quá hạn"),
    N_("Chưa hoàn thành, trong hạn"),
    N_("Chưa hoàn thành, quá hạn"),
    N_("Tỷ lệ hoàn thành đúng hạn"),
    N_("Số lần gia hạn"),
    N_("Số ngày trễ hạn bình quân"),
    N_("Điểm"),
    N_("Xếp hạng"),
]
DETAIL_HEADERS = [
    N_("STT"),
    N_("Nhiệm vụ"),
    N_("Đơn vị được giao"),
    N_("Nguồn (cuộc họp / thông báo)"),
    N_("Đơn vị chủ trì"),
    N_("Đơn vị phối hợp"),
    N_("Hạn xử lý"),
    N_("Hạn ban đầu"),
    N_("Số lần gia hạn"),
    N_("Trạng thái"),
    N_("Kết quả"),
    N_("Khó khăn, vướng mắc"),
    N_("Đề xuất, kiến nghị"),
    N_("Cập nhật lần cuối"),
]


def _summary_sheet(wb: Workbook, data: dict[str, Any]) -> None:
    ws = wb.create_sheet(_("Tổng hợp")[:31])
    _widths(ws, [6, 34, 12, 12, 12, 14, 14, 13, 11, 13, 9, 9])
    ws.freeze_panes = "A5"
    ws.append([_cell(ws, data["title"], bold=True)])
    period = _(
        "Kỳ báo cáo: %(p)s · Phạm vi: %(s)s · Số liệu tính đến ngày %(d)s",
        p=data["period_label"],
        s=data["scope_label"],
        d=date.fromisoformat(data["as_of"]).strftime("%d/%m/%Y"),
    )
    ws.append([_cell(ws, period)])
    ws.append([])
    ws.append(_header(ws, [_(h) for h in SUMMARY_HEADERS]))

    def line(number, name, row, bold=False):
        return [
            _cell(ws, number, bold=bold),
            _cell(ws, name, bold=bold),
            *(
                _cell(ws, row[k], COUNT, bold)
                for k in ("assigned", "done_on_time", "done_late", "pending", "overdue")
            ),
            _cell(ws, row["on_time_rate"], PERCENT, bold),
            _cell(ws, row["extensions"], COUNT, bold),
            _cell(ws, row["avg_days_late"], DECIMAL, bold),
            _cell(ws, row.get("score"), DECIMAL, bold),
            _cell(ws, row.get("rank"), None, bold),
        ]

    for number, row in enumerate(data["rows"], start=1):
        ws.append(line(number, row["unit"], row))
    totals = dict(data["totals"], score=None, rank=None)
    ws.append(line(None, _("Tổng cộng"), totals, bold=True))


def _detail_sheet(wb: Workbook, rows: list[dict[str, Any]]) -> None:
    ws = wb.create_sheet(_("Danh sách chi tiết")[:31])
    _widths(ws, [6, 48, 22, 36, 22, 26, 12, 12, 10, 16, 26, 36, 36, 17])
    ws.freeze_panes = "A2"
    ws.append(_header(ws, [_(h) for h in DETAIL_HEADERS]))
    names = category_labels()
    for row in rows:
        result = names.get(row["category"], row["category"])
        if row["completed_on"] and row["category"] in ("done_on_time", "done_late"):
            finished = date.fromisoformat(row["completed_on"]).strftime("%d/%m/%Y")
            result += " " + _("(ngày %(d)s)", d=finished)
        status = STATUSES.get(row["status"])
        # Plain values where no format is needed: styling every cell makes large lists slow.
        ws.append(
            xlsx_row(
                ws,
                [
                    row["stt"],
                    _cell(ws, row["task"], wrap=True),
                    row["unit"],
                    row["source"],
                    row["lead"],
                    row["coordinating"],
                    _cell(ws, _day(row["deadline"]), DATE),
                    _cell(ws, _day(row["original_deadline"]), DATE),
                    row["extensions"],
                    _(status) if status else row["status"],
                    result,
                    row["difficulties"],
                    row["proposals"],
                    _cell(ws, _local(row["updated_at"]), DATETIME),
                ],
            )
        )


def workbook(data: dict[str, Any], rows: list[dict[str, Any]]) -> bytes:
    """The .xlsx bytes of a report's summary ``data`` and detail ``rows``."""
    wb = Workbook(write_only=True)
    _summary_sheet(wb, data)
    _detail_sheet(wb, rows)
    wb.properties.title = data["title"]
    wb.properties.creator = "tracker"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
