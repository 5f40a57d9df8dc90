"""Conclusion notices uploaded as PDF or scans: the text layer (pypdf), OCR (Tesseract, vie),
the clean-up of pages (running lines, page numbers, broken lines, signer) and the upload's
checks. The PDFs are printed by the real headless Chromium and the scans rendered by poppler;
``make test`` installs both (``make browser ocr``)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from notice_support import ITEMS, NOTICE

from tracker.meetings.notice.ocr import image_size
from tracker.meetings.notice.pdf import clean_pages, join_lines, pdf_pages, text_of_pdf
from tracker.meetings.notice.printing import image_pdf, print_pdf, scan_pngs
from tracker.meetings.notice.quality import catalog_file, load_catalog, score_notice
from tracker.models import NoticeDraft
from tracker.tasks.workdays import WorkCalendar

# Long enough for two pages: the running line and "Trang N/2" recur.
FILLER = [
    f"{i}. Phòng Nội vụ tổng hợp ý kiến góp ý lần thứ {i} của các phòng, ban chuyên môn về dự "
    "thảo quy chế làm việc của Ủy ban nhân dân quận, báo cáo kết quả cho Thường trực."
    for i in range(4, 22)
]
STAMP = (
    "Ký bởi: Ủy ban nhân dân quận Hồng Bàng. Cơ quan: Thành phố Hải Phòng. "
    "Thời gian ký: 15.05.2026 10:30:00 +07:00"
)
LONG_NOTICE = NOTICE.replace("Nơi nhận:", "\n".join(FILLER) + "\nNơi nhận:")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Real files made once for the module: text PDFs of one and two pages, the first one's page
    scanned (PNG, JPEG) and the second one's pages in an image-only PDF."""
    for program in ("chromium", "pdftoppm", "tesseract"):
        assert shutil.which(program), f"{program} is missing: run `make browser ocr`"
    folder = tmp_path_factory.mktemp("notice-pdf")
    short = print_pdf(NOTICE, folder, "short")
    long = print_pdf(LONG_NOTICE, folder, "long")
    pngs = scan_pngs(short, folder, dpi=200)
    long_pngs = scan_pngs(long, folder, dpi=50)
    jpeg = folder / "scan-jpeg"
    subprocess.run(
        ["pdftoppm", "-r", "200", "-gray", "-jpeg", "-singlefile", str(short), str(jpeg)],
        check=True,
        timeout=60,
    )
    return {
        "jpg": jpeg.with_suffix(".jpg").read_bytes(),
        "pdf": short.read_bytes(),
        "long_pdf": long.read_bytes(),
        "png": pngs[0].read_bytes(),
        "long_scan_pdf": image_pdf(long_pngs, folder, "long-scan", stamp=STAMP).read_bytes(),
    }


@pytest.fixture
def meeting(world):
    world.meeting.notice_date = date(2026, 5, 15)
    world.meeting.save()
    return world.meeting


def _upload(client, meeting, data: bytes, name: str, text: str = ""):
    return client.post(
        f"/meetings/{meeting.id}/notice",
        data={"text": text, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


# The clean-up of pages, on text.


def test_running_lines_page_numbers_and_signer_are_dropped():
    pages = [
        "UBND QUẬN HỒNG BÀNG — Thông báo số 45\n"
        "THÔNG BÁO\n"
        "     Kết luận như sau:\n"
        "     1. Phòng Nội vụ rà soát thủ tục hành chính thuộc\n"
        "thẩm quyền của quận, hoàn thành trước ngày 30/6/2026.\n"
        "     2. UBND các phường thường xuyên tuyên truyền về\n"
        "\n"
        "                 Trang 1/2\n",
        "UBND QUẬN HỒNG BÀNG — Thông báo số 45\n"
        "chuyển đổi số trên địa bàn.\n"
        "     3. Phòng Tư pháp rà soát văn bản.\n"
        "     Nơi nhận:                 KT. CHỦ TỊCH\n"
        "- Như trên;                  PHÓ CHỦ TỊCH\n"
        "- Lưu: VT.                     (Đã ký)\n"
        "                 2\n",
    ]
    assert clean_pages(pages).split("\n") == [
        "THÔNG BÁO",
        "Kết luận như sau:",
        "1. Phòng Nội vụ rà soát thủ tục hành chính thuộc thẩm quyền của quận, hoàn thành "
        "trước ngày 30/6/2026.",
        "2. UBND các phường thường xuyên tuyên truyền về chuyển đổi số trên địa bàn.",
        "3. Phòng Tư pháp rà soát văn bản.",
    ]


def test_a_signer_title_above_da_ky_is_dropped_and_one_page_keeps_its_lines():
    page = (
        "Kết luận như sau:\n- Phòng Nội vụ rà soát.\n- Phòng Tư pháp kiểm tra.\n"
        "CHỦ TỊCH\n(Đã ký)\nNguyễn Văn An\n"
    )
    # One page: nothing recurs, so nothing but the signer is dropped.
    assert (
        clean_pages([page])
        == "Kết luận như sau:\n- Phòng Nội vụ rà soát.\n- Phòng Tư pháp kiểm tra."
    )


def test_each_page_is_measured_from_its_own_margin():
    # pypdf measures a page from its leftmost text: page 2's lines come 4 columns further right.
    pages = [
        "Kết luận như sau:\n     1. Phòng Nội vụ rà soát thủ tục\nhành chính của quận;\n"
        "     2. Phòng Tư pháp rà soát các văn\nbản quy phạm pháp luật\n",
        "    do quận ban hành trong năm 2026;\n         3. Phòng Y tế kiểm tra\n"
        "    an toàn thực phẩm.\n",
    ]
    assert clean_pages(pages).split("\n")[2:] == [
        "2. Phòng Tư pháp rà soát các văn bản quy phạm pháp luật do quận ban hành trong năm 2026;",
        "3. Phòng Y tế kiểm tra an toàn thực phẩm.",
    ]


def test_join_lines_keeps_items_paragraphs_and_headings_apart():
    lines = [
        "THÔNG BÁO",
        "Kết luận của Chủ tịch UBND quận tại",
        "cuộc họp giao ban",  # a broken line joins
        "     Ngày 10/5, Chủ tịch chủ trì họp; kết luận:",
        "a) Phòng Nội vụ",  # an item after ":" starts its line
        "rà soát hồ sơ",
        "b) Phòng Tư pháp thẩm định.",
        "     Văn phòng thông báo để các cơ quan biết, thực hiện./.",
    ]
    assert join_lines(lines, indented=True) == [
        "THÔNG BÁO",
        "Kết luận của Chủ tịch UBND quận tại cuộc họp giao ban",
        "Ngày 10/5, Chủ tịch chủ trì họp; kết luận:",
        "a) Phòng Nội vụ rà soát hồ sơ",
        "b) Phòng Tư pháp thẩm định.",
        "Văn phòng thông báo để các cơ quan biết, thực hiện./.",
    ]
    # OCR text has no indentation: a blank line ends the paragraph.
    assert join_lines(["Phòng Nội vụ rà soát", "", "Phòng Tư pháp"], indented=False) == [
        "Phòng Nội vụ rà soát",
        "Phòng Tư pháp",
    ]


def test_image_size_reads_png_and_jpeg_headers():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + (1654).to_bytes(4, "big")
    png += (2339).to_bytes(4, "big")
    assert image_size(png) == (1654, 2339)
    jpeg = b"\xff\xd8\xff\xe0\x00\x04ab\xff\xc0\x00\x11\x08" + (600).to_bytes(2, "big")
    jpeg += (800).to_bytes(2, "big") + b"\x03"
    assert image_size(jpeg) == (800, 600)
    assert image_size(b"GIF89a") is None


# Uploads through the page, with real files.


@pytest.mark.ocr
def test_what_is_a_scan(files):
    # The stamped scan has text (the signature), but its pages are images: OCR must read it.
    pages = pdf_pages(files["long_scan_pdf"])
    assert [scan for _text, scan in pages] == [True, True, True]
    assert "Ký bởi" in pages[-1][0]
    assert text_of_pdf(files["long_scan_pdf"]) == ("", 3)
    # A text PDF is no scan, though Chromium draws nothing but text.
    text, count = text_of_pdf(files["pdf"])
    assert count == 1 and f"3. {ITEMS[2]}" in text.split("\n")


@pytest.mark.ocr
def test_text_pdf_upload_shows_the_directives_in_order(client, auth, world, meeting, files):
    auth.login("tonghop")
    response = _upload(client, meeting, files["pdf"], "Thong bao 45.PDF")
    assert response.status_code == 302
    review = NoticeDraft.get(NoticeDraft.meeting == meeting)
    assert [d["lead"] for d in review.drafts] == [
        "Phòng Nội vụ",
        "UBND phường Sở Dầu",
        "Phòng Nội vụ",
    ]
    assert review.drafts[0]["deadline"] == "2026-06-30"
    assert "Nơi nhận" not in review.source and "Đã ký" not in review.source
    page = client.get(f"/meetings/{meeting.id}/notice").get_data(as_text=True)
    drafts = page[page.index('id="drafts"') :]
    found = [drafts.find(item[10:60]) for item in ITEMS]
    assert -1 not in found and found == sorted(found)


@pytest.mark.ocr
def test_two_page_pdf_drops_running_lines_and_joins_over_the_page(
    client, auth, world, meeting, files
):
    auth.login("tonghop")
    assert _upload(client, meeting, files["long_pdf"], "tb.pdf").status_code == 302
    review = NoticeDraft.get(NoticeDraft.meeting == meeting)
    assert len(review.drafts) == 3 + len(FILLER)
    assert "Trang 1/2" not in review.source and "bản in thử" not in review.source
    ends = [d["content"][-40:] for d in review.drafts[3:]]
    assert ends == ["Ủy ban nhân dân quận, báo cáo kết quả cho Thường trực."[-40:]] * len(FILLER)


@pytest.mark.ocr
@pytest.mark.parametrize("kind", ["png", "jpg"])
def test_scanned_image_is_read_by_ocr(client, auth, world, meeting, files, kind):
    auth.login("tonghop")
    assert _upload(client, meeting, files[kind], f"Scan 45.{kind.upper()}").status_code == 302
    drafts = NoticeDraft.get(NoticeDraft.meeting == meeting).drafts
    assert [d["lead"] for d in drafts] == ["Phòng Nội vụ", "UBND phường Sở Dầu", "Phòng Nội vụ"]
    assert "rà soát thủ tục hành chính" in drafts[0]["content"]


@pytest.mark.ocr
def test_scan_without_tesseract_keeps_the_text_and_says_why(
    app, client, auth, world, meeting, files
):
    auth.login("tonghop")
    app.config["TESSERACT_CMD"] = "tesseract-not-installed"
    response = _upload(client, meeting, files["long_scan_pdf"], "scan.pdf", text="Kết luận đã dán")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Máy chủ chưa cài Tesseract (tesseract-ocr, tesseract-ocr-vie)" in page
    assert "Kết luận đã dán</textarea>" in page  # nothing typed is lost
    assert not NoticeDraft.select().exists()
    # The text layer of a PDF needs no OCR.
    assert _upload(client, meeting, files["pdf"], "tb.pdf").status_code == 302


@pytest.mark.ocr
def test_scan_bounds_pages_and_time(app, client, auth, world, meeting, files):
    auth.login("tonghop")
    app.config["OCR_MAX_PAGES"] = 1
    response = _upload(client, meeting, files["long_scan_pdf"], "scan.pdf")
    assert response.status_code == 400
    assert "Bản quét dài quá 1 trang" in response.get_data(as_text=True)
    app.config["OCR_TIMEOUT"] = 0.01
    response = _upload(client, meeting, files["png"], "scan.png")
    assert response.status_code == 400
    assert re.search(r"Đọc bản quét quá 0[.,]01 giây", response.get_data(as_text=True))
    assert not NoticeDraft.select().exists()


@pytest.mark.parametrize(
    ("name", "payload", "message"),
    [
        ("tb.pdf", b"Thong bao ket luan", "Tệp này không phải tệp PDF hợp lệ."),
        ("tb.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "Tệp này không phải tệp PDF hợp lệ."),
        ("tb.pdf", b"%PDF-1.4\n1 0 obj <<>>", "Tệp này không phải tệp PDF hợp lệ."),
        ("scan.png", b"%PDF-1.4\n", "Không đọc được tệp ảnh này"),
        ("scan.jpg", b"\xff\xd8\xff\xe0 truncated", "Không đọc được tệp ảnh này"),
        ("tb.odt", b"PK\x03\x04", "Chỉ nhận tệp .docx, .txt, .pdf hoặc ảnh quét .jpg, .png."),
        ("tb.pdf", b"%PDF-" + b"x" * (10 * 1024 * 1024), "Tệp quá lớn (tối đa 10 MB"),
    ],
)
def test_fake_or_oversized_scans_are_refused(client, auth, world, meeting, name, payload, message):
    auth.login("tonghop")
    response = _upload(client, meeting, payload, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert not NoticeDraft.select().exists()


@pytest.mark.ocr
@pytest.mark.parametrize(
    "stem",
    [
        "01-hong-bang-2022-04-26",
        "03-roman-unit-headings",
        "14-hanoi-star-plus",
        "18-mixed-prose-list",
    ],
)
def test_a_printed_fixture_reads_back_as_well_as_pasted(tmp_path, stem):
    """What `make notice-quality` measures over every fixture, here on four layouts: prose over
    three pages, roman headings, nested "*"/"+" items, prose then a list."""
    folder = Path(__file__).parent / "fixtures" / "notices"
    text = (folder / f"{stem}.txt").read_text(encoding="utf-8")
    expected = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
    catalog, by_name, kinds = load_catalog(catalog_file(folder, expected))
    pdf = print_pdf(text, tmp_path, stem)
    from_pdf, _pages = text_of_pdf(pdf.read_bytes())
    add = WorkCalendar().add
    pasted = score_notice(text, expected, catalog, by_name, kinds, add)
    printed = score_notice(from_pdf, expected, catalog, by_name, kinds, add)
    assert (printed.directives, printed.units, printed.deadlines) == (
        pasted.directives,
        pasted.units,
        pasted.deadlines,
    ), printed.misses
