"""No user text becomes a formula in any spreadsheet the application writes.

A task title, a progress report or a unit name that begins with ``=`` (or ``+``, ``-``, ``@``,
a tab or a carriage return, which Excel also reads as the start of a formula in a CSV file or
when a cell is edited) must reach the leader's Excel as the text that was typed. Every export is
built here with such texts and opened again: no .xlsx cell is a formula, each text reads back
exactly as typed (marked with Excel's quote prefix, so editing the cell keeps it text), and in
the .csv files every such cell is neutralised with a leading single quote.
"""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from test_import import USER_HEADER, confirm, csv_bytes, problems, upload

from tracker.admin import imports_apply, imports_templates
from tracker.core.spreadsheet import FORMULA_STARTS, csv_cell, csv_writer, xlsx_row
from tracker.models import Assignment, ProgressReport, Task

HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://evil","click")',
    "+SUM(A1)",
    "-2+3",
    "@cmd",
    "\t=1",
]
Q2 = "period=quarter&year=2026&quarter=2"


def _cells(book):
    """Every cell of every sheet that holds a value."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield cell


def _assert_no_formula_and_shown_as_typed(book, texts: list[str]) -> None:
    cells = list(_cells(book))
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert formulas == []
    shown = {c.value: c for c in cells if isinstance(c.value, str)}
    for text in texts:
        assert text in shown, f"{text!r} is not shown as typed"
        assert shown[text].data_type == "s"
        # Excel's quote prefix: the cell stays text even when someone edits it.
        assert shown[text].quotePrefix, text
    # Text that is no formula keeps its plain style.
    texts_cells = [c for c in cells if isinstance(c.value, str)]
    plain = [c for c in texts_cells if not c.value.startswith(FORMULA_STARTS)]
    assert plain and not any(c.quotePrefix for c in plain)


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def _assert_neutralised(rows: list[list[str]], texts: list[str]) -> None:
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    for text in texts:
        assert "'" + text in cells, f"{text!r} is not neutralised"


@pytest.fixture
def admin(client, auth, world):
    auth.login("admin")
    return client


@pytest.fixture
def hostile(app, factory, world):
    """Units, a meeting, tasks and progress reports whose texts start like formulas.

    One assignment per text, open, deadline in the second quarter of 2026 (the clock's).
    """
    with app.app_context():
        meeting = factory.meeting(HOSTILE[1])
        units = [factory.unit(text, short_name=text) for text in HOSTILE]
        for number, (text, unit) in enumerate(zip(HOSTILE, units, strict=True)):
            task = factory.task(meeting, title=text, deadline=date(2026, 6, 30))
            lead = factory.assignment(task, unit, status="in_progress")
            factory.assignment(task, units[(number + 1) % len(units)], role="coordinating")
            ProgressReport.create(
                assignment=lead,
                text=text,
                progress=40,
                difficulties=text,
                proposals=text,
                created_at=datetime(2026, 5, 10, 2, 0, tzinfo=UTC),
            )
        assert Task.select().where(Task.title.in_(HOSTILE)).count() == len(HOSTILE)
        assert Assignment.select().count() > 2 * len(HOSTILE)
    return units


def _xlsx(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.get_data()))


def test_live_report_xlsx_has_no_formula(client, auth, hostile):
    auth.login("lanhdao")
    book = _xlsx(client.get(f"/reports/export.xlsx?{Q2}"))
    _assert_no_formula_and_shown_as_typed(book, HOSTILE)
    # The numbers written by the report stay numbers.
    summary = book.worksheets[0]
    unit_rows = [r for r in summary.iter_rows(min_row=5) if r[1].value in HOSTILE]
    assert len(unit_rows) == len(HOSTILE)
    for row in unit_rows:
        assert isinstance(row[0].value, int) and row[0].data_type == "n"
        assert row[2].value >= 1 and row[2].data_type == "n"
    detail = book.worksheets[1]
    rows = list(detail.iter_rows(min_row=2))
    for text in HOSTILE:
        mine = [r for r in rows if r[1].value == text]
        assert len(mine) == 2  # the lead unit's and the coordinating unit's
        # The lead's row: difficulties and proposals from its latest progress report.
        assert any(r[11].value == text and r[12].value == text for r in mine)
        assert all(isinstance(r[6].value, datetime) and r[6].data_type == "d" for r in mine)


def test_frozen_report_xlsx_has_no_formula(client, auth, hostile):
    auth.login("lanhdao")
    title = '=HYPERLINK("http://evil","frozen")'
    form = {"period": "quarter", "year": "2026", "quarter": "2", "scope": "all", "title": title}
    response = client.post("/reports/freeze", data=form)
    assert response.status_code == 302, response.status_code
    book = _xlsx(client.get(response.headers["Location"] + "/export.xlsx"))
    _assert_no_formula_and_shown_as_typed(book, [*HOSTILE, title])
    assert book.worksheets[0]["A1"].value == title


@pytest.mark.parametrize("kind", ["units", "groups", "users"])
def test_import_templates_have_no_formula(admin, monkeypatch, kind):
    """Whatever the example row holds, the templates write it as text."""
    columns = list(imports_templates.EXAMPLES[kind])
    examples = {key: HOSTILE[n % len(HOSTILE)] for n, key in enumerate(columns)}
    monkeypatch.setitem(imports_templates.EXAMPLES, kind, examples)
    used = sorted(set(examples.values()))

    book = _xlsx(admin.get(f"/admin/import/template/{kind}.xlsx"))
    _assert_no_formula_and_shown_as_typed(book, used)

    response = admin.get(f"/admin/import/template/{kind}.csv")
    assert response.status_code == 200
    rows = _csv_rows(response.get_data(as_text=True))
    assert rows[0] == imports_templates.headers(kind)  # our own headers are left as they are
    _assert_neutralised(rows, used)


def test_credentials_csv_neutralises_every_cell():
    credentials = [(f"user{n}", text, text) for n, text in enumerate(HOSTILE)]
    text = imports_apply.credentials_csv(credentials)
    rows = _csv_rows(text)
    assert rows[0] == ["Tên đăng nhập", "Họ và tên", "Mật khẩu"]
    _assert_neutralised(rows, HOSTILE)
    assert rows[1] == ["user0", "'=1+1", "'=1+1"]


def test_imported_users_credentials_download_is_neutralised(admin, world):
    """Names read from an uploaded file come back in the credentials CSV as text."""
    names = [name for name in HOSTILE if name.strip() == name]  # the import strips cells
    data = csv_bytes(
        [USER_HEADER]
        + [[f"nguoi{n}", name, "Theo dõi", "", "", ""] for n, name in enumerate(names)]
    )
    html = upload(admin, "users", data, "nguoi-dung.csv").get_data(as_text=True)
    assert problems(html) == set()
    page = confirm(admin, html).get_data(as_text=True)
    link = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page).group(1)
    rows = _csv_rows(base64.b64decode(link).decode("utf-8"))
    _assert_neutralised(rows, names)


def test_csv_quotes_a_field_holding_any_list_separator():
    """Excel splits a line at its locale's list separator (``;`` in Vietnamese Windows): a
    separator inside a text must not start a new cell there. Other fields stay as they were."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["a;=1+1", "b,=1+1", 'c"=1', "d\t=1", "e\n=1", "Sở Dầu", 7, None, "=1"])
    line = '"a;=1+1","b,=1+1","c""=1","d\t=1","e\n=1",Sở Dầu,7,,\'=1\r\n'
    assert out.getvalue() == line
    # Read back as any CSV reader does, each field is the text given (neutralised).
    assert _csv_rows(out.getvalue()) == [
        ["a;=1+1", "b,=1+1", 'c"=1', "d\t=1", "e\n=1", "Sở Dầu", "7", "", "'=1"]
    ]


def test_csv_cell_neutralises_only_text_that_starts_like_a_formula():
    for text in HOSTILE + ["\r=1", "-", "@"]:
        assert csv_cell(text) == "'" + text
    for value in ["Nhiệm vụ =1+1", "", "UBND phường Sở Dầu", 12, -3, 1.5, None]:
        assert csv_cell(value) == value


def test_xlsx_row_keeps_numbers_and_dates():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    day = date(2026, 5, 15)
    values = [1, -2, 0.5, day, None, "Văn bản", "-2+3", "#N/A"]
    sheet.append(xlsx_row(sheet, values))
    out = io.BytesIO()
    book.save(out)
    cells = list(load_workbook(out).worksheets[0].iter_rows())[0]
    read = [c.value for c in cells]
    assert read == [1, -2, 0.5, datetime(2026, 5, 15), None, "Văn bản", "-2+3", "#N/A"]
    assert [c.data_type for c in cells] == ["n", "n", "n", "d", "n", "s", "s", "s"]


def test_every_spreadsheet_writer_goes_through_core_spreadsheet():
    """A new writer cannot forget it: only core/spreadsheet.py makes CSV writers, and every
    module that builds an openpyxl workbook imports it."""
    root = Path(__file__).resolve().parent.parent / "tracker"
    helper = root / "core" / "spreadsheet.py"
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if path == helper:
            continue
        assert not re.search(r"csv\.(writer|DictWriter)\(", source), path
        if re.search(r"\bWorkbook\(", source):
            assert "tracker.core.spreadsheet import" in source, path
