"""Precision and recall of the parser over annotated notices (tests/fixtures/notices).

Each fixture is ``NAME.txt`` (the notice) and ``NAME.json`` (``meeting_date``, the ``level`` of
the office that wrote it — ``district-2022`` when absent, ``province`` or ``commune`` — and the
expected ``directives``: a key phrase of the text, ``lead`` and ``coordinating`` unit names — or
``@<kind>`` for every unit of a kind, ``@wards``/``@departments`` for the district's wards and
departments — and ``deadline``). The units a notice may name are in ``units.json`` for the
district, ``units-<level>.json`` for the other levels, or the file the fixture's ``catalog`` names;
the collective phrases are those of the level's preset unit kinds (core/org_levels.py).

Scoring: an expected directive is found when a draft's text contains its key phrase (without
accents, case and spacing; each draft counts once). Units are (role, unit) pairs, groups expanded
to their units; deadlines are (kind, date) and count as right only on a found directive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tracker.core.org_levels import DISTRICT, PRESETS
from tracker.meetings.notice import Draft, parse_notice
from tracker.meetings.notice.text import fold, one_line
from tracker.meetings.notice.units import Catalog, KindInfo, UnitInfo


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


LEVELS = ("district-2022", "province", "commune")
DEFAULT_LEVEL = LEVELS[0]
# The district's fixtures name their groups in the plural.
KIND_KEYS = {"@wards": "ward", "@departments": "department"}


@dataclass
class Result:
    name: str
    level: str = DEFAULT_LEVEL
    directives: Score = field(default_factory=Score)
    units: Score = field(default_factory=Score)
    deadlines: Score = field(default_factory=Score)
    misses: list[str] = field(default_factory=list)


def catalog_file(folder: Path, expected: dict) -> Path:
    """The units file of a fixture: its ``catalog``, else the one of its level."""
    level = expected.get("level", DEFAULT_LEVEL)
    default = "units.json" if level == DEFAULT_LEVEL else f"units-{level}.json"
    return folder / expected.get("catalog", default)


def load_catalog(path: Path) -> tuple[Catalog, dict[str, int], dict[str, set[int]]]:
    """The catalog of a units file, its unit ids by name and the ids of every ``@<kind>``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    units = [
        UnitInfo(
            i,
            u["name"],
            u.get("short_name", ""),
            u.get("kind", "department"),
            tuple(u.get("aliases", [])),
        )
        for i, u in enumerate(data["units"], start=1)
    ]
    by_name = {u.name: u.id for u in units}
    kinds: dict[str, set[int]] = {}
    for u in units:
        kinds.setdefault("@" + u.kind, set()).add(u.id)
    for key, kind in KIND_KEYS.items():
        kinds[key] = kinds.get("@" + kind, set())
    groups = {name: [by_name[n] for n in members] for name, members in data["groups"].items()}
    # The collective phrases are the level's preset kinds, as a new installation gets them.
    level = data.get("level", DISTRICT)
    presets = [KindInfo.of(p) for p in PRESETS[level]]
    return Catalog(units, groups, presets), by_name, kinds


def _norm(text: str) -> str:
    return one_line(fold(text))


def _expected_units(entry: dict, by_name: dict[str, int], kinds: dict) -> set[tuple[str, int]]:
    pairs = set()
    for role in ("lead", "coordinating"):
        for name in entry.get(role, []):
            ids = kinds.get(name, set()) if name.startswith("@") else {by_name[name]}
            pairs |= {(role, i) for i in ids}
    # A unit both leading and coordinating leads.
    leads = {i for r, i in pairs if r == "lead"}
    return {(r, i) for r, i in pairs if r == "lead" or i not in leads}


def _draft_units(draft: Draft) -> set[tuple[str, int]]:
    leads = {i for r in draft.lead for i in r.ids}
    coord = {i for r in draft.coordinating for i in r.ids} - leads
    return {("lead", i) for i in leads} | {("coordinating", i) for i in coord}


def _expected_deadline(entry: dict) -> tuple:
    d = entry.get("deadline", {"kind": "none"})
    return (d["kind"], d.get("date"), bool(d.get("invalid")))


def _draft_deadline(draft: Draft) -> tuple:
    dl = draft.deadline
    return (dl.kind, dl.day.isoformat() if dl.day else None, bool(dl.problem))


def score_notice(text: str, expected: dict, catalog, by_name, kinds, add_days, name="") -> Result:
    drafts = parse_notice(text, catalog, date.fromisoformat(expected["meeting_date"]), add_days)
    result = Result(name)
    used: set[int] = set()
    for entry in expected["directives"]:
        key = _norm(entry["key"])
        hit = next(
            (i for i, d in enumerate(drafts) if i not in used and key in _norm(d.text)), None
        )
        want_units = _expected_units(entry, by_name, kinds)
        if hit is None:
            result.directives.fn += 1
            result.units.fn += len(want_units)
            result.deadlines.fn += 1
            result.misses.append(f"directive not found: {entry['key']}")
            continue
        used.add(hit)
        draft = drafts[hit]
        result.directives.tp += 1
        got_units = _draft_units(draft)
        result.units.tp += len(want_units & got_units)
        result.units.fp += len(got_units - want_units)
        result.units.fn += len(want_units - got_units)
        if want_units != got_units:
            result.misses.append(f"units of '{entry['key']}' differ")
        if _expected_deadline(entry) == _draft_deadline(draft):
            result.deadlines.tp += 1
        else:
            result.deadlines.fp += 1
            result.deadlines.fn += 1
            result.misses.append(
                f"deadline of '{entry['key']}': expected {_expected_deadline(entry)}, "
                f"got {_draft_deadline(draft)}"
            )
    for i, draft in enumerate(drafts):
        if i not in used:
            result.directives.fp += 1
            result.units.fp += len(_draft_units(draft))
            result.deadlines.fp += 1
            result.misses.append(f"extra draft: {draft.title[:60]}")
    return result


def totals(results: list[Result]) -> dict[str, Score]:
    """The scores of ``results`` added up."""
    total = {"directives": Score(), "units": Score(), "deadlines": Score()}
    for r in results:
        total["directives"].add(r.directives)
        total["units"].add(r.units)
        total["deadlines"].add(r.deadlines)
    return total


def by_level(results: list[Result]) -> dict[str, dict[str, Score]]:
    """The totals of each level that has fixtures, in the order of ``LEVELS``."""
    present = [lv for lv in LEVELS if any(r.level == lv for r in results)]
    present += sorted({r.level for r in results} - set(LEVELS))
    return {lv: totals([r for r in results if r.level == lv]) for lv in present}


def evaluate(folder: Path, add_days) -> tuple[list[Result], dict[str, Score]]:
    """Score every fixture of ``folder``; returns per-notice results and the overall totals."""
    catalogs: dict[Path, tuple] = {}
    results = []
    for path in sorted(folder.glob("*.txt")):
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        units_file = catalog_file(folder, expected)
        if units_file not in catalogs:
            catalogs[units_file] = load_catalog(units_file)
        catalog, by_name, kinds = catalogs[units_file]
        text = path.read_text(encoding="utf-8")
        result = score_notice(text, expected, catalog, by_name, kinds, add_days, path.stem)
        result.level = expected.get("level", DEFAULT_LEVEL)
        results.append(result)
    return results, totals(results)
