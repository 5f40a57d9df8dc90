"""Every page's HTML stays within the budget (15 KB) with its default page of rows full."""

from __future__ import annotations

import pytest
from test_query_counts import Pages

MAX_HTML = 15 * 1024

# Lists with more rows than one page shows: each must show its pager (a full first page).
PAGED = {
    "officer home",
    "meetings",
    "meeting",
    "task",
    "unit",
    "dashboard list",
    "submitted queue",
    "extensions queue",
    "outbox",
    "admin units",
    "admin users",
}

# Pages still over the budget (measured 5 Dec 2026 with 30 rows); each is another feature's
# page and is listed here until it is made smaller, so that this test says when it is.
OVER_BUDGET: set[str] = set()


@pytest.fixture
def pages(factory, world) -> Pages:
    p = Pages(factory, world)
    p.grow(30)
    return p


def _size(client, auth, pages: Pages, name: str, user: str, path: str) -> int:
    auth.login(user)
    response = client.get(path.format(**pages.ids()))
    assert response.status_code == 200, name
    body = response.get_data()
    if name in PAGED:
        assert "Trang 1 /" in body.decode(), f"{name}: not a full page"
    return len(body)


@pytest.mark.parametrize(
    ("name", "user", "path"),
    [
        pytest.param(*page, marks=pytest.mark.xfail(strict=True, reason="over 15 KB"))
        if page[0] in OVER_BUDGET
        else page
        for page in Pages.PAGES
    ],
    ids=[page[0] for page in Pages.PAGES],
)
def test_list_page_within_budget_with_a_full_page(client, auth, pages, name, user, path):
    size = _size(client, auth, pages, name, user, path)
    assert size <= MAX_HTML, f"{name}: {size} bytes"


def test_assignment_page_within_budget(client, auth, pages, world):
    auth.login("p.sodau")
    response = client.get(f"/assignments/{world.assignment_a.id}")
    assert response.status_code == 200
    assert len(response.get_data()) <= MAX_HTML


def test_calendar_within_budget_with_a_crowded_month(client, auth, factory, world):
    """/calendar with deadlines every day of the month (200+, 40 units) and a crowded day."""
    from datetime import date, timedelta

    units = [
        factory.unit(f"UBND phường Thử nghiệm {n:03d}", short_name=f"Thử nghiệm {n:03d}")
        for n in range(40)
    ]
    titles = [
        "Triển khai ứng dụng phần mềm quản lý văn bản và điều hành",
        "Báo cáo kết quả việc giải quyết thủ tục hành chính tại Bộ phận Một cửa",
        "Rà soát, đánh giá công tác tuyên truyền cải cách hành chính",
    ]
    statuses = ["new", "in_progress", "done", "returned", "submitted", "done"]
    first_shown = date(2026, 4, 27)  # the Monday before 1 May 2026; the grid ends on 7 June
    for offset in range(42):
        day = first_shown + timedelta(days=offset)
        for k in range(6):
            task = factory.task(world.meeting, f"{titles[k % 3]} năm 2026", deadline=day)
            status = statuses[(offset + k) % 6]
            factory.assignment(
                task,
                world.ward_a if k < 2 else units[(offset * 6 + k) % 40],
                status=status,
                completed_on=day if status == "done" else None,
            )
    crowded = factory.task(world.meeting, titles[0], deadline=date(2026, 5, 21))
    for unit in units:
        factory.assignment(crowded, unit)
    for user, path, shows in [
        ("lanhdao", "/calendar", "+ 45 việc khác"),  # 21 May: the first of 46
        ("lanhdao", f"/calendar?unit={units[0].id}", "hạn xử lý trong tháng."),
        ("p.sodau", "/calendar", "+ 1 việc khác"),
        ("lanhdao", "/calendar?day=2026-05-21", "Trang 1 / 3"),
        ("p.sodau", "/calendar?day=2026-05-21", "2 hạn xử lý trong ngày."),
    ]:
        auth.logout()
        auth.login(user)
        response = client.get(path)
        assert response.status_code == 200, path
        assert shows in response.get_data(as_text=True), path
        assert len(response.get_data()) <= MAX_HTML, f"{user} {path}: {len(response.get_data())}"


def report_units(factory, world, wards: int, departments: int = 0, meetings: int = 12) -> list:
    """``departments`` and ``wards`` more units, each with work in every column of the report
    (as of 15 May 2026: done on time, done late, pending, overdue, and extended while pending,
    twice), and ``meetings`` meetings in the scope's select. The units, in the report's order."""
    from datetime import date, timedelta

    units = [
        factory.unit(
            f"Phòng chuyên môn thử nghiệm số {n:03d}",
            kind="department",
            short_name=f"Phòng thử nghiệm {n:03d}",
        )
        for n in range(departments)
    ]
    units += [
        factory.unit(f"UBND phường Thử nghiệm số {n:03d}", short_name=f"Thử nghiệm {n:03d}")
        for n in range(wards)
    ]
    for n in range(meetings):
        held = date(2026, 5, 1) + timedelta(days=n)
        factory.meeting(
            f"Họp giao ban công tác cải cách hành chính ({held:%d/%m/%Y})", held_on=held
        )
    kinds = [
        (date(2026, 5, 10), {"status": "done", "completed_on": date(2026, 5, 8)}),
        (date(2026, 5, 4), {"status": "done", "completed_on": date(2026, 5, 12)}),
        (date(2026, 5, 28), {"status": "in_progress"}),
        (date(2026, 5, 6), {"status": "in_progress"}),
        (date(2026, 5, 29), {"status": "in_progress", "extension_count": 2}),
    ]
    for k, (deadline, values) in enumerate(kinds * 2):
        task = factory.task(
            world.meeting, f"Nhiệm vụ cải cách hành chính số {k}", deadline=deadline
        )
        for unit in units:
            factory.assignment(task, unit, **values)
    return units


def test_report_within_budget_with_40_units(client, auth, factory, world):
    """/reports/ (this month) with 40 units, each with work in every column of the table, and
    a full list of meetings in the scope's select: the numbers stay per unit, the unit's name
    and the totals lead to the lists behind them, and the charts are images of their own.
    The table shows its units 30 a page; the page keeps room to spare (1 KB)."""
    report_units(factory, world, 40)
    auth.login("lanhdao")
    response = client.get("/reports/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('<button name="unit" value="') == 30
    assert "Trang 1 / 2" in page
    for column in ("done_on_time", "done_late", "pending", "overdue", "extended", "late"):
        assert f'<button name="category" value="{column}">' in page, column
    assert page.count('<img class="chart"') == 2
    # The world's department and wards: a row per kind of unit with its subtotals.
    assert "<tr><th>I<th>" in page and "<tr><th>II<th>UBND các phường<th>402" in page
    assert len(response.get_data()) <= MAX_HTML - 1024, len(response.get_data())


def test_report_within_budget_with_150_units(client, auth, factory, world):
    """A province's 150 units (45 departments, 105 wards): every page of the table within the
    budget, 30 units a page."""
    report_units(factory, world, 105, departments=45)
    auth.login("lanhdao")
    for number in (1, 2, 6):
        response = client.get(f"/reports/?upage={number}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert f"Trang {number} / 6" in page, number
        assert page.count('<button name="unit" value="') == (33 - 30 if number == 6 else 30)
        assert len(response.get_data()) <= MAX_HTML, (number, len(response.get_data()))
