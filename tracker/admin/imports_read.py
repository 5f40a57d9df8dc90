"""Reading an uploaded import file (.xlsx or .csv) into numbered rows of text cells.

The file's type is judged by its content (``tracker.file_types.sniff``), never by its name
alone. Every row keeps the number the spreadsheet shows, so the preview can point at "dòng 7".
Fully empty rows are skipped.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _

from tracker.core.file_types import XLS, XLSX, sniff

# Defaults; an application may set IMPORT_MAX_BYTES and IMPORT_MAX_ROWS in its config.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
# An .xlsx is a ZIP: refuse one that would expand beyond this (a "zip bomb").
MAX_UNZIPPED = 60 * 1024 * 1024


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message (Vietnamese) goes beside the field."""


@dataclass
class Table:
    """The non-empty rows of the first sheet as (spreadsheet row number, cells).

    Which of the first rows is the header is decided by the import (``imports_check``).
    """

    lines: list[tuple[int, list[str]]]


# Rows above the header a sheet may have (a title such as "DANH SÁCH ĐƠN VỊ", a date).
HEADER_SEARCH = 10


def limits() -> tuple[int, int]:
    """The configured (bytes, rows) limits of one import file."""
    config = current_app.config
    return int(config.get("IMPORT_MAX_BYTES", MAX_BYTES)), int(
        config.get("IMPORT_MAX_ROWS", MAX_ROWS)
    )


def normalize(text: str) -> str:
    """Lower case, without diacritics, spaces collapsed: how headers and labels are compared."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("*", " ").replace("_", " ")
    if "(" in text:
        text = text.split("(", 1)[0]
    return " ".join(text.lower().split())


def cell_text(value: object) -> str:
    """A cell as the text the admin typed: 12.0 → "12", dates as yyyy-mm-dd, blanks as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).replace("\u00a0", " ").split())


def _table(raw_rows, max_rows: int) -> Table:
    lines: list[tuple[int, list[str]]] = []
    for number, raw in raw_rows:
        cells = [cell_text(v) for v in raw]
        if not any(cells):
            continue
        if len(lines) > max_rows + HEADER_SEARCH:
            raise ImportFileError(_("Tệp có quá nhiều dòng (tối đa %(n)s dòng).", n=max_rows))
        lines.append((number, cells))
    if not lines:
        raise ImportFileError(_("Tệp không có dữ liệu."))
    return Table(lines)


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED:
                raise ImportFileError(_("Tệp Excel quá lớn khi giải nén."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(_("Không đọc được tệp Excel; tệp có thể bị hỏng.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return _table(enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1), max_rows)
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_("Không đọc được tệp Excel; tệp có thể bị hỏng.")) from exc
    finally:
        workbook.close()


def delimiter(text: str) -> str:
    """The delimiter of a CSV text, judged by its first non-empty line (the header).

    Excel in a Vietnamese (or other comma-decimal) locale saves CSV with ``;``.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, max_rows: int) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: «CSV UTF-8»).")
        ) from exc
    if "\x00" in text:
        raise ImportFileError(_("Tệp không phải là tệp .xlsx hoặc .csv."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    try:
        return _table(enumerate(reader, start=1), max_rows)
    except csv.Error as exc:
        raise ImportFileError(_("Không đọc được tệp CSV.")) from exc


def read_upload(data: bytes, filename: str) -> Table:
    """The table in an uploaded file, or ImportFileError with the reason."""
    max_bytes, max_rows = limits()
    if not data:
        raise ImportFileError(_("Tệp rỗng."))
    if len(data) > max_bytes:
        raise ImportFileError(
            _("Tệp quá lớn (tối đa %(n)s MB).", n=round(max_bytes / 1024 / 1024, 1))
        )
    found = sniff(io.BytesIO(data))
    name = filename.lower()
    if found is XLSX:
        return _read_xlsx(data, max_rows)
    if found is XLS:
        raise ImportFileError(_("Định dạng .xls cũ không được hỗ trợ; hãy lưu lại thành .xlsx."))
    if found is not None or data.startswith(b"PK\x03\x04") or name.endswith(".xlsx"):
        raise ImportFileError(_("Tệp không phải là tệp .xlsx hoặc .csv."))
    return _read_csv(data, max_rows)
