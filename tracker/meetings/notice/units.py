"""Finding units in a notice: by name, short name, alias or initials, and the unit groups.

Everything works on folded text (``text.fold``: no accents, lower case), whose positions are
those of the original. A ``Catalog`` is built from plain rows, so the parser needs no database:
the units, the unit groups, and the unit kinds with the collective phrases that name every unit
of a kind ("UBND các xã, phường, đặc khu") — read from ``unit_kind`` by the application, from
the presets of ``core/org_levels.py`` by the quality script.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from tracker.core.org_levels import DISTRICT_KINDS, KindPreset
from tracker.meetings.notice.text import fold, nfc, one_line

# The keys of the district's wards and departments (a kind's key is ``@<code>``).
WARDS = "@ward"
DEPARTMENTS = "@department"
PREFIXES = ("van phong", "phong", "ban", "so", "trung tam", "chi cuc", "doi", "thanh tra")
EQUIVALENTS = [("ubnd", "uy ban nhan dan"), ("hdnd", "hoi dong nhan dan")]
# Where a unit-like phrase that matched nothing may start (flagged as unknown).
UNKNOWN_START = re.compile(
    r"(?<![a-z0-9])(phong|so|trung tam|chi cuc|ban quan ly|cong an|doi|ubnd phuong|ubnd xa|"
    r"ubnd dac khu|uy ban nhan dan phuong|uy ban nhan dan xa|phuong|xa|dac khu|thon|tram)"
    r"\s+(?=\S)"
)
UNKNOWN_STOP = re.compile(
    r"\s(chu tri|phoi hop|tham muu|xay dung|thuc hien|to chuc|trien khai|bao cao|khan truong|"
    r"tiep tuc|ra soat|huong dan|theo doi|hoan thanh|kiem tra|de|tai|trong|theo|ve|cho|voi|cung)"
    r"(?![a-z0-9])|[,;.:()\n]"
)
ALIAS_SPLIT = re.compile(r"[;\n]")
MAX_UNKNOWN = 10
SEP = r"(?:[\s\-&/.,]*|\s*-?\s*va\s+)"


@dataclass(frozen=True)
class UnitInfo:
    """One unit as the parser sees it."""

    id: int
    name: str
    short_name: str = ""
    kind: str = "department"
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class KindInfo:
    """A unit kind as the parser sees it: its group's name and the phrases naming all its units."""

    code: str
    label: str
    group_label: str
    phrases: tuple[str, ...] = ()

    @classmethod
    def of(cls, preset: KindPreset) -> KindInfo:
        return cls(preset.code, preset.label, preset.group_label, preset.phrases)


def kind_key(code: str) -> str:
    """The key of the ref naming every unit of a kind."""
    return "@" + code


@dataclass(frozen=True)
class Ref:
    """A unit, or a group of units, found in the text: ``key`` is ``u<id>`` or a group key."""

    key: str
    label: str
    ids: tuple[int, ...]


@dataclass
class Mention:
    start: int
    end: int
    ref: Ref


@dataclass
class Unknown:
    text: str
    suggestions: list[str] = field(default_factory=list)
    role: str = "lead"  # the field a suggestion goes to: "lead" or "coordinating"


def split_aliases(value: str) -> list[str]:
    """The aliases of a unit: one per line or separated by ``;``."""
    return [a.strip() for a in ALIAS_SPLIT.split(value or "") if a.strip()]


def _tokens(folded: str) -> list[str]:
    return [t for t in re.findall(r"[a-z0-9]+", folded) if t != "va"]


def _regex(folded: str) -> re.Pattern | None:
    tokens = _tokens(folded)
    if not tokens:
        return None
    return re.compile(r"(?<![a-z0-9])" + SEP.join(map(re.escape, tokens)) + r"(?![a-z0-9])")


def _variants(folded: str) -> set[str]:
    out = {folded}
    for short, long in EQUIVALENTS:
        for v in list(out):
            out.add(re.sub(rf"\b{short}\b", long, v))
            out.add(v.replace(long, short))
    return out


def abbreviation(name: str) -> str | None:
    """``Phòng Văn hóa và Thông tin`` → ``phong vh tt``: the prefix and each part's initials."""
    if re.search(r"\b[A-ZĐ]{2,}\b", name):
        return None  # already holds abbreviations (HĐND, UBND)
    folded = fold(name).strip()
    for prefix in PREFIXES:
        if folded.startswith(prefix + " "):
            rest = folded[len(prefix) + 1 :]
            break
    else:
        return None
    parts = [p for p in re.split(r"\s+va\s+|\s*[-,&]\s*", rest) if p.strip()]
    initials = ["".join(w[0] for w in p.split()) for p in parts]
    if sum(len(i) for i in initials) < 3:
        return None
    return " ".join([prefix, *initials])


class Catalog:
    """The units and groups a notice may name, with the patterns that find them."""

    def __init__(
        self,
        units: list[UnitInfo],
        groups: dict[str, list[int]] | None = None,
        kinds: list[KindInfo] | None = None,
    ):
        """``kinds`` default to the pre-2025 district's (department, ward, agency)."""
        self.units = [u for u in units]
        self.by_id = {u.id: u for u in units}
        if kinds is None:
            kinds = [KindInfo.of(p) for p in DISTRICT_KINDS]
        self.kind_labels = {k.code: k.label for k in kinds}
        # Pattern text → its refs: a phrase listed under several kinds names all their units.
        patterns: dict[tuple[str, int], list] = {}
        order = 0

        def add(phrase: str, ref: Ref, priority: int) -> None:
            nonlocal order
            for variant in _variants(fold(one_line(phrase))):
                rx = _regex(variant)
                if rx is None:
                    continue
                key = (rx.pattern, priority)
                if key in patterns:
                    if ref not in patterns[key][-1]:
                        patterns[key][-1].append(ref)
                    continue
                order += 1
                first = _tokens(variant)[0]
                patterns[key] = [len(variant), priority, order, first, rx, [ref]]

        self.group_refs: dict[str, Ref] = {}
        for name, ids in (groups or {}).items():
            ref = Ref(f"g:{name}", name, tuple(sorted(ids)))
            self.group_refs[fold(name)] = ref
            add(name, ref, 2)
        for kind in kinds:
            ids = tuple(sorted(u.id for u in units if u.kind == kind.code))
            ref = Ref(kind_key(kind.code), kind.group_label, ids)
            self.group_refs.setdefault(fold(kind.group_label), ref)
            add(kind.group_label, ref, 1)
            for phrase in kind.phrases:
                add(phrase, ref, 1)
        for unit in units:
            ref = self.ref(unit)
            names = [unit.name, unit.short_name, *unit.aliases]
            # "UBND phường Sở Dầu" is also "phường Sở Dầu".
            names += [re.sub(r"^(UBND|Ủy ban nhân dân)\s+", "", unit.name, flags=re.I)]
            for name in filter(None, names):
                add(name, ref, 3)
            abbr = abbreviation(unit.name)
            if abbr:
                add(abbr, ref, 3)
        # Longest phrase first; on equal length a unit before a group, then definition order.
        ordered = sorted(patterns.values(), key=lambda p: (-p[0], -p[1], p[2]))
        # With each pattern its first word: a text without it is not searched.
        self.patterns = [(first, rx, tuple(refs)) for *_, first, rx, refs in ordered]
        self.names = {fold(u.name): u.name for u in units}
        for unit in units:
            for other in (unit.short_name, *unit.aliases):
                if other:
                    self.names.setdefault(fold(other), unit.name)

    def group_labels(self) -> list[str]:
        """The names of the groups a field may hold."""
        return sorted({ref.label for ref in self.group_refs.values()})

    @staticmethod
    def ref(unit: UnitInfo) -> Ref:
        return Ref(f"u{unit.id}", unit.name, (unit.id,))

    def find(self, key: str) -> Ref | None:
        """The unit (``u<id>``) or the group that a key of the unit list names, if any."""
        if key[:1] == "u" and key[1:].isdigit():
            unit = self.by_id.get(int(key[1:]))
            return self.ref(unit) if unit else None
        return next((r for r in self.group_refs.values() if r.key == key), None)

    def mentions(self, text: str) -> list[Mention]:
        """Non-overlapping unit and group mentions in ``text``, longest first, in text order."""
        folded = fold(text)
        taken = [False] * len(folded)
        found: list[Mention] = []
        for first, rx, refs in self.patterns:
            if first not in folded:
                continue
            for m in rx.finditer(folded):
                if any(taken[m.start() : m.end()]):
                    continue
                for i in range(m.start(), m.end()):
                    taken[i] = True
                found.extend(Mention(m.start(), m.end(), ref) for ref in refs)
        return sorted(found, key=lambda m: m.start)

    def unknowns(self, text: str, mentions: list[Mention]) -> list[Unknown]:
        """Unit-like phrases ("Phòng X", "UBND xã Y") that matched no unit, with close names."""
        folded = fold(text)
        covered = [False] * len(folded)
        for m in mentions:
            for i in range(m.start, m.end):
                covered[i] = True
        out: list[Unknown] = []
        seen: set[str] = set()
        for m in UNKNOWN_START.finditer(folded):
            if len(out) >= MAX_UNKNOWN:
                break
            if covered[m.start()] or not text[m.end() : m.end() + 1].isupper():
                continue
            window = min(len(folded), m.end() + 100)  # a unit's name is short
            stop = UNKNOWN_STOP.search(folded, m.end(), window)
            end = stop.start() if stop else window
            words = text[m.start() : end].split()[:8]
            phrase = " ".join(words).strip(" -")
            if len(phrase) < 6 or any(covered[m.start() : m.start() + len(phrase)]):
                continue
            if phrase not in seen:
                seen.add(phrase)
                out.append(Unknown(phrase, self.suggest(phrase)))
        return out

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The closest unit names to ``name`` (compared without accents)."""
        close = difflib.get_close_matches(fold(name), list(self.names), n=n * 2, cutoff=0.45)
        seen: list[str] = []
        for key in close:
            if self.names[key] not in seen:
                seen.append(self.names[key])
        return seen[:n]

    def resolve(self, value: str) -> tuple[list[Ref], list[Unknown]]:
        """A field listing names (``;``, ``,`` at group boundaries or new lines): their refs, and
        the names that matched nothing with suggestions."""
        refs: list[Ref] = []
        unknown: list[Unknown] = []
        for part in (p.strip() for p in re.split(r"[;\n]", nfc(value))):
            if not part:
                continue
            folded = fold(part).strip(" .")
            ref = self.group_refs.get(folded)
            if ref is None:
                ms = self.mentions(part)
                if len(ms) == 1 and _covers(folded, ms[0]):
                    ref = ms[0].ref
            if ref is None:
                unknown.append(Unknown(part, self.suggest(part)))
            elif ref.key not in [r.key for r in refs]:
                refs.append(ref)
        return refs, unknown


def _covers(folded: str, m: Mention) -> bool:
    """Whether a mention is the whole of a field entry (bar a locality word and punctuation)."""
    rest = (folded[: m.start] + " " + folded[m.end :]).strip(" .,-")
    return rest in ("", "quan", "huyen", "thi xa", "thanh pho", "tp")


def refs_label(refs: list[Ref]) -> str:
    return "; ".join(r.label for r in refs)
