"""SheetRows writes the cells xlsxwriter writes, as XML text (the report's 95,000-row list).

Two workbooks are built the same way, one with its rows written cell by cell through
SafeXlsxWriter and xlsxwriter's constant-memory mode, one with SheetRows after it is closed:
their sheets' XML must be the same bytes, for awkward and randomized values alike.
"""

from __future__ import annotations

import random
import re
import zipfile
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook

from tracker.core.spreadsheet import SafeXlsxWriter
from tracker.core.xlsx_rows import SheetRows, column_letters

AWKWARD = [
    "Văn bản thường",
    "=1+1",
    '=HYPERLINK("http://evil","click")',
    "+SUM(A1)",
    "-2+3",
    "@cmd",
    "\t=1",
    "\r\nx",
    " leading space",
    "trailing space ",
    "trailing newline\n",
    "line\nbreak",
    "a\x01b\x1fc",
    "\x0b",
    "_x0041_ stays as typed",
    "_X00e9_",
    "& < > \" '",
    "\ufffe\uffff",
    "emoji 😀 và tiếng Việt",
    "ab" * 20000,  # longer than a cell holds: cut at 32,767 characters
    "😀" * 20000,  # cut by UTF-16 units
    "",
]


def excel_text(stored: str) -> str:
    """A text cell as Excel shows it: ``_xHHHH_`` is the character U+HHHH (openpyxl leaves
    inline text as stored)."""
    return re.sub("_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), stored)


def _row_values(rng: random.Random, number: int) -> tuple:
    alphabet = "aăâbcdđeêghiklmnoôơpqrstuưvxy ÁÀẢÃẠ\n\t\r\x02&<>=+-@_x0123456789😀"

    def text() -> str:
        if rng.random() < 0.3:
            return rng.choice(AWKWARD)
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))

    def maybe(value):
        return None if rng.random() < 0.2 else value

    return (
        number,
        text(),
        text(),
        maybe(date(1900, 1, 1) + (date(2026, 1, 1) - date(1900, 1, 1)) * rng.random()),
        maybe(
            datetime(
                2020, 1, 1, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
            ).replace(microsecond=rng.choice([0, 1, 999999, rng.randint(0, 999999)]))
        ),
        rng.choice([0, 1, -7, 2**40, 0.1, 1 / 3, 1e20, -2.5, None, True, False]),
        maybe(text()),
    )


EDGES = [
    (1, AWKWARD[i], AWKWARD[-1 - i], date(1900, 2, 28), datetime(1900, 3, 1, 12), 0, "")
    for i in range(len(AWKWARD))
] + [
    (2, "", None, date(1900, 3, 1), datetime(2026, 12, 31, 23, 59, 59, 999999), 1.5, None),
    (3, None, "", date(2026, 12, 6), None, None, "<r><t>chữ đậm?</t></r>"),
]


def _book(path: Path):
    book = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties({"created": datetime(2026, 12, 6, 9, 0)})  # the same in both books
    out = SafeXlsxWriter(book)
    sheet = book.add_worksheet("Một")
    out.write(sheet, 0, 0, "Trang đầu")
    detail = book.add_worksheet("Hai")
    header = out.style(bold=True)
    out.write_row(detail, 0, [f"Cột {c}" for c in column_letters(7)], [header] * 7)
    styles = [
        out.style(),
        out.style(text_wrap=True),
        out.style(),
        out.style(num_format="DD/MM/YYYY"),
        out.style(num_format="DD/MM/YYYY HH:MM"),
        out.style(num_format="#,##0"),
        out.style(),
    ]
    return book, out, detail, styles


def _by_xlsxwriter(path: Path, rows: list[tuple]) -> None:
    book, out, sheet, styles = _book(path)
    SheetRows(styles)  # the formats' numbers given in the same order as the other book's
    for number, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            out.write(sheet, number, col, value, styles[col])
    book.close()


def _by_sheet_rows(path: Path, rows: list[tuple]) -> int:
    book, _out, _sheet, styles = _book(path)
    writer = SheetRows(styles)
    book.close()
    return writer.append(str(path), 2, 2, iter(rows))


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {info.filename: book.read(info) for info in book.infolist()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rows_are_the_bytes_xlsxwriter_writes(tmp_path, seed):
    rng = random.Random(seed)
    rows = [_row_values(rng, n) for n in range(1, 400)]
    rows += [r for r in EDGES if "<r>" not in str(r)]
    _by_xlsxwriter(tmp_path / "cells.xlsx", rows)
    assert _by_sheet_rows(tmp_path / "rows.xlsx", rows) == len(rows)
    expected, got = _parts(tmp_path / "cells.xlsx"), _parts(tmp_path / "rows.xlsx")
    assert list(got) == list(expected)
    sheet = "xl/worksheets/sheet2.xml"
    assert got[sheet].count(b"<row ") == len(rows) + 1
    assert f'<dimension ref="A1:G{len(rows) + 1}"/>'.encode() in got[sheet]
    for name in expected:
        assert got[name] == expected[name], name


def test_no_rows_leaves_the_header_alone(tmp_path):
    _by_xlsxwriter(tmp_path / "cells.xlsx", [])
    assert _by_sheet_rows(tmp_path / "rows.xlsx", []) == 0
    assert _parts(tmp_path / "rows.xlsx") == _parts(tmp_path / "cells.xlsx")


def test_texts_read_back_as_typed_and_never_as_formulas(tmp_path):
    rows = EDGES
    _by_sheet_rows(tmp_path / "rows.xlsx", rows)
    book = load_workbook(BytesIO((tmp_path / "rows.xlsx").read_bytes()))
    sheet = book["Hai"]
    assert sheet.max_row == len(rows) + 1
    for values, cells in zip(rows, sheet.iter_rows(min_row=2), strict=True):
        for value, cell in zip(values, cells, strict=False):
            assert cell.data_type != "f"
            if isinstance(value, str) and value:
                assert cell.data_type == "s"
                shown = excel_text(cell.value)
                units = len(value.encode("utf-16-le")) // 2
                if units <= 32767:
                    assert shown == value, repr(value[:40])
                else:  # cut where Excel cuts, at a whole character
                    assert 32766 <= len(shown.encode("utf-16-le")) // 2 <= 32767
                    assert value.startswith(shown)
                assert cell.quotePrefix == value.startswith(("=", "+", "-", "@", "\t", "\r"))
    # A text shaped like Excel's rich-text XML is text, not markup (xlsxwriter would write it
    # as raw XML).
    assert sheet["G" + str(len(rows) + 1)].value == "<r><t>chữ đậm?</t></r>"
