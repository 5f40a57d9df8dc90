"""The notice's text from the paste box or an uploaded file: .txt, .docx, a PDF (its text
layer, else OCR as a scan) or a scanned page as JPEG or PNG (OCR: ``ocr.py``)."""

from __future__ import annotations

import io

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import TextAreaField

from tracker.core.file_types import DOCX, JPEG, PDF, PNG, _zip_type, matches_name, sniff
from tracker.meetings.notice.ocr import OcrError, ocr_scan
from tracker.meetings.notice.pdf import MAX_PDF_PAGES, PdfError, text_of_pdf
from tracker.web.forms import BaseForm, max_len

MAX_TEXT = 50_000
MAX_UPLOAD = 2 * 1024 * 1024
# A scan (a PDF or an image) weighs more than text: 10 pages at 200 dpi fit.
MAX_SCAN_UPLOAD = 10 * 1024 * 1024
BAD_TYPE = _l("Chỉ nhận tệp .docx, .txt, .pdf hoặc ảnh quét .jpg, .png.")
TOO_BIG = _l("Tệp quá lớn (tối đa 2 MB).")
TOO_BIG_SCAN = _l("Tệp quá lớn (tối đa 10 MB với tệp .pdf và ảnh quét).")
BAD_PDF = _l("Tệp này không phải tệp PDF hợp lệ.")
LOCKED_PDF = _l("Tệp PDF có mật khẩu; vui lòng gỡ mật khẩu hoặc dán nội dung thông báo.")
BAD_IMAGE = _l(
    "Không đọc được tệp ảnh này (chỉ nhận ảnh .jpg, .png, không quá 10.000 điểm ảnh mỗi chiều)."
)
NO_OCR = _l(
    "Máy chủ chưa cài Tesseract (tesseract-ocr, tesseract-ocr-vie) để đọc bản quét; vui lòng "
    "dán nội dung thông báo vào ô trên hoặc chọn tệp .docx, .txt, .pdf có lớp chữ."
)
NO_RENDERER = _l(
    "Máy chủ chưa cài poppler-utils (pdftoppm) để đọc bản quét dạng PDF; vui lòng chọn ảnh "
    "quét .jpg, .png hoặc dán nội dung thông báo."
)
OCR_FAILED = _l("Không đọc được bản quét này; vui lòng quét lại hoặc dán nội dung thông báo.")
OCR_EMPTY = _l(
    "Không nhận ra chữ trong bản quét; vui lòng quét rõ hơn (khoảng 200 dpi) hoặc dán nội "
    "dung thông báo."
)
BAD_DOCX = _l("Không đọc được tệp Word (.docx) này.")
BAD_TXT = _l("Tệp .txt phải được lưu với mã UTF-8.")
NOTHING = _l("Vui lòng dán nội dung thông báo hoặc chọn tệp.")
EMPTY = _l("Tệp không có nội dung.")
# Word's automatic numbering is not in the text: list paragraphs get a bullet by level.
LEVEL_BULLETS = ("-", "+", "*", "•")


class SourceForm(BaseForm):
    """Paste the notice, or upload it."""

    text = TextAreaField(
        _l("Nội dung thông báo kết luận"), [max_len(MAX_TEXT)], render_kw={"rows": 12}
    )
    file = FileField(
        _l("hoặc chọn tệp (.docx, .txt tối đa 2 MB; .pdf, ảnh quét .jpg/.png tối đa 10 MB)")
    )

    def notice_text(self) -> str | None:
        """The text to parse, or None with an error beside the field that caused it."""
        upload = self.file.data
        if upload and getattr(upload, "filename", ""):
            return self._from_file(upload)
        text = (self.text.data or "").strip()
        if not text:
            self.text.errors.append(NOTHING)
            return None
        return text

    def _from_file(self, upload) -> str | None:
        name = upload.filename.lower()
        data = upload.stream.read(MAX_SCAN_UPLOAD + 1)
        scan = name.endswith((".pdf", ".png", ".jpg", ".jpeg"))
        if len(data) > (MAX_SCAN_UPLOAD if scan else MAX_UPLOAD):
            self.file.errors.append(TOO_BIG_SCAN if scan else TOO_BIG)
            return None
        if scan:
            text = self._from_scan(name, data)
            if text is None:
                return None
        elif name.endswith(".docx"):
            if _zip_type(io.BytesIO(data)) is not DOCX:
                self.file.errors.append(BAD_DOCX)
                return None
            try:
                text = docx_text(data)
            except Exception:  # noqa: BLE001 - any broken file is the user's error
                self.file.errors.append(BAD_DOCX)
                return None
        elif name.endswith(".txt"):
            try:
                text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else None
                text = text if text is not None else data.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.file.errors.append(BAD_TXT)
                return None
            if "\x00" in text:
                self.file.errors.append(BAD_TXT)
                return None
        else:
            self.file.errors.append(BAD_TYPE)
            return None
        text = text.strip()
        if not text:
            self.file.errors.append(EMPTY)
            return None
        return text[:MAX_TEXT]

    def _from_scan(self, name: str, data: bytes) -> str | None:
        """A PDF's text layer, else (a scan) what OCR reads in it; an image by OCR."""
        found = sniff(io.BytesIO(data))
        if found is None or not matches_name(found, name):
            self.file.errors.append(BAD_PDF if name.endswith(".pdf") else BAD_IMAGE)
            return None
        pages = 1
        if found is PDF:
            try:
                text, pages = text_of_pdf(data)
            except PdfError as exc:
                self.file.errors.append(self._pdf_error(exc.code))
                return None
            if text:
                return text
        config = current_app.config
        try:
            text = ocr_scan(
                data,
                {PDF: "pdf", PNG: "png", JPEG: "jpg"}[found],
                tesseract=config.get("TESSERACT_CMD", "tesseract"),
                pdftoppm=config.get("PDFTOPPM_CMD", "pdftoppm"),
                pages=pages,
                max_pages=config.get("OCR_MAX_PAGES", 10),
                timeout=config.get("OCR_TIMEOUT", 45),
            )
        except OcrError as exc:
            self.file.errors.append(self._ocr_error(exc.code))
            return None
        if not text.strip():
            self.file.errors.append(OCR_EMPTY)
            return None
        return text

    @staticmethod
    def _pdf_error(code: str) -> str:
        if code == "encrypted":
            return str(LOCKED_PDF)
        if code == "pages":
            return _(
                "Tệp PDF dài quá %(n)s trang; vui lòng chỉ chọn các trang thông báo kết luận.",
                n=MAX_PDF_PAGES,
            )
        return str(BAD_PDF)

    @staticmethod
    def _ocr_error(code: str) -> str:
        config = current_app.config
        if code == "missing":
            return str(NO_OCR)
        if code == "renderer":
            return str(NO_RENDERER)
        if code == "pages":
            return _(
                "Bản quét dài quá %(n)s trang; vui lòng chỉ quét các trang có nội dung kết luận "
                "hoặc dán nội dung thông báo.",
                n=config.get("OCR_MAX_PAGES", 10),
            )
        if code == "timeout":
            return _(
                "Đọc bản quét quá %(n)s giây nên đã dừng; vui lòng chọn tệp ít trang hơn hoặc "
                "dán nội dung thông báo.",
                n=config.get("OCR_TIMEOUT", 45),
            )
        if code == "image":
            return str(BAD_IMAGE)
        return str(OCR_FAILED)


def docx_text(data: bytes) -> str:
    """The paragraphs of a .docx in order (tables' cells included), with list levels."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    # Styles that number their paragraphs ("List Number", "List Bullet" …).
    listed = {
        s.style_id
        for s in document.styles
        if s.element.pPr is not None and s.element.pPr.find(qn("w:numPr")) is not None
    }

    def paragraph(p) -> None:
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        ppr = p.find(qn("w:pPr"))
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        in_list = numpr is not None or (style is not None and style.get(qn("w:val")) in listed)
        if in_list and text.strip():
            ilvl = numpr.find(qn("w:ilvl")) if numpr is not None else None
            level = int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0
            text = f"{LEVEL_BULLETS[min(level, len(LEVEL_BULLETS) - 1)]} {text.strip()}"
        lines.append(text)

    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph(child)
        elif child.tag == qn("w:tbl"):
            for p in child.iter(qn("w:p")):
                paragraph(p)
    return "\n".join(lines)
