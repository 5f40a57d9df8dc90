"""Reading a conclusion notice ("Thông báo kết luận") into draft tasks.

Pure functions (no Flask, no database): ``parse_notice(text, catalog, meeting_day,
add_working_days)`` returns ``Draft`` objects; the review screen lives in ``views.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as _field
from datetime import date, timedelta

from tracker.meetings.notice.deadlines import Deadline, find_deadline
from tracker.meetings.notice.fields import classify
from tracker.meetings.notice.split import body_lines, list_pieces, prose_pieces, without_header
from tracker.meetings.notice.text import capitalise, fold, one_line, squash, tidy
from tracker.meetings.notice.units import Catalog, Mention, Ref, UnitInfo, Unknown

__all__ = ["Catalog", "Deadline", "Draft", "Ref", "UnitInfo", "Unknown", "parse_notice"]

TITLE_MAX = 160
MAX_DRAFTS = 200
TITLE_SHORT = 100
# A long clause loses its purpose or manner, never what completes it ("đảm bảo các điều kiện
# để …" stays whole).
TITLE_CUTS = (" nham ", " voi nhieu ", " doi voi ")
COORD_BEFORE = re.compile(r"phoi hop(\s+(chat che\s+)?(voi|cung))?[\s,]*(cac\s+)?$")
RECIPIENT_BEFORE = re.compile(r"(\bve|\bgui|\btrinh|\bden|\btoi|\bcho|\bcua|\bbao cao|\btai)\s*$")
DIRECTED_BEFORE = re.compile(r"^\s*(chi dao|huong dan|don doc)\s+(cac\s+)?$")
CONNECTOR = re.compile(r"[\s,;&/-]*((va|cung|voi)\s+)?[\s,]*(cac\s+)?")
TITLE_SKIP = re.compile(
    r"[\s,;:-]+|(chu tri|va|cac|voi|cung|phoi hop|chat che|khan truong|"
    r"chiu trach nhiem( ve)?|trong thoi gian toi|thuc hien|chu tich|thu truong)"
    r"(?![a-z0-9])"
)
# Verbs giving the work: skipped only when a unit follows ("Giao Phòng …", not "Chỉ đạo các
# trường …"); "cần"/"phải" checked with their accents ("cân đối" stays).
TITLE_VERB = re.compile(r"(giao|de nghi|yeu cau|chi dao)\s+((thu truong|chu tich|lanh dao)\s+)?")
TITLE_MODAL = re.compile(r"(cần|phải)\s+", re.I)
TITLE_HEADING = re.compile(r"^(về|đối với)\s+[^:,;]{0,80}[:,]\s*", re.I)
DEADLINE_WORDS = re.compile(
    r"(?:[\s,(]*(?:hoàn thành|xong|thời hạn|chậm nhất|muộn nhất|trước|trong|ngày|hạn|"
    r"báo cáo kết quả|báo cáo))*\s*$",
    re.I,
)


@dataclass
class Draft:
    """A proposed task: what the secretary reviews."""

    title: str
    text: str
    lead: list[Ref] = _field(default_factory=list)
    coordinating: list[Ref] = _field(default_factory=list)
    deadline: Deadline = _field(default_factory=Deadline)
    field: str = "khac"
    unknown: list[Unknown] = _field(default_factory=list)
    whole: bool = False  # no directive was recognised: the whole text in one draft


def roles(text: str, mentions: list[Mention]) -> tuple[list[Ref], list[Ref]]:
    """Lead and coordinating units named in ``text`` (recipients such as "báo cáo về X" left
    out): units after "phối hợp (với)", and those listed right after them, coordinate."""
    folded = fold(text)
    lead: list[Ref] = []
    coord: list[Ref] = []
    previous, prev_end = None, 0
    for m in mentions:
        gap = folded[prev_end : m.start]
        joined = previous is not None and CONNECTOR.fullmatch(gap) is not None
        directed = lead and DIRECTED_BEFORE.search(gap)  # "X chỉ đạo Y …": Y takes part
        if COORD_BEFORE.search(gap) or directed or (joined and previous == "coord"):
            role = "coord"
        elif RECIPIENT_BEFORE.search(gap) or (joined and previous == "skip"):
            role = "skip"
        else:
            role = "lead"
        target = {"lead": lead, "coord": coord}.get(role)
        if target is not None and m.ref.key not in [r.key for r in target]:
            target.append(m.ref)
        previous, prev_end = role, m.end
    lead_ids = {i for r in lead for i in r.ids}
    coord = [r for r in coord if not set(r.ids) <= lead_ids]
    return lead, coord


def make_title(text: str, mentions: list[Mention], deadline: Deadline) -> str:
    """The directive's first clause, without who does it and when, shortened."""
    folded = fold(text)
    starts = {m.start: m for m in mentions}
    heading = TITLE_HEADING.match(text)
    pos = heading.end() if heading and len(text) - heading.end() > 15 else 0
    while pos < len(text):
        if pos in starts:
            pos = starts[pos].end
            continue
        verb = TITLE_VERB.match(folded, pos)
        if verb and verb.end() in starts:
            pos = verb.end()
            continue
        m = TITLE_SKIP.match(folded, pos) or TITLE_MODAL.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    rest = text[pos:] if len(text) - pos > 15 else text
    rest = re.split(r";|\.\s|:\s|\.$", rest, maxsplit=1)[0]
    if deadline.kind == "date" and deadline.phrase and deadline.phrase in rest[15:]:
        rest = rest[: rest.index(deadline.phrase, 15)]
        rest = DEADLINE_WORDS.sub("", rest)
    rest = one_line(rest).strip(" ,.-–")
    if len(rest) > TITLE_SHORT:
        # A long clause loses its purpose or manner ("nhằm …", "để …", "với nhiều …").
        for word in TITLE_CUTS:
            at = fold(rest).find(word, 40)
            if at > 0:
                rest = rest[:at].rstrip(" ,")
                break
    if len(rest) > TITLE_MAX:
        cut = rest[:TITLE_MAX].rsplit(" ", 1)[0]
        rest = cut.rstrip(" ,;") + "…"
    return capitalise(rest) or capitalise(one_line(text)[:TITLE_MAX])


def _draft(piece_text: str, context: list[str], catalog: Catalog, meeting_day: date, add) -> Draft:
    mentions = catalog.mentions(piece_text)
    lead, coord = roles(piece_text, mentions)
    if not lead:
        for ctx in reversed(context):
            ctx_lead, ctx_coord = roles(ctx, catalog.mentions(ctx))
            if ctx_lead:
                lead = ctx_lead
                if not coord:
                    coord = ctx_coord
                break
    deadline = find_deadline(piece_text, meeting_day, add)
    if deadline.kind == "none":
        for ctx in reversed(context):
            found = find_deadline(ctx, meeting_day, add)
            if found.kind != "none":
                deadline = found
                break
    lead_ids = {i for r in lead for i in r.ids}
    coord = [r for r in coord if not set(r.ids) <= lead_ids]
    unknown = catalog.unknowns(piece_text, mentions)
    folded = fold(piece_text)
    for u in unknown:  # a name after "phối hợp (với)" would coordinate
        at = folded.find(fold(u.text))
        if at > 0 and COORD_BEFORE.search(folded[:at]):
            u.role = "coordinating"
    return Draft(
        title=make_title(piece_text, mentions, deadline),
        text=tidy(piece_text),
        lead=lead,
        coordinating=coord,
        deadline=deadline,
        field=classify(piece_text),
        unknown=unknown,
    )


def _calendar_days(start: date, n: int) -> date:
    return start + timedelta(days=n)


def parse_notice(
    text: str,
    catalog: Catalog,
    meeting_day: date,
    add_working_days: Callable[[date, int], date] = _calendar_days,
) -> list[Draft]:
    """The draft tasks of a notice; one draft with the whole text when no directive is found."""
    clean = squash(text or "")
    lines = body_lines(clean)
    pieces = (list_pieces(lines) or prose_pieces(lines, catalog.mentions))[:MAX_DRAFTS]
    if pieces:
        return [_draft(p.text, p.context, catalog, meeting_day, add_working_days) for p in pieces]
    whole = "\n".join(without_header(lines)).strip() or clean
    draft = _draft(whole, [], catalog, meeting_day, add_working_days)
    draft.text = whole
    draft.title = make_title(whole.split("\n")[0], [], draft.deadline)
    draft.whole = True
    return [draft]
