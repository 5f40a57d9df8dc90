"""Splitting a notice into directives: list items (numbered, roman, lettered, dashes, nested),
or the clauses of a sentence such as "yêu cầu các phòng, ban … cần: …; …; …".

Each directive comes with its context: the texts of the items above it (their units apply when
the directive names none), or the subject of the "yêu cầu …" sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.meetings.notice.text import fold, one_line

MARKER = re.compile(
    r"^(?:(?P<roman>(?:VIII|VII|VI|IV|IX|V|III|II|I|X))[.)]\s+"
    r"|(?P<num>\d{1,2}(?:\.\d{1,2})*)(?:[.)]|\.\))\s+"
    r"|(?P<letter>[a-zđ])[.)]\s+"
    r"|(?P<bullet>[-–—+•*●○▪■◦])\s*)"
)
FOOTER = re.compile(
    r"^(noi nhan|tm\.|t/m|kt\.|tl\.|chanh van phong|pho chanh van phong|cong thong tin dien tu|"
    r"truong ban bien tap|tren day la|\(da ky\))"
    r"|thong bao (de|cho) .{0,80}(biet|thuc hien)"
)
HEADER = re.compile(
    r"^(uy ban nhan dan|ubnd|cong hoa xa hoi|doc lap|so:|so \d|thong bao$|v/v|van phong hdnd|"
    r"van phong uy ban|thoi gian:|ket luan cua|[^,]{0,40}, ngay \d{1,2} thang \d{1,2} nam)"
)
ANCHOR = re.compile(
    r"(ket luan|chi dao)( va chi dao| va ket luan)?( cuoc hop)?( nhu sau| cu the)\s*:"
    r"|y kien ket luan|ket luan,? chi dao\s*:|phat bieu ket luan|ket luan cuoc hop\s*,"
    r"|ket luan\s*:"
)
ASSESS = re.compile(
    r"^(ve )?(danh gia|ket qua|tinh hinh|ghi nhan|bieu duong|tuy nhien|nhin chung|uu diem|"
    r"ton tai|han che|nhan xet|thong nhat|co ban thong nhat|dong y|nam 20\d\d,|qua \d)"
)
ATTENDEE = re.compile(r"^(dong chi|d/c|dai dien|ong |ba |cac dong chi|thanh phan)")
TRIGGER = re.compile(r"(?<![a-z])(yeu cau|de nghi|giao|chi dao)\s+")
LEAD_IN = re.compile(
    r"^[\s,]*(trong thoi gian toi|thoi gian toi|tu nay den cuoi nam|trong nam \d{4})?[\s,]*"
    r"(can|phai|tap trung|khan truong)?\s*(thuc hien)?\s*(tot )?(cac|mot so|nhung)?\s*"
    r"(noi dung|nhiem vu)?\s*(sau|trong tam|sau day)?\s*:?\s*"
)
CLOSING = re.compile(r"^(tren day la|van phong .* thong bao|de nghi cac .* (biet|thuc hien)\.?$)")
CLAUSE_SPLIT = re.compile(r";\s*|(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ\"“])|(?<=:)\s*\n")
MIN_CLAUSE = 20


@dataclass
class Item:
    text: str
    kind: str = ""
    depth: int = 0
    children: list[Item] = field(default_factory=list)
    parent: Item | None = None


@dataclass
class Piece:
    """One directive's text and the texts whose units or deadline it inherits."""

    text: str
    context: list[str] = field(default_factory=list)


def _marker(line: str) -> tuple[str, str] | None:
    m = MARKER.match(line)
    if not m:
        return None
    if m.group("roman"):
        return "roman", line[m.end() :]
    if m.group("num"):
        return f"num{m.group('num').count('.') + 1}", line[m.end() :]
    if m.group("letter"):
        return "letter", line[m.end() :]
    return f"bullet{m.group('bullet')}", line[m.end() :]


def body_lines(text: str) -> list[str]:
    """The notice's lines up to its closing part (signature, "Nơi nhận", "Trên đây là …")."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i > 0 and FOOTER.search(fold(line)):
            return lines[:i]
    return lines


def without_header(lines: list[str]) -> list[str]:
    """The lines after the header (Quốc hiệu, số ký hiệu, place and date, title)."""
    i = 0
    while i < len(lines) and (not lines[i] or HEADER.search(fold(lines[i])) or _caps(lines[i])):
        i += 1
    return lines[i:] or lines


def _caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(line) < 120 and len(letters) > 3 and all(c.isupper() for c in letters)


def _anchor(lines: list[str]) -> int:
    """The index of the last line announcing the conclusions ("kết luận như sau:")."""
    start = 0
    for i, line in enumerate(lines):
        if ANCHOR.search(fold(line)) and not MARKER.match(line):
            start = i
    return start


def _tree(lines: list[str]) -> list[Item]:
    roots: list[Item] = []
    stack: list[Item] = []
    kinds: list[str] = []
    current: Item | None = None
    for line in lines:
        if not line:
            continue
        found = _marker(line)
        if found is None:
            if current is not None:
                current.text += "\n" + line
            continue
        kind, rest = found
        if kind in kinds:
            depth = kinds.index(kind)
            del kinds[depth + 1 :]
        else:
            kinds.append(kind)
            depth = len(kinds) - 1
        stack = stack[:depth]
        item = Item(rest, kind, depth, parent=stack[-1] if stack else None)
        (stack[-1].children if stack else roots).append(item)
        stack.append(item)
        current = item
    return roots


def _leaves(item: Item) -> list[Item]:
    if not item.children:
        return [item]
    return [leaf for child in item.children for leaf in _leaves(child)]


def list_pieces(lines: list[str]) -> list[Piece]:
    """Directives from list items after the anchor; assessment sections left out."""
    start = _anchor(lines)
    roots = _tree(lines[start:])
    marked = sum(1 for line in lines[start:] if MARKER.match(line))
    if marked < 2 and not any(r.children for r in roots):
        return []
    pieces = []
    for root in roots:
        head = fold(one_line(root.text))
        if ASSESS.search(head) or ATTENDEE.search(head):
            continue
        for leaf in _leaves(root):
            text = one_line(leaf.text)
            if not text:
                continue
            context, up = [], leaf.parent
            while up is not None:
                context.insert(0, one_line(up.text))
                up = up.parent
            pieces.append(Piece(text, context))
    return pieces


def clauses(text: str) -> list[str]:
    """Clauses of prose split at ``;`` and sentence ends; short bits joined to the previous."""
    out: list[str] = []
    for part in CLAUSE_SPLIT.split(text):
        part = one_line(part)
        if not part or CLOSING.search(fold(part)):
            continue
        if out and len(part) < MIN_CLAUSE:
            out[-1] += "; " + part
        else:
            out.append(part)
    return out


def prose_pieces(lines: list[str], mentions_of) -> list[Piece]:
    """Directives from prose: after "yêu cầu/đề nghị/giao <units>", each clause is one."""
    start = _anchor(lines)
    region = "\n".join(lines[start:]).strip()
    folded = fold(region)
    mentions = mentions_of(region)
    for trig in TRIGGER.finditer(folded):
        first = next((m for m in mentions if m.start >= trig.end()), None)
        if first is None or first.start - trig.end() > 40:
            continue
        end = first.end
        for m in mentions:
            if m.start >= end and re.fullmatch(r"[\s,&/-]*(va|cung)?[\s,]*", folded[end : m.start]):
                end = m.end
        subject = region[trig.start() : end]
        rest = region[end:]
        lead = LEAD_IN.match(fold(rest))
        rest = rest[lead.end() if lead else 0 :]
        pieces = [Piece(c, [subject]) for c in clauses(rest)]
        if pieces:
            return pieces
    # No "yêu cầu …" sentence: paragraphs that give work to a unit.
    pieces = []
    for para in re.split(r"\n+", region):
        para = one_line(para)
        f = fold(para)
        if re.match(r"(giao|de nghi|yeu cau|chi dao)\s", f) and mentions_of(para):
            pieces.append(Piece(para))
    return pieces
