"""The deadline calendar and its iCalendar feeds: scope, colours, tokens, revocation."""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import NOW
from icalendar import Calendar

from tracker.models import Assignment, CalendarFeed, User


@pytest.fixture(autouse=True)
def _request_host(monkeypatch):
    """Feed addresses from the request's host unless TRACKER_BASE_URL is set."""
    monkeypatch.delenv("TRACKER_BASE_URL", raising=False)


@pytest.fixture
def deadlines(world, factory):
    """Besides the world's: a cancelled one, one without deadline, one outside the feed window."""
    meeting = world.meeting
    cancelled = factory.task(meeting, "Việc đã hủy", deadline=date(2026, 5, 20))
    factory.assignment(cancelled, world.ward_a, status="cancelled")
    ongoing = factory.task(meeting, "Việc thường xuyên", deadline_kind="ongoing")
    factory.assignment(ongoing, world.ward_a)
    old = factory.task(meeting, "Việc năm trước", deadline=date(2025, 1, 10))
    factory.assignment(old, world.ward_a)
    return world


def _uids(body: bytes) -> set[str]:
    cal = Calendar.from_ical(body)
    return {str(e["UID"]) for e in cal.walk("VEVENT")}


def _uid(assignment) -> str:
    return f"assignment-{assignment.id}@localhost"


def _create_feed(client, **form) -> str:
    page = client.post("/calendar/feeds", data=form).get_data(as_text=True)
    match = re.search(r'value="(http://localhost/calendar/feed/[^"]+\.ics)"', page)
    assert match, page
    return match.group(1).removeprefix("http://localhost")


def test_month_view_lists_visible_deadlines_with_colours(client, auth, deadlines):
    world = deadlines
    auth.login("p.sodau")
    page = client.get("/calendar?month=2026-05").get_data(as_text=True)
    assert "Tháng 5/2026" in page
    assert f"/assignments/{world.assignment_a.id}" in page
    assert f"/assignments/{world.assignment_b.id}" not in page  # another ward's
    assert f"/assignments/{world.assignment_dept.id}" not in page
    assert "Việc đã hủy" not in page and "Việc thường xuyên" not in page
    assert re.search(r'class="cal-today[^"]*" aria-current="date"><b>15<', page)
    assert '<li class="t-on_time"' in page and '<li class="t-due_soon"' not in page
    # An officer may not look at another unit.
    assert client.get(f"/calendar?unit={world.ward_b.id}").status_code == 403


def test_leader_sees_all_and_filters_by_unit(client, auth, deadlines):
    world = deadlines
    auth.login("lanhdao")
    page = client.get("/calendar?month=2026-05").get_data(as_text=True)
    for a in (world.assignment_a, world.assignment_b, world.assignment_dept):
        assert f"/assignments/{a.id}" in page
    assert '<li class="t-overdue"' in page  # the department's, due 10 May
    fragment = client.hx_get(f"/calendar?month=2026-05&unit={world.dept.id}").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="calendar"')
    assert f"/assignments/{world.assignment_dept.id}" in fragment
    assert f"/assignments/{world.assignment_a.id}" not in fragment
    nxt = client.hx_get("/calendar?month=2026-06").get_data(as_text=True)
    assert "Tháng 6/2026" in nxt and "month=2026-07" in nxt and "month=2026-05" in nxt


def test_user_feed_holds_exactly_the_visible_deadlines(client, auth, deadlines):
    world = deadlines
    auth.login("p.sodau")
    path = _create_feed(client, scope="user")
    client.post("/logout")
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.data)
    assert "Sở Dầu" in str(cal["X-WR-CALNAME"]) or "P.Sodau" in str(cal["X-WR-CALNAME"])
    assert _uids(response.data) == {_uid(world.assignment_a)}
    (event,) = cal.walk("VEVENT")
    assert event["DTSTART"].dt == date(2026, 5, 30) and event["DTEND"].dt == date(2026, 5, 31)
    assert "Tăng cường tuyên truyền CCHC" in str(event["SUMMARY"])
    assert str(event["URL"]).endswith(f"/assignments/{world.assignment_a.id}")
    # The same UIDs next time (calendar applications update rather than duplicate).
    assert _uids(client.get(path).data) == {_uid(world.assignment_a)}


def test_leader_feeds_all_and_per_unit(client, auth, deadlines):
    world = deadlines
    auth.login("lanhdao")
    everything = _create_feed(client, scope="user")
    ward_b = _create_feed(client, scope="unit", unit=str(world.ward_b.id))
    expected = {
        _uid(a)
        for a in Assignment.select().where(
            Assignment.deadline.between(date(2026, 2, 14), date(2027, 5, 16)),
            Assignment.status != "cancelled",
        )
    }
    assert expected == {
        _uid(world.assignment_a),
        _uid(world.assignment_b),
        _uid(world.assignment_dept),
    }
    assert _uids(client.get(everything).data) == expected
    assert _uids(client.get(ward_b).data) == {_uid(world.assignment_b)}


def test_officer_unit_feed_only_for_own_unit(client, auth, world):
    auth.login("p.sodau")
    before = CalendarFeed.select().count()
    response = client.post("/calendar/feeds", data={"scope": "unit", "unit": world.ward_b.id})
    assert response.status_code == 403 and CalendarFeed.select().count() == before
    own = _create_feed(client, scope="unit", unit=str(world.ward_a.id))
    assert _uids(client.get(own).data) == {_uid(world.assignment_a)}
    # Moved to another unit: the old unit's feed stops.
    User.update(unit=world.ward_b).where(User.id == world.officer_a.id).execute()
    assert client.get(own).status_code == 404


def test_wrong_revoked_and_deactivated_feeds_answer_404(client, auth, world):
    auth.login("p.sodau")
    path = _create_feed(client, scope="user")
    feed = CalendarFeed.get()
    assert path.split("/")[-1].removesuffix(".ics") not in feed.token_hash
    wrong = client.get("/calendar/feed/" + "x" * 43 + ".ics")
    assert wrong.status_code == 404 and b"VCALENDAR" not in wrong.data
    assert client.get(path).status_code == 200
    # Revoking asks first, then the address stops at once.
    confirm = client.get(f"/calendar/feeds/{feed.id}/revoke").get_data(as_text=True)
    assert "Thu hồi địa chỉ lịch?" in confirm
    assert client.post(f"/calendar/feeds/{feed.id}/revoke").status_code == 200
    assert CalendarFeed.get_by_id(feed.id).revoked_at == NOW
    revoked = client.get(path)
    assert revoked.status_code == 404 and revoked.data == wrong.data
    # Deactivated owner.
    second = _create_feed(client, scope="user")
    assert client.get(second).status_code == 200
    User.update(active=False).where(User.id == world.officer_a.id).execute()
    assert client.get(second).status_code == 404


def test_others_cannot_revoke_a_feed(client, auth, world):
    feed, _token = CalendarFeed.issue(world.officer_a, None, NOW)
    auth.login("admin")
    assert client.get(f"/calendar/feeds/{feed.id}/revoke").status_code == 404
    assert client.post(f"/calendar/feeds/{feed.id}/revoke").status_code == 404
    assert CalendarFeed.get_by_id(feed.id).revoked_at is None


def test_pages_in_english(app, client, auth, deadlines):
    from test_i18n import _english_page, _switch, _vietnamese_left

    auth.login("lanhdao")
    assert _switch(client, "en").status_code == 302
    _english_page(app, client, "/calendar?month=2026-05", "Deadline calendar")
    _english_page(app, client, "/calendar?day=2026-05-30", "Deadlines on 30/05/2026", "Next day")
    _english_page(app, client, "/calendar/feeds", "Create calendar address")
    _english_page(app, client, "/search", "Search")
    # Marks split the user's words into pieces: read the results without them.
    html = client.get("/search?q=tuyen+truyen").get_data(as_text=True)
    assert "See all" not in html and "<mark>" in html
    assert _vietnamese_left(app, html.replace("<mark>", "").replace("</mark>", "")) == []
    _english_page(app, client, "/search?q=khong+co", "Nothing found")


def test_feed_address_uses_the_configured_base_url(client, auth, world, app, monkeypatch):
    monkeypatch.setenv("TRACKER_BASE_URL", "https://giaoviec.example.vn")
    app.config["BASE_URL"] = "https://giaoviec.example.vn"
    auth.login("theodoi")
    page = client.post("/calendar/feeds", data={"scope": "user"}).get_data(as_text=True)
    match = re.search(r'value="https://giaoviec\.example\.vn(/calendar/feed/[^"]+\.ics)"', page)
    assert match
    body = client.get(match.group(1)).data
    assert f"assignment-{world.assignment_a.id}@giaoviec.example.vn" in _uids(body)


def test_crowded_day_shows_the_first_few_and_a_link_to_all(client, auth, world, factory):
    task = factory.task(world.meeting, "Việc đông", deadline=date(2026, 5, 21))
    units = [factory.unit(f"Phường {n}", short_name=f"P{n}") for n in range(6)]
    for unit in units:
        factory.assignment(task, unit)
    auth.login("tonghop")
    page = client.get("/calendar?month=2026-05").get_data(as_text=True)
    assert page.count("Việc đông") == 3 and "+ 3 việc khác" in page
    assert 'href="/calendar?day=2026-05-21"' in page
    # The count of the month: the world's three and these six.
    assert "9 hạn xử lý trong tháng." in page
    day = client.hx_get("/calendar?day=2026-05-21").get_data(as_text=True)
    assert day.lstrip().startswith('<div id="calendar"')
    assert "Hạn xử lý ngày 21/05/2026" in day and "6 hạn xử lý trong ngày." in day
    assert day.count("Việc đông") == 6
    assert 'href="/calendar?month=2026-05"' in day  # back to the month


def test_crowded_month_shows_one_per_day_undone_first(client, auth, world, factory):
    """Every day busy: one deadline per day, the work still to do before the work done."""
    unit = factory.unit("Phường Đông", short_name="PĐ")
    for day in range(1, 32):
        done = factory.task(world.meeting, f"Xong {day}", deadline=date(2026, 5, day))
        factory.assignment(done, unit, status="done", completed_on=date(2026, 5, 1))
        todo = factory.task(world.meeting, f"Còn {day}", deadline=date(2026, 5, day))
        factory.assignment(todo, unit, status="in_progress")
    auth.login("tonghop")
    page = client.get(f"/calendar?month=2026-05&unit={unit.id}").get_data(as_text=True)
    assert page.count('<li class="t-') == 31
    assert "Còn 21" in page and "Xong 21" not in page
    assert f'href="/calendar?day=2026-05-21&amp;unit={unit.id}">+ 1 việc khác' in page
    day = client.get(f"/calendar?day=2026-05-21&unit={unit.id}").get_data(as_text=True)
    assert day.index("Còn 21") < day.index("Xong 21")
    assert "Phường Đông" in day and f'<option value="{unit.id}" selected>' in day


def test_day_list_is_paged_and_scoped(client, auth, world, factory):
    task = factory.task(world.meeting, "Việc ngày 20", deadline=date(2026, 5, 20))
    for n in range(25):
        factory.assignment(task, factory.unit(f"Phường {n:02d}", short_name=f"P{n:02d}"))
    factory.assignment(task, world.ward_a)
    auth.login("theodoi")
    first = client.get("/calendar?day=2026-05-20").get_data(as_text=True)
    assert "26 hạn xử lý trong ngày." in first and "Trang 1 / 2" in first
    assert first.count("Việc ngày 20") == 20
    second = client.get("/calendar?day=2026-05-20&page=2").get_data(as_text=True)
    assert "Trang 2 / 2" in second and second.count("Việc ngày 20") == 6
    # An officer sees only his unit's, and no other unit's day.
    auth.logout()
    auth.login("p.sodau")
    own = client.get("/calendar?day=2026-05-20").get_data(as_text=True)
    assert "1 hạn xử lý trong ngày." in own and own.count("Việc ngày 20") == 1
    assert client.get(f"/calendar?day=2026-05-20&unit={world.ward_b.id}").status_code == 403
    # A day that is not a date shows the month.
    assert "Tháng 5/2026" in client.get("/calendar?day=2026-05-32").get_data(as_text=True)


def test_queries_do_not_grow_with_the_deadlines(client, auth, world, factory):
    from query_support import count_page_queries

    auth.login("lanhdao")
    urls = ["/calendar?month=2026-05", "/calendar?day=2026-05-20"]
    before = {url: count_page_queries(client, url) for url in urls}
    for n in range(30):
        task = factory.task(world.meeting, f"Việc {n}", deadline=date(2026, 5, 1 + n % 28))
        factory.assignment(task, world.ward_a)
        factory.assignment(task, world.ward_b)
    assert {url: count_page_queries(client, url) for url in urls} == before
