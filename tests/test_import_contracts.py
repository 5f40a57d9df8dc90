"""The import contracts of pyproject.toml know every module that holds routes.

``lint-imports`` checks that no feature imports another feature's route modules, but only for
the modules the contract names: a new route module left out of it would escape unnoticed.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import tracker

ROOT = Path(tracker.__file__).parent
ROUTES = re.compile(r"^(bp = Blueprint\(|@bp\.(route|get|post|put|patch|delete)\()", re.MULTILINE)


def _contracts() -> dict[str, dict]:
    data = tomllib.loads((ROOT.parent / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in data["tool"]["importlinter"]["contracts"]}


def _route_modules() -> set[str]:
    found = set()
    for path in ROOT.rglob("*.py"):
        if ROUTES.search(path.read_text(encoding="utf-8")):
            parts = path.relative_to(ROOT.parent).with_suffix("").parts
            found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def _covered(module: str, expressions: list[str]) -> bool:
    for expression in expressions:
        pattern = re.escape(expression).replace(r"\*", r"[^.]+")
        if re.fullmatch(pattern, module):
            return True
    return False


def test_every_route_module_is_in_a_views_contract():
    contracts = _contracts()
    views = contracts["views"]["forbidden_modules"]
    packages = [
        module
        for contract in contracts.values()
        if contract["id"].startswith("blueprint-")
        for module in contract["protected_modules"]
    ]
    route_modules = _route_modules()
    assert route_modules, "no route module found: the pattern is out of date"
    missing = sorted(m for m in route_modules if not _covered(m, views + packages))
    assert missing == []
