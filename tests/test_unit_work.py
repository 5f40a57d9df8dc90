"""A unit's work list: the officer's home and /units/<id>."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from query_support import count_queries

from tracker.models import Assignment
from tracker.overview.unit_work import WORK_PAGE_SIZE


class Work:
    """Ward A's assignments, one in each timeliness category (today is 15/05/2026)."""

    def __init__(self, factory, world) -> None:
        f, m, ward = factory, world.meeting, world.ward_a
        self.on_time = world.assignment_a  # deadline 30/05/2026, new
        self.overdue = f.assignment(
            f.task(m, "Chỉnh trang vỉa hè", deadline=date(2026, 5, 5)),
            ward,
            status="in_progress",
            progress=50,
            last_report_at=None,
        )
        self.due_soon = f.assignment(
            f.task(m, "Báo cáo quý II", deadline=date(2026, 5, 17)), ward, progress=10
        )
        self.done_on_time = f.assignment(
            f.task(m, "Ahead task", deadline=date(2026, 5, 10)),
            ward,
            status="done",
            progress=100,
            completed_on=date(2026, 5, 9),
        )
        self.done_late = f.assignment(
            f.task(m, "Zebra task", deadline=date(2026, 5, 1)),
            ward,
            status="done",
            progress=100,
            completed_on=date(2026, 5, 3),
        )
        self.no_deadline = f.assignment(f.task(m, "Rà soát thủ tục"), ward, progress=5)
        self.cancelled = f.assignment(
            f.task(m, "Việc đã hủy", deadline=date(2026, 5, 20)), ward, status="cancelled"
        )


@pytest.fixture
def work(factory, world) -> Work:
    return Work(factory, world)


def counters(page: str) -> dict[str, int]:
    return {
        cat: int(n) for cat, n in re.findall(r'data-category="(\w+)"><strong>(\d+)</strong>', page)
    }


def row_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="assignment-(\d+)"', page)]


# --- the list ------------------------------------------------------------------------------


def test_officer_home_lists_own_unit_only(client, auth, world, work):
    auth.login("p.sodau")
    page = client.get("/").get_data(as_text=True)
    assert "Việc của đơn vị" in page and "UBND phường Sở Dầu" in page
    ids = row_ids(page)
    assert world.assignment_a.id in ids and work.cancelled.id in ids
    assert world.assignment_b.id not in ids and world.assignment_dept.id not in ids


def test_counters_per_category(client, auth, world, work):
    auth.login("p.sodau")
    assert counters(client.get("/").get_data(as_text=True)) == {
        "on_time": 1,
        "due_soon": 1,
        "overdue": 1,
        "done_on_time": 1,
        "done_late": 1,
        "ongoing": 0,
        "no_deadline": 1,
    }


def test_counter_links_filter_the_list(client, auth, world, work):
    auth.login("p.sodau")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/?category=overdue"' in page
    filtered = client.get("/?category=overdue").get_data(as_text=True)
    assert row_ids(filtered) == [work.overdue.id]
    assert 'aria-current="true" data-category="overdue"' in filtered
    assert 'href="/" class="t-overdue active"' in filtered  # clicking it again clears it


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=due_soon", ["due_soon"]),
        ("category=no_deadline", ["no_deadline"]),
        ("category=done_late", ["done_late"]),
        ("status=done", ["done_late", "done_on_time"]),
        ("status=new", ["due_soon", "on_time", "no_deadline"]),
        ("status=new&category=on_time", ["on_time"]),
        ("q=chỉnh trang", ["overdue"]),
        ("q=vỉa hè", ["overdue"]),
        ("q=TASK", ["done_late", "done_on_time"]),
        ("q=không có", []),
    ],
)
def test_filters(client, auth, world, work, query, expected):
    auth.login("p.sodau")
    page = client.get(f"/?{query}").get_data(as_text=True)
    assert row_ids(page) == [getattr(work, name).id for name in expected]


def test_unknown_filter_values_are_ignored(client, auth, world, work):
    auth.login("p.sodau")
    page = client.get("/?status=zzz&category=zzz&sort=zzz").get_data(as_text=True)
    assert len(row_ids(page)) == 7


def test_overdue_row_shows_days_late(client, auth, world, work):
    auth.login("p.sodau")
    page = client.get("/?category=overdue").get_data(as_text=True)
    assert "05/05/2026" in page and "Quá hạn 10 ngày" in page and "Quá hạn" in page
    # Late work reads the same whether it is still open or was finished late: one phrase.
    done_late = client.get("/?category=done_late").get_data(as_text=True)
    assert "Quá hạn 2 ngày" in done_late and "Chậm" not in done_late
    page = client.get(f"/assignments/{work.done_late.id}").get_data(as_text=True)
    assert "Quá hạn 2 ngày" in page and "Chậm" not in page


def test_empty_states(client, auth, world, factory):
    auth.login("pb.noivu")
    filtered = client.get("/?q=không có").get_data(as_text=True)
    assert "Không có nhiệm vụ nào khớp với bộ lọc." in filtered
    lonely = factory.unit("UBND phường Mới", code="moi")
    factory.user("p.moi", "officer", lonely)
    auth.logout()
    auth.login("p.moi")
    page = client.get("/").get_data(as_text=True)
    assert "Đơn vị chưa được giao nhiệm vụ nào." in page
    assert set(counters(page).values()) == {0}


# --- sorting and pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            # By default what needs the unit's action comes first (tests/test_unit_work_order.py).
            "",
            [
                "overdue",
                "due_soon",
                "on_time",
                "no_deadline",
                "done_late",
                "done_on_time",
                "cancelled",
            ],
        ),
        (
            "deadline",
            [
                "done_late",
                "overdue",
                "done_on_time",
                "due_soon",
                "cancelled",
                "on_time",
                "no_deadline",
            ],
        ),
        (
            # Empty deadlines stay last whichever way the list is sorted.
            "-deadline",
            [
                "on_time",
                "cancelled",
                "due_soon",
                "done_on_time",
                "overdue",
                "done_late",
                "no_deadline",
            ],
        ),
        (
            "title",
            [
                "done_on_time",
                "due_soon",
                "overdue",
                "no_deadline",
                "on_time",
                "cancelled",
                "done_late",
            ],
        ),
        (
            "-progress",
            [
                "done_late",
                "done_on_time",
                "overdue",
                "due_soon",
                "no_deadline",
                "cancelled",
                "on_time",
            ],
        ),
    ],
)
def test_sorting(client, auth, world, work, sort, expected):
    auth.login("p.sodau")
    page = client.get(f"/?sort={sort}" if sort else "/").get_data(as_text=True)
    assert row_ids(page) == [getattr(work, name).id for name in expected]


def test_sort_by_last_report_puts_unreported_last(client, auth, world, work):
    Assignment.update(last_report_at=datetime(2026, 5, 14, tzinfo=UTC)).where(
        Assignment.id == work.due_soon.id
    ).execute()
    Assignment.update(last_report_at=datetime(2026, 5, 12, tzinfo=UTC)).where(
        Assignment.id == work.overdue.id
    ).execute()
    auth.login("p.sodau")
    ids = row_ids(client.get("/?sort=updated").get_data(as_text=True))
    assert ids[:2] == [work.overdue.id, work.due_soon.id]
    newest_first = row_ids(client.get("/?sort=-updated").get_data(as_text=True))
    assert newest_first[:2] == [work.due_soon.id, work.overdue.id]
    assert client.get("/?sort=status").status_code == 200


def test_sort_headers_link_both_ways(client, auth, world, work):
    auth.login("p.sodau")
    page = client.get("/?sort=deadline").get_data(as_text=True)
    assert 'href="/?sort=-deadline&amp;page=1"' in page
    assert 'aria-sort="ascending"' in page


def test_pagination(app, client, auth, world, work):
    app.config["PAGE_SIZE"] = 3
    auth.login("p.sodau")
    first = client.get("/").get_data(as_text=True)
    assert row_ids(first) == [work.overdue.id, work.due_soon.id, work.on_time.id]
    assert "Trang 1 / 3" in first and "7 mục" in first
    second = client.get("/?page=2").get_data(as_text=True)
    assert row_ids(second) == [work.no_deadline.id, work.done_late.id, work.done_on_time.id]
    assert row_ids(client.get("/?page=99").get_data(as_text=True)) == [work.cancelled.id]
    filtered = client.get("/?status=new&page=2").get_data(as_text=True)
    assert row_ids(filtered) == [work.due_soon.id, work.on_time.id, work.no_deadline.id]


def test_htmx_get_returns_list_and_counters(client, auth, world, work):
    auth.login("p.sodau")
    response = client.hx_get("/?category=overdue")
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="work-list">')
    assert 'id="work-counters"' in fragment and 'hx-swap-oob="true"' in fragment
    assert row_ids(fragment) == [work.overdue.id]
    assert "HX-Request" in response.headers["Vary"]


def test_list_queries_do_not_grow_with_rows(client, auth, world, factory):
    auth.login("p.sodau")
    few = count_queries(lambda: client.get("/"))
    for n in range(8):
        factory.assignment(factory.task(world.meeting, f"Việc {n}"), world.ward_a)
    pages: list[str] = []
    assert count_queries(lambda: pages.append(client.get("/").get_data(as_text=True))) == few
    assert len(row_ids(pages[0])) == min(9, WORK_PAGE_SIZE)  # one page of the nine


def test_user_text_is_escaped(client, auth, world, factory):
    factory.assignment(factory.task(world.meeting, "<script>alert(1)</script>"), world.ward_a)
    auth.login("p.sodau")
    page = client.get("/").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


# --- inline actions ------------------------------------------------------------------------


def test_own_officer_rows_have_inline_forms(client, auth, world, work):
    auth.login("p.sodau")
    listing = client.get("/?status=new").get_data(as_text=True)
    a = world.assignment_a
    # A row's forms are fetched when its "Cập nhật" opens (the page stays small).
    actions = f"/assignments/{a.id}/actions?next=/?status%3Dnew"
    assert f'hx-get="{actions}" hx-trigger="toggle once"' in listing
    assert f'<a href="/assignments/{a.id}">' in listing  # the page has them without JavaScript
    page = client.hx_get(actions).get_data(as_text=True)
    assert f'hx-post="/assignments/{a.id}/reports"' in page
    assert f'hx-post="/assignments/{a.id}/status"' in page
    assert 'hx-target="closest tr"' in page and 'hx-swap="outerHTML"' in page
    assert f'action="/assignments/{a.id}/reports"' in page  # works without JavaScript
    assert 'name="next" value="/?status=new"' in page
    assert f'id="progress-{a.id}"' in page and f'for="progress-{a.id}"' in page


def test_rows_offer_only_allowed_moves(client, auth, world, work):
    auth.login("p.sodau")
    page = client.get("/?status=done").get_data(as_text=True)
    assert "hx-post" not in page  # nothing left to do on completed work
    in_progress = client.get("/?status=in_progress").get_data(as_text=True)
    # Submitting needs its own form (result and evidence): a link, not a status button.
    assert 'name="status" value="submitted"' not in in_progress
    assert '/submit"' in in_progress
    assert 'name="status" value="done"' not in in_progress


@pytest.mark.parametrize("username", ["tonghop", "theodoi"])
def test_readers_get_no_inline_forms(client, auth, world, work, username):
    auth.login(username)
    page = client.get(f"/units/{world.ward_a.id}").get_data(as_text=True)
    assert len(row_ids(page)) == 7
    assert "hx-post" not in page and "Thao tác" not in page


def test_leader_gets_status_actions_but_no_report_form(client, auth, world, work):
    auth.login("lanhdao")
    listing = client.get(f"/units/{world.ward_a.id}").get_data(as_text=True)
    assert f"/assignments/{world.assignment_a.id}/actions" in listing
    page = client.hx_get(f"/assignments/{world.assignment_a.id}/actions").get_data(as_text=True)
    assert "/status" in page and 'name="status" value="paused"' in page
    assert "/reports" not in page


def test_inline_report_round_trip_updates_counters(client, auth, world, work):
    auth.login("p.sodau")
    fragment = client.post(
        f"/assignments/{work.due_soon.id}/reports",
        data={"text": "Đã hoàn thành dự thảo", "progress": "80", "next": "/?sort=title"},
        htmx=True,
    ).get_data(as_text=True)
    assert row_ids(fragment) == [work.due_soon.id]
    assert 'value="80"' in fragment
    assert 'name="next" value="/?sort=title"' in fragment
    assert counters(fragment)["due_soon"] == 1
    assert 'href="/?category=due_soon"' in fragment


# --- /units/<id> ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("admin", 200),
        ("lanhdao", 200),
        ("tonghop", 200),
        ("theodoi", 200),
        ("p.sodau", 200),
        ("p.hoangvanthu", 403),
        ("pb.noivu", 403),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_unit_page_permissions(client, auth, world, work, username, status, htmx):
    auth.login(username)
    get = client.hx_get if htmx else client.get
    response = get(f"/units/{world.ward_a.id}")
    assert response.status_code == status
    if status == 200:
        assert len(row_ids(response.get_data(as_text=True))) == 7


def test_unit_page_shows_that_unit(client, auth, world, work):
    auth.login("lanhdao")
    page = client.get(f"/units/{world.ward_b.id}").get_data(as_text=True)
    assert "UBND phường Hoàng Văn Thụ" in page
    assert row_ids(page) == [world.assignment_b.id]
    assert f'href="/units/{world.ward_b.id}?category=on_time"' in page


def test_unit_page_404_and_login(client, auth, world):
    assert client.get(f"/units/{world.ward_a.id}").status_code == 302
    auth.login("lanhdao")
    assert client.get("/units/99999").status_code == 404


# --- in a real browser ---------------------------------------------------------------------


@pytest.mark.browser
def test_inline_actions_in_a_browser(app, world, work):
    """htmx swaps the row and the counters out of band, without a page load."""
    import playwright.sync_api as playwright
    from browser_support import LiveServer, chromium, log_in

    Assignment.update(status="submitted").where(Assignment.id == work.overdue.id).execute()
    server = LiveServer(app).start()
    try:
        with chromium() as browser:
            page = browser.new_page()
            log_in(page, server.url, "lanhdao", check=False)
            page.goto(f"{server.url}/units/{world.ward_a.id}?sort=title")
            page.evaluate("window.notReloaded = true")
            overdue = page.locator('[data-category="overdue"] strong')
            row = page.locator(f"#assignment-{work.overdue.id}")
            row.locator("summary").click()
            row.get_by_role("button", name="Trả lại, yêu cầu thực hiện lại").click()
            playwright.expect(row.locator(".field-error")).to_have_text("Vui lòng nêu lý do.")
            row.get_by_role("button", name="Xác nhận hoàn thành").click()
            playwright.expect(overdue).to_have_text("0")
            playwright.expect(row).to_contain_text("Hoàn thành quá hạn")
            assert page.locator('[data-category="done_late"] strong').inner_text() == "2"
            assert page.evaluate("window.notReloaded") is True
            assert page.url.endswith("?sort=title")
    finally:
        server.stop()
    assert Assignment.get_by_id(work.overdue.id).status == "done"
