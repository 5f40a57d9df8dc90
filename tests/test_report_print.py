"""The printed report is laid out as an administrative document (Nghị định 30/2020/NĐ-CP):
the issuing body and number on the left and the national motto on the right, place and date in
words, the title "BÁO CÁO" and its summary line, the body, "Nơi nhận" and the signature block.
The detailed list is printed only when asked for; the office's details are admin settings."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

import pytest

from tracker.models import AuditEvent

DEC = "period=month&year=2026&month=12"
DEC_ARGS = {"period": "month", "year": "2026", "month": "12"}


@pytest.fixture
def december(clock):
    """The clock on 6 December 2026, 09:00 in Vietnam."""
    clock.set(datetime(2026, 12, 6, 2, 0, tzinfo=UTC))
    return clock


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _block(page: str, css_class: str) -> str:
    """The inner HTML of the first element with ``css_class`` (no nesting of the same tag)."""
    match = re.search(
        rf'<(\w+)[^>]*class="[^"]*\b{css_class}\b[^"]*"[^>]*>(.*?)</\1>', page, re.DOTALL
    )
    assert match, f"no element of class {css_class}"
    return match.group(2)


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_blocks_of_an_official_report_come_in_order(client, auth, world, december):
    auth.login("lanhdao")
    page = _text(client.get(f"/reports/print?{DEC}"))
    order = [
        "UBND QUẬN HỒNG BÀNG",  # the governing body
        "VĂN PHÒNG HĐND VÀ UBND",  # the issuing body
        "Số:",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hải Phòng, ngày 06 tháng 12 năm 2026",
        ">BÁO CÁO<",
        "Kết quả thực hiện nhiệm vụ được giao tháng 12/2026",
        "Tổng cộng",  # the body: the summary table
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT.",
        "CHÁNH VĂN PHÒNG",  # the signature block
    ]
    positions = [page.find(text) for text in order]
    assert all(p >= 0 for p in positions), dict(zip(order, positions, strict=True))
    assert positions == sorted(positions), dict(zip(order, positions, strict=True))
    # Blocks by their role: the motto and the place and date on the right, the bodies and the
    # number on the left, the title, the recipients and the signature.
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in _plain(_block(page, "doc-motto"))
    assert "Hải Phòng, ngày 06 tháng 12 năm 2026" in _plain(_block(page, "doc-date"))
    issuer = _plain(_block(page, "doc-issuer"))
    assert issuer.startswith("UBND QUẬN HỒNG BÀNG VĂN PHÒNG HĐND VÀ UBND")
    assert re.search(r"Số:\s*/BC-VP", _plain(_block(page, "doc-number")))
    assert _plain(_block(page, "doc-title")) == "BÁO CÁO"
    assert _plain(_block(page, "doc-recipients")).startswith("Nơi nhận:")
    assert "CHÁNH VĂN PHÒNG" in _plain(_block(page, "doc-signature"))
    # A4 portrait with the decree's margins, Times New Roman 13–14 pt.
    css = open(client.application.static_folder + "/css/print.css", encoding="utf-8").read()
    assert re.search(r"@page\s*{[^}]*size:\s*A4 portrait;[^}]*margin:\s*20mm 15mm 20mm 30mm", css)
    assert re.search(r"body\.report-print\s*{[^}]*Times New Roman[^}]*font-size:\s*13pt", css)


def test_the_date_is_written_as_the_decree_asks(app):
    from tracker.reports.letterhead import issue_line

    # Days below 10 and the months 1 and 2 take a leading zero; the other months do not.
    with app.test_request_context():
        assert issue_line("Hải Phòng", date(2026, 12, 6)) == "Hải Phòng, ngày 06 tháng 12 năm 2026"
        assert issue_line("Hải Phòng", date(2026, 1, 15)) == "Hải Phòng, ngày 15 tháng 01 năm 2026"
        assert issue_line("Hải Phòng", date(2026, 2, 3)) == "Hải Phòng, ngày 03 tháng 02 năm 2026"
        assert issue_line("Hải Phòng", date(2026, 3, 9)) == "Hải Phòng, ngày 09 tháng 3 năm 2026"


def test_the_detail_list_prints_only_when_asked(client, auth, world, december):
    auth.login("lanhdao")
    summary = _text(client.get(f"/reports/print?{DEC}"))
    assert "Danh sách chi tiết" not in summary and "Tăng cường tuyên truyền CCHC" not in summary
    detailed = _text(client.get(f"/reports/print?{DEC}&detail=1"))
    assert "Danh sách chi tiết" in detailed and "Tăng cường tuyên truyền CCHC" in detailed
    # The list is an appendix: after the signature.
    assert detailed.index("CHÁNH VĂN PHÒNG") < detailed.index("Danh sách chi tiết")
    # The report page offers the choice.
    index = _text(client.get(f"/reports/?{DEC}"))
    assert "In kèm danh sách chi tiết" in index
    assert re.search(r'<input[^>]*type="checkbox"[^>]*name="detail"[^>]*value="1"', index)


def test_number_recipients_and_signer_come_from_the_form(client, auth, world, december):
    auth.login("lanhdao")
    page = _text(
        client.get(
            "/reports/print",
            query_string={
                **DEC_ARGS,
                "number": "125",
                "recipients": "Thường trực Quận ủy;\nThường trực HĐND quận;",
                "authority": "KT. CHỦ TỊCH",
                "position": "PHÓ CHỦ TỊCH",
                "signer": "Nguyễn Văn An",
            },
        )
    )
    assert "Số: 125/BC-VP" in _plain(_block(page, "doc-number"))
    recipients = _plain(_block(page, "doc-recipients"))
    assert recipients.index("- Thường trực Quận ủy;") < recipients.index("- Lưu: VT.")
    assert "- Thường trực HĐND quận;" in recipients
    signature = _plain(_block(page, "doc-signature"))
    assert signature.index("KT. CHỦ TỊCH") < signature.index("PHÓ CHỦ TỊCH")
    assert signature.index("PHÓ CHỦ TỊCH") < signature.index("Nguyễn Văn An")
    # Only a name: the office's position stays.
    page = _text(client.get("/reports/print", query_string={**DEC_ARGS, "signer": "Lê Văn C"}))
    assert _plain(_block(page, "doc-signature")) == "CHÁNH VĂN PHÒNG Lê Văn C"


def test_too_long_options_are_refused_beside_their_field(client, auth, world, december):
    auth.login("lanhdao")
    response = client.get("/reports/print", query_string={**DEC_ARGS, "number": "9" * 41})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="p-number-error"' in page and "Tối đa 40 ký tự." in page
    assert 'value="' + "9" * 41 + '"' in page  # what was typed is kept


def test_user_text_is_escaped(client, auth, world, december):
    auth.login("lanhdao")
    attack = "<script>alert(1)</script>"
    world.task.title = attack
    world.task.save()
    page = _text(
        client.get(
            "/reports/print",
            query_string={
                **DEC_ARGS,
                "detail": "1",
                "number": attack,
                "recipients": attack,
                "signer": attack,
            },
        )
    )
    assert "<script>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4


def test_admin_sets_the_office_details(client, auth, world, december):
    auth.login("admin")
    form = client.get("/admin/letterhead")
    assert form.status_code == 200 and "UBND QUẬN HỒNG BÀNG" in form.get_data(as_text=True)
    data = {
        "governing_body": "UBND THÀNH PHỐ HẢI PHÒNG",
        "issuing_body": "UBND PHƯỜNG HỒNG BÀNG",
        "place": "Hải Phòng",
        "number_suffix": "BC-UBND",
        "recipients": "- Như trên;\n- Thường trực Đảng ủy phường;\n- Lưu: VT.",
        "authority": "",
        "position": "CHỦ TỊCH",
        "signer": "Trần Thị Bình",
    }
    bad = client.post("/admin/letterhead", data={**data, "issuing_body": ""})
    assert bad.status_code == 400 and 'id="issuing_body-error"' in bad.get_data(as_text=True)
    saved = client.post("/admin/letterhead", data=data)
    assert saved.status_code == 302
    from tracker.models import ReportLetterhead

    assert ReportLetterhead.get().issuing_body == "UBND PHƯỜNG HỒNG BÀNG"
    assert AuditEvent.select().where(AuditEvent.action == "letterhead.update").count() == 1
    auth.logout()
    auth.login("lanhdao")
    page = _text(client.get(f"/reports/print?{DEC}"))
    assert "UBND PHƯỜNG HỒNG BÀNG" in _plain(_block(page, "doc-issuer"))
    assert re.search(r"Số:\s*/BC-UBND", _plain(_block(page, "doc-number")))
    assert "- Thường trực Đảng ủy phường;" in _plain(_block(page, "doc-recipients"))
    signature = _plain(_block(page, "doc-signature"))
    assert "CHỦ TỊCH" in signature and "Trần Thị Bình" in signature


def test_only_admins_edit_the_office_details(client, auth, world):
    auth.login("lanhdao")
    assert client.get("/admin/letterhead").status_code == 403
    assert client.post("/admin/letterhead", data={"issuing_body": "X"}).status_code == 403


def test_a_frozen_report_prints_the_same_way(client, auth, world, december):
    auth.login("lanhdao")
    client.post("/reports/freeze", data={"period": "month", "year": "2026", "month": "12"})
    page = _text(client.get("/reports/frozen/1/print?detail=1&number=7"))
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 7/BC-VP", "Nơi nhận:"):
        assert text in _plain(page)
    assert "Danh sách chi tiết" in page
