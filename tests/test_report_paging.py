"""The report page shows its units 30 a page (a province's 150 units within the page budget);
each kind's subtotals and the grand totals still count every unit of the report, on every
page, and the print view and the .xlsx hold every unit."""

from __future__ import annotations

import html
import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from test_page_budget import report_units

MAY = "period=month&year=2026&month=5"
ROW = re.compile(r"<tr>(.*?)(?=<tr>|</tbody>|</tfoot>)", re.DOTALL)


def _cells(row: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.split(r"<t[dh][^>]*>", row)[1:]
    ]


def _table(page: str) -> tuple[list[list[str]], list[list[str]], list[str]]:
    """The page's section rows, unit rows and totals row, each as its cells' text."""
    body = page[page.index("<tbody>") : page.index("</tbody>") + len("</tbody>")]
    foot = page[page.index("<tfoot>") : page.index("</tfoot>") + len("</tfoot>")]
    sections, units = [], []
    for row in ROW.findall(body):
        (sections if row.startswith("<th>") else units).append(_cells(row))
    return sections, units, _cells(ROW.findall(foot)[0])


COUNTS = slice(2, 7)  # assigned, done on time, done late, pending, overdue


@pytest.fixture
def seventy_eight(app, factory, world):
    """35 departments and 40 wards more: with the world's three, 78 units (36 departments,
    42 wards), three pages; the departments' section runs over pages 1 and 2."""
    with app.app_context():
        report_units(factory, world, 40, departments=35, meetings=0)


def test_every_page_totals_count_all_units(client, auth, seventy_eight):
    auth.login("lanhdao")
    pages = [client.get(f"/reports/?{MAY}&upage={n}").get_data(as_text=True) for n in (1, 2, 3)]
    tables = [_table(page) for page in pages]
    assert [len(units) for _s, units, _t in tables] == [30, 30, 18]
    assert all(f"Trang {n} / 3" in page for n, page in enumerate(pages, start=1))
    # The grand totals: the same on every page, the sum of every page's units.
    totals = [t[COUNTS] for _s, _u, t in tables]
    assert totals[0] == totals[1] == totals[2]
    every_unit = [row for _s, units, _t in tables for row in units]
    assert len(every_unit) == 78
    summed = [str(sum(int(row[COUNTS][i]) for row in every_unit)) for i in range(5)]
    assert totals[0] == summed
    assert summed[0] == str(75 * 10 + 3)  # the world's own work: one task given to 2 wards, 1 more
    # Each kind's row, on each page its units are on, with the subtotals of all its units.
    assert [[s[:2] for s in sections] for sections, _u, _t in tables] == [
        [["I", "Các phòng, ban chuyên môn"]],
        [["I", "Các phòng, ban chuyên môn"], ["II", "UBND các phường"]],
        [["II", "UBND các phường"]],
    ]
    departments, wards = every_unit[:36], every_unit[36:]
    for name, members, shown in [
        ("I", departments, [tables[0][0][0], tables[1][0][0]]),
        ("II", wards, [tables[1][0][1], tables[2][0][0]]),
    ]:
        expected = [str(sum(int(row[COUNTS][i]) for row in members)) for i in range(5)]
        assert all(section[COUNTS] == expected for section in shown), name
    # Units numbered within their kind across pages.
    assert [row[0] for row in every_unit] == [str(n) for n in range(1, 37)] + [
        str(n) for n in range(1, 43)
    ]


def test_paging_links_keep_the_period_and_scope(client, auth, seventy_eight):
    auth.login("lanhdao")
    page = client.get(f"/reports/?{MAY}&scope=kind:department&upage=1").get_data(as_text=True)
    assert "Trang 1 / 2" in page  # 36 departments
    links = [html.unescape(h) for h in re.findall(r'<nav class="pager".*?</nav>', page, re.S)]
    assert len(links) == 1
    (after,) = re.findall(r'href="([^"]+upage=2[^"]*)"', links[0])
    for part in ("period=month", "year=2026", "month=5", "scope=kind%3Adepartment"):
        assert part in after, after
    second = client.get(after).get_data(as_text=True)
    sections, units, _totals = _table(second)
    assert sections == [] and [row[0] for row in units] == [str(n) for n in range(31, 37)]
    # A page past the end shows the last one; junk shows the first.
    assert "Trang 3 / 3" in client.get(f"/reports/?{MAY}&upage=9").get_data(as_text=True)
    assert "Trang 1 / 3" in client.get(f"/reports/?{MAY}&upage=x").get_data(as_text=True)


def test_print_and_xlsx_hold_every_unit(client, auth, seventy_eight):
    auth.login("lanhdao")
    printed = client.get(f"/reports/print?{MAY}&upage=2").get_data(as_text=True)
    sections, units, totals = _table(printed)
    assert len(units) == 78 and len(sections) == 2
    assert "pager" not in printed
    book = load_workbook(BytesIO(client.get(f"/reports/export.xlsx?{MAY}&upage=2").get_data()))
    rows = [[c.value for c in row][:3] for row in book["Tổng hợp"].iter_rows(min_row=5)]
    assert len(rows) == 78 + 2 + 1
    assert rows[-1] == [None, "Tổng cộng", int(totals[2])]


def test_the_units_chart_shows_the_page_units(client, auth, seventy_eight):
    auth.login("lanhdao")
    page = client.get(f"/reports/?{MAY}&upage=3").get_data(as_text=True)
    image = re.compile(r'<img class="chart" src="([^"]+)" width="900" height="(\d+)"')
    (src, height) = image.findall(page)[0]
    assert "upage=3" in html.unescape(src) and int(height) == 10 + 18 * 24 + 50
    chart = client.get(html.unescape(src)).get_data(as_text=True)
    assert f'viewBox="0 0 900 {height}"' in chart
    _sections, units, _totals = _table(page)
    names = re.findall(r'<text x="214" y="\d+">([^<]+)</text>', chart)
    assert names == [row[1] for row in units]
