"""The report as an Excel workbook (xlsxwriter in constant-memory mode; the detailed list's
rows as sheet XML text through tracker.core.xlsx_rows: a year's 95,000 rows in seconds).

Sheet 1 "Tổng hợp": title, period, then one row per unit and a totals row (header frozen);
when the report holds several kinds of unit, each kind's row (I, II, …: its group's name and
subtotals, in bold) comes before its units, numbered from 1.
Sheet 2 "Danh sách chi tiết": the national report's columns, one row per assignment.
Difficulties and proposals come from the assignment's latest progress report.
Every value goes through tracker.core.spreadsheet (SafeXlsxWriter) or SheetRows, which writes
the same cells: titles, unit names and reports are users' text, and none of it may become a
formula in the leader's Excel.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from tracker.core.clock import get_clock
from tracker.core.i18n import N_
from tracker.core.spreadsheet import SafeXlsxWriter
from tracker.core.xlsx_rows import SheetRows
from tracker.models import STATUSES
from tracker.reports.charts import labels as category_labels
from tracker.reports.report import grouped, roman

COUNT = "#,##0"
PERCENT = "0.0%"
DECIMAL = "0.0"
DATE = "DD/MM/YYYY"
DATETIME = "DD/MM/YYYY HH:MM"
HEADER = {
    "bold": True,
    "bg_color": "#DDE7F3",
    "pattern": 1,
    "text_wrap": True,
    "valign": "vcenter",
    "align": "center",
}
WRAP = {"text_wrap": True, "valign": "top"}
# xlsxwriter stores a width as Excel does when one types it (adding the cell padding);
# this keeps the stored widths the ones given here.
WIDTH_PADDING = 0.75


def _widths(ws, widths: list[int]) -> None:
    for index, width in enumerate(widths):
        ws.set_column(index, index, width - WIDTH_PADDING)


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


def _summary_sheet(out: SafeXlsxWriter, data: dict[str, Any]) -> None:
    ws = out.book.add_worksheet(_("Tổng hợp")[:31])
    _widths(ws, [6, 34, 12, 12, 12, 14, 14, 13, 11, 13, 9, 9])
    ws.freeze_panes(4, 0)
    out.write(ws, 0, 0, data["title"], out.style(bold=True))
    period = _(
        "Kỳ báo cáo: %(p)s · Phạm vi: %(s)s · Số liệu tính đến ngày %(d)s",
        p=data["period_label"],
        s=data["scope_label"],
        d=date.fromisoformat(data["as_of"]).strftime("%d/%m/%Y"),
    )
    out.write(ws, 1, 0, period)
    header = out.style(**HEADER)
    out.write_row(ws, 3, [_(h) for h in SUMMARY_HEADERS], [header] * len(SUMMARY_HEADERS))

    def styles(bold: bool) -> list:
        weight = {"bold": True} if bold else {}
        plain = out.style(**weight)
        count = out.style(num_format=COUNT, **weight)
        return [
            plain,
            plain,
            *[count] * 5,
            out.style(num_format=PERCENT, **weight),
            count,
            out.style(num_format=DECIMAL, **weight),
            out.style(num_format=DECIMAL, **weight),
            plain,
        ]

    def line(number, name, row):
        return [
            number,
            name,
            *(row[k] for k in ("assigned", "done_on_time", "done_late", "pending", "overdue")),
            row["on_time_rate"],
            row["extensions"],
            row["avg_days_late"],
            row.get("score"),
            row.get("rank"),
        ]

    normal, bold = styles(False), styles(True)
    index = 4
    for position, (section, rows) in enumerate(grouped(data), start=1):
        if section is not None:  # a kind of unit: its group's name and subtotals, in bold
            subtotal = dict(section["totals"], rank=None)
            out.write_row(ws, index, line(roman(position), section["label"], subtotal), bold)
            index += 1
        for number, row in enumerate(rows, start=1):
            out.write_row(ws, index, line(number, row["unit"], row), normal)
            index += 1
    totals = dict(data["totals"], score=None, rank=None)
    out.write_row(ws, index, line(None, _("Tổng cộng"), totals), bold)


def _detail_sheet(out: SafeXlsxWriter) -> SheetRows:
    """The detailed list's sheet with its header; its rows go in once the book is closed
    (``SheetRows``: a year's list is 95,000 rows, written as XML text, issue 13)."""
    ws = out.book.add_worksheet(_("Danh sách chi tiết")[:31])
    _widths(ws, [6, 48, 22, 36, 22, 26, 12, 12, 10, 16, 26, 36, 36, 17])
    ws.freeze_panes(1, 0)
    header = out.style(**HEADER)
    out.write_row(ws, 0, [_(h) for h in DETAIL_HEADERS], [header] * len(DETAIL_HEADERS))
    text, day, moment = out.style(), out.style(num_format=DATE), out.style(num_format=DATETIME)
    styles = [text, out.style(**WRAP), text, text, text, text, day, day, text, text]
    styles += [text, text, text, moment]
    return SheetRows(styles)


def detail_values(rows: Iterable[dict[str, Any]]) -> Iterator[tuple]:
    """The cells of each detailed row, in the sheet's columns."""
    names = category_labels()
    statuses = {key: _(label) for key, label in STATUSES.items()}
    finished_label = _("(ngày %(d)s)", d="{}")
    tz = get_clock().tz
    days: dict[str, date] = {}

    def day(value: str | None) -> date | None:
        if not value:
            return None
        found = days.get(value)
        if found is None:
            found = days[value] = date.fromisoformat(value)
        return found

    for row in rows:
        category = row["category"]
        result = names.get(category, category)
        completed_on = row["completed_on"]
        if completed_on and category in ("done_on_time", "done_late"):
            finished = day(completed_on).strftime("%d/%m/%Y")
            result += " " + finished_label.format(finished)
        updated_at = row["updated_at"]
        yield (
            row["stt"],
            row["task"],
            row["unit"],
            row["source"],
            row["lead"],
            row["coordinating"],
            day(row["deadline"]),
            day(row["original_deadline"]),
            row["extensions"],
            statuses.get(row["status"], row["status"]),
            result,
            row["difficulties"],
            row["proposals"],
            datetime.fromisoformat(updated_at).astimezone(tz).replace(tzinfo=None)
            if updated_at
            else None,
        )


# The detailed list's sheet: the second, its rows under the header.
DETAIL_SHEET, DETAIL_FIRST_ROW = 2, 2


def workbook(data: dict[str, Any], rows: Iterable[dict[str, Any]]) -> bytes:
    """The .xlsx bytes of a report's summary ``data`` and detail ``rows``."""
    import xlsxwriter  # only the export needs it (a web worker's memory)

    fd, path = tempfile.mkstemp(prefix="tracker-report-", suffix=".xlsx")
    os.close(fd)
    try:
        book = xlsxwriter.Workbook(
            path,
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        out = SafeXlsxWriter(book)
        _summary_sheet(out, data)
        detail = _detail_sheet(out)
        book.set_properties({"title": data["title"], "author": "tracker"})
        book.close()
        detail.append(path, DETAIL_SHEET, DETAIL_FIRST_ROW, detail_values(rows))
        with open(path, "rb") as built:
            return built.read()
    finally:
        os.unlink(path)
