"""Spreadsheet cells that show text exactly as typed and never run it as a formula.

Every .xlsx and .csv the application writes (the report, frozen reports, the import templates,
the generated credentials) passes its values through here, so a task title, a progress report
or a unit name beginning with ``=`` reaches the leader's Excel as text, not as a live formula
such as ``=HYPERLINK("http://evil", "click")``.

- .xlsx: openpyxl turns any text beginning with ``=`` into a formula (and ``#N/A`` and the like
  into error values). Text is written as a text cell instead, and text that starts like a
  formula also carries Excel's quote prefix, so it stays text when someone edits the cell. The
  text is not changed: the cell shows what was typed.
- .csv: a CSV file has no cell types; Excel reads a cell beginning with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return as a formula. Such a cell gets a leading single quote (the
  OWASP advice). A field holding a comma, a semicolon or a tab is quoted: Excel splits a line at
  its locale's list separator (``;`` in Vietnamese Windows), and a separator inside a text must
  not start a new cell there. Other fields stay unquoted, so the file reads as before.

Numbers, dates and empty cells the application writes itself are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

# openpyxl is imported where a workbook is made, not with this module: a web worker that
# never writes one does not carry it (memory). Its error values, as openpyxl.cell.cell has them:
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")

# What Excel reads as the start of a formula (tab and carriage return: before one of the others).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST = frozenset(FORMULA_STARTS)


def starts_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_STARTS)


def xlsx_cell(sheet: Worksheet, value: Any) -> Any:
    """``value`` ready for ``sheet.append`` (a normal or a write-only sheet).

    A cell (already styled) has its text made a text cell; text that openpyxl would take for a
    formula or an error value becomes such a cell; anything else is returned as it is (plain
    values keep large write-only sheets fast).
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    if isinstance(value, Cell):
        return _as_text(value)
    if isinstance(value, str) and (starts_like_formula(value) or value in ERROR_CODES):
        # A cell of its own (openpyxl places it in the row), for either kind of sheet.
        return _as_text(WriteOnlyCell(sheet, value))
    return value


def xlsx_row(sheet: Worksheet, values: Iterable[Any]) -> list[Any]:
    """A row of values for ``sheet.append``, each through ``xlsx_cell``."""
    return [xlsx_cell(sheet, value) for value in values]


def _as_text(cell: Cell) -> Cell:
    if isinstance(cell.value, str):
        cell.data_type = "s"  # after the value: openpyxl guessed from its first character
        if starts_like_formula(cell.value):
            cell.quotePrefix = True
    return cell


def csv_cell(value: Any) -> Any:
    """``value`` for a CSV cell: text that starts like a formula gets a leading quote."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


# Fields holding one of these are quoted: the list separators Excel may use (the comma, the
# semicolon of comma-decimal locales, the tab), the quote itself and line breaks.
QUOTED_IF_IN = (",", ";", "\t", '"', "\r", "\n")


def csv_field(value: Any) -> str:
    """One CSV field (RFC 4180), neutralised by ``csv_cell`` and quoted when it must be.

    The csv module quotes a field only for its own delimiter; a text with a semicolon must be
    quoted as well (see the module's docstring), hence this small writer of our own.
    """
    value = csv_cell(value)
    text = "" if value is None else str(value)
    if any(mark in text for mark in QUOTED_IF_IN):
        return '"' + text.replace('"', '""') + '"'
    return text


class SafeCsvWriter:
    """Writes rows of ``csv_field`` fields, comma-separated, each line ended by CRLF."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def writerow(self, values: Iterable[Any]) -> None:
        self._out.write(",".join(csv_field(value) for value in values) + "\r\n")

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO) -> SafeCsvWriter:
    """The CSV writer every export uses (see the module's docstring)."""
    return SafeCsvWriter(out)


class SafeXlsxWriter:
    """Writes cells of an xlsxwriter workbook (large exports: fast, constant memory) where text
    is always a text cell, never a formula or a link, and text that starts like a formula
    carries Excel's quote prefix, as ``xlsx_cell`` does for openpyxl."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self._styles: dict[tuple, tuple[Any, Any]] = {}
        self._default = self.style()

    def style(self, **props: Any) -> tuple[Any, Any]:
        """The (plain, quote-prefixed) formats of ``props`` (xlsxwriter format properties)."""
        key = tuple(sorted(props.items()))
        if key not in self._styles:
            plain = self.book.add_format(props) if props else None
            self._styles[key] = (plain, self.book.add_format({**props, "quote_prefix": True}))
        return self._styles[key]

    def write(self, sheet: Any, row: int, col: int, value: Any, style: tuple | None = None) -> None:
        """Write ``value`` at (row, col) in ``style`` (from ``style()``; none: plain).

        An empty value without a style writes nothing (an empty cell costs time, not less).
        """
        plain, quoted = style or self._default
        if value.__class__ is str:
            if value:
                sheet.write_string(row, col, value, quoted if value[0] in FORMULA_FIRST else plain)
            elif plain is not None:
                sheet.write_blank(row, col, None, plain)
        elif value is None:
            if plain is not None:
                sheet.write_blank(row, col, None, plain)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value, plain)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, plain)
        elif isinstance(value, date):  # a datetime too
            sheet.write_datetime(row, col, value, plain)
        elif isinstance(value, str):
            self.write(sheet, row, col, str(value), style)
        else:
            sheet.write_string(row, col, str(value), plain)

    def write_row(self, sheet: Any, row: int, values: Iterable[Any], styles: Iterable = ()) -> None:
        """Write ``values`` from column A on; ``styles`` gives each one's style (or None)."""
        styles = list(styles)
        for col, value in enumerate(values):
            self.write(sheet, row, col, value, styles[col] if col < len(styles) else None)
