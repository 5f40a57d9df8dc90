"""A notice's text printed as an official-looking A4 PDF by headless Chromium, and its pages
rendered to PNG as a scan would be: the text-PDF and scan forms that ``make notice-quality``
and the tests read back (nothing here is used by the web application).

The layout is the usual one, roughly: the issuing body and "Số: …" on the left and the Quốc
hiệu with place and date on the right, the centred title, justified paragraphs in a Times-like
serif, "Nơi nhận" beside the signer at the end, a running line and "Trang N/M" on every page.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

from tracker.meetings.notice.ocr import ocr_scan
from tracker.meetings.notice.pdf import text_of_pdf
from tracker.meetings.notice.text import fold

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]
RUNNING = "Thông báo kết luận — bản in thử"
STYLE = """
@page { size: A4; margin: 20mm 20mm 22mm 30mm;
  @top-right { content: "RUNNING"; font: italic 10pt "Liberation Serif", serif; }
  @bottom-center { content: "Trang " counter(page) "/" counter(pages);
    font: 11pt "Liberation Serif", "Times New Roman", serif; } }
body { font: 14pt/1.35 "Liberation Serif", "Times New Roman", "DejaVu Serif", serif; margin: 0; }
p { margin: 0 0 6pt; text-align: justify; text-indent: 1cm; }
.head, .foot { width: 100%; border-collapse: collapse; margin-bottom: 12pt; }
.head td, .foot td { vertical-align: top; text-align: center; font-size: 13pt; padding: 0; }
.foot td { text-align: left; }
.foot td.sign { text-align: center; font-weight: bold; }
.title { text-align: center; text-indent: 0; font-weight: bold; }
"""
NATIONAL = re.compile(r"^(cong hoa xa hoi|doc lap)|, ngay \d{1,2} thang")
SIGNER = re.compile(r"^(noi nhan|tm\.|kt\.|t/m|tl\.)")


def _p(line: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{html.escape(line)}</p>"


def _cell(lines: list[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>" + "<br>".join(html.escape(x) for x in lines) + "</td>"


def notice_html(text: str) -> str:
    """The notice as one HTML page: header table, title, body, "Nơi nhận" and signer."""
    lines = text.strip().split("\n")
    parts: list[str] = []
    # Header: the first block (up to the first blank line), if it holds the Quốc hiệu.
    blank = lines.index("") if "" in lines else len(lines)
    block = lines[:blank]
    if any(NATIONAL.search(fold(x)) for x in block) and len(block) <= 8:
        right = [x for x in block if NATIONAL.search(fold(x))]
        left = [x for x in block if x not in right]
        parts.append(f'<table class="head"><tr>{_cell(left)}{_cell(right)}</tr></table>')
        lines = lines[blank:]
    end = next((i for i, x in enumerate(lines) if SIGNER.search(fold(x))), len(lines))
    body, tail = lines[:end], lines[end:]
    for line in body:
        if not line.strip():
            continue
        letters = [c for c in line if c.isalpha()]
        caps = len(line) < 100 and letters and all(c.isupper() for c in letters)
        parts.append(_p(line, "title" if caps or fold(line).startswith("ket luan cua") else ""))
    if tail:
        recipients = [x for x in tail if fold(x).startswith(("noi nhan", "- "))]
        signer = [x for x in tail if x not in recipients and x.strip()]
        parts.append(
            f'<table class="foot"><tr>{_cell(recipients)}{_cell(signer, "sign")}</tr></table>'
        )
    style = STYLE.replace("RUNNING", RUNNING)
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<style>{style}</style></head><body>{''.join(parts)}</body></html>"
    )


def print_pdf(text: str, folder: Path, name: str, chromium: str = CHROMIUM) -> Path:
    """``text`` printed by headless Chromium to ``folder/name.pdf``."""
    page = folder / f"{name}.html"
    page.write_text(notice_html(text), encoding="utf-8")
    out = folder / f"{name}.pdf"
    profile = folder / f".chromium-{name}"
    subprocess.run(
        [
            chromium,
            *CHROMIUM_ARGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={out}",
            page.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    if not out.exists() or out.stat().st_size == 0:
        raise RuntimeError(f"Chromium did not print {page}")
    return out


def scan_pngs(pdf: Path, folder: Path, dpi: int = 200, pdftoppm: str = "pdftoppm") -> list[Path]:
    """The pages of ``pdf`` as grey PNG images at ``dpi``, as a scanner would give them."""
    prefix = folder / pdf.stem
    subprocess.run(
        [pdftoppm, "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return sorted(folder.glob(f"{pdf.stem}-*.png"))


def image_pdf(
    pngs: list[Path], folder: Path, name: str, chromium: str = CHROMIUM, stamp: str = ""
) -> Path:
    """A PDF holding only the images ``pngs``, one a page (a scanned notice: no text layer),
    and ``stamp`` as text over the last one's corner (the e-office system's signature)."""
    imgs = "".join(
        f'<img src="{p.resolve().as_uri()}" style="width:210mm;height:297mm;display:block;'
        f'{"break-after:page" if i < len(pngs) - 1 else ""}">'
        for i, p in enumerate(pngs)
    )
    if stamp:
        imgs += (
            '<div style="position:absolute;bottom:15mm;right:15mm;width:70mm;font:9pt serif;'
            f'border:1px solid red;color:red">{html.escape(stamp)}</div>'
        )
    page = folder / f"{name}.html"
    page.write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<style>@page{size:A4;margin:0}body{margin:0;position:relative}</style>"
        f"</head><body>{imgs}</body></html>",
        encoding="utf-8",
    )
    out = folder / f"{name}.pdf"
    subprocess.run(
        [
            chromium,
            *CHROMIUM_ARGS,
            f"--user-data-dir={folder / ('.chromium-' + name)}",
            "--allow-file-access-from-files",
            f"--print-to-pdf={out}",
            page.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


def read_back(text: str, folder: Path, name: str) -> dict[str, str]:
    """The notice ``text`` as the upload reads it back after printing it to a PDF ("text
    PDF": its text layer) and scanning that at 200 dpi into an image-only PDF ("scan": OCR)."""
    pdf = print_pdf(text, folder, name)
    from_pdf, _pages = text_of_pdf(pdf.read_bytes())
    scans = folder / f"{name}-scan"
    scans.mkdir(exist_ok=True)
    scan = image_pdf(scan_pngs(pdf, scans), scans, f"{name}-scan").read_bytes()
    blank, pages = text_of_pdf(scan)
    if blank:
        raise RuntimeError(f"the scan of {name} has a text layer")
    return {"text PDF": from_pdf, "scan": ocr_scan(scan, "pdf", pages=pages, timeout=120)}
