"""What an uploaded file really is, judged by its content (magic bytes), never by its name.

Only the evidence formats offices exchange are accepted: PDF, Word and Excel (the current ZIP
based formats and the old OLE2 ones) and JPEG or PNG images. Everything else, and anything
whose name promises one format while its bytes are another, is refused.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class FileType:
    """A format we accept: the extension we store it under, its media type, its names."""

    ext: str
    content_type: str
    names: tuple[str, ...]


PDF = FileType("pdf", "application/pdf", ("pdf",))
PNG = FileType("png", "image/png", ("png",))
JPEG = FileType("jpg", "image/jpeg", ("jpg", "jpeg", "jpe"))
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
XLSX = FileType(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
)
DOC = FileType("doc", "application/msword", ("doc",))
XLS = FileType("xls", "application/vnd.ms-excel", ("xls",))

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# OLE2 directory entries name their streams in UTF-16LE: Word keeps "WordDocument",
# Excel "Workbook" (or "Book" before Excel 97).
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))
# How much of an OLE2 file is searched for those names; the directory sits near the start
# of every file small enough to be evidence, and a bound keeps the search cheap.
_OLE2_SCAN = 4 * 1024 * 1024


def _zip_type(stream: BinaryIO) -> FileType | None:
    """DOCX or XLSX from the names in a ZIP archive's directory (nothing is decompressed)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    return None


def _ole2_type(stream: BinaryIO) -> FileType | None:
    stream.seek(0)
    data = stream.read(_OLE2_SCAN)
    if _WORD_STREAM in data:
        return DOC
    if any(name in data for name in _EXCEL_STREAMS):
        return XLS
    return None


def sniff(stream: BinaryIO) -> FileType | None:
    """The accepted format of the seekable binary ``stream``'s content, or None."""
    stream.seek(0)
    head = stream.read(8)
    if head.startswith(b"%PDF-"):
        found: FileType | None = PDF
    elif head == b"\x89PNG\r\n\x1a\n":
        found = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith(b"PK\x03\x04"):
        found = _zip_type(stream)
    elif head == OLE2_MAGIC:
        found = _ole2_type(stream)
    else:
        found = None
    stream.seek(0)
    return found


def matches_name(file_type: FileType, filename: str) -> bool:
    """Whether ``filename``'s extension is one of ``file_type``'s (a .png must be a PNG)."""
    _, dot, ext = filename.rpartition(".")
    return bool(dot) and ext.lower() in file_type.names
