"""The report's .xlsx opened again with openpyxl, and frozen reports that keep their numbers."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from test_reports import Q1, Fixture

from tracker.models import Assignment, AuditEvent, FrozenReport, ProgressReport


@pytest.fixture
def data(app, factory, world):
    with app.app_context():
        return Fixture(factory, world)


def _workbook(response):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    return load_workbook(BytesIO(response.get_data()))


def _check_workbook(wb, title_start: str = "Báo cáo kết quả") -> None:
    assert wb.sheetnames == ["Tổng hợp", "Danh sách chi tiết"]
    ws = wb["Tổng hợp"]
    assert ws.freeze_panes == "A5"
    assert ws["A1"].value.startswith(title_start)
    assert "Số liệu tính đến ngày 31/03/2026" in ws["A2"].value
    headers = [c.value for c in ws[4]]
    assert headers[:7] == [
        "STT",
        "Đơn vị",
        "Số nhiệm vụ được giao",
        "Hoàn thành đúng hạn",
        "Hoàn thành quá hạn",
        "Chưa hoàn thành, trong hạn",
        "Chưa hoàn thành, quá hạn",
    ]
    assert ws["A4"].font.bold
    assert ws.column_dimensions["B"].width == 34
    # Units by kind in display order (departments first), each kind's row (its group's name
    # and subtotals, in bold) before its units, numbered from 1; then the totals row.
    depts, dept, wards, ward, totals = ([c.value for c in ws[n]] for n in range(5, 10))
    assert depts[:7] == ["I", "Các phòng, ban chuyên môn", 3, 2, 0, 0, 1]
    assert dept[:7] == [1, "Phòng Nội vụ", 3, 2, 0, 0, 1]
    assert wards[:7] == ["II", "UBND các phường", 12, 2, 3, 4, 3]
    assert ward[:7] == [1, "UBND phường Sở Dầu", 12, 2, 3, 4, 3]
    assert totals[1:7] == ["Tổng cộng", 15, 4, 3, 4, 4]
    assert ward[7] == pytest.approx(2 / 12) and ws["H8"].number_format == "0.0%"
    assert ward[8:12] == [2, 38.0, 43.8, 2]
    assert wards[8:12] == [2, 38.0, 43.8, None]  # a kind has a score, no rank
    assert ws["C8"].number_format == "#,##0" and ws["J8"].number_format == "0.0"
    assert ws["B5"].font.bold and ws["B7"].font.bold and not ws["B8"].font.bold
    assert ws["B9"].font.bold
    detail = wb["Danh sách chi tiết"]
    assert detail.freeze_panes == "A2"
    assert [c.value for c in detail[1]] == [
        "STT",
        "Nhiệm vụ",
        "Đơn vị được giao",
        "Nguồn (cuộc họp / thông báo)",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Hạn xử lý",
        "Hạn ban đầu",
        "Số lần gia hạn",
        "Trạng thái",
        "Kết quả",
        "Khó khăn, vướng mắc",
        "Đề xuất, kiến nghị",
        "Cập nhật lần cuối",
    ]
    assert detail.max_row == 1 + 15
    assert detail.column_dimensions["B"].width == 48


def test_xlsx_summary_and_detail(client, auth, data, world):
    ProgressReport.create(
        assignment=data.a5,
        text="Đang hoàn thiện hồ sơ",
        progress=80,
        difficulties="Thiếu kinh phí",
        proposals="Đề nghị bổ sung dự toán",
        created_at=datetime(2026, 3, 1, 2, 0).astimezone(),
    )
    auth.login("tonghop")
    wb = _workbook(client.get(f"/reports/export.xlsx?{Q1}"))
    _check_workbook(wb)
    detail = wb["Danh sách chi tiết"]
    rows = {r[1].value: r for r in detail.iter_rows(min_row=2)}
    a5 = rows[data.a5.task.title]
    assert a5[2].value == "UBND phường Sở Dầu" and a5[4].value == "UBND phường Sở Dầu"
    assert a5[3].value == "Họp Ban Chỉ đạo CCHC"
    assert a5[6].value == datetime(2026, 3, 20) and a5[6].number_format == "DD/MM/YYYY"
    assert a5[7].value == datetime(2026, 2, 1)
    assert a5[8].value == 1
    assert a5[9].value == "Hoàn thành"
    assert a5[10].value == "Hoàn thành quá hạn (ngày 05/03/2026)"
    assert (a5[11].value, a5[12].value) == ("Thiếu kinh phí", "Đề nghị bổ sung dự toán")
    assert a5[13].number_format == "DD/MM/YYYY HH:MM"
    assert a5[13].value == datetime(2026, 5, 15, 10, 0)  # NOW in Vietnam time
    a7 = rows[data.a7.task.title]
    assert a7[10].value == "Chưa hoàn thành, quá hạn"  # done only after the period


def _freeze(client, title="Báo cáo quý I/2026 (chốt)"):
    form = {"period": "quarter", "year": "2026", "quarter": "1", "scope": "all", "title": title}
    return client.post("/reports/freeze", data=form)


def test_frozen_report_keeps_its_numbers(client, auth, data, world, app):
    auth.login("lanhdao")
    response = _freeze(client)
    assert response.status_code == 302
    frozen_url = response.headers["Location"]
    assert re.fullmatch(r"/reports/frozen/\d+", frozen_url)
    with app.app_context():
        frozen = FrozenReport.get()
        assert frozen.created_by_id == world.leader.id
        assert json.loads(frozen.params)["quarter"] == 1
        assert len(frozen.detail_rows) == 15
        event = AuditEvent.get(AuditEvent.action == "report.freeze")
        assert event.object_id == frozen.id and event.actor_id == world.leader.id
        # Later the data changes: a6 is done, b3 cancelled, a new late completion in March.
        Assignment.update(status="done", completed_on=date(2026, 3, 2)).where(
            Assignment.id == data.a6.id
        ).execute()
        Assignment.update(status="cancelled").where(Assignment.id == data.b3.id).execute()
    live = client.get(f"/reports/?{Q1}").get_data(as_text=True)
    frozen_page = client.get(frozen_url).get_data(as_text=True)
    assert ">14</button>" in live  # the live total moved (15 − b3)
    assert "Báo cáo quý I/2026 (chốt)" in frozen_page
    assert ">15<" in frozen_page and ">14<" not in frozen_page
    # The frozen export and print page still hold the old numbers.
    wb = _workbook(client.get(frozen_url + "/export.xlsx"))
    _check_workbook(wb, "Báo cáo quý I/2026 (chốt)")
    printed = client.get(frozen_url + "/print").get_data(as_text=True)
    assert "Báo cáo đã chốt số" in printed and "Hải Phòng, ngày 15 tháng 5 năm 2026" in printed
    listing = client.get("/reports/frozen").get_data(as_text=True)
    assert frozen_url in listing and "Báo cáo quý I/2026 (chốt)" in listing
    assert world.leader.full_name in listing
    assert client.get("/reports/frozen/999999").status_code == 404


def test_only_leaders_and_admins_freeze(client, auth, data, app):
    for username in ("tonghop", "theodoi", "p.sodau"):
        auth.login(username)
        assert _freeze(client).status_code == 403, username
        auth.logout()
    auth.login("admin")
    assert _freeze(client).status_code == 302
    bad = client.post("/reports/freeze", data={"period": "custom", "from": "", "to": ""})
    assert bad.status_code == 422
    too_long = _freeze(client, title="x" * 301)
    assert too_long.status_code == 422
    with app.app_context():
        assert FrozenReport.select().count() == 1
