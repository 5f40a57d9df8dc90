"""Reading a scanned notice (a PDF without text, a JPEG or PNG) with Tesseract's Vietnamese
model: ``tesseract IMAGE stdout -l vie``, the PDF's pages first rendered by poppler's
``pdftoppm``. Both are separate programs (Debian's tesseract-ocr, tesseract-ocr-vie,
poppler-utils; ``make ocr``), run with a list of arguments, in a temporary folder, under one
time budget for the whole file and a bound on its pages and pixels.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import time
from pathlib import Path

from tracker.meetings.notice.pdf import clean_pages

# A4's long side at 200 dpi: every page is rendered to this size, whatever its paper.
RENDER_LONG_SIDE = 2339
MAX_SIDE = 10_000
MAX_PIXELS = 50_000_000


class OcrError(Exception):
    """Why a scan could not be read; ``code`` is one of ``missing`` (no tesseract or no
    Vietnamese data), ``renderer`` (no pdftoppm), ``pages``, ``timeout``, ``image`` (not a
    readable or too large image), ``failed``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def languages(tesseract: str) -> set[str]:
    """The language data ``tesseract`` has installed (empty if it cannot be run)."""
    if not shutil.which(tesseract):
        return set()
    try:
        done = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    return {line.strip() for line in done.stdout.splitlines()[1:] if line.strip()}


def available(tesseract: str) -> bool:
    """Whether ``tesseract`` runs here with its Vietnamese model (``vie``)."""
    return "vie" in languages(tesseract)


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR or a JPEG's frame header; None if not found."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return None


def _check_image(data: bytes) -> None:
    size = image_size(data)
    if size is None or 0 in size:
        raise OcrError("image")
    width, height = size
    if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
        raise OcrError("image")


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise OcrError("timeout")
    return left


def _run(args: list[str], deadline: float) -> str:
    # One thread per tesseract: the server's other requests keep a core.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            args, capture_output=True, timeout=_left(deadline), env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrError("timeout") from exc
    except OSError as exc:
        raise OcrError("failed") from exc
    if done.returncode != 0:
        raise OcrError("failed")
    return done.stdout.decode("utf-8", "replace")


def ocr_image(path: Path, tesseract: str, deadline: float) -> str:
    """The text Tesseract reads in one image (page segmentation: automatic)."""
    return _run([tesseract, str(path), "stdout", "-l", "vie", "--psm", "3"], deadline)


def render_pdf(
    pdf: Path, folder: Path, pdftoppm: str, max_pages: int, deadline: float
) -> list[Path]:
    """The first ``max_pages`` pages of ``pdf`` as grey PNG images (A4 at 200 dpi)."""
    if not shutil.which(pdftoppm):
        raise OcrError("renderer")
    prefix = folder / "page"
    _run(
        [pdftoppm, "-l", str(max_pages), "-scale-to", str(RENDER_LONG_SIDE), "-gray", "-png"]
        + [str(pdf), str(prefix)],
        deadline,
    )
    return sorted(folder.glob("page-*.png"))


def ocr_scan(
    data: bytes,
    kind: str,
    *,
    tesseract: str = "tesseract",
    pdftoppm: str = "pdftoppm",
    pages: int = 1,
    max_pages: int = 10,
    timeout: float = 45.0,
) -> str:
    """The notice's text in a scan: ``kind`` is "pdf" (``pages`` pages, none of them with
    text), "png" or "jpg". Raises OcrError."""
    if kind != "pdf":
        _check_image(data)
    if pages > max_pages:
        raise OcrError("pages")
    if not available(tesseract):
        raise OcrError("missing")
    deadline = time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="notice-ocr-") as tmp:
        folder = Path(tmp)
        if kind == "pdf":
            source = folder / "scan.pdf"
            source.write_bytes(data)
            images = render_pdf(source, folder, pdftoppm, max_pages, deadline)
        else:
            source = folder / f"scan.{kind}"
            source.write_bytes(data)
            images = [source]
        texts = [ocr_image(image, tesseract, deadline) for image in images]
    return clean_pages(texts, indented=False)
