"""The printed report in Chromium: the national motto at the top right, the issuing body at the
top left, the signature block at the bottom right beside "Nơi nhận"; printed to an A4 PDF, with
a screenshot of the print layout in test-artifacts/ (look at it)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from browser_support import LiveServer, artifact, chromium, new_session, shot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

A4_WIDTH = 794  # 210 mm at 96 px per inch
PRINT_WIDTH = 624  # 210 mm less the left (30 mm) and right (15 mm) margins


def _box(page, selector: str) -> dict:
    locator = page.locator(selector)
    expect(locator).to_be_visible()
    return locator.bounding_box()


@pytest.mark.parametrize("detail", [False, True])
def test_the_printed_report_reads_as_an_administrative_document(app, world, clock, detail):
    clock.set(datetime(2026, 12, 6, 2, 0, tzinfo=UTC))
    server = LiveServer(app).start()
    with chromium() as browser:
        # The width of the printable area of an A4 portrait page: what print media lays out.
        page = new_session(browser, server.url, "lanhdao", PRINT_WIDTH, 1100, check=False)
        # From the report page: the print options, the detail list ticked or not.
        page.goto(server.url + "/reports/?period=month&year=2026&month=12")
        page.locator("details.print-options summary").click()
        if detail:
            page.get_by_label("In kèm danh sách chi tiết").check()
        page.get_by_label("Số văn bản").fill("125")
        page.get_by_role("button", name="Xem bản in").click()
        expect(page.locator(".doc-title")).to_have_text("BÁO CÁO")
        page.emulate_media(media="print")
        width = page.evaluate("document.documentElement.clientWidth")
        issuer = _box(page, ".doc-body")
        motto = _box(page, ".doc-country")
        date_line = _box(page, ".doc-date")
        title = _box(page, ".doc-title")
        table = _box(page, ".report-table")
        recipients = _box(page, ".doc-recipients")
        signature = _box(page, ".doc-signature")
        # The header: the issuing body on the left, the motto and the date on the right, on
        # the same lines, above the title.
        assert issuer["x"] + issuer["width"] <= width / 2 < motto["x"] + motto["width"] / 2
        assert abs(motto["y"] - page.locator(".doc-issuer").bounding_box()["y"]) < 20
        assert date_line["x"] > width / 2 - date_line["width"] / 2
        assert motto["y"] < date_line["y"] < title["y"] < table["y"]
        assert page.locator(".doc-date").evaluate("e => getComputedStyle(e).fontStyle") == (
            "italic"
        )
        # The end: "Nơi nhận" on the left, the signature block on the right, after the body.
        assert recipients["x"] < width / 2 < signature["x"] + signature["width"] / 2
        assert signature["x"] + signature["width"] / 2 > 0.6 * width
        assert signature["y"] > table["y"] + table["height"]
        assert abs(signature["y"] - recipients["y"]) < 20
        font = page.locator("body").evaluate("e => getComputedStyle(e).fontFamily")
        assert font.startswith('"Times New Roman"')
        detail_list = page.locator(".print-detail")
        if detail:
            expect(detail_list).to_contain_text("Tăng cường tuyên truyền CCHC")
            assert detail_list.bounding_box()["y"] > signature["y"]
        else:
            expect(detail_list).to_have_count(0)
        name = "report-print" + ("-detail" if detail else "")
        shot(page, name)
        pdf = page.pdf(path=artifact(f"{name}.pdf"), format="A4", prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF")
        # Portrait A4 pages (595 × 842 pt), with the detail list's pages in landscape.
        boxes = re.findall(rb"/MediaBox \[0 0 (\d+)[.\d]* (\d+)[.\d]*\]", pdf)
        assert boxes and boxes[0] == (b"594", b"841")
        assert ((b"841", b"594") in boxes) == detail
    server.stop()
