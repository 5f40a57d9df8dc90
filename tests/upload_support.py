"""Small files of each format the evidence upload accepts (and some it must refuse)."""

from __future__ import annotations

import io
import zipfile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def office_zip(folder: str, content_types: bool = True) -> bytes:
    """A minimal DOCX (folder "word") or XLSX (folder "xl")."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if content_types:
            archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
    return buffer.getvalue()


def ole2(stream_name: str) -> bytes:
    """An OLE2 header followed by a directory entry naming ``stream_name`` (UTF-16LE)."""
    return OLE2 + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 64


def upload(content: bytes, name: str) -> tuple[io.BytesIO, str]:
    """One file for the test client's multipart ``data``."""
    return (io.BytesIO(content), name)


def db_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table: what a refused request must leave as it was."""
    from tracker.models import MODELS, AuditEvent

    def rows(model):
        if model is AuditEvent:  # a refusal is itself audited ("denied"): not a data change
            return model.select().where(AuditEvent.action != "denied")
        return model.select()

    return {
        m._meta.table_name: sorted(tuple(map(str, row)) for row in rows(m).tuples()) for m in MODELS
    }


def stored_files(app) -> list[str]:
    """The names in the upload folder (temporary ones included)."""
    folder = app.config["INSTANCE_PATH"] / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []
