"""Units of a draft chosen from the unit list: the options, the posted keys, the suggestions a
click chooses ("Có phải …?"), and the pick that such a click posts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext

from tracker.meetings.notice.units import Catalog, Ref, refs_label

ROLES = ("lead", "coordinating")
KEY = re.compile(r"^(u\d+|g:.+|@[a-z_]+)$")


@dataclass(frozen=True)
class Suggestion:
    """A name that matched no unit, with the units a click may choose instead (in ``role``)."""

    text: str
    role: str
    choices: list[Ref]
    in_field: bool = False  # a name in the unit field (an error), not only in the text


def options(catalog: Catalog) -> list[tuple[str, list[Ref]]]:
    """The unit list as the drafts' selects offer it: the groups, then the units by kind."""
    groups: dict[str, Ref] = {}
    for ref in catalog.group_refs.values():
        if ref.ids:
            groups.setdefault(ref.key, ref)
    out = [(gettext("Nhóm đơn vị"), sorted(groups.values(), key=lambda r: r.label))]
    by_kind: dict[str, list[Ref]] = {}
    for unit in catalog.units:
        label = catalog.kind_labels.get(unit.kind)
        kind = gettext(label) if label else unit.kind
        by_kind.setdefault(kind, []).append(Catalog.ref(unit))
    return [(label, refs) for label, refs in [*out, *by_kind.items()] if refs]


def from_values(values: list[str], catalog: Catalog) -> str:
    """The stored field of a draft from the posted values: a key of the list becomes its name;
    anything else (a name typed by an older page, a unit since closed) is kept as it came, so
    the check names it beside the field."""
    out: list[str] = []
    for value in values:
        value = (value or "").strip()
        ref = catalog.find(value) if KEY.match(value) else None
        text = ref.label if ref else value
        if text and text not in out:
            out.append(text)
    return "; ".join(out)


def is_key(text: str) -> bool:
    return bool(KEY.match(text.strip()))


def suggestions(catalog: Catalog, draft: dict, resolved: dict) -> list[Suggestion]:
    """The draft's names that matched nothing, in its fields and in its text, with the units
    a click chooses; a name of the text is no question once one of its units is chosen."""
    by_name = {u.name: Catalog.ref(u) for u in catalog.units}
    chosen = {r.key for role in ROLES for r in resolved[role]}
    out: list[Suggestion] = []
    for role in ROLES:
        for u in resolved[f"unknown_{role}"]:
            refs = [by_name[n] for n in u.suggestions if n in by_name]
            out.append(Suggestion(u.text, role, refs, in_field=True))
    for u in draft.get("unknown", []):
        refs = [by_name[n] for n in u.get("suggestions", []) if n in by_name]
        if refs and not any(r.key in chosen for r in refs):
            out.append(Suggestion(u["text"], u.get("role", "lead"), refs))
    return out


def apply_pick(drafts: list[dict], pick: str, catalog: Catalog) -> int | None:
    """Choose the unit a suggestion's button names (``<draft>:<role>:<key>``) in that draft,
    in place of the names that matched nothing; the index of the draft, or None."""
    parts = (pick or "").split(":", 2)
    if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in ROLES:
        return None
    index, role, key = int(parts[0]), parts[1], parts[2]
    ref = catalog.find(key)
    if ref is None or index >= len(drafts):
        return None
    draft = drafts[index]
    refs, _ = catalog.resolve(draft[role])
    if ref.key not in [r.key for r in refs]:
        refs.append(ref)
    draft[role] = refs_label(refs)
    other = ROLES[1 - ROLES.index(role)]
    others, unknown = catalog.resolve(draft[other])
    kept = [r.label for r in others if r.key != ref.key]
    draft[other] = "; ".join(kept + [u.text for u in unknown])
    return index
