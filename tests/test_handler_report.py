"""A unit's report per handler (chuyên viên xử lý): the official categories against the
internal deadline and against the unit's, the work no handler holds, and who may see it.

A small unit built by hand, judged as of 15 May 2026 (the tests' clock), this month's report:
handler A has one assignment handled on time and one overdue, handler B one handled late, and
one assignment has no handler. Every expected number is worked out from the comments.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from conftest import NOW
from test_i18n import _english_page, _switch, english_catalog  # noqa: F401

from tracker.models import AssignmentHandler
from tracker.reports import handlers, report
from tracker.reports.params import parse

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(15, 0), tzinfo=HCM)


class Unit:
    """UBND phường Máy Chai with its head, handlers A and B, and a third officer."""

    def __init__(self, factory, world) -> None:
        self.unit = u = factory.unit("UBND phường Máy Chai", code="maychai")
        self.head = factory.user("p.maychai.lanhdao", "unit_head", u, full_name="Trần Thị Hà")
        self.a = factory.user("p.maychai.a", "officer", u, full_name="Nguyễn Văn An")
        self.b = factory.user("p.maychai.b", "officer", u, full_name="Phạm Văn Bình")
        self.officer = factory.user("p.maychai", "officer", u, full_name="Lê Văn Cường")
        self.other_head = factory.user("p.sodau.lanhdao", "unit_head", world.ward_a)
        m = world.meeting

        def give(title: str, deadline: date, **kw):
            return factory.assignment(factory.task(m, title, deadline=deadline), u, **kw)

        # Handled (reported done) on 9/5, internal deadline 10/5: on time; the unit's
        # deadline 20/5, done 9/5: on time.
        self.on_time = give(
            "Rà soát thủ tục", date(2026, 5, 20), status="done",
            submitted_at=_at(date(2026, 5, 9)), completed_on=date(2026, 5, 9),
        )  # fmt: skip
        # Open, internal deadline 12/5 passed: overdue; the unit's deadline 25/5: pending.
        self.overdue = give("Cập nhật dữ liệu dân cư", date(2026, 5, 25), status="in_progress")
        # Reported done (waiting for the leader) on 11/5, internal deadline 8/5: late; the
        # unit's: not done yet, deadline 30/5, pending.
        self.late = give(
            "Báo cáo chuyển đổi số", date(2026, 5, 30), status="submitted",
            submitted_at=_at(date(2026, 5, 11)),
        )  # fmt: skip
        # No handler; the unit's deadline 14/5 passed: overdue.
        self.unassigned = give("Kiểm tra an toàn thực phẩm", date(2026, 5, 14), status="new")
        for assignment, handler, internal in (
            (self.on_time, self.a, date(2026, 5, 10)),
            (self.overdue, self.a, date(2026, 5, 12)),
            (self.late, self.b, date(2026, 5, 8)),
        ):
            AssignmentHandler.create(
                assignment=assignment,
                user=handler,
                internal_deadline=internal,
                assigned_by=self.head,
                assigned_at=NOW,
            )


@pytest.fixture
def unit(app, factory, world) -> Unit:
    with app.app_context():
        return Unit(factory, world)


def _this_month(today: date):
    params, errors, _raw = parse({}, today)
    assert not errors
    return params


def test_counts_per_handler_against_both_deadlines(app, unit, world):
    with app.app_context():
        today = date(2026, 5, 15)
        data = handlers.handler_report(unit.unit, _this_month(today), today, world.leader)
        rows = {r["name"]: r for r in data["rows"]}
        assert list(rows) == ["Nguyễn Văn An", "Phạm Văn Bình"]  # by name; C handles nothing
        an, binh = rows["Nguyễn Văn An"], rows["Phạm Văn Bình"]
        zero = dict.fromkeys(handlers.CATEGORIES, 0)
        assert an["assigned"] == 2
        assert an["internal"] == {**zero, "done_on_time": 1, "overdue": 1}
        assert an["unit"] == {**zero, "done_on_time": 1, "pending": 1}
        assert binh["assigned"] == 1
        assert binh["internal"] == {**zero, "done_late": 1}
        assert binh["unit"] == {**zero, "pending": 1}
        assert data["unassigned"]["assigned"] == 1 and data["unassigned"]["internal"] is None
        assert data["unassigned"]["unit"] == {**zero, "overdue": 1}
        assert data["whole"]["unit"] == {
            "done_on_time": 1,
            "done_late": 0,
            "pending": 2,
            "overdue": 1,
        }
        # The whole unit's row is the unit's row of the leader's report.
        summary = report.summary(_this_month(today), today, world.leader, trend=False)
        (leader_row,) = [r for r in summary["rows"] if r["unit_id"] == unit.unit.id]
        assert data["whole"]["assigned"] == leader_row["assigned"] == 4
        for key in handlers.CATEGORIES:
            assert data["whole"]["unit"][key] == leader_row[key], key


def test_internal_deadline_on_the_as_of_day_is_not_yet_overdue(app, unit):
    with app.app_context():
        a = unit.overdue
        assert handlers.internal_category(a, date(2026, 5, 15), date(2026, 5, 15)) == "pending"
        assert handlers.internal_category(a, date(2026, 5, 14), date(2026, 5, 15)) == "overdue"
        # Handled after the as-of day: not yet handled on it.
        late = unit.late
        assert handlers.internal_category(late, date(2026, 5, 8), date(2026, 5, 10)) == "overdue"


def _cells(page: str, name: str) -> list[str]:
    found = re.search(rf"<th>{re.escape(name)}((?:<td>[^<]*)+)", page)
    assert found, name
    return [cell.strip() for cell in re.findall(r"<td>([^<]*)", found.group(1))]


def test_the_unit_head_reads_the_page(client, auth, unit):
    auth.login("p.maychai.lanhdao")
    response = client.get(f"/reports/units/{unit.unit.id}/handlers")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Báo cáo theo chuyên viên xử lý" in page and "UBND phường Máy Chai" in page
    assert "Theo hạn xử lý nội bộ" in page and "Theo hạn của đơn vị" in page
    assert _cells(page, "Nguyễn Văn An") == ["2", "1", "0", "0", "1", "1", "0", "1", "0"]
    assert _cells(page, "Phạm Văn Bình") == ["1", "0", "1", "0", "0", "0", "0", "1", "0"]
    assert _cells(page, "Chưa phân công") == ["1", "—", "—", "—", "—", "0", "0", "0", "1"]
    assert "Lê Văn Cường" not in page  # handles nothing
    assert 'href="/reports/?' not in page  # the leader's report is not theirs
    # A period that has not begun: the message beside its field, 422.
    bad = client.get(f"/reports/units/{unit.unit.id}/handlers?period=year&year=2027")
    assert bad.status_code == 422 and 'id="h-period-error"' in bad.get_data(as_text=True)


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("p.maychai.lanhdao", 200),  # the unit's head
        ("lanhdao", 200),  # a leader: any unit
        ("theodoi", 200),
        ("tonghop", 200),
        ("admin", 200),
        ("p.maychai.a", 403),  # an officer of the unit, which has a head
        ("p.maychai", 403),
        ("p.sodau.lanhdao", 403),  # another unit's head
        ("p.sodau", 403),  # another unit's officer
    ],
)
def test_who_may_read_a_units_report_per_handler(client, auth, unit, user, status):
    auth.login(user)
    assert client.get(f"/reports/units/{unit.unit.id}/handlers").status_code == status


def test_a_unit_without_a_head_its_focal_point_reads_its_own_only(client, auth, world, unit):
    """Phòng Nội vụ has no head: its focal point leads the work inside it (docs/domain.md)."""
    auth.login("pb.noivu")
    assert client.get(f"/reports/units/{world.dept.id}/handlers").status_code == 200
    assert client.get(f"/reports/units/{unit.unit.id}/handlers").status_code == 403
    assert client.get("/reports/units/99999/handlers").status_code == 404


def test_the_units_pages_lead_to_it(client, auth, unit):
    """The unit's head finds it on their home; a leader on the unit's page; an officer who
    does not lead the unit's work sees no link."""
    url = f"/reports/units/{unit.unit.id}/handlers"
    auth.login("p.maychai.lanhdao")
    assert f'href="{url}"' in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("lanhdao")
    assert f'href="{url}"' in client.get(f"/units/{unit.unit.id}").get_data(as_text=True)
    auth.logout()
    auth.login("p.maychai.a")
    assert f'href="{url}"' not in client.get("/").get_data(as_text=True)


def test_the_page_in_english(app, client, auth, unit):
    auth.login("p.maychai.lanhdao")
    _switch(client, "en")
    html = _english_page(
        app, client, f"/reports/units/{unit.unit.id}/handlers", "Report per handler", "Whole unit"
    )
    assert "Against the internal deadline" in html and "Not given to a handler" in html


def test_the_print_view_in_the_official_layout(client, auth, unit):
    """The A4 document: the unit issues it, "BÁO CÁO" and its summary line, the same table,
    the signer given in the query string; the page links to it with its period."""
    auth.login("p.maychai.lanhdao")
    base = f"/reports/units/{unit.unit.id}/handlers"
    page = client.get(f"{base}?period=quarter&year=2026&quarter=2").get_data(as_text=True)
    assert f'href="{base}/print?period=quarter&amp;year=2026&amp;quarter=2"' in page
    response = client.get(f"{base}/print?period=month&year=2026&month=5&signer=Trần Thị Hà")
    assert response.status_code == 200
    printed = response.get_data(as_text=True)
    assert '<p class="doc-body">UBND PHƯỜNG MÁY CHAI</p>' in printed
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in printed and "/BC</p>" in printed
    assert "Kết quả thực hiện nhiệm vụ theo chuyên viên xử lý tháng 5/2026" in printed
    assert _cells(printed, "Nguyễn Văn An") == ["2", "1", "0", "0", "1", "1", "0", "1", "0"]
    assert '<p class="doc-signer">Trần Thị Hà</p>' in printed
    assert "<li>- Lưu: VT.</li>" in printed
    assert client.get(f"{base}/print?period=year&year=2027").status_code == 422
    auth.logout()
    auth.login("p.maychai.a")
    assert client.get(f"{base}/print").status_code == 403
