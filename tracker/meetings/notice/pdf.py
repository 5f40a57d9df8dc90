"""A notice's text from a PDF's text layer (pypdf), and the page clean-up shared with OCR.

pypdf's layout mode keeps each printed line with its indentation (its plain mode splits
Vietnamese letters with spaces in Chromium's and Word's PDFs). ``clean_pages`` then drops what
the pages repeat (running headers and footers, "Trang 2/3", lone page numbers), joins the lines
the layout broke (a line that does not end a sentence joins the next one unless that one starts
an item, a paragraph or the closing part) and cuts the closing part ("Nơi nhận", the signer) with
the parser's own rule (``split.body_lines``), so the text shown for review is the notice's.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from tracker.meetings.notice.split import FOOTER, MARKER, body_lines
from tracker.meetings.notice.text import fold, squash

MAX_PDF_PAGES = 30


class PdfError(Exception):
    """Not a PDF pypdf can read (broken, encrypted, too many pages): ``code`` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# "Trang 2", "Trang 2/3", "Trang 2 trên 3", "- 2 -", "2", "2/3".
PAGE_NUMBER = re.compile(r"^[-–(\s]*(trang\s*)?\d{1,3}(\s*(/|tren)\s*\d{1,3})?[-–)\s]*$")
SENTENCE_END = re.compile(r"([.!?:;]|\./\.|[.!?][\"”)])$")
# How far into a page's top and bottom a running header or footer is looked for.
EDGE = 3
RUNNING_MAX = 80  # a running header or footer is short
# A page drawing an image with fewer letters than this is a scanned page; a PDF whose pages are
# mostly scanned, or that has fewer than MIN_LETTERS letters in all, is read by OCR.
SCAN_LETTERS = 300
MIN_LETTERS = 20
INDENT = 3  # spaces past the left margin that start a paragraph (first-line indent, centring)


def _has_image(page) -> bool:
    """Whether the page draws an image (directly or in a form it draws)."""
    from pypdf.generic import DictionaryObject

    def images(resources, depth: int) -> bool:
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject) or depth > 2:
            return False
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else None
        if not isinstance(xobjects, DictionaryObject):
            return False
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                return True
            if obj.get("/Subtype") == "/Form" and images(obj.get("/Resources"), depth + 1):
                return True
        return False

    return images(page.get("/Resources"), 0)


def pdf_pages(data: bytes) -> list[tuple[str, bool]]:
    """Each page's text, line by line with its indentation ('' for a page without text), and
    whether it is a scanned page: it draws an image and has little text (a scan that the
    e-office system stamped "Ký bởi: …, Thời gian ký: …")."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfError("encrypted")
        if not reader.pages:
            raise PdfError("broken")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise PdfError("pages")
        out = []
        for page in reader.pages:
            text = page.extract_text(extraction_mode="layout") or ""
            thin = sum(c.isalpha() for c in text) < SCAN_LETTERS
            out.append((text, thin and _has_image(page)))
        return out
    except PdfError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise PdfError("broken") from exc
    except RecursionError as exc:  # a crafted object graph
        raise PdfError("broken") from exc


def _key(line: str) -> str:
    """A line as compared across pages: no accents, case, spacing or digits."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", fold(line)).strip())


def _edges(lines: list[str]) -> list[int]:
    """Indexes of a page's first and last few non-blank lines."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:EDGE] + filled[-EDGE:]))


def drop_running(pages: list[list[str]]) -> list[list[str]]:
    """Pages without their running headers and footers: a line near the top or bottom of a
    page that recurs there on every page (digits aside; from four pages on, one page may lack
    it, as a first page often does), is short and does not end a sentence; a page number; a
    stray mark of one or two characters."""
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({_key(lines[i]) for i in _edges(lines)})
    need = len(pages) - 1 if len(pages) >= 4 else max(2, len(pages))
    repeated = {
        k
        for k, n in seen.items()
        if n >= need and len(k) <= RUNNING_MAX and not SENTENCE_END.search(k)
    }
    out = []
    for lines in pages:
        edges = set(_edges(lines))
        out.append(
            [
                line
                for i, line in enumerate(lines)
                if i not in edges
                or not (
                    _key(line) in repeated
                    or PAGE_NUMBER.match(fold(line).strip())
                    or len(line.strip()) <= 2
                )
            ]
        )
    return out


def _caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) > 3 and all(c.isupper() for c in letters)


def _margin(lines: list[str]) -> int:
    """The left margin of the body: the least indentation that many lines share."""
    filled = [line for line in lines if line.strip()]
    margins = Counter(len(x) - len(x.lstrip(" ")) for x in filled)
    return min((m for m, n in margins.items() if n >= max(2, len(filled) // 10)), default=0)


def _dedent(lines: list[str]) -> list[str]:
    """A page's lines moved left by its margin (pypdf measures each page from its leftmost
    text, which a page number or a stamp can move)."""
    margin = _margin(lines)
    return [line[min(margin, len(line) - len(line.lstrip(" "))) :] for line in lines]


def join_lines(lines: list[str], indented: bool) -> list[str]:
    """Lines broken by the layout joined back into paragraphs and items.

    ``indented``: the lines keep the page's indentation (pypdf's layout mode), so a line
    indented past the left margin starts a paragraph; OCR text has only blank lines for that.
    """
    margin = _margin(lines)
    out: list[str] = []
    joinable = False  # whether the last line of ``out`` may take the next one
    for raw in lines:
        line = raw.strip()
        if not line:
            # OCR marks paragraphs with blank lines; a PDF's blanks are only vertical gaps.
            joinable = joinable and indented
            continue
        lead = len(raw) - len(raw.lstrip(" "))
        starts = (
            MARKER.match(line)
            or (indented and lead > margin + INDENT - 1)
            or FOOTER.search(fold(line))
            or _caps(line)
        )
        if joinable and not starts:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        joinable = not SENTENCE_END.search(out[-1]) and not _caps(out[-1])
    return out


def clean_pages(pages: list[str], indented: bool = True) -> str:
    """The notice's text from its pages' text: running lines dropped, lines joined, the
    closing part ("Nơi nhận", signer) cut."""
    split = drop_running([squash_keep_indent(p).strip("\n").split("\n") for p in pages])
    lines = join_lines([line for page in split for line in _dedent(_trim(page))], indented)
    lines = body_lines(squash("\n".join(lines)))
    while lines and (not lines[-1].strip() or _caps(lines[-1])):
        lines.pop()  # a signer's title left above the cut ("CHỦ TỊCH" before "(Đã ký)")
    return "\n".join(lines).strip()


def _trim(lines: list[str]) -> list[str]:
    """A page's lines without its blank lines at the top and bottom (so a paragraph that
    goes on over the page joins)."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return lines[filled[0] : filled[-1] + 1] if filled else []


def squash_keep_indent(text: str) -> str:
    """Like ``text.squash`` inside lines (NFC, no tabs or runs of spaces), the leading spaces
    kept (they tell paragraphs apart)."""
    out = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.replace("\u00a0", " ").replace("\t", " ").rstrip()
        lead = len(line) - len(line.lstrip(" "))
        out.append(" " * lead + squash(line))
    return "\n".join(out)


def text_of_pdf(data: bytes) -> tuple[str, int]:
    """The notice's text from a PDF's text layer and its page count; the text is '' for a scan
    (more than half the pages scanned, or hardly any text at all), which OCR must read."""
    pages = pdf_pages(data)
    texts = [text for text, _scan in pages]
    scanned = sum(scan for _text, scan in pages)
    if scanned * 2 > len(pages) or sum(c.isalpha() for t in texts for c in t) < MIN_LETTERS:
        return "", len(pages)
    return clean_pages(texts), len(pages)
