"""Mail headers that read exactly as written: RFC 2047 encoded-words that keep their spaces.

Python's own header folder (``email.policy``; 3.11 does it) may fold a long Vietnamese header
so that the space between two words falls *between* two encoded-words. RFC 2047 (section 6.2)
tells clients to ignore whitespace between encoded-words, so "tình hình" arrived as
"tìnhhình". Here the values of the Subject and the From header are folded by this module
instead: every space of the text that lies inside encoded text is encoded with it, a fold only
ever falls where a reader drops or restores whitespace exactly as the text had it, and lines
stay within the policy's 78 characters, encoded-words within RFC 2047's 75 (a display name's
long run of accented words excepted, see ``_phrase``).

The ``email`` package keeps a value that has a ``name`` as a finished header object and writes
it with the value's ``fold(policy=…)`` (the documented contract of ``EmailPolicy``), so
``message["Subject"] = unstructured("Subject", text)`` is all a caller does.
"""

from __future__ import annotations

import base64
import re
import sys
from dataclasses import dataclass
from email.headerregistry import Address
from email.policy import Policy
from email.utils import parseaddr

# RFC 2047: an encoded-word is at most 75 characters; "=?utf-8?b?" and "?=" take 12 of them.
MAX_ENCODED_WORD = 75
_OVERHEAD = len("=?utf-8?b??=")
# A word that may stand unquoted in a display name (RFC 5322 atext).
_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+")


def encoded_word(text: str) -> str:
    """``text`` as one RFC 2047 encoded-word (UTF-8, base64: compact for Vietnamese)."""
    return "=?utf-8?b?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


def _bytes_for(width: int) -> int:
    """How many bytes of UTF-8 an encoded-word of at most ``width`` characters holds."""
    return max(0, (min(width, MAX_ENCODED_WORD) - _OVERHEAD) // 4 * 3)


def _take(text: str, budget: int) -> str:
    """The longest start of ``text`` within ``budget`` bytes, ending after a space if one
    falls in its second half (whole characters only, as RFC 2047 requires)."""
    size, end = 0, 0
    for char in text:
        size += len(char.encode("utf-8"))
        if size > budget:
            break
        end += 1
    chunk = text[:end]
    if end < len(text):
        space = chunk.rfind(" ")
        if space >= end // 2:
            chunk = chunk[: space + 1]
    return chunk


@dataclass(frozen=True)
class _Piece:
    """A run of the value: written as is (``plain``, never cut) or as encoded-words.

    Two pieces are always one space apart in the text, and the folder writes one whitespace
    (a space or a fold) between them: readers keep whitespace next to a plain piece.
    """

    text: str
    plain: bool
    whole: bool = False  # encoded text written as one encoded-word, however long


class FoldedHeader(str):
    """A header value that folds itself; ``str()`` is the text as a reader sees it."""

    name: str
    pieces: tuple[_Piece, ...]

    def __new__(cls, name: str, text: str, pieces: list[_Piece]) -> FoldedHeader:
        value = super().__new__(cls, text)
        value.name = name
        value.pieces = tuple(pieces)
        return value

    def fold(self, *, policy: Policy) -> str:
        """The header as it goes on the wire: ASCII lines within the policy's length."""
        limit = policy.max_line_length or sys.maxsize
        lines = [f"{self.name}:"]

        def room() -> int:
            return limit - len(lines[-1]) - 1  # a space goes before what comes

        def fresh() -> bool:  # nothing written yet on this line but the header's name
            return lines[-1] in ("", f"{self.name}:")

        for piece in self.pieces:
            if piece.plain:
                if len(piece.text) > room() and not fresh():
                    lines.append("")
                lines[-1] += " " + piece.text
                continue
            if piece.whole:
                word = encoded_word(piece.text)
                if len(word) > room() and not fresh():
                    lines.append("")
                lines[-1] += " " + word
                continue
            rest = piece.text
            while rest:
                first = len(rest[0].encode("utf-8"))
                budget = _bytes_for(room())
                if budget < first:
                    if not fresh():
                        lines.append("")
                        continue
                    # A limit too short for even one character: the longest word RFC 2047 allows.
                    budget = max(first, _bytes_for(MAX_ENCODED_WORD))
                chunk = _take(rest, budget)
                lines[-1] += " " + encoded_word(chunk)
                rest = rest[len(chunk) :]
        return policy.linesep.join(lines) + policy.linesep


def _one_line(text: str) -> str:
    """Whitespace as a header holds it: no line breaks, single spaces (a title typed with a
    line break must not break the header)."""
    return " ".join(text.split())


def unstructured(name: str, text: str) -> FoldedHeader:
    """A Subject (or any free-text header) that reads as ``text``.

    ASCII text is folded at its spaces and never encoded; any other text (or text holding
    "=?", which a reader would take for the start of an encoded-word) is written as
    encoded-words from its first character to its last, spaces included.
    """
    text = _one_line(text)
    if text.isascii() and "=?" not in text:
        pieces = [_Piece(word, plain=True) for word in text.split(" ") if word]
    else:
        pieces = [_Piece(text, plain=False)] if text else []
    return FoldedHeader(name, text, pieces)


def _phrase(name: str) -> list[_Piece]:
    """A display name as pieces: plain words stay plain, every run of other words (accented,
    or holding a character that would need quoting) becomes one encoded-word, spaces included.

    One encoded-word per run, even past RFC 2047's 75 characters (as ``email.utils.formataddr``
    writes every display name): Python's own address parser (3.11) keeps the whitespace
    between two encoded-words of a display name, against RFC 2047, so a run cut in two would
    read with a doubled space there, and every common client reads a long encoded-word. Only
    a run longer than about 45 bytes of UTF-8 goes past 75.
    """
    words = name.split(" ")
    if name.isascii() and "=?" not in name:
        if all(_ATOM.fullmatch(word) for word in words):
            return [_Piece(word, plain=True) for word in words]
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        return [_Piece(f'"{quoted}"', plain=True)]
    pieces: list[_Piece] = []
    for word in words:
        plain = bool(_ATOM.fullmatch(word)) and "=?" not in word
        if pieces and not plain and not pieces[-1].plain:
            pieces[-1] = _Piece(f"{pieces[-1].text} {word}", plain=False, whole=True)
        else:
            pieces.append(_Piece(word, plain=plain, whole=not plain))
    return pieces


def mailbox(name: str, address: str) -> FoldedHeader:
    """A From (or To) header of one mailbox, ``Display Name <addr>`` or a bare address.

    ``address`` is read as an administrator writes it in the settings: ``Tên <a@b>``,
    ``"Tên, có dấu phẩy" <a@b>`` or ``a@b``.
    """
    display, addr = parseaddr(address)
    display = _one_line(display)
    if not addr:
        raise ValueError(f"not a mail address: {address!r}")
    if not display:
        return FoldedHeader(name, addr, [_Piece(addr, plain=True)])
    text = str(Address(display_name=display, addr_spec=addr))
    return FoldedHeader(name, text, [*_phrase(display), _Piece(f"<{addr}>", plain=True)])
