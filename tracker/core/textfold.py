"""Folding Vietnamese text for search: no accents, no case, words separated by single spaces.

"Cải cách HÀNH CHÍNH" and "cai cach hanh chinh" fold to the same string; "đ"/"Đ" fold to "d"
(Unicode does not decompose them). Every character that is not a letter or a digit becomes a
space, so a folded text is plain words that SQLite's LIKE and PostgreSQL's text-search parser
split the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from markupsafe import Markup, escape

# Letters Unicode does not decompose into a base letter and a mark.
_SPECIAL = {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"}

MAX_TERMS = 8
MAX_TERM_LENGTH = 40


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character folded: its base letters in lower case, a space, or '' for a mark."""
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    out = []
    for part in unicodedata.normalize("NFD", ch):
        if unicodedata.combining(part):
            continue
        part = _SPECIAL.get(part, part).lower()
        out.append(part if part.isalnum() else " ")
    return "".join(out)


_SPACES = re.compile(r" +")


def fold(text: str | None) -> str:
    """``text`` without accents or case, non-word characters as single spaces, stripped."""
    if not text:
        return ""
    return _SPACES.sub(" ", "".join(fold_char(ch) for ch in text)).strip()


def fold_all(parts: Iterable[str | None]) -> str:
    """Several texts folded into one searchable string."""
    return fold(" ".join(p for p in parts if p))


def terms(query: str | None) -> list[str]:
    """The distinct folded words of a query (at most ``MAX_TERMS``, each shortened)."""
    seen: list[str] = []
    for word in fold(query).split():
        word = word[:MAX_TERM_LENGTH]
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def _match_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Spans of ``text`` whose folded form starts a word with one of ``words``."""
    folded: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        for out in fold_char(ch):
            folded.append(out)
            origin.append(index)
    flat = "".join(folded)
    spans: list[tuple[int, int]] = []
    for word in words:
        start = flat.find(word)
        while start != -1:
            if start == 0 or flat[start - 1] == " ":
                begin = origin[start]
                end = origin[start + len(word) - 1] + 1
                # Keep the combining marks of a decomposed last letter inside the mark.
                while end < len(text) and fold_char(text[end]) == "":
                    end += 1
                spans.append((begin, end))
            start = flat.find(word, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for begin, end in spans:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


def highlight(text: str | None, words: list[str], limit: int | None = None) -> Markup:
    """``text`` escaped, the words matching ``words`` in ``<mark>``.

    With ``limit``, only an excerpt of about that many characters around the first match.
    """
    text = text or ""
    spans = _match_spans(text, words) if words else []
    begin, end = 0, len(text)
    if limit and len(text) > limit:
        first = spans[0][0] if spans else 0
        begin = max(0, first - limit // 3)
        # Start and stop at a space so no word is cut in half.
        if begin:
            space = text.find(" ", begin)
            begin = space + 1 if 0 <= space < first else begin
        end = min(len(text), begin + limit)
        if end < len(text):
            space = text.rfind(" ", begin, end)
            end = space if space > begin else end
    out = [Markup("…") if begin else Markup("")]
    cursor = begin
    for s, e in spans:
        if e <= begin or s >= end:
            continue
        s, e = max(s, begin), min(e, end)
        out.append(escape(text[cursor:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)
