"""Many rows of an .xlsx sheet written as XML text, for the exports of tens of thousands of rows.

xlsxwriter spends some 20 µs a cell in Python (a cell object, its checks, its XML through
several calls): a year's report list of 95,000 rows and 14 columns took most of its 18 s
there (issue 13). ``SheetRows`` writes the same cells as one string a row instead: the
workbook is built by xlsxwriter as before with the sheet's header only, and once it is
closed the rows are streamed into that sheet's ``<sheetData>`` (the zip is copied once, the
rows never held in memory).

The cells are the ones ``SafeXlsxWriter`` writes through xlsxwriter's constant-memory mode,
byte for byte (tests/test_xlsx_rows.py compares the two): text is always an inline text cell,
never a formula or a link, with Excel's quote prefix when it starts like a formula, control
characters escaped as ``_xHHHH_``; numbers as numbers; dates and datetimes as Excel serial
numbers in their style. One difference, on purpose: xlsxwriter writes a text that begins with
``<r>`` and ends with ``</r>`` as raw rich-text XML (a user's title could break the file);
here it is text like any other.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

from tracker.core.spreadsheet import FORMULA_FIRST

# Excel's epoch (1899-12-31 is day 0; xlsxwriter counts the same way, with Excel's 29/2/1900).
_EPOCH_ORDINAL = date(1899, 12, 31).toordinal()
# A cell holds at most this many UTF-16 units; xlsxwriter cuts longer text there.
MAX_STRING = 32767
# Rows are handed to the zip in pieces of this many.
CHUNK_ROWS = 500

_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
# What may need any of the escapes below (one search per text; most texts need none).
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_")


def column_letters(n: int) -> list[str]:
    """The letters of the first ``n`` columns: A, B, …, Z, AA, …"""
    letters = []
    for index in range(n):
        name, number = "", index + 1
        while number:
            number, rest = divmod(number - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _utf16_truncate(text: str) -> str:
    if len(text) <= MAX_STRING // 2 or len(text.encode("utf-16-le", "surrogatepass")) <= (
        2 * MAX_STRING
    ):
        return text
    cut = text.encode("utf-16-le", "surrogatepass")[: 2 * MAX_STRING]
    return cut.decode("utf-16-le", "ignore")


def text_xml(text: str) -> str:
    """The inside of an inline text cell: ``<t>`` with the text escaped as xlsxwriter does."""
    text = _utf16_truncate(text)
    if _NEEDS_ESCAPE.search(text):
        text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        preserve = text[0].isspace() or text[-1].isspace()
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    else:
        preserve = text[0].isspace() or text[-1].isspace()
    if preserve:
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def excel_serial(value: date) -> float:
    """A date or a naive datetime as Excel's serial number (as xlsxwriter computes it)."""
    days = value.toordinal() - _EPOCH_ORDINAL
    if isinstance(value, datetime):
        serial = days + (float(value.second + 60 * value.minute + 3600 * value.hour)
                         + float(value.microsecond) / 1e6) / (60 * 60 * 24)  # fmt: skip
    else:
        serial = float(days)
    return serial + 1 if serial > 59 else serial


class SheetRows:
    """Rows of values, each column in a style of ``SafeXlsxWriter.style()`` (its plain and
    quote-prefixed formats: text that starts like a formula takes the second), made XML and
    put into a sheet of a closed xlsxwriter workbook.

    Build it before the workbook is closed (its styles must be in the workbook's style
    sheet); call ``append`` after.
    """

    def __init__(self, styles: Sequence[tuple[Any, Any]]) -> None:
        self._cols = column_letters(len(styles))
        self._styles = []
        for style in styles:
            plain, quoted = style
            self._styles.append(
                (
                    f' s="{plain._get_xf_index()}"' if plain is not None else "",
                    f' s="{quoted._get_xf_index()}"',
                    plain is not None,
                )
            )
        self._serials: dict[date, str] = {}

    def row_xml(self, number: int, values: Sequence[Any]) -> str:
        """The ``<row>`` of sheet row ``number`` (1 = the first)."""
        parts = [f'<row r="{number}">']
        append = parts.append
        cols, styles = self._cols, self._styles
        for col, value in enumerate(values):
            plain, quoted, styled = styles[col]
            kind = value.__class__
            if kind is str:
                if value:
                    style = quoted if value[0] in FORMULA_FIRST else plain
                    append(f'<c r="{cols[col]}{number}"{style} t="inlineStr">{text_xml(value)}</c>')
                elif styled:
                    append(f'<c r="{cols[col]}{number}"{plain}/>')
            elif value is None:
                if styled:
                    append(f'<c r="{cols[col]}{number}"{plain}/>')
            elif kind is int or kind is float:
                append(f'<c r="{cols[col]}{number}"{plain}><v>{value:.16G}</v></c>')
            elif kind is date:
                serial = self._serials.get(value)
                if serial is None:
                    serial = self._serials[value] = f"<v>{excel_serial(value):.16G}</v>"
                append(f'<c r="{cols[col]}{number}"{plain}>{serial}</c>')
            elif kind is datetime:
                append(f'<c r="{cols[col]}{number}"{plain}><v>{excel_serial(value):.16G}</v></c>')
            elif isinstance(value, bool):
                append(f'<c r="{cols[col]}{number}"{plain} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                append(f'<c r="{cols[col]}{number}"{plain}><v>{value:.16G}</v></c>')
            elif isinstance(value, date):
                append(f'<c r="{cols[col]}{number}"{plain}><v>{excel_serial(value):.16G}</v></c>')
            else:
                text = str(value)
                if text:
                    append(f'<c r="{cols[col]}{number}"{plain} t="inlineStr">{text_xml(text)}</c>')
        append("</row>")
        return "".join(parts)

    def append(self, path: str, sheet: int, first_row: int, rows: Iterable[Sequence[Any]]) -> int:
        """Put ``rows`` into sheet number ``sheet`` (1 = the first) of the closed workbook at
        ``path``, from sheet row ``first_row`` on (1 = the first; the rows above are the
        sheet's own, the header). Returns how many rows were written.

        The rows' XML goes to a temporary file first (the sheet's ``<dimension>``, before the
        rows, needs their number), then the zip is copied with the sheet rebuilt around it.
        """
        name = f"xl/worksheets/sheet{sheet}.xml"
        last = first_row - 1
        with tempfile.TemporaryFile() as body:
            chunk: list[str] = []
            for values in rows:
                last += 1
                chunk.append(self.row_xml(last, values))
                if len(chunk) >= CHUNK_ROWS:
                    body.write("".join(chunk).encode("utf-8"))
                    chunk = []
            body.write("".join(chunk).encode("utf-8"))
            body.seek(0)
            _rebuild(path, name, body, last if last >= first_row else 0, len(self._cols))
        return last - first_row + 1


def _rebuild(path: str, name: str, body: IO[bytes], last_row: int, n_cols: int) -> None:
    """Copy the zip at ``path`` with ``body`` (rows' XML) at the end of ``name``'s rows; its
    dimension ends at ``last_row`` (0: unchanged) and the header's last column."""
    directory = os.path.dirname(path) or "."
    fd, rebuilt = tempfile.mkstemp(prefix="tracker-rows-", suffix=".xlsx", dir=directory)
    try:
        with (
            open(fd, "wb") as out_file,
            zipfile.ZipFile(path) as source,
            zipfile.ZipFile(out_file, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                if info.filename != name:
                    target.writestr(info, source.read(info), compress_type=info.compress_type)
                    continue
                xml = source.read(info).decode("utf-8")
                head, end, tail = xml.partition("</sheetData>")
                if not end:
                    raise ValueError(f"{name} has no <sheetData> rows to add to")
                if last_row:
                    ref = f"A1:{column_letters(n_cols)[-1]}{last_row}"
                    head = _DIMENSION.sub(f'<dimension ref="{ref}"/>', head, count=1)
                entry = zipfile.ZipInfo(info.filename, info.date_time)
                entry.compress_type = zipfile.ZIP_DEFLATED
                with target.open(entry, "w", force_zip64=True) as stream:
                    stream.write(head.encode("utf-8"))
                    shutil.copyfileobj(body, stream, 1 << 20)
                    stream.write((end + tail).encode("utf-8"))
        os.replace(rebuilt, path)
    except BaseException:
        os.unlink(rebuilt)
        raise
