"""The on-time rate of a unit with nothing judged yet, and the monthly trend of one month.

The clock stands at 15 May 2026; this month's report is judged as of that day."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from tracker.models import UnitKind
from tracker.reports import charts

MAY = "period=month&year=2026&month=5"


def _agency_work(factory, world):
    """Two agencies: one whose work is all still within its deadline (nothing done, nothing
    due yet: nothing judged), one with one task done on time and one still open."""
    UnitKind.get_or_create(code="agency", defaults={"name": "Cơ quan", "sort_order": 30})
    waiting = factory.unit("Trung tâm Chờ đánh giá", kind="agency", short_name="Chờ")
    judged = factory.unit("Trung tâm Đã đánh giá", kind="agency", short_name="Đã")
    for n, (unit, deadline, values) in enumerate(
        [
            (waiting, date(2026, 5, 28), {"status": "in_progress"}),
            (waiting, date(2026, 5, 29), {"status": "new"}),
            (judged, date(2026, 5, 10), {"status": "done", "completed_on": date(2026, 5, 9)}),
            (judged, date(2026, 5, 28), {"status": "in_progress"}),
        ]
    ):
        task = factory.task(world.meeting, f"Nhiệm vụ của trung tâm {n}", deadline=deadline)
        factory.assignment(task, unit, **values)
    return waiting, judged


def test_nothing_judged_yet_has_no_on_time_rate(app, client, auth, factory, world):
    """docs/reports.md: the rate is on time ÷ assigned, and, as the score, none for a unit
    with nothing done nor overdue yet: "—", not "0,0 %", on the page, in print and in the
    .xlsx (an empty cell, as the score's and the average's)."""
    with app.app_context():
        waiting, judged = _agency_work(factory, world)
    auth.login("lanhdao")
    page = client.get(f"/reports/?{MAY}").get_data(as_text=True)
    assert (
        f'value="{waiting.id}">Chờ</button><td>2<td>0<td>0<td>2<td>0<td>—<td>0<td>—<td>—<td>—'
        in page
    )
    assert (
        f'value="{judged.id}">Đã</button><td>2<td>1<td>0<td>1<td>0<td>50,0%<td>0<td>—<td>100'
        in page
    )
    # The world's wards: their one task is due on 30 May, nothing judged either.
    assert (
        f'value="{world.ward_a.id}">UBND phường Sở Dầu</button><td>1<td>0<td>0<td>1<td>0<td>—'
        in page
    )
    # A report of the waiting agency alone: its totals have no rate either.
    scoped = client.get(f"/reports/?{MAY}&scope=kind:agency").get_data(as_text=True)
    footer = scoped[scoped.index("<tfoot>") :]
    assert "<td>50,0%" not in footer and "<td>25,0%" in footer  # 1 on time of 4
    printed = client.get(f"/reports/print?{MAY}").get_data(as_text=True)
    assert "<th>Trung tâm Chờ đánh giá<td>2<td>0<td>0<td>2<td>0<td>—<td>" in printed
    book = load_workbook(BytesIO(client.get(f"/reports/export.xlsx?{MAY}").get_data()))
    rows = {r[1]: r for r in book["Tổng hợp"].iter_rows(min_row=5, values_only=True)}
    assert rows["Trung tâm Chờ đánh giá"][2:8] == (2, 0, 0, 2, 0, None)
    assert rows["Trung tâm Đã đánh giá"][7] == 0.5


def test_a_report_with_nothing_judged_has_no_rate_in_its_totals(client, auth, world):
    """This month's report of the wards alone: their one task is due on 30 May."""
    auth.login("lanhdao")
    page = client.get(f"/reports/?{MAY}&scope=kind:ward").get_data(as_text=True)
    footer = page[page.index("<tfoot>") :]
    assert re.search(r"<td>—<td><button name=\"category\" value=\"extended\">", footer), footer
    assert "0,0%" not in page


def _columns(svg: str, colour: str) -> list[tuple[float, float]]:
    """The (width, height) of each column drawn in ``colour`` (sub-paths ``M x y h w v h …z``)."""
    found = re.search(rf'<path fill="{colour}" d="([^"]+)"', svg)
    if not found:
        return []
    return [
        (float(w), float(h)) for w, h in re.findall(r"M[\d.]+ [\d.]+h([\d.]+)v([\d.]+)", found[1])
    ]


def test_trend_of_one_month_draws_columns_not_a_lone_point(client, auth, world):
    """May 2026: nothing completed yet, three assignments due (the world's two tasks). One
    month has no line to draw: the work due is a column with its number, not a dot."""
    auth.login("lanhdao")
    response = client.get(f"/reports/trend.svg?{MAY}")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert "<polyline" not in svg and "h0" not in svg
    (column,) = _columns(svg, charts.COLOURS["due"])
    assert column[0] >= 40 and column[1] > 100
    assert re.search(
        r'<g font-size="11" text-anchor="middle"><text x="[\d.]+" y="[\d.]+">3</text>', svg
    )
    assert "05/26" in svg


def test_trend_of_one_month_with_both_columns_side_by_side(app, client, auth, factory, world):
    with app.app_context():
        _agency_work(factory, world)  # one completion on time in May
    auth.login("lanhdao")
    svg = client.get(f"/reports/trend.svg?{MAY}").get_data(as_text=True)
    done = re.search(rf'<path fill="{charts.COLOURS["done_on_time"]}" d="M([\d.]+) ', svg)
    due = re.search(rf'<path fill="{charts.COLOURS["due"]}" d="M([\d.]+) ', svg)
    assert done and due and float(done[1]) + 48 < float(due[1])  # side by side, not overlapping
    # Due in May: the world's 3 and the agencies' 4.
    assert ">7</text>" in svg and ">1</text>" in svg


def test_trend_of_an_empty_month_says_so(client, auth, world):
    """April 2026: the world's work was given in May."""
    auth.login("lanhdao")
    svg = client.get("/reports/trend.svg?period=month&year=2026&month=4").get_data(as_text=True)
    assert "Không có nhiệm vụ hoàn thành hoặc đến hạn trong kỳ." in svg
    assert "<polyline" not in svg


def test_trend_of_several_months_keeps_its_line(client, auth, world):
    auth.login("lanhdao")
    svg = client.get("/reports/trend.svg?period=quarter&year=2026&quarter=2").get_data(as_text=True)
    assert "<polyline" in svg and not _columns(svg, charts.COLOURS["due"])
