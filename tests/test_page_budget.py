"""Every page's HTML stays within the budget (15 KB) with its default page of rows full."""

from __future__ import annotations

import pytest
from test_query_counts import Pages

MAX_HTML = 15 * 1024

# Lists with more rows than one page shows: each must show its pager (a full first page).
PAGED = {
    "officer home",
    "meetings",
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
OVER_BUDGET = {
    "meeting",
    "task",
    "submitted queue",
    "extensions queue",
}


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
