"""Text helpers for notices: accent folding that keeps positions, spacing, sentence cleaning."""

from __future__ import annotations

import re
import unicodedata

DASHES = "‐‑‒–—―−"


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    if ch in DASHES:
        return "-"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base[0] if base else ch


# Latin letters with their accents (Vietnamese included), dashes and ASCII capitals.
_TABLE = {
    cp: _fold_char(chr(cp))
    for cp in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
}
_TABLE.update({ord(d): "-" for d in DASHES})


def fold(text: str) -> str:
    """Lower case without diacritics, ``đ`` → ``d``, dashes → ``-``; same length as ``text``,
    so a match in the folded text is a match at the same place in the original (give it NFC
    text: ``squash`` and ``nfc`` make it so)."""
    return text.translate(_TABLE)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def squash(text: str) -> str:
    """Runs of spaces and tabs become one space; lines stripped; blank runs kept as one."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u00a0", " ").replace("\t", " ")
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def one_line(text: str) -> str:
    """All whitespace (newlines too) as single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def tidy(text: str) -> str:
    """A directive's text: one line, without the trailing ``;``/``,``/``./.`` and with a capital."""
    text = one_line(text)
    text = re.sub(r"(\s*\./\.|[;,:\s])+$", "", text).strip()
    text = re.sub(r"^[;,.\s]+", "", text)
    if text and not text.endswith((".", "?", "!", ")", "”", '"')):
        text += "."
    return capitalise(text)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
