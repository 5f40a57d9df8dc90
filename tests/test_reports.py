"""Reports: the categories, totals, ranking and trend against hand-computed figures.

The period is the first quarter of 2026 (1 January – 31 March); the clock stands at
15 May 2026, so the report is judged as of 31 March. Every expected number below was worked
out by hand from the fixture's comments, not by running the code.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from conftest import NOW
from test_i18n import _english_page, _switch, english_catalog  # noqa: F401

from tracker.core.clock import get_clock
from tracker.models import Assignment, Task, Unit
from tracker.reports import report
from tracker.reports.params import parse

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
Q1 = "period=quarter&year=2026&quarter=1"
COUNT_RE = re.compile(r"<p class=\"muted\">(\d+) nhiệm vụ")


def at_local(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HCM)


class Fixture:
    """Two units; each assignment's comment gives its category as of 31 March 2026."""

    def __init__(self, factory, world) -> None:
        self.f, self.w = factory, world
        d = date
        self.u1, self.u2 = world.ward_a, world.dept
        u1, u2 = self.u1, self.u2
        # --- U1 (UBND phường Sở Dầu) ---
        # deadline on the period's first day, completed that very day: done on time
        self.a1 = self.give(u1, d(2026, 1, 1), done=d(2026, 1, 1))
        # deadline on the period's last day, still open: within the deadline (not overdue)
        self.a2 = self.give(u1, d(2026, 3, 31))
        # done 5 days late
        self.a3 = self.give(u1, d(2026, 2, 10), done=d(2026, 2, 15))
        # extension approved BEFORE the original deadline (1/2 → 15/3): counts against 15/3;
        # done 10/3: on time
        self.a4 = self.give(
            u1,
            d(2026, 3, 15),
            original=d(2026, 2, 1),
            stats=d(2026, 3, 15),
            ext=1,
            done=d(2026, 3, 10),
        )
        # extension approved AFTER the original deadline had passed (1/2 → 20/3): statistics
        # keep 1/2; done 5/3: late by 32 days
        self.a5 = self.give(
            u1,
            d(2026, 3, 20),
            original=d(2026, 2, 1),
            stats=d(2026, 2, 1),
            ext=1,
            done=d(2026, 3, 5),
        )
        # open, deadline 1/3: overdue by 30 days on 31/3
        self.a6 = self.give(u1, d(2026, 3, 1))
        # done only on 2/4, after the period: as of 31/3 overdue by 39 days
        self.a7 = self.give(u1, d(2026, 2, 20), done=d(2026, 4, 2))
        # done 25/12/2025 with a December deadline: finished before the period, left out
        self.give(u1, d(2025, 12, 20), done=d(2025, 12, 25))
        # deadline after the period, open: within the deadline
        self.a9 = self.give(u1, d(2026, 6, 30), created=at_local(d(2026, 2, 1)))
        # cancelled: never counted
        self.give(u1, d(2026, 2, 1), status="cancelled")
        # assigned at 00:30 on 1/4 Vietnam time (17:30 UTC on 31/3): after the period
        self.a10 = self.give(u1, d(2026, 3, 30), created=datetime(2026, 3, 31, 17, 30, tzinfo=UTC))
        # assigned at 23:59 on 31/3 Vietnam time (16:59 UTC): inside the period, within deadline
        self.a11 = self.give(u1, d(2026, 4, 10), created=datetime(2026, 3, 31, 16, 59, tzinfo=UTC))
        # submitted at 00:30 on 1/1/2026 Vietnam time (17:30 UTC on 31/12/2025), deadline
        # 31/12/2025: completed 1/1 local, late by 1 day, inside the period
        self.a12 = self.give(
            u1, d(2025, 12, 31), done_at=datetime(2025, 12, 31, 17, 30, tzinfo=UTC)
        )
        # ongoing work ("thường xuyên"): within the deadline
        self.a13 = self.give(u1, None, kind="ongoing")
        # open since November: overdue by 121 days on 31/3
        self.a14 = self.give(u1, d(2025, 11, 30))
        # --- U2 (Phòng Nội vụ) ---
        self.b1 = self.give(u2, d(2026, 2, 15), done=d(2026, 2, 14))  # on time
        self.b2 = self.give(u2, d(2026, 3, 31), done=d(2026, 3, 31))  # on time, on the last day
        self.b3 = self.give(u2, d(2026, 1, 15))  # overdue by 75 days

    def give(
        self,
        unit: Unit,
        deadline: date | None,
        *,
        status: str | None = None,
        done: date | None = None,
        done_at: datetime | None = None,
        original: date | None = None,
        stats: date | None = None,
        ext: int = 0,
        kind: str = "date",
        created: datetime | None = None,
    ) -> Assignment:
        task = Task.create(
            meeting=self.w.meeting,
            number=Task.next_number(self.w.meeting),
            title=f"Nhiệm vụ báo cáo {Task.select().count() + 1}",
            deadline_kind=kind,
            deadline=deadline,
            created_at=NOW,
            updated_at=NOW,
        )
        if done is not None:
            done_at = at_local(done, 16)
        completed_on = get_clock().local_date(done_at) if done_at else None
        original = original or deadline
        return Assignment.create(
            task=task,
            unit=unit,
            status=status or ("done" if done_at else "in_progress"),
            deadline_kind=kind,
            deadline=deadline,
            original_deadline=original,
            stats_deadline=stats or original,
            extension_count=ext,
            submitted_at=done_at,
            completed_at=done_at,
            completed_on=completed_on,
            created_at=created or datetime(2025, 12, 1, 2, 0, tzinfo=UTC),
            updated_at=NOW,
        )


@pytest.fixture
def data(app_ctx, factory, world) -> Fixture:
    return Fixture(factory, world)


@pytest.fixture
def built(app, factory, world) -> Fixture:
    """The fixture's rows, with no application context left around the requests."""
    with app.app_context():
        return Fixture(factory, world)


def _summary(world, query: str = Q1):
    from werkzeug.datastructures import MultiDict

    args = MultiDict([kv.split("=", 1) for kv in query.split("&")])
    today = get_clock().today()
    params, errors, _raw = parse(args, today)
    assert not errors, errors
    return params, report.summary(params, today, world.leader)


def test_counts_per_unit_and_totals_match_the_hand_computed_figures(data, world):
    assert data.a12.completed_on == date(2026, 1, 1)  # the midnight edge, in Vietnam time
    params, summary = _summary(world)
    assert (params.start, params.end, summary["as_of"]) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
        "2026-03-31",
    )
    rows = {r["unit_id"]: r for r in summary["rows"]}
    assert set(rows) == {data.u1.id, data.u2.id}
    u1, u2, tot = rows[data.u1.id], rows[data.u2.id], summary["totals"]
    keys = ("assigned", "done_on_time", "done_late", "pending", "overdue", "extensions")
    assert [u1[k] for k in keys] == [12, 2, 3, 4, 3, 2]
    assert [u2[k] for k in keys] == [3, 2, 0, 0, 1, 0]
    assert [tot[k] for k in keys] == [15, 4, 3, 4, 4, 2]
    # days late: U1 5 + 32 + 1 (done late) + 30 + 39 + 121 (overdue) = 228 over 6
    assert (u1["late_days"], u1["avg_days_late"]) == (228, 38.0)
    assert (u2["late_days"], u2["avg_days_late"]) == (75, 75.0)
    assert tot["late_days"] == 303 and tot["avg_days_late"] == pytest.approx(303 / 7)
    assert u1["on_time_rate"] == pytest.approx(2 / 12)
    # score = 100 × (on time + 0.5 × late) ÷ (assigned − within deadline)
    assert u1["score"] == 43.8  # 100 × 3.5 / 8 = 43.75
    assert u2["score"] == 66.7  # 100 × 2 / 3
    assert tot["score"] == 50.0  # 100 × 5.5 / 11
    assert (u2["rank"], u1["rank"]) == (1, 2)


def test_monthly_trend(data, world):
    _params, summary = _summary(world)
    assert summary["trend"] == [
        # January: a1 on time (1/1), a12 late (1/1); due: a1 (1/1), b3 (15/1)
        {"month": "2026-01", "done_on_time": 1, "done_late": 1, "due": 2},
        # February: b1 on time, a3 late; due: a5 (1/2), a3 (10/2), b1 (15/2), a7 (20/2)
        {"month": "2026-02", "done_on_time": 1, "done_late": 1, "due": 4},
        # March: a4 and b2 on time, a5 late; due: a6 (1/3), a4 (15/3), a2 and b2 (31/3)
        {"month": "2026-03", "done_on_time": 2, "done_late": 1, "due": 4},
    ]


def test_a_period_still_running_is_judged_today(data, world):
    # May 2026, judged on 15 May. In: the work still open on 1 May. U1: a2 (31/3), a6 (1/3),
    # a10 (30/3, assigned 1/4), a11 (10/4) and a14 are overdue; a9 (30/6) and a13 (ongoing)
    # within the deadline. Out: everything completed before 1 May (a7 was done on 2/4).
    # The world's own assignments, given on 15 May, join: ward A's (30/5) within the
    # deadline, the department's (10/5) overdue by 5 days.
    _params, summary = _summary(world, "period=month&year=2026&month=5")
    assert summary["as_of"] == "2026-05-15"
    rows = {r["unit_id"]: r for r in summary["rows"]}
    keys = ("assigned", "done_on_time", "done_late", "pending", "overdue")
    assert [rows[data.u1.id][k] for k in keys] == [8, 0, 0, 3, 5]
    assert [rows[data.u2.id][k] for k in keys] == [2, 0, 0, 0, 2]
    assert rows[data.u2.id]["late_days"] == 120 + 5  # b3 (15/1 → 15/5) and the department's (10/5)
    # days overdue on 15/5: a2 45, a6 75, a10 46, a11 35, a14 166
    assert rows[data.u1.id]["late_days"] == 45 + 75 + 46 + 35 + 166


def test_scopes(data, world, factory):
    _p, by_kind = _summary(world, Q1 + "&scope=kind:department")
    assert [r["unit_id"] for r in by_kind["rows"]] == [data.u2.id]
    _p, by_group = _summary(world, Q1 + f"&scope=group:{world.wards.id}")
    assert [r["unit_id"] for r in by_group["rows"]] == [data.u1.id]
    Task.update(field="thu_tuc").where(Task.id == data.b1.task_id).execute()
    _p, by_field = _summary(world, Q1 + "&scope=field:thu_tuc")
    assert by_field["totals"]["assigned"] == 1 and by_field["totals"]["done_on_time"] == 1
    other = factory.meeting("Họp khác")
    Task.update(meeting=other).where(Task.id == data.b3.task_id).execute()
    _p, by_meeting = _summary(world, Q1 + f"&scope=meeting:{other.id}")
    assert by_meeting["totals"]["assigned"] == 1 and by_meeting["totals"]["overdue"] == 1


COLUMNS = ("", "done_on_time", "done_late", "pending", "overdue")  # "" is the assigned column


def _list_count(client, url: str) -> int:
    listing = client.get(url)
    assert listing.status_code == 200, url
    found = COUNT_RE.search(listing.get_data(as_text=True))
    return int(found.group(1)) if found else 0


def _report_form(page: str) -> tuple[str, dict[str, str], str]:
    """The GET form around the table: its action, hidden arguments and inner HTML."""
    form = re.search(
        r'<form method="get" action="([^"]+)" class="report-units">(.*?)</form>', page, re.S
    )
    assert form, "the table sits in a form for the list page"
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(2)))
    return html.unescape(form.group(1)), hidden, form.group(2)


def test_every_number_leads_to_a_list_of_that_length(client, auth, built):
    """The unit's name opens its list and the totals their column's list; the list page
    narrows by unit and column, and every number of the table is the length of its list."""
    auth.login("lanhdao")
    page = client.get(f"/reports/?{Q1}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # The score's formula is written on the page; the whole method is one link away.
    assert "Điểm xếp hạng = 100 × (đúng hạn + 0,5 × hoàn thành quá hạn)" in text
    method = client.get("/reports/method").get_data(as_text=True)
    assert "Hạn thống kê là hạn ban đầu" in method
    action, hidden, form = _report_form(text)
    assert action == "/reports/assignments" and hidden["period"] == "quarter"
    base = f"{action}?{Q1}"
    rows = re.findall(r'<tr><td>\d+<th><button name="unit" value="(\d+)">[^<]+</button>(.*)', form)
    assert {int(unit) for unit, _cells in rows} == {built.u1.id, built.u2.id}
    checked = 0
    for unit, cells in rows:
        values = re.findall(r"<td>([^<]*)", cells)
        unit_list = f"{base}&unit={unit}"
        listing = client.get(unit_list).get_data(as_text=True)
        # The list page offers both filters, with this unit chosen.
        assert f'<option value="{unit}" selected>' in listing
        assert all(f'<option value="{c}"' in listing for c in (*COLUMNS[1:], "extended", "late"))
        for column, value in zip((*COLUMNS, None, "extended"), values, strict=False):
            if column is None:  # the on-time rate
                continue
            assert _list_count(client, f"{unit_list}&category={column}") == int(value), (
                unit,
                column,
            )
            checked += 1
    assert checked == 2 * 6
    totals = re.findall(r'<button(?: name="category" value="(\w+)")?>([\d,]+)</button>', form)
    assert [c for c, _v in totals] == [*COLUMNS, "extended", "late"]
    for column, value in totals:
        if column != "late":  # the average days late: its list is the late work
            assert _list_count(client, f"{base}&category={column}") == int(value), column
    assert _list_count(client, f"{base}&category=late") > 0
    # The charts are SVG images of their own, titled and described.
    images = re.findall(r'<img class="chart" src="([^"]+)"', text)
    assert len(images) == 2
    for src in images:
        chart = client.get(html.unescape(src))
        assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
        svg = chart.get_data(as_text=True)
        assert svg.startswith("<svg") and "<title" in svg and "<desc" in svg
    # Export, print and freezing keep the report's period; freezing asks for the title first.
    for action in ("/reports/export.xlsx", "/reports/freeze"):
        assert f'formaction="{action}"' in form, action
    # Printing: the print options' form, holding the period too.
    printing = text[text.index('<form action="/reports/print">') :]
    assert 'name="quarter" value="1"' in printing[: printing.index("</form>")]
    confirm = client.get(f"/reports/freeze?{Q1}").get_data(as_text=True)
    assert 'action="/reports/freeze"' in confirm and 'name="quarter" value="1"' in confirm
    assert 'value="Báo cáo kết quả thực hiện nhiệm vụ được giao quý I/2026"' in confirm


def test_bad_input_gets_a_clear_message_beside_the_field(client, auth, world):
    auth.login("lanhdao")
    cases = [
        ("period=custom&from=&to=", "r-from-error", "Chọn ngày bắt đầu"),
        ("period=custom&from=2026-03-01&to=2026-02-01", "r-to-error", "Ngày kết thúc phải sau"),
        ("period=custom&from=2021-01-01&to=2026-01-01", "r-to-error", "quá 5 năm"),
        ("period=custom&from=31/02/2026&to=2026-03-01", "r-from-error", "Ngày không hợp lệ"),
        ("period=week", "r-period-error", "Loại kỳ báo cáo không hợp lệ"),
        ("period=month&year=2026&month=13", "r-month-error", "Tháng phải từ 1 đến 12"),
        ("period=year&year=abc", "r-year-error", "Năm không hợp lệ"),
        (f"{Q1}&scope=kind:planet", "r-scope-error", "Phạm vi báo cáo không hợp lệ"),
        (f"{Q1}&scope=meeting:99999", "r-scope-error", "Phạm vi báo cáo không hợp lệ"),
        (f"{Q1}&scope=group:x", "r-scope-error", "Phạm vi báo cáo không hợp lệ"),
        ("period=year&year=2027", "r-period-error", "chưa bắt đầu"),
    ]
    for query, error_id, message in cases:
        for path in ("/reports/", "/reports/export.xlsx", "/reports/print"):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 422, (path, query)
            text = response.get_data(as_text=True)
            assert f'id="{error_id}"' in text and message in text, (path, query)
    # exactly five years is allowed
    ok = client.get("/reports/?period=custom&from=2021-01-01&to=2025-12-31")
    assert ok.status_code == 200
    bad_list = client.get(f"/reports/assignments?{Q1}&category=nonsense")
    assert bad_list.status_code == 422 and "Nhóm số liệu không hợp lệ" in bad_list.get_data(
        as_text=True
    )
    assert client.get(f"/reports/assignments?{Q1}&unit=99999").status_code == 422


def test_print_page_is_a4_with_title_period_and_issue_date(client, auth, built):
    auth.login("theodoi")
    text = client.get(f"/reports/print?{Q1}").get_data(as_text=True)
    assert re.search(r"css/print\.[0-9a-f]{10}\.css", text) and "<nav" not in text
    assert "Báo cáo kết quả thực hiện nhiệm vụ được giao quý I/2026" in text
    assert "Hải Phòng, ngày 15 tháng 5 năm 2026" in text
    assert "01/01/2026 – 31/03/2026" in text
    css = client.application.static_folder + "/css/print.css"
    with open(css, encoding="utf-8") as fh:
        assert "size: A4 portrait" in fh.read()  # the detailed list: landscape pages


def test_officers_and_anonymous_cannot_read_reports(client, auth, built):
    assert client.get(f"/reports/?{Q1}").status_code == 302
    auth.login("p.sodau")
    assert client.get(f"/reports/?{Q1}").status_code == 403
    assert client.get(f"/reports/assignments?{Q1}").status_code == 403


@pytest.mark.usefixtures("english_catalog")
def test_report_pages_in_english(app, client, auth, built):
    auth.login("lanhdao")
    _switch(client, "en")
    _english_page(app, client, f"/reports/?{Q1}", "Reports", "Ranking score = 100", "Monthly trend")
    _english_page(app, client, f"/reports/assignments?{Q1}&category=overdue", "Tasks in the report")
    response = client.post(
        "/reports/freeze", data={"period": "quarter", "year": "2026", "quarter": "1", "title": ""}
    )
    assert response.status_code == 302
    html = _english_page(app, client, response.headers["Location"], "Frozen report")
    assert "Report on the tasks assigned, quarter I/2026" in html
    _english_page(app, client, "/reports/frozen", "Frozen reports")


def test_extensions_through_the_real_workflow(app_ctx, clock, world, factory):
    """Extensions approved before and after the original deadline, completion submitted just
    after midnight Vietnam time, judged by the February 2026 report."""
    from tracker.followup import extension_requests as extension_rules
    from tracker.followup import submission_flow

    # A meeting before the February deadlines (no deadline may precede its meeting).
    meeting = factory.meeting("Họp giao ban tháng 1", held_on=date(2026, 1, 26))

    def make(unit):
        task = factory.task(meeting, f"Việc tháng 2 của {unit.code}", date(2026, 2, 10))
        return Assignment.create(
            task=task,
            unit=unit,
            status="in_progress",
            deadline=task.deadline,
            original_deadline=task.deadline,
            stats_deadline=task.deadline,
            created_at=datetime(2026, 2, 1, 2, 0, tzinfo=UTC),
            updated_at=datetime(2026, 2, 1, 2, 0, tzinfo=UTC),
        )

    x, y = make(world.ward_a), make(world.ward_b)
    clock.set(at_local(date(2026, 2, 5)).astimezone(UTC))
    req_x = extension_rules.request_extension(x, world.officer_a, date(2026, 2, 28), "Chờ số liệu")
    req_y = extension_rules.request_extension(y, world.officer_b, date(2026, 2, 28), "Chờ số liệu")
    clock.set(at_local(date(2026, 2, 9)).astimezone(UTC))  # before the original deadline
    extension_rules.approve(req_x, world.leader)
    clock.set(at_local(date(2026, 2, 11)).astimezone(UTC))  # after it had passed
    extension_rules.approve(req_y, world.leader)
    # X submitted at 00:30 on 21/2 Vietnam time (17:30 UTC on 20/2); Y on 27/2.
    for a, officer, instant in (
        (x, world.officer_a, datetime(2026, 2, 20, 17, 30, tzinfo=UTC)),
        (y, world.officer_b, at_local(date(2026, 2, 27)).astimezone(UTC)),
    ):
        clock.set(instant)
        a = Assignment.get_by_id(a.id)
        submission_flow.submit(a, officer, "Đã xong", "12/BC", date(2026, 2, 20))
    clock.set(at_local(date(2026, 3, 2)).astimezone(UTC))
    for a in (x, y):
        submission_flow.confirm(Assignment.get_by_id(a.id), world.leader)
    x, y = Assignment.get_by_id(x.id), Assignment.get_by_id(y.id)
    assert (x.stats_deadline, x.completed_on) == (date(2026, 2, 28), date(2026, 2, 21))
    assert (y.stats_deadline, y.deadline, y.completed_on) == (
        date(2026, 2, 10),
        date(2026, 2, 28),
        date(2026, 2, 27),
    )
    clock.set(NOW)
    _params, summary = _summary(
        world, f"period=month&year=2026&month=2&scope=group:{world.wards.id}"
    )
    rows = {r["unit_id"]: r for r in summary["rows"]}
    keys = ("assigned", "done_on_time", "done_late", "extensions", "late_days")
    assert [rows[world.ward_a.id][k] for k in keys] == [1, 1, 0, 1, 0]
    assert [rows[world.ward_b.id][k] for k in keys] == [1, 0, 1, 1, 17]  # 10/2 → 27/2
