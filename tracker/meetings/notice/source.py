"""The notice's text from the paste box or an uploaded .txt or .docx file."""

from __future__ import annotations

import io

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import TextAreaField

from tracker.core.file_types import DOCX, _zip_type
from tracker.web.forms import BaseForm, max_len

MAX_TEXT = 50_000
MAX_UPLOAD = 2 * 1024 * 1024
BAD_TYPE = _l("Chỉ nhận tệp .docx hoặc .txt.")
TOO_BIG = _l("Tệp quá lớn (tối đa 2 MB).")
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
    file = FileField(_l("hoặc chọn tệp (.docx, .txt; tối đa 2 MB)"))

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
        data = upload.stream.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            self.file.errors.append(TOO_BIG)
            return None
        if name.endswith(".docx"):
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
