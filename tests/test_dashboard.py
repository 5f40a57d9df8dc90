"""The leader's overview: counts per unit and category, the overdue list, the lists behind."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
from query_support import count_page_queries

from tracker.core import timeliness
from tracker.models import Assignment, Unit

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
ORDER = timeliness.ORDER
LINK_RE = re.compile(r'<a href="(/dashboard/assignments[^"]*)"[^>]*>(\d+)</a>')
ROW_RE = re.compile(r'href="/assignments/(\d+)"')


class Data:
    """The ``world`` plus assignments in every category, a second meeting, an agency,
    a cancelled assignment and an inactive ward (neither counted)."""

    def __init__(self, factory, world) -> None:
        self.f, self.w = factory, world
        self.meeting2 = factory.meeting("Họp giao ban tháng 5", held_on=date(2026, 5, 8))
        self.agency = factory.unit("Công an quận", kind="agency", code="congan")
        self.closed = factory.unit("UBND phường Cũ", code="cu", active=False)
        w, d = world, date
        self.a_due_today = self.give(w.ward_a, d(2026, 5, 15))
        self.a_overdue = self.give(w.ward_a, d(2026, 5, 14), status="in_progress", progress=60)
        self.a_done = self.give(w.ward_a, d(2026, 5, 10), status="done", completed_on=d(2026, 5, 9))
        self.a_none = self.give(w.ward_a, None)
        self.a_cancelled = self.give(w.ward_a, d(2026, 5, 1), status="cancelled")
        self.b_due_soon = self.give(w.ward_b, d(2026, 5, 18), meeting=self.meeting2)
        self.b_overdue = self.give(w.ward_b, d(2026, 4, 1), status="returned")
        self.b_late = self.give(w.ward_b, d(2026, 5, 1), status="done", completed_on=d(2026, 5, 5))
        self.b_done_none = self.give(w.ward_b, None, status="done", completed_on=d(2026, 5, 2))
        self.dept_on_time = self.give(w.dept, d(2026, 5, 19), meeting=self.meeting2)
        self.dept_overdue = self.give(
            w.dept, d(2026, 5, 7), status="submitted", meeting=self.meeting2
        )
        self.agency_none = self.give(self.agency, None, meeting=self.meeting2)
        ongoing = factory.task(self.meeting2, "Việc thường xuyên", None, deadline_kind="ongoing")
        self.agency_ongoing = factory.assignment(ongoing, self.agency)
        self.closed_overdue = self.give(self.closed, d(2026, 5, 1))

    def give(self, unit, deadline, meeting=None, **kw) -> Assignment:
        """One assignment of a new task of ``meeting`` (the world's by default) to ``unit``."""
        task = self.f.task(meeting or self.w.meeting, f"Việc số {next(self.f.seq)}", deadline)
        return self.f.assignment(task, unit, **kw)


@pytest.fixture
def data(factory, world) -> Data:
    return Data(factory, world)


# Hand-computed at NOW (15/05/2026, due-soon window 3 days), in ORDER:
# on_time, due_soon, overdue, done_on_time, done_late, ongoing, no_deadline.
EXPECTED = {
    "dept": (1, 0, 2, 0, 0, 0, 0),
    "ward_a": (1, 1, 1, 1, 0, 0, 1),
    "ward_b": (1, 1, 1, 1, 1, 0, 0),
    "agency": (0, 0, 0, 0, 0, 1, 1),
}


UNIT_ROW_RE = re.compile(r'<tr><th><a href="/units/(\d+)">[^<]*</a>((?:<td>[^<]*)+)')


def summary_links(page: str) -> dict[tuple[str | None, str | None], tuple[int, str]]:
    """The overview's numbers keyed by (unit id, category), with the list behind each.

    The totals row and the column heads link to their lists; a unit's cells are plain numbers
    (a link in each cell would triple the page), behind which is the same list narrowed to the
    unit: the page's filters (read from the totals' link) plus ``unit`` and ``category``.
    """
    table = page.split('<table class="summary">', 1)[1].split("</table>", 1)[0]
    numbers = {}
    for href, number in LINK_RE.findall(table):
        href = html.unescape(href)
        args = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
        numbers[(args.get("unit"), args.get("category"))] = (int(number), href)
    base = {k: v[0] for k, v in parse_qs(urlsplit(numbers[(None, None)][1]).query).items()}
    for unit, cells in UNIT_ROW_RE.findall(table):
        values = cells.split("<td>")[1:]
        for cat, value in zip([*ORDER, None], values, strict=False):
            args = {**base, "unit": unit, **({"category": cat} if cat else {})}
            numbers[(unit, cat)] = (int(value), f"/dashboard/assignments?{urlencode(args)}")
    return numbers


def listed_rows(client, href: str) -> list[int]:
    """The ids a list shows, in order, over all its pages."""
    ids: list[int] = []
    for page in range(1, 100):
        sep = "&" if "?" in href else "?"
        response = client.get(f"{href}{sep}page={page}")
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        ids += [int(i) for i in ROW_RE.findall(body)]
        if "Sau &raquo;" not in body:
            return ids
    raise AssertionError("too many pages")


def listed_ids(client, href: str) -> set[int]:
    return set(listed_rows(client, href))


def classified(app, unit_ids: set[int] | None = None) -> dict[str, set[int]]:
    """Ids per category computed in Python (timeliness.classify), active units only."""
    with app.app_context():
        today, window = timeliness.context()
        rows = Assignment.select().join(Unit).where(Unit.active == True)  # noqa: E712
        result: dict[str, set[int]] = {cat: set() for cat in ORDER}
        for a in rows:
            cat = timeliness.classify(
                a.status,
                a.deadline,
                a.completed_on,
                today,
                window,
                ongoing=a.deadline_kind == "ongoing",
            )
            if cat and (unit_ids is None or a.unit_id in unit_ids):
                result[cat].add(a.id)
    return result


def at_local(*args) -> datetime:
    return datetime(*args, tzinfo=HCM).astimezone(UTC)


def test_counts_per_unit_match_hand_computed(client, auth, world, data):
    auth.login("lanhdao")
    page = client.get("/").get_data(as_text=True)
    numbers = summary_links(page)
    units = {"dept": world.dept, "ward_a": world.ward_a, "ward_b": world.ward_b}
    units["agency"] = data.agency
    for key, expected in EXPECTED.items():
        uid = str(units[key].id)
        assert tuple(numbers[(uid, cat)][0] for cat in ORDER) == expected, key
        assert numbers[(uid, None)][0] == sum(expected)
    for i, cat in enumerate(ORDER):
        assert numbers[(None, cat)][0] == sum(e[i] for e in EXPECTED.values())
    assert numbers[(None, None)][0] == 15
    assert str(data.closed.id) not in {k[0] for k in numbers}
    # Departments first, then wards, then agencies; completed on time: 1 of 5, 2 of 14.
    assert page.index("Phòng Nội vụ") < page.index("UBND phường Sở Dầu") < page.index("Công an")
    assert "20,0%" in page and "13,3%" in page


def test_each_number_lists_exactly_its_assignments(app, client, auth, data):
    auth.login("tonghop")
    numbers = summary_links(client.get("/").get_data(as_text=True))
    expected_all = classified(app)
    for (unit, cat), (count, href) in numbers.items():
        expected = classified(app, {int(unit)}) if unit else expected_all
        ids = set().union(*expected.values()) if cat is None else expected[cat]
        assert listed_ids(client, href) == ids, href
        assert count == len(ids)
    assert data.a_cancelled.id not in listed_ids(client, numbers[(None, None)][1])


def test_cancelled_not_counted_but_listed_on_request(client, auth, world, data):
    auth.login("lanhdao")
    numbers = summary_links(client.get("/").get_data(as_text=True))
    assert numbers[(str(world.ward_a.id), None)][0] == 5
    listed = listed_ids(client, f"/dashboard/assignments?unit={world.ward_a.id}&status=cancelled")
    assert listed == {data.a_cancelled.id}


@pytest.mark.parametrize(
    ("instant", "category"),
    [(at_local(2026, 5, 15, 23, 59, 59), "due_soon"), (at_local(2026, 5, 16, 0, 0, 0), "overdue")],
)
def test_deadline_boundary_in_count_and_list(client, auth, clock, world, data, instant, category):
    clock.set(instant)
    auth.login("lanhdao")
    numbers = summary_links(client.get("/").get_data(as_text=True))
    uid = str(world.ward_a.id)
    other = "overdue" if category == "due_soon" else "due_soon"
    # Ward A: one overdue (14/05) besides the assignment due on 15/05.
    base = {"due_soon": 0, "overdue": 1}
    assert numbers[(uid, category)][0] == base[category] + 1
    assert numbers[(uid, other)][0] == base[other]
    assert data.a_due_today.id in listed_ids(client, numbers[(uid, category)][1])
    assert data.a_due_today.id not in listed_ids(client, numbers[(uid, other)][1])


def test_overdue_list_most_overdue_first_with_bands(client, auth, data):
    auth.login("lanhdao")
    page = client.get("/").get_data(as_text=True)
    section = page.split('<section id="overdue"', 1)[1]
    ids = [int(i) for i in ROW_RE.findall(section)]
    expected = [data.b_overdue, data.dept_overdue, data.w.assignment_dept, data.a_overdue]
    assert ids == [a.id for a in expected]
    for band in ("&gt;30 ngày", "8–30 ngày", "1–7 ngày"):
        assert band in section
    assert "44" in section and "Chưa báo cáo" in section


def test_overdue_list_paginates_by_ten_with_htmx_block(client, auth, factory, world):
    task_deadlines = [date(2026, 4, 1) + timedelta(days=i) for i in range(12)]
    made = []
    for i, deadline in enumerate(task_deadlines):
        task = factory.task(world.meeting, f"Quá hạn {i}", deadline)
        made.append(factory.assignment(task, world.ward_a))
    auth.login("lanhdao")
    first = client.get("/").get_data(as_text=True).split('<section id="overdue"', 1)[1]
    assert [int(i) for i in ROW_RE.findall(first)] == [a.id for a in made[:10]]
    response = client.hx_get("/?page=2")
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="overdue"') and "<html" not in body
    assert '<table class="summary">' not in body
    expected = [made[10], made[11], world.assignment_dept]
    assert [int(i) for i in ROW_RE.findall(body)] == [a.id for a in expected]
    assert 'hx-target="#overdue"' in body


def test_home_filters_by_kind_and_meeting(client, auth, world, data):
    auth.login("lanhdao")
    wards = summary_links(client.get("/?kind=ward").get_data(as_text=True))
    assert {k[0] for k in wards if k[0]} == {str(world.ward_a.id), str(world.ward_b.id)}
    assert wards[(None, None)][0] == 10
    assert "kind=ward" in wards[(None, "overdue")][1]
    numbers = summary_links(client.get(f"/?meeting={data.meeting2.id}").get_data(as_text=True))
    assert numbers[(str(world.dept.id), None)][0] == 2
    assert numbers[(None, None)][0] == 5
    assert listed_ids(client, numbers[(None, None)][1]) == {
        data.b_due_soon.id,
        data.dept_on_time.id,
        data.dept_overdue.id,
        data.agency_none.id,
        data.agency_ongoing.id,
    }


def test_list_filters_sort_and_empty_state(client, auth, world, data):
    auth.login("theodoi")
    assert listed_ids(client, "/dashboard/assignments?" + urlencode({"q": "tuyên TRUYỀN"})) == {
        world.assignment_a.id,
        world.assignment_b.id,
    }
    assert listed_ids(client, "/dashboard/assignments?status=returned") == {data.b_overdue.id}
    assert listed_ids(client, "/dashboard/assignments?kind=agency") == {
        data.agency_none.id,
        data.agency_ongoing.id,
    }
    body = client.get("/dashboard/assignments?sort=-progress").get_data(as_text=True)
    assert int(ROW_RE.search(body).group(1)) == data.a_overdue.id
    by_deadline = listed_rows(client, "/dashboard/assignments")
    assert by_deadline[0] == data.b_overdue.id
    assert set(by_deadline[-4:]) == {
        data.a_none.id,
        data.b_done_none.id,
        data.agency_none.id,
        data.agency_ongoing.id,
    }
    # Empty deadlines stay last when the newest deadlines come first, too.
    latest_first_ids = listed_rows(client, "/dashboard/assignments?sort=-deadline")
    assert set(latest_first_ids[-4:]) == set(by_deadline[-4:])
    assert latest_first_ids[0] not in by_deadline[-4:]
    by_unit = listed_rows(client, "/dashboard/assignments?sort=unit")
    assert by_unit[0] in {data.w.assignment_dept.id, data.dept_on_time.id, data.dept_overdue.id}
    assert by_unit[-1] in {data.agency_none.id, data.agency_ongoing.id}
    empty = client.get(f"/dashboard/assignments?unit={data.agency.id}&category=overdue")
    assert empty.status_code == 200
    assert "Không có nhiệm vụ nào phù hợp với bộ lọc." in empty.get_data(as_text=True)


def test_list_rows_link_to_assignment_and_unit(client, auth, world, data):
    auth.login("lanhdao")
    body = client.get(f"/dashboard/assignments?unit={world.dept.id}").get_data(as_text=True)
    assert f'href="/assignments/{data.dept_overdue.id}"' in body
    assert f'href="/units/{world.dept.id}"' in body
    assert "Họp giao ban tháng 5" in body and "Quá hạn" in body


def test_list_htmx_returns_only_results_block(client, auth, world, data):
    auth.login("lanhdao")
    response = client.hx_get(f"/dashboard/assignments?category=overdue&unit={world.dept.id}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="assignment-results"')
    assert "<form" not in body and "<html" not in body
    assert {int(i) for i in ROW_RE.findall(body)} == {
        world.assignment_dept.id,
        data.dept_overdue.id,
    }


@pytest.mark.parametrize(
    "query",
    [
        "unit=99999",
        "unit=abc",
        "unit=%C2%B2",
        "unit=99999999999999999999",
        "meeting=99999",
        "meeting=-1",
        "category=late",
        "status=lost",
        "kind=city",
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_invalid_filter_is_400_with_message(client, auth, world, query, htmx):
    auth.login("lanhdao")
    get = client.hx_get if htmx else client.get
    response = get(f"/dashboard/assignments?{query}")
    assert response.status_code == 400
    assert "Bộ lọc không hợp lệ" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["kind=city", "meeting=99999", "meeting=x"])
def test_home_invalid_filter_is_400(client, auth, world, query):
    auth.login("lanhdao")
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    assert "Bộ lọc không hợp lệ" in response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["admin", "lanhdao", "tonghop", "theodoi"])
def test_roles_that_see_the_overview(client, auth, world, username):
    auth.login(username)
    assert "Tổng hợp tình hình thực hiện nhiệm vụ" in client.get("/").get_data(as_text=True)
    assert client.get("/dashboard/assignments").status_code == 200
    assert client.hx_get("/dashboard/assignments").status_code == 200


@pytest.mark.parametrize("username", ["p.sodau", "pb.noivu"])
def test_officer_gets_403(client, auth, world, username):
    auth.login(username)
    assert client.get("/dashboard/assignments").status_code == 403
    assert client.hx_get("/dashboard/assignments?category=overdue").status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    response = client.get("/dashboard/assignments")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_home_query_count_does_not_grow(client, auth, factory, world, data):
    auth.login("lanhdao")
    filtered = f"/?meeting={data.meeting2.id}&kind=ward"
    client.get("/")
    before = count_page_queries(client, "/")
    before_filtered = count_page_queries(client, filtered)
    for i in range(30):
        unit = factory.unit(f"Phường mới {i}", code=f"moi{i}")
        task = factory.task(data.meeting2, f"Thêm {i}", date(2026, 5, 1) + timedelta(days=i))
        factory.assignment(task, unit, status="done" if i % 5 == 0 else "in_progress")
        factory.assignment(factory.task(world.meeting, f"Khác {i}"), world.ward_a)
    # The first view after a change recomputes the changed units' counts (tracker/cache.py).
    client.get("/")
    assert count_page_queries(client, "/") == before
    assert count_page_queries(client, filtered) == before_filtered


def test_meeting_select_stays_small_but_keeps_the_chosen_meeting(client, auth, factory, world):
    oldest = factory.meeting("Cuộc họp cũ nhất", held_on=date(2020, 1, 2))
    for n in range(105):
        factory.meeting(f"Họp giao ban số {n}", held_on=date(2026, 1, 1))
    auth.login("lanhdao")
    page = client.get("/").get_data(as_text=True)
    select = page.split('id="f-meeting"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option") == 1 + 10
    assert "Cuộc họp cũ nhất" not in select
    # Any other meeting is found by typing in the search field beside the select (htmx).
    found = client.hx_get("/dashboard/meeting-options?mq=CŨ NHẤT").get_data(as_text=True)
    assert found.count("<option") == 2 and f'value="{oldest.id}"' in found
    chosen = client.get(f"/?meeting={oldest.id}").get_data(as_text=True)
    select = chosen.split('id="f-meeting"', 1)[1].split("</select>", 1)[0]
    assert f'value="{oldest.id}" selected' in select


def test_a_province_s_units_come_by_pages_and_the_totals_count_them_all(
    client, auth, factory, world
):
    """150 units are 27 KB of table: the summary shows 30 a page, the totals row all."""
    from tracker.overview.dashboard import UNITS_PER_PAGE

    made = [factory.unit(f"UBND xã Thử {n:03d}", short_name=f"Xã Thử {n:03d}") for n in range(45)]
    task = factory.task(world.meeting, "Việc của mọi xã", date(2026, 6, 30))
    for unit in made:
        factory.assignment(task, unit)
    shown = Unit.select().where(Unit.active == True).count()  # noqa: E712
    auth.login("lanhdao")
    pages = []
    for number in (1, 2, 3):
        page = client.get(f"/?upage={number}").get_data(as_text=True)
        table = page.split('<table class="summary">', 1)[1].split("</table>", 1)[0]
        pages.append(table)
        assert f"Trang {min(number, 2)} / 2" in page
        assert "Tổng cộng" in table
        if number == 1:
            assert "upage=2" in page.split("</table>", 1)[1]
    names = [re.findall(r'href="/units/(\d+)"', table) for table in pages]
    assert len(names[0]) == UNITS_PER_PAGE
    assert len(names[1]) == shown - UNITS_PER_PAGE
    assert names[2] == names[1]  # past the end: the last page
    assert not set(names[0]) & set(names[1])
    totals = [table.split("<tfoot>", 1)[1] for table in pages]
    assert totals[0] == totals[1]


def test_a_unit_with_nothing_judged_yet_shows_no_rate(client, auth, world, factory):
    """Work all within its deadline (or ongoing) has not been judged: the overview shows "—",
    not a 0 % that reads as a failure (as the report does); one overdue item gives 0 %."""
    quiet = factory.unit("UBND xã Yên Tĩnh", code="yentinh")
    task = factory.task(world.meeting, "Việc thường xuyên", None, deadline_kind="ongoing")
    factory.assignment(task, quiet)
    later = factory.task(world.meeting, "Việc còn hạn", date(2026, 7, 1))
    factory.assignment(later, quiet)
    auth.login("lanhdao")

    def rate_cell() -> str:
        page = client.get("/").get_data(as_text=True)
        row = page.split(f'href="/units/{quiet.id}">', 1)[1].split("\n", 1)[0]
        return re.findall(r"<td>([^<]*)", row)[-1].strip()

    assert rate_cell() == "—"
    late = factory.task(world.meeting, "Việc quá hạn", date(2026, 5, 1))
    factory.assignment(late, quiet)
    assert rate_cell() == "0,0%"
