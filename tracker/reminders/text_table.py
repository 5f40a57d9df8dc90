"""Plain-text tables for mail: columns aligned in a fixed-width font, headings on two lines.

A plain-text mail is read in a mail client's fixed-width font; a table whose numbers stand
in columns under their headings can be scanned, where "Trong hạn 4; Sắp đến hạn 3; …" cannot.
Headings are split over two lines at a space so that the columns stay narrow. Widths count
what a reader sees: a letter and its combining accents (text pasted in decomposed form) are
one column.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

GAP = "  "


def width(text: str) -> int:
    """The columns ``text`` takes in a fixed-width font (combining marks take none)."""
    return sum(1 for ch in text if not unicodedata.combining(ch))


def _ljust(text: str, size: int) -> str:
    return text + " " * (size - width(text))


def _rjust(text: str, size: int) -> str:
    return " " * (size - width(text)) + text


def split_heading(label: str) -> tuple[str, str]:
    """``label`` over two lines at the space that makes the wider line narrowest."""
    words = label.split()
    if len(words) < 2:
        return "", label
    best = min(
        range(1, len(words)),
        key=lambda i: (max(width(" ".join(words[:i])), width(" ".join(words[i:]))), -i),
    )
    return " ".join(words[:best]), " ".join(words[best:])


def render(first: str, headings: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """The lines of a table: the first column (names) left-aligned, the others right-aligned.

    ``first`` heads the first column; each row is its name then one cell per heading; the last
    row is set apart by a rule when there are at least two (a total).
    """
    split = [split_heading(h) for h in headings]
    name_width = max([width(first)] + [width(r[0]) for r in rows])
    widths = [
        max([width(top), width(bottom)] + [width(r[i + 1]) for r in rows])
        for i, (top, bottom) in enumerate(split)
    ]

    def line(name: str, cells: Sequence[str]) -> str:
        cells = [_rjust(c, w) for c, w in zip(cells, widths, strict=True)]
        parts = [_ljust(name, name_width), *cells]
        return GAP.join(parts).rstrip()

    rule = GAP.join(["-" * name_width] + ["-" * w for w in widths])
    lines = [line("", [t for t, _ in split]), line(first, [b for _, b in split]), rule]
    body = [line(r[0], r[1:]) for r in rows]
    if len(body) >= 2:
        lines += body[:-1] + [rule, body[-1]]
    else:
        lines += body
    return lines
